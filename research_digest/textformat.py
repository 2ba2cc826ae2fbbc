"""Small formatting helpers the templates use as filters: dates, numbers, plain text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from markupsafe import Markup, escape

from research_digest.model.manifest import PartialDate

_URL = re.compile(r"https?://[^\s<>\"'\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)"


def human_date(value: PartialDate | dt.date | dt.datetime | None, unknown: str = "unknown") -> str:
    """Format a date for readers: '9 January 2026'; a time adds ', 18:14 UTC'."""
    if value is None:
        return unknown
    if isinstance(value, PartialDate):
        return value.human()
    text = f"{value.day} {value:%B %Y}"
    if isinstance(value, dt.datetime):
        text += f", {value.astimezone(dt.UTC):%H:%M} UTC"
    return text


def iso_date(value: PartialDate | dt.date | dt.datetime) -> str:
    """Format a date for machines (the datetime attribute of <time>)."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def age(delta: dt.timedelta) -> str:
    """Say how old data is, roughly: 'less than a day', '3 days', '5 weeks', '2 years'."""
    days = delta.days
    if days < 1:
        return "less than a day"
    if days < 14:
        n, unit = days, "day"
    elif days < 60:
        n, unit = days // 7, "week"
    elif days < 730:
        n, unit = days // 30, "month"
    else:
        n, unit = days // 365, "year"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def number(value: int) -> str:
    """Group thousands: 1992 -> '1,992'."""
    return f"{value:,}"


def count(value: int, noun: str, plural: str | None = None) -> str:
    """A number and its noun: '1 source', '1,992 sources', '2 days'."""
    return f"{number(value)} {noun if value == 1 else plural or noun + 's'}"


def percent(part: int, whole: int) -> str:
    """Say how far part is towards whole, with the precision a reader needs."""
    share = 100 * part / whole if whole else 0
    if share >= 100:
        return "100%"
    for floor, digits in ((10, 0), (1, 1)):
        if share >= floor:
            return f"{share:.{digits}f}%"
    return f"{share:.2f}%" if share else "0%"


def plain_text(text: str, link_note: Callable[[str], Markup | None] | None = None) -> Markup:
    """Turn untrusted plain text into escaped paragraphs with its http(s) URLs linked.

    link_note(url) may add markup after a link (e.g. a link to our own page
    about a petition the text mentions).
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    parts = []
    for paragraph in paragraphs:
        lines = [_linkify(line, link_note) for line in paragraph.split("\n")]
        parts.append(Markup("<p>") + Markup("<br>\n").join(lines) + Markup("</p>"))
    return Markup("\n").join(parts)


def _linkify(line: str, link_note: Callable[[str], Markup | None] | None) -> Markup:
    out = Markup("")
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        out += escape(line[position : match.start()])
        out += Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url)
        note = link_note(url) if link_note else None
        if note:
            out += note
        position = end
    return out + escape(line[position:])
