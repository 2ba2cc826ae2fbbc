"""The petition cache in the repository: what was fetched, so a build needs no network.

One JSON file per petition, ``data/petitions/<platform>/<number>.json``, holds
the platform's API response as received, wrapped with what is known of it::

    {"format": 1, "platform": "uk-parliament", "number": 756212,
     "url": "https://petition.parliament.uk/petitions/756212.json",
     "status": "ok", "status_since": null,
     "fetched_at": "2026-02-06T09:00:00Z" or null,
     "last_modified": "Thu, 05 Feb 2026 18:15:00 GMT" or null,
     "note": "Imported from a saved copy..." (optional),
     "response": { ...the API's JSON... } or null,
     "page": {...} (optional: figures read from a page, when no response is stored)}

An API response saved by someone else is kept with ``fetched_at`` null and a
note. Where no response is stored at all, the figures a saved copy of a page
shows (the petition's own page, or one reporting it) may be kept instead, with
the API's names, and the page's date; the first fetch replaces them::

    "page": {"url": "https://petition.parliament.uk/petitions/746339",
             "by": null (the petition's own page) or "who published the page",
             "seen": "2026-12-02", "as_of": "2026-05-14" or null,
             "as_of_label": "the day it closed, as its page gives it" or null,
             "shows": {"action": ..., "state": "closed", "signature_count": 398, ...},
             "dates": [{"milestone": "opened", "date": "2025-11-14"}, ...]}

``status`` is "ok"; "missing" (the platform answered 404: the last copy is
kept); or "removed" (410: the copy is dropped and the petition is never asked
for again). Beside it, ``<number>.history.csv`` accumulates the signature
count at each change: ``time,signatures``.

Both are written atomically. A cache is an optimisation: a file that cannot
be read or has the wrong shape is one warning and a miss.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from research_digest.diagnostics import Location, Report, Severity, display_path
from research_digest.files import Refused, atomic_write, read_input, read_text
from research_digest.model.manifest import Manifest, Source
from research_digest.model.petitions import (
    MILESTONES,
    HistoryPoint,
    Milestone,
    PageReading,
    PetitionData,
    PetitionRecord,
)
from research_digest.petitions.platforms import PLATFORMS, DataError, Platform
from research_digest.petitions.platforms._json import loads

CACHE_DIR = Path("data", "petitions")
CACHE_FORMAT = 1
STATUSES = ("ok", "missing", "removed")
HISTORY_HEADER = ["time", "signatures"]


@dataclass(frozen=True)
class PageCopy:
    """Figures read from a saved copy of a page, with the API's names, and where from."""

    reading: PageReading
    shows: dict[str, object]  # attributes as the API names them: action, state...
    dates: tuple[tuple[str, dt.date], ...]  # (a code of MILESTONES, the day the page gives)

    def to_json(self) -> dict[str, object]:
        reading = self.reading
        return {
            "url": reading.url,
            "by": reading.by,
            "seen": reading.seen.isoformat(),
            "as_of": reading.as_of.isoformat() if reading.as_of else None,
            "as_of_label": reading.as_of_label,
            "shows": self.shows,
            "dates": [{"milestone": code, "date": day.isoformat()} for code, day in self.dates],
        }


