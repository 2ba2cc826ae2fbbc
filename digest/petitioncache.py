"""Read the petition data cached in the repository, so a build needs no network.

One JSON file per petition, ``data/petitions/<platform>/<number>.json``, holds
the platform's API response as it was received, wrapped with what is known of
the fetch::

    {"format": 1, "platform": "uk-parliament", "number": 756212,
     "url": "https://petition.parliament.uk/petitions/756212.json",
     "status": "ok", "fetched_at": "2026-02-06T09:00:00Z" or null,
     "last_modified": "Thu, 05 Feb 2026 18:15:00 GMT" or null,
     "response": { ...the API's JSON... }}

A cache is an optimisation: a file that cannot be read or does not have this
shape is one warning, and the petition builds as one with no data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from digest.diagnostics import Location, Report, Severity, display_path
from digest.model import Manifest, PetitionData, Source
from digest.platforms import PLATFORMS, DataError
from digest.textfile import read_text

CACHE_DIR = Path("data", "petitions")
CACHE_FORMAT = 1


def cache_path(root: Path, platform: str, number: int) -> Path:
    """Where a petition's cached data lives under the manifest's folder."""
    return root / CACHE_DIR / platform / f"{number}.json"


def load_petition_data(manifest: Manifest, report: Report) -> dict[str, PetitionData]:
    """Read the cached data of every petition whose platform has an API."""
    found = {}
    for source in manifest.sources:
        ref = source.petition
        if ref is None or ref.number is None or not PLATFORMS[ref.platform].has_api:
            continue
        path = cache_path(manifest.root, ref.platform, ref.number)
        file = display_path(path, relative_to=manifest.display_root)
        if not path.exists():
            report.note(
                source.where("petition"),
                f"source {source.id!r}: no cached data yet "
                f"for {ref.platform} petition {ref.number} ({file}); its page says so",
            )
            continue
        data = _read(path, file, source, report)
        if data is not None:
            found[source.id] = data
    return found


def _read(path: Path, file: str, source: Source, report: Report) -> PetitionData | None:
    assert source.petition is not None and source.petition.number is not None
    text = read_text(path, report, file=file, severity=Severity.WARNING)
    if text is None:
        return None
    where = Location(file, 1, 1)
    try:
        envelope = json.loads(text)
    except json.JSONDecodeError as exc:
        _unusable(report, Location(file, exc.lineno, exc.colno), source, f"invalid JSON: {exc.msg}")
        return None
    try:
        fetched_at = _check_envelope(envelope, source.petition.platform, source.petition.number)
        parse = PLATFORMS[source.petition.platform].parse
        assert parse is not None
        data = parse(envelope["response"], source.petition.number)
    except DataError as exc:
        _unusable(report, where, source, str(exc))
        return None
    return dataclasses.replace(data, fetched_at=fetched_at)


def _check_envelope(envelope: object, platform: str, number: int) -> dt.datetime | None:
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
    fetched = envelope.get("fetched_at")
    if fetched is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(fetched) if isinstance(fetched, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DataError(f"fetched_at is {fetched!r}, expected a UTC timestamp or null")
    return moment.astimezone(dt.UTC)


def _unusable(report: Report, where: Location, source: Source, reason: str) -> None:
    report.warning(
        where,
        f"cached petition data for source {source.id!r} is unusable: {reason}",
        "the page will show no data; fetch the petition again to replace the file",
    )
