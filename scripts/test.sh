#!/usr/bin/env bash
# Create or update .venv with the test and dev tools, check formatting, lint and types,
# then run the whole test suite. Any failing step fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PIP_DISABLE_PIP_VERSION_CHECK=1
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
