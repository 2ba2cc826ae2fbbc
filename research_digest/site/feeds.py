"""Render the RSS 2.0 and Atom feeds: the site's, and one pair per topic. Pure.

Entries are sources, newest ``added`` first: the newest ``site.feed_entries``
(50 unless the manifest says otherwise), as feed readers expect; the site's pages
and /data/ list everything. Every date comes from the
manifest, never the clock (feedgen stamps ``now`` wherever a date is left
unset, so every one is set here). Links in the content are absolute: a feed
reader has no page to resolve a relative link against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from research_digest.model.digest import Digest
from research_digest.model.manifest import Source
from research_digest.model.outputs import OutputFile
from research_digest.site import views
from research_digest.site.sanitize import resolve_links
from research_digest.textformat import formats

FEED_FILES = ("feed.xml", "atom.xml")


def render_feeds(digest: Digest, unchanged: Collection[str] = frozenset()) -> list[OutputFile]:
    """Render feed.xml and atom.xml for the site and for each topic, but those in unchanged
    (which the last build made from the same inputs)."""
    feeds = [f for f in _feeds(digest) if not all(f[1] + n in unchanged for n in FEED_FILES)]
    contents: dict[str, str] = {}  # each write-up once, however many feeds it is in
    for source in (s for found, *_ in feeds for s in found if s.id not in contents):
        contents[source.id] = str(_content(digest, source))
    files = []
    for found, folder, title, description in feeds:
        files += _feed_pair(digest, contents, found, folder, title, description)
    return files


def shown_text(digest: Digest) -> dict[str, str]:
    """Each feed file, with what changes when the write-ups it shows do (see
    pages.shown_text)."""
    found = {}
    for entries, folder, *_ in _feeds(digest):
        text = "\0".join(digest.documents[s.id].fingerprint for s in entries)
        found.update({folder + name: text for name in FEED_FILES})
    return found


def _feeds(digest: Digest) -> list[tuple[list[Source], str, str, str]]:
    """Each feed's entries, folder, title and description: the site's, then each topic's."""
    m = digest.manifest
    feeds = [(m.sources, "", m.site.title, m.site.description)] + [
        (m.sources_in(t.id), f"topics/{t.id}/", f"{m.site.title}: {t.title}", t.summary)
        for t in m.topics
    ]
    return [(views.newest_added(sources)[: m.site.feed_entries], folder, title, description)
            for sources, folder, title, description in feeds]  # fmt: skip


def _feed_pair(
    digest: Digest,
    contents: Mapping[str, str],
    entries: Sequence[Source],
    folder: str,
    title: str,
    description: str,
) -> list[OutputFile]:
    newest = max((s.last_changed for s in entries), default=None)
    updated = _midnight(newest or digest.built_at.date())  # a day, as the entries' dates
    files = []
    for name, fmt in zip(FEED_FILES, ("rss", "atom"), strict=True):
        feed = _feed(digest, folder, name, title, description, updated)
        for source in entries:
            _add_entry(feed, digest, source, contents[source.id])
        xml = feed.rss_str(pretty=True) if fmt == "rss" else feed.atom_str(pretty=True)
        files.append(OutputFile(folder + name, xml))
    return files


def _feed(
    digest: Digest, folder: str, name: str, title: str, description: str, updated: dt.datetime
) -> FeedGenerator:
    site = digest.manifest.site
    feed = FeedGenerator()
    feed.id(site.base_url + folder + name)
    feed.title(title)
    feed.subtitle(description)
    feed.description(description)
    feed.link(href=site.base_url + folder + name, rel="self")  # self first: feedgen's RSS
    feed.link(href=site.base_url + folder, rel="alternate")  # <link> is the last one added
    feed.language(site.language)
    author = {"name": site.contact.name or site.title}
    if site.contact.email:
        author["email"] = site.contact.email
    if site.contact.url:
        author["uri"] = site.contact.url
    feed.author(author)
    feed.rights(f"{site.licence.name}" + (f" ({site.licence.url})" if site.licence.url else ""))
    feed.updated(updated)
    feed.lastBuildDate(updated)
    return feed


def _add_entry(feed: FeedGenerator, digest: Digest, source: Source, content: str) -> None:
    site = digest.manifest.site
    url = f"{site.base_url}sources/{source.id}/"
    added = _midnight(source.added)
    entry = feed.add_entry(order="append")
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(source.title)
    entry.link(href=url)
    entry.summary(source.summary)
    entry.description(source.summary)
    entry.content(content, type="html")
    entry.published(added)
    entry.updated(_midnight(source.last_changed))  # a correction shows as an update
    for topic in views.topics_of(source, digest.manifest):
        entry.category(term=topic.id, label=topic.title, scheme=f"{site.base_url}topics/")


def _content(digest: Digest, source: Source) -> Markup:
    """The full write-up, after its content note and where it comes from."""
    site = digest.manifest.site
    note = views.content_note(source, digest.manifest)
    parts = [Markup("<p><strong>Content note:</strong> {}</p>").format(note)] if note else []
    line = Markup("{} from {}, published {}.").format(
        source.kind_label,
        source.publisher or "a publisher not recorded",
        formats(site.language).date(source.published),
    )
    if source.url:
        line += Markup(' <a href="{}" rel="noopener noreferrer">Read the original</a>.').format(
            source.url
        )
    parts.append(Markup("<p>") + line + Markup("</p>"))

    m = digest.manifest

    def absolute(kind: str, ident: str) -> str | None:
        known = m.has_source(ident) if kind == "source" else m.has_topic(ident)
        return f"{site.base_url}{kind}s/{ident}/" if known else None

    page = f"{site.base_url}sources/{source.id}/"
    html = resolve_links(digest.documents[source.id].html, absolute)
    html = html.replace('href="#', f'href="{page}#')  # a feed reader has no page for '#...'
    parts.append(Markup(html))  # sanitised HTML
    return Markup("\n").join(parts)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
