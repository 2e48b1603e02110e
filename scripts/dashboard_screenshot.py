"""Write docs/dashboard.png, the README's picture of the dashboard (run from the repo root).

A small study (TPE with median pruning on a 3-parameter function, 300 trials) in a
temporary SQLite file, served read-only by ``hypersearch dashboard`` and shown in headless
chromium (Debian's, as in the browser tests).  ``python scripts/dashboard_screenshot.py``
"""

from __future__ import annotations

import io
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import hypersearch as hs  # noqa: E402
from bench.suites.dashboard_browser import ours_server, start_browser  # noqa: E402

OUT = ROOT / "docs" / "dashboard.png"


def objective(trial: hs.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    width = trial.suggest_int("width", 16, 512, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    floor = (math.log10(lr) + 3) ** 2 / 4 + (math.log2(width) - 7) ** 2 / 20
    floor += {"sgd": 0.3, "adam": 0.0, "rmsprop": 0.1}[optimizer]
    loss = 0.0
    for epoch in range(8):
        loss = floor + 2.0 / (epoch + 1)
        trial.report(loss, epoch)
        if trial.should_prune():
            raise hs.TrialPruned()
    return loss


def main() -> None:
    hs.logging.set_verbosity(hs.logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        study = hs.create_study(
            storage=url,
            study_name="mlp-search",
            sampler=hs.samplers.TPESampler(seed=0),
            pruner=hs.pruners.MedianPruner(n_warmup_steps=2),
        )
        study.optimize(objective, n_trials=300)
        with ours_server(url) as srv:
            driver = start_browser(1280, 1000)
            try:
                driver.get(srv.url + "/#/study/1")
                deadline = time.monotonic() + 120
                while not driver.execute_script("return window.hsDashboard.plotsLoaded"):
                    if time.monotonic() > deadline:
                        raise TimeoutError("the plots did not load in 120 s")
                    time.sleep(0.2)
                time.sleep(1.0)
                png = driver.get_screenshot_as_png()
            finally:
                driver.quit()
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128)
    OUT.parent.mkdir(exist_ok=True)
    image.save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
