"""The argument parser: Optuna's commands and flags, then hypersearch's own commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import hypersearch
from hypersearch.cli import _run_commands as run
from hypersearch.cli import _study_commands as studies
from hypersearch.cli._dashboard_command import add_dashboard
from hypersearch.cli._diagnose_command import add_diagnose
from hypersearch.cli._format import FORMATS

Command = Callable[[argparse.Namespace], None]
_DIRECTIONS = ["minimize", "maximize"]
_STORAGE_HELP = (
    "storage URL, e.g. sqlite:///hs.db (also accepted before the command, or from the "
    "HYPERSEARCH_STORAGE or OPTUNA_STORAGE environment variable)"
)


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    """Options valid before and after the command; after it they override."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--storage", default=default, help=_STORAGE_HELP)
    parser.add_argument(
        "--storage-class",
        default=None if top else argparse.SUPPRESS,
        choices=["RDBStorage", "JournalFileBackend"],
        help="how to read --storage: RDBStorage (an SQL URL, the default) or "
        "JournalFileBackend (the path of a hypersearch journal file)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if top else argparse.SUPPRESS,
        help="log debug messages too (may be repeated, as in Optuna)",
    )
    verbosity.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="log warnings and errors only",
    )
    parser.add_argument(
        "--log-file",
        default=None if top else argparse.SUPPRESS,
        help="also write the log to this file (appended)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show the traceback of an error",
    )


def _add(sub: Any, name: str, func: Command, help_: str, study: bool = True) -> Any:
    p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
    _common(p, top=False)
    if study:
        p.add_argument("--study-name", required=True, help="the name of the study")
    p.set_defaults(func=func)
    return p


def _add_format(p: argparse.ArgumentParser, default: str = "table", flat: bool = True) -> None:
    p.add_argument(
        "-f",
        "--format",
        choices=FORMATS,
        default=default,
        help=f"output format (default: {default})",
    )
    if flat:
        p.add_argument(
            "--flatten",
            action="store_true",
            help="flatten nested columns: params_x, user_attrs_k, values_0, ...",
        )


def _add_study_commands(sub: Any) -> None:
    p = _add(sub, "create-study", studies.cmd_create_study, "create a study, print its name", False)
    p.add_argument("--study-name", default=None, help="the name (default: a generated one)")
    p.add_argument(
        "--direction", default=None, choices=_DIRECTIONS, help="the objective's direction"
    )
    p.add_argument(
        "--directions",
        nargs="+",
        default=None,
        choices=_DIRECTIONS,
        help="the directions of several objectives",
    )
    p.add_argument(
        "--skip-if-exists", action="store_true", help="reuse the study if the name exists"
    )
    _add(sub, "delete-study", studies.cmd_delete_study, "delete a study and its trials")
    study = sub.add_parser("study", help="change a study (set-user-attr)")
    study_sub = study.add_subparsers(dest="study_command", required=True)
    p = _add(study_sub, "set-user-attr", studies.cmd_set_user_attr, "set a user attribute")
    p.add_argument("--key", "-k", required=True, help="the attribute's key")
    p.add_argument("--value", required=True, help="the attribute's value (a string)")
    p = _add(sub, "study-names", studies.cmd_study_names, "print every study's name", False)
    p = _add(sub, "studies", studies.cmd_studies, "list the studies in a storage", False)
    _add_format(p)
    p = _add(sub, "trials", studies.cmd_trials, "list the trials of a study")
    _add_format(p)
    p = _add(sub, "best-trial", studies.cmd_best_trial, "show the best trial")
    _add_format(p)
    p = _add(sub, "best-trials", studies.cmd_best_trials, "show the trials of the Pareto front")
    _add_format(p)


def _add_ask_tell(sub: Any) -> None:
    p = _add(sub, "ask", studies.cmd_ask, "start a trial and suggest its parameters")
    p.add_argument(
        "--sampler", default=None, help="a sampler class, e.g. TPESampler (default: the study's)"
    )
    p.add_argument(
        "--sampler-kwargs",
        default=None,
        help="the sampler's arguments as JSON, e.g. '{\"seed\": 0}'",
    )
    p.add_argument(
        "--search-space",
        default=None,
        help="JSON object of parameter name -> distribution, as distribution_to_json writes it",
    )
    _add_format(p, default="json", flat=True)
    p = _add(sub, "tell", studies.cmd_tell, "finish a trial started by ask")
    p.add_argument("--trial-number", type=int, required=True, help="the trial to finish")
    p.add_argument("--values", type=float, nargs="+", default=None, help="its objective values")
    p.add_argument(
        "--state",
        default=None,
        choices=["complete", "pruned", "fail"],
        help="its state (default: complete with --values, else fail)",
    )
    p.add_argument(
        "--skip-if-finished", action="store_true", help="do nothing if the trial is finished"
    )


def _add_run_commands(sub: Any) -> None:
    _add(sub, "summary", run.cmd_summary, "print the best result and the budget")
    _add(sub, "budget", run.cmd_budget, "print what the study spent (trials, time, device-hours)")
    p = _add(sub, "report", run.cmd_report, "write a short Markdown report of the study")
    p.add_argument("--path", default=None, help="the .md file to write (default: print it)")
    p = _add(sub, "worker", run.cmd_worker, "join a study and run trials of an objective")
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
    p.add_argument("--seed", type=int, default=None, help="the sampler's seed")
    p.add_argument(
        "--devices",
        type=float,
        default=None,
        help="devices (GPUs) each trial holds, for the budget's device-hours",
    )
    storage = sub.add_parser("storage", help="maintain a storage (schema upgrade)")
    storage_sub = storage.add_subparsers(dest="storage_command", required=True)
    _add(
        storage_sub,
        "upgrade",
        run.cmd_storage_upgrade,
        "migrate an SQL database to this version's schema (back it up first)",
        False,
    )
    run.add_migrate(sub)
    add_dashboard(sub)
    add_diagnose(sub, _add, _add_format)


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``hypersearch`` command line."""
    parser = argparse.ArgumentParser(
        prog="hypersearch", description="Hyperparameter search studies."
    )
    parser.add_argument(
        "--version", action="version", version=f"hypersearch {hypersearch.__version__}"
    )
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    _add_study_commands(sub)
    _add_ask_tell(sub)
    _add_run_commands(sub)
    return parser
