"""Adding a petition: its data is fetched from its platform, and its entry drafted from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import httpx

from research_digest.add.entry import Added, AddError, choose_id, suggest_topics, write_entry
from research_digest.add.extract import SourceFacts
from research_digest.diagnostics import Location, Report
from research_digest.manifest.edit import FieldValue
from research_digest.model.manifest import Manifest, PetitionRef, Source
from research_digest.model.petitions import PetitionData
from research_digest.petitions.cache import cache_path, history_path, parse_entry
from research_digest.petitions.fetch import FetchSettings, Outcome, fetch_petitions
from research_digest.petitions.platforms import PLATFORMS, Platform
from research_digest.petitions.platforms.epetitions import EPetitionsPlatform


def petition_reference(target: str) -> tuple[Platform, int] | None:
    """The platform and number of a petition's address, if target is one."""
    for platform in PLATFORMS.values():
        if isinstance(platform, EPetitionsPlatform):
            number = platform.number_from_url(target)
            if number is not None:
                return platform, number
    return None


def add_petition(
    manifest: Manifest,
    petition: tuple[Platform, int],
    *,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
    source_id: str | None,
    topics: Sequence[str],
) -> Added:
    platform, number = petition
    for source in manifest.sources:
        ref = source.petition
        if ref and ref.platform == platform.id and ref.number == number:
            raise AddError(f"{platform.name} {platform.label(number)} is already source "
                           f"{source.id!r}", usage=True)  # fmt: skip
    default_id = f"petition-{platform.label(number).lower()}"
    if platform.id != "uk-parliament":
        default_id = f"{platform.id}-{default_id}"
    new_id = choose_id(source_id or default_id, default_id, manifest)
    files = (cache_path(manifest.root, platform.id, number),
             history_path(manifest.root, platform.id, number))  # fmt: skip
    made = [path for path in files if not path.exists()]  # what to remove if the add fails
    try:
        return _add_fetched_petition(
            manifest,
            platform,
            number,
            new_id,
            report=report,
            client=client,
            settings=settings,
            now=now,
            topics=topics,
        )
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise


def _add_fetched_petition(
    manifest: Manifest,
    platform: Platform,
    number: int,
    new_id: str,
    *,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
    topics: Sequence[str],
) -> Added:
    outcome, data = _fetch_petition(manifest, platform, number, new_id, report, client,
                                    settings, now)  # fmt: skip
    if outcome not in (Outcome.UPDATED, Outcome.UNCHANGED) or data is None:
        why = "is gone from its platform" if outcome is Outcome.GONE else "could not be fetched"
        raise AddError(f"{platform.name} {platform.label(number)} {why}, so nothing was "
                       "written; add it again when the platform answers")  # fmt: skip
    title = data.action
    text = " ".join(p for p in (data.action, data.background) if p)
    entry_topics = tuple(topics) or suggest_topics(text, manifest.topics, prefer="petitions")
    opened = next((m.when for m in data.milestones if m.code in ("opened", "published")), None)
    created = next((m.when for m in data.milestones if m.code == "created"), None)
    when = opened or created
    entry: dict[str, FieldValue] = {
        "id": new_id,
        "draft": True,
        "kind": "petition",
        "title": title,
        "url": platform.page_url(number) or "",
        "publisher": platform.name,
        "published": when.date().isoformat() if isinstance(when, dt.datetime) else "unknown",
        "added": now.date().isoformat(),
        "topics": list(entry_topics),
        "document": f"content/{new_id}.md",
        "summary": "TODO: one or two sentences in your own words",
        "petition": {"platform": platform.id, "number": number},
    }
    line = write_entry(manifest, entry, PETITION_DRAFT)
    facts = SourceFacts(title, platform.name, None, platform.page_url(number), text)
    return Added(
        new_id,
        line,
        manifest.root / "content" / f"{new_id}.md",
        platform.page_url(number) or "",
        facts,
        entry_topics,
        not topics,
        outcome,
    )


def _fetch_petition(
    manifest: Manifest,
    platform: Platform,
    number: int,
    source_id: str,
    report: Report,
    client: httpx.Client,
    settings: FetchSettings,
    now: dt.datetime,
) -> tuple[Outcome, PetitionData | None]:
    where = Location(str(manifest.path.name), 0, 0)
    source = Source(
        source_id, "petition", source_id, None, platform.name, None, now.date(), (), Path(),
        "", None, PetitionRef(platform.id, number, None), where,
    )  # fmt: skip
    (result,) = fetch_petitions(manifest, [source], report, client=client, settings=settings,
                                clock=lambda: now)  # fmt: skip
    path = cache_path(manifest.root, platform.id, number)
    try:
        entry = parse_entry(path.read_text(encoding="utf-8"), platform.id, number)
        data = platform.parse(entry.response, number) if entry.response else None
    except (OSError, ValueError):
        data = None
    return result.outcome, data


PETITION_DRAFT = """## Summary

TODO: in two or three sentences of your own: what the petition asks, who it asks, and where
it stands. Its figures (state, signatures, response, debate) appear on the page from the data.

## Why it is in the digest

TODO: how the petition relates to the digest's subject and to its other sources; link them
with `[their title](source:ID)`.
"""
