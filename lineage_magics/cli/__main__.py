"""``python -m lineage_magics.cli ARGS``: the ``lineage`` command."""

import sys

from . import main

sys.exit(main())
