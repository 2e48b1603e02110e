"""The JSON API's read endpoints (the writes are in _writes)."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse

from hypersearch import _keys
from hypersearch.dashboard import _artifacts, _records, _table
from hypersearch.dashboard._figures import empty, objective_target
from hypersearch.dashboard._plots import PLOTS, plot_options, plots_for
from hypersearch.dashboard._plots_values import history_figure_of

if TYPE_CHECKING:
    from hypersearch.dashboard._cache import StudyCache, StudyEntry
    from hypersearch.study._history import History

#: A delta with more changed trials than this tells the page to reload its views instead.
MAX_DELTA_ROWS = 1000
#: Seconds the budget and last activity (a pass over every trial) are reused while trials change.
SPENDING_MAX_AGE = 2.0
#: Seconds the study list waits for studies read for the first time; the rest show as loading.
LIST_WAIT = 1.0
#: From this many trials on, the budget (which builds every trial object) is computed in the
#: background: the summary shows without it and a later poll brings it.
SPENDING_INLINE_MAX = 5000
#: Seconds a first page waits for a big study's light read (or its whole read) to end.
FIRST_LOOK_WAIT = 60.0
#: Plots drawn from every trial object: while a big study's first read is still under way
#: they answer at once that they wait for it (the page asks again) instead of holding a
#: server thread until it ends.
NEEDS_EVERY_TRIAL = frozenset({"intermediate", "timeline", "lineage", "budget"})


def waiting_text(progress: dict[str, Any]) -> str:
    """What a plot that needs every trial says while a big study's first read goes on."""
    total = progress["total"]
    if progress["stage"] == "reading":
        return (
            f"Waiting for every trial: reading the parameters and reports of {total:,} trials\u2026"
        )
    return f"Waiting for every trial: {progress['done']:,} of {total:,} trials read\u2026"


class ApiError(Exception):
    """An error the API answers with ``status`` and a JSON ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def cache_of(request: Request) -> StudyCache:
    return request.app.state.cache


def _entry(request: Request) -> StudyEntry:
    return cache_of(request).entry(request.path_params["study_id"])


def _record(request: Request, study_id: int) -> Any:
    for record in cache_of(request).records():
        if record.study_id == study_id:
            return record
    raise ApiError(404, f"No study with id {study_id}.")


def _summary(entry: StudyEntry, record: Any) -> tuple[dict[str, Any], Any]:
    """The study's summary; its budget part is recomputed at most every 2 s while trials change."""
    progress = entry.progress()
    if progress is not None:  # the loader builds the trial objects the budget needs
        spent = None
    elif entry.history().n <= SPENDING_INLINE_MAX:
        spent, _ = entry.view("spending", _records.spending, max_age=SPENDING_MAX_AGE)
    else:
        spent = entry.view_soon("spending", _records.spending, max_age=SPENDING_MAX_AGE)
    history = entry.history(fresh=False)
    summary = _records.study_summary(record, history, spent or _records.SPENDING_PENDING)
    return {**summary, "reading": progress}, history


def _partial(entry: StudyEntry, wait: float) -> History | None:
    """The light read of a big study whose whole history is still read; else None."""
    look = entry.first_look(wait)
    return look[0] if look is not None and look[1] else None


def _partial_summary(entry: StudyEntry, record: Any, quick: History) -> dict[str, Any]:
    """The summary of a light read: version 0, so the next delta brings the whole study."""
    summary = _records.study_summary(record, quick, _records.SPENDING_PENDING)
    return {**summary, "version": 0, "partial": True, "reading": entry.progress()}


def info(request: Request) -> JSONResponse:
    state = request.app.state
    return JSONResponse(
        {
            "storage": state.storage_name,
            "allow_writes": state.allow_writes,
            "epoch": state.epoch,
            "version": state.package_version,
        }
    )


