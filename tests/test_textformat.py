"""Formatting for readers: dates, numbers, plurals and durations in the site's language
(CLDR through Babel), progress, untrusted plain text."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from research_digest.model.manifest import PartialDate
from research_digest.textformat import (
    PLURAL_CATEGORIES,
    Formats,
    UnknownLanguage,
    count,
    formats,
    human_date,
    iso_date,
    number,
    plain_text,
)
from tests.conftest import REPO

EN = formats("en-GB")
FR = formats("fr")
DE = formats("de")
CY = formats("cy")
MOMENT = dt.datetime(2026, 2, 5, 18, 14, 50, tzinfo=dt.UTC)
NNBSP = "\u202f"  # a narrow no-break space: French groups digits with it
NBSP = "\xa0"  # and sets % and units apart with a no-break space


def test_dates() -> None:
    assert EN.date(MOMENT) == "5 February 2026, 18:14 UTC"
    assert EN.date(dt.date(2026, 2, 5)) == "5 February 2026"
    assert EN.date(PartialDate(2026, 1, 12)) == "12 January 2026"
    assert EN.date(PartialDate(2026, 1)) == "January 2026"
    assert EN.date(PartialDate(2026)) == "2026"
    assert EN.date(None) == "unknown"
    assert EN.date(None, "not recorded") == "not recorded"
    assert EN.short_date(dt.date(2026, 1, 3)) == "3 Jan 2026"
    assert iso_date(MOMENT) == "2026-02-05T18:14:50Z"
    assert iso_date(PartialDate(2026)) == "2026"


def test_a_time_is_shown_in_utc() -> None:
    summer = dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2)))
    assert EN.date(summer) == "2 July 2026, 01:30 UTC"  # the day in UTC too
    assert EN.date(dt.datetime(2026, 7, 1, 23, 30)) == "1 July 2026, 23:30 UTC"  # not local time
    assert iso_date(dt.datetime(2026, 7, 1, 23, 30)) == "2026-07-01T23:30:00Z"


def test_english_dates_are_what_the_site_showed_before_babel() -> None:
    """en-GB's long format is the hand-made one it replaces, every day of three years."""
    day = dt.date(2024, 1, 1)
    while day.year < 2027:
        assert EN.date(day) == f"{day.day} {day:%B %Y}"
        assert EN.date(PartialDate(day.year, day.month)) == f"{day:%B %Y}"
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("language", "day", "month", "year", "moment"),
    [("fr", "12 janvier 2026", "janvier 2026", "2026", "5 février 2026, 18:14 TU"),
     ("de", "12. Januar 2026", "Januar 2026", "2026", "5. Februar 2026, 18:14 UTC"),
     ("cy", "12 Ionawr 2026", "Ionawr 2026", "2026", "5 Chwefror 2026, 18:14 UTC"),
     ("pl", "12 stycznia 2026", "styczeń 2026", "2026", "5 lutego 2026 18:14 UTC"),
     ("ja", "2026年1月12日", "2026年1月", "2026年", "2026年2月5日 18:14 UTC"),
     ("en", "January 12, 2026", "January 2026", "2026", "February 5, 2026, 6:14\u202fPM UTC")],
)  # fmt: skip
def test_dates_follow_the_language(
    language: str, day: str, month: str, year: str, moment: str
) -> None:
    text = formats(language)
    assert text.date(PartialDate(2026, 1, 12)) == day
    assert text.date(PartialDate(2026, 1)) == month
    assert text.date(PartialDate(2026)) == year
    assert text.date(MOMENT) == moment


def test_short_dates_for_charts() -> None:
    assert FR.short_date(dt.date(2026, 1, 3)) == "3 janv. 2026"
    assert DE.short_date(dt.date(2026, 1, 3)) == "03.01.2026"


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(7, 10_000, "0.07%"), (0, 10_000, "0%"), (250, 10_000, "2.5%"), (1396, 10_000, "14%"),
     (200, 10_000, "2.0%"), (13_960, 10_000, "100%"), (9_999, 10_000, "100%"), (5, 0, "0%"),
     (-5, 100, "0%"), (10**400, 3, "100%")],
)  # fmt: skip
def test_percent(part: int, whole: int, text: str) -> None:
    assert EN.percent(part, whole) == text


def test_percent_follows_the_language() -> None:
    assert FR.percent(250, 10_000) == f"2,5{NBSP}%"
    assert FR.percent(1396, 10_000) == f"14{NBSP}%"
    assert DE.percent(7, 10_000) == f"0,07{NBSP}%"
    assert formats("tr").percent(1396, 10_000) == "%14"


def test_numbers() -> None:
    assert EN.number(1992) == "1,992"
    assert EN.number(1_234_567) == "1,234,567"
    assert FR.number(1234) == f"1{NNBSP}234"
    assert DE.number(1234) == "1.234"
    assert formats("hi").number(1_234_567) == "12,34,567"
    assert EN.number(10**40) == "10" + ",000" * 13


@pytest.mark.parametrize(
    ("value", "noun", "plural", "expected"),
    [(0, "source", None, "0 sources"), (1, "source", None, "1 source"),
     (2, "day", None, "2 days"), (1992, "signature", None, "1,992 signatures"),
     (1, "outside address", "outside addresses", "1 outside address"),
     (3, "outside address", "outside addresses", "3 outside addresses")],
)  # fmt: skip
def test_a_count_agrees_with_its_noun(value: int, noun: str, plural: str | None,
                                      expected: str) -> None:  # fmt: skip
    assert EN.count(value, noun, plural) == expected
    assert count(value, noun, plural) == expected  # the program's own messages


def test_french_counts_zero_and_one_as_singular() -> None:
    assert [FR.count(n, "source") for n in (0, 1, 2)] == ["0 source", "1 source", "2 sources"]
    assert FR.count(1234, {"one": "signature", "other": "signatures"}) == (
        f"1{NNBSP}234 signatures"
    )


# CLDR's plural categories by number, in languages that have more than English's two.
CATEGORIES = {
    "cy": {0: "zero", 1: "one", 2: "two", 3: "few", 4: "other", 6: "many", 10: "other"},
    "ar": {0: "zero", 1: "one", 2: "two", 3: "few", 10: "few", 11: "many", 99: "many",
           100: "other", 102: "other"},
    "pl": {1: "one", 2: "few", 4: "few", 5: "many", 12: "many", 22: "few", 25: "many"},
    "en": {0: "other", 1: "one", 2: "other", 11: "other"},
}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "value", "category"),
    [(lang, n, c) for lang, found in CATEGORIES.items() for n, c in found.items()],
)
def test_the_form_is_chosen_by_the_plural_category(
    language: str, value: int, category: str
) -> None:
    forms = {name: name.upper() for name in PLURAL_CATEGORIES}
    assert formats(language).count(value, forms) == f"{value} {category.upper()}"


def test_welsh_forms_by_category() -> None:
    forms = {"zero": "ffynonellau", "one": "ffynhonnell", "two": "ffynhonnell",
             "few": "ffynhonnell", "many": "ffynhonnell", "other": "ffynhonnell"}  # fmt: skip
    assert CY.count(0, forms) == "0 ffynonellau"
    assert CY.count(1, forms) == "1 ffynhonnell"
    assert CY.plural(2, {"two": "ddwy", "other": "dwy"}) == "ddwy"


def test_a_category_not_given_takes_the_other_form() -> None:
    assert formats("pl").count(5, {"one": "źródło", "other": "źródła"}) == "5 źródła"
    assert EN.plural(2, {"other": "sheep"}) == "sheep"


@pytest.mark.parametrize(
    ("forms", "message"),
    [({"one": "source"}, "plural forms by category: 'other' is missing: it is one of CLDR's "
                         "categories (zero, one, two, few, many, other)"),
     ({"one": "source", "others": "sources"},
      "plural forms by category: 'others' is not one of CLDR's categories (zero, one, two, "
      "few, many, other)")],
)  # fmt: skip
def test_forms_by_category_are_checked(forms: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as raised:
        EN.count(2, forms)
    assert str(raised.value) == message


def test_ages_are_rounded_and_worded_in_the_language() -> None:
    days = [0, 1, 3, 13, 14, 59, 60, 729, 730, 800]
    assert [EN.age(dt.timedelta(days=d)) for d in days] == [
        "less than a day", "1 day", "3 days", "13 days", "2 weeks", "8 weeks", "2 months",
        "24 months", "2 years", "2 years",
    ]  # fmt: skip
    assert FR.age(dt.timedelta(days=3)) == f"3{NBSP}jours"
    assert DE.age(dt.timedelta(days=21)) == "3 Wochen"
    assert CY.age(dt.timedelta(days=3)) == "3 diwrnod"  # CLDR's long form falls back to short


@pytest.mark.parametrize(
    ("tag", "hint"),
    [("en-XX", "did you mean 'en'?"), ("en-GB-xx", "did you mean 'en-GB'?"),
     ("fr-Latn-XX", "did you mean 'fr-Latn'?"),
     ("tlh", "give a language CLDR has data for, such as 'en-GB', 'fr' or 'cy'")],
)  # fmt: skip
def test_an_unknown_language_is_refused_with_a_hint(tag: str, hint: str) -> None:
    with pytest.raises(UnknownLanguage) as raised:
        formats(tag)
    assert str(raised.value) == (
        f"{tag!r} is not a language Babel's CLDR data knows: dates, numbers and plurals "
        "cannot follow it"
    )
    assert raised.value.hint == hint


def test_tags_are_read_as_bcp_47_whatever_their_case() -> None:
    assert formats("EN-gb").date(PartialDate(2026, 1, 9)) == "9 January 2026"
    assert formats("zh-Hant-TW").number(1234) == "1,234"
    assert formats("eng").locale == Locale("en", "US")  # ISO 639-2, as CLDR's aliases say


def test_the_program_s_own_messages_are_in_english() -> None:
    assert human_date(dt.date(2026, 2, 5)) == "5 February 2026"
    assert human_date(None) == "unknown"
    assert number(1992) == "1,992"


LANGUAGES = st.sampled_from(["en-GB", "en", "fr", "de", "cy", "ar", "pl", "ja", "hi", "tr"])
DATES = (
    st.dates()
    | st.datetimes(timezones=st.just(dt.UTC))
    | st.builds(PartialDate, st.integers(1, 9999), st.none() | st.integers(1, 12), st.none())
)


@pytest.mark.property
@given(language=LANGUAGES, value=st.integers(), other=st.integers(), when=DATES,
       days=st.integers(0, 999_999_999))  # fmt: skip
def test_any_count_and_date_formats_without_error_and_always_the_same(
    language: str, value: int, other: int, when: PartialDate | dt.date, days: int
) -> None:
    def everything(made: Formats) -> tuple[str, ...]:
        return (made.count(value, "source"), made.number(value), made.percent(value, other),
                made.date(when), made.age(dt.timedelta(days=days)))  # fmt: skip

    results = everything(formats(language))
    assert all(results)
    assert everything(Formats(Locale.parse(language, sep="-"))) == results  # not the cached one


def test_every_language_babel_knows_formats_everything() -> None:
    """Whatever language passes the manifest's check, the renderer can write in it."""
    from babel.localedata import locale_identifiers

    for identifier in locale_identifiers():
        made = Formats(Locale.parse(identifier))
        written = [made.date(MOMENT), made.date(PartialDate(2026, 1)), made.date(PartialDate(2026)),
                   made.short_date(MOMENT), made.percent(7, 10_000), made.count(1234, "source"),
                   made.age(dt.timedelta(days=40))]  # fmt: skip
        assert all(written), identifier


SNIPPET = """
import datetime as dt, locale
try:
    locale.setlocale(locale.LC_ALL, "")  # the environment's locale, if the machine has it
except locale.Error:
    pass
from research_digest.textformat import formats
for tag in ("en-GB", "fr"):
    text = formats(tag)
    print(text.date(dt.datetime(2026, 2, 5, 18, 14, tzinfo=dt.UTC)), text.number(1234567),
          text.percent(250, 10000), text.count(2, "source"), text.age(dt.timedelta(days=20)))
"""


def test_the_machine_s_locale_changes_nothing() -> None:
    def run(**env: str) -> str:
        done = subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True,
                              check=True, cwd=REPO, env={**os.environ, **env})  # fmt: skip
        return done.stdout

    plain = run(LC_ALL="C.UTF-8", LANG="C.UTF-8", LANGUAGE="")
    assert plain.startswith("5 February 2026, 18:14 UTC 1,234,567 2.5% 2 sources 2 weeks\n")
    assert run(LC_ALL="fr_FR.UTF-8", LANG="fr_FR.UTF-8", LANGUAGE="fr") == plain
    assert run(LC_ALL="de_DE", LC_TIME="ar_EG.UTF-8", LANG="ja_JP.UTF-8") == plain


def test_plain_text_is_escaped_with_paragraphs_and_links() -> None:
    text = "First <b>line</b>\nsecond.\n\nSee https://a.test/x?a=1&b=2.\n\njavascript:alert(1)"
    assert plain_text(text) == Markup(
        "<p>First &lt;b&gt;line&lt;/b&gt;<br>\nsecond.</p>\n"
        '<p>See <a href="https://a.test/x?a=1&amp;b=2" rel="noopener noreferrer">'
        "https://a.test/x?a=1&amp;b=2</a>.</p>\n<p>javascript:alert(1)</p>"
    )


def test_a_url_cannot_break_out_of_its_attribute() -> None:
    html = str(plain_text('https://a.test/"onmouseover="alert(1)'))
    assert 'href="https://a.test/"' in html and "onmouseover=" not in html.split(">")[0][9:]


def test_plain_text_can_note_links() -> None:
    html = plain_text("https://a.test/p/1", lambda url: Markup(" (ours)") if "/p/" in url else None)
    assert html.endswith("https://a.test/p/1</a> (ours)</p>")
