#!/usr/bin/env bash
# Create or update .venv with the test dependencies, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 PIP_DISABLE_PIP_VERSION_CHECK=1
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]' -r bench/requirements-bench.txt
# yahpo-gym pins an obsolete ConfigSpace: installed without its dependencies (bench/README.md)
.venv/bin/pip install -q --no-deps yahpo-gym==1.0.2
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
