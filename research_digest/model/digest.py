"""Everything a render needs: the manifest, the write-ups rendered, the petition data
and the build's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from research_digest.model.manifest import Manifest
from research_digest.model.petitions import PetitionRecord


@dataclass(frozen=True)
class Document:
    """A source's write-up, rendered to sanitised HTML.

    Links to other sources and topics stay as ``source:ID`` / ``topic:ID``
    until a page or feed resolves them for its own location.
    """

    source_id: str
    html: str
    word_count: int
    text: str = ""  # the Markdown, normalised, for the lint rules
    file: str = ""  # its path as diagnostics show it
    digest: str = ""  # the hash of the file's bytes, which the HTML is made from

    @property
    def fingerprint(self) -> str:
        """What changes whenever the HTML does: the file's hash, else the HTML itself."""
        return self.digest or self.html


class CachedDocument(Document):
    """A write-up the build cache had rendered before: its HTML is read from the cache only
    when something shows it (most pages of a rebuild are kept as they were)."""

    def __init__(
        self, source_id: str, word_count: int, file: str, digest: str, load: Callable[[], str]
    ) -> None:
        for name, value in (("source_id", source_id), ("word_count", word_count), ("text", ""),
                            ("file", file), ("digest", digest)):  # fmt: skip
            object.__setattr__(self, name, value)
        self.__dict__["_load"] = load

    @property
    def html(self) -> str:
        if "_html" not in self.__dict__:
            self.__dict__["_html"] = self.__dict__["_load"]()
        return str(self.__dict__["_html"])


@dataclass(frozen=True)
class Digest:
    """Everything a render needs: the manifest, write-ups, petition data and the build time."""

    manifest: Manifest
    documents: Mapping[str, Document]
    petitions: Mapping[str, PetitionRecord]  # by source id; absent: nothing cached yet
    about: str | None  # sanitised HTML of the about page's own text
    built_at: dt.datetime
