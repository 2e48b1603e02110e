"""The ``hypersearch`` command.

Examples::

    hypersearch studies --storage sqlite:///hs.db
    hypersearch create-study --storage sqlite:///hs.db --study-name demo --direction maximize
    hypersearch worker --storage sqlite:///hs.db --study-name demo --objective train.py:objective --n-trials 20
    hypersearch summary --storage sqlite:///hs.db --study-name demo
    hypersearch trials --storage sqlite:///hs.db --study-name demo --format json
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import hypersearch
from hypersearch.exceptions import CLIUsageError, HypersearchError


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


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    return str(value)


def cmd_studies(args: argparse.Namespace) -> None:
    for s in hypersearch.get_all_study_summaries(args.storage):
        best = "-" if s.best_trial is None else _fmt(s.best_trial.values[0])  # type: ignore[index]
        dirs = ",".join(d.name.lower() for d in s.directions)
        print(f"{s.study_name}\t{dirs}\t{s.n_trials} trials\tbest {best}")


def cmd_create_study(args: argparse.Namespace) -> None:
    study = hypersearch.create_study(
        storage=args.storage,
        study_name=args.study_name,
        direction=None if args.directions else args.direction,
        directions=args.directions,
        load_if_exists=args.skip_if_exists,
    )
    print(study.study_name)


def cmd_delete_study(args: argparse.Namespace) -> None:
    hypersearch.delete_study(study_name=args.study_name, storage=args.storage)


def cmd_summary(args: argparse.Namespace) -> None:
    print(hypersearch.load_study(study_name=args.study_name, storage=args.storage).summary())


def cmd_best_trial(args: argparse.Namespace) -> None:
    study = hypersearch.load_study(study_name=args.study_name, storage=args.storage)
    trials = [study.best_trial] if len(study.directions) == 1 else study.best_trials
    print(json.dumps([_trial_json(t) for t in trials], indent=2))


def _trial_json(t: hypersearch.FrozenTrial) -> dict[str, Any]:
    return {
        "number": t.number,
        "state": t.state.name,
        "values": None if t.values is None else list(t.values),
        "params": dict(t.params),
        "user_attrs": dict(t.user_attrs),
        "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
        "datetime_complete": t.datetime_complete.isoformat() if t.datetime_complete else None,
    }


def cmd_trials(args: argparse.Namespace) -> None:
    study = hypersearch.load_study(study_name=args.study_name, storage=args.storage)
    trials = study.get_trials(deepcopy=False)
    if args.format == "json":
        print(json.dumps([_trial_json(t) for t in trials], indent=2))
        return
    for t in trials:
        values = "-" if t.values is None else ",".join(_fmt(v) for v in t.values)
        print(f"{t.number}\t{t.state.name}\t{values}\t{json.dumps(dict(t.params))}")


def cmd_worker(args: argparse.Namespace) -> None:
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

        optimize_until_complete(study, objective, args.max_trials, timeout=args.timeout)
        return
    callbacks = []
    if args.max_trials is not None:
        callbacks.append(hypersearch.MaxTrialsCallback(args.max_trials))
    study.optimize(objective, n_trials=args.n_trials, timeout=args.timeout, callbacks=callbacks)


def cmd_migrate(args: argparse.Namespace) -> None:
    from hypersearch.storages._optuna import migrate_from_optuna

    names = migrate_from_optuna(args.from_optuna, args.to, study_names=args.study_name)
    for name in names:
        print(name)


def _add_migrate(sub: Any) -> None:
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
    p.set_defaults(func=cmd_migrate)


def cmd_storage_upgrade(args: argparse.Namespace) -> None:
    from hypersearch.storages import upgrade_storage

    found, now = upgrade_storage(args.storage)
    if found == now:
        print(f"The schema is current (version {now}); nothing to do.")
    elif found < 0:
        print(f"Created the schema (version {now}).")
    else:
        print(f"Upgraded the schema from version {found} to {now}.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypersearch", description="Hyperparameter search studies."
    )
    parser.add_argument(
        "--version", action="version", version=f"hypersearch {hypersearch.__version__}"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(
        name: str, func: Callable[[argparse.Namespace], None], help_: str, study: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--storage", required=True, help="storage URL, e.g. sqlite:///hs.db")
        if study:
            p.add_argument("--study-name", required=True)
        p.set_defaults(func=func)
        return p

    add("studies", cmd_studies, "list the studies in a storage", study=False)
    p = add("create-study", cmd_create_study, "create a study and print its name", study=False)
    p.add_argument("--study-name", default=None)
    p.add_argument("--direction", default="minimize", choices=["minimize", "maximize"])
    p.add_argument("--directions", nargs="+", choices=["minimize", "maximize"], default=None)
    p.add_argument("--skip-if-exists", action="store_true")
    add("delete-study", cmd_delete_study, "delete a study and its trials")
    add("summary", cmd_summary, "print the best result and the budget")
    add("best-trial", cmd_best_trial, "print the best trial (the Pareto front) as JSON")
    p = add("trials", cmd_trials, "list the trials")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p = add("worker", cmd_worker, "join a study and run trials of an objective")
    p.add_argument("--objective", required=True, help="module:function or file.py:function")
    p.add_argument("--n-trials", type=int, default=None, help="trials this worker runs")
    p.add_argument(
        "--max-trials",
        type=int,
        default=None,
        help="stop once the study holds this many COMPLETE trials",
    )
    p.add_argument(
        "--heartbeat-interval",
        type=float,
        default=None,
        help="seconds between heartbeats (SQL storages)",
    )
    p.add_argument(
        "--grace-period",
        type=float,
        default=None,
        help="seconds of silence before a trial is failed",
    )
    p.add_argument(
        "--retry-failed", type=int, default=None, help="re-run trials of dead workers up to N times"
    )
    p.add_argument(
        "--timeout", type=float, default=None, help="seconds after which no trial starts"
    )
    p.add_argument(
        "--sampler", default=None, help="e.g. random, tpe, gp (default: the study default)"
    )
    p.add_argument("--seed", type=int, default=None)
    storage = sub.add_parser("storage", help="maintain a storage (schema upgrade)")
    storage_sub = storage.add_subparsers(dest="storage_command", required=True)
    p = storage_sub.add_parser(
        "upgrade", help="migrate an SQL database to this version's schema (back it up first)"
    )
    p.add_argument("--storage", required=True, help="storage URL, e.g. sqlite:///hs.db")
    p.set_defaults(func=cmd_storage_upgrade)
    _add_migrate(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.quiet:
        hypersearch.logging.set_verbosity(hypersearch.logging.WARNING)
    try:
        args.func(args)
    except (HypersearchError, ValueError, TypeError, NotImplementedError) as err:
        print(f"hypersearch {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
