"""Storage over gRPC (Optuna's ``GrpcStorageProxy`` and ``run_grpc_proxy_server``).

Serve any storage from one process, and let workers use it through proxies::

    # on the server
    hypersearch.storages.run_grpc_proxy_server("postgresql://...", host="0.0.0.0", port=13000)
    # on each worker
    storage = hypersearch.storages.GrpcStorageProxy(host="server", port=13000)
    study = hypersearch.load_study(study_name="s", storage=storage)

Needs the ``grpcio`` package (``pip install 'hypersearch[grpc]'``).
"""

from hypersearch.storages._grpc._proxy import GrpcStorageProxy
from hypersearch.storages._grpc._server import make_grpc_server, run_grpc_proxy_server

__all__ = ["GrpcStorageProxy", "make_grpc_server", "run_grpc_proxy_server"]
