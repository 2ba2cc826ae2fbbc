"""Load sources.yaml into the validated model, or report everything wrong with it.

Three passes, all reported in one run: YAML syntax and keys (``yamlsource``),
the JSON Schema (``schema``), then the checks a schema cannot express: unique
ids, known topics, real dates, documents that exist under ``content/``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from research_digest.diagnostics import Report, Severity, did_you_mean, display_path
from research_digest.manifest import schema
from research_digest.manifest.fieldchecks import (
    INVALID,
    UNKNOWN,
    FieldChecker,
    Invalid,
    all_text,
    as_list,
    as_mapping,
    text_or_none,
)
from research_digest.manifest.yamldocument import DataPath, dotted
from research_digest.manifest.yamlsource import load_yaml, paused_collector
from research_digest.model.manifest import (
    Author,
    Contact,
    KeyMoment,
    Licence,
    Manifest,
    Organisation,
    PartialDate,
    Person,
    PetitionRef,
    RecordedFigure,
    ReportingRoute,
    Site,
    Source,
    Topic,
)
from research_digest.textformat import UnknownLanguage, formats
from research_digest.timings import Timings


def load_manifest(
    path: Path,
    report: Report,
    *,
    display_root: Path | None = None,
    timings: Timings | None = None,
    text: str | None = None,
) -> Manifest | None:
    """Read, validate and model the manifest (or text about to replace it); None if it has
    errors (all in report)."""
    with paused_collector():  # the node tree, kept for places, would be walked by each collection
        return _load(path, report, display_root, timings or Timings(), text)


def _load(
    path: Path, report: Report, display_root: Path | None, timings: Timings, text: str | None
) -> Manifest | None:
    file = display_path(path, relative_to=display_root)
    errors_before = report.count(Severity.ERROR)
    with timings.stage("read manifest"):
        document = load_yaml(path, report, file=file, text=text)
    if document is None:
        return None
    with timings.stage("validate manifest"):
        invalid = schema.validate(document, report)
        if not isinstance(document.data, dict):
            return None
        builder = _Builder(document, path.parent.absolute(), report, invalid)
        manifest = builder.build(path.absolute(), display_root)
    if report.count(Severity.ERROR) > errors_before:
        return None
    return manifest


class _Builder(FieldChecker):
    """Build the model from data the schema may have rejected in parts, checking as it goes."""

    def build(self, manifest_path: Path, display_root: Path | None) -> Manifest | None:
        site = self.site(as_mapping(self.data.get("site")))
        topics = self.topics(as_list(self.data.get("topics")))
        # A topic whose id is invalid would make every source of it "unknown": skip that check.
        ids_ok = not any(p[0] == "topics" and p[2:] == ("id",) for p in self.invalid if len(p) > 2)
        sources = self.sources(as_list(self.data.get("sources")), {t.id for t in topics}, ids_ok)
        topics = self.key_moments(as_list(self.data.get("topics")), topics, sources)
        if site is None:
            return None
        return Manifest(manifest_path, self.root, site, tuple(topics), tuple(sources), display_root)

    # -- site -------------------------------------------------------------------------

    def site(self, data: dict[str, Any]) -> Site | None:
        base_url = text_or_none(data.get("base_url"))
        if base_url is not None and ("site", "base_url") not in self.invalid:
            parts = urlsplit(base_url)
            if parts.query or parts.fragment:
                self.error(
                    ("site", "base_url"),
                    "must not have a query or fragment",
                    f"did you mean {parts._replace(query='', fragment='').geturl()!r}?",
                )
            base_url = base_url if base_url.endswith("/") else base_url + "/"
        if isinstance(data.get("language"), str) and ("site", "language") not in self.invalid:
            self.language(data["language"])
        about = None
        if isinstance(data.get("about"), str):
            about = self.document_path(("site", "about"), data["about"])
        routes = tuple(
            ReportingRoute(r["name"], r["url"], r["region"], r["description"])
            for r in as_list(data.get("reporting_routes"))
            if all_text(r, "name", "url", "region", "description")
        )
        contact = as_mapping(data.get("contact"))
        licence = as_mapping(data.get("licence"))
        required = (data.get("title"), data.get("description"), base_url, data.get("language"))
        if not all(isinstance(v, str) for v in required) or "name" not in licence:
            return None
        return Site(
            title=data["title"],
            description=data["description"],
            base_url=str(base_url),
            language=data["language"],
            contact=Contact(
                text_or_none(contact.get("name")),
                text_or_none(contact.get("email")),
                text_or_none(contact.get("url")),
            ),
            licence=Licence(str(licence["name"]), text_or_none(licence.get("url"))),
            content_note=text_or_none(data.get("content_note")),
            repository=text_or_none(data.get("repository")),
            about=about,
            reporting_routes=routes,
            petition_stale_after_days=_positive(data.get("petition_stale_after_days"), 7),
            feed_entries=_positive(data.get("feed_entries"), 50),
            origin=self.key_at(("site",)),
            field_origins=tuple(
                (dotted(path[1:]), place.value) for path, place in self.doc.places(("site",))
            ),
        )

    def language(self, tag: str) -> None:
        """Check that Babel has CLDR data for the site's language, in which every date,
        number and plural the site shows is written: an unknown tag is most often a typo,
        and English dates on pages that say they are in another language help no one."""
        try:
            formats(tag)
        except UnknownLanguage as exc:
            self.error(("site", "language"), str(exc), exc.hint)

    # -- topics -----------------------------------------------------------------------

    def topics(self, items: list[Any]) -> list[Topic]:
        topics: list[Topic] = []
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            path: DataPath = ("topics", index)
            data = as_mapping(item)
            if not self.first_use("topics", index, data.get("id"), first):
                continue
            if all_text(data, "id", "title", "summary"):
                topics.append(
                    Topic(
                        data["id"],
                        data["title"],
                        data["summary"],
                        text_or_none(data.get("content_note")),
                        self.at(path),
                    )
                )
        return topics

    def key_moments(
        self, items: list[Any], topics: list[Topic], sources: list[Source]
    ) -> list[Topic]:
        """Give each topic its key moments, in date order, once the sources are known: each
        moment is dated and drawn from sources of its topic."""
        entries = map(as_mapping, as_list(self.data.get("sources")))
        by_id: dict[str, Source | None] = {  # None: a source whose entry has errors
            str(data.get("id")): None for data in entries
        }
        used = Counter(source.id for source in sources)
        # A duplicated id is reported where it is duplicated: which of its entries a moment
        # meant is not known, so no knock-on error is reported about it here.
        by_id.update((source.id, None if used[source.id] > 1 else source) for source in sources)
        known = {topic.id: topic for topic in topics}
        moments: dict[str, tuple[KeyMoment, ...]] = {}
        for index, item in enumerate(items):
            data = as_mapping(item)
            topic = known.get(str(data.get("id")))
            if topic is None or topic.id in moments:
                continue
            found = []
            for number, moment in enumerate(as_list(data.get("key_moments"))):
                path: DataPath = ("topics", index, "key_moments", number)
                made = self.key_moment(path, as_mapping(moment), topic, by_id)
                if made is not None:
                    found.append(made)
            moments[topic.id] = tuple(sorted(found, key=lambda m: m.date.order()))
        return [replace(topic, key_moments=moments.get(topic.id, ())) for topic in topics]

    def key_moment(
        self, path: DataPath, data: dict[str, Any], topic: Topic, by_id: dict[str, Source | None]
    ) -> KeyMoment | None:
        date = self.partial_date((*path, "date"), data.get("date"))
        if date is None:
            self.error((*path, "date"), "a key moment needs a date",
                       "give the year at least: YYYY, YYYY-MM or YYYY-MM-DD")  # fmt: skip
        listed = data.get("sources")
        ids = [i for i in listed if isinstance(i, str)] if isinstance(listed, list) else []
        ok = isinstance(listed, list) and len(ids) == len(listed)  # the schema says what is wrong
        for number, source_id in enumerate(ids):
            source = by_id.get(source_id)
            if source_id not in by_id:
                hint = did_you_mean(source_id, by_id) or "list the ids of sources in the manifest"
                self.error((*path, "sources", number), f"unknown source {source_id!r}", hint)
                ok = False
            elif source is None:
                ok = False  # its own entry's errors are reported
            elif topic.id not in source.topics:
                self.error((*path, "sources", number),
                           f"source {source_id!r} is not in topic {topic.id!r}",
                           f"add {topic.id!r} to its topics, or draw the moment from the "
                           "topic's own sources")  # fmt: skip
                ok = False
        if not ok or not isinstance(date, PartialDate) or not all_text(data, "text"):
            return None
        return KeyMoment(date, data["text"], tuple(ids))

    # -- sources ----------------------------------------------------------------------

    def sources(self, items: list[Any], topic_ids: set[str], check_topics: bool) -> list[Source]:
        sources: list[Source] = []
        first_id: dict[str, int] = {}
        first_petition: dict[tuple[str, int], int] = {}
        for index, item in enumerate(items):
            path: DataPath = ("sources", index)
            data = as_mapping(item)
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
        updated = self.full_date((*path, "updated"), data.get("updated"))
        if updated and added and updated < added:
            self.error((*path, "updated"), f"updated on {updated.isoformat()}, before it was "
                       f"added ({added.isoformat()})", "check both dates")  # fmt: skip
            updated = None
        petition = self.petition(path, data, first_petition)
        gaps = self.known_gaps(path, data)
        if "url" not in data:
            self.report.add(
                Severity.NOTE if "url" in gaps else Severity.WARNING,
                self.at(path),
                f"{self.describe_source(path)}: no url: readers cannot check the original",
                "add 'url:' as soon as the original's address is known, or list it in "
                "'known_gaps' and say so in the write-up"
                if "url" not in gaps
                else None,
            )
        fields = ("id", "kind", "title", "publisher", "summary")
        if not all_text(data, *fields) or document is None or added is None or topics is None:
            return None
        if isinstance(published, Invalid) or isinstance(petition, Invalid):
            return None
        publisher = data["publisher"]
        doi = data.get("doi")
        return Source(
            id=data["id"],
            kind=data["kind"],
            title=data["title"],
            url=text_or_none(data.get("url")),
            publisher=None if publisher.strip().lower() == UNKNOWN else publisher,
            published=published,
            added=added,
            topics=topics,
            document=document,
            summary=data["summary"],
            content_note=text_or_none(data.get("content_note")),
            petition=petition,
            origin=self.at(path),
            field_origins=self.doc.field_places(path),
            known_gaps=gaps,
            updated=updated,
            authors=self.authors(path, data.get("authors")),
            doi=doi if isinstance(doi, str) else None,
            draft=data.get("draft") is True,
        )

    def authors(self, path: DataPath, value: object) -> tuple[Author, ...]:
        """Model the authors a source names (the schema has checked each one's shape)."""
        found: list[Author] = []
        for index, item in enumerate(as_list(value)):
            if isinstance(item, dict) and all_text(item, "family"):
                found.append(Person(item["family"], text_or_none(item.get("given"))))
            elif text_or_none(item) is not None:
                found.append(Organisation(item))
                self.person_as_text((*path, "authors", index), item)
        return tuple(found)

    def person_as_text(self, path: DataPath, name: str) -> None:
        """Warn about a person's name written as text the way reference lists write it
        ('Hern, Alex'): text is kept as written, so it would never be cited as a person."""
        parts = _inverted_name(name)
        if parts is not None:
            self.report.warning(
                self.at(path),
                f"{dotted(path)}: {name!r} is text, so it is cited exactly as written, as an "
                "organisation's name is",
                f"for a person, write {{family: {parts[0]}, given: {parts[1]}}}",
            )

    def known_gaps(self, path: DataPath, data: dict[str, Any]) -> tuple[str, ...]:
        """The gaps a source declares; a declared gap it does not have is an error."""
        gaps = data.get("known_gaps")
        if not isinstance(gaps, list):
            return ()
        declared = tuple(g for g in gaps if g in ("url", "publisher"))
        publisher = data.get("publisher")
        has = {
            "url": "url" in data,
            "publisher": isinstance(publisher, str) and publisher.strip().lower() != UNKNOWN,
        }
        for index, gap in enumerate(declared):
            if has[gap]:
                self.error((*path, "known_gaps", index), f"lists {gap!r} as unknown, but the "
                           f"source has a {gap}", f"remove {gap!r} from known_gaps")  # fmt: skip
        return declared

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
    ) -> PetitionRef | Invalid | None:
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
        block = as_mapping(block)
        platform, number = block.get("platform"), block.get("number")
        if not isinstance(platform, str):
            return INVALID
        if isinstance(number, int) and not isinstance(number, bool):
            index = int(path[1])
            if (platform, number) in first:
                other: DataPath = ("sources", first[(platform, number)])
                self.error(
                    (*path, "petition", "number"),
                    f"petition {platform} {number} is already {self.describe_source(other)} "
                    f"(line {self.at((*other, 'petition', 'number')).line})",
                    "list each petition once",
                )
                return INVALID
            first[(platform, number)] = index
        recorded = None
        if "signatures" in block:
            seen = self.partial_date((*path, "petition", "seen"), block.get("seen"))
            signatures = block["signatures"]
            if isinstance(seen, Invalid) or not isinstance(signatures, int):
                return INVALID
            by, report_url = block.get("reported_by"), block.get("reported_url")
            recorded = RecordedFigure(
                signatures,
                seen,
                by if isinstance(by, str) else None,
                report_url if isinstance(report_url, str) else None,
            )
        valid_number = isinstance(number, int) and not isinstance(number, bool)
        return PetitionRef(platform, number if valid_number else None, recorded)


def _inverted_name(text: str) -> tuple[str, str] | None:
    """Read 'Hern, Alex' or 'van der Berg, A. J.' as (family, given): one family name (after
    any lowercase particles), a comma, and one or two given names, or initials."""
    family, comma, given = text.strip().partition(", ")
    *particles, surname = family.split(" ")
    names = given.split(" ")
    if not comma or (len(names) > 2 and not all(len(n) <= 2 for n in names)):
        return None
    if not all(p.isalpha() and p.islower() for p in particles):
        return None
    return (family, given) if all(map(_is_name_word, (surname, *names))) else None


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() and all(c.isalpha() or c in ".'\u2019-" for c in word)


def _positive(value: object, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return default
