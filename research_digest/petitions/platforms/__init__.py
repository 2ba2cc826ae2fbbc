"""Petition platforms: one adapter per platform with an API, all registered here.

Adding a platform is one module with a ``Platform`` subclass (its host, URLs
and ``parse``), a line in ``PLATFORMS``, its name in the manifest schema, and
its tests.
"""

from __future__ import annotations

from research_digest.petitions.platforms import scottish, senedd, uk_parliament
from research_digest.petitions.platforms._json import DataError
from research_digest.petitions.platforms.base import Platform

PLATFORMS: dict[str, Platform] = {
    p.id: p
    for p in (
        uk_parliament.PLATFORM,
        senedd.PLATFORM,
        scottish.PLATFORM,
        Platform("change-org", "change.org"),
        Platform("other", "another platform"),
    )
}

__all__ = ["PLATFORMS", "DataError", "Platform"]
