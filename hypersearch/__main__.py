"""``python -m hypersearch`` runs the command line."""

import sys

from hypersearch.cli import main

sys.exit(main())