@dataclass(frozen=True)
class CacheEntry:
    """One cache file's content, checked."""

    platform: str
    number: int
    url: str
    status: str
    fetched_at: dt.datetime | None
    last_modified: str | None
    status_since: dt.datetime | None
    response: object  # the API's JSON; None once removed
    note: str | None = None  # what is known of a copy no fetch of ours made
    page: PageCopy | None = None  # figures read from a page, where no response is stored
    etag: str | None = None  # the response's ETag, sent back as If-None-Match

    def to_json(self) -> bytes:
        envelope: dict[str, object] = {
            "format": CACHE_FORMAT,
            "platform": self.platform,
            "number": self.number,
            "url": self.url,
            "status": self.status,
            "status_since": _timestamp(self.status_since),
            "fetched_at": _timestamp(self.fetched_at),
            "last_modified": self.last_modified,
            "response": self.response,
        }
        if self.etag is not None:
            envelope["etag"] = self.etag
        if self.note is not None:
            envelope["note"] = self.note
        if self.page is not None:
            envelope["page"] = self.page.to_json()
        return (json.dumps(envelope, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def cache_path(root: Path, platform: str, number: int) -> Path:
    """Where a petition's cached data lives under the manifest's folder."""
    return root / CACHE_DIR / platform / f"{number}.json"


def history_path(root: Path, platform: str, number: int) -> Path:
    return root / CACHE_DIR / platform / f"{number}.history.csv"


# -- reading ------------------------------------------------------------------------------


def parse_entry(text: str, platform: str, number: int) -> CacheEntry:
    """Check a cache file's text; raise DataError (or JSONDecodeError) if it is unusable."""
    envelope = loads(text)
    if not isinstance(envelope, dict):
        raise DataError("the cache file is not a JSON object")
    if envelope.get("format") != CACHE_FORMAT:
        raise DataError(f"format is {envelope.get('format')!r}, expected {CACHE_FORMAT}")
    if envelope.get("platform") != platform or envelope.get("number") != number:
        raise DataError(
            f"the file is for {envelope.get('platform')!r} petition "
            f"{envelope.get('number')!r}, not {platform!r} {number}"
        )
    if "response" not in envelope:
        raise DataError("the cache file has no 'response'")
    status = envelope.get("status", "ok")
    if status not in STATUSES:
        raise DataError(f"status is {status!r}, expected one of {', '.join(STATUSES)}")
    url = envelope.get("url")
    last_modified = envelope.get("last_modified")
    note = envelope.get("note")
    page = envelope.get("page")
    if page is not None and envelope["response"] is not None:
        raise DataError("the cache file has both a 'response' and a 'page': keep one")
    return CacheEntry(
        platform=platform,
        number=number,
        url=url if isinstance(url, str) else "",
        status=status,
        fetched_at=_read_timestamp(envelope, "fetched_at"),
        last_modified=last_modified if isinstance(last_modified, str) else None,
        status_since=_read_timestamp(envelope, "status_since"),
        response=envelope["response"],
        note=note if isinstance(note, str) else None,
        etag=envelope["etag"] if isinstance(envelope.get("etag"), str) else None,
        page=None if page is None else _read_page(page),
    )


def _read_page(block: object) -> PageCopy:
    """Check a 'page' block: where the figures were read, and what they are."""
    if not isinstance(block, dict):
        raise DataError("page is not a JSON object")
    url, by, label = block.get("url"), block.get("by"), block.get("as_of_label")
    if not isinstance(url, str) or urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
        raise DataError(f"page.url is {url!r}, expected the https address of the page read")
    if by is not None and (not isinstance(by, str) or not by.strip()):
        raise DataError(f"page.by is {by!r}, expected who published the page, or null")
    if label is not None and not isinstance(label, str):
        raise DataError(f"page.as_of_label is {label!r}, expected text or null")
    shows = block.get("shows")
    if not isinstance(shows, dict) or not shows:
        raise DataError("page.shows is not a JSON object of the figures the page shows")
    dates = block.get("dates", [])
    if not isinstance(dates, list) or not all(isinstance(d, dict) for d in dates):
        raise DataError("page.dates is not a list of {milestone, date}")
    for d in dates:
        if d.get("milestone") not in MILESTONES:
            raise DataError(f"page.dates[].milestone is {d.get('milestone')!r}, expected one of "
                            f"{', '.join(MILESTONES)}")  # fmt: skip
    seen = _read_date(block.get("seen"), "page.seen")
    as_of = None if block.get("as_of") is None else _read_date(block["as_of"], "page.as_of")
    reading = PageReading(url, by, seen, as_of, label)
    found = tuple((d["milestone"], _read_date(d.get("date"), "page.dates[].date")) for d in dates)
    return PageCopy(reading, shows, found)


def _read_date(value: object, key: str) -> dt.date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise DataError(f"{key} is {value!r}, expected a date (YYYY-MM-DD)")


def page_data(platform: Platform, number: int, copy: PageCopy) -> PetitionData:
    """The petition's data as far as a page shows it, read as the platform's API is read."""
    shows = dict(copy.shows)
    counted = shows.get("signature_count") is not None
    shows.setdefault("signature_count", 0)
    data = platform.parse(platform.document(number, shows), number)
    return replace(
        data,
        signature_count=data.signature_count if counted else None,
        milestones=tuple(Milestone(code, day) for code, day in copy.dates),
    )


def parse_history(text: str) -> tuple[HistoryPoint, ...]:
    """Read a history file: a header, then one time,signatures row per change."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or rows[0] != HISTORY_HEADER:
        raise DataError(f"the first line must be {','.join(HISTORY_HEADER)!r}")
    points = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            moment = dt.datetime.fromisoformat(row[0])
            signatures = int(row[1])
            if moment.tzinfo is None or signatures < 0 or len(row) != 2:
                raise ValueError
        except (ValueError, IndexError):
            raise DataError(f"line {line} is not a UTC time and a count: {row!r}") from None
        points.append(HistoryPoint(moment.astimezone(dt.UTC), signatures))
    return tuple(sorted(points, key=lambda p: (p.time, p.signatures)))


_READ: dict[tuple[str, str, str], PetitionRecord] = {}  # by path and files' hashes
_READ_AT_MOST = 20_000  # records kept in a process (serve's rebuilds) before starting afresh


def load_petition_data(
    manifest: Manifest, report: Report, hashes: Mapping[str, str] | None = None
) -> dict[str, PetitionRecord]:
    """Read the cached record of every petition whose platform has an API.

    Given the hash of each input file (by resolved path: a build's fingerprint has them),
    a record read earlier in this process from files with the same hashes, and with no
    problem to report, is taken as it was (serve's rebuilds read none of them again).
    """
    found = {}
    root = manifest.root.resolve() if hashes is not None else manifest.root
    for source in manifest.sources:
        ref = source.petition
        if ref is None or ref.number is None or not PLATFORMS[ref.platform].has_api:
            continue
        path = cache_path(manifest.root, ref.platform, ref.number)
        entry = (hashes or {}).get(str(cache_path(root, ref.platform, ref.number)))
        key = None
        if hashes is not None and entry is not None:
            history = hashes.get(str(history_path(root, ref.platform, ref.number)), "")
            key = (str(path), entry, history)
            if key in _READ:
                found[source.id] = _READ[key]
                continue
        file = display_path(path, relative_to=manifest.display_root)
        if not path.exists():
            report.note(
                source.where("petition"),
                f"source {source.id!r}: no cached data yet for {ref.platform} petition "
                f"{ref.number} ({file}); its page says so",
                "fetch it with 'python build.py fetch'",
            )
            continue
        before = len(report.diagnostics)
        record = _read_record(manifest, source, path, file, report)
        if record is not None:
            found[source.id] = record
            if key is not None and len(report.diagnostics) == before:
                if len(_READ) >= _READ_AT_MOST:
                    _READ.clear()
                _READ[key] = record
    return found


def _read_record(
    manifest: Manifest, source: Source, path: Path, file: str, report: Report
) -> PetitionRecord | None:
    assert source.petition is not None and source.petition.number is not None
    platform, number = PLATFORMS[source.petition.platform], source.petition.number
    text = read_text(path, report, file=file, severity=Severity.WARNING, within=manifest.root)
    if text is None:
        return None
    try:
        entry = parse_entry(text, platform.id, number)
        if entry.page is not None:
            data: PetitionData | None = page_data(platform, number, entry.page)
        else:
            data = None if entry.response is None else platform.parse(entry.response, number)
    except json.JSONDecodeError as exc:
        _unusable(report, Location(file, exc.lineno, exc.colno), source, f"invalid JSON: {exc.msg}")
        return None
    except DataError as exc:
        _unusable(report, Location(file, 1, 1), source, str(exc))
        return None
    history = _read_history(history_path(manifest.root, platform.id, number), manifest, report)
    reading = entry.page.reading if entry.page else None
    return PetitionRecord(entry.status, data, entry.fetched_at, entry.status_since, history,
                          reading)  # fmt: skip


def _read_history(path: Path, manifest: Manifest, report: Report) -> tuple[HistoryPoint, ...]:
    if not path.exists():
        return ()
    file = display_path(path, relative_to=manifest.display_root)
    text = read_text(path, report, file=file, severity=Severity.WARNING, within=manifest.root)
    try:
        return parse_history(text) if text is not None else ()
    except DataError as exc:
        report.warning(
            Location(file, 1, 1),
            f"signature history is unusable: {exc}",
            "fix or delete the file; the next fetch starts it again",
        )
        return ()


def _unusable(report: Report, where: Location, source: Source, reason: str) -> None:
    report.warning(
        where,
        f"cached petition data for source {source.id!r} is unusable: {reason}",
        "the page will show no data; fetch the petition again to replace the file",
    )


# -- writing ------------------------------------------------------------------------------


def write_entry(root: Path, entry: CacheEntry) -> None:
    """Replace a petition's cache file atomically."""
    atomic_write(cache_path(root, entry.platform, entry.number), entry.to_json())


def add_history_point(root: Path, platform: str, number: int, point: HistoryPoint) -> bool:
    """Add a point to a petition's history; False if that time and count are there already."""
    path = history_path(root, platform, number)
    try:
        text = read_input(path, within=root).decode("utf-8") if path.exists() else ""
        points = parse_history(text) if text else ()
    except (DataError, OSError, UnicodeDecodeError, Refused):
        points = ()  # an unusable history starts again rather than blocking new data
    if point in points:
        return False
    atomic_write(path, format_history([*points, point]))
    return True


def format_history(points: Iterable[HistoryPoint]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_HEADER)
    for point in sorted(points, key=lambda p: (p.time, p.signatures)):
        writer.writerow([_timestamp(point.time), point.signatures])
    return out.getvalue().encode("utf-8")


def _timestamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_timestamp(envelope: dict[str, object], key: str) -> dt.datetime | None:
    value = envelope.get(key)
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DataError(f"{key} is {value!r}, expected a UTC timestamp or null")
    return moment.astimezone(dt.UTC)
