"""run_grpc_proxy_server: serve a storage to workers that reach it over gRPC."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypersearch import logging as hs_logging
from hypersearch.storages._base import BaseStorage
from hypersearch.storages._grpc import _wire

_logger = hs_logging.get_logger(__name__)
SERVICE = "hypersearch.StorageProxy"

# The storage methods a proxy may call: nothing else is reachable over the wire.
CALLS = frozenset(
    {
        "create_new_study",
        "delete_study",
        "set_study_user_attr",
        "set_study_system_attr",
        "get_study_id_from_name",
        "get_study_name_from_id",
        "get_study_directions",
        "get_study_user_attrs",
        "get_study_system_attrs",
        "get_all_studies",
        "create_new_trial",
        "create_new_trials",
        "set_trial_param",
        "stage_trial_param",
        "set_trial_state_values",
        "claim_queued_trial",
        "start_trial",
        "finish_and_start_trial",
        "set_trial_intermediate_value",
        "set_trial_user_attr",
        "set_trial_system_attr",
        "get_trial",
        "get_owned_trial",
        "get_trial_id_from_study_id_trial_number",
        "get_trials_since",
        "get_finish_seq",
        "get_all_trials",
        "get_n_trials",
        "record_heartbeat",
        "fail_stale_trials",
    }
)


def _handler(storage: BaseStorage) -> Any:
    def call(request: bytes, context: Any) -> bytes:
        message = json.loads(request)
        name = message["m"]
        if name == "_info":
            info = {"heartbeat_interval": storage.heartbeat_interval, "repr": repr(storage)}
            return _wire.dumps({"result": info})
        if name not in CALLS:
            return _wire.dumps({"error": {"type": "ValueError", "message": f"no call {name!r}"}})
        try:
            args, kwargs = _wire.decode(message["a"]), _wire.decode(message["k"])
            return _wire.dumps({"result": getattr(storage, name)(*args, **kwargs)})
        except Exception as err:  # sent back to the caller, who raises it
            return _wire.dumps({"error": _wire.error_to_wire(err)})

    return call


def make_grpc_server(
    storage: BaseStorage,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
) -> tuple[Any, int]:
    """A started-to-be gRPC server serving ``storage``, and the port it bound (0: any free)."""
    import grpc

    server = grpc.server(thread_pool or ThreadPoolExecutor(max_workers=10))
    handler = grpc.unary_unary_rpc_method_handler(_handler(storage))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(SERVICE, {"Call": handler}),)
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"Cannot listen on {host}:{port}.")
    return server, bound


def run_grpc_proxy_server(
    storage: BaseStorage | str,
    *,
    host: str = "localhost",
    port: int = 13000,
    thread_pool: ThreadPoolExecutor | None = None,
) -> None:
    """Serve ``storage`` (a storage or URL) on ``host:port`` until interrupted (Optuna's name).

    Workers use :class:`GrpcStorageProxy`. The connection is plain (no TLS, no
    authentication): bind it to a private network only.
    """
    from hypersearch.storages import get_storage

    server, bound = make_grpc_server(get_storage(storage), host, port, thread_pool)
    server.start()
    _logger.info(f"Serving the storage over gRPC on {host}:{bound}.")
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(grace=2.0)
