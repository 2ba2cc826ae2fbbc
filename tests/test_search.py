"""The search index: what it holds, that it is the same made from nothing or patched, and
that nothing in it can name a file outside its folder."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
import subprocess
from collections.abc import Sequence
from typing import Any

import pytest

from digest import search
from digest.model import Digest, OutputFile
from digest.search import Entry, IndexState
from tests.conftest import TEMPLATES, load_digest


@pytest.fixture(scope="module")
def digest() -> Digest:
    return load_digest()


def made(found: Sequence[Entry]) -> tuple[list[OutputFile], IndexState]:
    return search.search_index(found, {e.key: search.terms_of(e) for e in found})


def read(files: Sequence[OutputFile]) -> dict[str, Any]:
    return {f.path: json.loads(f.content) for f in files}


def test_sources_topics_and_about_are_indexed_with_what_a_result_shows(digest: Digest) -> None:
    found = {entry.url: entry for entry in search.entries(digest)}
    assert "" not in found and "petitions/" not in found and "timeline/" not in found
    assert "topics/alpha/" in found and "about/" in found
    assert len([u for u in found if u.startswith("sources/")]) == 13
    statement = found["sources/regulator-statement/"]
    assert statement.shown == ["sources/regulator-statement/", "Regulator issues a statement",
                               "Statement", "5 January 2026", 'Alpha & "beta" <events>',
                               "alpha"]  # fmt: skip
    assert "The regulator said it had made contact with a platform." in statement.text
    assert "<p>" not in statement.text and "Cite this source" not in statement.text
    topic = found["topics/alpha/"]
    assert (topic.kind, topic.topic_ids) == ("Topic", "alpha")
    assert "Regulator issues a statement" not in topic.text  # a topic finds by its own text
    assert list(found) == sorted(found)


def test_the_files_say_what_the_search_page_needs(digest: Digest) -> None:
    found = search.entries(digest)
    files, state = made(found)
    data = read(files)
    index = data["search-index/index.json"]
    assert index["format"] == search.FORMAT and index["documents"] == len(found)
    assert len(index["lengths"]) == len(found)
    assert index["average_length"] == round(sum(index["lengths"]) / len(found), 2)
    assert data["search-index/docs-0.json"] == [entry.shown for entry in found]
    number = [e.url for e in found].index("sources/regulator-statement/")
    terms = data[f"search-index/terms-{b're'.hex()}.json"]
    pages = terms["regulator"][0::2]
    assert number in pages and pages == sorted(pages)
    weight = terms["regulator"][1::2][pages.index(number)]
    assert weight > search.TITLE_WEIGHT  # in the title, and in the text
    assert sorted(index["terms"]) == index["terms"] == sorted(state.shards)
    assert {f.path for f in files} == {"search-index/index.json", "search-index/docs-0.json"} | {
        f"search-index/terms-{name}.json" for name in index["terms"]
    }
    assert made(found)[0] == files  # byte for byte, run after run


def test_terms_are_lower_case_words_of_two_letters_or_more_without_accents() -> None:
    assert search.words("Ofcom's \u2018urgent\u2019 CONTACT, x 2026 e-mail") == [
        "ofcom", "urgent", "contact", "2026", "mail"]  # fmt: skip
    assert search.words("Café naïve Ångström ﬁle") == ["cafe", "naive", "angstrom", "file"]
    assert search.words("a" * 100) == ["a" * 40, "a" * 40, "a" * 20]
    assert search.words("\u00e9" + "a" * 40) == ["e" + "a" * 39]  # and a lone "a", dropped
    assert search.words("Προσοχή 東京") == ["προσοχη", "東京"]


def test_a_title_word_weighs_more_than_a_word_of_the_text() -> None:
    entry = Entry("sources/x/", "Urgent contact", "Statement", "", "", "", "contact made")
    terms = search.terms_of(entry)
    assert terms.weights == {"urgent": search.TITLE_WEIGHT, "contact": search.TITLE_WEIGHT + 1,
                             "made": 1}  # fmt: skip
    assert terms.length == 4
    assert search.Terms.decode(terms.encode()) == terms


def test_file_names_are_hex_whatever_the_words(digest: Digest) -> None:
    hostile = Entry("sources/h/", "../../etc/passwd", "x", "", "", "",
                    "..\\..\\windows <script>alert(1)</script> \x00nul \u2215slash")  # fmt: skip
    files, _ = made([*search.entries(digest), hostile])
    assert all(re.fullmatch(r"search-index/(index|docs-\d+|terms-[0-9a-f]+)\.json", f.path)
               for f in files)  # fmt: skip


def edited(found: list[Entry], rng: random.Random) -> list[Entry]:
    """The entries after a random edit: text or title changed, a page added or removed."""
    found = list(found)
    choice = rng.randrange(4)
    at = rng.randrange(len(found))
    if choice == 0:
        words = found[at].text.split()
        rng.shuffle(words)
        found[at] = dataclasses.replace(found[at], plain=" ".join(words[: len(words) // 2]),
                                        document=None)  # fmt: skip
    elif choice == 1:
        found[at] = dataclasses.replace(found[at], title=f"{found[at].title} zebra")
    elif choice == 2:
        new = dataclasses.replace(found[at], url=f"sources/new-{rng.randrange(10**6)}/")
        found = sorted([*found, new], key=lambda e: e.url)
    else:
        del found[at]
    return found


def test_an_index_patched_edit_by_edit_is_the_index_made_from_nothing(digest: Digest) -> None:
    rng = random.Random(6)
    found = search.entries(digest)
    known = {e.key: search.terms_of(e) for e in found}
    files, state = made(found)
    patched = 0
    for _ in range(60):
        found = edited(found, rng)
        changed = search.changes(found, state)
        wanted = found if changed is None else [found[n] for n in changed]
        terms = {e.key: search.terms_of(e) for e in wanted}
        known.update(terms)
        files, state = search.search_index(found, terms, state, known)
        assert files == made(found)[0]
        patched += changed is not None
    assert patched > 20  # most edits patched the index rather than made it again


def test_an_unchanged_index_is_the_previous_one(digest: Digest) -> None:
    found = search.entries(digest)
    files, state = made(found)
    assert search.changes(found, state) == []
    again, kept = search.search_index(found, {}, state, {})
    assert again == files and kept.shards == state.shards


PARITY = ["Ofcom's \u2018urgent\u2019 CONTACT, x 2026 e-mail", "Café naïve Ångström ﬁle",
          "a" * 100, "\u00e9" + "a" * 40, "Προσοχή 東京 ΣΑΣ", "İstanbul ǅemal", "x_y__z 3½",
          "ﬀ ﬃ Ⅻ ⅻ ② ¹²", "la\u0301tex co\u0308operate"]  # fmt: skip


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_search_page_splits_text_into_the_same_terms() -> None:
    """search.js's words() (run by Node.js) and search.words() agree on hard cases."""
    script = (TEMPLATES / "static" / "search.js").read_text(encoding="utf-8")
    start = script.index("const WORD = ")
    constants = script[start : script.index("\n", script.index("const TERM = "))]
    function = script[script.index("function words(text) {") : script.index("function shardOf")]
    program = (
        f"{constants}\n{function}\nconsole.log(JSON.stringify({json.dumps(PARITY)}.map(words)));"
    )
    done = subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [search.words(text) for text in PARITY]


def test_encoded_terms_are_decoded_when_asked(digest: Digest) -> None:
    found = search.entries(digest)
    terms = {e.key: search.terms_of(e) for e in found}
    encoded = search.EncodedTerms({key: t.encode() for key, t in terms.items()})
    assert len(encoded) == len(terms) and dict(encoded) == terms
    assert search.search_index(found, encoded)[0] == made(found)[0]
