"""Add a source from its address or a saved copy: an entry in sources.yaml and a draft write-up.

    add https://petition.parliament.uk/petitions/756212   a petition: its data is fetched
    add https://news.example/story                        a page: its facts are read
    add saved-copy.html --url https://news.example/story  a saved copy, read the same way
    add copy.txt                                          a text copy; address unknown

The entry holds the facts that could be read (title, publisher, date, address)
and 'unknown' for the rest, with topics suggested from the text, and is marked
'draft: true': builds leave it out until the contributor removes the mark. The draft
write-up holds prompts and the facts of the copy, never the source's text:
the contributor writes it in their own words, and ``check`` refuses the
draft's TODO prompts until they have.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from research_digest.add.cleanup import STOPWORDS, content_words
from research_digest.add.extract import SourceFacts, read_page, read_text
from research_digest.diagnostics import Location, Report, Severity, did_you_mean
from research_digest.errors import UserError
from research_digest.files import atomic_write
from research_digest.manifest.edit import EditError, FieldValue, append_source
from research_digest.manifest.loader import load_manifest
from research_digest.manifest.yamlsource import load_yaml
from research_digest.model.manifest import Manifest, PetitionRef, Source, Topic
from research_digest.model.petitions import PetitionData
from research_digest.petitions.cache import cache_path, history_path, parse_entry
from research_digest.petitions.deadline import deadline
from research_digest.petitions.fetch import FetchSettings, Outcome, fetch_petitions
from research_digest.petitions.platforms import PLATFORMS, Platform
from research_digest.petitions.platforms.epetitions import EPetitionsPlatform
from research_digest.textformat import human_date

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_PAGE_BYTES = 8 * 1024 * 1024
PAGE_DEADLINE = 60.0  # seconds to read a page, whatever the server's pace
MAX_ID_WORDS = 6
MAX_TOPICS = 3
TOPIC_SHARE = 0.5  # a topic is suggested when it scores at least half the best one


class AddError(Exception):
    """The source cannot be added; the message says why. ``usage`` marks a bad command line."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Added:
    source_id: str
    line: int  # where the entry starts in sources.yaml
    document: Path
    read_from: str
    facts: SourceFacts
    topics: tuple[str, ...]
    topics_suggested: bool
    petition_outcome: Outcome | None = None


def add_source(
    manifest_path: Path,
    target: str,
    *,
    report: Report,
    client: httpx.Client,
    fetch_settings: FetchSettings,
    now: dt.datetime,
    url: str | None = None,
    source_id: str | None = None,
    topics: Sequence[str] = (),
) -> Added:
    """Read the source, then write its entry and draft write-up; raise AddError if it cannot."""
    loading = Report()  # the manifest's own warnings are not this command's business
    manifest = load_manifest(manifest_path, loading)
    if manifest is None:
        raise UserError(list(loading.sorted(minimum=Severity.ERROR)))
    for topic in topics:
        if not manifest.has_topic(topic):
            hint = did_you_mean(topic, [t.id for t in manifest.topics]) or "see 'topics:'"
            raise AddError(f"--topic: no topic has the id {topic!r}; {hint}", usage=True)
    petition = petition_reference(target)
    if petition is not None:
        return _add_petition(manifest, petition, report=report, client=client,
                             settings=fetch_settings, now=now, source_id=source_id,
                             topics=topics)  # fmt: skip
    facts, read_from, address = _read(target, url, client)
    entry_topics, suggested = (
        (tuple(topics), False)
        if topics
        else (suggest_topics(f"{facts.title or ''} {facts.text}", manifest.topics), True)
    )
    title = facts.title or "TODO: the source's title"
    new_id = _choose_id(source_id, facts.title or _name_of(target), manifest)
    entry: dict[str, FieldValue] = {"id": new_id, "draft": True, "kind": "article",
                                    "title": title}  # fmt: skip
    gaps = []
    if address:
        entry["url"] = address
    else:
        gaps.append("url")
    entry["publisher"] = facts.publisher or "unknown"
    if not facts.publisher:
        gaps.append("publisher")
    if gaps:
        entry["known_gaps"] = gaps
    entry.update(
        published=facts.published.iso() if facts.published else "unknown",
        added=now.date().isoformat(),
        topics=list(entry_topics),
        document=f"content/{new_id}.md",
        summary="TODO: one or two sentences in your own words",
    )
    write_up = draft_write_up(facts, read_from, address, now)
    line = _write(manifest, entry, write_up)
    return Added(new_id, line, manifest.root / "content" / f"{new_id}.md", read_from, facts,
                 entry_topics, suggested)  # fmt: skip


