"""The search index: what it holds, that it is the same made from nothing or patched, that
nothing in it can name a file outside its folder, and that the search page's own code
(templates/static/search-core.js, run by Node.js) reads it as the build meant: the same terms
and stems, and the ranking described in research_digest/site/search.py."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from snowballstemmer.english_stemmer import EnglishStemmer

from research_digest.model.digest import Digest
from research_digest.model.outputs import OutputFile
from research_digest.site import search
from research_digest.site.search import Entry, IndexState
from tests.conftest import load_digest
from tests.search_node import needs_node, run_core, write_index

STEMMER = EnglishStemmer()


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
                               "alpha",
                               "The regulator says it has contacted a platform."]  # fmt: skip
    assert "The regulator said it had made contact with a platform." in statement.text
    assert "<p>" not in statement.text and "Cite this source" not in statement.text
    topic = found["topics/alpha/"]
    assert (topic.kind, topic.topic_ids) == ("Topic", "alpha")
    assert "Regulator issues a statement" not in topic.text  # a topic finds by its own text
    assert topic.excerpt == search.excerpt_of(digest.manifest.topic("alpha").summary)
    assert found["about/"].excerpt == digest.manifest.site.description
    rejected, awaiting = found["sources/petition-100001/"], found["sources/petition-100004/"]
    assert rejected.plain.split("\n")[:2] == ["Petition", "Rejected"]  # its data's state
    assert awaiting.plain.split("\n")[:2] == ["Petition", ""]  # no data: no state
    assert list(found) == sorted(found)


def test_an_excerpt_is_plain_text_on_one_line_cut_at_a_word() -> None:
    assert search.excerpt_of("  Two\n\nparagraphs,\tspaced.  ") == "Two paragraphs, spaced."
    assert search.excerpt_of("one two three", 13) == "one two three"
    assert search.excerpt_of("one two three", 12) == "one two\u2026"
    assert search.excerpt_of("one two three", 7) == "one two\u2026"  # a space just after
    assert search.excerpt_of("one, two - three", 14) == "one, two\u2026"  # no dash before it
    assert search.excerpt_of("one, two", 6) == "one\u2026"  # nor a comma
    assert search.excerpt_of("a" * 20, 8) == "a" * 8 + "\u2026"
    assert search.excerpt_of("<b>x</b> &amp;") == "<b>x</b> &amp;"  # text: never read as markup
    long = search.excerpt_of("word " * 100)
    assert len(long) <= search.EXCERPT_LENGTH + 1 and long.endswith("word\u2026")


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
    assert list(terms) == ["postings", "stems"]
    pages = terms["postings"]["regulator"][0::2]
    assert number in pages and pages == sorted(pages)
    weight = terms["postings"]["regulator"][1::2][pages.index(number)]
    assert weight > search.TITLE_WEIGHT  # in the title, and in the text
    assert terms["stems"]["regulator"] == "regul"
    assert terms["stems"] == {t: search.stem_of(t) for t in terms["postings"]
                              if search.stem_of(t) != t}  # fmt: skip
    assert sorted(index["terms"]) == index["terms"] == sorted(state.shards)
    assert {f.path for f in files} == {"search-index/index.json", "search-index/docs-0.json"} | {
        f"search-index/terms-{name}.json" for name in index["terms"]
    }
    assert made(found)[0] == files  # byte for byte, run after run


def test_a_page_is_described_in_the_docs_file_its_number_names() -> None:
    found = [Entry(f"sources/p{n:03d}/", f"Page {n}", "Article", "", "", "", f"text {n}",
                   excerpt=f"Excerpt {n}.") for n in range(250)]  # fmt: skip
    data = read(made(found)[0])
    assert data["search-index/index.json"]["docs_per_file"] == search.DOCS_PER_FILE == 100
    assert [len(data[f"search-index/docs-{k}.json"]) for k in range(3)] == [100, 100, 50]
    assert data["search-index/docs-2.json"][34] == [
        "sources/p234/", "Page 234", "Article", "", "", "", "Excerpt 234."]  # fmt: skip


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
    elif choice == 1:  # new terms, and new forms of stems already there
        word = rng.choice(["zebra", "zebras", "regulations", "regulatory", "dying", "Cafés",
                           "stems postings"])  # fmt: skip
        found[at] = dataclasses.replace(found[at], title=f"{found[at].title} {word}")
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
    patched = restemmed = 0
    for _ in range(60):
        found = edited(found, rng)
        changed = search.changes(found, state)
        wanted = found if changed is None else [found[n] for n in changed]
        terms = {e.key: search.terms_of(e) for e in wanted}
        known.update(terms)
        before = stems_of(state)
        files, state = search.search_index(found, terms, state, known)
        assert files == made(found)[0]
        patched += changed is not None
        restemmed += changed is not None and stems_of(state) != before
    assert patched > 20  # most edits patched the index rather than made it again
    assert restemmed > 5  # and some of those changed the files' stems


def stems_of(state: IndexState) -> dict[str, object]:
    return {name: json.loads(data)["stems"] for name, data in state.shards.items()}


def test_an_unchanged_index_is_the_previous_one(digest: Digest) -> None:
    found = search.entries(digest)
    files, state = made(found)
    assert search.changes(found, state) == []
    again, kept = search.search_index(found, {}, state, {})
    assert again == files and kept.shards == state.shards


def test_a_stem_is_snowballs_unless_it_would_leave_its_term_file() -> None:
    forms = ["regulations", "regulation", "regulated", "regulator", "regulators", "regulate"]
    assert {search.stem_of(form) for form in forms} == {"regul"}
    assert [search.stem_of(t) for t in ["regulatory", "blocked", "apps", "skies", "2025", "x_y"]] \
        == ["regulatori", "block", "app", "sky", "2025", "x_i"]  # fmt: skip
    # Snowball makes "dying" "die" and "lying" "lie": another term file, so they stay whole
    assert [search.stem_of(t) for t in ["dying", "lying", "die"]] == ["dying", "lying", "die"]


def test_the_stemmer_leaves_short_terms_alone() -> None:
    """stem_of() does not ask it about terms of two characters (Snowball's own rule)."""
    characters = string.ascii_lowercase + string.digits + "_"
    short = [a + b for a, b in itertools.product(characters, repeat=2)]
    assert [STEMMER.stemWord(term) for term in short] == short


@pytest.mark.property
@given(st.text(st.characters(categories=["L", "N", "Pc"]), max_size=8))
def test_the_stemmer_leaves_terms_without_ascii_letters_alone(text: str) -> None:
    """Nor about terms with no ASCII letter (numbers, other scripts): much of a big digest's
    vocabulary, and none of it changed by the stemmer."""
    for term in search.words(text):
        if len(term) <= search.SHORTEST or not re.search("[a-z]", term):
            assert STEMMER.stemWord(term) == term == search.stem_of(term)


def test_a_term_file_lists_the_stems_of_its_terms_that_are_not_themselves() -> None:
    entry = Entry("sources/x/", "Regulator", "Statement", "", "", "", "regulates reg dying")
    files = read(made([entry])[0])
    assert files[f"search-index/terms-{b're'.hex()}.json"] == {
        "postings": {"reg": [0, 1], "regulates": [0, 1], "regulator": [0, 5]},
        "stems": {"regulates": "regul", "regulator": "regul"}}  # fmt: skip
    assert files[f"search-index/terms-{b'dy'.hex()}.json"] == {
        "postings": {"dying": [0, 1]}, "stems": {}}  # fmt: skip


# -- the search page's own code, run by Node.js ----------------------------------------------

PARITY = ["Ofcom's \u2018urgent\u2019 CONTACT, x 2026 e-mail", "Café naïve Ångström ﬁle",
          "a" * 100, "\u00e9" + "a" * 40, "Προσοχή 東京 ΣΑΣ", "İstanbul ǅemal", "x_y__z 3½",
          "ﬀ ﬃ Ⅻ ⅻ ② ¹²", "la\u0301tex co\u0308operate",
          "\U0001d518\U0001d52b\U0001d520 \U0001d7da\U0001d7d8",  # beyond the BMP
          "regulations REGULATED Regulator's dying skies nudify nudification",
          "constructor __proto__ hasOwnProperty toString"]  # fmt: skip

# A small index whose ranking can be worked out by hand: every page is five terms long.
PAGES = [("sources/a/", "Alpha", "the regulations were published"),
         ("sources/b/", "Beta", "the regulator was named"),
         ("sources/c/", "Gamma", "regulatory matters were named"),
         ("sources/d/", "Delta", "the regulation was published"),
         ("sources/e/", "Epsilon", "constructor __proto__ ban now")]  # fmt: skip


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = [Entry(url, title, "Article", "", "", "", text) for url, title, text in PAGES]
    return write_index(made(found)[0], tmp_path_factory.mktemp("small"))


@needs_node
def test_the_search_page_finds_the_same_terms_stems_and_term_files(tmp_path: Path) -> None:
    """search-core.js splits text as words() does, names the same term files, and reads the
    stem of every term of an index as the build found it."""
    found = [Entry(f"sources/p{n}/", "", "Article", "", "", "", text)
             for n, text in enumerate(PARITY)]  # fmt: skip
    index = write_index(made(found)[0], tmp_path)
    vocabulary = sorted({term for text in PARITY for term in search.words(text)})
    absent = ["regul", "banned", "hasownproperty_", "__defineGetter__".lower()]
    answer = run_core(index, words=PARITY, shards=vocabulary, stems=vocabulary + absent)
    assert answer["words"] == [search.words(text) for text in PARITY]
    assert answer["shards"] == [search.shard_of(term) for term in vocabulary]
    assert answer["stems"] == [search.stem_of(term) for term in vocabulary] + [None] * 4
    assert (answer["format"], answer["shortest"]) == (search.FORMAT, search.SHORTEST)


@needs_node
def test_a_word_finds_every_form_of_its_stem_the_word_as_typed_first(small_index: Path) -> None:
    queries = ["regulations", "regulation", "regulator", "regulatory", "regulations published",
               "Regulation's"]  # fmt: skip
    found = run_core(small_index, find=queries)["find"]
    assert [answer["pages"] for answer in found] == [
        ["sources/a/", "sources/b/", "sources/d/"],  # the word as typed, then ties in order
        ["sources/d/", "sources/a/", "sources/b/"],
        ["sources/b/", "sources/a/", "sources/d/", "sources/c/"],  # it begins "regulatory"
        ["sources/c/"],  # Snowball's "regulatori": a stem of its own
        ["sources/a/", "sources/d/"],  # every word
        ["sources/d/", "sources/a/", "sources/b/"],  # "s" alone is no term
    ]
    assert found[0]["matched"] == ["regulation", "regulations", "regulator"]


@needs_node
def test_a_word_also_finds_the_terms_it_begins(small_index: Path) -> None:
    found = run_core(small_index, find=["regulat", "regulato", "re", "nam"])["find"]
    assert found[0] == {
        "pages": ["sources/a/", "sources/b/", "sources/c/", "sources/d/"],
        "matched": ["regulation", "regulations", "regulator", "regulatory"],
    }
    assert found[1]["pages"] == ["sources/b/", "sources/c/"]
    assert found[2]["pages"] == ["sources/a/", "sources/b/", "sources/c/", "sources/d/"]
    assert found[3] == {"pages": ["sources/b/", "sources/c/"], "matched": ["named"]}


@needs_node
def test_a_word_the_digest_never_uses_is_not_stemmed(small_index: Path) -> None:
    """The browser has no stemmer: "banned" is not a term, so it finds only terms it begins
    (none), though Snowball would make it "ban". README.md says so."""
    found = run_core(small_index, find=["banned", "ban", "bans"])["find"]
    assert [answer["pages"] for answer in found] == [[], ["sources/e/"], []]
    assert search.stem_of("banned") == search.stem_of("ban")


@needs_node
def test_words_that_name_object_properties_are_words(small_index: Path) -> None:
    queries = ["constructor", "__proto__", "hasOwnProperty", "toString", "valueOf", "__proto"]
    found = run_core(small_index, find=queries)["find"]
    assert [answer["pages"] for answer in found] == [["sources/e/"], ["sources/e/"], [], [], [],
                                                     ["sources/e/"]]  # fmt: skip


@needs_node
def test_an_excerpt_marks_the_words_the_query_matched(small_index: Path) -> None:
    text = "Regulators' regulation, e-mail: REGULATIONS and regulatory ones."
    matched = ["mail", "regulation", "regulations", "regulator", "regulators"]
    marks = run_core(small_index, marks=[[text, matched], [text, []]])["marks"]
    assert [text[start:end] for start, end in marks[0]] == [
        "Regulators", "regulation", "mail", "REGULATIONS"]  # fmt: skip
    assert marks[1] == []


def test_encoded_terms_are_decoded_when_asked(digest: Digest) -> None:
    found = search.entries(digest)
    terms = {e.key: search.terms_of(e) for e in found}
    encoded = search.EncodedTerms({key: t.encode() for key, t in terms.items()})
    assert len(encoded) == len(terms) and dict(encoded) == terms
    assert search.search_index(found, encoded)[0] == made(found)[0]
