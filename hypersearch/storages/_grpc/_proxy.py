"""GrpcStorageProxy: a storage whose every call goes to a ``run_grpc_proxy_server`` process."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypersearch.exceptions import StorageError
from hypersearch.storages._base import BaseStorage
from hypersearch.storages._grpc import _wire
from hypersearch.storages._grpc._server import CALLS, SERVICE


def _forward(name: str) -> Callable[..., Any]:
    def call(self: GrpcStorageProxy, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, args, kwargs)

    call.__name__ = name
    call.__doc__ = f"``{name}`` on the server's storage."
    return call


class GrpcStorageProxy(BaseStorage):
    """A storage reached through a gRPC server (Optuna's name and arguments).

    Many workers can share one database connection pool this way: the server
    holds the storage, workers hold proxies. Errors raised by the server's
    storage are raised here with their type.

    Args:
        host: The server's host.
        port: The server's port.
        timeout: Seconds to wait for each call (None: no limit).
    """

    def __init__(self, *, host: str = "localhost", port: int = 13000, timeout: float | None = 60.0):
        self.host, self.port, self.timeout = host, port, timeout
        self._connect()
        info = self._call("_info", (), {})
        self.heartbeat_interval = info["heartbeat_interval"]

    def _connect(self) -> None:
        import grpc

        self._channel = grpc.insecure_channel(f"{self.host}:{self.port}")
        self._stub = self._channel.unary_unary(f"/{SERVICE}/Call")

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_channel", "_stub")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._connect()

    def __repr__(self) -> str:
        return f"GrpcStorageProxy(host={self.host!r}, port={self.port})"

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        import grpc

        request = json.dumps(
            {"m": name, "a": _wire.encode(list(args)), "k": _wire.encode(kwargs)}, allow_nan=True
        ).encode()
        try:
            reply = _wire.loads(self._stub(request, timeout=self.timeout))
        except grpc.RpcError as err:
            raise StorageError(
                f"The storage proxy at {self.host}:{self.port} did not answer {name}: "
                f"{err.code().name}."  # type: ignore[attr-defined]
            ) from err
        if "error" in reply:
            raise _wire.error_from_wire(reply["error"])
        return reply["result"]

    def close(self) -> None:
        self._channel.close()


for _name in CALLS:
    setattr(GrpcStorageProxy, _name, _forward(_name))
GrpcStorageProxy.__abstractmethods__ = frozenset()