# -- petitions -------------------------------------------------------------------------------


def petition_reference(target: str) -> tuple[Platform, int] | None:
    """The platform and number of a petition's address, if target is one."""
    for platform in PLATFORMS.values():
        if isinstance(platform, EPetitionsPlatform):
            number = platform.number_from_url(target)
            if number is not None:
                return platform, number
    return None


def _add_petition(
    manifest: Manifest,
    petition: tuple[Platform, int],
    *,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
    source_id: str | None,
    topics: Sequence[str],
) -> Added:
    platform, number = petition
    for source in manifest.sources:
        ref = source.petition
        if ref and ref.platform == platform.id and ref.number == number:
            raise AddError(f"{platform.name} {platform.label(number)} is already source "
                           f"{source.id!r}", usage=True)  # fmt: skip
    default_id = f"petition-{platform.label(number).lower()}"
    if platform.id != "uk-parliament":
        default_id = f"{platform.id}-{default_id}"
    new_id = _choose_id(source_id or default_id, default_id, manifest)
    files = (cache_path(manifest.root, platform.id, number),
             history_path(manifest.root, platform.id, number))  # fmt: skip
    made = [path for path in files if not path.exists()]  # what to remove if the add fails
    try:
        return _add_fetched_petition(
            manifest,
            platform,
            number,
            new_id,
            report=report,
            client=client,
            settings=settings,
            now=now,
            topics=topics,
        )
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise


def _add_fetched_petition(
    manifest: Manifest,
    platform: Platform,
    number: int,
    new_id: str,
    *,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
    topics: Sequence[str],
) -> Added:
    outcome, data = _fetch_petition(manifest, platform, number, new_id, report, client,
                                    settings, now)  # fmt: skip
    if outcome not in (Outcome.UPDATED, Outcome.UNCHANGED) or data is None:
        why = "is gone from its platform" if outcome is Outcome.GONE else "could not be fetched"
        raise AddError(f"{platform.name} {platform.label(number)} {why}, so nothing was "
                       "written; add it again when the platform answers")  # fmt: skip
    title = data.action
    text = " ".join(p for p in (data.action, data.background) if p)
    entry_topics = tuple(topics) or suggest_topics(text, manifest.topics, prefer="petitions")
    opened = next((m.when for m in data.milestones if m.code in ("opened", "published")), None)
    created = next((m.when for m in data.milestones if m.code == "created"), None)
    when = opened or created
    entry: dict[str, FieldValue] = {
        "id": new_id,
        "draft": True,
        "kind": "petition",
        "title": title,
        "url": platform.page_url(number) or "",
        "publisher": platform.name,
        "published": when.date().isoformat() if isinstance(when, dt.datetime) else "unknown",
        "added": now.date().isoformat(),
        "topics": list(entry_topics),
        "document": f"content/{new_id}.md",
        "summary": "TODO: one or two sentences in your own words",
        "petition": {"platform": platform.id, "number": number},
    }
    line = _write(manifest, entry, PETITION_DRAFT)
    facts = SourceFacts(title, platform.name, None, platform.page_url(number), text)
    return Added(
        new_id,
        line,
        manifest.root / "content" / f"{new_id}.md",
        platform.page_url(number) or "",
        facts,
        entry_topics,
        not topics,
        outcome,
    )


def _fetch_petition(
    manifest: Manifest,
    platform: Platform,
    number: int,
    source_id: str,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
) -> tuple[Outcome, PetitionData | None]:
    where = Location(str(manifest.path.name), 0, 0)
    source = Source(
        source_id, "petition", source_id, None, platform.name, None, now.date(), (), Path(),
        "", None, PetitionRef(platform.id, number, None), where,
    )  # fmt: skip
    (result,) = fetch_petitions(manifest, [source], report, client=client, settings=settings,
                                clock=lambda: now)  # fmt: skip
    path = cache_path(manifest.root, platform.id, number)
    try:
        entry = parse_entry(path.read_text(encoding="utf-8"), platform.id, number)
        data = platform.parse(entry.response, number) if entry.response else None
    except (OSError, ValueError):
        data = None
    return result.outcome, data


