"""Check every link of the rendered site that stays on the site, and every anchor. Pure.

A link stays on the site when it is relative, rooted at the site's path, or
absolute under ``site.base_url`` (canonical links, feeds, the sitemap). Each
must name a file the site has (a folder means its index.html) and, with a
``#fragment``, an element of that page with that id.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from research_digest.diagnostics import Location, Report
from research_digest.model.outputs import OutputFile
from research_digest.site.sanitize import ID_PREFIX

_XML_LINK = re.compile(r"""(?:href=["']([^"']+)["']|<loc>([^<]+)</loc>|<link>([^<]+)</link>)""")


class _Page(HTMLParser):
    """Collect a page's ids and its links, with where each link stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        href = values.get("href")
        if tag in ("a", "link") and href:
            line, offset = self.getpos()
            self.links.append((href, line, offset + 1))


def check_links(
    files: Sequence[OutputFile], base_url: str, report: Report, *, shown_as: str
) -> int:
    """Report links to pages or anchors the site does not have; return how many were checked."""
    pages = {f.path: f for f in files}
    ids: dict[str, set[str]] = {}
    links: dict[str, list[tuple[str, int, int]]] = {}
    for file in files:
        if file.path.endswith(".html"):
            parser = _Page()
            parser.feed(file.content.decode("utf-8"))
            ids[file.path], links[file.path] = parser.ids, parser.links
        elif file.path.endswith(".xml"):
            links[file.path] = list(_xml_links(file.content.decode("utf-8")))
    checked = 0
    base_path = urlsplit(base_url).path
    for page, found in links.items():
        for href, line, column in found:
            target = _target(href, page, base_url, base_path)
            if target is None:
                continue
            checked += 1
            path, fragment = target
            where = Location(f"{shown_as}/{page}", line, column)
            if path not in pages:
                report.error(where, f"a link to {href!r}, which the site does not have",
                             "check the templates, or the link in the write-up")  # fmt: skip
            elif page.endswith(".xml") or fragment.startswith(ID_PREFIX):
                continue  # a write-up's own anchors are checked in the write-up
            elif fragment and fragment not in ids.get(path, set()):
                report.error(where, f"a link to {href!r}: {path} has no element with the id "
                             f"{fragment!r}")  # fmt: skip
    return checked


def _target(href: str, page: str, base_url: str, base_path: str) -> tuple[str, str] | None:
    """The output path and fragment a link leads to, or None if it leaves the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if not href.startswith(base_url):
            return None  # another site: checked with --external
        path = href[len(base_url) :].split("#")[0].split("?")[0]
    elif parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return parts.path, ""  # outside the site's path: no page has it
        path = parts.path[len(base_path) :]
    elif not parts.path:
        path = page  # '#fragment' on this page
    else:
        folder = page if page.endswith("/") else posixpath.dirname(page) + "/"
        path = posixpath.normpath(posixpath.join(folder.lstrip("/"), parts.path))
        if parts.path.endswith("/") or path == ".":
            path = "" if path == "." else path + "/"
    path = unquote(path)
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path, unquote(parts.fragment)


def _xml_links(text: str) -> Iterator[tuple[str, int, int]]:
    for match in _XML_LINK.finditer(text):
        href = next(g for g in match.groups() if g is not None).strip()
        before = text[: match.start()]
        yield href, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
