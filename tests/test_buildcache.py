"""The build cache: a rebuild writes only what changed, and is always what a full build is."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import shutil
import sqlite3
import time
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import pytest

from research_digest import buildcache
from research_digest.buildcache import CACHE_FILE, BuildCache
from research_digest.cli import main
from research_digest.diagnostics import Report, display_path
from research_digest.errors import BuildFailed, UserError
from research_digest.model.manifest import Manifest
from research_digest.model.outputs import OutputFile
from research_digest.output import sitewriter
from research_digest.pipeline import BuildResult, build
from research_digest.site import bibliographies, documents, render
from research_digest.site.documents import MarkdownRenderer, WriteUp
from research_digest.site.pages import Page
from tests.conftest import BUILT_AT, TEMPLATES, read_tree


def build_with_cache(manifest: Path, out: Path, templates: Path, report: Report) -> BuildResult:
    return build(manifest, out=out, report=report, templates=templates, now=BUILT_AT)


def full_build(manifest: Path, out: Path, templates: Path) -> dict[str, bytes]:
    """What a build from nothing, with no cache, writes."""
    shutil.rmtree(out, ignore_errors=True)
    build(manifest, out=out, report=Report(), templates=templates, now=BUILT_AT, use_cache=False)
    return read_tree(out)


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in folder.rglob("*") if p.is_file()}  # fmt: skip


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


NEW_SOURCE = """
  - id: added-later
    kind: report
    title: A report added later
    url: https://later.test/report
    publisher: A later publisher
    published: 2026-02-03
    added: 2026-02-20
    topics: [quiet]
    document: content/added-later.md
    summary: A report added by the edit sequence.
