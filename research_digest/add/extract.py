"""Read the facts of a source from its page or its text: title, publisher, date, address.

Pages are read with trafilatura (OpenGraph, JSON-LD, <meta>, the main text).
The publication date is taken only from metadata that says it is one (JSON-LD
``datePublished``, ``article:published_time``, Dublin Core or citation dates,
a ``<time>`` marked as the publication date): a date found in the text or a
footer may be anything, and a wrong date is worse than 'unknown'.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import trafilatura

from research_digest.add.cleanup import HEADLINE_MIN_SHARED, Finding, clean_text, content_words
from research_digest.model.manifest import PartialDate

DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
)


@dataclass(frozen=True)
class SourceFacts:
    """What could be read of a source; None where it could not."""

    title: str | None
    publisher: str | None
    published: PartialDate | None
    canonical: str | None
    text: str  # the main text, cleaned: for suggesting topics, never for the digest
    findings: tuple[Finding, ...] = ()


def read_page(html: str) -> SourceFacts:
    """Read a web page (HTML)."""
    metadata = trafilatura.extract_metadata(html, extensive=False)
    main = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    cleaned = clean_text(main)
    declared = _Metadata()
    declared.feed(html)
    title = _clean(metadata.title if metadata else None) or _json_ld(declared, "headline")
    publisher = _clean(metadata.sitename if metadata else None) or _json_ld(declared, "publisher")
    findings = list(cleaned.findings)
    if title and cleaned.lines and not _matches(title, cleaned.text):
        findings.append(Finding(1, f"the page's title ({title!r}) does not match its text: "
                                "check that this is the right page"))  # fmt: skip
    return SourceFacts(
        title=title,
        publisher=publisher,
        published=published_date(declared),
        canonical=_clean(metadata.url if metadata else None),
        text=cleaned.text,
        findings=tuple(findings),
    )


def read_text(text: str) -> SourceFacts:
    """Read a copy of a source's text (.txt, .md): its headline, if it has one, is the title."""
    cleaned = clean_text(text)
    return SourceFacts(cleaned.headline, None, None, None, cleaned.text, cleaned.findings)


def published_date(page: str | _Metadata) -> PartialDate | None:
    """The publication date the page's metadata declares, if any."""
    if isinstance(page, str):
        html, page = page, _Metadata()
        page.feed(html)
    candidates = [page.meta.get(name) for name in DATE_META]
    candidates += [_json_ld_text(block, "datePublished") for block in page.json_ld]
    candidates += page.marked_times
    for candidate in candidates:
        date = _to_date(candidate)
        if date:
            return date
    return None


class _Metadata(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.json_ld: list[object] = []
        self.marked_times: list[str] = []
        self._in_json_ld = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop", "")
            if key and values.get("content"):
                self.meta.setdefault(key.lower(), values["content"])
        elif tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self._in_json_ld, self._buffer = True, []
        elif (
            tag == "time"
            and values.get("datetime")
            and (values.get("itemprop", "").lower() == "datepublished" or "pubdate" in values)
        ):
            self.marked_times.append(values["datetime"])

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self._buffer.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            with contextlib.suppress(ValueError):  # broken JSON-LD is simply not used
                self.json_ld.append(json.loads("".join(self._buffer)))


def _json_ld(page: _Metadata, key: str) -> str | None:
    """A value of the page's JSON-LD (a name, for an organisation), if it has one."""
    return next((v for block in page.json_ld if (v := _json_ld_text(block, key))), None)


def _json_ld_text(block: object, key: str) -> str | None:
    """The first text value of key in a JSON-LD block (a list, or with an @graph)."""
    if isinstance(block, list):
        return next((v for item in block if (v := _json_ld_text(item, key))), None)
    if not isinstance(block, dict):
        return None
    value: Any = block.get(key)
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip():
        return _clean(value)
    return _json_ld_text(block.get("@graph"), key)


def _to_date(value: str | None) -> PartialDate | None:
    if not value:
        return None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if not match:
        return None
    try:
        return PartialDate.parse(match.group(1))
    except ValueError:
        return None


def _clean(value: str | None) -> str | None:
    return " ".join(value.split()) if value and value.strip() else None


def _matches(title: str, text: str) -> bool:
    words = content_words(title)
    return not words or len(words & content_words(text)) / len(words) >= HEADLINE_MIN_SHARED
