"""Ray: run a study's trials as Ray tasks, ``study.optimize(..., executor=RayExecutor())``.

::

    study = hs.create_study(study_name="big", storage="postgresql://...", load_if_exists=True)
    with RayExecutor(address="auto") as ray_executor:  # or None (a local cluster), "ray://host:10001"
        study.optimize(objective, n_trials=1000, n_jobs=8, executor=ray_executor)

It fits the executor contract of ``study.optimize`` (an object whose
``submit(fn, *args)`` returns a future with ``result()``): each of the
``n_jobs`` workers is one Ray task that loads the study from the storage by
name and runs its share of the trials, exactly as with Dask or a process pool.
The study must live in a storage every Ray node reaches (SQLite for one
machine, PostgreSQL or MySQL for a cluster); heartbeats and
``RetryFailedTrialCallback`` set on the storage work as with Dask.

Tasks are not retried by Ray (``max_retries=0``): a retried share would rerun
trials and break the exact ``n_trials`` count. When a worker or the cluster
goes away, ``result()`` raises :class:`~hypersearch.exceptions.WorkerLostError`
(a ``RuntimeError``, as with Dask) saying so; every trial
that finished is already in the storage, and a trial that was running on the
lost worker is failed (and retried, with ``RetryFailedTrialCallback``) by the
heartbeat reaper when the storage has a ``heartbeat_interval``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hypersearch._imports import require
from hypersearch.exceptions import WorkerLostError

ray = require("ray", extra="ray")

__all__ = ["RayExecutor"]


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


class RayFuture:
    """The pending result of one Ray task: ``result(timeout)`` as a concurrent future's."""

    def __init__(self, ref: Any) -> None:
        self.ref = ref

    def result(self, timeout: float | None = None) -> Any:
        try:
            return ray.get(self.ref, timeout=timeout)
        except ray.exceptions.RayTaskError as err:
            raise err.as_instanceof_cause() from None  # the objective's own error, its own type
        except ray.exceptions.GetTimeoutError:
            raise TimeoutError(f"Ray task {self.ref} did not finish in {timeout} s.") from None
        except ray.exceptions.RayError as err:
            raise WorkerLostError(
                f"Ray lost a worker running a share of the study ({type(err).__name__}: {err}). "
                "Every trial that finished is kept in the storage; a trial that was running "
                "there stays RUNNING until the heartbeat reaper fails it (give the storage a "
                "heartbeat_interval; RetryFailedTrialCallback reruns it)."
            ) from err

    def done(self) -> bool:
        ready, _ = ray.wait([self.ref], timeout=0)
        return bool(ready)

    def cancel(self) -> bool:
        ray.cancel(self.ref)
        return True


class RayExecutor:
    """Submit functions as Ray tasks (see the module docstring).

    Args:
        address: None starts a local Ray cluster in this process (or uses the one
            already started by ``ray.init``); ``"auto"`` joins the cluster of this
            machine; ``"ray://host:10001"`` connects through Ray Client.
        num_cpus: CPUs one task reserves (one task = one worker running trials).
        init_kwargs: More keyword arguments for ``ray.init`` (``num_cpus``,
            ``runtime_env``, ...).
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: float = 1,
        init_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if address is not None and not isinstance(address, str):
            raise TypeError(f"address must be None or a str, got {address!r}.")
        if isinstance(num_cpus, bool) or not isinstance(num_cpus, (int, float)) or num_cpus < 0:
            raise ValueError(f"num_cpus must be a number >= 0, got {num_cpus!r}.")
        self.address = address
        self.num_cpus = num_cpus
        self.init_kwargs = dict(init_kwargs or {})
        self._started_here = False
        self._remote: Any = None
        self._lock = threading.Lock()

    def _connect(self) -> Any:
        with self._lock:
            if not ray.is_initialized():
                kwargs = {"include_dashboard": False, "log_to_driver": True}
                kwargs.update(self.init_kwargs)
                ray.init(address=self.address, **kwargs)
                self._started_here = True
            if self._remote is None:
                self._remote = ray.remote(num_cpus=self.num_cpus, max_retries=0)(_call)
            return self._remote

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> RayFuture:
        """Run ``fn(*args, **kwargs)`` as a Ray task."""
        return RayFuture(self._connect().remote(fn, args, kwargs))

    def shutdown(self, wait: bool = True) -> None:
        """Stop the Ray cluster if this executor started it."""
        with self._lock:
            if self._started_here and ray.is_initialized():
                ray.shutdown()
            self._started_here = False
            self._remote = None

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
