"""The site's map: every page, with what it shows, and the data files beside them. Pure.

``render`` turns these pages into HTML with the templates; this module decides
what they hold: the orderings and groupings from ``views``, citations, the
schema.org description of each page, and when each page last changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal

from research_digest.diagnostics import Location
from research_digest.files import content_hash
from research_digest.model.digest import Digest
from research_digest.model.manifest import Source, Topic
from research_digest.model.outputs import OutputFile
from research_digest.site import bibliographies, citations, petitionviews, timeline, views
from research_digest.site.dataexport import data_schema, export

# How a page links to others: relative (../topics/), from the site's root path
# (/digest/topics/, for 404.html), or absolute (https://example.org/digest/topics/).
LinkStyle = Literal["relative", "rooted", "absolute"]
WAYBACK = "https://web.archive.org/web/{stamp}/{url}"


@dataclass(frozen=True)
class FeedLink:
    title: str
    format: str  # "rss" or "atom"
    path: str

    @property
    def mime_type(self) -> str:
        return f"application/{self.format}+xml"


@dataclass(frozen=True)
class Page:
    """One page to render: where it goes, with which template, and what it shows."""

    path: str  # "" for the home page, "sources/<id>/" for a folder, "404.html" for a file
    template: str
    title: str
    description: str
    feeds: tuple[FeedLink, ...]
    context: Mapping[str, Any] = field(default_factory=dict)
    links: LinkStyle = "relative"
    section: str = ""  # which navigation item is current
    updated: dt.date | None = None  # when it last changed: shown, and the sitemap's lastmod
    kind: str = "website"  # OpenGraph type
    json_ld: str | None = None  # schema.org, escaped for a <script> block
    meta: tuple[tuple[str, str], ...] = ()  # citation_* tags

    @property
    def output_path(self) -> str:
        return output_path(self.path)


def site_pages(digest: Digest, unchanged: Collection[str] = frozenset()) -> Iterator[Page]:
    """List the pages of the site, each with what it shows; pages whose output paths are in
    unchanged are left out (the last build's are kept: see render_pages)."""
    return (make() for make in page_plan(digest, unchanged))


def page_plan(digest: Digest, unchanged: Collection[str] = frozenset()) -> list[Callable[[], Page]]:
    """How to make each page of the site but those in unchanged, in the site's order. A page
    is made from the digest alone, never from another page: any process can make any."""
    m = digest.manifest
    every = m.sources
    site_feeds = feeds(m.site.title, "")
    changed = last_changed(digest, every)
    related = functools.cache(lambda: views.Related(m))  # built once, where first needed
    whole = functools.cache(lambda: timeline.moments(digest, every))  # topics' are cut from it

    latest = functools.cache(lambda: views.in_pages(views.newest_added(every),
                                                     views.SOURCES_PER_PAGE))  # fmt: skip

    def home(number: int) -> Page:
        pager = views.Pager(number, len(latest()), "")
        if number > 1:  # the list of latest additions goes on
            return Page(pager.path(number), "index.html",
                        f"Latest additions, page {number}", m.site.description, site_feeds,
                        {"latest": latest()[number - 1], "pager": pager}, section="home",
                        updated=changed)  # fmt: skip
        website = {"@context": "https://schema.org", "@type": "WebSite", "name": m.site.title,
                   "url": m.site.base_url, "description": m.site.description,
                   "inLanguage": m.site.language}  # fmt: skip
        return Page("", "index.html", m.site.title, m.site.description, site_feeds, {
            "latest": latest()[0][: views.LATEST_COUNT],
            "pager": pager,
            "last_added": views.last_added(every),
            "petitions": petitionviews.petition_views(digest, every),
        }, section="home", updated=changed, json_ld=citations.json_ld(website))  # fmt: skip

    def topics() -> Page:
        return Page("topics/", "topics.html", "Topics", f"The topics of {m.site.title}.",
                    site_feeds, {"counts": {t.id: len(m.sources_in(t.id)) for t in m.topics}},
                    section="topics", updated=changed)  # fmt: skip

    def source(source: Source) -> Page:
        return source_page(digest, source, related().of(source))

    def petitions() -> Page:
        return Page("petitions/", "petitions.html", "Petitions",
                    f"Every petition in {m.site.title}, with its signatures and state.",
                    site_feeds, {"petitions": petitionviews.petition_views(digest, every)},
                    section="petitions", updated=changed)  # fmt: skip

    def search() -> Page:
        return Page("search/", "search.html", "Search", f"Search {m.site.title}.", site_feeds,
                    section="search", updated=changed)  # fmt: skip

    def about() -> Page:
        return Page("about/", "about.html", "About",
                    f"What {m.site.title} covers and how it is made.", site_feeds,
                    {"about": digest.about}, section="about", updated=changed)  # fmt: skip

    def not_found() -> Page:  # served at any missing address, so no relative links
        return Page("404.html", "404.html", "Page not found", "This page does not exist.",
                    site_feeds, links="rooted")  # fmt: skip

    plan: list[tuple[str, Callable[[], Page]]] = []
    for number in range(1, len(latest()) + 1):
        plan.append((views.Pager(number, 0, "").path(number), functools.partial(home, number)))
    plan.append(("topics/", topics))
    for topic in m.topics:
        topic_sources = views.by_published(m.sources_in(topic.id))
        for number in range(1, len(views.in_pages(topic_sources, views.SOURCES_PER_PAGE)) + 1):
            plan.append((views.Pager(number, 0, f"topics/{topic.id}/").path(number),
                         functools.partial(topic_page, digest, topic, number)))  # fmt: skip
        if timeline.has_timeline(m.sources_in(topic.id)):
            plan += _timeline_plan(digest, topic, whole)
    plan += [(f"sources/{s.id}/", functools.partial(source, s)) for s in m.sources]
    present = views.sections(m)
    if "petitions" in present:
        plan.append(("petitions/", petitions))
    if "timeline" in present:
        plan += _timeline_plan(digest, None, whole)
    plan += [("data/", functools.partial(data_page, digest)), ("search/", search),
             ("about/", about), ("404.html", not_found)]  # fmt: skip
    return [make for path, make in plan if output_path(path) not in unchanged]


DATA_EXPORT = "data/sources.json"  # it gives the time of the build that made it
BIBLIOGRAPHY = bibliographies.DIGEST.stem + "."  # the whole digest's: 'data/digest.bib'...


def output_path(path: str) -> str:
    """The file a page at path is written to: 'topics/' -> 'topics/index.html'."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def shown_text(digest: Digest) -> dict[str, str]:
    """The pages that show the text of a file under content/, by output path, each with a
    string that changes whenever what it shows of that file does (the hash of a write-up's
    bytes, the about page's HTML). Every other page is made from the manifest, the
    petition data and the templates alone: the build's cache relies on this to know which
    pages to render."""
    found = {f"sources/{sid}/index.html": doc.fingerprint for sid, doc in digest.documents.items()}
    if digest.about is not None:
        found["about/index.html"] = digest.about
    return found


def manifest_shown(digest: Digest) -> Callable[[str], str]:
    """For each output path, a string that changes whenever what its file shows of the
    manifest may change (its places in the file aside). A source's page shows the site's
    settings, every source (its related sources, the navigation) and each topic's id,
    title and content note, never a topic's summary or key moments; a topic's pages and
    feeds show that topic whole; the sitemap, what the pages are and when they changed
    (robots.txt, only the site's address); the digest's bibliography, the sources and the
    site's settings (it is keyed as a source page: when the topics' titles change, every
    page and so the sitemap is made again, and unchanged_outputs keeps nothing).
    Every other file may show anything. The build's cache relies on this, with shown_text,
    to know which files a manifest edit changes."""
    m = digest.manifest
    site = _fingerprint(m.site)
    briefly = _fingerprint([(t.id, t.title, t.content_note) for t in m.topics])
    sources = _fingerprint(m.sources)
    topics = {t.id: _fingerprint(t) for t in m.topics}
    shared = "\0".join((site, briefly, sources))
    everything = "\0".join((shared, *topics.values()))

    def shown(path: str) -> str:
        if path.startswith(("sources/", BIBLIOGRAPHY)) or path in ("sitemap.xml", "robots.txt"):
            return shared
        parts = path.split("/")
        if len(parts) > 2 and parts[0] == "topics" and parts[1] in topics:
            return shared + "\0" + topics[parts[1]]
        return everything

    return shown


_PLACES = ("origin", "field_origins")  # where a value was written: no page shows it


def _fingerprint(value: object) -> str:
    """A hash of what a model object holds but its places in the manifest."""
    return content_hash(repr(_plain(value)).encode())


def _plain(value: object) -> object:
    kind = type(value)
    if kind in _SCALARS:
        return value
    shown = _shown_fields(kind)
    if shown is not None:
        return (kind.__name__, *(_plain(getattr(value, name)) for name in shown))
    if kind is list or kind is tuple:
        return tuple(_plain(item) for item in value)  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, Location):
        return None
    return value


_SCALARS = frozenset({str, int, bool, float, type(None), dt.date, dt.datetime})


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _shown_fields(kind: type) -> tuple[str, ...] | None:
    """A dataclass's fields but its places in the manifest; None for any other type."""
    if kind not in _FIELDS:
        _FIELDS[kind] = (tuple(f.name for f in dataclasses.fields(kind) if f.name not in _PLACES)
                         if dataclasses.is_dataclass(kind) else None)  # fmt: skip
    return _FIELDS[kind]


def topic_page(digest: Digest, topic: Topic, number: int = 1) -> Page:
    """A topic's page; with number > 1, the next page of its list of sources."""
    m = digest.manifest
    sources = m.sources_in(topic.id)
    folder = f"topics/{topic.id}/"
    listed = views.in_pages(views.by_published(sources), views.SOURCES_PER_PAGE)
    pager = views.Pager(number, len(listed), folder)
    if number > 1:
        return Page(pager.path(number), "topic.html", f"{topic.title}: sources, page {number}",
                    topic.summary, feeds(f"{m.site.title}: {topic.title}", folder)
                    + feeds(m.site.title, ""), {"topic": topic, "sources": listed[number - 1],
                                                "pager": pager},
                    section="topics", updated=last_changed(digest, sources))  # fmt: skip
    collection = {
        "@context": "https://schema.org", "@type": "CollectionPage", "name": topic.title,
        "description": topic.summary, "url": m.site.base_url + folder,
        "isPartOf": {"@type": "WebSite", "name": m.site.title, "url": m.site.base_url},
        "hasPart": [{"@type": "Article", "headline": s.title,
                     "url": citations.page_url(m.site, s)} for s in sources],
    }  # fmt: skip
    return Page(folder, "topic.html", topic.title, topic.summary,
                feeds(f"{m.site.title}: {topic.title}", folder) + feeds(m.site.title, ""), {
                    "topic": topic,
                    "moment_sources": {s.id: s for s in sources},
                    "sources": listed[0],
                    "pager": pager,
                    "last_added": views.last_added(sources),
                    "petitions": petitionviews.petition_views(digest, sources),
                    "has_timeline": timeline.has_timeline(sources),
                    "bibliography": bibliographies.topic_bibliography(topic) if sources else None,
                }, section="topics", updated=last_changed(digest, sources),
                json_ld=citations.json_ld(collection))  # fmt: skip


def _timeline_plan(
    digest: Digest, topic: Topic | None, whole: Callable[[], timeline.Moments]
) -> list[tuple[str, Callable[[], Page]]]:
    """The pages of a timeline: whole months, about MOMENTS_PER_PAGE moments a page. The
    timeline is made once, for all its pages; a topic's is cut from the whole digest's."""
    sources = digest.manifest.sources_in(topic.id) if topic else digest.manifest.sources
    found = whole().of({s.id for s in sources}) if topic else whole()
    made = _Timeline(timeline.months(digest, found), found.undated, last_changed(digest, sources))
    count = len(made.pages)
    base = f"topics/{topic.id}/timeline/" if topic else "timeline/"
    return [
        (views.Pager(n, count, base).path(n),
         functools.partial(timeline_page, digest, topic, n, made))
        for n in range(1, count + 1)
    ]  # fmt: skip


@dataclass(frozen=True)
class _Timeline:
    """A timeline made once for its pages: its months, its undated sources, when it last
    changed; and its months grouped into pages."""

    periods: list[timeline.Period]
    undated: list[Source]
    updated: dt.date | None
    pages: list[Sequence[timeline.Period]] = field(init=False)

    def __post_init__(self) -> None:
        pages = timeline.periods_in_pages(self.periods, timeline.MOMENTS_PER_PAGE)
        object.__setattr__(self, "pages", pages)


def timeline_page(digest: Digest, topic: Topic | None, number: int, made: _Timeline) -> Page:
    """Page number of a timeline (made by _timeline_plan), the whole digest's or one topic's:
    its months' moments; every month is listed, linked to the page it is on; undated
    sources, on the last."""
    m = digest.manifest
    periods, pages = made.periods, made.pages
    base = f"topics/{topic.id}/timeline/" if topic else "timeline/"
    pager = views.Pager(number, len(pages), base)
    month_pages = {p.ident: pager.path(n) for n, page in enumerate(pages, 1) for p in page}
    title = f"Timeline: {topic.title}" if topic else "Timeline"
    folder = f"topics/{topic.id}/" if topic else ""
    return Page(pager.path(number), "timeline.html",
                title + (f", page {number}" if number > 1 else ""),
                f"Every dated source and petition step{' on ' + topic.title if topic else ''}, "
                "by month.", feeds(m.site.title, folder) if topic else feeds(m.site.title, ""),
                {"topic": topic, "periods": pages[number - 1], "all_periods": periods,
                 "month_pages": month_pages, "pager": pager,
                 "undated": made.undated if number == pager.count else []},
                section="topics" if topic else "timeline",
                updated=made.updated)  # fmt: skip


def source_page(digest: Digest, source: Source, related: list[Source]) -> Page:
    m = digest.manifest
    petition = petitionviews.petition_view(source, digest)
    archive = None
    if source.url:
        archive = WAYBACK.format(stamp=source.added.strftime("%Y%m%d"), url=source.url)
    return Page(f"sources/{source.id}/", "source.html", source.title, source.summary,
                feeds(m.site.title, ""), {
                    "source": source,
                    "document": digest.documents[source.id].html,
                    "topics": views.topics_of(source, m),
                    "related": related,
                    "note": views.content_note(source, m),
                    "petition": petition,
                    "authors": citations.author_list(source.authors),
                    "citation": citations.formatted(source, m.site),
                    "citation_texts": bibliographies.shown_on_page(source, m.site),
                    "bibliographies": bibliographies.of_source(source, m),
                    "archive": archive,
                }, updated=last_changed(digest, [source]), kind="article",
                json_ld=citations.json_ld(citations.source_ld(source, m.site)),
                meta=tuple(citations.meta_tags(source)))  # fmt: skip


def data_page(digest: Digest) -> Page:
    m = digest.manifest
    description = f"Every source in {m.site.title}, its topics, and its petition figures."
    published = [found for found, _ in bibliographies.bibliographies(m)]  # the digest's first
    downloads = [("application/json", DATA_EXPORT), ("text/csv", "data/sources.csv")]
    if published:
        downloads += [(f.media_type, published[0].path(f)) for f in bibliographies.FORMATS]
    dataset = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": f"{m.site.title}: sources and petition figures",
        "description": description,
        "url": m.site.base_url + "data/",
        "license": m.site.licence.url or m.site.licence.name,
        "dateModified": (last_changed(digest, m.sources) or digest.built_at.date()).isoformat(),
        "distribution": [{"@type": "DataDownload", "encodingFormat": media_type,
                          "contentUrl": m.site.base_url + path} for media_type, path in downloads],
    }  # fmt: skip
    return Page("data/", "data.html", "Data", description, feeds(m.site.title, ""),
                {"bibliographies": published}, section="data",
                updated=last_changed(digest, m.sources),
                json_ld=citations.json_ld(dataset))  # fmt: skip


def data_files(digest: Digest, unchanged: AbstractSet[str] = frozenset()) -> list[OutputFile]:
    """The files beside the pages: the data export and the bibliographies; but those in
    unchanged. They are made from the manifest and the petition data alone."""
    files = []
    if not {DATA_EXPORT, "data/sources.csv", "data/sources.schema.json"} <= unchanged:
        files += [OutputFile(f"data/{name}", data) for name, data in export(digest).items()]
        files.append(OutputFile("data/sources.schema.json", data_schema()))
    return files + bibliographies.bibliography_files(digest.manifest, unchanged)


def feeds(title: str, folder: str) -> tuple[FeedLink, ...]:
    return (FeedLink(f"{title} (RSS)", "rss", folder + "feed.xml"),
            FeedLink(f"{title} (Atom)", "atom", folder + "atom.xml"))  # fmt: skip


def last_changed(digest: Digest, sources: Sequence[Source]) -> dt.date | None:
    """When the newest of these sources changed, counting petition data fetched since."""
    days = [s.last_changed for s in sources]
    for source in sources:
        record = digest.petitions.get(source.id)
        if record and record.fetched_at:
            days.append(record.fetched_at.date())
    return max(days, default=None)
