"""Pitfalls, noise: does the noise finding fire when the top configurations are within noise?

A noisy objective, ``(x - 0.3)^2 + (y - 0.6)^2 + N(0, sigma^2)`` on ``[0, 1]^2``: 50
random-sampled trials, then the 5 best configurations are evaluated twice more
(enqueued with the same parameters, as a re-evaluation does). For each noise level,
over 40 studies (quick: 4): how often the noise finding fires, and how often the
configuration with the best observed mean is *not* the truly best of the 5 (the
pick noise spoils), when the finding fires and when it does not.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from bench.suites.common import SuiteOptions, log, quiet_warnings

PART = "noise"
SIGMAS = (0.0, 0.003, 0.01, 0.03, 0.1)


def _truth(params: dict) -> float:
    return (params["x"] - 0.3) ** 2 + (params["y"] - 0.6) ** 2


def run_study(sigma: float, seed: int) -> tuple[bool, bool]:
    """(the finding fired, the best observed mean is not the truly best of the top 5)."""
    import hypersearch as hs

    noise = np.random.default_rng(seed)

    def objective(trial: hs.Trial) -> float:
        params = {"x": trial.suggest_float("x", 0, 1), "y": trial.suggest_float("y", 0, 1)}
        return _truth(params) + sigma * float(noise.normal())

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))
    study.optimize(objective, n_trials=50, diagnose=False)
    top = sorted(study.trials, key=lambda t: t.value)[:5]
    for trial in top:
        for _ in range(2):
            study.enqueue_trial(trial.params)
    study.optimize(objective, n_trials=10, diagnose=False)
    means: dict[tuple, list[float]] = {}
    for trial in study.trials:
        means.setdefault((trial.params["x"], trial.params["y"]), []).append(trial.value)
    repeated = {k: float(np.mean(v)) for k, v in means.items() if len(v) == 3}
    picked = min(repeated, key=repeated.__getitem__)
    truly_best = min(repeated, key=lambda k: _truth({"x": k[0], "y": k[1]}))
    fired = any(f.kind == "noise" for f in study.diagnose())
    return fired, picked != truly_best


def run(opts: SuiteOptions) -> Path:
    import hypersearch as hs

    quiet_warnings()
    hs.logging.set_verbosity(hs.logging.ERROR)
    n = opts.seeds or (4 if opts.quick else 40)
    log(f"pitfalls noise: {len(SIGMAS)} noise levels x {n} studies")
    load = os.getloadavg()
    lines = [
        "# Pitfalls: the noise diagnostic",
        "",
        (__doc__ or "").split("\n\n", 1)[1].strip(),
        "",
        f"Command: `python -m bench pitfalls --part noise{' --quick' if opts.quick else ''}`; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {load[0]:.1f} / "
        f"{load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores.",
        "",
        "### Firing rate and spoiled picks by noise level",
        "",
        "| noise sd | finding fires | pick spoiled when it fires | pick spoiled when it does not |",
        "|---|---|---|---|",
    ]
    for sigma in SIGMAS:
        runs = [run_study(sigma, seed) for seed in range(n)]
        fired = [wrong for f, wrong in runs if f]
        quiet = [wrong for f, wrong in runs if not f]
        lines.append(f"| {sigma:g} | {len(fired)}/{n} | {_share(fired)} | {_share(quiet)} |")
    out = opts.out("pitfalls-noise", "md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines + [""]) + "\n")
    return out


def _share(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)}" if flags else "-"
