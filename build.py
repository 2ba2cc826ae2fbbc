#!/usr/bin/env python3
"""Build the digest: ``python build.py --help`` lists the commands."""

from research_digest.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
