"""Load sources.yaml into the validated model, or report everything wrong with it.

Three passes, all reported in one run: YAML syntax and keys (``yamlsource``),
the JSON Schema (``schema``), then the checks a schema cannot express: unique
ids, known topics, real dates, documents that exist under ``content/``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from digest import schema
from digest.diagnostics import Location, Report, Severity, did_you_mean, display_path
from digest.model import (
    Contact,
    Licence,
    Manifest,
    PartialDate,
    PetitionRef,
    RecordedFigure,
    ReportingRoute,
    Site,
    Source,
    Topic,
)
from digest.yamlsource import DataPath, YamlDocument, dotted, load_yaml

UNKNOWN = "unknown"


class _Invalid:
    """Marks a field that is wrong and already reported (unlike None: absent or unknown)."""


INVALID = _Invalid()


def load_manifest(
    path: Path, report: Report, *, display_root: Path | None = None
) -> Manifest | None:
    """Read, validate and model the manifest; None if it has errors (all in report)."""
    file = display_path(path, relative_to=display_root)
    errors_before = report.count(Severity.ERROR)
    document = load_yaml(path, report, file=file)
    if document is None:
        return None
    invalid = schema.validate(document, report)
    if not isinstance(document.data, dict):
        return None
    checker = _Checker(document, path.parent.absolute(), report, invalid)
    manifest = checker.build(path.absolute(), display_root)
    if report.count(Severity.ERROR) > errors_before:
        return None
    return manifest


class _Checker:
    """The semantic checks, run on data the schema may have rejected in parts."""

    def __init__(
        self, document: YamlDocument, root: Path, report: Report, invalid: set[DataPath]
    ) -> None:
        self.doc = document
        self.data: dict[str, Any] = document.data  # type: ignore[assignment]
        self.root = root
        self.report = report
        self.invalid = invalid  # paths the schema has already reported
        self.documents_used: dict[Path, str] = {}

    def at(self, path: DataPath) -> Location:
        return self.doc.place(path).value

    def key_at(self, path: DataPath) -> Location:
        place = self.doc.place(path)
        return place.key or place.value

    def error(self, path: DataPath, message: str, hint: str | None = None) -> None:
        self.report.error(self.at(path), f"{dotted(path)}: {message}", hint)

    def build(self, manifest_path: Path, display_root: Path | None) -> Manifest | None:
        site = self.site(_mapping(self.data.get("site")))
        topics = self.topics(_list(self.data.get("topics")))
        # A topic whose id is invalid would make every source of it "unknown": skip that check.
        ids_ok = not any(p[0] == "topics" and p[2:] == ("id",) for p in self.invalid if len(p) > 2)
        sources = self.sources(_list(self.data.get("sources")), {t.id for t in topics}, ids_ok)
        if site is None:
            return None
        return Manifest(manifest_path, self.root, site, tuple(topics), tuple(sources), display_root)

    # -- site -------------------------------------------------------------------------

    def site(self, data: dict[str, Any]) -> Site | None:
        base_url = _text(data.get("base_url"))
        if base_url is not None and ("site", "base_url") not in self.invalid:
            parts = urlsplit(base_url)
            if parts.query or parts.fragment:
                self.error(
                    ("site", "base_url"),
                    "must not have a query or fragment",
                    f"did you mean {parts._replace(query='', fragment='').geturl()!r}?",
                )
            base_url = base_url if base_url.endswith("/") else base_url + "/"
        about = None
        if isinstance(data.get("about"), str):
            about = self.document_path(("site", "about"), data["about"])
        routes = tuple(
            ReportingRoute(r["name"], r["url"], r["region"], r["description"])
            for r in _list(data.get("reporting_routes"))
            if _all_text(r, "name", "url", "region", "description")
        )
        contact = _mapping(data.get("contact"))
        licence = _mapping(data.get("licence"))
        required = (data.get("title"), data.get("description"), base_url, data.get("language"))
        if not all(isinstance(v, str) for v in required) or "name" not in licence:
            return None
        return Site(
            title=data["title"],
            description=data["description"],
            base_url=str(base_url),
            language=data["language"],
            contact=Contact(
                _text(contact.get("name")), _text(contact.get("email")), _text(contact.get("url"))
            ),
            licence=Licence(str(licence["name"]), _text(licence.get("url"))),
            content_note=_text(data.get("content_note")),
            repository=_text(data.get("repository")),
            about=about,
            reporting_routes=routes,
        )

    # -- topics -----------------------------------------------------------------------

    def topics(self, items: list[Any]) -> list[Topic]:
        topics: list[Topic] = []
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            path: DataPath = ("topics", index)
            data = _mapping(item)
            if not self.first_use("topics", index, data.get("id"), first):
                continue
            if _all_text(data, "id", "title", "summary"):
                topics.append(
                    Topic(
                        data["id"],
                        data["title"],
                        data["summary"],
                        _text(data.get("content_note")),
                        self.at(path),
                    )
                )
        return topics

    # -- sources ----------------------------------------------------------------------

    def sources(self, items: list[Any], topic_ids: set[str], check_topics: bool) -> list[Source]:
        sources: list[Source] = []
        first_id: dict[str, int] = {}
        first_petition: dict[tuple[str, int], int] = {}
        for index, item in enumerate(items):
            path: DataPath = ("sources", index)
            data = _mapping(item)
            self.first_use("sources", index, data.get("id"), first_id)
            source = self.source(path, data, topic_ids if check_topics else None, first_petition)
            if source is not None:
                sources.append(source)
        return sources

    def source(
        self,
        path: DataPath,
        data: dict[str, Any],
        topic_ids: set[str] | None,
        first_petition: dict[tuple[str, int], int],
    ) -> Source | None:
        topics = self.source_topics(path, data.get("topics"), topic_ids)
        document = None
        if isinstance(data.get("document"), str):
            document = self.document_path((*path, "document"), data["document"], owner=path)
        published = self.partial_date((*path, "published"), data.get("published"))
        added = self.full_date((*path, "added"), data.get("added"))
        petition = self.petition(path, data, first_petition)
        if "url" not in data:
            self.report.warning(
                self.at(path),
                f"{dotted(path)}: no url: readers cannot check the original",
                "add 'url:' as soon as the original's address is known",
            )
        fields = ("id", "kind", "title", "publisher", "summary")
        if not _all_text(data, *fields) or document is None or added is None or topics is None:
            return None
        if isinstance(published, _Invalid) or isinstance(petition, _Invalid):
            return None
        publisher = data["publisher"]
        return Source(
            id=data["id"],
            kind=data["kind"],
            title=data["title"],
            url=_text(data.get("url")),
            publisher=None if publisher.strip().lower() == UNKNOWN else publisher,
            published=published,
            added=added,
            topics=topics,
            document=document,
            summary=data["summary"],
            content_note=_text(data.get("content_note")),
            petition=petition,
            origin=self.at(path),
            field_origins=tuple((k, self.at((*path, k))) for k in data),
        )

    def source_topics(
        self, path: DataPath, value: object, topic_ids: set[str] | None
    ) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            return None
        if topic_ids is None:
            return None
        ok = True
        for index, topic in enumerate(value):
            if topic not in topic_ids and topic:
                hint = did_you_mean(topic, topic_ids) or "define it under 'topics:' first"
                self.error((*path, "topics", index), f"unknown topic {topic!r}", hint)
                ok = False
        return tuple(value) if ok and value else None

    def petition(
        self, path: DataPath, data: dict[str, Any], first: dict[tuple[str, int], int]
    ) -> PetitionRef | _Invalid | None:
        """Model the petition block; INVALID when it is wrong (already reported)."""
        block = data.get("petition")
        kind = data.get("kind")
        if block is None:
            if kind == "petition":
                self.report.error(
                    self.key_at((*path, "kind")),
                    f"{dotted(path)}: a source of kind 'petition' needs a 'petition' block",
                    "add 'petition:' with its 'platform' and 'number'",
                )
                return INVALID
            return None
        if isinstance(kind, str) and kind != "petition":
            self.report.error(
                self.key_at((*path, "petition")),
                f"{dotted((*path, 'petition'))}: only sources of kind 'petition' "
                f"have a petition block (this one is {kind!r})",
                "set 'kind: petition' or remove the block",
            )
            return INVALID
        block = _mapping(block)
        platform, number = block.get("platform"), block.get("number")
        if not isinstance(platform, str):
            return INVALID
        if isinstance(number, int) and not isinstance(number, bool):
            index = int(path[1])
            if (platform, number) in first:
                other: DataPath = ("sources", first[(platform, number)])
                self.error(
                    (*path, "petition", "number"),
                    f"petition {platform} {number} is already {self._describe_source(other)} "
                    f"(line {self.at((*other, 'petition', 'number')).line})",
                    "list each petition once",
                )
                return INVALID
            first[(platform, number)] = index
        recorded = None
        if "signatures" in block:
            seen = self.partial_date((*path, "petition", "seen"), block.get("seen"))
            signatures = block["signatures"]
            if isinstance(seen, _Invalid) or not isinstance(signatures, int):
                return INVALID
            recorded = RecordedFigure(signatures, seen)
        valid_number = isinstance(number, int) and not isinstance(number, bool)
        return PetitionRef(platform, number if valid_number else None, recorded)

    def _describe_source(self, path: DataPath) -> str:
        """Name a source by its id when it has one: "source 'ofcom-x'", else "sources[3]"."""
        source_id = _mapping(_list(self.data.get("sources"))[int(path[1])]).get("id")
        return f"source {source_id!r}" if isinstance(source_id, str) else dotted(path)

    # -- shared checks ----------------------------------------------------------------

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

    def partial_date(self, path: DataPath, value: object) -> PartialDate | _Invalid | None:
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
            return PartialDate.parse(value)
        except ValueError as exc:
            self.error(path, str(exc))
            return INVALID

    def document_path(
        self, path: DataPath, value: str, owner: DataPath | None = None
    ) -> Path | None:
        """Check that a document path names a Markdown file under content/."""
        content = self.root / "content"
        problem, hint = _document_problem(value, self.root, content)
        if problem:
            self.error(path, problem, hint)
            return None
        target = (self.root / value).resolve()
        if owner is not None:
            user = self.documents_used.get(target)
            if user is not None:
                self.error(
                    path,
                    f"{value!r} is already the write-up of {user}",
                    "each source has its own write-up",
                )
                return None
            self.documents_used[target] = self._describe_source(owner)
        return target


def _document_problem(value: str, root: Path, content: Path) -> tuple[str | None, str | None]:
    if "\x00" in value:
        return "contains a NUL character", None
    if "\\" in value:
        return f"{value!r} uses backslashes", f"write it with '/': {value.replace(chr(92), '/')!r}"
    pure = PurePosixPath(value)
    name = pure.name or "write-up.md"
    if pure.is_absolute() or ".." in pure.parts:
        return (
            f"{value!r} is outside content/",
            f"keep write-ups in content/, e.g. 'content/{name}'",
        )
    try:
        resolved = (root / value).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return f"{value!r} cannot be resolved: {exc}", None
    if not resolved.is_relative_to(content.resolve()):
        return (
            f"{value!r} is outside content/",
            f"keep write-ups in content/, e.g. 'content/{name}'",
        )
    if pure.suffix != ".md":
        return f"{value!r} is not a Markdown file", "write-ups are Markdown files ending in '.md'"
    if not resolved.is_file():
        existing = [p.relative_to(root).as_posix() for p in sorted(content.rglob("*.md"))]
        return f"{value!r} does not exist", did_you_mean(value, existing, cutoff=0.8)
    return None, None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _all_text(data: object, *keys: str) -> bool:
    return isinstance(data, dict) and all(_text(data.get(k)) is not None for k in keys)
