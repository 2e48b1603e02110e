"""The study page's first look in a real browser: the history plot before plotly.js, and
the notice and waiting plots of a big study whose rest is still read."""

from __future__ import annotations

from typing import Any

from tests.dashboard._page import api, by_testid, js, wait_for

#: Makes the server's answers those of a big study whose trial objects are being built
#: (a real one takes 20,000 trials), until ``window.__hsFake`` is set to false.
FAKE_READING = """
window.__hsFake = true;
const realFetch = window.fetch;
window.fetch = async (path, options) => {
  const answer = await realFetch(path, options);
  if (!window.__hsFake || typeof path !== "string") return answer;
  const json = (body) => new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  if (path.includes("/plots/timeline")) {
    return json({ name: "timeline", data: [], layout: {}, pending: true,
                  message: "Waiting for every trial: 5 of 40 trials read\\u2026" });
  }
  if (/^\\/api\\/studies\\/\\d+(\\/delta)?$/.test(path.split("?")[0])) {
    const body = await answer.json();
    (body.summary || body).reading = { stage: "building", done: 5, total: 40 };
    return json(body);
  }
  return answer;
};
"""


def _fresh_page(browser: Any, url: str) -> None:
    browser.get("about:blank")
    browser.get(url)
    wait_for(lambda: js(browser, "return window.hsDashboard && window.hsDashboard.ready"),
             what=f"the page at {url}")  # fmt: skip


def test_the_history_plot_shows_before_plotly_loads(
    browser: Any, server: Any, studies: dict[str, int]
) -> None:
    sid = studies["demo"]
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*plotly.min.js*"]})
    try:
        _fresh_page(browser, f"{server.url}/#/study/{sid}")
        box = by_testid(browser, "plot-history")[0]
        wait_for(lambda: box.get_attribute("data-preview") == "1", what="the SVG history plot")
        fig = api(server.url, f"/api/studies/{sid}/plots/history")
        points = sum(sum(x is not None for x in t["x"]) for t in fig["data"])
        assert js(browser, "return window.hsDashboard.plotPoints.history") == points > 0
        assert not js(browser, "return window.hsDashboard.interactive.history")
        drawn = js(browser, "return [...arguments[0].querySelectorAll('svg.preview path')]"
                            ".map((p) => (p.getAttribute('d').match(/h0/g) || []).length)", box)  # fmt: skip
        markers = sum(
            sum(x is not None for x in t["x"]) for t in fig["data"] if "markers" in t["mode"]
        )
        assert sum(drawn) == markers > 0
        assert "Optimization History" in box.text
    finally:
        browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        browser.get("about:blank")


def test_a_big_study_says_what_it_still_reads(
    browser: Any, server: Any, studies: dict[str, int]
) -> None:
    added = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_READING}
    )
    try:
        _fresh_page(browser, f"{server.url}/#/study/{studies['demo']}")
        notice = by_testid(browser, "loading-notice")[0]
        wait_for(lambda: "5 of 40 trials read" in notice.text, what="the loading notice")
        box = by_testid(browser, "plot-timeline")[0]
        wait_for(lambda: by_testid(box, "plot-waiting"), what="the timeline's waiting message")
        assert "5 of 40 trials read" in box.text
        wait_for(lambda: by_testid(browser, "plot-budget")[0].get_attribute("data-drawn"),
                 30, "the other plots")  # fmt: skip
        assert not js(browser, "return window.hsDashboard.plotsLoaded")
        js(browser, "window.__hsFake = false")  # the read ends
        wait_for(lambda: not notice.is_displayed(), what="the notice to go")
        wait_for(lambda: box.get_attribute("data-drawn") == "1", 15, "the timeline drawn")
        wait_for(lambda: js(browser, "return window.hsDashboard.plotsLoaded"), 15, "every plot")
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )
        browser.get("about:blank")
