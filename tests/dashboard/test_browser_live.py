"""A trial finished by another process shows on the open page, without a reload, within 2 s.

The page polls twice a second, so the trial shows well within 1 s of its commit.  On a machine
loaded beyond twice its cores the 2 s stretch in proportion (the test suite shares two
cores with other work); ``python -m bench dashboard`` measures the latency itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from tests.dashboard._page import js, open_view, wait_for
from tests.dashboard._studies import LIVE_TRIALS

WRITER = """
import sys, time
import hypersearch as hs
hs.logging.set_verbosity(hs.logging.WARNING)
study = hs.load_study(study_name="live", storage=sys.argv[1])
study.optimize(lambda trial: trial.suggest_float("x", 0, 100) * 0 + 42.0, n_trials=1)
print(time.time())
"""


def _shown(browser: Any) -> tuple[str, list[int]]:
    """The summary's trial count and the table's trial numbers, read in one step."""
    text, numbers = js(
        browser,
        """
        const summary = document.querySelector('[data-testid=summary-trials]');
        return [summary ? summary.textContent : '',
                [...document.querySelectorAll('[data-testid=trial-row]')].map((r) => Number(r.dataset.number))];
    """,
    )
    return text, numbers


def test_a_trial_finished_elsewhere_appears_without_reload(
    browser: Any, server: Any, dashboard_db: str, studies: dict[str, int]
) -> None:
    open_view(browser, f"{server.url}/#/study/{studies['live']}")
    assert _shown(browser) == (f"trials: {LIVE_TRIALS}", list(range(LIVE_TRIALS))[::-1])
    wait_for(lambda: js(browser, "return window.hsDashboard.plotsLoaded"), 60, "the plots")
    points = js(browser, "return window.hsDashboard.plotPoints.history")
    js(browser, "window.__hsSamePage = true")

    done = subprocess.run([sys.executable, "-c", WRITER, dashboard_db], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    committed = float(done.stdout.split()[-1])
    wait_for(lambda: LIVE_TRIALS in _shown(browser)[1], timeout=10, what="the new trial's row")
    seen = time.time()
    assert _shown(browser)[0] == f"trials: {LIVE_TRIALS + 1}"
    assert js(browser, "return window.__hsSamePage === true"), "the page reloaded"
    budget = 2.0 * max(1.0, os.getloadavg()[0] / (2 * (os.cpu_count() or 1)))
    assert seen - committed <= budget, f"the trial showed {seen - committed:.2f} s after its commit"
    wait_for(lambda: js(browser, "return window.hsDashboard.plotPoints.history") > points,
             timeout=10, what="the history plot's new point")  # fmt: skip


#: Each plot box's name, when it was last fetched, and whether it is below the window.
_BOXES = """
return [...document.querySelectorAll('[data-testid=plots] > .plot')].map((b) => [b.dataset.plot,
  Number(b.dataset.loadedAt || 0), b.getBoundingClientRect().top > window.innerHeight, !!b.dataset.pending]);
"""


def _loaded_at(browser: Any, name: str) -> float:
    return float(
        js(browser, f"return Number(document.getElementById('plot-{name}').dataset.loadedAt)")
    )


def test_a_plot_off_screen_is_redrawn_only_once_scrolled_into_view(
    browser: Any, server: Any, dashboard_db: str, studies: dict[str, int]
) -> None:
    open_view(browser, f"{server.url}/#/study/{studies['live']}")
    wait_for(lambda: js(browser, "return window.hsDashboard.plotsLoaded"), 60, "the plots")
    js(browser, "window.scrollTo(0, 0)")
    below = [name for name, _, off, pending in js(browser, _BOXES) if off and not pending]
    assert below, "no plot below the window to test with"
    far = below[-1]
    before, history = _loaded_at(browser, far), _loaded_at(browser, "history")
    points = js(browser, "return window.hsDashboard.plotPoints.history")

    subprocess.run([sys.executable, "-c", WRITER, dashboard_db], capture_output=True, text=True,
                   timeout=120, check=True)  # fmt: skip
    wait_for(lambda: js(browser, "return window.hsDashboard.plotPoints.history") > points,
             timeout=15, what="the history plot's new point")  # fmt: skip
    assert _loaded_at(browser, "history") > history
    time.sleep(2.0)  # a few polls: the stale plot below stays as it was
    assert _loaded_at(browser, far) == before, f"{far} was redrawn off screen"

    js(browser, f"document.getElementById('plot-{far}').scrollIntoView()")
    wait_for(lambda: _loaded_at(browser, far) > before, timeout=15, what=f"{far} redrawn in view")
    js(browser, "window.scrollTo(0, 0)")
