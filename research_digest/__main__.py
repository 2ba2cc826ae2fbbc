"""``python -m digest``: the same program as ``python build.py``."""

from research_digest.cli import main

raise SystemExit(main())
