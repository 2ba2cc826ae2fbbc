"""Lint the content as a reviewer would: each rule a function, each finding a diagnostic.

    rule                     severity  what it flags
    publisher-unknown        warning   a source whose publisher is recorded as unknown, unless
                                       listed in known_gaps
    known-gaps               warning   known gaps with no 'About this copy' section to explain them
    summary-section          warning   a write-up with no '## Summary' section, or an empty one
    length                   warning   a write-up under 60 or over 1,500 words
    long-quotation           warning   a quotation over 40 words: copying, not quoting
    raw-html, image          error     HTML or an image in a write-up (refused)
    refused-link             error     a link whose scheme the site drops (ftp:, javascript:...);
                                       relative links are errors in builds too
    duplicate-url            warning   two sources with the same address
    empty-topic              warning   a topic no source belongs to
    future-date              error     a date after today
    added-before-published   error     a source added to the digest before it was published
    stale-petition           warning   petition data older than site.petition_stale_after_days
    draft-prompt             error     a 'TODO' an 'add' draft left in a write-up or summary
    (a source marked 'draft: true' is noted, and linted once it no longer is one)

(A source without a URL is warned about by the manifest loader, for builds too; with
'url' in its known_gaps, that is a note.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from research_digest.diagnostics import Location, Report
from research_digest.model.digest import Digest
from research_digest.model.manifest import PartialDate, Source
from research_digest.site.documents import locate, markdown_to_html
from research_digest.site.petitionviews import petition_view
from research_digest.site.sanitize import is_relative_path, refused_links

MIN_WORDS = 60
MAX_WORDS = 1500
MAX_QUOTE_WORDS = 40
ABOUT_THE_COPY = "about this copy"  # the section that explains a source's known gaps

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_TAG = re.compile(r"<(!--|[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^>\n]*>?")  # openings only
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(")
_QUOTED = re.compile(r"\u201c([^\u201d]+)\u201d|\"([^\"\n]+(?:\n[^\"\n]+)*)\"")
_TODO = re.compile(r"\bTODO\b")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`[^`\n]*`")

Rule = Callable[[Digest, Report, dt.date], None]


def lint(digest: Digest, report: Report, *, today: dt.date) -> None:
    """Apply every rule to the digest's published sources; note each draft, which is linted
    once it is no longer one (its manifest entry and links are checked like any other)."""
    for source in digest.manifest.sources:
        if source.draft:
            report.note(source.where("draft"),
                        f"source {source.id!r} is a draft: builds leave it out, and check "
                        "reviews its text once 'draft: true' is removed")  # fmt: skip
    published = dataclasses.replace(
        digest, manifest=digest.manifest.without_drafts(),
        documents={k: d for k, d in digest.documents.items() if k not in
                   {s.id for s in digest.manifest.sources if s.draft}},
    )  # fmt: skip
    for rule in RULES:
        rule(published, report, today)


# -- the manifest --------------------------------------------------------------------------


def publisher_unknown(digest: Digest, report: Report, today: dt.date) -> None:
    for source in digest.manifest.sources:
        if source.publisher is None and "publisher" not in source.known_gaps:
            report.warning(source.where("publisher"), f"source {source.id!r}: the publisher is "
                           "unknown", "say so in the write-up's 'About this copy' section and "
                           "list it in 'known_gaps'")  # fmt: skip


def known_gaps_explained(digest: Digest, report: Report, today: dt.date) -> None:
    for source in digest.manifest.sources:
        document = digest.documents.get(source.id)
        if source.known_gaps and document and _section(document.text, ABOUT_THE_COPY) is None:
            gaps = " and ".join(source.known_gaps)
            report.warning(source.where("known_gaps"), f"source {source.id!r}: its known gaps "
                           f"({gaps}) are not explained", "add an '## About this copy' section "
                           "to the write-up saying what is not known, and why")  # fmt: skip


def duplicate_url(digest: Digest, report: Report, today: dt.date) -> None:
    first: dict[str, Source] = {}
    for source in digest.manifest.sources:
        if source.url is None:
            continue
        key = _comparable(source.url)
        if key in first:
            other = first[key]
            report.warning(
                source.where("url"),
                f"source {source.id!r}: the same address as "
                f"source {other.id!r} (line {other.where('url').line})",
                "list each source once; if both are needed, say how they differ",
            )
        else:
            first[key] = source


def empty_topic(digest: Digest, report: Report, today: dt.date) -> None:
    for topic in digest.manifest.topics:
        if not digest.manifest.sources_in(topic.id):
            report.warning(topic.origin, f"topic {topic.id!r} has no sources",
                           "add sources to it, or remove it")  # fmt: skip


def dates(digest: Digest, report: Report, today: dt.date) -> None:
    """The future-date and added-before-published rules."""
    for source in digest.manifest.sources:
        named: list[tuple[str, PartialDate | None]] = [
            ("published", source.published),
            ("added", PartialDate.of(source.added)),
        ]
        recorded = source.petition.recorded if source.petition else None
        if recorded:
            named.append(("seen", recorded.seen))
        for field, date in named:
            if date is not None and date.earliest() > today:
                where = source.where("petition") if field == "seen" else source.where(field)
                report.error(where, f"source {source.id!r}: {field} {date.iso()} is in the future",
                             f"today is {today.isoformat()}")  # fmt: skip
        if source.published and source.published.earliest() > source.added:
            report.error(source.where("added"), f"source {source.id!r}: added on "
                         f"{source.added.isoformat()}, before it was published "
                         f"({source.published.iso()})", "check both dates")  # fmt: skip


def stale_petition(digest: Digest, report: Report, today: dt.date) -> None:
    days = digest.manifest.site.petition_stale_after_days
    for source in digest.manifest.sources:
        view = petition_view(source, digest)
        if view is not None and view.stale and view.age is not None:
            report.warning(source.where("petition"), f"source {source.id!r}: its petition data "
                           f"was fetched {view.age.days} days ago (more than {days})",
                           f"run 'python build.py fetch --only {source.id}'")  # fmt: skip


# -- the write-ups -------------------------------------------------------------------------


def summary_section(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        if not document.word_count:
            continue  # an empty write-up is reported when it is read
        body = _section(document.text, "summary")
        if body is None:
            report.warning(Location(document.file, 1, 1), "the write-up has no 'Summary' section",
                           "start it with '## Summary' and two or three sentences in your own "
                           "words")  # fmt: skip
        elif not body.strip():
            report.warning(Location(document.file, 1, 1), "the write-up's 'Summary' section is "
                           "empty")  # fmt: skip


def length(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        words = document.word_count
        if 0 < words < MIN_WORDS:
            report.warning(
                Location(document.file, 1, 1),
                f"the write-up is short ({words} words; aim for at least {MIN_WORDS})",
                "say what the source is, what it says, and who said it",
            )
        elif words > MAX_WORDS:
            report.warning(
                Location(document.file, 1, 1),
                f"the write-up is long ({words:,} words; aim for at most {MAX_WORDS:,})",
                "summarise the source rather than retell it",
            )


def long_quotation(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        for line, column, words in _quotations(document.text):
            if words > MAX_QUOTE_WORDS:
                report.warning(Location(document.file, line, column), f"a quotation of {words} "
                               f"words: that is copying, not quoting",
                               "quote a sentence or two at most, attributed, and put the rest "
                               "in your own words")  # fmt: skip


def raw_html_and_images(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        for line, column, text in _prose(document.text):
            for match in _TAG.finditer(text):
                tag = match.group(1)
                what = "an HTML comment" if tag == "!--" else f"raw HTML (<{tag}>)"
                report.error(Location(document.file, line, column + match.start()),
                             f"{what} in a write-up is refused",
                             "write Markdown: the build removes HTML anyway")  # fmt: skip
            for match in _IMAGE.finditer(text):
                report.error(
                    Location(document.file, line, column + match.start()),
                    "an image in a write-up is refused: the digest shows no images",
                    "describe what matters in words; link to the source instead",
                )


def refused_link(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        for href in refused_links(markdown_to_html(document.text)):
            if is_relative_path(href):
                continue  # reported by every build, with the internal links
            report.error(
                locate(document.text, f"({href}", document.file),
                f"link to {href!r}: its scheme is not one the site keeps, so the link would "
                "be dropped",
                "link with https:// (or mailto:), or to a source or topic with (source:ID) or "
                "(topic:ID)",
            )  # fmt: skip


def draft_prompt(digest: Digest, report: Report, today: dt.date) -> None:
    for document in digest.documents.values():
        for number, text in enumerate(document.text.splitlines(), start=1):
            match = _TODO.search(text)
            if match:
                report.error(Location(document.file, number, match.start() + 1),
                             "the write-up still holds a draft prompt (TODO)",
                             "replace it with your own words, or delete it")  # fmt: skip
    for source in digest.manifest.sources:
        for field in ("title", "summary"):
            if _TODO.search(getattr(source, field)):
                report.error(
                    source.where(field),
                    f"source {source.id!r}: the {field} still holds a draft prompt (TODO)",
                    "write it in your own words",
                )


RULES: tuple[Rule, ...] = (
    publisher_unknown,
    known_gaps_explained,
    duplicate_url,
    empty_topic,
    dates,
    stale_petition,
    summary_section,
    length,
    long_quotation,
    raw_html_and_images,
    refused_link,
    draft_prompt,
)


# -- reading Markdown ----------------------------------------------------------------------


def _prose(text: str) -> Iterator[tuple[int, int, str]]:
    """Lines outside fenced code, with code spans blanked: (line, first column, text)."""
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, 1, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def _section(text: str, name: str) -> str | None:
    """The body of the first section with this heading, or None if there is none."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and heading.group(2).strip().lower() == name:
            body = []
            for following in lines[index + 1 :]:
                if _HEADING.match(following):
                    break
                body.append(following)
            return "\n".join(body)
    return None


def _quotations(text: str) -> Iterator[tuple[int, int, int]]:
    """Every quotation: block quotes and text in quotation marks, as (line, column, words)."""
    lines = text.splitlines()
    start = None
    words = 0
    for number, line in enumerate([*lines, ""], start=1):
        if line.lstrip().startswith(">"):
            if start is None:
                start, words = number, 0
            words += len(line.lstrip().lstrip(">").split())
        elif start is not None:
            yield start, 1, words
            start = None
    for paragraph_start, paragraph in _paragraphs(lines):
        for match in _QUOTED.finditer(paragraph):
            quoted = match.group(1) or match.group(2) or ""
            before = paragraph[: match.start()]
            at_line = paragraph_start + before.count("\n")
            column = match.start() - (before.rfind("\n") + 1) + 1
            yield at_line, column, len(quoted.split())


def _paragraphs(lines: list[str]) -> Iterator[tuple[int, str]]:
    start, block = 1, list[str]()
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, "\n".join(block)
            block = []


def _comparable(url: str) -> str:
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}{path}{query}"
