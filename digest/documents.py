"""Read each source's Markdown write-up and render it to sanitised HTML.

Contributors' files arrive with the defects of real documents: Windows line
endings, a byte-order mark, stray carriage returns. They are normalised before
rendering. A write-up's sections are ``##`` headings; a ``#`` heading is
demoted to ``<h2>`` too, since the page has one ``<h1>``: the source's title.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from digest.diagnostics import Location, Report, did_you_mean, display_path
from digest.files import read_text
from digest.model import Document, Manifest
from digest.sanitize import ID_PREFIX, internal_links, sanitize, text_of

EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]
_ID = re.compile(r'\bid="([^"]+)"')
_FRAGMENT_LINK = re.compile(r'<a\b[^>]*\bhref="#([^"]+)"')


class _DemoteTitles(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter("h1"):
            element.tag = "h2"


class _DemoteTitlesExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_DemoteTitles(md), "demote_titles", 4)


class MarkdownRenderer:
    """Markdown to sanitised HTML, reusing one parser for every document."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _DemoteTitlesExtension()], output_format="html"
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return sanitize(self._md.convert(normalise(text)))


def normalise(text: str) -> str:
    """Normalise line endings and drop a byte-order mark."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def load_documents(manifest: Manifest, report: Report) -> dict[str, Document]:
    """Render every source's write-up; report unreadable files and broken internal links."""
    renderer = MarkdownRenderer()
    documents = {}
    for source in manifest.sources:
        file = display_path(source.document, relative_to=manifest.display_root)
        text = read_text(source.document, report, file=file, cited_at=source.where("document"))
        if text is None:
            continue
        html = renderer.render(text)
        words = len(text_of(html).split())
        if not words:
            report.warning(
                Location(file, 1, 1),
                "the write-up is empty",
                "summarise the source in your own words",
            )
        check_internal_links(manifest, html, text, file, report)
        documents[source.id] = Document(source.id, html, words, normalise(text), file)
    return documents


def load_about(manifest: Manifest, report: Report) -> str | None:
    """Render the about page's own text, if the manifest names one."""
    about = manifest.site.about
    if about is None:
        return None
    file = display_path(about, relative_to=manifest.display_root)
    text = read_text(about, report, file=file)
    if text is None:
        return None
    html = MarkdownRenderer().render(text)
    check_internal_links(manifest, html, text, file, report)
    return html


def check_internal_links(
    manifest: Manifest, html: str, text: str, file: str, report: Report
) -> None:
    """Report links to sources or topics the manifest does not define."""
    known = {
        "source": [s.id for s in manifest.sources],
        "topic": [t.id for t in manifest.topics],
    }
    for kind, target in dict.fromkeys(internal_links(html)):
        if target not in known[kind]:
            report.error(
                _find(text, f"{kind}:{target}", file),
                f"link to unknown {kind} {target!r}",
                did_you_mean(target, known[kind]) or _examples(kind, known[kind]),
            )
    ids = {i.removeprefix(ID_PREFIX) for i in _ID.findall(html)}
    for fragment in dict.fromkeys(_FRAGMENT_LINK.findall(html)):
        anchor = fragment.removeprefix(ID_PREFIX)
        if anchor not in ids:
            report.error(
                _find(text, f"(#{anchor})", file),
                f"link to #{anchor}, which the write-up does not have",
                did_you_mean(anchor, ids)
                or "link to a heading's id: '## Key points' is #key-points",
            )


def _examples(kind: str, ids: Iterable[str]) -> str | None:
    first = next(iter(ids), None)
    return f"link with ({kind}:ID), e.g. ({kind}:{first})" if first else None


def _find(text: str, needle: str, file: str) -> Location:
    match = re.search(re.escape(needle), normalise(text))
    if not match:
        return Location(file, 1, 1)
    before = normalise(text)[: match.start()]
    return Location(file, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1)
