"""Small page helpers of the browser tests: waiting, counting drawn points, blank screenshots."""

from __future__ import annotations

import io
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: What plotly drew: markers and bars (SVG elements), line traces with a drawn path, and
#: the items of parcoords (WebGL) and contours (filled bands: no element per point), read
#: from the data plotly holds on the chart's element.
DRAWN_POINTS_JS = """
const chart = arguments[0].querySelector('.js-plotly-plot');
if (!chart || !chart.data) return null;
const svg = chart.querySelectorAll('.scatterlayer .point, .barlayer .point').length;
const lines = [...chart.querySelectorAll('.scatterlayer .trace')].filter(
  (t) => [...t.querySelectorAll('.js-line')].some((p) => (p.getAttribute('d') || '').length > 2)).length;
let canvas = 0;
for (const t of chart.data) {
  if (t.type === 'parcoords') canvas += t.dimensions.length ? t.dimensions[0].values.length : 0;
  else if (t.type === 'contour') canvas += t.z.reduce((a, row) => a + row.length, 0);
}
return {svg: svg, lines: lines, canvas: canvas};
"""


def wait_for(check: Callable[[], T | None], timeout: float = 15.0, what: str = "") -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def open_view(driver: Any, url: str) -> None:
    """Show ``url``'s view and wait until the page says it is ready.

    Within the open dashboard only the hash changes (the page routes it; plotly.js is not
    loaded again); anything else, the same view included, is a full load.
    """
    page, _, view = url.partition("#")
    here, _, shown = driver.current_url.partition("#")
    if here == page and shown != view and js(driver, "return !!window.hsDashboard"):
        js(driver, "window.hsDashboard.ready = false; location.hash = arguments[0];", view or "/")
    else:
        driver.get(url)
    wait_for(lambda: js(driver, "return window.hsDashboard && window.hsDashboard.ready"),
             what=f"window.hsDashboard.ready on {url}")  # fmt: skip


def by_testid(driver: Any, name: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, f"[data-testid='{name}']")


def api(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=30) as reply:
        return json.load(reply)


def not_blank(png: bytes, min_colours: int = 4, min_ink: float = 0.01) -> tuple[bool, str]:
    """(whether an element's screenshot shows something, a description)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    total = image.width * image.height
    background = max(colours)[0] if colours else total
    ink = 1 - background / total
    ok = len(colours) >= min_colours and ink >= min_ink
    return ok, f"{image.width}x{image.height}, {len(colours)} colours, {ink:.1%} non-background"
