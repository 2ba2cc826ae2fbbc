"""The side-by-side benchmark's parts: the peers' corpora, skipping a peer, the report.

No timing is asserted and nothing is installed: Hugo, Eleventy and Pelican are not needed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bench import peers
from bench.corpora import Page, read_pages, write_eleventy, write_hugo, write_pelican
from bench.peers_bench import Figures, report
from bench.synthetic import write_digest

ROOT = Path(__file__).resolve().parent.parent
Writer = Callable[[list[Page], Path], None]


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_digest(tmp_path_factory.mktemp("digest"), 40, topics=6, petitions=10)


def test_every_source_becomes_a_page_with_plain_links(digest: Path) -> None:
    pages = read_pages(digest)
    assert [p.id for p in pages] == [f"source-{n:05d}" for n in range(40)]
    assert all(p.topics and p.title and p.summary for p in pages)
    text = "".join(p.text for p in pages)
    assert "](source:" not in text and "](topic:" not in text
    assert "](/sources/source-" in text and "](/tags/topic-" in text


@pytest.mark.parametrize(
    ("write", "pages_under", "site_files"),
    [
        (write_hugo, "content/sources", {"hugo.toml", "layouts/_default/single.html",
                                         "layouts/_default/list.html"}),
        (write_eleventy, "sources", {"_includes/source.njk", "_data/site.json", "tags.njk",
                                     "index.njk", "sources/sources.11tydata.json"}),
        (write_pelican, "content/sources", {"pelicanconf.py"}),
    ],
)  # fmt: skip
def test_each_peer_gets_one_page_a_source_and_its_site(
    digest: Path, tmp_path: Path, write: Writer, pages_under: str, site_files: set[str]
) -> None:
    pages = read_pages(digest)
    write(pages, tmp_path / "corpus")
    found = {p.relative_to(tmp_path / "corpus").as_posix() for p in
             (tmp_path / "corpus").rglob("*") if p.is_file()}  # fmt: skip
    assert found == site_files | {f"{pages_under}/{p.id}.md" for p in pages}
    first = (tmp_path / "corpus" / pages_under / f"{pages[0].id}.md").read_text()
    assert first.endswith(pages[0].text)


def test_front_matter_is_yaml_that_keeps_every_field(digest: Path, tmp_path: Path) -> None:
    pages = read_pages(digest)
    write_hugo(pages, tmp_path / "corpus")
    for page in pages:
        text = (tmp_path / "corpus" / "content" / "sources" / f"{page.id}.md").read_text()
        _, head, body = text.split("---\n", 2)
        fields = {"title": page.title, "date": page.date, "summary": page.summary,
                  "tags": list(page.topics)}  # fmt: skip
        assert yaml.safe_load(head) == fields
        assert body == page.text


def test_pelican_metadata_is_a_line_a_field_then_a_blank_line(digest: Path, tmp_path: Path) -> None:
    page = read_pages(digest)[0]
    write_pelican([page], tmp_path / "corpus")
    text = (tmp_path / "corpus" / "content" / "sources" / f"{page.id}.md").read_text()
    head = text.split("\n\n", 1)[0].splitlines()
    assert head == [f"Title: {page.title}", f"Date: {page.date.isoformat()}",
                    f"Slug: {page.id}", f"Tags: {', '.join(page.topics)}",
                    f"Summary: {page.summary}"]  # fmt: skip


def figures(wall: float, peak: float, files: int = 100, size: int = 10**6) -> Figures:
    return Figures(wall=wall, cpu=wall * 1.5, peak_mb=peak, files=files, bytes=size,
                   loads=(1.0, 2.5))  # fmt: skip


def test_the_report_gives_figures_ratios_and_targets() -> None:
    found = {
        ("ours", 1000): figures(3.0, 100, 400, 4 * 10**6),
        ("hugo", 1000): figures(2.0, 100),
        ("ours", 10000): figures(24.0, 300, 4000, 40 * 10**6),
        ("hugo", 10000): figures(20.0, 700, 1000, 10**7),
    }
    lines = report(found, [1000, 10000], ["ours", "hugo"], header=["# header"])
    assert lines == [
        "# header",
        "",
        "1,000 sources:",
        "",
        "| generator | files | bytes | wall time | CPU time | peak memory | load before each run |",
        "|---|---|---|---|---|---|---|",
        "| ours | 400 | 4.0 MB | 3.00 s | 4.50 s | 100 MB | 1.00, 2.50 |",
        "| hugo | 100 | 1.0 MB | 2.00 s | 3.00 s | 100 MB | 1.00, 2.50 |",
        "",
        "| ours / peer | files | bytes | wall time | CPU time | peak memory |",
        "|---|---|---|---|---|---|",
        "| hugo | 4.00 | 4.00 | 1.50 | 1.50 | 1.00 |",
        "",
        "10,000 sources:",
        "",
        "| generator | files | bytes | wall time | CPU time | peak memory | load before each run |",
        "|---|---|---|---|---|---|---|",
        "| ours | 4,000 | 40.0 MB | 24.00 s | 36.00 s | 300 MB | 1.00, 2.50 |",
        "| hugo | 1,000 | 10.0 MB | 20.00 s | 30.00 s | 700 MB | 1.00, 2.50 |",
        "",
        "| ours / peer | files | bytes | wall time | CPU time | peak memory |",
        "|---|---|---|---|---|---|",
        "| hugo | 4.00 | 4.00 | 1.20 | 1.20 | 0.43 |",
        "",
        "Targets (issue 18):",
        "",
        "- full build at 1,000 sources: wall time: 1.50 times Hugo's (at most 2.0: met)",
        "- peak memory at 1,000 sources: 1.00 times Hugo's (at most 0.5: **not met**)",
        "- full build at 10,000 sources: wall time: 1.20 times Hugo's (at most 1.2: met)",
        "- peak memory at 10,000 sources: 0.43 times Hugo's (at most 0.5: met)",
        "- ours: full build time grows 8.0-fold from 1,000 to 10,000 sources (at most 8-fold: met)",
        "- hugo: full build time grows 10.0-fold from 1,000 to 10,000 sources",
    ]


def test_without_hugo_the_report_says_its_targets_cannot_be_judged() -> None:
    lines = report({("ours", 1000): figures(3.0, 100)}, [1000], ["ours"], header=[])
    assert "ours / peer" not in "\n".join(lines)
    assert lines[-1] == "- Hugo was not measured: the targets against it cannot be judged"


def test_a_peer_that_cannot_be_installed_is_skipped_saying_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(install: bool, say: object) -> peers.Peer:
        raise peers.Unavailable("not installed (Debian: apt-get install hugo)")

    def present(install: bool, say: object) -> peers.Peer:
        return peers.Peer("pelican", "Pelican 4.12.0", write_pelican, lambda out: ["true"])

    monkeypatch.setitem(peers.PEERS, "hugo", missing)
    monkeypatch.setitem(peers.PEERS, "pelican", present)
    said: list[str] = []
    found = peers.find_peers(["hugo", "pelican"], install=False, say=said.append)
    assert [peer.name for peer in found] == ["pelican"]
    assert said == ["skipping hugo: not installed (Debian: apt-get install hugo)"]


def test_the_side_by_side_benchmark_runs_as_a_script() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "peers_bench.py"), "--help"],
                          capture_output=True, text=True, check=False, cwd="/")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: peers_bench.py")
    assert "deleted only after the timing" in " ".join(done.stdout.split())
