"""Logging: hypersearch logs through the standard ``logging`` module.

By default one concise INFO line per finished trial goes to stderr. Quiet it
with ``hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)``.
"""

from __future__ import annotations

import logging as _logging
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

_ROOT = "hypersearch"
_lock = threading.Lock()
_handler: _logging.Handler | None = None


def _root() -> _logging.Logger:
    global _handler
    logger = _logging.getLogger(_ROOT)
    if _handler is None:
        with _lock:
            if _handler is None:
                _handler = _logging.StreamHandler()
                _handler.setFormatter(_logging.Formatter("[%(levelname)s %(asctime)s] %(message)s"))
                logger.addHandler(_handler)
                logger.setLevel(INFO)
                logger.propagate = False
    return logger


def get_logger(name: str) -> _logging.Logger:
    """The logger of a hypersearch module (a child of the ``hypersearch`` logger).

    Optuna's names map onto ours: ``get_logger("optuna")`` is the ``hypersearch``
    logger, so a program that adds a handler to it keeps seeing the log after
    ``import hypersearch as optuna``.
    """
    _root()
    if name == "optuna" or name.startswith("optuna."):
        name = _ROOT + name[len("optuna") :]
    return _logging.getLogger(name)


def get_verbosity() -> int:
    return _root().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the level of hypersearch's logger (e.g. ``hypersearch.logging.WARNING``)."""
    _root().setLevel(verbosity)


def disable_default_handler() -> None:
    if _handler is not None:
        _root().removeHandler(_handler)


def enable_default_handler() -> None:
    logger = _root()
    if _handler is not None and _handler not in logger.handlers:
        logger.addHandler(_handler)


def disable_propagation() -> None:
    _root().propagate = False


def enable_propagation() -> None:
    _root().propagate = True
