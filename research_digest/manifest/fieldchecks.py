"""Field-level checks shared by the manifest's sections: places, ids, dates, write-ups.

``FieldChecker`` knows where every value stands (so each problem is reported
at its line and column) and checks the fields that recur across sections.
The manifest loader builds the model on top of it.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import Any

from research_digest.diagnostics import Location, Report, did_you_mean
from research_digest.files import Refused, check_kind, outside_of
from research_digest.manifest.yamldocument import DataPath, YamlDocument, dotted
from research_digest.model.manifest import PartialDate

UNKNOWN = "unknown"
MAX_NAME_BYTES = 255  # the longest file name of common file systems (ext4, APFS, NTFS)


class Invalid:
    """Marks a field that is wrong and already reported (unlike None: absent or unknown)."""


INVALID = Invalid()


class FieldChecker:
    """Report problems at their place; check ids, dates and write-up paths."""

    def __init__(
        self, document: YamlDocument, root: Path, report: Report, invalid: set[DataPath]
    ) -> None:
        self.doc = document
        self.data: dict[str, Any] = document.data  # type: ignore[assignment]
        self.root = root
        self.report = report
        self.invalid = invalid  # paths the schema has already reported
        self.documents_used: dict[Path, str] = {}
        self.content = (root / "content").resolve()

    @functools.cached_property
    def plain_write_ups(self) -> frozenset[str]:
        return plain_files(self.root, "content")

    def at(self, path: DataPath) -> Location:
        return self.doc.place(path).value

    def key_at(self, path: DataPath) -> Location:
        place = self.doc.place(path)
        return place.key or place.value

    def error(self, path: DataPath, message: str, hint: str | None = None) -> None:
        self.report.error(self.at(path), f"{dotted(path)}: {message}", hint)

    def describe_source(self, path: DataPath) -> str:
        """Name a source by its id when it has one: "source 'ofcom-x'", else "sources[3]"."""
        source_id = as_mapping(as_list(self.data.get("sources"))[int(path[1])]).get("id")
        return f"source {source_id!r}" if isinstance(source_id, str) else dotted(path)

    def first_use(self, section: str, index: int, ident: object, seen: dict[str, int]) -> bool:
        """Record where an id is first used; report a repeat and return False."""
        if not isinstance(ident, str):
            return True
        if ident in seen:
            first = self.at((section, seen[ident], "id")).line
            self.error(
                (section, index, "id"),
                f"duplicate id {ident!r} (first used at line {first})",
                "ids are permanent and unique: give this one its own",
            )
            return False
        seen[ident] = index
        return True

    def full_date(self, path: DataPath, value: object) -> dt.date | None:
        if not isinstance(value, str) or not PartialDate.has_shape(value):
            return None
        try:
            return PartialDate.parse(value).earliest() if len(value) == 10 else None
        except ValueError as exc:
            self.error(path, str(exc))
            return None

    def partial_date(self, path: DataPath, value: object) -> PartialDate | Invalid | None:
        """Read a date as precise as known; None for 'unknown'; INVALID if wrong (reported)."""
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return INVALID
        if value == UNKNOWN:
            return None
        if not PartialDate.has_shape(value):
            return INVALID  # the schema has already said what shape a date takes
        try:
            date = PartialDate.parse(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return INVALID
        if date.year == 0:  # the calendar has none: no page could say when it was
            self.error(path, f"{value!r} is not a real date: there is no year 0")
            return INVALID
        return date

    def document_path(
        self, path: DataPath, value: str, owner: DataPath | None = None
    ) -> Path | None:
        """Check that a document path names a Markdown file under content/."""
        if self.doc.already_reported(path):
            return None
        problem, hint, target = document_problem(value, self.root, self.content,
                                                 self.plain_write_ups)  # fmt: skip
        if problem is not None:
            self.error(path, problem, hint)
            return None
        assert target is not None
        if owner is not None:
            user = self.documents_used.get(target)
            if user is not None:
                self.error(
                    path,
                    f"{value!r} is already the write-up of {user}",
                    "each source has its own write-up",
                )
                return None
            self.documents_used[target] = self.describe_source(owner)
        return target


def plain_files(root: Path, folder: str) -> frozenset[str]:
    """The regular files under root/folder that no link leads to, by their path from root
    ('content/a.md'): inside the project as they are named, with no need to resolve each.
    Empty when root/folder is itself a link or cannot be listed."""
    found: list[str] = []
    todo = [(root / folder, folder + "/")]
    if todo[0][0].is_symlink():
        return frozenset()
    try:
        while todo:
            path, prefix = todo.pop()
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        todo.append((Path(entry.path), f"{prefix}{entry.name}/"))
                    elif entry.is_file(follow_symlinks=False):
                        found.append(prefix + entry.name)
    except OSError:
        return frozenset()
    return frozenset(found)


def document_problem(
    value: str, root: Path, content: Path, plain: Collection[str] = frozenset()
) -> tuple[str | None, str | None, Path | None]:
    """Say what is wrong with a write-up's path, with a hint; or give its resolved path.

    content is the resolved content/ folder; plain, the regular files under it that no
    link leads to (plain_files), whose paths need no resolving.
    """
    if "\x00" in value:
        return "contains a NUL character", None, None
    if "\\" in value:
        hint = f"write it with '/': {value.replace(chr(92), '/')!r}"
        return f"{value!r} uses backslashes", hint, None
    pure = PurePosixPath(value)
    name = pure.name or "write-up.md"
    outside = f"{value!r} is outside content/"
    keep = f"keep write-ups in content/, e.g. 'content/{name}'"
    if pure.is_absolute() or ".." in pure.parts:
        return outside, keep, None
    if any(len(part.encode()) > MAX_NAME_BYTES for part in pure.parts):
        hint = f"shorten it: file systems allow names of {MAX_NAME_BYTES} bytes"
        return f"{value!r} has a name too long for a file system", hint, None
    if value in plain and pure.suffix == ".md" and pure.as_posix() == value:
        return None, None, content.parent / value  # content is root/content, resolved
    try:
        resolved = (root / value).resolve()
        escapes = outside_of(root / value, root)
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return f"{value!r} cannot be resolved: {exc}", None, None
    if escapes is not None:
        return f"{value!r} {escapes}", "put the write-up itself in content/, not a link", None
    if not resolved.is_relative_to(content):
        return outside, keep, None
    if pure.suffix != ".md":
        hint = "write-ups are Markdown files ending in '.md'"
        return f"{value!r} is not a Markdown file", hint, None
    try:
        check_kind(resolved.stat().st_mode)
    except FileNotFoundError:
        existing = [p.relative_to(root).as_posix() for p in sorted(content.rglob("*.md"))]
        return f"{value!r} does not exist", did_you_mean(value, existing, cutoff=0.8), None
    except Refused as refused:
        return f"{value!r} {refused}", refused.hint, None
    except OSError as exc:
        return f"{value!r} cannot be read: {exc.strerror}", None, None
    return None, None, resolved


def as_mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def all_text(data: object, *keys: str) -> bool:
    return isinstance(data, dict) and all(text_or_none(data.get(k)) is not None for k in keys)