"""


def edits(digest: Path, templates: Path) -> list[tuple[str, Callable[[], None]]]:
    manifest = digest / "sources.yaml"

    def add_source() -> None:
        (digest / "content" / "added-later.md").write_text("## Summary\n\nAdded later.\n")
        manifest.write_text(manifest.read_text() + NEW_SOURCE)

    def delete_source() -> None:
        text = manifest.read_text()
        manifest.write_text(text.replace(NEW_SOURCE, ""))
        (digest / "content" / "added-later.md").unlink()

    return [
        ("add a source", add_source),
        (
            "change a write-up",
            lambda: edit(digest / "content" / "crlf-article.md", "line", "line, corrected,"),
        ),
        (
            "change the about page's text",
            lambda: edit(digest / "content" / "about.md", "\n", "\nEdited.\n"),
        ),
        (
            "change a source's entry",
            lambda: edit(manifest, "A news report whose copy", "A news article whose copy"),
        ),
        (
            "change a source's title",  # every bibliography it is in shows it
            lambda: edit(manifest, "title: Annual report\n", "title: Annual report 2025\n"),
        ),
        ("delete a source", delete_source),
        (
            "change a topic",
            lambda: edit(manifest, "A topic with one source", "A topic with a single source"),
        ),
        (
            "change a topic's key moment",
            lambda: edit(manifest, "recalls the year before", "recalls the previous year"),
        ),
        (
            "change a topic's title",
            lambda: edit(manifest, "title: A quiet topic", "title: A very quiet topic"),
        ),
        (
            "change a topic's content note",
            lambda: edit(manifest, "Discusses alpha harms.", "Discusses the harms of alpha."),
        ),
        (
            "change a template",
            lambda: edit(templates / "base.html", "</footer>", "</footer>\n<!-- edited -->"),
        ),
        (
            "change the stylesheet",
            lambda: edit(templates / "static" / "style.css", "\n", "\n/* edited */\n"),
        ),
        (
            "change the site settings",
            lambda: edit(manifest, "title: Test Digest", "title: The Test Digest"),
        ),
        (
            "change petition data",
            lambda: edit(
                digest / "data" / "petitions" / "uk-parliament" / "100001.json",
                '"signature_count": ',
                '"signature_count": 1',
            ),
        ),
        ("change nothing", lambda: None),
    ]


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    return copy


def test_every_rebuild_is_byte_identical_to_a_full_build(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    for label, change in edits(test_digest.parent, templates):
        before = mtimes(out)
        change()
        result = build_with_cache(test_digest, out, templates, Report())
        assert read_tree(out) == full_build(test_digest, fresh, templates), label
        after = mtimes(out)
        kept = [path for path in before.keys() & after.keys() if before[path] == after[path]]
        touched = (set(before) ^ set(after)) | {p for p in before.keys() & after.keys()
                                                 if before[p] != after[p]}  # fmt: skip
        assert result.written == len(touched), label  # it says what it wrote
        assert kept, label  # no edit here changes every file
        if label == "change nothing":
            assert result.up_to_date and result.written == 0


def random_edit(digest: Path, templates: Path, rng: random.Random) -> str:
    """Change one input at random, in a way the build accepts; say what was changed."""
    word = f"edit{rng.randrange(10**6)}"
    choice = rng.randrange(6)
    if choice <= 1:  # write-ups change most often
        path = rng.choice(sorted((digest / "content").glob("*.md")))
    elif choice == 2:
        path = rng.choice(sorted((digest / "data" / "petitions").rglob("*.json")))
    elif choice == 3:
        path = digest / "sources.yaml"
    elif choice == 4:
        path = templates / rng.choice(["source.html", "topic.html", "base.html", "index.html"])
    else:
        path = digest / "content" / "about.md"
    before = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        count = r'"signature_count": (\d+)'
        after = re.sub(count, lambda m: f'"signature_count": {int(m[1]) + 1}', before, count=1)
    elif path.name == "sources.yaml":
        after = before.replace("summary: ", f"summary: {word} ", 1)
    elif path.suffix == ".html":
        after = f"{before}<!-- {word} -->\n"
    else:
        after = f"{before}\n{word}\n"
    assert after != before, path
    path.write_text(after, encoding="utf-8")
    return f"{path.name}: {word}"


def test_random_edits_never_leave_a_stale_file(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    rng = random.Random(66)
    build_with_cache(test_digest, out, templates, Report())
    for _ in range(15):
        what = random_edit(test_digest.parent, templates, rng)
        build_with_cache(test_digest, out, templates, Report())
        assert read_tree(out) == full_build(test_digest, fresh, templates), what


def test_a_write_up_edit_rewrites_its_page_and_leaves_unrelated_pages_alone(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    before = mtimes(out)
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    build_with_cache(test_digest, out, templates, Report())
    after = mtimes(out)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert "sources/crlf-article/index.html" in changed
    for unchanged in ("about/index.html", "sources/annual-report/index.html", "static/style.css",
                      "data/digest.bib", "topics/quiet/sources.ris"):  # fmt: skip
        assert unchanged not in changed


def test_a_write_up_edit_renders_only_its_page(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    rendered: list[str] = []
    real = render._render

    def spy(theme: render.Theme, page: Page, shared: dict[str, Any]) -> OutputFile:
        rendered.append(page.output_path)
        return real(theme, page, shared)

    monkeypatch.setattr(render, "_render", spy)
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    build_with_cache(test_digest, out, templates, Report())
    assert rendered == ["sources/crlf-article/index.html"]
    rendered.clear()
    edit(test_digest, "title: Test Digest", "title: The Test Digest")  # every page shows it
    build_with_cache(test_digest, out, templates, Report())
    assert len(rendered) == sum(1 for p in read_tree(out) if p.endswith(".html")) + 2


def test_a_title_edit_rewrites_the_bibliographies_the_source_is_in_and_no_other(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    before = mtimes(out)
    edit(test_digest, "title: Annual report\n", "title: Annual report 2025\n")  # in alpha only
    build_with_cache(test_digest, out, templates, Report())
    after = mtimes(out)
    assert read_tree(out) == full_build(test_digest, fresh, templates)
    rewritten = {p for p in after if before.get(p) != after[p]}
    bibliographies = {p for p in after if p.endswith((".bib", ".ris", ".csl.json"))}
    assert sorted(rewritten & bibliographies) == [
        "data/digest.bib", "data/digest.csl.json", "data/digest.ris",
        "topics/alpha/sources.bib", "topics/alpha/sources.csl.json", "topics/alpha/sources.ris",
    ]  # fmt: skip
    assert b"title = {Annual report 2025}" in read_tree(out)["topics/alpha/sources.bib"]


def test_a_write_up_edit_makes_no_bibliography_again(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bibliographies are made from the manifest alone: no write-up's text is in them."""
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    made: list[str] = []
    real = bibliographies.bibliography_files

    def spy(manifest: Manifest, unchanged: AbstractSet[str] = frozenset()) -> list[OutputFile]:
        files = real(manifest, unchanged)
        made.extend(file.path for file in files)
        return files

    monkeypatch.setattr(bibliographies, "bibliography_files", spy)
    edit(test_digest.parent / "content" / "annual-report.md", "\n", "\nEdited.\n")
    build_with_cache(test_digest, out, templates, Report())
    assert made == []
    edit(test_digest, "title: Annual report\n", "title: Annual report 2025\n")
    build_with_cache(test_digest, out, templates, Report())
    assert "data/digest.bib" in made  # the source's entry shows its title


