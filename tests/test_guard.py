"""The output guard: a page with media, or anything from another origin, fails the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from research_digest.errors import BuildFailed
from research_digest.output.guard import page_problems, stylesheet_problems
from research_digest.site.render import CSP
from tests.conftest import TEMPLATES, build_digest, read_tree

HEAD = f'<html><head><meta http-equiv="Content-Security-Policy" content="{CSP}"></head><body>'


def messages(body: str, head: str = HEAD) -> list[str]:
    return [p.message for p in page_problems(head + body + "</body></html>")]


def test_a_page_of_our_own_kind_passes() -> None:
    chart = ('<svg class="chart" role="img"><title>t</title><desc>d</desc><line x1="1"/>'
             '<polyline points="1,2"/><circle r="1"/><text>1</text></svg>')  # fmt: skip
    ours = ('<link rel="stylesheet" href="../static/style.css"><link rel="canonical" '
            'href="https://x.test/"><link rel="alternate" href="https://x.test/feed.xml">'
            '<script type="application/ld+json">{}</script>'
            '<script type="module" src="../static/search.js"></script>'
            '<a href="https://elsewhere.test/">a link is not a load</a>')  # fmt: skip
    assert messages(chart + ours) == []


def test_media_of_every_kind_is_refused() -> None:
    body = ('<img src="a.png"><picture></picture><video></video><audio></audio><iframe>'
            '</iframe><object></object><embed><canvas></canvas><svg><image/></svg>')  # fmt: skip
    assert messages(body) == [
        "<img> would show an image or media",
        "<img src> would load 'a.png'",
        "<picture> would show an image or media",
        "<video> would show an image or media",
        "<audio> would show an image or media",
        "<iframe> would show an image or media",
        "<object> would show an image or media",
        "<embed> would show an image or media",
        "<canvas> would show an image or media",
        "<svg> outside a chart would show an image",
        "<image> would show an image or media",
    ]


def test_loads_from_another_origin_and_inline_code_are_refused() -> None:
    body = ('<script src="https://cdn.test/x.js"></script><script>alert(1)</script>'
            '<link rel="stylesheet" href="//fonts.test/a.css"><link rel="icon" href="https://x.test/i">'
            '<p onclick="x()" style="color: red">x</p><div background="https://x.test/b.png"></div>'
            '<a ping="https://track.test/">x</a><meta http-equiv="refresh" content="0">'
            '<svg class="chart"><a href="x"><text>x</text></a></svg>')  # fmt: skip
    assert messages(body) == [
        "<script src='https://cdn.test/x.js'> loads script from another origin",
        "inline <script>: the Content-Security-Policy refuses it",
        "<link rel=stylesheet> loads '//fonts.test/a.css' from another origin",
        "<link rel=icon> loads 'https://x.test/i' from another origin",
        "<p onclick>: the site runs no inline script",
        "<p style>: the Content-Security-Policy refuses inline styles",
        "<div background> would load 'https://x.test/b.png'",
        "<a ping> would load 'https://track.test/'",
        '<meta http-equiv="refresh">',
        "<a> inside a chart",
        "<a href> inside a chart",
    ]


def test_tags_are_read_as_a_parser_reads_them() -> None:
    body = ("<!-- <img src=a.png> --><p title='x > y' onclick=go()>p</p><IMG SRC=b.png>"
            '<svg class="chart"/><svg></svg>')  # fmt: skip
    assert messages(body) == [
        "<p onclick>: the site runs no inline script",
        "<img> would show an image or media",
        "<img src> would load 'b.png'",
        "<svg> outside a chart would show an image",
    ]


def test_a_page_must_carry_the_sites_content_security_policy() -> None:
    assert messages("", head="<html><head></head><body>") == [
        "the page has no Content-Security-Policy"
    ]
    weaker = '<html><head><meta http-equiv="Content-Security-Policy" content="default-src *">'
    assert messages("", head=weaker) == [
        "a Content-Security-Policy other than the site's",
        "the page has no Content-Security-Policy",
    ]


def test_a_stylesheet_may_not_import_or_load_from_elsewhere() -> None:
    css = ("@import 'x.css';\nbody { background: url(https://x.test/b.png) }\n"
           "a { background: url('data:image/png;base64,AA') }\n"
           ".ok { background: url(ok.svg) }")  # fmt: skip
    assert [p.message for p in stylesheet_problems(css)] == [
        "a stylesheet imports another",
        "a stylesheet loads 'https://x.test/b.png'",
        "a stylesheet loads 'data:image/png;base64,AA'",
    ]


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path / "templates"


def failed_build(test_digest: Path, templates: Path, out: Path) -> list[str]:
    from research_digest.diagnostics import Report
    from research_digest.pipeline import build
    from tests.conftest import BUILT_AT

    with pytest.raises(BuildFailed) as caught:
        build(test_digest, out=out, report=Report(), templates=templates, now=BUILT_AT)
    return [d.format() for d in caught.value.diagnostics if d.severity.label == "error"]


def test_an_image_in_a_template_fails_the_build_at_its_line(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_digest(test_digest, out)
    before = read_tree(out)
    source = templates / "source.html"
    text = source.read_text().replace("<h1>", '<img src="https://x.test/logo.png" alt=""><h1>', 1)
    source.write_text(text)
    line = text[: text.index("<img")].count("\n") + 1
    column = text.index("<img") - text.rfind("\n", 0, text.index("<img"))
    hint = "\n  hint: remove it: the site shows no images or media, ever; describe in words instead"
    pages = ("(in sources/regulator-statement/index.html, sources/crlf-article/index.html, "
             "sources/annual-report/index.html and 10 more)")  # fmt: skip
    assert failed_build(test_digest, templates, out) == [
        f"templates/source.html:{line}:{column}: error: <img src> would load "
        f"'https://x.test/logo.png' {pages}" + hint,
        f"templates/source.html:{line}:{column}: error: <img> would show an image or media "
        f"{pages}" + hint,
    ]
    assert read_tree(out) == before  # the site stays as it was


def test_a_template_without_the_policy_or_with_a_web_font_fails(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    base = templates / "base.html"
    base.write_text(base.read_text().replace(
        '<meta http-equiv="Content-Security-Policy" content="{{ csp }}">\n', ""))  # fmt: skip
    css = templates / "static" / "style.css"
    css.write_text("@import url('https://fonts.test/css?family=X');\n" + css.read_text())
    assert failed_build(test_digest, templates, tmp_path / "site") == [
        "templates/base.html:3:1: error: the page has no Content-Security-Policy (in "
        "index.html, topics/index.html, topics/alpha/index.html and 24 more)\n"
        '  hint: put <meta http-equiv="Content-Security-Policy" content="{{ csp }}"> first in '
        "<head>, as templates/base.html does",
        "templates/static/style.css:1:1: error: a stylesheet imports another (in "
        "static/style.css)\n  hint: put the rules in the one stylesheet",
    ]
