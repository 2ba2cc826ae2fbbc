"""What a build can leave as it was: the stock it takes, the keys, what is unchanged."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from research_digest.buildcache import UNREADABLE, BuildCache, LastBuild
from research_digest.diagnostics import Report
from research_digest.incremental import (
    Stock,
    manifest_key,
    output_keys,
    take_stock,
    unchanged_outputs,
)
from research_digest.site import pages

from .conftest import build_digest, load_digest

OPTIONS: dict[str, object] = {"base_url": None, "strict": False}


def stock_of(manifest: Path, out: Path, options: dict[str, object] = OPTIONS) -> Stock:
    cache = BuildCache.open(manifest.parent, Report())
    try:
        return take_stock(manifest, out, manifest.parent / "templates", cache, options)
    finally:
        cache.close()


def test_the_stock_of_the_same_inputs_is_the_same(test_digest: Path, tmp_path: Path) -> None:
    first, again = (
        stock_of(test_digest, tmp_path / "site"),
        stock_of(test_digest, tmp_path / "site"),
    )
    assert first == again
    assert first.last is None and not first.up_to_date  # nothing was built there yet


def test_a_changed_write_up_changes_the_fingerprint_but_not_the_site_key(
    test_digest: Path, tmp_path: Path
) -> None:
    before = stock_of(test_digest, tmp_path / "site")
    page = test_digest.parent / "content" / "annual-report.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    after = stock_of(test_digest, tmp_path / "site")
    assert after.fingerprint != before.fingerprint
    assert after.site_key == before.site_key  # each page's own key says which pages changed
    assert after.manifest_key == before.manifest_key


def test_a_changed_option_changes_the_site_key_and_a_manifest_edit_its_own(
    test_digest: Path, tmp_path: Path
) -> None:
    before = stock_of(test_digest, tmp_path / "site")
    assert stock_of(test_digest, tmp_path / "site", {**OPTIONS, "strict": True}).site_key != (
        before.site_key
    )
    test_digest.write_text(test_digest.read_text() + "\n# a comment\n")
    after = stock_of(test_digest, tmp_path / "site")
    assert after.site_key == before.site_key  # each output's key holds what it shows of it
    assert after.manifest_key != before.manifest_key
    assert after.fingerprint != before.fingerprint


def test_an_output_shows_only_its_part_of_the_manifest() -> None:
    digest = load_digest()
    shown = pages.manifest_shown(digest)
    topic = digest.manifest.topic("quiet")
    edited = dataclasses.replace(digest.manifest, topics=tuple(
        dataclasses.replace(t, summary="Edited.") if t is topic else t
        for t in digest.manifest.topics
    ))  # fmt: skip
    again = pages.manifest_shown(dataclasses.replace(digest, manifest=edited))
    for path in ("sources/annual-report/index.html", "topics/alpha/index.html", "sitemap.xml"):
        assert again(path) == shown(path), path
    for path in ("topics/quiet/index.html", "topics/quiet/feed.xml", "topics/index.html",
                 "index.html", "data/sources.json"):  # fmt: skip
        assert again(path) != shown(path), path
    moved = dataclasses.replace(topic, origin=dataclasses.replace(topic.origin, line=999))
    placed = dataclasses.replace(digest.manifest, topics=tuple(
        moved if t is topic else t for t in digest.manifest.topics
    ))  # fmt: skip
    assert pages.manifest_shown(dataclasses.replace(digest, manifest=placed))(
        "topics/quiet/index.html"
    ) == shown("topics/quiet/index.html")  # where a topic was written is not shown


def test_an_unreadable_manifest_has_no_key(tmp_path: Path) -> None:
    assert manifest_key(tmp_path / "sources.yaml", UNREADABLE, []) is None


def test_a_build_into_a_folder_is_the_last_build_there(test_digest: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_digest(test_digest, out, use_cache=True)
    stock = stock_of(test_digest, out)
    assert stock.last is not None
    assert stock_of(test_digest, tmp_path / "elsewhere").last is None


def test_only_outputs_made_from_the_same_inputs_are_unchanged() -> None:
    digest = load_digest()
    key = output_keys(digest, "site-key")
    paths = ["index.html", "sitemap.xml", "sources/annual-report/index.html"]
    last = LastBuild("f", "/out", "id", (), 1, 1, dict.fromkeys(paths, "hash"),
                     {path: key(path) for path in paths})  # fmt: skip
    assert unchanged_outputs(key, last) == frozenset(paths)
    assert unchanged_outputs(output_keys(digest, "another-site-key"), last) == frozenset()
    assert unchanged_outputs(key, None) == frozenset()
    # the sitemap lists every page: if it must be made again, so must every page
    without_sitemap = LastBuild("f", "/out", "id", (), 1, 1, dict.fromkeys(paths, "hash"),
                                {p: key(p) for p in paths if p != "sitemap.xml"})  # fmt: skip
    assert unchanged_outputs(key, without_sitemap) == frozenset()


def test_a_page_whose_text_changed_has_another_key() -> None:
    digest = load_digest()
    key = output_keys(digest, "site-key")
    assert key("sources/annual-report/index.html") != key("sources/crlf-article/index.html")
    assert key("sources/annual-report/index.html") == output_keys(digest, "site-key")(
        "sources/annual-report/index.html"
    )
