"""The sanitiser: hostile markup never survives as live markup."""

from __future__ import annotations

import pytest

from research_digest.site.sanitize import internal_links, resolve_links, sanitize, text_of

HOSTILE = [
    ("<script>alert(1)</script>ok", "ok"),
    ('<img src="x" onerror="alert(1)">text', "text"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" JAVASCRIPT:alert(1)">x</a>', "<a>x</a>"),
    (
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<a>x</a>",
    ),
    ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
    ('<iframe src="https://evil.test"></iframe>after', "after"),
    ('<video src="x"></video><audio src="y"></audio>after', "after"),
    ('<object data="x"></object><embed src="y">after', "after"),
    ("<svg><script>alert(1)</script></svg>after", "after"),
    ("<math><mtext><script>alert(1)</script></mtext></math>after", "after"),
    ('<p onclick="alert(1)" style="color:red">p</p>', "<p>p</p>"),
    ("<style>body{display:none}</style>after", "after"),
    ('<form action="https://evil.test"><input name="x"></form>after', "after"),
    ("<!-- a comment -->after", "after"),
    ('<div class="content-note reporting-routes">spoof</div>', '<div class="">spoof</div>'),
    ('<a href="//evil.test/x">x</a>', "<a>x</a>"),
    ('<a href="/etc/passwd">x</a>', "<a>x</a>"),
    ('<picture><source srcset="x.png"></picture>after', "after"),
    ('<link rel="stylesheet" href="https://evil.test/x.css">after', "after"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.test">after', "after"),
    ('<base href="https://evil.test/">after', "after"),
    ("<noscript><p>x</p></noscript>after", "after"),
    ('<p id="main">x</p>', '<p id="w-main">x</p>'),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_hostile_markup_is_removed(dirty: str, clean: str) -> None:
    assert sanitize(dirty) == clean


def test_safe_structure_and_links_survive() -> None:
    html = (
        '<h2 id="x">T</h2><p><strong>b</strong> <em>i</em> <a href="https://a.test/?q=1&amp;r=2" '
        'title="t">l</a> <a href="mailto:e@a.test">m</a></p><blockquote><p>q</p></blockquote>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
    )
    assert sanitize(html) == (
        '<h2 id="w-x">T</h2><p><strong>b</strong> <em>i</em> <a href="https://a.test/?q=1&amp;r=2" '
        'title="t" rel="noopener noreferrer">l</a> <a href="mailto:e@a.test" '
        'rel="noopener noreferrer">m</a></p><blockquote><p>q</p></blockquote>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
    )


def test_fragment_links_follow_the_prefixed_ids() -> None:
    assert sanitize('<a href="#fn:1">1</a><li id="fn:1">n</li>') == (
        '<a href="#w-fn:1" rel="noopener noreferrer">1</a><li id="w-fn:1">n</li>'
    )


def test_internal_links_resolve_per_page_and_lose_rel() -> None:
    html = sanitize(
        '<a href="source:a-b">s</a> <a href="topic:t">t</a> <a href="https://x.test">e</a>'
        ' <a href="#w">f</a>'
    )
    assert internal_links(html) == [("source", "a-b"), ("topic", "t")]
    resolved = resolve_links(html, lambda kind, ident: f"../../{kind}s/{ident}/")
    assert resolved == (
        '<a href="../../sources/a-b/">s</a> <a href="../../topics/t/">t</a> '
        '<a href="https://x.test" rel="noopener noreferrer">e</a> <a href="#w-w">f</a>'
    )


def test_an_internal_link_that_cannot_resolve_loses_its_href() -> None:
    html = sanitize('<a href="source:gone">s</a>')
    assert resolve_links(html, lambda kind, ident: None) == "<a>s</a>"


def test_a_resolved_url_is_escaped_into_its_attribute() -> None:
    html = sanitize('<a href="source:x">s</a>')
    assert resolve_links(html, lambda kind, ident: '"><script>') == (
        '<a href="&quot;&gt;&lt;script&gt;">s</a>'
    )


def test_text_of_strips_tags_and_entities() -> None:
    assert text_of("<p>a &amp; <b>b</b></p>").split() == ["a", "&", "b"]
