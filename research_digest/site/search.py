"""The search index: an inverted index of the digest's own text, searched in the browser.

The index is built from the model (each source's title, kind, summary, publisher,
authors, write-up and, for a petition, the state its data gives; each topic's title, summary
and key moments; the about page), not from the rendered pages, and is written as
static JSON under ``search-index/`` for the search page's script
(templates/static/search-core.js, which search.js drives) to load piece by piece:

- ``index.json``: the format, the number of pages indexed, the length of each
  (in terms) and their average, how many pages each ``docs-K.json`` lists, and the
  names of the term files;
- ``docs-K.json``: what a result shows of each page (address, title, kind, date,
  topics, topic ids, excerpt), in the order of their addresses: a page's number is
  its place in that order. The excerpt is the page's summary as plain text, cut to
  about EXCERPT_LENGTH characters, so a result needs no fetch of its page;
- ``terms-HEX.json``: every term beginning with the same two characters (HEX is
  their UTF-8 in hexadecimal, so a file name is always safe), as
  ``{"postings": {term: [page, weight, page, weight, ...]}, "stems": {term: stem}}``:
  the pages each term occurs in with a weight (occurrences, a title's counting
  TITLE_WEIGHT times), and the stem of each term whose stem is not the term itself.

A term is a run of 2 to 40 letters, digits and underscores (a longer run is cut
into pieces), lower-cased, with accents taken off: the word as written. Its stem is
the Snowball English stemmer's ("regulations", "regulated" and "regulator" all
become "regul"), kept only when it begins with the term's first two characters, so
that every form of a stem is in the same term file. The browser has no stemmer:
it splits a query as words() does and, for a word that is a term of the digest,
reads its stem in the word's term file and matches every term with that stem (the
word as typed scoring a little more than its other forms); every word also matches
the terms it begins ("regulat" finds "regulator"). Pages with every word are
ranked by BM25.

The index is ours rather than Pagefind's because Pagefind could not meet the
build's targets: it took 30 s and 2.4 GB to index 10,000 source pages on the
development machine, and cannot add to an index it built before (bench/README.md).
This one takes a fraction of that, and a rebuild after one write-up changes
rewrites only the term files that write-up's terms fall in. What it gives up: a
word that never occurs in the digest is not stemmed (the browser cannot), so it
finds only the terms it begins; and excerpts are the page's summary, not the
passage around the first match.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from research_digest.files import content_hash
from research_digest.model.digest import Digest, Document
from research_digest.model.outputs import OutputFile
from research_digest.site.sanitize import text_of
from research_digest.site.views import topics_of
from research_digest.textformat import formats

FOLDER = "search-index"
FORMAT = 2
DOCS_PER_FILE = 100  # each result shown loads its file of rows: ~50 KB at 10,000, not 270
ENTRIES_PER_JOB = 500  # fewer are split into terms sooner than a process starts
TITLE_WEIGHT = 5
EXCERPT_LENGTH = 300  # characters of a page's summary a result shows, at most
SHORTEST, LONGEST = 2, 40  # term lengths; a longer run of letters is cut into pieces
_WORD = re.compile(r"\w+")
_TERM = re.compile(rf"\w{{{SHORTEST},{LONGEST}}}")
_NON_ASCII_LETTER = re.compile(r"[^\W\x00-\x7f]")  # a letter or digit beyond ASCII
_ASCII_LETTER = re.compile(r"[a-z]")
_JSON = {"ensure_ascii": False, "separators": (",", ":")}


@dataclass(frozen=True)
class Entry:
    """One indexed page: what a result shows of it, and its text."""

    url: str  # from the site's root: "sources/ofcom-statement/"
    title: str
    kind: str
    date: str
    topics: str  # topic titles, for reading
    topic_ids: str  # topic ids, space-separated, for narrowing a search
    plain: str  # text indexed as it is
    document: Document | None = None  # whose HTML's text is indexed too, read only if needed
    excerpt: str = ""  # what a result shows of the page's text: plain text, never markup

    @cached_property
    def key(self) -> str:
        """A hash of everything the index holds of this page."""
        parts = [*self.shown, self.plain, self.document.fingerprint if self.document else ""]
        return content_hash("".join(f"{len(part)}:{part}" for part in parts).encode())

    @property
    def shown(self) -> list[str]:
        return [self.url, self.title, self.kind, self.date, self.topics, self.topic_ids,
                self.excerpt]  # fmt: skip

    @property
    def text(self) -> str:
        """Everything indexed but the title."""
        html = self.document.html if self.document else ""
        return f"{self.plain}\n{text_of(html)}" if html else self.plain


@dataclass(frozen=True)
class Terms:
    """An entry's terms and their weights, and its length in terms."""

    weights: Mapping[str, int]
    length: int

    def encode(self) -> str:
        return json.dumps([self.length, self.weights], **_JSON)  # type: ignore[arg-type]

    @classmethod
    def decode(cls, text: str) -> Terms:
        length, weights = json.loads(text)
        return cls(weights, length)


