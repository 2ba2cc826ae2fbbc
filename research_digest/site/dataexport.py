"""The digest as data, for researchers: /data/sources.json and /data/sources.csv. Pure.

The JSON holds the site, every topic, and every source with its petition
figures; the CSV, one row a source. The format is described on the /data/
page, in README.md, and by a JSON Schema published beside the data
(/data/sources.schema.json); it changes only with a new 'format' number.

Contributors write the text, so a CSV cell that a spreadsheet would read as a
formula (starting =, +, -, @, tab or carriage return) is prefixed with an
apostrophe, as OWASP advises against CSV injection; the JSON is left as written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from research_digest.model.digest import Digest
from research_digest.model.manifest import Source
from research_digest.site.citations import csl_name, page_url
from research_digest.site.petitionviews import PetitionView, petition_view

FORMAT = 1
SCHEMA_FILE = "data.schema.json"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "id", "kind", "title", "url", "publisher", "published", "added", "updated", "topics",
    "summary", "page", "petition_platform", "petition_number", "petition_state",
    "petition_signatures", "petition_figure_date", "petition_data", "authors", "doi",
]  # fmt: skip


def export(digest: Digest) -> dict[str, bytes]:
    """sources.json and sources.csv, from one record a source."""
    records = [_record(digest, source) for source in digest.manifest.sources]
    return {"sources.json": sources_json(digest, records), "sources.csv": sources_csv(records)}


def sources_json(digest: Digest, records: Sequence[Mapping[str, Any]]) -> bytes:
    """Every topic and source, with petition figures, as JSON."""
    site = digest.manifest.site
    document = {
        "format": FORMAT,
        "site": {
            "title": site.title,
            "url": site.base_url,
            "language": site.language,
            "licence": {"name": site.licence.name, "url": site.licence.url},
        },
        "built": digest.built_at.isoformat(),
        "topics": [
            {
                "id": t.id,
                "title": t.title,
                "summary": t.summary,
                "page": f"{site.base_url}topics/{t.id}/",
            }
            for t in digest.manifest.topics
        ],
        "sources": list(records),
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sources_csv(records: Sequence[Mapping[str, Any]]) -> bytes:
    """One row a source: the fields of the JSON that fit a table."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in records:
        petition = row["petition"] or {}
        writer.writerow({
            **{k: _cell(v) for k, v in row.items() if k in CSV_COLUMNS},
            "topics": ";".join(row["topics"]),
            "authors": _cell("; ".join(map(_display_name, row["authors"]))),
            "doi": row["doi"] or "",
            "updated": row["updated"] or "",
            "petition_platform": petition.get("platform", ""),
            "petition_number": petition.get("number") or "",
            "petition_state": _cell(petition.get("state") or ""),
            "petition_signatures": "" if petition.get("signatures") is None
            else petition["signatures"],
            "petition_figure_date": petition.get("figure_date") or "",
            "petition_data": petition.get("data", ""),
        })  # fmt: skip
    return out.getvalue().encode("utf-8")


def data_schema() -> bytes:
    """The JSON Schema of sources.json, published beside it."""
    return resources.files("research_digest").joinpath("schema", SCHEMA_FILE).read_bytes()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _display_name(name: Mapping[str, str]) -> str:
    """A name of the JSON's authors as a reader writes it: 'Alex Hern', 'Ofcom'."""
    return name.get("literal") or " ".join(filter(None, (name.get("given"), name["family"])))


def _record(digest: Digest, source: Source) -> dict[str, Any]:
    site = digest.manifest.site
    row: dict[str, Any] = {
        "id": source.id,
        "kind": source.kind,
        "title": source.title,
        "authors": [csl_name(author) for author in source.authors],
        "url": source.url,
        "doi": source.doi,
        "publisher": source.publisher,
        "published": source.published.iso() if source.published else None,
        "added": source.added.isoformat(),
        "updated": source.updated.isoformat() if source.updated else None,
        "topics": list(source.topics),
        "summary": source.summary,
        "page": page_url(site, source),
        "petition": None,
    }
    view = petition_view(source, digest)
    if view is not None:
        record, data = view.record, view.data
        recorded = source.petition.recorded if source.petition else None
        reading = record.reading if record else None
        when = (None if data is None and view.signatures is None else
                record.fetched_at.isoformat() if record and record.fetched_at else
                reading.as_of.isoformat() if reading and reading.as_of else
                recorded.seen.iso() if recorded and recorded.seen else None)  # fmt: skip
        row["petition"] = {
            "data": _data_status(view),
            "platform": view.platform.id,
            "number": view.number,
            "state": data.state if data else None,
            "signatures": view.signatures,
            "figure_date": when,  # when fetched; the page's date; or when seen, by hand
            "read_from": reading.url if reading else recorded.reported_url if recorded else None,
            "reported_by": reading.by if reading else recorded.reported_by if recorded else None,
            "thresholds": [
                {
                    "kind": t.code,
                    "count": t.count,
                    "reached_at": t.reached_at.isoformat() if t.reached_at else None,
                }
                for t in (data.thresholds if data else ())
            ],
        }
    return row


def _data_status(view: PetitionView) -> str:
    """Where the figures come from: the platform's data as fetched (or saved by someone
    else), a page that shows them, by hand, or none."""
    record = view.record
    if record is not None and record.status == "ok" and record.reading is not None:
        return "read from its page" if record.reading.own_page else "as reported by a page"
    if record is not None and record.status == "ok" and record.saved_copy:
        return "saved copy"
    if record is not None:
        return {"ok": "fetched", "missing": "no longer found"}.get(record.status, record.status)
    recorded = view.source.petition.recorded if view.source.petition else None
    if recorded is not None and recorded.reported_by is not None:
        return "as reported by a page"  # a report's figure, recorded by hand
    return "recorded by hand" if view.signatures is not None else "not fetched"