def test_kept_pages_are_read_back_when_the_folder_must_be_written_anew(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    monkeypatch.setattr(BuildCache, "forget_build", lambda self, out: False)
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    result = build_with_cache(test_digest, out, templates, Report())
    assert not result.updated  # replaced whole, the kept pages copied from the old folder
    assert read_tree(out) == full_build(test_digest, fresh, templates)


def test_a_build_with_nothing_changed_reports_the_same_problems(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first, again = Report(), Report()
    build_with_cache(test_digest, out, templates, first)
    result = build_with_cache(test_digest, out, templates, again)
    assert result.up_to_date
    assert list(again.sorted()) == list(first.sorted()) and first.diagnostics  # it has warnings


def test_the_command_says_what_it_did(
    test_digest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770000000")  # else the build time is new each run
    out = tmp_path / "site"
    args = ["build", "--manifest", str(test_digest), "--templates", str(TEMPLATES),
            "--out", str(out), "-q"]  # fmt: skip

    def run(*extra: str) -> str:
        err = io.StringIO()
        assert main([*args[:-1], *extra], stderr=err) == 0
        return err.getvalue().splitlines()[-1]

    assert run().startswith("built 27 pages and 8 feeds into ")
    assert run().endswith("/ is up to date: 27 pages and 8 feeds, nothing changed (1 warning)")
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    assert re.search(r"/, ([2-9]|1\d) files changed \(1 warning\)$", run())  # page, feeds, index
    assert run("--no-cache").startswith("built 27 pages and 8 feeds into ")


@pytest.mark.parametrize(
    "damage",
    [
        lambda db: db.write_bytes(b"not a database at all" * 100),
        lambda db: (
            sqlite3.connect(db)
            .execute("UPDATE meta SET value = '99' WHERE name = 'format'")
            .connection.commit()
        ),
        lambda db: db.write_bytes(db.read_bytes()[: len(db.read_bytes()) // 2]),
    ],
    ids=["not a database", "foreign format", "truncated"],
)
def test_a_damaged_cache_is_a_warning_and_a_full_build(
    test_digest: Path, templates: Path, tmp_path: Path, damage: Callable[[Path], object]
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    database = test_digest.parent / CACHE_FILE
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    damage(database)
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    report = Report()
    result = build_with_cache(test_digest, out, templates, report)
    messages = [d.message for d in report.diagnostics if "build cache" in d.message]
    assert len(messages) == 1 and messages[0].endswith("building everything"), messages
    assert not result.up_to_date
    assert read_tree(out) == full_build(test_digest, fresh, templates)
    assert build_with_cache(test_digest, out, templates, Report()).up_to_date  # usable again


def test_a_build_killed_while_writing_is_followed_by_a_full_one(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    real = sitewriter._update_in_place

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if killed midway: the cache must not trust out

    monkeypatch.setattr(sitewriter, "_update_in_place", killed)
    with pytest.raises(KeyboardInterrupt):
        build_with_cache(test_digest, out, templates, Report())
    monkeypatch.setattr(sitewriter, "_update_in_place", real)
    result = build_with_cache(test_digest, out, templates, Report())
    assert not result.updated  # the folder was replaced whole
    assert read_tree(out) == full_build(test_digest, fresh, templates)


def test_an_output_folder_replaced_by_hand_is_built_again(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    expected = read_tree(out)
    (out / "about" / "index.html").unlink()
    shutil.copytree(out, tmp_path / "copy")
    shutil.rmtree(out)
    (tmp_path / "copy").rename(out)
    result = build_with_cache(test_digest, out, templates, Report())
    assert not result.up_to_date
    assert read_tree(out) == expected


def test_a_cache_another_process_holds_is_a_warning_and_a_safe_build(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    monkeypatch.setattr(buildcache, "BUSY_TIMEOUT", 0.05)
    holder = sqlite3.connect(test_digest.parent / CACHE_FILE)
    holder.execute("BEGIN EXCLUSIVE")  # another build, writing
    try:
        report = Report()
        result = build_with_cache(test_digest, out, templates, report)
    finally:
        holder.rollback()
        holder.close()
    messages = [d.message for d in report.diagnostics if "build cache" in d.message]
    assert messages == ["the build cache failed (database is locked); going on without it"]
    assert not result.updated  # it could not say it was changing out: it replaced it whole
    assert read_tree(out) == full_build(test_digest, fresh, templates)
    again = build_with_cache(test_digest, out, templates, Report())
    assert not again.up_to_date and read_tree(out) == read_tree(fresh)


def test_the_guard_checks_every_page_whose_bytes_changed(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    edit(templates / "base.html", "</footer>", '</footer>\n<img src="x.png" alt="">')
    report = Report()
    with pytest.raises(BuildFailed):
        build_with_cache(test_digest, out, templates, report)
    assert any(d.message.startswith("<img> would show an image") for d in report.diagnostics)


def test_a_cached_manifest_reports_what_reading_it_would(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    cached, fresh = Report(), Report()
    build_with_cache(test_digest, out, templates, cached)  # the manifest's model from the cache
    build(test_digest, out=tmp_path / "fresh", report=fresh, templates=templates, now=BUILT_AT,
          use_cache=False)  # fmt: skip
    assert list(cached.sorted()) == list(fresh.sorted()) and fresh.diagnostics
    (test_digest.parent / "content" / "annual-report.md").unlink()  # the manifest names it
    report = Report()
    with pytest.raises(BuildFailed):
        build_with_cache(test_digest, out, templates, report)
    assert any("'content/annual-report.md' does not exist" in d.message for d in report.diagnostics)


def test_an_unchanged_write_up_is_still_checked_against_the_manifest(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    """regulator-statement links to annual-report: dropping that source breaks the link,
    though the write-up, rendered before, comes from the cache."""
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    text = test_digest.read_text()
    start = text.index("  - id: annual-report\n")
    test_digest.write_text(text[:start] + text[text.index("  - id: petition-100001\n") :])
    (test_digest.parent / "content" / "annual-report.md").unlink()
    report = Report()
    with pytest.raises(BuildFailed):
        build_with_cache(test_digest, out, templates, report)
    assert [d.message for d in report.diagnostics if d.message.startswith("link to")] == [
        "link to unknown source 'annual-report'"
    ]


def test_a_write_up_survives_the_cache_whole() -> None:
    write_up = MarkdownRenderer().write_up(
        "## Key points\n\nSee [a](source:a), [b](topic:b) and [c](#key-points).[^1]\n\n[^1]: n\n"
    )
    assert write_up.links == (("source", "a"), ("topic", "b"))
    assert write_up.anchors == ("key-points", "fn-1", "fnref-1")
    assert WriteUp.known(write_up.about(), write_up.html) == write_up


def test_a_cached_write_ups_html_is_read_only_when_a_page_shows_it(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    edit(test_digest, "  language: en-GB\n", "  language: en-GB\n  feed_entries: 1\n")
    build_with_cache(test_digest, out, templates, Report())
    asked: list[str] = []
    real = BuildCache.writeup_html

    def spy(self: BuildCache, key: str) -> str | None:
        asked.append(key)
        return real(self, key)

    monkeypatch.setattr(BuildCache, "writeup_html", spy)
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "line, corrected,")
    build_with_cache(test_digest, out, templates, Report())
    assert asked == []  # it is rendered; the others' pages and feeds (its not) are kept
    edit(templates / "source.html", "</article>", "</article>\n<!-- edited -->")
    build_with_cache(test_digest, out, templates, Report())
    assert len(asked) == len(set(asked)) == 13  # every source page shows its own, once each
    assert read_tree(out) == full_build(test_digest, fresh, templates)


def test_a_write_up_the_cache_lost_is_rendered_again(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build_with_cache(test_digest, out, templates, Report())
    monkeypatch.setattr(BuildCache, "writeup_html", lambda self, key: None)
    edit(templates / "source.html", "</article>", "</article>\n<!-- edited -->")
    build_with_cache(test_digest, out, templates, Report())
    assert read_tree(out) == full_build(test_digest, fresh, templates)


def test_a_file_changed_twice_in_the_same_instant_is_not_missed(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    """Changed just before a build, then again with the same size and (on a coarse clock)
    the same modification time: the stat the cache saw must not vouch for it."""
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    write_up = test_digest.parent / "content" / "crlf-article.md"
    stamp = time.time_ns() // 1_000_000_000 * 1_000_000_000  # this second, as FAT would say
    os.utime(write_up, ns=(stamp, stamp))
    build_with_cache(test_digest, out, templates, Report())
    write_up.write_bytes(write_up.read_bytes().replace(b"line", b"LINE", 1))
    os.utime(write_up, ns=(stamp, stamp))
    result = build_with_cache(test_digest, out, templates, Report())
    assert not result.up_to_date
    assert read_tree(out) == full_build(test_digest, fresh, templates)


def test_a_write_up_changed_during_the_build_is_a_clean_error(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    before = read_tree(out)
    article = test_digest.parent / "content" / "crlf-article.md"

    def lost_and_changed(self: BuildCache, key: str) -> str | None:
        article.write_text("## Changed meanwhile\n")
        return None

    monkeypatch.setattr(BuildCache, "writeup_html", lost_and_changed)
    edit(templates / "source.html", "</article>", "</article>\n<!-- edited -->")
    with pytest.raises(UserError) as caught:
        build_with_cache(test_digest, out, templates, Report())
    assert [(d.location.file, d.message, d.hint) for d in caught.value.diagnostics] == [
        (display_path(article), "the file changed while the site was being built", "build again")
    ]
    assert read_tree(out) == before  # nothing written


def test_a_topic_summary_edit_rewrites_that_topics_files_and_the_overviews_only(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    before = mtimes(out)
    edit(test_digest, "A topic with one source", "A topic with a single source")
    result = build_with_cache(test_digest, out, templates, Report())
    after = mtimes(out)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert result.written == len(changed)
    assert not [p for p in changed if p.startswith("sources/")]  # no source page shows it
    assert not [p for p in changed if p.startswith(("topics/alpha/", "topics/petitions/"))]
    assert "topics/quiet/index.html" in changed and "topics/quiet/feed.xml" in changed
    assert "topics/index.html" in changed


def test_a_build_later_the_same_day_changes_nothing_and_the_next_day_every_page(
    test_digest: Path, templates: Path, tmp_path: Path
) -> None:
    # Without SOURCE_DATE_EPOCH a build is made at the time it runs; pages show its day at
    # most, so a build a second or hours later the same day has nothing to do.
    out = tmp_path / "site"
    build(test_digest, out=out, report=Report(), templates=templates, now=BUILT_AT)
    for later in (dt.timedelta(seconds=1), dt.timedelta(hours=11, minutes=59)):
        result = build(test_digest, out=out, report=Report(), templates=templates,
                       now=BUILT_AT + later)  # fmt: skip
        assert result.up_to_date
    edit(test_digest.parent / "content" / "crlf-article.md", "line", "LINE")
    result = build(test_digest, out=out, report=Report(), templates=templates,
                   now=BUILT_AT + dt.timedelta(hours=1))  # fmt: skip
    assert not result.up_to_date and 0 < result.written < result.pages // 2  # not every page
    exported = json.loads((out / "data" / "sources.json").read_text(encoding="utf-8"))
    assert exported["built"] == BUILT_AT.isoformat()  # the build that made it: none since
    next_day = BUILT_AT + dt.timedelta(days=1)
    build(test_digest, out=out, report=Report(), templates=templates, now=next_day)
    fresh = tmp_path / "fresh"
    build(test_digest, out=fresh, report=Report(), templates=templates, now=next_day,
          use_cache=False)  # fmt: skip
    assert read_tree(out) == read_tree(fresh)  # every footer says the new day


def test_a_manifest_named_from_its_own_folder_keeps_the_write_ups_cached(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python build.py build, run in the digest's folder: the manifest's path is relative,
    # its write-ups' paths resolved; the cache must still know each write-up by its bytes.
    monkeypatch.chdir(test_digest.parent)
    out = tmp_path / "site"
    build(Path(test_digest.name), out=out, report=Report(), templates=templates, now=BUILT_AT)
    rendered: list[int] = []
    render_all = documents._render_all

    def counted(texts: dict[str, str], jobs: int) -> dict[str, WriteUp]:
        rendered.append(len(texts))
        return render_all(texts, jobs)

    monkeypatch.setattr(documents, "_render_all", counted)
    edit(test_digest, "A topic with one source", "A topic with a single source")
    build(Path(test_digest.name), out=out, report=Report(), templates=templates, now=BUILT_AT)
    assert rendered == [0]


def test_a_topic_edit_leaves_the_digests_bibliography_alone(
    test_digest: Path, templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it holds every source's entry, made from the sources and the site's settings: a topic's
    # summary is none of those
    out = tmp_path / "site"
    build_with_cache(test_digest, out, templates, Report())
    kept: list[AbstractSet[str]] = []
    files = bibliographies.bibliography_files

    def recorded(manifest: Manifest, unchanged: AbstractSet[str]) -> list[OutputFile]:
        kept.append(unchanged)
        return files(manifest, unchanged)

    monkeypatch.setattr(bibliographies, "bibliography_files", recorded)
    edit(test_digest, "A topic with one source", "A topic with a single source")
    build_with_cache(test_digest, out, templates, Report())
    digest_files = {bibliographies.DIGEST.path(f) for f in bibliographies.FORMATS}
    assert kept and digest_files <= kept[0]
