"""The site's map: which pages exist, the timelines, archive links and when pages changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from research_digest.cli import main
from research_digest.diagnostics import Report
from research_digest.site import pages, timeline
from tests.conftest import TEMPLATES, build_digest, load_digest, read_tree

DIGEST = load_digest()
M = DIGEST.manifest


def by_path() -> dict[str, pages.Page]:
    return {p.path: p for p in pages.site_pages(DIGEST)}


def test_every_kind_of_page_is_listed_once() -> None:
    paths = [p.path for p in pages.site_pages(DIGEST)]
    assert len(paths) == len(set(paths))
    for expected in ("", "topics/", "topics/alpha/", "topics/alpha/timeline/", "timeline/",
                     "petitions/", "data/", "search/", "about/", "404.html",
                     "sources/annual-report/"):  # fmt: skip
        assert expected in paths


def test_archive_links_point_at_the_wayback_machine_on_the_day_added() -> None:
    page = by_path()["sources/annual-report/"]
    assert page.context["archive"] == (
        "https://web.archive.org/web/20260110/https://charity.test/report.pdf"
    )
    assert by_path()["sources/crlf-article/"].context["archive"] is None  # no url


def test_a_page_changes_when_a_source_is_updated_or_its_petition_fetched() -> None:
    statement = M.source("regulator-statement")
    assert (statement.added, statement.updated) == (dt.date(2026, 1, 6), dt.date(2026, 1, 20))
    assert pages.last_changed(DIGEST, [statement]) == dt.date(2026, 1, 20)
    petition = dataclasses.replace(M.source("petition-100002"), added=dt.date(2026, 1, 1))
    assert pages.last_changed(DIGEST, [petition]) == dt.date(2026, 2, 6)  # fetched then
    assert pages.last_changed(DIGEST, [statement, petition]) == dt.date(2026, 2, 6)
    assert pages.last_changed(DIGEST, []) is None
    assert by_path()["404.html"].updated is None


def test_json_ld_fits_each_kind_of_page() -> None:
    kinds = {
        path: json.loads(page.json_ld)["@type"]
        for path, page in by_path().items()
        if page.json_ld is not None
    }
    assert kinds[""] == "WebSite"
    assert kinds["topics/alpha/"] == "CollectionPage"
    assert kinds["data/"] == "Dataset"
    assert kinds["sources/annual-report/"] == "Article"
    dataset = json.loads(by_path()["data/"].json_ld or "")
    assert [(d["encodingFormat"], d["contentUrl"]) for d in dataset["distribution"]] == [
        ("application/json", "https://digest.test/sub/path/data/sources.json"),
        ("text/csv", "https://digest.test/sub/path/data/sources.csv"),
        ("application/x-bibtex", "https://digest.test/sub/path/data/digest.bib"),
        ("application/x-research-info-systems", "https://digest.test/sub/path/data/digest.ris"),
        ("application/vnd.citationstyles.csl+json",
         "https://digest.test/sub/path/data/digest.csl.json"),
    ]  # fmt: skip


def test_data_files_hold_the_export_and_the_bibliographies_not_a_file_per_source() -> None:
    files = [f.path for f in pages.data_files(DIGEST)]
    assert files == [
        "data/sources.json", "data/sources.csv", "data/sources.schema.json",
        "data/digest.bib", "data/digest.ris", "data/digest.csl.json",
        "topics/alpha/sources.bib", "topics/alpha/sources.ris", "topics/alpha/sources.csl.json",
        "topics/petitions/sources.bib", "topics/petitions/sources.ris",
        "topics/petitions/sources.csl.json",
        "topics/quiet/sources.bib", "topics/quiet/sources.ris", "topics/quiet/sources.csl.json",
    ]  # fmt: skip
    unchanged = frozenset(files) - {"topics/quiet/sources.ris"}
    assert [f.path for f in pages.data_files(DIGEST, unchanged)] == [
        "topics/quiet/sources.bib", "topics/quiet/sources.ris", "topics/quiet/sources.csl.json",
    ]  # fmt: skip


SMALL = """\
site:
  title: A Small Digest
  description: One source, no petition, no date.
  base_url: https://small.test/
  language: en
  contact: {email: editors@small.test}
  licence: {name: CC BY 4.0}
topics:
  - id: only
    title: The only topic
    summary: What it covers.
sources:
  - id: one
    kind: report
    title: The one source
    url: https://news.test/one
    publisher: News
    published: {published}
    added: 2026-01-06
    topics: [only]
    document: content/one.md
    summary: Says one thing.
"""


@pytest.mark.parametrize("published", ["unknown", "2026-01-05"])
def test_a_section_with_nothing_in_it_has_no_page_link_or_text(
    tmp_path: Path, published: str
) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "one.md").write_text("## Summary\n\n" + "It says one thing. " * 20)
    (tmp_path / "sources.yaml").write_text(SMALL.replace("{published}", published))
    build_digest(tmp_path / "sources.yaml", tmp_path / "site")
    site = read_tree(tmp_path / "site")
    dated = published != "unknown"
    assert "petitions/index.html" not in site
    assert ("timeline/index.html" in site) == dated
    assert ("topics/only/timeline/index.html" in site) == dated
    pages = {path: content.decode() for path, content in site.items() if path.endswith(".html")}
    for path, text in pages.items():
        assert "petitions/" not in text and "Open Government Licence" not in text, path
    linking = {path for path, text in pages.items() if "timeline/" in text}
    assert (linking == set()) != dated and ("index.html" in linking) == dated
    assert b"petitions" not in site["sitemap.xml"]
    err = io.StringIO()
    assert main(["check", "--strict", "--manifest", str(tmp_path / "sources.yaml"),
                 "--templates", str(TEMPLATES)], stderr=err) == 0, err.getvalue()  # fmt: skip


def test_long_lists_are_split_over_pages_linked_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10,000 sources /timeline/ was one 2.6 MB page: lists are now split, page n at
    <list>/page/n/, with the previous and next pages linked, and every month of a timeline
    linked from every page of it."""
    from bench.synthetic import write_digest

    monkeypatch.setattr(timeline, "MOMENTS_PER_PAGE", 40)
    manifest = write_digest(tmp_path / "d", 120, topics=3, petitions=0)
    report = Report()
    build_digest(manifest, tmp_path / "site", report=report)
    site = read_tree(tmp_path / "site")
    pages = sorted(p for p in site if "/page/" in p or p.startswith("page/"))
    assert "page/2/index.html" in pages and "page/3/index.html" in pages  # 120 at 50 a page
    assert "page/4/index.html" not in pages
    assert "topics/topic-01/page/2/index.html" in pages
    assert any(p.startswith("timeline/page/") for p in pages)
    two = site["page/2/index.html"].decode()
    assert '<a href="../../" rel="prev">Previous page</a>' in two
    assert '<a href="../3/" rel="next">Next page</a>' in two
    assert '<a href="./" aria-current="page">2</a>' in two
    assert 'href="page/2/" rel="next"' in site["index.html"].decode()
    last = max(p for p in pages if p.startswith("timeline/page/"))
    last_page = site[last].decode()
    first_month = site["timeline/index.html"].decode().split('<h2 id="m', 1)[1].split('"', 1)[0]
    assert f'href="../../#m{first_month}"' in last_page  # a month on the first page
    assert 'rel="next"' not in last_page
    err = io.StringIO()  # every link between the pages leads somewhere
    main(["check", "--manifest", str(manifest), "--templates", str(TEMPLATES)], stderr=err)
    assert "which the site does not have" not in err.getvalue()
    assert "(site)" not in err.getvalue()
