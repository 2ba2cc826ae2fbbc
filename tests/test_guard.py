"""The output guard: a page with media, or anything from another origin, fails the build."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from research_digest.errors import BuildFailed
from research_digest.output.guard import (
    needs_reading,
    page_problems,
    stylesheet_problems,
    template_problems,
)
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
    assert failed_build(test_digest, templates, out) == [  # when the templates load
        f"templates/source.html:{line}:{column}: error: <img src> would load "
        f"'https://x.test/logo.png'" + hint,
        f"templates/source.html:{line}:{column}: error: <img> would show an image or media" + hint,
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


def test_a_template_is_read_with_its_expressions_masked() -> None:
    def found(template: str) -> list[str]:
        return [p.message for p in template_problems(template)]

    ours = ('<meta http-equiv="Content-Security-Policy" content="{{ csp }}">'
            '<link rel="stylesheet" href="{{ url(\'static/style.css\') }}">'
            '<li{% if current %} class="current"{% endif %}><a href="{{ url(x) }}">{{ t }}</a>'
            '{# <img src="commented out"> #}<p>{{ text }}</p>')  # fmt: skip
    assert found(ours) == []
    assert found('<img src="{{ logo }}"><p style="color: {{ c }}">') == [
        "<img> would show an image or media",
        "<img src> would load '{{ … }}'",
        "<p style>: the Content-Security-Policy refuses inline styles",
    ]
    expression = "a template expression outside an attribute's quoted value"
    assert found("<p {{ attributes }}>x</p>") == [f"<p>: {expression}"]
    assert found("<a href={{ address }}>x</a>") == [f"<a>: {expression}"]
    assert found("<{{ name }}>x</{{ name }}>") == [
        "an element's name written by a template expression"
    ]


def test_a_template_expression_is_placed_at_its_line(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    source = templates / "source.html"
    text = source.read_text().replace("<h1>", "<h1 {{ source.id }}>", 1)
    source.write_text(text)
    line = text[: text.index("<h1 ")].count("\n") + 1
    [problem] = failed_build(test_digest, templates, tmp_path / "site")
    assert problem.startswith(f"templates/source.html:{line}:")
    assert "<h1>: a template expression outside an attribute's quoted value" in problem


CSP_TAG = f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">'


def test_the_pages_the_theme_makes_need_no_reading(test_digest: Path, tmp_path: Path) -> None:
    build_digest(test_digest, tmp_path / "site")
    pages = {p: c for p, c in read_tree(tmp_path / "site").items() if p.endswith(".html")}
    assert pages and [p for p, content in pages.items() if needs_reading(content)] == []


@pytest.mark.parametrize(
    "element",
    [
        '<img src="a.png">', "<IMG>", "<video>", "<svg></svg>", '<svg class="chart"><a></a></svg>',
        '<svg class="chart" viewBox="0 0 1 1" role="img" aria-labelledby="a b" '
        'focusable="false"><foreignObject></foreignObject></svg>',
        '<svg class="chart" viewBox="0 0 1 1" role="img" aria-labelledby="a b" '
        'focusable="false"><text href="x">1</text></svg>',
        "<script>alert(1)</script>", '<script src="https://x.test/a.js"></script>',
        '<script type="module" src="//x.test/a.js"></script>',
        '<link rel="stylesheet" href="https://x.test/a.css">',
        '<link rel="stylesheet" href=" //x.test/a.css">',
        '<link rel="stylesheet" href="&#47;&#47;x.test/a.css">',
        '<link rel="icon" href="/\\x.test/i" type="image/png">',
        '<link rel="canonical" rel="stylesheet" href="https://x.test/a.css">',
        '<meta http-equiv="refresh" content="0">', "<meta\thttp-equiv=refresh>",
    ],
)  # fmt: skip
def test_a_page_with_a_watched_element_not_in_the_themes_form_is_read(element: str) -> None:
    assert needs_reading(f"<html><head>{CSP_TAG}</head><body>{element}</body></html>".encode())


def test_a_page_without_the_policy_is_read() -> None:
    assert needs_reading(b"<html><head></head><body><p>x</p></body></html>")
    assert not needs_reading(f"<html><head>{CSP_TAG}</head><body><p>x</p></body>".encode())


_NAMES = ["p", "a", "img", "svg", "script", "link", "meta", "image", "source", "text", "title",
          "video", "iframe", "div", "style"]  # fmt: skip
_ATTRIBUTES = ["src", "href", "rel", "class", "style", "onclick", "type", "content",
               "http-equiv", "background", "data", "data-x", "srcset", "viewBox"]  # fmt: skip
_VALUES = ["chart", "stylesheet", "icon", "canonical", "https://x.test/a", "//x.test/a",
           "../static/a", "module", "application/ld+json", "refresh", "", "a > b"]  # fmt: skip
_attribute = st.tuples(st.sampled_from(_ATTRIBUTES), st.sampled_from(_VALUES),
                       st.sampled_from(['"', "'", ""]))  # fmt: skip
_element = st.tuples(st.sampled_from(_NAMES), st.lists(_attribute, max_size=3),
                     st.sampled_from(["", "x", "<p>x</p>"]), st.booleans())  # fmt: skip


def _write(element: tuple[str, list[tuple[str, str, str]], str, bool]) -> str:
    name, attributes, inside, upper = element
    written = "".join(f" {a}={q}{v}{q}" if q or (v and all(c not in v for c in ' >"\'='))
                      else f" {a}" for a, v, q in attributes)  # fmt: skip
    tag = name.upper() if upper else name
    return f"<{tag}{written}>{inside}</{tag}>"


@given(st.lists(_element, max_size=6), st.sampled_from(string.whitespace))
def test_a_page_that_needs_no_reading_has_no_problem_but_in_an_attribute(
    elements: list[tuple[str, list[tuple[str, str, str]], str, bool]], space: str
) -> None:
    """The scan stops at every element the guard watches unless it is in one of the theme's
    own forms; what it does not stop at is only attributes, which templates are read for."""
    page = f"<html><head>{CSP_TAG}</head><body>{space.join(map(_write, elements))}</body>"
    if not needs_reading(page.encode()):
        for problem in page_problems(page):
            assert problem.message.split(">")[0].count(" ") == 1, problem.message  # <p style>
