"""The synthetic digest as other generators' sources: Hugo, Eleventy and Pelican.

Each gets one Markdown page a source, holding the source's write-up with its title, date,
summary and topics (as tags), and a minimal site from ``bench/peer_sites/``: a layout for
each source's page, a page for each tag, a list of every page (Pelican: its default theme).
Links between write-ups (``source:ID``, ``topic:ID``) become the peers' own addresses
(``/sources/ID/``, ``/tags/ID/``).

What each makes of them differs a little, as their defaults do: Hugo and Pelican render
footnotes, Eleventy's markdown-it leaves them as text; Hugo and Pelican write feeds (of the
newest 50, as our build does), Eleventy none; Pelican's theme adds archives and a category.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

SITES = Path(__file__).resolve().parent / "peer_sites"
LINK = re.compile(r"\]\((source|topic):([a-z0-9-]+)\)")


@dataclass(frozen=True)
class Page:
    """One source of the digest, as a page of any generator."""

    id: str
    title: str
    date: dt.date
    topics: tuple[str, ...]
    summary: str
    text: str  # the write-up's Markdown, its links to sources and topics made plain


def read_pages(manifest: Path) -> list[Page]:
    """Every source of a digest, with its write-up."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with manifest.open() as f:
        data = yaml.load(f, Loader=loader)
    return [_page(entry, manifest.parent) for entry in data["sources"]]


def _page(entry: dict[str, object], root: Path) -> Page:
    added, topics = entry["added"], entry["topics"]
    assert isinstance(added, dt.date) and isinstance(topics, list), entry
    return Page(
        id=str(entry["id"]),
        title=str(entry["title"]),
        date=added,
        topics=tuple(str(t) for t in topics),
        summary=" ".join(str(entry["summary"]).split()),
        text=LINK.sub(_plain_link, (root / str(entry["document"])).read_text()),
    )


def _plain_link(match: re.Match[str]) -> str:
    folder = "sources" if match[1] == "source" else "tags"
    return f"](/{folder}/{match[2]}/)"


def write_hugo(pages: list[Page], folder: Path) -> None:
    """A Hugo site: content/sources/ID.md, a single and a list layout."""
    _write(pages, folder, "hugo", "content/sources", front_matter)


def write_eleventy(pages: list[Page], folder: Path) -> None:
    """An Eleventy site: sources/ID.md under one Nunjucks layout, a page a tag, an index."""
    _write(pages, folder, "eleventy", "sources", front_matter)


def write_pelican(pages: list[Page], folder: Path) -> None:
    """A Pelican site: content/sources/ID.md with its metadata, in the default theme."""
    _write(pages, folder, "pelican", "content/sources", pelican_metadata)


def front_matter(page: Page) -> str:
    """YAML front matter, each string quoted as JSON quotes it (which YAML reads too)."""
    return "\n".join([
        "---",
        f"title: {json.dumps(page.title)}",
        f"date: {page.date.isoformat()}",
        f"summary: {json.dumps(page.summary)}",
        f"tags: {json.dumps(list(page.topics))}",
        "---",
        "",
    ])  # fmt: skip


def pelican_metadata(page: Page) -> str:
    """Pelican's Markdown metadata: one 'Key: value' line each, then a blank line."""
    return "\n".join([
        f"Title: {page.title}",
        f"Date: {page.date.isoformat()}",
        f"Slug: {page.id}",
        f"Tags: {', '.join(page.topics)}",
        f"Summary: {page.summary}",
        "",
        "",
    ])  # fmt: skip


def _write(pages: list[Page], folder: Path, site: str, under: str,
           head: Callable[[Page], str]) -> None:  # fmt: skip
    shutil.copytree(SITES / site, folder)
    (folder / under).mkdir(parents=True, exist_ok=True)
    for page in pages:
        (folder / under / f"{page.id}.md").write_text(head(page) + page.text)
