"""The ``hypersearch`` command: Optuna's CLI commands plus hypersearch's own.

Examples::

    hypersearch create-study --storage sqlite:///hs.db --study-name demo --direction maximize
    hypersearch --storage sqlite:///hs.db studies -f json
    hypersearch ask --storage sqlite:///hs.db --study-name demo --search-space '{"x": ...}'
    hypersearch tell --storage sqlite:///hs.db --study-name demo --trial-number 0 --values 1.5
    hypersearch worker --storage sqlite:///hs.db --study-name demo --objective train.py:objective
    hypersearch trials --storage sqlite:///hs.db --study-name demo --format yaml
    hypersearch dashboard sqlite:///hs.db   # a live web page at http://127.0.0.1:8080/
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

import hypersearch
from hypersearch.cli._parser import build_parser
from hypersearch.cli._run_commands import load_objective
from hypersearch.exceptions import HypersearchError

STORAGE_ENV = ("HYPERSEARCH_STORAGE", "OPTUNA_STORAGE")
READ_ONLY_COMMANDS = ("studies", "study-names", "trials", "best-trial", "best-trials")


def _silence_stdout() -> None:
    """After a closed pipe (``| head``): send what is left to /dev/null, without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.storage is None:
        args.storage = next((os.environ[n] for n in STORAGE_ENV if os.environ.get(n)), None)
    if args.storage is None and getattr(args, "needs_storage", True):
        parser.error(f"--storage is required (or set {' or '.join(STORAGE_ENV)}).")
    if args.storage_class == "JournalFileBackend":
        args.storage = _journal(args.storage, args.command)
    log_file = _set_up_logging(args)
    try:
        return _run(args)
    finally:
        if log_file is not None:
            logging.getLogger("hypersearch").removeHandler(log_file)
            log_file.close()


def _journal(path: str, command: str) -> Any:
    """The journal storage of ``path``; a missing file is not created by a listing."""
    from hypersearch.storages import InMemoryStorage
    from hypersearch.storages.journal import JournalFileBackend, JournalStorage

    if not os.path.exists(path) and command in READ_ONLY_COMMANDS:
        return InMemoryStorage()  # nothing to list, and no file made
    return JournalStorage(JournalFileBackend(path))


def _set_up_logging(args: argparse.Namespace) -> logging.Handler | None:
    """-q / -v set the level; --log-file adds a handler (returned, to remove it after)."""
    if args.quiet:
        hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    elif args.verbose:
        hypersearch.logging.set_verbosity(hypersearch.logging.DEBUG)
    if args.log_file is None:
        return None
    handler = logging.FileHandler(args.log_file)
    handler.setFormatter(logging.Formatter("[%(levelname)s %(asctime)s] %(message)s"))
    logging.getLogger("hypersearch").addHandler(handler)
    return handler


def _run(args: argparse.Namespace) -> int:
    """The command's exit status: 0, or 1 after an error (a traceback only with --debug)."""
    try:
        args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except (HypersearchError, ValueError, TypeError, KeyError, RuntimeError) as err:
        if args.debug:
            raise
        print(f"hypersearch {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


__all__ = ["build_parser", "load_objective", "main"]


if __name__ == "__main__":
    sys.exit(main())
