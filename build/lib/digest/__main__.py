"""``python -m digest``: the same program as ``python build.py``."""

from digest.cli import main

raise SystemExit(main())
