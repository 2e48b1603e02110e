"""The dashboard in a real browser (headless chromium): lists, plots, table, XSS, read-only.

The live update has its own file (test_browser_live.py).  Every view's screenshot is kept
in tests/dashboard/artifacts/ (git-ignored) to look at after a run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard._page import (
    DRAWN_POINTS_JS,
    api,
    by_testid,
    js,
    not_blank,
    open_view,
    wait_for,
)
from tests.dashboard._studies import DEMO, MO_TRIALS, XSS_ATTR, XSS_NAME, XSS_PARAM

NAMES = ["demo", "mo", XSS_NAME, "pbt", "live"]

#: The plots each study must draw (the others may say why they do not apply).
MUST_DRAW = {
    "demo": ["history", "slice", "contour", "parallel", "importances", "intermediate", "edf",
             "timeline", "budget"],
    "mo": ["slice", "parallel", "pareto", "hypervolume", "timeline", "budget"],
    "pbt": ["history", "intermediate", "timeline", "lineage"],
}  # fmt: skip


def test_study_list_loads(browser: Any, server: Any, artifacts: Path) -> None:
    open_view(browser, server.url + "/")
    rows = by_testid(browser, "study-row")
    assert len(rows) == len(NAMES)
    assert sorted(e.text for e in by_testid(browser, "study-link")) == sorted(NAMES)
    assert by_testid(browser, "mode")[0].text == "read-only"
    browser.save_screenshot(str(artifacts / "studies.png"))


def _api_points(fig: dict[str, Any]) -> dict[str, int]:
    """What plotly must draw for an API figure (the keys of DRAWN_POINTS_JS)."""
    out = {"svg": 0, "lines": 0, "canvas": 0}
    for t in fig["data"]:
        if t.get("visible", True) is not True:
            continue
        kind, mode = t.get("type", "scatter"), t.get("mode", "markers")
        if kind == "scatter":
            shown = sum(x is not None and y is not None for x, y in zip(t["x"], t["y"]))
            out["svg"] += shown if "markers" in mode else 0
            out["lines"] += "lines" in mode and shown >= 2
        elif kind == "bar":
            out["svg"] += sum(v is not None for v in t["x" if t.get("orientation") == "h" else "y"])
        elif kind == "parcoords":
            out["canvas"] += len(t["dimensions"][0]["values"]) if t["dimensions"] else 0
        elif kind == "contour":
            out["canvas"] += sum(len(row) for row in t["z"])
    return out


def _expected_facts(study: str, name: str, fig: dict[str, Any]) -> list[str]:
    """What the figure must show, from how the studies were written (empty: all good)."""
    traces = fig["data"]
    sizes = [sum(v is not None for v in (t.get("x") or [])) for t in traces]
    bad = []
    if study == "demo" and name == "history" and DEMO.complete not in sizes:
        bad.append(f"no trace of the {DEMO.complete} complete trials (sizes {sizes})")
    if study == "demo" and name == "timeline" and sum(sizes) != DEMO.total:
        bad.append(f"{sum(sizes)} bars for {DEMO.total} trials")
    if study == "demo" and name == "importances":
        n = sum(len(t.get("y") or []) for t in traces)
        if n != 3:
            bad.append(f"{n} importance bars for 3 parameters")
    if study == "demo" and name == "parallel":
        n = len(traces[0]["dimensions"][0]["values"])
        if n != DEMO.complete:
            bad.append(f"{n} lines for {DEMO.complete} complete trials")
    if study == "mo" and name == "pareto" and sum(sizes) != MO_TRIALS:
        bad.append(f"{sum(sizes)} points for {MO_TRIALS} trials")
    if study == "pbt" and name == "lineage":
        members = {t.get("name") for t in traces if str(t.get("name", "")).startswith("member")}
        if members != {"member 0", "member 1"}:
            bad.append(f"lineage members {sorted(members)}")
    return bad


@pytest.mark.parametrize("study", sorted(MUST_DRAW))
def test_each_plot_renders(browser: Any, server: Any, studies: dict[str, int], study: str,
                           artifacts: Path) -> None:  # fmt: skip
    sid = studies[study]
    open_view(browser, f"{server.url}/#/study/{sid}")
    wait_for(lambda: js(browser, "return window.hsDashboard.plotsLoaded"), 60, "every plot loaded")
    if study == "demo":
        browser.save_screenshot(str(artifacts / "study.png"))
    problems = []
    for plot in api(server.url, f"/api/studies/{sid}")["plots"]:
        name = plot["name"]
        box = by_testid(browser, f"plot-{name}")[0]
        if box.get_attribute("data-drawn") != "1":
            if name in MUST_DRAW[study]:
                problems.append(f"{name}: not drawn ({box.text!r})")
            continue
        fig = api(server.url, f"/api/studies/{sid}/plots/{name}")
        want = _api_points(fig)
        drawn = js(browser, DRAWN_POINTS_JS, box)
        if drawn != want or not any(want.values()):
            problems.append(f"{name}: drawn {drawn}, the figure has {want}")
        problems += [f"{name}: {p}" for p in _expected_facts(study, name, fig)]
        png = box.screenshot_as_png
        (artifacts / f"plot-{study}-{name}.png").write_bytes(png)
        ok, looks = not_blank(png)
        if not ok:
            problems.append(f"{name}: the screenshot looks blank ({looks})")
    assert not problems, "\n".join(problems)
    errors = js(browser, "return window.hsDashboard.errors")
    assert errors == [], errors


def _table_total(browser: Any) -> int:
    return int(
        js(browser, "return document.querySelector('[data-testid=table-total]').dataset.total")
    )


def _rows(browser: Any) -> list[tuple[int, str]]:
    """(number, state) of the table's rows, read in one step (the table redraws as it likes)."""
    rows = js(browser, "return [...document.querySelectorAll('[data-testid=trial-row]')]"
                       ".map((r) => [Number(r.dataset.number), r.dataset.state])")  # fmt: skip
    return [(n, s) for n, s in rows]


