"""Fetch petition data from the platforms' APIs into the cache. The only module on the network.

For each petition whose platform has an API (at most two requests in flight):

    GET https://<platform host>/<path>.json   (If-Modified-Since: the cached Last-Modified)
      200  JSON checked (type, size, shape) -> cache replaced, a history point added
           (unless the data is the same as the cached copy: then nothing is written)
      304  unchanged: nothing is written
      404  marked "missing"; the last copy is kept                        (a warning)
      410  marked "removed"; the copy is dropped; never requested again   (a warning)
      3xx  followed only to the petition's known paths on the same host; to the page of a
           petition not public yet: a warning
      429, 5xx, timeouts, broken connections: retried with exponential backoff and
           jitter, honouring Retry-After; after the last attempt, the cache is kept
      anything else: an error; the cache is kept

A response replaces the cached copy only once every check has passed, and the
file is written atomically, so a failed, partial or malformed response never
damages the last good copy. Each problem is a diagnostic at the petition's
entry in sources.yaml.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import enum
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import httpx

from research_digest import __version__
from research_digest.diagnostics import Report, Severity
from research_digest.files import Refused, outside_of, read_input, remove_temp_files
from research_digest.model.manifest import Manifest, Site, Source
from research_digest.model.petitions import HistoryPoint
from research_digest.petitions.cache import (
    CACHE_DIR,
    CacheEntry,
    add_history_point,
    cache_path,
    parse_entry,
    write_entry,
)
from research_digest.petitions.deadline import DeadlineTransport, deadline
from research_digest.petitions.platforms import PLATFORMS, DataError, Platform
from research_digest.petitions.platforms._json import loads

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
MAX_REDIRECTS = 5


class Outcome(enum.Enum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    GONE = "gone"


@dataclass(frozen=True)
class Result:
    source_id: str
    outcome: Outcome


@dataclass(frozen=True)
class FetchSettings:
    """How the client behaves; the defaults are polite to the platforms."""

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_in_flight: int = 2
    attempts: int = 4  # the first try and three retries
    backoff: float = 1.0  # seconds before the first retry; doubles each time, plus jitter
    longest_wait: float = 120.0  # a longer Retry-After is not waited for: the fetch fails
    max_bytes: int = 4 * 1024 * 1024
    deadline: float = 60.0  # seconds for one request, whatever the server's pace
    # For tests only: send a platform's requests to a loopback server instead.
    api_bases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for platform, base in self.api_bases.items():
            problem = api_base_problem(platform, base)
            if problem:
                raise ValueError(problem)


def api_base_problem(platform: str, base: str) -> str | None:
    """Say why base may not stand in for a platform's API (tests only), if it may not."""
    if platform not in PLATFORMS or not PLATFORMS[platform].has_api:
        return f"{platform!r} is not a platform with an API"
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        return f"only a loopback address may stand in for a platform, got {base!r}"
    return None


def user_agent(site: Site) -> str:
    """Name the digest and how to reach its editors, as the platforms ask of API clients."""
    contacts = [c for c in (site.contact.url or site.base_url, site.contact.email) if c]
    return f"ResearchDigest/{__version__} (+{'; '.join(contacts)})"


