"""The manifest edit: the new entry at the end of 'sources', every other byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from research_digest.diagnostics import Report
from research_digest.manifest.edit import EditError, FieldValue, append_source, format_entry, scalar
from research_digest.manifest.yamlsource import load_yaml

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
    assert read == {**entry, "published": read["published"]}
    assert "published: 2026-01-05" in text and 'publisher: "no"' in text


# What contributors' sources give: GOV.UK and news addresses longer than a line, and titles
# that folding would change ("long- running").
LONG_URL = (
    "https://www.gov.uk/government/news/government-crackdown-on-explicit-deepfakes-and-"
    "nudification-apps-to-protect-women-and-girls?utm_source=x&utm_medium=email#section-2"
)
LONG_TITLE = (
    "Ofcom's long-running investigation into X's Grok: what the regulator's self-styled "
    "'urgent' contact on 5 January 2026 asked for, and the deadline-day reply"
)


@pytest.mark.parametrize(
    "value",
    [
        LONG_URL, LONG_TITLE, "x " * 60, "long- running", " leading", "trailing ", "a: b",
        "a #b", "#a", "- a", "? a", "[a]", "{a}", "a, b", "'quoted'", '"double"', "line\nbreak",
        "crlf\r\nend", "\ttab", "yes", "no", "null", "~", "12", "0x1f", "1e3", ".inf",
        "2026-01-05", "", "   ", "back\\slash", "\u2028", "\u0085", "\ufeff", "\u200b",
        "\u202eevil", "é", "😀", "%x", "@x", "`x`", "!tag", "&anchor", "*alias", "|", ">",
    ],
)  # fmt: skip
def test_every_value_reads_back_exactly(value: str) -> None:
    assert read_back(f"k: {scalar(value)}") == {"k": value}
    assert read_back(f"k: [{scalar(value, flow=True)}, x]") == {"k": [value, "x"]}


def read_back(text: str) -> object:
    """Read YAML as the manifest loader does (dates stay text)."""
    document = load_yaml(Path("m.yaml"), Report(), file="m.yaml", text=text)
    return document.data if document else None


def test_a_long_value_stays_on_its_line() -> None:
    text = format_entry({"id": "a", "url": LONG_URL, "title": LONG_TITLE}, indent=2)
    assert text == f'  - id: a\n    url: {LONG_URL}\n    title: "{LONG_TITLE}"\n'


def test_invisible_and_line_breaking_characters_are_shown_as_escapes() -> None:
    assert scalar("a\u200bb\u202ec\u2028d\x85e\x7f") == '"a\\u200bb\\u202ec\\u2028d\\x85e\\x7f"'


def test_windows_line_ends_are_kept() -> None:
    text = "sources:\r\n  - id: a\r\n"
    assert append_source(text, {"id": "b", "kind": "x"})[0] == text + "  - id: b\r\n    kind: x\r\n"


# Every field 'add' writes, with any text where it writes text.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
texts_or_words = any_text | st.sampled_from(["no", "2026-01", "a: b", LONG_URL, LONG_TITLE])
entries = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True),
        "kind": texts_or_words,
        "title": texts_or_words,
        "url": texts_or_words,
        "publisher": texts_or_words,
        "known_gaps": st.lists(texts_or_words, max_size=3),
        "published": texts_or_words,
        "added": texts_or_words,
        "topics": st.lists(texts_or_words, max_size=3),
        "document": texts_or_words,
        "summary": texts_or_words,
        "petition": st.fixed_dictionaries(
            {"platform": texts_or_words, "number": st.integers(min_value=0, max_value=10**12)}
        ),
    }
)


@pytest.mark.property
@given(entry=entries, indent=st.sampled_from([0, 2, 4]))
def test_any_entry_add_writes_reads_back_as_written(entry: dict[str, FieldValue], indent: int,
                                                     tmp_path_factory: pytest.TempPathFactory
                                                     ) -> None:  # fmt: skip
    """add, load (with the manifest's own YAML reader), compare equal: for any strings."""
    manifest = "# the manifest\nsite: {title: T}\nsources:\n" + format_entry(
        {"id": "first", "title": "First"}, indent=indent
    )
    updated, _ = append_source(manifest, entry)
    path = tmp_path_factory.mktemp("edit") / "sources.yaml"
    document = load_yaml(path, Report(), file="sources.yaml", text=updated)
    assert document is not None and isinstance(document.data, dict)
    assert document.data["sources"][-1] == entry
    assert updated.startswith(manifest)