def _filter(browser: Any, **fields: str) -> None:
    from selenium.webdriver.support.ui import Select

    for key, value in fields.items():
        element = by_testid(browser, f"filter-{key.replace('_', '-')}")[0]
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)
    by_testid(browser, "filter-apply")[0].click()


def test_filtering_the_table(browser: Any, server: Any, studies: dict[str, int],
                             artifacts: Path) -> None:  # fmt: skip
    open_view(browser, f"{server.url}/#/study/{studies['demo']}")
    assert _table_total(browser) == DEMO.total
    _filter(browser, state="PRUNED")
    wait_for(lambda: _table_total(browser) == DEMO.pruned, what="the PRUNED filter")
    rows = wait_for(lambda: _rows(browser) if len(_rows(browser)) == DEMO.pruned else None)
    assert {state for _, state in rows} == {"PRUNED"}
    assert sorted(n for n, _ in rows) == list(range(DEMO.complete, DEMO.complete + DEMO.pruned))

    trials = api(server.url, f"/api/studies/{studies['demo']}/trials?per_page=100")["rows"]
    values = [t["values"][0] for t in trials if t["state"] == "COMPLETE"]
    _filter(browser, state="", value_max="5")
    want = sum(v <= 5 for v in values)
    assert 0 < want < len(values)
    wait_for(lambda: _table_total(browser) == want, what=f"value <= 5 ({want} trials)")

    _filter(browser, value_max="", param="x", param_min="0", param_max="2")
    want = sum(0 <= t["params"]["x"] <= 2 for t in trials)
    wait_for(lambda: _table_total(browser) == want, what=f"0 <= x <= 2 ({want} trials)")
    browser.save_screenshot(str(artifacts / "table-filtered.png"))
    by_testid(browser, "filter-reset")[0].click()
    wait_for(lambda: _table_total(browser) == DEMO.total, what="the cleared filters")


def _no_markup_ran(browser: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - raises when no alert is open
    assert js(browser, "return window.__hsXss === undefined")
    found = js(browser, "return [...document.querySelectorAll('img, [onerror], [onload]')]"
                        ".map((e) => e.outerHTML)")  # fmt: skip
    assert found == []


def test_xss_study_name_is_inert_text(browser: Any, server: Any, studies: dict[str, int]) -> None:
    open_view(browser, server.url + "/")
    links = [e.text for e in by_testid(browser, "study-link")]
    assert XSS_NAME in links
    _no_markup_ran(browser)

    open_view(browser, f"{server.url}/#/study/{studies[XSS_NAME]}")
    assert by_testid(browser, "study-name")[0].text == XSS_NAME
    heads = [
        th.text for th in by_testid(browser, "trial-table")[0].find_elements("css selector", "th")
    ]
    assert any(XSS_PARAM in h for h in heads), heads
    by_testid(browser, "trial-row")[0].click()
    detail = wait_for(
        lambda: by_testid(browser, "detail-title") and by_testid(browser, "trial-detail")[0]
    )
    wait_for(lambda: XSS_ATTR in detail.text, what="the attribute shown as text")
    wait_for(lambda: js(browser, "return window.hsDashboard.plotsLoaded"), 60, "the plots")
    _no_markup_ran(browser)


def test_read_only_server_refuses_writes(
    browser: Any, server: Any, studies: dict[str, int]
) -> None:
    sid = studies["demo"]
    open_view(browser, f"{server.url}/#/study/{sid}")
    assert by_testid(browser, "study-note-input") == []  # no write controls in read-only mode
    reply = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const token = document.querySelector('meta[name="hs-token"]').content;
        fetch(arguments[0], {method: 'POST', body: JSON.stringify({note: 'written'}),
              headers: {'Content-Type': 'application/json', 'X-Hypersearch-Token': token}})
          .then(async (r) => done([r.status, await r.json()]), (e) => done([0, String(e)]));
        """,
        f"/api/studies/{sid}/note",
    )
    status, body = reply
    assert status == 403, reply
    assert "read-only" in body["error"]
    assert not api(server.url, f"/api/studies/{sid}").get("note")
