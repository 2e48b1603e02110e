"""hypersearch's own commands: worker, summary, migrate and storage upgrade."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hypersearch
from hypersearch.exceptions import CLIUsageError


def load_objective(spec: str) -> Callable[..., Any]:
    """``module:function`` or ``path/to/file.py:function`` -> the function."""
    target, sep, name = spec.rpartition(":")
    if not sep or not target or not name:
        raise CLIUsageError(
            f"--objective must look like module:function or file.py:function, got {spec!r}."
        )
    if target.endswith(".py"):
        path = Path(target)
        if not path.is_file():
            raise CLIUsageError(f"--objective: no file {target!r}.")
        module_spec = importlib.util.spec_from_file_location(path.stem, path)
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        sys.path.insert(0, str(path.resolve().parent))
        module_spec.loader.exec_module(module)
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as err:
            raise CLIUsageError(f"--objective: cannot import module {target!r}: {err}") from err
    func = getattr(module, name, None)
    if not callable(func):
        raise CLIUsageError(f"--objective: {target!r} has no function {name!r}.")
    return func


def _sampler(name: str | None, seed: int | None) -> Any:
    if name is None:
        return None
    samplers = hypersearch.samplers
    for attr in samplers.__all__:
        if attr.lower() in (name.lower(), name.lower() + "sampler"):
            cls = getattr(samplers, attr)
            return cls(seed=seed) if seed is not None else cls()
    choices = sorted(
        a.removesuffix("Sampler").lower()
        for a in samplers.__all__
        if a.endswith("Sampler") and a != "BaseSampler"
    )
    raise CLIUsageError(f"--sampler {name!r} is unknown; choose one of {choices}.")


def cmd_summary(args: argparse.Namespace) -> None:
    print(hypersearch.load_study(study_name=args.study_name, storage=args.storage).summary())


def cmd_budget(args: argparse.Namespace) -> None:
    """What the study spent: trials, wall time per session, trial time, device-hours."""
    from hypersearch.cli._study_commands import read_only_url

    study = hypersearch.load_study(study_name=args.study_name, storage=read_only_url(args.storage))
    print(f"Budget: {study.budget()}")


def cmd_report(args: argparse.Namespace) -> None:
    """The Markdown report: printed, or written to --path (plots beside it)."""
    from hypersearch.cli._study_commands import read_only_url

    study = hypersearch.load_study(study_name=args.study_name, storage=read_only_url(args.storage))
    text = study.report(args.path)
    if args.path is None:
        print(text, end="")


def cmd_worker(args: argparse.Namespace) -> None:
    from hypersearch.study._optimize import check_devices

    try:
        devices = check_devices(args.devices)
    except ValueError as err:
        raise CLIUsageError(f"--devices: {err}") from err
    if devices is not None and not math.isfinite(devices):
        raise CLIUsageError(f"--devices must be a finite number > 0, got {devices!r}.")
    objective = load_objective(args.objective)
    storage: Any = args.storage
    if args.heartbeat_interval is not None:
        from hypersearch.storages import RetryFailedTrialCallback, SQLStorage

        if not args.storage.split(":", 1)[0].startswith(("sqlite", "postgres", "mysql")):
            raise CLIUsageError("--heartbeat-interval needs an SQL storage URL.")
        retry = None if args.retry_failed is None else RetryFailedTrialCallback(args.retry_failed)
        storage = SQLStorage(
            args.storage,
            heartbeat_interval=args.heartbeat_interval,
            grace_period=args.grace_period,
            failed_trial_callback=retry,
        )
    study = hypersearch.load_study(
        study_name=args.study_name, storage=storage, sampler=_sampler(args.sampler, args.seed)
    )
    if args.max_trials is not None and args.n_trials is None:
        from hypersearch.study._cap import optimize_until_complete

        optimize_until_complete(
            study, objective, args.max_trials, timeout=args.timeout, devices=devices
        )
        return
    callbacks = []
    if args.max_trials is not None:
        callbacks.append(hypersearch.MaxTrialsCallback(args.max_trials))
    study.optimize(
        objective,
        n_trials=args.n_trials,
        timeout=args.timeout,
        callbacks=callbacks,
        devices=devices,
    )


def cmd_migrate(args: argparse.Namespace) -> None:
    from hypersearch.storages._optuna import migrate_from_optuna

    names = migrate_from_optuna(args.from_optuna, args.to, study_names=args.study_name)
    for name in names:
        print(name)


def add_migrate(sub: Any) -> None:
    """The ``migrate`` command."""
    p = sub.add_parser(
        "migrate",
        help="copy the studies of an Optuna database into a hypersearch storage",
        description="Copy studies of an Optuna RDB database (Optuna 3.0-5.0), or of an Optuna "
        "journal file, into a hypersearch storage, every trial included. The Optuna data is "
        "only read.",
    )
    p.add_argument(
        "--from-optuna",
        required=True,
        metavar="URL",
        help="the Optuna storage URL to read, or the path of an Optuna journal file",
    )
    p.add_argument("--to", required=True, metavar="URL", help="the hypersearch storage URL")
    p.add_argument(
        "--study-name",
        action="append",
        default=None,
        help="a study to copy (repeat for several; default: all)",
    )
    p.set_defaults(func=cmd_migrate, needs_storage=False)


def cmd_storage_upgrade(args: argparse.Namespace) -> None:
    from hypersearch.storages import upgrade_storage

    found, now = upgrade_storage(args.storage)
    if found == now:
        print(f"The schema is current (version {now}); nothing to do.")
    elif found < 0:
        print(f"Created the schema (version {now}).")
    else:
        print(f"Upgraded the schema from version {found} to {now}.")