def studies(request: Request) -> JSONResponse:
    """Every study's summary; one still being read shows its trial count and ``loading``."""
    cache = cache_of(request)
    deadline = time.monotonic() + LIST_WAIT
    out = []
    for record in cache.records():
        entry = cache.entry(record.study_id)
        if entry.load_soon(max(deadline - time.monotonic(), 0.0)):
            out.append(_summary(entry, record)[0])
        else:
            out.append(_records.loading_summary(record, cache.storage))
    return JSONResponse({"studies": out, "epoch": request.app.state.epoch})


def study(request: Request) -> JSONResponse:
    entry = _entry(request)
    record = _record(request, entry.study_id)
    quick = _partial(entry, FIRST_LOOK_WAIT)
    if quick is not None:
        summary, history = _partial_summary(entry, record, quick), quick
    else:
        summary, history = _summary(entry, record)
    return JSONResponse(
        {
            **summary,
            "plots": plots_for(len(history.directions)),
            "epoch": request.app.state.epoch,
        }
    )


def _since(request: Request) -> int:
    text = request.query_params.get("since", "")
    try:
        return int(text)
    except ValueError:
        raise ApiError(400, f"since must be an integer version, got {text!r}.") from None


def delta(request: Request) -> JSONResponse:
    """What changed since version ``since``: the summary and the changed trials' rows."""
    entry = _entry(request)
    since = _since(request)
    record = _record(request, entry.study_id)
    quick = _partial(entry, 0.0)
    if quick is not None:  # still reading the whole study: nothing new to show yet
        summary = _partial_summary(entry, record, quick)
        epoch = request.app.state.epoch
        return JSONResponse(
            {"version": 0, "epoch": epoch, "reset": False, "changed": [], "summary": summary}
        )
    summary, history = _summary(entry, record)
    out: dict[str, Any] = {"version": history.version, "epoch": request.app.state.epoch}
    if since > history.version or since < 0:
        out.update(reset=True, changed=[], summary=summary)
        return JSONResponse(out)
    rows = np.flatnonzero(history.row_version > since)  # one vectorised pass, no storage read
    reset = len(rows) > MAX_DELTA_ROWS
    out["reset"] = bool(reset)
    notes = _notes(entry) if len(rows) and not reset else {}
    out["changed"] = (
        [] if reset else [_records.trial_row(history.trial(int(r)), notes) for r in rows]
    )
    out["summary"] = summary
    return JSONResponse(out)


def trials(request: Request) -> JSONResponse:
    entry = _entry(request)
    quick = _partial(entry, FIRST_LOOK_WAIT)
    history = quick if quick is not None else entry.history()
    try:
        query = _table.parse_query(request.query_params, len(history.directions))
        if quick is not None and _table.needs_params(query):
            history = entry.history()  # a parameter filter or sort: wait for the whole study
        rows, total = _table.select_rows(history, query)
    except _table.QueryError as err:
        raise ApiError(400, str(err)) from None
    notes = _notes(entry) if len(rows) else {}
    history.prefetch(rows.tolist())
    return JSONResponse(
        {
            "total": int(total),
            "n_trials": int(history.n),
            "page": query.page,
            "per_page": query.per_page,
            "params": sorted(history.param_names),
            "n_objectives": len(history.directions),
            "version": 0 if history.partial else history.version,
            "rows": [_records.trial_row(history.trial(int(r)), notes) for r in rows],
        }
    )


def _notes(entry: StudyEntry) -> dict[str, Any]:
    """The study's system attributes, where the trials' notes are."""
    return entry.storage.get_study_system_attrs(entry.study_id)


def _number(request: Request) -> int:
    return int(request.path_params["number"])


def _trial(request: Request) -> tuple[StudyEntry, Any]:
    entry = _entry(request)
    history = entry.history()
    number = _number(request)
    try:
        found = history.trial(number) if 0 <= number < history.n else None
    except KeyError:
        found = None
    if found is None:
        raise ApiError(404, f"Study {entry.study_id} has no trial number {number}.")
    return entry, found


