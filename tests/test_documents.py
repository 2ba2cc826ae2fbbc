"""Write-ups: Markdown to sanitised HTML, defects normalised, broken links reported."""

from __future__ import annotations

import re
import resource
import shutil
from pathlib import Path

import cmarkgfm
import pytest
from hypothesis import given

from research_digest.buildcache import BuildCache
from research_digest.diagnostics import Report
from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.manifest.loader import load_manifest
from research_digest.model.manifest import Manifest
from research_digest.site.documents import (
    EXTENSIONS,
    OPTIONS,
    MarkdownRenderer,
    load_about,
    load_documents,
    markdown_to_html,
    normalise,
)
from research_digest.site.sanitize import resolve_links
from tests.hostile import live_markup_problems
from tests.strategies import markupish


def load(manifest_path: Path) -> Manifest:
    manifest = load_manifest(manifest_path, Report())
    assert manifest is not None
    return manifest


def test_crlf_and_byte_order_mark_are_normalised() -> None:
    assert normalise("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"


def test_a_title_heading_becomes_h2_and_sections_keep_their_level() -> None:
    html = MarkdownRenderer().render("# Title\n\n## Section\n\n### Sub\n")
    assert (
        html
        == '<h2 id="w-title">Title</h2>\n<h2 id="w-section">Section</h2>\n<h3 id="w-sub">Sub</h3>'
    )


def test_markdown_images_never_reach_the_output() -> None:
    html = MarkdownRenderer().render("![abuse](https://evil.test/x.png) text\n")
    assert html == "<p> text</p>"


def test_footnotes_tables_and_quotes_render() -> None:
    html = MarkdownRenderer().render(
        'Said "so".[^1]\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: Note.\n'
    )
    assert "<table>" in html and "<td>1</td>" in html
    assert "\u201cso\u201d" in html  # smart quotes
    assert '<div class="footnotes">' in html and "<section" not in html
    assert 'href="#w-fn-1"' in html and 'id="w-fn-1"' in html and 'id="w-fnref-1"' in html


def test_headings_get_unique_ids_from_their_text() -> None:
    html = MarkdownRenderer().render(
        "## Key points\n\n## Key *points*\n\n## Café & co.\n\n## !!!\n\n## Key points_1\n"
    )
    ids = re.findall(r'<h2 id="([^"]+)">', html)
    assert ids == ["w-key-points", "w-key-points_1", "w-cafe-co", "w-_1", "w-key-points_2"]


def test_gfm_extras_render_and_task_boxes_do_not() -> None:
    html = MarkdownRenderer().render("~~old~~ https://example.org/a\n\n- [ ] task\n")
    assert "<del>old</del>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer">' in html
    assert "<input" not in html


def test_markdown_links_with_hostile_schemes_lose_their_href() -> None:
    html = MarkdownRenderer().render("[x](javascript:alert(1)) [y](data:text/html,hi)\n")
    assert "javascript" not in html and "data:" not in html


def test_the_renderer_forgets_one_document_before_the_next() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("A[^1]\n\n[^1]: one\n")
    second = renderer.render("B[^1]\n\n[^1]: two\n")
    assert "one" in first and "one" not in second


GFM = """# Title

Text with *emphasis*, ~~struck~~, "quotes" -- and a footnote.[^1] https://example.org/

| a | b |
|---|---|
| 1 | 2 |

<script>alert(1)</script>

- [ ] a task

[^1]: The note.
"""


def test_markdown_renders_as_cmarkgfms_own_wrapper_does() -> None:
    ours = markdown_to_html(GFM)
    assert ours == cmarkgfm.markdown_to_html_with_extensions(
        GFM, options=OPTIONS, extensions=list(EXTENSIONS)
    )
    assert "<table>" in ours and "<del>" in ours and "footnote" in ours


def test_markdown_rendering_frees_what_cmark_allocates() -> None:
    """cmarkgfm's wrapper leaks about 48 KB a document; 2,000 renders would take 100 MB."""
    text = GFM * 20
    markdown_to_html(text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(2000):
        markdown_to_html(text)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 20


def test_documents_load_with_word_counts(test_digest: Path) -> None:
    report = Report()
    documents = load_documents(load(test_digest), report)
    assert report.diagnostics == []
    crlf = documents["crlf-article"]
    assert "\r" not in crlf.html and "\ufeff" not in crlf.html
    assert crlf.word_count == 27  # headings included


def test_broken_internal_links_are_reported_where_they_are(test_digest: Path) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_text("## S\n\nSee [a](source:anual-report)\nand [t](topic:alfa).\n")
    report = Report()
    load_documents(load(test_digest), report)
    assert [d.format() for d in report.sorted()] == [
        f"{path}:3:9: error: link to unknown source 'anual-report'\n"
        "  hint: did you mean 'annual-report'?",
        f"{path}:4:9: error: link to unknown topic 'alfa'\n  hint: did you mean 'alpha'?",
    ]


RELATIVE_HINT = (
    "  hint: link to a source with (source:ID), a topic with (topic:ID), or another site with "
    "its full https:// address"
)


def test_relative_links_are_errors_with_a_hint(test_digest: Path) -> None:
    """The site's addresses are not the files': a relative link would silently lose its href."""
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_text(
        "## S\n\nSee [the other](../other/), [a page](page.html)\nand [a site](www.gov.uk/x), "
        "[the top](/), [nothing]().\n\nKept: [a](https://a.test/), [m](mailto:a@b.test), "
        "[s](source:annual-report), [h](#s), <a href=\"raw.html\">raw HTML</a> ('check' "
        "refuses it), [j](java%09script:x) ('check' refuses it).\n"
    )
    report = Report()
    load_documents(load(test_digest), report)
    assert [d.format() for d in report.sorted()] == [
        f"{path}:3:16: error: link to '../other/': a relative address, which the site would "
        f"drop\n{RELATIVE_HINT}",
        f"{path}:3:37: error: link to 'page.html': a relative address, which the site would "
        f"drop\n{RELATIVE_HINT}",
        f"{path}:4:13: error: link to 'www.gov.uk/x': a relative address, which the site would "
        "drop\n  hint: did you mean 'https://www.gov.uk/x'?",
        f"{path}:4:38: error: link to '/': a relative address, which the site would drop\n"
        f"{RELATIVE_HINT}",
        f"{path}:4:51: error: a link with no address, which the site would drop\n{RELATIVE_HINT}",
    ]


def test_relative_links_are_reported_again_from_the_build_cache(
    test_digest: Path, tmp_path: Path
) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_text("## S\n\nSee [the other](../other/).\n")
    manifest = load(test_digest)
    for _ in range(2):  # rendered, then known from the cache without being read
        cache = BuildCache.open(tmp_path, Report())
        report = Report()
        hashes = cache.file_hashes(s.document for s in manifest.sources)
        load_documents(manifest, report, cache, hashes)
        cache.close()
        assert [d.message for d in report.sorted()] == [
            "link to '../other/': a relative address, which the site would drop"
        ]


def test_an_unreadable_write_up_is_an_error_at_its_place(test_digest: Path) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_bytes(b"## S\n\ncaf\xe9\n")
    report = Report()
    load_documents(load(test_digest), report)
    assert [d.format() for d in report.sorted()] == [
        f"{path}:3:4: error: not valid UTF-8 (byte 0xe9)\n  hint: save the file as UTF-8"
    ]


def test_a_write_up_holding_a_control_character_is_an_error_at_its_place(
    test_digest: Path,
) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_bytes("## S\n\ncafé\x0c text\n".encode())
    report = Report()
    load_documents(load(test_digest), report)
    assert [d.format() for d in report.sorted()] == [
        f"{path}:3:5: error: holds the character U+000C, which no page or feed can carry\n"
        "  hint: delete it: it may have come in with a copy and paste"
    ]


def test_an_empty_write_up_is_a_warning(test_digest: Path) -> None:
    path = test_digest.parent / "content" / "annual-report.md"
    path.write_text("\n")
    report = Report()
    load_documents(load(test_digest), report)
    assert [d.format() for d in report.sorted()] == [
        f"{path}:1:1: warning: the write-up is empty\n"
        "  hint: summarise the source in your own words"
    ]


def test_a_write_up_deleted_after_validation_is_an_error(test_digest: Path) -> None:
    manifest = load(test_digest)
    shutil.rmtree(test_digest.parent / "content")
    report = Report()
    assert load_documents(manifest, report) == {}
    assert len(report.diagnostics) == len(manifest.sources)
    first = next(report.sorted())
    assert first.message.startswith("cannot read ") and first.message.endswith(
        ": No such file or directory"
    )
    assert first.location.file.endswith("sources.yaml")


def test_the_about_text_is_rendered(test_digest: Path) -> None:
    report = Report()
    html = load_about(load(test_digest), report)
    assert html is not None and 'href="topic:alpha"' in html
    assert report.diagnostics == []


# -- properties (hypothesis) ------------------------------------------------------------------


@pytest.mark.property
@given(text=markupish)
def test_any_markdown_renders_to_inert_html(text: str) -> None:
    """Whatever a contributor writes, the write-up is text, structure and safe links only
    (source: and topic: links are the page's to resolve: here none resolves)."""
    write_up = MarkdownRenderer().write_up(text)
    assert live_markup_problems(resolve_links(write_up.html, lambda kind, target: None)) == []
    assert not FORBIDDEN_CHARACTERS.search(write_up.html)
    assert write_up.words >= 0 and all(kind in ("source", "topic") for kind, _ in write_up.links)
