"""An executor task's share of trials run in a child process, where a time limit can interrupt it.

``optimize(trial_timeout=...)`` interrupts a trial with SIGALRM, which only a
process's main thread receives. Executors such as Dask run tasks in worker
threads; there, with a time limit set, the task starts a child Python process
(``python -m hypersearch.study._worker_child FOLDER``), hands it the task's
arguments (pickled with cloudpickle when installed, as Dask does), waits, and
returns its result or raises its error. The child runs the share in its main
thread, so a trial stuck in ``time.sleep`` or a C call is interrupted at its limit.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any


def needs_child(trial_timeout: float | None) -> bool:
    """A time limit is set and this is not a main thread (SIGALRM cannot reach it)."""
    return (
        trial_timeout is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is not threading.main_thread()
    )


def _dumps(obj: Any) -> bytes:
    try:
        import cloudpickle  # functions defined in __main__ or a notebook travel by value
    except ImportError:  # pragma: no cover - installed with dask
        return pickle.dumps(obj)
    return bytes(cloudpickle.dumps(obj))


def run_in_child(args: tuple[Any, ...]) -> Any:
    """``_run_worker(*args)`` in a child process; its result, or its error raised here."""
    with tempfile.TemporaryDirectory(prefix="hypersearch-worker-") as folder:
        Path(folder, "task.pkl").write_bytes(_dumps(args))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        done = subprocess.run(
            [sys.executable, "-m", "hypersearch.study._worker_child", folder],
            env=env,
            check=False,
        )
        result = Path(folder, "result.pkl")
        if not result.exists():
            raise RuntimeError(
                f"The worker's child process ended with exit code {done.returncode} before "
                "it finished its trials (killed? out of memory?); finished trials are kept."
            )
        ok, value = pickle.loads(result.read_bytes())
    if ok:
        return value
    raise value


def main(folder: str) -> None:
    """The child: run the task, write ``(True, result)`` or ``(False, error)``."""
    from hypersearch.study._executors import _run_worker

    args = pickle.loads(Path(folder, "task.pkl").read_bytes())
    try:
        outcome: tuple[bool, Any] = (True, _run_worker(*args))
    except BaseException as err:  # handed to the parent, which raises it
        outcome = (False, err)
    try:
        payload = _dumps(outcome)
    except Exception:  # an error that does not pickle: its text travels
        payload = _dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
    Path(folder, "result.pkl").write_bytes(payload)


if __name__ == "__main__":
    main(sys.argv[1])