PETITION_DRAFT = """## Summary

TODO: in two or three sentences of your own: what the petition asks, who it asks, and where
it stands. Its figures (state, signatures, response, debate) appear on the page from the data.

## Why it is in the digest

TODO: how the petition relates to the digest's subject and to its other sources; link them
with `[their title](source:ID)`.
"""


# -- pages and copies ----------------------------------------------------------------------


def _read(
    target: str, url: str | None, client: httpx.Client
) -> tuple[SourceFacts, str, str | None]:
    """Read a page (fetched) or a saved copy; return its facts, where from, and its address."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.hostname:
        final, kind, body = fetch_page(client, target)
        facts = read_text(body) if kind == "text/plain" else read_page(body)
        canonical = facts.canonical if _is_http(facts.canonical) else None
        return facts, final, canonical or final
    if parts.scheme:
        raise AddError(f"expected an http(s) address or a file, got {target!r}", usage=True)
    path = Path(target)
    if not path.is_file():
        raise AddError(f"{target!r} is neither an http(s) address nor a file", usage=True)
    if path.suffix.lower() not in (".html", ".htm", ".txt", ".md"):
        raise AddError(f"{target!r}: expected a saved page (.html) or text (.txt, .md)",
                       usage=True)  # fmt: skip
    text = path.read_bytes().decode("utf-8", errors="replace")
    facts = read_page(text) if path.suffix.lower() in (".html", ".htm") else read_text(text)
    if url is not None and not _is_http(url):
        raise AddError(f"--url: expected an http(s) address, got {url!r}", usage=True)
    canonical = facts.canonical if _is_http(facts.canonical) else None
    return facts, f"a saved copy ({path.name})", url or canonical


def fetch_page(client: httpx.Client, url: str) -> tuple[str, str, str]:
    """GET a page: return its final address, its content type and its text."""
    try:
        with deadline(PAGE_DEADLINE), client.stream("GET", url, follow_redirects=True) as response:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if response.status_code != 200:
                raise AddError(f"{url} answered HTTP {response.status_code}")
            if kind not in PAGE_TYPES:
                raise AddError(f"{url} is not a page ({kind or 'no content type'})")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise AddError(f"{url} is larger than {MAX_PAGE_BYTES:,} bytes")
            encoding = response.charset_encoding or "utf-8"
            return str(response.url), kind, body.decode(encoding, errors="replace")
    except httpx.HTTPError as exc:
        raise AddError(f"cannot read {url}: {exc.__class__.__name__}: {exc}") from None


def draft_write_up(
    facts: SourceFacts, read_from: str, address: str | None, now: dt.datetime
) -> str:
    """Prompts for the contributor, and the facts of the copy: never the source's own text."""
    told = [
        f"Read from {read_from} on {human_date(now.date())}"
        + ("." if address else "; the original's address is not known."),
        "Title: " + (repr(facts.title) if facts.title else "not stated") + ".",
        "Publisher: " + (facts.publisher or "not stated") + ".",
        "Published: " + (facts.published.human() if facts.published else "not stated") + ".",
    ]
    defects = "".join(f"- {finding.message}.\n" for finding in facts.findings)
    if defects:
        defects = "\nThe copy had these defects, set aside when it was read:\n\n" + defects
    return f"""## Summary

TODO: in two or three sentences of your own: what this source is, and what it says.

## Key points

- TODO: the first point, in your own words.
- TODO: the next point.

## Who said what

- TODO: who said what, attributed ("Ofcom said", "the report says"); quote a sentence or two
  at most, in quotation marks.

## Context

TODO: how it relates to other sources in the digest; link them with `[their title](source:ID)`.

## About this copy

{" ".join(told)}
{defects}
TODO: check these facts, and say what is not known of the copy (and why).
"""


# -- choosing ids and topics ---------------------------------------------------------------


