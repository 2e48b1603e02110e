#!/usr/bin/env bash
# Create or update .venv with the test and dev tools, check formatting, lint and types,
# then run the whole test suite. Any failing step fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The dashboard's browser tests drive Debian's chromium through its chromedriver (never a
# browser downloaded at run time): install both when missing (CI runs as root, no stdin).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_get() {
        if [ "$(id -u)" -eq 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get "$@"
        else sudo -n env DEBIAN_FRONTEND=noninteractive apt-get "$@"; fi
    }
    echo "== installing chromium and chromium-driver (apt-get)"
    apt_get install -y -qq chromium chromium-driver >/dev/null 2>&1 ||
        { apt_get update -qq >/dev/null && apt_get install -y -qq chromium chromium-driver >/dev/null; } ||
        echo "warning: could not install chromium; the browser tests fail under CI=true" >&2
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]' -r bench/requirements-bench.txt
# yahpo-gym pins an obsolete ConfigSpace: installed without its dependencies (bench/README.md)
.venv/bin/pip install -q --no-deps yahpo-gym==1.0.2
echo "== ruff format --check"
.venv/bin/ruff format --check .
echo "== ruff check"
.venv/bin/ruff check .
echo "== mypy hypersearch"
.venv/bin/mypy hypersearch
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