def trial(request: Request) -> JSONResponse:
    entry, found = _trial(request)
    detail = _records.trial_detail(found, _notes(entry))
    detail["artifacts"] = _artifacts.listing(
        found, request.url.path, _artifacts.store_of(request) is not None
    )
    return JSONResponse(detail)


def artifact(request: Request) -> Any:
    """One artifact's bytes, as an attachment (see ``_artifacts``)."""
    _, found = _trial(request)
    try:
        return _artifacts.response(
            _artifacts.store_of(request), found, request.path_params["artifact_id"]
        )
    except _artifacts.ArtifactError as err:
        raise ApiError(err.status, err.message) from None


def plot(request: Request) -> JSONResponse:
    entry = _entry(request)
    name = request.path_params["name"]
    kind = PLOTS.get(name)
    if kind is None:
        raise ApiError(404, f"Unknown plot {name!r}; the plots are: {', '.join(PLOTS)}.")
    progress = entry.progress() if name in NEEDS_EVERY_TRIAL else None
    if progress is not None:
        return JSONResponse({**empty(name, waiting_text(progress)).to_json(), "pending": True})
    try:
        options = plot_options(kind, request.query_params)
        quick = _partial(entry, FIRST_LOOK_WAIT) if name == "history" else None
        if quick is not None and len(quick.directions) == 1:
            objective_target(quick, options.get("objective", 0))  # checks the objective
            return JSONResponse({**history_figure_of(quick).to_json(), "version": 0})
        key = (name, tuple(sorted(options.items())))
        with contextlib.nullcontext() if name == "history" else cache_of(request).heavy:
            fig, history = entry.view(
                key, lambda h: kind.build(entry.study, h, **options), max_age=kind.max_age
            )
    except ValueError as err:
        raise ApiError(400, str(err)) from None
    return JSONResponse({**fig.to_json(), "version": history.version})


def diagnostics(request: Request) -> JSONResponse:
    """``study.diagnose()`` where the study has it, and the automatic strategy's choices."""
    entry = _entry(request)
    diagnose = getattr(entry.study, "diagnose", None)
    found: Any = None
    if entry.progress() is not None:  # it needs every trial: the page asks again later
        return JSONResponse({"available": callable(diagnose), "pending": True})
    if callable(diagnose):
        with cache_of(request).heavy:
            found, _ = entry.view("diagnose", lambda h: _findings(diagnose()), max_age=10.0)
    choices = entry.storage.get_study_system_attrs(entry.study_id).get(_keys.AUTO_CHOICES)
    return JSONResponse(
        {
            "available": callable(diagnose),
            "diagnostics": found,
            "auto_choices": _records.safe(choices),
        }
    )


def _findings(findings: Any) -> list[Any]:
    """``study.diagnose()``'s findings as JSON records (``Finding.to_dict`` where they have it)."""
    return [
        _records.safe(f.to_dict() if callable(getattr(f, "to_dict", None)) else f)
        for f in findings or []
    ]


def compare(request: Request) -> JSONResponse:
    """Two or more studies on one history plot, the mean and standard deviation per trial."""
    from hypersearch.dashboard._plots_values import compare_figure

    text = request.query_params.get("ids", "")
    try:
        ids = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ApiError(400, f"ids must be comma-separated study ids, got {text!r}.") from None
    if len(ids) < 2:
        raise ApiError(400, "Compare needs two or more study ids (ids=1,2).")
    entries = [cache_of(request).entry(i) for i in ids]
    n_obj = {len(e.history().directions) for e in entries}
    if len(n_obj) > 1:
        raise ApiError(400, "The studies compared must have the same number of objectives.")
    try:
        objective = int(request.query_params.get("objective") or 0)
        fig = compare_figure([e.study for e in entries], objective)
    except ValueError as err:
        raise ApiError(400, str(err)) from None
    return JSONResponse(fig.to_json())
