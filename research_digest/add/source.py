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
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from research_digest.add.entry import Added, AddError, choose_id, suggest_topics, write_entry
from research_digest.add.extract import SourceFacts, read_page, read_text
from research_digest.add.petition import add_petition, petition_reference
from research_digest.diagnostics import Report, Severity, did_you_mean
from research_digest.errors import UserError
from research_digest.manifest.edit import FieldValue
from research_digest.manifest.loader import load_manifest
from research_digest.petitions.deadline import deadline
from research_digest.petitions.fetch import FetchSettings
from research_digest.textformat import human_date

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
MAX_PAGE_BYTES = 8 * 1024 * 1024
PAGE_DEADLINE = 60.0  # seconds to read a page, whatever the server's pace


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
        return add_petition(manifest, petition, report=report, client=client,
                             settings=fetch_settings, now=now, source_id=source_id,
                             topics=topics)  # fmt: skip
    facts, read_from, address = _read(target, url, client)
    entry_topics, suggested = (
        (tuple(topics), False)
        if topics
        else (suggest_topics(f"{facts.title or ''} {facts.text}", manifest.topics), True)
    )
    title = facts.title or "TODO: the source's title"
    new_id = choose_id(source_id, facts.title or _name_of(target), manifest)
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
    line = write_entry(manifest, entry, write_up)
    return Added(new_id, line, manifest.root / "content" / f"{new_id}.md", read_from, facts,
                 entry_topics, suggested)  # fmt: skip


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


def _name_of(target: str) -> str:
    """What to call a source with no title: its file's name, or its address's last part."""
    parts = urlsplit(target)
    path = parts.path if parts.scheme else target
    name = Path(path.rstrip("/")).stem
    return re.sub(r"^\d+[-_ ]*", "", name) or "source"  # '004-article-x' -> 'article-x'


def _is_http(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in ("http", "https")
