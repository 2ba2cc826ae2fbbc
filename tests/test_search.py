"""The search index: Pagefind's bundle, what it holds, and failures reported without traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from digest import search
from digest.errors import UserError
from digest.model import OutputFile
from digest.pipeline import Inputs, render_site
from digest.render import load_theme
from tests.conftest import TEMPLATES, load_digest

PREFIX = b"pagefind_dcd"


@pytest.fixture(scope="module")
def pages() -> tuple[OutputFile, ...]:
    from digest.diagnostics import Report

    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    return render_site(Inputs(load_digest(), theme))


def fragments(bundle: list[OutputFile]) -> dict[str, dict[str, Any]]:
    """The indexed pages by address, as Pagefind stores them."""
    found = {}
    for file in bundle:
        if file.path.startswith("pagefind/fragment/"):
            data = gzip.decompress(file.content)
            assert data.startswith(PREFIX)
            fragment = json.loads(data[len(PREFIX) :])
            found[fragment["url"]] = fragment
    return found


def test_the_bundle_is_pagefinds_api_without_its_ready_made_interfaces(
    pages: tuple[OutputFile, ...],
) -> None:
    bundle = search.search_bundle(pages)
    names = {f.path for f in bundle}
    assert {"pagefind/pagefind.js", "pagefind/pagefind-entry.json"} <= names
    assert any(n.startswith("pagefind/wasm.") for n in names)
    assert not [n for n in names if "-ui." in n or "highlight" in n]
    assert search.search_bundle(pages) == bundle  # byte for byte, run after run


def test_sources_topics_and_about_are_indexed_with_what_a_result_shows(
    pages: tuple[OutputFile, ...],
) -> None:
    indexed = fragments(search.search_bundle(pages))
    assert "/" not in indexed and "/petitions/" not in indexed and "/timeline/" not in indexed
    assert "/topics/alpha/" in indexed and "/about/" in indexed
    assert len([u for u in indexed if u.startswith("/sources/")]) == 13
    statement = indexed["/sources/regulator-statement/"]
    assert statement["meta"] == {
        "title": "Regulator issues a statement",
        "kind": "Statement",
        "date": "5 January 2026",
        "topics": 'Alpha & "beta" <events>',
        "topic_ids": "alpha",
    }
    content = statement["content"]
    assert "The regulator said it had made contact with a platform." in content
    assert "Cite this source" not in content and "Content note" not in content
    topic = indexed["/topics/alpha/"]
    assert (topic["meta"]["kind"], topic["meta"]["topic_ids"]) == ("Topic", "alpha")
    assert "Regulator issues a statement" not in topic["content"]  # a topic finds by its own text


def test_settings_from_the_environment_do_not_move_the_bundle(
    pages: tuple[OutputFile, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_OUTPUT_SUBDIR", "elsewhere")
    monkeypatch.setenv("PAGEFIND_KEEP_INDEX_URL", "true")
    bundle = search.search_bundle(pages)
    assert all(f.path.startswith("pagefind/") for f in bundle)
    assert "/sources/annual-report/" in fragments(bundle)


def test_a_missing_binary_is_a_diagnostic(
    pages: tuple[OutputFile, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "get_executable", lambda: None)
    with pytest.raises(UserError) as caught:
        search.search_bundle(pages)
    assert [d.format() for d in caught.value.diagnostics] == [
        "(search): error: the Pagefind binary is not installed\n"
        "  hint: install it with: pip install 'pagefind[bin]'"
    ]


def test_a_failing_binary_is_a_diagnostic(
    pages: tuple[OutputFile, ...], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something went wrong' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(search, "get_executable", lambda: broken)
    with pytest.raises(UserError) as caught:
        search.search_bundle(pages)
    assert [d.message for d in caught.value.diagnostics] == [
        "Pagefind could not index the site: Error: something went wrong"
    ]
