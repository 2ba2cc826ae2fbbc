"""The digest's bibliographies, to import at once, and the entries a source page shows. Pure.

One file a format for the whole digest (``data/digest.bib``, ``.ris``, ``.csl.json``) and
for each topic with sources (``topics/<id>/sources.bib``...). A source page shows its own
entry in each format, made by the same function as the files (``bibliography``): what a
reader copies from the page is what the files hold for that source.

Entries are in the order of their sources' ids, which are also their BibTeX keys (unique
across the digest, as ids are): an edit changes a file only where its source's entry is,
and a file's diff shows what changed.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from research_digest.model.manifest import Manifest, Site, Source, Topic
from research_digest.model.outputs import OutputFile
from research_digest.site import citations


@dataclass(frozen=True)
class Format:
    """A citation format: its id (``cite-<id>`` on a source page), name, file extension and
    media type."""

    id: str
    label: str
    extension: str
    media_type: str


FORMATS = (
    Format("bibtex", "BibTeX", "bib", "application/x-bibtex"),
    Format("ris", "RIS", "ris", "application/x-research-info-systems"),
    Format("csl-json", "CSL-JSON", "csl.json", "application/vnd.citationstyles.csl+json"),
)


@dataclass(frozen=True)
class Bibliography:
    """Where a set of sources' citations are published: the whole digest's, or a topic's."""

    name: str  # 'digest', or the topic's id: the name a download is saved under
    title: str  # 'The whole digest', or the topic's title
    stem: str  # the files' path without the extension: 'data/digest', 'topics/<id>/sources'

    def path(self, format: Format) -> str:
        return f"{self.stem}.{format.extension}"

    def download(self, format: Format) -> str:
        return f"{self.name}.{format.extension}"


def bibliography(format: Format, sources: Sequence[Source], site: Site) -> str:
    """The sources' entries in one format, in the order given: a bibliography file's text,
    and, for one source, what its page shows."""
    return joined(format, [entry(format, source, site) for source in sources])


def entry(format: Format, source: Source, site: Site) -> str:
    """A source's entry in one format, as a bibliography holds it."""
    if format.id == "bibtex":
        return citations.bibtex(source, site)
    if format.id == "ris":
        return citations.ris(source, site)
    item = json.dumps(citations.csl(source, site), indent=2, ensure_ascii=False)
    return textwrap.indent(item, "  ")  # an item of the file's array


def joined(format: Format, entries: Sequence[str]) -> str:
    """Entries of one format as a file holds them."""
    if format.id == "bibtex":
        return "\n".join(entries)  # a blank line between entries
    if format.id == "ris":
        return "\r\n".join(entries)
    return "[\n" + ",\n".join(entries) + "\n]\n" if entries else "[]\n"  # json.dumps's layout


def shown_on_page(source: Source, site: Site) -> list[tuple[Format, str]]:
    """A source's entry in each format, as its page shows it: the files' text, its line ends
    as HTML has them (a browser reads RIS's CR LF as LF, and so does a copy)."""
    return [(f, bibliography(f, [source], site).replace("\r\n", "\n")) for f in FORMATS]


DIGEST = Bibliography("digest", "The whole digest", "data/digest")


def bibliographies(manifest: Manifest) -> list[tuple[Bibliography, list[Source]]]:
    """The whole digest's bibliography, then each topic's, with their sources in order; none
    without sources."""
    found = [(DIGEST, manifest.sources)]
    found += [(topic_bibliography(t), manifest.sources_in(t.id)) for t in manifest.topics]
    return [(b, by_id(sources)) for b, sources in found if sources]


def of_source(source: Source, manifest: Manifest) -> list[Bibliography]:
    """The bibliographies a source is in: the whole digest's, then its topics'."""
    return [DIGEST] + [topic_bibliography(manifest.topic(t)) for t in source.topics]


def topic_bibliography(topic: Topic) -> Bibliography:
    return Bibliography(topic.id, topic.title, f"topics/{topic.id}/sources")


def bibliography_files(
    manifest: Manifest, unchanged: AbstractSet[str] = frozenset()
) -> list[OutputFile]:
    """Every bibliography in every format, but those whose files are all in unchanged. They
    are made from the manifest alone."""
    files: list[OutputFile] = []
    made: dict[tuple[str, str], str] = {}  # each source's entries, made once

    def entries(format: Format, sources: Sequence[Source]) -> list[str]:
        for source in sources:
            if (format.id, source.id) not in made:
                made[format.id, source.id] = entry(format, source, manifest.site)
        return [made[format.id, source.id] for source in sources]

    for found, sources in bibliographies(manifest):
        paths = [found.path(f) for f in FORMATS]
        if not all(path in unchanged for path in paths):
            files += [OutputFile(path, joined(f, entries(f, sources)).encode())
                      for path, f in zip(paths, FORMATS, strict=True)]  # fmt: skip
    return files


def by_id(sources: Sequence[Source]) -> list[Source]:
    """Sources in the order of their ids: a bibliography's order."""
    return sorted(sources, key=lambda source: source.id)
