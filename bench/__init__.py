"""hypersearch benchmark harness: ``python -m bench <suite> [--quick]``."""

from bench._env import pin_threads

pin_threads()
