"""The manifest edit: the new entry at the end of 'sources', every other byte as it was."""

from __future__ import annotations

import pytest
import yaml

from digest.manifestedit import EditError, FieldValue, append_source, format_entry

MANIFEST = """# A comment at the top
site: {title: T}   # and one at the end of a line
sources:
  # a comment inside the list
  - id: first
    summary: >-
      A folded summary
      on two lines.
  - id: second   # the last entry, with a comment
    topics: [a, b]

# a comment after the list
topics:
  - id: a
"""


def test_the_entry_goes_after_the_last_one_and_nothing_else_changes() -> None:
    updated, line = append_source(MANIFEST, {"id": "third", "kind": "article"})
    inserted = "  - id: third\n    kind: article\n"
    assert updated == MANIFEST.replace("    topics: [a, b]\n", "    topics: [a, b]\n" + inserted)
    assert line == 11
    assert [s["id"] for s in yaml.safe_load(updated)["sources"]] == ["first", "second", "third"]


def test_the_entries_indentation_is_followed() -> None:
    text = "sources:\n- id: flush\n  kind: x\n"
    assert append_source(text, {"id": "new"})[0] == text + "- id: new\n"


def test_an_empty_flow_list_becomes_a_block() -> None:
    updated, _ = append_source("sources: []\n", {"id": "only"})
    assert yaml.safe_load(updated) == {"sources": [{"id": "only"}]}


def test_a_flow_list_with_entries_is_refused() -> None:
    with pytest.raises(EditError, match="flow style"):
        append_source("sources: [{id: a}]\n", {"id": "b"})


def test_values_are_written_so_they_read_back_the_same() -> None:
    entry: dict[str, FieldValue] = {
        "title": "No: a title with a colon",
        "publisher": "no",
        "url": "https://news.test/a?b=1",
        "published": "2026-01-05",
        "topics": ["a-b", "c"],
        "summary": "x " * 60,
        "petition": {"platform": "uk-parliament", "number": 5},
    }
    text = "sources:\n" + format_entry(entry, indent=2)
    read = yaml.safe_load(text)["sources"][0]
    assert read == {**entry, "summary": ("x " * 60).strip(), "published": read["published"]}
    assert "published: 2026-01-05" in text and 'publisher: "no"' in text
