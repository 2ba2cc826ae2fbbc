"""End to end: hostile text in the manifest, the write-ups and the API JSON never becomes
live markup: no script, no event handler, no javascript:/data: link, no media of any kind."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import feedparser
import pytest
from pybtex.database import parse_string

from tests.conftest import build_digest
from tests.hostile import (
    HOSTILE_DOI,
    IMG,
    JS,
    SCRIPT,
    live_markup_problems,
    write_hostile_digest,
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test digest with hostile text in every field that reaches a page, built."""
    root = tmp_path_factory.mktemp("hostile")
    manifest = write_hostile_digest(root / "digest")
    out = root / "site"
    build_digest(manifest, out)
    return out


def test_the_inspector_catches_what_it_looks_for() -> None:
    html = f'{SCRIPT}{IMG}<a href="{JS}">x</a><p style="x"><a href=" java\tscript:x">y</a>'
    assert live_markup_problems('<script type="application/ld+json">{"a": 1}</script>') == []
    assert live_markup_problems('<script type="application/ld+json">alert(1)</script>') == [
        "<script type=application/ld+json> holding what is not JSON"
    ]
    assert live_markup_problems(html) == [
        "<script>",
        "<img>",
        "<img onerror>",
        f"<a href={JS!r}>",
        "<p style>",
        "<a href=' java\\tscript:x'>",
    ]
    assert live_markup_problems('<a href="#w-fn:1">1</a><a href="https://x.test">x</a>') == []
    chart = '<svg class="chart"><title>t</title><line x1="1"/><polyline points="1,2"/></svg>'
    assert live_markup_problems(chart) == []
    assert live_markup_problems('<svg class="chart"><script>x</script><a href="x">y</a></svg>') == [
        "<script> in the chart",
        "<a> in the chart",
        "<a href>",
    ]


def test_no_page_holds_live_hostile_markup(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) == 27
    problems = {
        p.relative_to(hostile_site).as_posix(): live_markup_problems(p.read_text()) for p in pages
    }
    assert {page: found for page, found in problems.items() if found} == {}


def test_hostile_text_is_shown_as_text(hostile_site: Path) -> None:
    page = (hostile_site / "sources" / "regulator-statement" / "index.html").read_text()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page  # the title, escaped
    petition = (hostile_site / "sources" / "petition-100003" / "index.html").read_text()
    assert "Action &lt;script&gt;" in petition
    # the hostile write-up did reach the page: its harmless text survives
    assert ">click</a>" in page and ">hover</p>" in page and "markdown link" in page


def test_hostile_authors_and_doi_are_text_and_an_encoded_link(hostile_site: Path) -> None:
    folder = hostile_site / "sources" / "regulator-statement"
    page = (folder / "index.html").read_text()
    assert "<dd>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=" in page
    link = (
        "https://doi.org/10.5555/%22%3E%3Cscript%3Ealert(&#39;doi&#39;)%3C/script%3E%3Cimg/src=x/"
    )
    assert f'<a href="{link}onerror=alert(1)%3E" rel="noopener noreferrer">' in page
    assert ('<meta name="citation_doi" content="10.5555/&#34;&gt;&lt;script&gt;alert(&#39;doi'
            in page)  # fmt: skip
    data = hostile_site / "data"
    items = {item["id"]: item for item in json.loads((data / "digest.csl.json").read_text())}
    item = items["regulator-statement"]
    assert item["DOI"] == HOSTILE_DOI and item["author"][0]["literal"] == SCRIPT + IMG
    entry = parse_string((data / "digest.bib").read_text(), "bibtex").entries["regulator-statement"]
    assert len(entry.persons["author"]) == 2 and entry.fields["doi"] == HOSTILE_DOI
    [shown] = re.findall(r'<details id="cite-csl-json">\s*<summary>CSL-JSON</summary>\s*'
                         r"<pre><code>([^<]*)</code></pre>", page)  # fmt: skip
    assert json.loads(html.unescape(shown)) == [item]  # escaped on the page, whole in a copy


def test_no_feed_entry_holds_live_hostile_markup(hostile_site: Path) -> None:
    feeds = sorted(hostile_site.rglob("feed.xml")) + sorted(hostile_site.rglob("atom.xml"))
    assert len(feeds) == 8
    for feed in feeds:
        parsed = feedparser.parse(feed.read_bytes())
        assert parsed.bozo == 0
        for entry in parsed.entries:
            html = (entry.get("content") or [{"value": ""}])[0]["value"]
            # feedparser sanitises on its own; check the raw XML too, below
            assert live_markup_problems(html) == [], (feed, entry.id)
        raw = feed.read_text()
        assert "<script" not in raw  # in XML, escaped markup appears as &lt;script


def test_the_only_scripts_are_json_ld_and_the_search_pages_own(hostile_site: Path) -> None:
    search = '<script type="module" src="../static/search.js"></script>'
    for page in hostile_site.rglob("*.html"):
        text = page.read_text().lower()
        ours = text.count('<script type="application/ld+json">') + text.count(search)
        assert text.count("<script") == ours, page
    assert search in (hostile_site / "search" / "index.html").read_text()


def test_hostile_text_stays_inside_the_json_ld(hostile_site: Path) -> None:
    page = (hostile_site / "sources" / "regulator-statement" / "index.html").read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert SCRIPT in json.dumps(data, ensure_ascii=False)  # the title, whole, as data
    assert "<" not in block.group(1) and "&" not in block.group(1)
