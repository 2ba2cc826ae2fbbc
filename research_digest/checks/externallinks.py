"""Check the links that leave the site (check --external): warnings only, never errors.

Every distinct http(s) address the digest links to (sources' originals, links in
write-ups, the site's own links: licence, contact, reporting routes) is asked for
with HEAD, or GET where HEAD is refused, a few at a time. An address that answered
well is not asked again for ``max_age`` (the results are kept in
``.cache/research-digest/external-links.json`` beside the manifest, which git
ignores); a failure is always checked again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from research_digest.diagnostics import Location, Report
from research_digest.files import atomic_write
from research_digest.model.digest import Digest

CACHE_FILE = Path(".cache", "research-digest", "external-links.json")
HEAD_REFUSED = {400, 403, 405, 501}  # servers that do not answer HEAD properly
PERMANENT = {301, 308}
_HREF = re.compile(r'<a\b[^>]*\bhref="(https?://[^"]+)"')


@dataclass(frozen=True)
class LinkUse:
    """One place the digest links to an address."""

    url: str
    where: Location
    what: str  # who links: "source 'x'", "the write-up of 'x'", "site.licence.url"


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    problem: str | None = None  # why not ok: "HTTP 404", "timed out"...
    moved_to: str | None = None  # where a permanent redirect leads


def outside_links(digest: Digest) -> list[LinkUse]:
    """Every link the digest makes to another site, with where it is made."""
    m = digest.manifest
    uses = []
    for name in ("base_url", "licence.url", "repository", "contact.url"):
        value = _site_value(digest, name)
        if value:
            uses.append(LinkUse(value, m.site.where(name), f"site.{name}"))
    for index, route in enumerate(m.site.reporting_routes):
        name = f"reporting_routes[{index}].url"
        uses.append(LinkUse(route.url, m.site.where(name), f"site.{name}"))
    for source in m.sources:
        if source.url:
            uses.append(LinkUse(source.url, source.where("url"), f"source {source.id!r}"))
        document = digest.documents.get(source.id)
        if document:
            for url in dict.fromkeys(_HREF.findall(document.html)):
                uses.append(LinkUse(_unescape(url), _find(document.text, url, document.file),
                                    f"the write-up of {source.id!r}"))  # fmt: skip
    return [u for u in uses if u.url.startswith(("http://", "https://"))]


IN_FLIGHT = 4
"""Addresses asked at once. The client must allow as many connections: with fewer, requests
queue in httpcore's pool, which can close a connection already given to a queued request
(encode/httpcore#1110), and a link is then reported broken that is not."""


def check_external(
    uses: Sequence[LinkUse],
    report: Report,
    *,
    client: httpx.Client,
    root: Path,
    now: dt.datetime,
    max_age: dt.timedelta = dt.timedelta(days=7),
    in_flight: int = IN_FLIGHT,
) -> int:
    """Report the outside links that do not answer well; return how many addresses were asked."""
    cache_path = root / CACHE_FILE
    cache = _read_cache(cache_path)
    fresh = {
        url
        for url, entry in cache.items()
        if isinstance(entry, str) and now - dt.datetime.fromisoformat(entry) <= max_age
    }
    to_ask = sorted({u.url for u in uses} - fresh)
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        results = {r.url: r for r in pool.map(lambda url: _ask(client, url), to_ask)}
    for use in uses:
        result = results.get(use.url)
        if result is None or (result.ok and result.moved_to is None):
            continue
        if result.moved_to:
            report.warning(use.where, f"{use.what}: {use.url} has moved permanently to "
                           f"{result.moved_to}", "update the link")  # fmt: skip
        else:
            report.warning(use.where, f"{use.what}: {use.url} does not answer well "
                           f"({result.problem})", "check it, and use an archived copy if the "
                           "page is gone")  # fmt: skip
    stamp = now.astimezone(dt.UTC).isoformat()
    kept = {url: when for url, when in cache.items() if url in fresh}
    kept.update({url: stamp for url, r in results.items() if r.ok and r.moved_to is None})
    atomic_write(cache_path, (json.dumps(dict(sorted(kept.items())), indent=1) + "\n").encode())
    return len(to_ask)


def _ask(client: httpx.Client, url: str) -> LinkResult:
    try:
        response = client.head(url, follow_redirects=True)
        if response.status_code in HEAD_REFUSED:
            with client.stream("GET", url, follow_redirects=True) as streamed:
                response = streamed
    except httpx.TimeoutException:
        return LinkResult(url, False, "timed out")
    except httpx.HTTPError as exc:
        return LinkResult(url, False, f"{exc.__class__.__name__}: {exc}")
    first = response.history[0] if response.history else None
    if response.status_code >= 400:
        return LinkResult(url, False, f"HTTP {response.status_code}")
    if first is not None and first.status_code in PERMANENT:
        return LinkResult(url, True, moved_to=str(response.url))
    return LinkResult(url, True)


def _read_cache(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a cache is an optimisation: an unreadable one is simply not used
    return data if isinstance(data, dict) else {}


def _site_value(digest: Digest, name: str) -> str | None:
    site = digest.manifest.site
    values = {
        "base_url": site.base_url,
        "licence.url": site.licence.url,
        "repository": site.repository,
        "contact.url": site.contact.url,
    }
    return values[name]


def _find(text: str, url: str, file: str) -> Location:
    index = text.find(url)
    if index < 0:
        return Location(file, 1, 1)
    before = text[:index]
    return Location(file, before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def _unescape(url: str) -> str:
    return url.replace("&amp;", "&")
