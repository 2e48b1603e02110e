"""The commands of Optuna's CLI: studies, trials, best trial(s), ask and tell."""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
from typing import Any

import hypersearch
from hypersearch.cli._format import render
from hypersearch.exceptions import CLIUsageError
from hypersearch.storages import get_storage

_log = logging.getLogger("hypersearch.cli")
_SQL_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")


def read_only_url(url: Any) -> Any:
    """``url`` opened read-only (``mode=ro``) where it is an SQL URL, so nothing is created."""
    if not isinstance(url, str):  # a storage opened from --storage-class
        return url
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme not in _SQL_SCHEMES or "mode=" in url.partition("?")[2]:
        return url
    return url + ("&" if "?" in url else "?") + "mode=ro"


def missing_sqlite_file(url: Any) -> bool:
    """Whether ``url`` names an SQLite file that does not exist (a listing of it is empty)."""
    if not isinstance(url, str) or not url.lower().startswith("sqlite:///"):
        return False
    path = url[len("sqlite:///") :].partition("?")[0]
    return path not in ("", ":memory:") and not os.path.exists(path)


def _when(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def trial_record(trial: hypersearch.FrozenTrial, multi: bool, attrs: bool) -> dict[str, Any]:
    """One trial as Optuna's ``trials`` command lists it."""
    values = None if trial.values is None else [float(v) for v in trial.values]
    start, end = trial.datetime_start, trial.datetime_complete
    record: dict[str, Any] = {"number": trial.number}
    if multi:
        record["values"] = values
    else:
        record["value"] = None if values is None else values[0]
    record["datetime_start"] = _when(start)
    record["datetime_complete"] = _when(end)
    record["duration"] = None if start is None or end is None else str(end - start)
    record["params"] = {k: trial.params[k] for k in sorted(trial.params)}
    if attrs:
        record["user_attrs"] = {k: trial.user_attrs[k] for k in sorted(trial.user_attrs)}
    record["state"] = trial.state.name
    return record


def _records(study: hypersearch.Study, trials: list[hypersearch.FrozenTrial]) -> list[Any]:
    multi = len(study.directions) > 1
    attrs = any(t.user_attrs for t in study.get_trials(deepcopy=False))
    return [trial_record(t, multi, attrs) for t in trials]


def _load(args: argparse.Namespace, read_only: bool) -> hypersearch.Study:
    url = read_only_url(args.storage) if read_only else args.storage
    return hypersearch.load_study(study_name=args.study_name, storage=url)


def _print(data: Any, args: argparse.Namespace, columns: tuple[str, ...] = ()) -> None:
    print(render(data, args.format, flat=getattr(args, "flatten", False), columns=columns))


def cmd_create_study(args: argparse.Namespace) -> None:
    """Create a study and print its name."""
    if args.direction is not None and args.directions is not None:
        raise CLIUsageError("Specify only one of --direction and --directions.")
    study = hypersearch.create_study(
        storage=args.storage,
        study_name=args.study_name,
        direction=args.direction,
        directions=args.directions,
        load_if_exists=args.skip_if_exists,
    )
    print(study.study_name)


def cmd_delete_study(args: argparse.Namespace) -> None:
    """Delete a study and its trials."""
    hypersearch.delete_study(study_name=args.study_name, storage=args.storage)


def cmd_set_user_attr(args: argparse.Namespace) -> None:
    """Set a user attribute (a string) of a study."""
    _load(args, read_only=False).set_user_attr(args.key, args.value)
    _log.info("Attribute successfully written.")


def cmd_study_names(args: argparse.Namespace) -> None:
    """Print the name of every study, one a line."""
    if missing_sqlite_file(args.storage):
        return
    for name in hypersearch.get_all_study_names(read_only_url(args.storage)):
        print(name)


def cmd_studies(args: argparse.Namespace) -> None:
    """List the studies: name, directions, size, start and user attributes."""
    url = args.storage
    summaries = (
        [] if missing_sqlite_file(url) else hypersearch.get_all_study_summaries(read_only_url(url))
    )
    attrs = any(s.user_attrs for s in summaries)
    records = []
    for s in summaries:
        record: dict[str, Any] = {
            "name": s.study_name,
            "direction": [d.name for d in s.directions],
            "n_trials": s.n_trials,
            "datetime_start": _when(s.datetime_start),
        }
        if attrs:
            record["user_attrs"] = dict(s.user_attrs)
        records.append(record)
    _print(records, args, columns=("name", "direction", "n_trials", "datetime_start"))


def cmd_trials(args: argparse.Namespace) -> None:
    """List the trials of a study."""
    study = _load(args, read_only=True)
    _print(_records(study, study.get_trials(deepcopy=False)), args)


def cmd_best_trial(args: argparse.Namespace) -> None:
    """Show the best trial of a single-objective study."""
    study = _load(args, read_only=True)
    if len(study.directions) > 1:
        raise CLIUsageError(
            f"Study {args.study_name!r} has several objectives; use best-trials for its "
            "Pareto front."
        )
    _print(_records(study, [study.best_trial])[0], args)


def cmd_best_trials(args: argparse.Namespace) -> None:
    """Show the trials on the Pareto front (the best trial of a single objective)."""
    study = _load(args, read_only=True)
    _print(_records(study, list(study.best_trials)), args)


def _json_arg(text: str | None, option: str) -> Any:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise CLIUsageError(f"{option} is not valid JSON ({err}): {text!r}.") from err
    if not isinstance(value, dict):
        raise CLIUsageError(f"{option} must be a JSON object, got {text!r}.")
    return value


def _make_sampler(name: str | None, kwargs: dict[str, Any]) -> Any:
    if name is None:
        if kwargs:
            raise CLIUsageError("--sampler-kwargs needs --sampler.")
        return None
    samplers = hypersearch.samplers
    if name not in samplers.__all__ or not name.endswith("Sampler"):
        known = sorted(a for a in samplers.__all__ if a.endswith("Sampler") and a != "BaseSampler")
        raise CLIUsageError(f"--sampler {name!r} is unknown; choose one of {known}.")
    return getattr(samplers, name)(**kwargs)


def cmd_ask(args: argparse.Namespace) -> None:
    """Start a trial, suggest the parameters of ``--search-space`` and print them."""
    from hypersearch.distributions import json_to_distribution

    sampler = _make_sampler(args.sampler, _json_arg(args.sampler_kwargs, "--sampler-kwargs"))
    space = {
        name: json_to_distribution(json.dumps(dist))
        for name, dist in _json_arg(args.search_space, "--search-space").items()
    }
    storage = get_storage(args.storage)
    try:
        study = hypersearch.load_study(study_name=args.study_name, storage=storage, sampler=sampler)
        trial = study.ask(fixed_distributions=space)
    finally:
        storage.close()  # writes the staged parameters now: a dropped storage would lose them
    _log.info(f"Asked trial {trial.number} with parameters {trial.params}.")
    _print({"number": trial.number, "params": dict(trial.params)}, args)


def cmd_tell(args: argparse.Namespace) -> None:
    """Finish a trial started by ``ask`` with its values or a state."""
    state = None if args.state is None else hypersearch.trial.TrialState[args.state.upper()]
    if state is None and args.values is None:  # as Optuna's CLI: the trial failed
        _log.warning(f"Neither --values nor --state given: trial {args.trial_number} is failed.")
        state = hypersearch.trial.TrialState.FAIL
    study = _load(args, read_only=False)
    values = args.values[0] if args.values is not None and len(args.values) == 1 else args.values
    study.tell(args.trial_number, values, state=state, skip_if_finished=args.skip_if_finished)
    _log.info(f"Told trial {args.trial_number} with values {args.values} and state {state}.")