class EncodedTerms(Mapping[str, Terms]):
    """Terms by key, kept encoded (Terms.encode) and decoded when asked: the terms of
    10,000 pages held as dictionaries take 40 MB more, at the build's peak."""

    def __init__(self, encoded: Mapping[str, str]) -> None:
        self._encoded = encoded

    def __getitem__(self, key: str) -> Terms:
        return Terms.decode(self._encoded[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._encoded)

    def __len__(self) -> int:
        return len(self._encoded)


@dataclass(frozen=True)
class IndexState:
    """What the cache keeps of an index, so that the next one changes only what changed."""

    keys: tuple[str, ...]  # each page's Entry.key, in the index's order
    urls: tuple[str, ...]
    lengths: tuple[int, ...]
    shards: Mapping[str, bytes]  # term file name -> its bytes

    def order(self) -> str:
        """The pages' keys, addresses and lengths, as JSON (what a store keeps beside the
        term files)."""
        return json.dumps({"keys": self.keys, "urls": self.urls, "lengths": self.lengths})

    @classmethod
    def from_kept(cls, order: str, shards: Mapping[str, bytes]) -> IndexState:
        """An index's state as a store kept it: order() and the term files."""
        found = json.loads(order)
        return cls(tuple(found["keys"]), tuple(found["urls"]), tuple(found["lengths"]), shards)


def entries(digest: Digest) -> list[Entry]:
    """The pages to index, in the order of their addresses."""
    manifest = digest.manifest
    language = formats(manifest.site.language)
    found = []
    for source in manifest.sources:
        document = digest.documents.get(source.id)
        topics = topics_of(source, manifest)
        record = digest.petitions.get(source.id)
        state = record.data.state.replace("_", " ").capitalize() if record and record.data else ""
        found.append(Entry(
            f"sources/{source.id}/", source.title, source.kind_label,
            language.date(source.published, ""),
            ", ".join(t.title for t in topics), " ".join(t.id for t in topics),
            "\n".join([source.kind_label, state, source.summary, source.publisher or "",
                       *(author.name for author in source.authors)]),
            document, excerpt_of(source.summary),
        ))  # fmt: skip
    for topic in manifest.topics:
        moments = [moment.text for moment in topic.key_moments]
        found.append(Entry(f"topics/{topic.id}/", topic.title, "Topic", "", "", topic.id,
                           "\n".join([topic.summary, *moments]),
                           excerpt=excerpt_of(topic.summary)))  # fmt: skip
    site = manifest.site
    about = Document("about", digest.about, 0) if digest.about else None
    found.append(Entry("about/", f"About {site.title}", "About", "", "", "", site.description,
                       about, excerpt_of(site.description)))  # fmt: skip
    return sorted(found, key=lambda entry: entry.url)


def excerpt_of(text: str, length: int = EXCERPT_LENGTH) -> str:
    """A text on one line, cut at the last space before length characters (and marked
    with an ellipsis) when it is longer."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length + 1]  # a space just after the limit ends the last whole word
    cut = cut[: cut.rfind(" ")] if " " in cut else text[:length]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"  # no dash or comma before the ellipsis


def words(text: str) -> list[str]:
    """The terms of a text, in order (search-core.js splits a query the same way): runs of 2 to
    LONGEST letters, digits and underscores (a longer run is cut into pieces), lower-cased,
    with accents taken off."""
    lowered = text.lower()
    if lowered.isascii() or _NON_ASCII_LETTER.search(lowered) is None:
        return _TERM.findall(lowered)  # most texts: one regular expression does it
    found = []
    for word in _WORD.findall(lowered):
        if not word.isascii():
            word = unicodedata.normalize("NFKD", word)
            word = "".join(c for c in word if unicodedata.category(c) != "Mn")
        found += _TERM.findall(word)
    return found


def terms_of(entry: Entry) -> Terms:
    """An entry's terms, weighted: a term of its title counts TITLE_WEIGHT times."""
    title, text = words(entry.title), words(entry.text)
    weights = Counter(text)
    for word in title:
        weights[word] += TITLE_WEIGHT
    return Terms(dict(weights), len(title) + len(text))


def shard_of(term: str) -> str:
    """The name of the term file a term is in."""
    return term[:2].encode().hex()


def stem_of(term: str) -> str:
    """A term's stem (Snowball English), or the term itself where the stem would begin
    otherwise or be shorter than a term: every form of a stem is in the stem's term file,
    which is where the browser looks for them."""
    if len(term) <= SHORTEST or _ASCII_LETTER.search(term) is None:
        return term  # as the stemmer would (tests check): numbers, other scripts, "ox"
    stem: str = _stemmer().stemWord(term)
    return stem if stem[:2] == term[:2] and _TERM.fullmatch(stem) else term


@cache
def _stemmer() -> Any:
    """Snowball's English stemmer, imported when first needed: the package imports all its
    languages' (27 ms and 3 MB), which a build that changes no search term never uses.
    Its pure-Python class, never PyStemmer's (which snowballstemmer's stemmer() prefers when
    installed), so that every install writes the same index."""
    from snowballstemmer.english_stemmer import EnglishStemmer

    return EnglishStemmer()


def changes(found: Sequence[Entry], previous: IndexState | None) -> list[int] | None:
    """The places of the entries whose terms may have changed since the previous index;
    None if the index must be made from nothing (pages added, removed or none before)."""
    if previous is None or previous.urls != tuple(entry.url for entry in found):
        return None
    return [n for n, key in enumerate(previous.keys) if found[n].key != key]


def search_index(
    found: Sequence[Entry],
    terms: Mapping[str, Terms],
    previous: IndexState | None = None,
    previous_terms: Mapping[str, Terms] | None = None,
) -> tuple[list[OutputFile], IndexState]:
    """The index's files for these entries, and its state for the next build.

    terms holds the terms of each entry by its key. Made from nothing, it needs them
    all; given the previous index's state, only those of the entries changed since
    (changes()), with previous_terms holding what those entries' places held before;
    the term files are then the previous ones with those places taken out and put
    back, byte for byte what an index made from nothing would be.
    """
    keys = tuple(entry.key for entry in found)
    urls = tuple(entry.url for entry in found)
    changed = changes(found, previous)
    if previous is None or changed is None:
        shards, lengths = _shards(keys, terms)
    else:
        lengths = tuple(terms[keys[n]].length if n in changed else previous.lengths[n]
                        for n in range(len(keys)))  # fmt: skip
        olds = {n: (previous_terms or {})[previous.keys[n]] for n in changed}
        shards = _patched(previous.shards, {n: (olds[n], terms[keys[n]]) for n in changed})
    average = round(sum(lengths) / len(lengths), 2) if lengths else 0
    about = {"format": FORMAT, "documents": len(found), "average_length": average,
             "lengths": lengths, "docs_per_file": DOCS_PER_FILE,
             "terms": sorted(shards)}  # fmt: skip
    files = [_file("index.json", about)]
    for start in range(0, len(found), DOCS_PER_FILE):
        rows = [entry.shown for entry in found[start : start + DOCS_PER_FILE]]
        files.append(_file(f"docs-{start // DOCS_PER_FILE}.json", rows))
    files.extend(OutputFile(f"{FOLDER}/terms-{name}.json", data)
                 for name, data in sorted(shards.items()))  # fmt: skip
    return files, IndexState(keys, urls, lengths, shards)


def _shards(
    keys: Sequence[str], terms: Mapping[str, Terms]
) -> tuple[dict[str, bytes], tuple[int, ...]]:
    """The term files, and each page's length; each page's terms are taken once, and each
    term stemmed once."""
    grouped: dict[str, dict[str, list[int]]] = {}
    lengths = []
    for number, key in enumerate(keys):
        found = terms[key]
        lengths.append(found.length)
        for term, weight in found.weights.items():
            group = grouped.get(term[:2])
            if group is None:
                group = grouped[term[:2]] = {}
            postings = group.get(term)
            if postings is None:
                group[term] = [number, weight]
            else:
                postings += (number, weight)
    shards = {shard_of(prefix): _encode(group, _stems(group)) for prefix, group in grouped.items()}
    return shards, tuple(lengths)


def _stems(terms: Iterable[str]) -> dict[str, str]:
    """The stems of those terms whose stem is not the term itself."""
    found = {}
    for term in terms:
        stem = stem_of(term)
        if stem != term:
            found[term] = stem
    return found


def _patched(
    shards: Mapping[str, bytes], changed: Mapping[int, tuple[Terms, Terms]]
) -> dict[str, bytes]:
    """Term files with the changed pages' postings taken out and put back in, and the
    stems of the terms they now hold."""
    touched: dict[str, dict[str, dict[int, int]]] = {}  # file -> term -> page -> new weight
    for number, (old, new) in changed.items():
        for term in old.weights:
            touched.setdefault(shard_of(term), {}).setdefault(term, {})[number] = 0
        for term, weight in new.weights.items():
            touched.setdefault(shard_of(term), {}).setdefault(term, {})[number] = weight
    patched = dict(shards)
    for name, terms in touched.items():
        group, stems = _parsed(patched[name]) if name in patched else ({}, {})
        added: list[str] = []  # terms new to the file: the only ones to stem
        for term, pages in terms.items():
            postings = group[term].split(",") if term in group else []
            for number, weight in pages.items():
                _put(postings, number, weight)
            if postings:
                if term not in group:
                    added.append(term)
                group[term] = ",".join(postings)
            else:
                group.pop(term, None)
        if group:
            kept = {term: stem for term, stem in stems.items() if term in group}
            patched[name] = _join(group, kept | _stems(added))
        else:
            del patched[name]
    return patched


# A term file is {"postings":{"term":[1,2,...],...},"stems":{"term":"stem",...}}.
_POSTINGS = re.compile(r'"(\w+)":\[([\d,]+)\]')
_STEM = re.compile(r'"(\w+)":"(\w+)"')


def _parsed(shard: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """A term file's postings by term, left as text (a patch decodes only the terms it
    changes: a common prefix's file holds hundreds of kilobytes), and its stems."""
    text = shard.decode()
    return dict(_POSTINGS.findall(text)), dict(_STEM.findall(text))


def _join(group: Mapping[str, str], stems: Mapping[str, str]) -> bytes:
    """What _encode makes of the same postings and stems, from their text."""
    postings = ",".join(f'"{term}":[{group[term]}]' for term in sorted(group))
    stemmed = ",".join(f'"{term}":"{stems[term]}"' for term in sorted(stems))
    return ('{"postings":{' + postings + '},"stems":{' + stemmed + "}}").encode()


def _put(postings: list[str], number: int, weight: int) -> None:
    """Set a page's weight in a flat [page, weight, ...] list sorted by page, of numbers
    left as text (0: remove): only those a binary search looks at are read."""
    pairs = len(postings) // 2
    at = bisect.bisect_left(range(pairs), number, key=lambda i: int(postings[2 * i]))
    if at < pairs and int(postings[2 * at]) == number:
        if weight:
            postings[2 * at + 1] = str(weight)
        else:
            del postings[2 * at : 2 * at + 2]
    elif weight:
        postings[2 * at : 2 * at] = [str(number), str(weight)]


def _encode(group: Mapping[str, list[int]], stems: Mapping[str, str]) -> bytes:
    shard = {"postings": group, "stems": stems}
    return json.dumps(shard, sort_keys=True, **_JSON).encode()  # type: ignore[arg-type]


def _file(name: str, data: object) -> OutputFile:
    return OutputFile(f"{FOLDER}/{name}", json.dumps(data, **_JSON).encode())  # type: ignore[arg-type]
