"""A real browser and dashboard servers, for the dashboard's browser tests and its bench.

The browser is Debian's ``chromium`` driven through its own ``chromedriver`` by Selenium
(never a browser downloaded at run time), headless with ``--no-sandbox`` (CI runs as
root).  Servers run as subprocesses on a free port so that their memory and CPU can be
read from ``/proc`` and nothing they do shares the measuring process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("HS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("HS_CHROMEDRIVER", "/usr/bin/chromedriver")
INSTALL_HINT = "apt-get install -y chromium chromium-driver (scripts/test.sh does it)"


def browser_missing() -> str | None:
    """Why no browser can start here (a reason to show), or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(path)):
            return f"{path} is not installed: {INSTALL_HINT}"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -e '.[test]')"
    return None


def start_browser(width: int = 1280, height: int = 900) -> Any:
    """A headless chromium session (the caller quits it)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A dashboard server in a subprocess; ``url`` answers once ``start`` returned."""

    def __init__(
        self, argv: Sequence[str], port: int, ready_path: str = "/", log: Path | None = None
    ):
        self.argv, self.port, self.ready_path, self.log = list(argv), port, ready_path, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.startup_s = float("nan")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Server:
        out = open(self.log, "wb") if self.log is not None else subprocess.DEVNULL  # noqa: SIM115
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[:4]} exited with {self.proc.returncode} at start")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=5):
                    self.startup_s = time.perf_counter() - t0
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"{self.argv[:4]} did not answer on {self.url} in {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, resident peak) in MiB, from /proc."""
        assert self.proc is not None
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            fields[key] = rest.strip()
        kib = lambda k: float(fields.get(k, "0 kB").split()[0]) / 1024  # noqa: E731
        return kib("VmRSS"), kib("VmHWM")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server used so far."""
        assert self.proc is not None
        stat = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def ours_server(storage_url: str, *extra: str, log: Path | None = None) -> Server:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "hypersearch",
        "dashboard",
        storage_url,
        "--port",
        str(port),
        *extra,
    ]
    return Server(argv, port, "/", log)


def optuna_dashboard_server(storage_url: str, log: Path | None = None) -> Server:
    port = free_port()
    exe = Path(sys.executable).with_name("optuna-dashboard")
    argv = [str(exe), storage_url, "--port", str(port), "--quiet"]
    return Server(argv, port, "/api/meta", log)


_WATCH = """
(() => {
  if (window.top !== window) return;
  const marks = %s;
  window.__hsMarks = {};
  const tick = () => {
    for (const [name, check] of Object.entries(marks)) {
      if (window.__hsMarks[name] !== undefined) continue;
      let ok = false;
      try { ok = !!check(); } catch (e) { ok = false; }
      if (ok) window.__hsMarks[name] = performance.now();
    }
    if (Object.keys(window.__hsMarks).length < Object.keys(marks).length) setTimeout(tick, %d);
  };
  tick();
})();
"""


def kill_browser(driver: Any) -> None:
    """End a browser whose page keeps it from answering (its driver, then the driver's children)."""
    import psutil

    try:
        root = psutil.Process(driver.service.process.pid)
        for proc in [*root.children(recursive=True), root]:
            proc.kill()
    except (psutil.Error, AttributeError):
        pass


def urllib3_errors() -> type[Exception]:
    """The error Selenium's HTTP client raises when the browser does not answer in time."""
    from urllib3.exceptions import HTTPError

    return HTTPError


def time_to_render(driver: Any, url: str, marks: dict[str, str], timeout: float = 120.0,
                   poll_ms: int = 25, cache: bool = False) -> dict[str, float | None]:  # fmt: skip
    """Seconds from the navigation's start until each mark's JavaScript condition first held.

    The checks run inside the page from its first script on (installed before navigation
    through the DevTools protocol), so the times do not depend on Selenium's polling; the
    browser cache is off (unless ``cache``), so every page loads its scripts.  None: not
    within ``timeout``.
    """
    from selenium.common.exceptions import WebDriverException

    checks = "{" + ", ".join(f"{json.dumps(k)}: () => ({v})" for k, v in marks.items()) + "}"
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": not cache})
    added = driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH % (checks, poll_ms)}
    )
    seen: dict[str, float] = {}
    watchdog = threading.Timer(timeout + 20.0, kill_browser, (driver,))
    watchdog.start()
    try:
        driver.set_page_load_timeout(timeout)
        deadline = time.monotonic() + timeout
        driver.get(url)
        while time.monotonic() < deadline and len(seen) < len(marks):
            seen = driver.execute_script("return window.__hsMarks || {}")
            time.sleep(0.05)
    except (WebDriverException, OSError, urllib3_errors()):  # a page that hung the browser
        return {k: (seen[k] / 1000.0 if k in seen else None) for k in marks}
    finally:
        watchdog.cancel()
    driver.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
    )
    return {k: (seen[k] / 1000.0 if k in seen else None) for k in marks}
