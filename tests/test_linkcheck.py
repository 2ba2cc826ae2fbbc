"""The link check of the rendered site: every link that stays on the site leads somewhere."""

from __future__ import annotations

from research_digest.checks.linkcheck import _target, check_links
from research_digest.diagnostics import Report
from research_digest.model.outputs import OutputFile

BASE = "https://site.test/digest/"


def page(path: str, body: str) -> OutputFile:
    return OutputFile(path, f"<html><body>{body}</body></html>".encode())


def test_links_resolve_from_their_page() -> None:
    assert _target("../b/", "sources/a/index.html", BASE, "/digest/") == (
        "sources/b/index.html", "",
    )  # fmt: skip
    assert _target("#x", "topics/index.html", BASE, "/digest/") == ("topics/index.html", "x")
    assert _target("/digest/about/", "404.html", BASE, "/digest/") == ("about/index.html", "")
    assert _target(BASE + "feed.xml", "index.html", BASE, "/digest/") == ("feed.xml", "")
    assert _target("https://elsewhere.test/", "index.html", BASE, "/digest/") is None
    assert _target("./", "sources/a/index.html", BASE, "/digest/") == ("sources/a/index.html", "")


def test_broken_links_and_anchors_are_reported_where_they_are() -> None:
    files = [
        page("index.html", '<p id="top"><a href="about/">ok</a> <a href="#top">ok</a></p>\n'
             '<a href="missing/">x</a> <a href="about/#nowhere">y</a> <a href="/elsewhere/">z</a>'),
        page("about/index.html", '<a href="../index.html#top">back</a>'),
        OutputFile("feed.xml", f'<link href="{BASE}gone/"/>\n<loc>{BASE}about/</loc>'.encode()),
    ]  # fmt: skip
    report = Report()
    assert check_links(files, BASE, report, shown_as="(site)") == 8
    assert [d.format() for d in report.sorted()] == [
        "(site)/feed.xml:1:7: error: a link to 'https://site.test/digest/gone/', which the site "
        "does not have\n  hint: check the templates, or the link in the write-up",
        "(site)/index.html:2:1: error: a link to 'missing/', which the site does not have\n"
        "  hint: check the templates, or the link in the write-up",
        "(site)/index.html:2:26: error: a link to 'about/#nowhere': about/index.html has no "
        "element with the id 'nowhere'",
        "(site)/index.html:2:57: error: a link to '/elsewhere/', which the site does not have\n"
        "  hint: check the templates, or the link in the write-up",
    ]


def test_a_write_ups_own_anchors_are_left_to_the_write_up_check() -> None:
    report = Report()
    check_links([page("index.html", '<a href="#w-gone">x</a>')], BASE, report, shown_as="s")
    assert report.diagnostics == []
