"""Formatting for readers: dates, numbers, plurals and durations in the site's language; and
untrusted plain text as HTML.

Dates, numbers and plural rules come from CLDR, the Unicode Consortium's data for every
language, through Babel: ``formats("fr")`` writes "9 janvier 2026", "1 992" (with a narrow
no-break space) and picks a noun's form by the language's plural category, where
``formats("en-GB")`` writes "9 January 2026" and "1,992". Nothing here reads the machine's
locale or the environment (LANG, LC_ALL): a value and a language give the same text on any
machine. The module's own functions (``count``, ``human_date``...) write the program's
messages, which are in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    format_timedelta,
    get_timezone_name,
)
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup, escape

from research_digest.model.manifest import PartialDate

_URL = re.compile(r"https?://[^\s<>\"'\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?)"

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's, in its order
# A noun as a template gives it: one form ('source': English adds an s for the others), or
# its forms by plural category ({"one": "source", "other": "sources"}).
Noun = str | Mapping[str, str]
DateLike = PartialDate | dt.date | dt.datetime
PROGRAM_LANGUAGE = "en-GB"  # the program's own messages, and its tests' reference
Unit = Literal["day", "week", "month", "year"]
_DAYS: dict[Unit, int] = {"day": 1, "week": 7, "month": 30, "year": 365}  # as Babel counts
CACHE_SIZE = 100_000  # dates and numbers kept, formatted, per language


class UnknownLanguage(ValueError):
    """A language tag Babel cannot load: CLDR has no data for it, or Babel cannot read it."""

    def __init__(self, language: str) -> None:
        super().__init__(
            f"{language!r} is not a language Babel's CLDR data knows: dates, numbers and "
            "plurals cannot follow it"
        )
        self.language = language
        self.hint = _nearest_language(language)


@functools.cache
def formats(language: str) -> Formats:
    """The formats of a language given as a BCP 47 tag ('en-GB', 'fr', 'cy'); raise
    UnknownLanguage if Babel has no data for it."""
    return Formats(_locale(language))


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, TypeError, UnknownLocaleError):  # UnknownLocaleError: not a ValueError
        raise UnknownLanguage(language) from None


def _nearest_language(language: str) -> str:
    """A hint for a tag Babel cannot load: the longest start of it that it can."""
    subtags = language.split("-")
    for end in range(len(subtags) - 1, 0, -1):
        shorter = "-".join(subtags[:end])
        try:
            _locale(shorter)
        except UnknownLanguage:
            continue
        return f"did you mean {shorter!r}?"
    return "give a language CLDR has data for, such as 'en-GB', 'fr' or 'cy'"


class Formats:
    """Dates, numbers, percentages, durations and plurals in one language."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        # Babel takes tens of microseconds a value; a site shows the same dates and figures
        # on many pages, so each is formatted once (a cache of bounded size).
        self._dates: dict[tuple[DateLike, str], str] = {}
        self._numbers: dict[int, str] = {}

    def __repr__(self) -> str:
        return f"Formats({self.locale!s})"

    def date(self, value: DateLike | None, unknown: str = "unknown") -> str:
        """A date for readers, as precise as it is known: '9 January 2026', 'January 2026',
        '2026'; a time adds itself in UTC: '9 January 2026, 18:14 UTC'."""
        if value is None:
            return unknown
        key = (value, type(value).__name__)  # a date and a datetime can be equal
        found = self._dates.get(key)
        if found is None:
            found = self._date(value)
            if len(self._dates) < CACHE_SIZE:
                self._dates[key] = found
        return found

    def _date(self, value: DateLike) -> str:
        if isinstance(value, PartialDate):
            if value.month is None:
                return self.year(value.year)
            if value.day is None:
                return format_skeleton("yMMMM", value.earliest(), locale=self.locale)
            value = value.earliest()
        if not isinstance(value, dt.datetime):
            return format_date(value, "long", locale=self.locale)
        moment = _utc(value)
        text = format_date(moment.date(), "long", locale=self.locale)
        time = format_time(moment, "short", tzinfo=dt.UTC, locale=self.locale)
        time += " " + get_timezone_name(moment, width="short", locale=self.locale)
        # CLDR's glue of a long date and a time ('{1}, {0}'), its quotes taken off as
        # Babel's format_datetime takes them
        glue = str(self.locale.datetime_formats["long"]).replace("'", "")
        return glue.replace("{1}", text).replace("{0}", time)

    def short_date(self, value: dt.date) -> str:
        """A date in few characters, for a chart's axis: '9 Jan 2026'."""
        day = _utc(value).date() if isinstance(value, dt.datetime) else value
        return format_date(day, "medium", locale=self.locale)

    def year(self, year: int) -> str:
        """A year alone: '2026' (in Japanese, '2026年')."""
        return format_skeleton("y", dt.date(year, 1, 1), locale=self.locale)

    def number(self, value: int) -> str:
        """Group thousands as the language does: 1992 -> '1,992' (in French, '1 992')."""
        found = self._numbers.get(value)
        if found is None:
            with localcontext(prec=28 + value.bit_length() // 3):  # Babel rounds: keep every digit
                found = format_decimal(value, locale=self.locale)
            if len(self._numbers) < CACHE_SIZE:
                self._numbers[value] = found
        return found

    def plural(self, value: int, noun: Noun, plural: str | None = None) -> str:
        """The form of a noun that goes with a number, by the language's plural category.

        noun is its forms by CLDR category ({"one": ..., "few": ..., "other": ...}; "other"
        is required, and stands in for a category not given), or one form, with plural
        for every category but "one" (default: the form and an s, as English makes it).
        """
        category = self.locale.plural_form(value)
        if isinstance(noun, str):
            return noun if category == "one" else plural or noun + "s"
        if plural is not None:
            raise ValueError("give a noun's forms either by category or as two words, not both")
        unknown = sorted(set(noun) - set(PLURAL_CATEGORIES))
        if unknown or "other" not in noun:
            problem = f"{unknown[0]!r} is not" if unknown else "'other' is missing: it is"
            raise ValueError(f"plural forms by category: {problem} one of CLDR's categories "
                             f"({', '.join(PLURAL_CATEGORIES)})")  # fmt: skip
        return noun.get(category, noun["other"])

    def count(self, value: int, noun: Noun, plural: str | None = None) -> str:
        """A number and its noun: '1 source', '1,992 sources', '0 sources'."""
        return f"{self.number(value)} {self.plural(value, noun, plural)}"

    def percent(self, part: int, whole: int) -> str:
        """Say how far part is towards whole, from 0% to 100%, with the precision a reader
        needs: '14%', '2.5%', '0.07%' (in French, '14 %')."""
        share = 0.0 if part <= 0 or whole <= 0 else 100.0 if part >= whole else 100 * part / whole
        digits = 0 if share >= 10 or not share else 1 if share >= 1 else 2
        # Decimal(share) is the float's exact value, so it rounds as Python's own format does
        return format_percent(Decimal(share) / 100, self._percent_pattern(digits),
                              locale=self.locale)  # fmt: skip

    def _percent_pattern(self, digits: int) -> str:
        """The language's percent pattern ('#,##0%', '#,##0 %', '%#,##0') with exactly
        digits after the decimal point."""
        positive = str(self.locale.percent_formats[None].pattern).split(";")[0]
        fraction = "." + "0" * digits if digits else ""
        return re.sub(r"[#0,]+", lambda whole: whole.group() + fraction, positive, count=1)

    def age(self, delta: dt.timedelta) -> str:
        """Say how old data is, roughly: 'less than a day', '3 days', '5 weeks', '2 years'."""
        days = delta.days
        unit: Unit
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
        # an infinite threshold keeps the unit chosen here: CLDR's words, our rounding
        return format_timedelta(n * _DAYS[unit] * 86_400, granularity=unit, threshold=float("inf"),
                                format="long", locale=self.locale)  # fmt: skip


# -- the program's own messages, in English ------------------------------------------------


def human_date(value: DateLike | None, unknown: str = "unknown") -> str:
    """Format a date in the program's messages: '9 January 2026'."""
    return formats(PROGRAM_LANGUAGE).date(value, unknown)


def number(value: int) -> str:
    """Group thousands in the program's messages: 1992 -> '1,992'."""
    return formats(PROGRAM_LANGUAGE).number(value)


def count(value: int, noun: str, plural: str | None = None) -> str:
    """A number and its noun in the program's messages: '1 source', '2 days'."""
    return formats(PROGRAM_LANGUAGE).count(value, noun, plural)


def iso_date(value: PartialDate | dt.date | dt.datetime) -> str:
    """Format a date for machines (the datetime attribute of <time>)."""
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, dt.datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _utc(moment: dt.datetime) -> dt.datetime:
    """A moment in UTC; one without a time zone is taken to be in UTC already (never in the
    machine's, which would make the text depend on where it was built)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


# -- plain text ----------------------------------------------------------------------------


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
