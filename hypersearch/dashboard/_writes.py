"""The write endpoints (only with ``--allow-writes``): notes, tell a WAITING trial, fail a RUNNING one.

Cross-site request forgery: a write must carry the per-process token of the
page in the ``X-Hypersearch-Token`` header and a JSON body. Another site's page
can neither read the token (the same-origin policy) nor send a custom header
or a JSON content type without a CORS preflight, which this server never
grants; the Host check (in _app) stops DNS-rebinding pages.
"""

from __future__ import annotations

import hmac
import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from hypersearch import _keys
from hypersearch.dashboard._api import ApiError, _entry, _number
from hypersearch.dashboard._records import trial_note_key
from hypersearch.trial._state import TrialState

TOKEN_HEADER = "x-hypersearch-token"
MAX_NOTE_LENGTH = 20_000


async def _body(request: Request) -> dict[str, Any]:
    """The checked JSON body of a write (403 without the page's token or when read-only)."""
    state = request.app.state
    if not state.allow_writes:
        raise ApiError(
            403, "The dashboard is read-only: start it with --allow-writes to change studies."
        )
    sent = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(sent.encode(), state.token.encode()):
        raise ApiError(403, "Missing or wrong X-Hypersearch-Token header (reload the page).")
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ApiError(415, "A write takes a JSON body (Content-Type: application/json).")
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


def _note(body: dict[str, Any]) -> str:
    text = body.get("note")
    if not isinstance(text, str):
        raise ApiError(400, "note must be a string.")
    if len(text) > MAX_NOTE_LENGTH:
        raise ApiError(400, f"note is longer than {MAX_NOTE_LENGTH} characters.")
    return text


async def study_note(request: Request) -> JSONResponse:
    body = await _body(request)
    entry = _entry(request)
    entry.study.storage.set_study_system_attr(entry.study_id, _keys.DASHBOARD_NOTE, _note(body))
    return JSONResponse({"ok": True})


def _trial_id(request: Request) -> tuple[Any, int, Any]:
    entry = _entry(request)
    number = _number(request)
    storage = entry.study.storage
    trial_id = storage.get_trial_id_from_study_id_trial_number(entry.study_id, number)
    return entry, trial_id, storage.get_trial(trial_id)


async def trial_note(request: Request) -> JSONResponse:
    body = await _body(request)
    entry, _, trial = _trial_id(request)
    key = trial_note_key(trial.number)  # on the study: a finished trial's attributes are final
    entry.study.storage.set_study_system_attr(entry.study_id, key, _note(body))
    return JSONResponse({"ok": True})


def _values(body: dict[str, Any], n_objectives: int) -> list[float]:
    raw = body.get("values")
    if not isinstance(raw, list) or len(raw) != n_objectives:
        raise ApiError(400, f"values must be a list of {n_objectives} number(s), got {raw!r}.")
    out = []
    for v in raw:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ApiError(400, f"values must be finite numbers, got {raw!r}.")
        out.append(float(v))
    return out


async def tell(request: Request) -> JSONResponse:
    """Finish a WAITING trial as COMPLETE with the values given (or PRUNED / FAIL)."""
    body = await _body(request)
    entry, trial_id, trial = _trial_id(request)
    if trial.state != TrialState.WAITING:
        raise ApiError(409, f"Trial {trial.number} is {trial.state.name}, not WAITING.")
    state_name = str(body.get("state", "COMPLETE")).upper()
    if state_name not in ("COMPLETE", "PRUNED", "FAIL"):
        raise ApiError(400, f"state must be COMPLETE, PRUNED or FAIL, got {state_name!r}.")
    state = TrialState[state_name]
    n_obj = len(entry.study.directions)
    values = _values(body, n_obj) if state == TrialState.COMPLETE else None
    storage = entry.study.storage
    if state == TrialState.FAIL:
        storage.set_trial_system_attr(trial_id, _keys.FAIL_REASON, "Told FAIL from the dashboard.")
    storage.set_trial_state_values(trial_id, state, values)
    return JSONResponse({"ok": True, "state": state.name})


async def fail(request: Request) -> JSONResponse:
    """Mark a stuck RUNNING trial FAIL (its worker, if alive, gets an error at its next write)."""
    await _body(request)
    entry, trial_id, trial = _trial_id(request)
    if trial.state != TrialState.RUNNING:
        raise ApiError(409, f"Trial {trial.number} is {trial.state.name}, not RUNNING.")
    storage = entry.study.storage
    storage.set_trial_system_attr(trial_id, _keys.FAIL_REASON, "Failed from the dashboard (stuck).")
    storage.set_trial_state_values(trial_id, TrialState.FAIL)
    return JSONResponse({"ok": True, "state": "FAIL"})
