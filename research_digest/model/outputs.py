"""What a build makes: the files of the site, in memory or kept from the last build."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from research_digest.files import content_hash


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: a relative POSIX path and its bytes."""

    path: str
    content: bytes

    @functools.cached_property
    def digest(self) -> str:
        """The hash of its bytes, computed once (the guard and the writer both need it)."""
        return content_hash(self.content)


class KeptFile(OutputFile):
    """A file the last build wrote into the output folder that this one would write the
    same: its hash is known, and its bytes are read back from there only if needed (when
    the folder must be written anew rather than updated)."""

    folder: Path

    def __init__(self, path: str, digest: str, folder: Path) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "folder", folder)
        self.__dict__["digest"] = digest  # what the cached property would compute

    @property
    def content(self) -> bytes:
        return Path(self.folder, *self.path.split("/")).read_bytes()