def new_client(
    settings: FetchSettings, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """An httpx client with the settings' timeouts, limits and User-Agent, no auto-redirects."""
    limits = httpx.Limits(max_connections=settings.max_in_flight)
    return httpx.Client(
        transport=transport or DeadlineTransport(limits=limits),
        timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
        limits=limits,
        headers={"User-Agent": settings.user_agent, "Accept": "application/json"},
        follow_redirects=False,
    )


def petitions_to_fetch(manifest: Manifest, only: Iterable[str] = ()) -> list[Source]:
    """The petition sources whose platform has an API, limited to the given ids if any."""
    wanted = set(only)
    return [
        s
        for s in manifest.sources
        if s.petition is not None
        and s.petition.number is not None
        and PLATFORMS[s.petition.platform].has_api
        and (not wanted or s.id in wanted)
    ]


def fetch_petitions(
    manifest: Manifest,
    sources: Iterable[Source],
    report: Report,
    *,
    client: httpx.Client,
    settings: FetchSettings,
    clock: Callable[[], dt.datetime] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Fetch each source's petition into the cache; return one result each, in order."""
    if outside_of(manifest.root / CACHE_DIR, manifest.root) is None:
        remove_temp_files(manifest.root / CACHE_DIR)
    shared = _Shared(
        manifest, report, client, settings, clock or _now, sleep, rng or random.Random()
    )
    sources = list(sources)
    with ThreadPoolExecutor(max_workers=settings.max_in_flight) as pool:
        results = list(pool.map(lambda s: _fetch_one(shared, s, on_result), sources))
    return results


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class _Shared:
    """What every petition's fetch uses: the client, the settings, and a lock for the report."""

    manifest: Manifest
    report: Report
    client: httpx.Client
    settings: FetchSettings
    clock: Callable[[], dt.datetime]
    sleep: Callable[[float], None]
    rng: random.Random
    lock: threading.Lock = field(default_factory=threading.Lock)
    refused_hosts: set[str] = field(default_factory=set)  # hosts that answered 403


def _fetch_one(
    shared: _Shared, source: Source, on_result: Callable[[Result], None] | None
) -> Result:
    outcome = _PetitionFetch(shared, source).run()
    result = Result(source.id, outcome)
    if on_result:
        with shared.lock:
            on_result(result)
    return result


class _Failure(Exception):
    """This petition's fetch cannot succeed this run; the message says why."""


class _NotPublic(Exception):
    """The platform has the petition but does not show it yet (it is being moderated)."""


class _PetitionFetch:
    """One petition: read the cache, ask the platform, check, write."""

    def __init__(self, shared: _Shared, source: Source) -> None:
        assert source.petition is not None and source.petition.number is not None
        self.shared = shared
        self.source = source
        self.platform: Platform = PLATFORMS[source.petition.platform]
        self.number = source.petition.number
        self.root = shared.manifest.root
        self.origin = source.where("petition")  # diagnostics point at the petition's entry

    # -- the steps ----------------------------------------------------------------------

    def run(self) -> Outcome:
        escapes = outside_of(cache_path(self.root, self.platform.id, self.number), self.root)
        if escapes is not None:
            self.say(Severity.ERROR, f"cannot use the cache: {CACHE_DIR.as_posix()}/ {escapes}; "
                     "nothing is read from it or written to it")  # fmt: skip
            return Outcome.FAILED
        cached = self.read_cache()
        if cached and cached.status == "removed":
            self.say(Severity.NOTE, "removed from the platform (410): not requested again")
            return Outcome.GONE
        try:
            if self.platform.host in self.shared.refused_hosts:
                raise _Failure(f"{self.platform.host} refused an earlier request (403)")
            return self.ask(cached)
        except _NotPublic:
            self.say(Severity.WARNING, "not public yet: it is gathering support or being checked")
            return Outcome.GONE
        except _Failure as failure:
            kept = "the last good copy is kept" if cached else "nothing is cached yet"
            self.say(Severity.ERROR, f"{failure}; {kept}")
            return Outcome.FAILED
        except OSError as exc:  # writing the cache: a full disk, a read-only folder...
            self.say(
                Severity.ERROR,
                f"cannot write the cache: {exc.strerror or exc} "
                f"({exc.filename or 'data/'}); the last good copy is kept",
            )
            return Outcome.FAILED

    def read_cache(self) -> CacheEntry | None:
        path = cache_path(self.root, self.platform.id, self.number)
        if not path.exists():
            return None
        try:
            text = read_input(path, within=self.root).decode("utf-8")
            return parse_entry(text, self.platform.id, self.number)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, DataError, Refused) as exc:
            self.say(Severity.WARNING, f"the cached copy is unusable ({exc}); fetching afresh")
            return None

    def ask(self, cached: CacheEntry | None) -> Outcome:
        url = self.start_url(cached)
        headers = {}
        if cached and cached.status == "ok" and cached.response:
            # what the cache holds is sent back only if it is what a server may send
            if http_date(cached.last_modified):
                headers["If-Modified-Since"] = cached.last_modified or ""
            if entity_tag(cached.etag):
                headers["If-None-Match"] = cached.etag or ""
        status, final_url, response_headers, body = self.get(url, headers)
        if status == 304:
            return Outcome.UNCHANGED
        if status in (404, 410):
            return self.gone(status, cached, final_url)
        if status == 403:
            assert self.platform.host is not None
            self.shared.refused_hosts.add(self.platform.host)
            raise _Failure(
                "refused (403): the platform may be blocking this client; "
                "no more requests go to it this run"
            )
        if status != 200:
            raise _Failure(f"unexpected HTTP status {status}")
        return self.store(cached, final_url, response_headers, body)

    def store(
        self, cached: CacheEntry | None, url: str, headers: httpx.Headers, body: bytes
    ) -> Outcome:
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise _Failure(f"expected JSON, got {kind or 'no content type'!r} (an error page?)")
        try:
            document = loads(body.decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Failure(f"the response is not valid JSON ({exc})") from None
        except DataError as exc:
            raise _Failure(f"the response is refused: {exc}") from None
        try:
            data = self.platform.parse(document, self.number)
        except DataError as exc:
            raise _Failure(f"the response does not have the expected shape: {exc}") from None
        if cached and cached.status == "ok" and cached.response == document:
            return Outcome.UNCHANGED
        now = self.shared.clock()
        write_entry(self.root, CacheEntry(
            self.platform.id, self.number, url, "ok", now,
            http_date(headers.get("last-modified")), None, document,
            etag=entity_tag(headers.get("etag")),
        ))  # fmt: skip
        if data.signature_count is not None:  # an API response always has one
            point = HistoryPoint(data.updated_at or now, data.signature_count)
            add_history_point(self.root, self.platform.id, self.number, point)
        return Outcome.UPDATED

    def gone(self, status: int, cached: CacheEntry | None, url: str) -> Outcome:
        now = self.shared.clock()
        if status == 404:
            self.say(
                Severity.WARNING,
                "not found (404): marked missing"
                + ("; the last copy is kept" if cached and cached.response else ""),
            )
            if cached is None or cached.status != "missing":
                base = cached or CacheEntry(
                    self.platform.id, self.number, url, "ok", None, None, None, None
                )
                write_entry(self.root, replace(base, status="missing", status_since=now))
            return Outcome.GONE
        self.say(
            Severity.WARNING,
            "removed from the platform (410): its copy is dropped and it "
            "will not be requested again",
        )
        write_entry(
            self.root,
            CacheEntry(
                self.platform.id,
                self.number,
                url,
                "removed",
                cached.fetched_at if cached else None,
                None,
                now,
                None,
            ),
        )
        return Outcome.GONE

    # -- HTTP ---------------------------------------------------------------------------

    def get(self, url: str, headers: dict[str, str]) -> tuple[int, str, httpx.Headers, bytes]:
        """GET with retries; return status, the final (canonical) URL, headers and body."""
        settings = self.shared.settings
        last, last_retry_after = "", None
        for attempt in range(settings.attempts):
            if attempt:
                self.shared.sleep(self.wait(attempt, last_retry_after))
            last_retry_after = None
            try:
                status, final, response_headers, body = self.follow(url, headers)
            except httpx.RequestError as exc:  # timeouts, broken connections, bad encodings
                last = _describe_transport_error(exc)
                continue
            if status in RETRY_STATUSES:
                last = f"HTTP {status}"
                last_retry_after = _retry_after(response_headers, self.shared.clock())
                if last_retry_after is not None and last_retry_after > settings.longest_wait:
                    raise _Failure(
                        f"{last}, asked to wait {last_retry_after:.0f} s "
                        f"(more than {settings.longest_wait:.0f} s)"
                    )
                continue
            return status, final, response_headers, body
        raise _Failure(f"gave up after {settings.attempts} attempts: {last}")

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before a retry: Retry-After if given, else backoff with jitter."""
        if retry_after is not None:
            return retry_after
        base: float = self.shared.settings.backoff * 2.0 ** (attempt - 1)
        with self.shared.lock:
            jitter = self.shared.rng.uniform(0, base)
        return base + jitter

    def follow(self, url: str, headers: dict[str, str]) -> tuple[int, str, httpx.Headers, bytes]:
        """One request, following redirects only to this petition's known paths."""
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            status, response_headers, body = self.request(self.wire_url(url), headers)
            if status not in REDIRECT_STATUSES:
                return status, url, response_headers, body
            target = self.redirect_target(url, response_headers.get("location", ""))
            if target in seen:
                raise _Failure(f"redirect loop at {target}")
            seen.add(target)
            url = target
        raise _Failure(f"more than {MAX_REDIRECTS} redirects")

    def request(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes]:
        """Send one GET; read at most max_bytes of the body."""
        limit = self.shared.settings.max_bytes
        request = self.shared.client.build_request("GET", url, headers=headers)
        with deadline(self.shared.settings.deadline):
            return self.read(self.shared.client.send(request, stream=True), limit)

    def read(self, response: httpx.Response, limit: int) -> tuple[int, httpx.Headers, bytes]:
        """Read at most limit bytes of a response's body, and close it."""
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _Failure(
                    f"the response is too large ({int(declared):,} bytes; the limit is {limit:,})"
                )
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _Failure(f"the response is too large (over {limit:,} bytes)")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)
        finally:
            response.close()

    def redirect_target(self, url: str, location: str) -> str:
        """Check where a redirect leads; return it as a canonical platform URL."""
        if not location:
            raise _Failure("a redirect with no Location")
        target = urlsplit(urljoin(self.wire_url(url), location))
        expected = urlsplit(self.wire_url(self.platform.api_url(self.number) or ""))
        if (target.scheme, target.netloc) != (expected.scheme, expected.netloc):
            raise _Failure(
                f"redirected away from {expected.scheme}://{expected.netloc} (to "
                f"{target.scheme}://{target.netloc}); not followed"
            )
        if target.path in self.platform.pending_paths(self.number):
            raise _NotPublic
        if target.path not in self.platform.api_paths(self.number):
            raise _Failure(f"redirected to an unexpected address ({target.path}); not followed")
        return f"https://{self.platform.host}{target.path}"

    # -- helpers ------------------------------------------------------------------------

    def start_url(self, cached: CacheEntry | None) -> str:
        """The cached URL when it is one of this petition's (an archived one, say)."""
        default = self.platform.api_url(self.number)
        assert default is not None
        if cached and cached.url:
            parts = urlsplit(cached.url)
            if (parts.scheme, parts.hostname) == ("https", self.platform.host) and (
                parts.path in self.platform.api_paths(self.number)
            ):
                return cached.url
        return default

    def wire_url(self, url: str) -> str:
        """Where a canonical platform URL is sent: itself, or a test server's address."""
        base = self.shared.settings.api_bases.get(self.platform.id)
        if base is None:
            return url
        parts = urlsplit(url)
        return base.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")

    def say(self, severity: Severity, message: str) -> None:
        text = f"source {self.source.id!r} ({self.platform.name} {self.label}): {message}"
        with self.shared.lock:
            self.shared.report.add(severity, self.origin, text)

    @property
    def label(self) -> str:
        return self.platform.label(self.number)


_HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
_ENTITY_TAG = re.compile(r'(W/)?"[\x21\x23-\x7e]{0,200}"')


def http_date(value: str | None) -> str | None:
    """A Last-Modified value as HTTP writes one (IMF-fixdate), else None: anything else
    stored and sent back as If-Modified-Since could break every later fetch."""
    if value is None or not _HTTP_DATE.fullmatch(value):
        return None
    try:
        email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return value


def entity_tag(value: str | None) -> str | None:
    """An ETag as HTTP writes one ("..." or W/"..."), else None."""
    return value if value is not None and _ENTITY_TAG.fullmatch(value) else None


def _retry_after(headers: httpx.Headers, now: dt.datetime) -> float | None:
    """Seconds the server asks us to wait: Retry-After as seconds or as an HTTP date."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


def _describe_transport_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the connection broke off ({exc})"
    return f"network error ({exc.__class__.__name__}: {exc})"
