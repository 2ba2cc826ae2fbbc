"""Feeds: valid RSS and Atom, each topic's feed holds exactly its sources, no clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser
import pytest

from research_digest.diagnostics import Report
from research_digest.manifest.loader import load_manifest
from tests.conftest import TEST_DIGEST, build_digest

FEEDS = ["feed.xml", "atom.xml"] + [
    f"topics/{t}/{n}" for t in ("alpha", "petitions", "quiet") for n in ("feed.xml", "atom.xml")
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds") / "site"
    build_digest(TEST_DIGEST / "sources.yaml", out)
    return out


def parse(site: Path, name: str) -> Any:
    return feedparser.parse((site / name).read_bytes())


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_parses_without_errors(site: Path, name: str) -> None:
    feed = parse(site, name)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == ("rss20" if name.endswith("feed.xml") else "atom10")


@pytest.mark.parametrize("name", FEEDS)
def test_each_feed_holds_exactly_its_sources_newest_added_first(site: Path, name: str) -> None:
    manifest = load_manifest(TEST_DIGEST / "sources.yaml", Report())
    assert manifest is not None
    topic = name.split("/")[1] if name.startswith("topics/") else None
    sources = [s for s in manifest.sources if topic is None or topic in s.topics]
    expected = sorted(sorted(sources, key=lambda s: s.id), key=lambda s: s.added, reverse=True)
    base = "https://digest.test/sub/path/sources/"
    assert [e.id for e in parse(site, name).entries] == [f"{base}{s.id}/" for s in expected]


def test_entries_carry_the_full_write_up_with_absolute_links(site: Path) -> None:
    entries = {e.id.split("/")[-2]: e for e in parse(site, "atom.xml").entries}
    entry = entries["regulator-statement"]
    assert entry.summary == "The regulator says it has contacted a platform."
    content = entry.content[0].value
    assert '<a href="https://digest.test/sub/path/sources/annual-report/">the report</a>' in content
    assert '<a href="https://digest.test/sub/path/topics/alpha/">alpha topic</a>' in content
    assert content.count("<strong>Content note:</strong>") == 1  # one note: the site's
    assert "<strong>Content note:</strong> Discusses made-up harms, in words only." in content
    assert entry.published == "2026-01-06T00:00:00+00:00"
    assert [t.term for t in entry.tags] == ["alpha"]


def test_feed_dates_come_from_the_manifest_not_the_clock(site: Path) -> None:
    rss = parse(site, "feed.xml")
    assert rss.feed.updated == "Sun, 08 Feb 2026 00:00:00 +0000"  # the newest 'added'
    atom = parse(site, "topics/quiet/atom.xml")
    assert atom.feed.updated == "2026-01-10T00:00:00+00:00"


def test_feeds_link_back_to_their_page_and_themselves(site: Path) -> None:
    rss = parse(site, "topics/alpha/feed.xml")
    assert rss.feed.link == "https://digest.test/sub/path/topics/alpha/"
    links = {link.rel: link.href for link in parse(site, "topics/alpha/atom.xml").feed.links}
    assert links == {
        "self": "https://digest.test/sub/path/topics/alpha/atom.xml",
        "alternate": "https://digest.test/sub/path/topics/alpha/",
    }


def test_every_page_links_its_feeds_for_autodiscovery(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text()
        assert 'type="application/rss+xml"' in text and 'type="application/atom+xml"' in text, page
    topic = (site / "topics" / "alpha" / "index.html").read_text()
    assert 'href="https://digest.test/sub/path/topics/alpha/feed.xml"' in topic


def test_feeds_hold_the_newest_feed_entries_sources(test_digest: Path, tmp_path: Path) -> None:
    text = test_digest.read_text().replace("site:\n", "site:\n  feed_entries: 3\n", 1)
    test_digest.write_text(text)
    manifest = load_manifest(test_digest, Report())
    assert manifest is not None and manifest.site.feed_entries == 3
    out = tmp_path / "site"
    build_digest(test_digest, out)
    for name in FEEDS:
        topic = name.split("/")[1] if name.startswith("topics/") else None
        sources = [s for s in manifest.sources if topic is None or topic in s.topics]
        newest = sorted(sorted(sources, key=lambda s: s.id), key=lambda s: s.added, reverse=True)
        base = "https://digest.test/sub/path/sources/"
        assert [e.id for e in parse(out, name).entries] == [f"{base}{s.id}/" for s in newest[:3]]