def suggest_topics(
    text: str, topics: Sequence[Topic], prefer: str | None = None
) -> tuple[str, ...]:
    """The topics whose words the text uses most (at least one, at most three).

    Each of a topic's words counts as often as the text uses it (up to five times),
    divided among the topics that share the word.
    """
    counts = Counter(w for w in _words(text) if w not in STOPWORDS)
    vocabulary = {t.id: content_words(f"{t.id.replace('-', ' ')} {t.title} {t.summary}")
                  for t in topics}  # fmt: skip
    spread = Counter(w for v in vocabulary.values() for w in v)
    scores = {
        topic_id: sum(min(counts[w], 5) / spread[w] for w in words)
        for topic_id, words in vocabulary.items()
    }
    if prefer in scores:
        scores[prefer] += max(scores.values(), default=0) + 1
    best = sorted(scores, key=lambda t: (-scores[t], t))
    top = scores[best[0]] if best else 0
    chosen = [t for t in best if scores[t] > 0 and scores[t] >= top * TOPIC_SHARE][:MAX_TOPICS]
    return tuple(chosen or best[:1])


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z'-]{3,}", text.lower())


def new_id(title: str, taken: set[str]) -> str:
    """A permanent slug from the title's first words, unique in the digest."""
    words = re.findall(r"[a-z0-9]+", title.lower().replace("'", ""))
    significant = [w for w in words if w not in ("the", "a", "an", "of", "to", "and", "todo")]
    base = "-".join((significant or ["source"])[:MAX_ID_WORDS])[:60].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _choose_id(requested: str | None, title: str, manifest: Manifest) -> str:
    taken = {s.id for s in manifest.sources}
    if requested is None:
        return new_id(title, taken)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", requested) or len(requested) > 80:
        raise AddError(f"--id: {requested!r} is not a safe id: use lowercase letters, digits and "
                       "single hyphens", usage=True)  # fmt: skip
    if requested in taken:
        raise AddError(f"--id: {requested!r} is already a source's id", usage=True)
    return requested


# -- writing -------------------------------------------------------------------------------


def _write(manifest: Manifest, entry: dict[str, FieldValue], write_up: str) -> int:
    """Write the draft write-up and the manifest's new entry, or neither: the new manifest is
    read back, and must be valid and hold the entry exactly as given, before it is written."""
    document = manifest.root / str(entry["document"])
    if document.exists():
        raise AddError(f"{entry['document']} exists already; choose another --id", usage=True)
    original = manifest.path.read_bytes().decode("utf-8")  # every byte kept: line ends too
    try:
        updated, line = append_source(original, entry)
    except EditError as exc:
        raise AddError(f"{exc}; nothing was written") from None
    atomic_write(document, write_up.encode("utf-8"))
    try:
        _check_entry(manifest, updated, entry)
        atomic_write(manifest.path, updated.encode("utf-8"))
    except BaseException:
        document.unlink(missing_ok=True)
        raise
    return line


def _check_entry(manifest: Manifest, updated: str, entry: dict[str, FieldValue]) -> None:
    """Raise AddError unless the updated manifest is valid and its last source is entry."""
    name = manifest.path.name
    check = Report()
    if load_manifest(manifest.path, check, text=updated) is None:
        problems = "; ".join(d.format() for d in check.sorted(minimum=Severity.ERROR))
        raise AddError(f"the new entry would make {name} invalid, so nothing was written "
                       f"(please report this as a bug): {problems}")  # fmt: skip
    document = load_yaml(manifest.path, Report(), file=name, text=updated)
    sources = document.data.get("sources") if document and isinstance(document.data, dict) else []
    written = sources[-1] if isinstance(sources, list) and sources else None
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in entry.items()}
    if written != expected:
        changed = sorted(k for k in expected if not isinstance(written, dict)
                         or written.get(k) != expected[k])  # fmt: skip
        raise AddError(f"the new entry would not read back as given ({', '.join(changed)}), so "
                       "nothing was written (please report this as a bug)")  # fmt: skip


def _name_of(target: str) -> str:
    """What to call a source with no title: its file's name, or its address's last part."""
    parts = urlsplit(target)
    path = parts.path if parts.scheme else target
    name = Path(path.rstrip("/")).stem
    return re.sub(r"^\d+[-_ ]*", "", name) or "source"  # '004-article-x' -> 'article-x'


def _is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in ("http", "https")
