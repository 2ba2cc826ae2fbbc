"""Run the search page's own words and ranking (templates/static/search-core.js) under Node.js
against a built search index, through tests/search_node.mjs."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from research_digest.model.outputs import OutputFile
from research_digest.site import search
from tests.conftest import REPO, TEMPLATES

CORE = TEMPLATES / "static" / "search-core.js"
RUNNER = REPO / "tests" / "search_node.mjs"

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def write_index(files: Sequence[OutputFile], folder: Path) -> Path:
    """Write a search index's files into folder; return the index's own folder."""
    for file in files:
        path = folder / file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file.content)
    return folder / search.FOLDER


def run_core(index: Path, **asked: Any) -> dict[str, Any]:
    """Ask search-core.js, run by Node.js against the index in this folder (see the runner)."""
    request = json.dumps({"core": str(CORE), "index": str(index), **asked})
    done = subprocess.run(["node", str(RUNNER)], input=request, capture_output=True, text=True,
                          check=True)  # fmt: skip
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer
