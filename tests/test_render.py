"""Rendering: relative links from every page, one file per page, no template surprises."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import posixpath
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from research_digest.diagnostics import Report
from research_digest.errors import UserError
from research_digest.model.digest import Digest
from research_digest.model.petitions import MILESTONES, THRESHOLDS, Milestone
from research_digest.petitions.platforms import PLATFORMS
from research_digest.site.pages import site_pages
from research_digest.site.petitionviews import petition_views
from research_digest.site.render import THEME, load_theme, relative_url, render_pages
from tests.conftest import TEMPLATES, TEST_DIGEST, load_digest


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        ("", "", "./"),
        ("topics/", "", "topics/"),
        ("", "topics/alpha/", "../../"),
        ("sources/a/", "topics/alpha/", "../../sources/a/"),
        ("static/style.css", "sources/a/", "../../static/style.css"),
        ("feed.xml", "topics/", "../feed.xml"),
        ("topics/alpha/feed.xml", "topics/alpha/", "feed.xml"),
        ("sources/a/", "sources/a/", "./"),
        ("about/", "404.html", "about/"),
    ],
)
def test_relative_urls(target: str, page: str, expected: str) -> None:
    assert relative_url(target, page) == expected


def digest() -> Digest:
    return load_digest()


def test_every_page_type_is_rendered_once() -> None:
    pages = [p.output_path for p in site_pages(digest())]
    assert pages[:2] == ["index.html", "topics/index.html"]
    assert pages[-3:] == ["search/index.html", "about/index.html", "404.html"]
    # home, topics, 3 topics and their timelines, 13 sources, petitions, timeline, data, search,
    # about, 404
    assert len(pages) == len(set(pages)) == 2 + 3 * 2 + 13 + 6


def test_render_is_pure_and_returns_every_file() -> None:
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    files = render_pages(digest(), theme)
    names = [f.path for f in files]
    assert names[-2:] == ["sitemap.xml", "robots.txt"]
    assert all(f.content.decode("utf-8") for f in files)


def test_each_html_page_has_one_h1_and_the_landmarks() -> None:
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    for file in render_pages(digest(), theme):
        if file.path.endswith(".html"):
            html = file.content.decode()
            assert html.count("<h1") == 1, file.path
            for landmark in ("<header", "<nav", '<main id="main"', "<footer", 'lang="en-GB"'):
                assert landmark in html, (file.path, landmark)


def test_counts_agree_with_their_nouns_and_sentences_start_with_a_capital() -> None:
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    files = {f.path: f.content.decode() for f in render_pages(digest(), theme)}
    assert "(1 source)" in files["index.html"]  # the quiet topic has one
    for path, html in files.items():
        assert not re.search(r"\b1 (source|day|signature|page)s\b", html), path
        lines = [line.strip() for line in html.splitlines()]
        for before, line in itertools.pairwise(lines):
            assert not line.startswith("the site was built") or before.endswith(";"), path
    assert "The site was built on" in files["404.html"]  # a page with no 'last changed'.


def test_topic_and_about_pages_carry_content_notes_and_reporting_routes() -> None:
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    files = {f.path: f.content.decode() for f in render_pages(digest(), theme)}
    for path in ("topics/alpha/index.html", "topics/quiet/index.html", "about/index.html"):
        assert "Report abuse imagery, or get help" in files[path], path
        assert "https://route-one.test/report" in files[path]
        assert 'id="get-help"' in files[path]  # the full list, with what each route is for
    # every source page, where search visitors land, carries the short form
    sources = [p for p in files if p.startswith("sources/") and p.endswith("/index.html")]
    assert sources
    for path in sources:
        assert "Report abuse imagery, or get help" in files[path], path
        assert "https://route-one.test/report" in files[path], path
        assert (
            '<a href="../../about/#get-help">Get help: what each service is for</a>'
            in (files[path])
        ), path
    assert (
        "<strong>Content note:</strong> Discusses alpha harms." in files["topics/alpha/index.html"]
    )
    # one note a page: the topic's own, else the site's; a source's own, else the site's
    site_note = "<strong>Content note:</strong> Discusses made-up harms, in words only."
    assert site_note in files["topics/quiet/index.html"]  # it has none of its own
    for path, html in files.items():
        if path.endswith(".html"):
            assert html.count("<strong>Content note:</strong>") <= 1, path
    for path in ("index.html", "petitions/index.html", "timeline/index.html",
                 "sources/regulator-statement/index.html"):  # fmt: skip
        assert site_note in files[path], path


def test_a_missing_templates_folder_is_reported(tmp_path: Path) -> None:
    report = Report()
    assert load_theme(tmp_path / "nowhere", report, required=True) is None
    assert [d.message for d in report.diagnostics] == ["the templates folder does not exist"]
    assert load_theme(tmp_path / "nowhere", report) is not None  # the default theme alone


def test_relative_urls_agree_with_posixpath_on_every_pair() -> None:
    """The fast relative_url gives what relpath would, for every pair of site paths."""
    paths = ["", "404.html", "feed.xml", "topics/", "topics/alpha/", "topics/alpha/feed.xml",
             "topics/alpha/timeline/", "topics/alphabet/", "sources/a/", "topics/alpha/sources.bib",
             "sources/ab/", "static/style.css", "search/", "search-index/index.json"]  # fmt: skip
    for page in paths:
        for target in paths:
            start = page if page.endswith("/") else posixpath.dirname(page)
            rel = posixpath.relpath(target or ".", start or ".")
            if target == "" or target.endswith("/"):
                expected = "./" if rel == "." else rel + "/"
            else:
                expected = rel
            assert relative_url(target, page) == expected, (target, page)


def test_a_petition_read_from_its_page_says_so_with_its_whole_text(tmp_path: Path) -> None:
    shutil.copytree(TEST_DIGEST, tmp_path / "digest")
    path = tmp_path / "digest" / "data" / "petitions" / "uk-parliament" / "100004.json"
    path.write_text(json.dumps({
        "format": 1, "platform": "uk-parliament", "number": 100004,
        "url": "https://petition.parliament.uk/petitions/100004.json", "status": "ok",
        "fetched_at": None, "last_modified": None, "response": None,
        "page": {"url": "https://petition.parliament.uk/petitions/100004", "by": None,
                 "seen": "2026-02-01", "as_of": "2026-01-31",
                 "as_of_label": "the last day it was open, as its page gives it",
                 "shows": {"action": "Read from its page", "background": "The <b>case</b>.",
                           "additional_details": "First detail.\n\nSecond detail.",
                           "state": "closed", "signature_count": 398},
                 "dates": [{"milestone": "closed",
                            "date": "2026-01-31"}]},
    }))  # fmt: skip
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    files = {
        f.path: f.content.decode()
        for f in render_pages(load_digest(tmp_path / "digest" / "sources.yaml"), theme)
    }
    page = files["sources/petition-100004/index.html"]
    assert ("Figures read from a saved copy of its page on the platform, as of 31 January 2026 "
            "(the last day it was open, as its page gives it); not yet fetched from the UK "
            "Parliament petitions API.") in page  # fmt: skip
    assert "<p>The &lt;b&gt;case&lt;/b&gt;.</p>" in page
    assert "<summary>More details</summary>\n<p>First detail.</p>\n<p>Second detail.</p>" in page
    assert "the petition's own page</a>" in page and "398" in page
    assert '<time datetime="2026-01-31">31 January 2026</time>: Closed to signatures' in page
    assert re.search(r"Government response: 398 of\s+10,000 signatures \(4\.0%\)", page)
    table = files["petitions/index.html"]
    assert ("read from its page, as of 31 January 2026 (the count is final: it has closed)"
            in table)  # fmt: skip
    assert "Government response: 4.0% of 10,000" in table


def test_a_templates_folder_overrides_the_default_theme_file_by_file(tmp_path: Path) -> None:
    """A digest's templates/ holding only base.html (and a stylesheet of its own) builds:
    every other template and static file comes from the theme shipped with the package."""
    folder = tmp_path / "templates"
    (folder / "static").mkdir(parents=True)
    base = (TEMPLATES / "base.html").read_text()
    (folder / "base.html").write_text(base.replace("<body>", "<body>\n<!-- my own base -->"))
    (folder / "static" / "style.css").write_text("body { color: black; }\n")
    (folder / "static" / "extra.css").write_text("p { margin: 0; }\n")
    theme = load_theme(folder, Report())
    assert theme is not None and theme.folders[-1] == THEME
    files = {f.path: f.content for f in render_pages(digest(), theme)}
    assert all(b"<!-- my own base -->" in content for path, content in files.items()
               if path.endswith(".html"))  # fmt: skip
    assets = {a.path: a.content for a in theme.assets}
    assert assets["static/style.css"] == b"body { color: black; }\n"
    assert assets["static/extra.css"] == b"p { margin: 0; }\n"
    assert assets["static/search.js"] == (THEME / "static" / "search.js").read_bytes()


def test_a_template_error_in_an_override_is_placed_in_the_override(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "topic.html").write_text('{% extends "base.html" %}\n{% block main %}\n'
                                       "{{ no_such_thing }}\n{% endblock %}\n")  # fmt: skip
    theme = load_theme(folder, Report())
    assert theme is not None
    with pytest.raises(UserError) as caught:
        render_pages(digest(), theme)
    (problem,) = caught.value.diagnostics
    assert (problem.location.file, problem.location.line) == (str(folder / "topic.html"), 3)


def in_language(language: str) -> Digest:
    """The test digest with another site.language."""
    loaded = digest()
    site = dataclasses.replace(loaded.manifest.site, language=language)
    return dataclasses.replace(loaded, manifest=dataclasses.replace(loaded.manifest, site=site))


CATEGORIES = (
    '{"zero": "zero", "one": "one", "two": "two", "few": "few", "many": "many", "other": "other"}'
)


def test_a_template_gives_a_noun_s_forms_by_plural_category(tmp_path: Path) -> None:
    """A theme in another language names each CLDR category's form; count and plural pick
    the one the site's language asks for (Welsh has all six)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "topics.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>Pynciau</h1>\n'
        "{% for n in [0, 1, 2, 3, 6, 7, 1234] %}<p>{{ n|count(" + CATEGORIES + ") }}, "
        '{{ n|plural({"one": "ffynhonnell", "other": "ffynonellau"}) }}</p>\n'
        "{% endfor %}{% endblock %}\n"
    )
    theme = load_theme(folder, Report())
    assert theme is not None
    files = {f.path: f.content.decode() for f in render_pages(in_language("cy"), theme)}
    shown = re.findall(r"<p>([^<]*)</p>", files["topics/index.html"])
    assert shown[:7] == [
        "0 zero, ffynonellau", "1 one, ffynhonnell", "2 two, ffynonellau", "3 few, ffynonellau",
        "6 many, ffynonellau", "7 other, ffynonellau", "1,234 other, ffynonellau",
    ]  # fmt: skip
    assert '<html lang="cy">' in files["topics/index.html"]


def test_forms_by_a_category_cldr_lacks_are_an_error_at_the_template_s_line(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "topics.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>Topics</h1>\n'
        '{{ 2|count({"one": "source", "several": "sources", "other": "sources"}) }}\n'
        "{% endblock %}\n"
    )
    theme = load_theme(folder, Report())
    assert theme is not None
    with pytest.raises(UserError) as caught:
        render_pages(digest(), theme)
    (problem,) = caught.value.diagnostics
    assert (problem.location.file, problem.location.line) == (str(folder / "topics.html"), 4)
    assert problem.message == (
        "template error while rendering topics/index.html: plural forms by category: "
        "'several' is not one of CLDR's categories (zero, one, two, few, many, other)"
    )


REPORTED = """      seen: 2026-02-01
      reported_by: A newspaper
      reported_url: https://news.test/petition-handed-in
"""


def with_a_reported_figure(folder: Path) -> Path:
    """A copy of the test digest whose change.org figure is a newspaper's, not one seen."""
    shutil.copytree(TEST_DIGEST, folder)
    manifest = folder / "sources.yaml"
    text = manifest.read_text()
    assert text.count("      seen: 2026-02-01\n") == 1
    manifest.write_text(text.replace("      seen: 2026-02-01\n", REPORTED))
    return manifest


def test_a_figure_reported_by_someone_else_is_never_shown_as_seen(tmp_path: Path) -> None:
    manifest = with_a_reported_figure(tmp_path / "digest")
    digest = load_digest(manifest)
    recorded = digest.manifest.source("hand-recorded-petition").petition
    assert recorded is not None and recorded.recorded is not None
    assert (recorded.recorded.reported_by, recorded.recorded.reported_url) == (
        "A newspaper",
        "https://news.test/petition-handed-in",
    )
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    files = {f.path: f.content.decode() for f in render_pages(digest, theme)}
    page = files["sources/hand-recorded-petition/index.html"]
    assert ('<dd>12,345, as reported by <a href="https://news.test/petition-handed-in" '
            'rel="noopener noreferrer">A newspaper</a> on <time datetime="2026-02-01">'
            "1 February 2026</time></dd>") in page  # fmt: skip
    assert "the digest has not seen it on the petition's own page" in page
    assert "recorded by hand on" not in page
    table = files["petitions/index.html"]
    assert "as reported by A newspaper, 1 February 2026" in table
    assert "recorded by hand, 1 February 2026" not in table


DAY = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


def words() -> Any:
    """The default theme's words for petition data, as a module of macros."""
    theme = load_theme(TEMPLATES, Report())
    assert theme is not None
    template = theme.environment.get_template("_petition_words.html")
    return template.make_module({"site": digest().manifest.site})  # as imported with context


def test_the_theme_words_every_code_an_adapter_gives() -> None:
    text = (THEME / "_petition_words.html").read_text()
    for code in (*MILESTONES, *THRESHOLDS):
        assert f'"{code}"' in text, code
    for platform in PLATFORMS.values():
        for state in getattr(sys.modules[type(platform).__module__], "STATES", ()):
            assert f'"{state}"' in text, (platform.id, state)


@pytest.mark.parametrize(
    ("platform", "milestone", "expected"),
    [
        ("uk-parliament", Milestone("response-threshold", DAY, 10_000),
         "Reached 10,000 signatures: the Government must respond"),
        ("uk-parliament", Milestone("debate-scheduled", DAY, on=dt.date(2025, 6, 9)),
         "A debate was scheduled for 9 June 2025"),
        ("uk-parliament", Milestone("debate-scheduled", DAY), "A debate was scheduled"),
        ("uk-parliament", Milestone("debated", DAY), "Debated in Parliament"),
        ("senedd", Milestone("debated", DAY), "Debated in the Senedd"),
        ("scottish-parliament", Milestone("debated", DAY), "Debated in the Scottish Parliament"),
        ("senedd", Milestone("closed", DAY), "Closed to signatures"),
        ("other", Milestone("a-new-step", DAY), "A new step"),  # a code the theme does not know
    ],
)  # fmt: skip
def test_milestones_are_worded_by_the_theme(
    platform: str, milestone: Milestone, expected: str
) -> None:
    assert str(words().milestone(milestone, PLATFORMS[platform])).strip() == expected


@pytest.mark.parametrize(
    ("platform", "state", "expected"),
    [
        ("uk-parliament", "closed", "Closed to signatures"),
        ("senedd", "completed", "Completed"),
        ("scottish-parliament", "completed", "Closed"),
        ("scottish-parliament", "under_consideration", "Under consideration"),
        ("uk-parliament", "a_new_state", "A new state"),
    ],
)
def test_states_are_worded_by_the_theme(platform: str, state: str, expected: str) -> None:
    assert str(words().state(state, PLATFORMS[platform])).strip() == expected


def test_a_petitions_status_says_where_its_data_stands() -> None:
    d = digest()
    found = {v.source.id: str(words().status(v)).strip()
             for v in petition_views(d, d.manifest.sources)}  # fmt: skip
    assert found == {
        "petition-100003": "Closed to signatures",
        "petition-100005": "Closed to signatures (no longer found)",
        "petition-100002": "Open",
        "hand-recorded-petition": "Recorded by hand",
        "senedd-closed": "Closed to signatures",
        "scottish-petition": "Under consideration",
        "undated-other-petition": "Recorded by hand",
        "petition-100001": "Rejected",
        "petition-100004": "Awaiting data",
        "petition-100006": "Removed by the platform",
    }


def test_a_digest_words_petition_data_its_own_way_by_overriding_one_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "_petition_words.html").write_text(
        "{% macro state(code, platform) %}État : {{ code }}{% endmacro %}\n"
        "{% macro status(petition) %}—{% endmacro %}\n"
        "{% macro milestone(m, platform) %}Étape {{ m.code }}{% endmacro %}\n"
        "{% macro threshold(t, platform) %}Seuil {{ t.code }}{% endmacro %}\n"
    )
    theme = load_theme(tmp_path, Report())
    assert theme is not None
    pages = {f.path: f.content.decode() for f in render_pages(digest(), theme)}
    page = pages["sources/petition-100003/index.html"]
    assert "<dd>État : closed</dd>" in page and "Étape created" in page
    assert "Seuil response" in page


def test_a_template_compiled_earlier_in_the_process_is_compiled_again_once_its_text_changes(
    tmp_path: Path,
) -> None:
    # serve rebuilds in one process and keeps compiled templates: an edit must show at once,
    # whichever theme folder or file name it is under, even with the same size and time
    folder = tmp_path / "templates"
    folder.mkdir()
    template = folder / "probe.html"
    seen = []
    for text in ("first {{ 1 + 1 }}", "other {{ 2 + 2 }}", "first {{ 1 + 1 }}"):
        template.write_text(text, encoding="utf-8")
        os.utime(template, ns=(0, 0))
        theme = load_theme(folder, Report())
        assert theme is not None
        seen.append(theme.environment.get_template("probe.html").render())
    assert seen == ["first 2", "other 4", "first 2"]
