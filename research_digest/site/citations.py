"""How to cite a source, in every form reference managers read. Pure.

A source's citation as a BibTeX entry, a RIS record and a CSL-JSON item (which
``bibliographies`` gathers into the digest's and its topics' files, and a source page
shows), a formatted line, ``citation_*`` meta tags (Highwire Press, which Zotero reads
in one click) and schema.org JSON-LD. The citation is of the source itself, the
original, with a note of where the digest summarises it.

Each format puts the publisher where the standard styles print it, and Zotero
reads it, for the kind of source: see ``OUTLET_KINDS``. The tests format the
bibliographies with citeproc-py and pybtex to prove it.
"""

from __future__ import annotations

import json
from typing import Any

from research_digest.model.manifest import Author, PartialDate, Person, Site, Source
from research_digest.site import bibtex as tex
from research_digest.textformat import formats

CSL_TYPES = {
    "article": "article-newspaper", "statement": "speech", "press-release": "document",
    "report": "report", "parliamentary-record": "document", "legislation": "legislation",
    "petition": "webpage", "legal-filing": "legal_case", "consultation": "report",
    "guidance": "document", "dataset": "dataset", "research-paper": "article-journal",
    "blog-post": "post-weblog", "broadcast": "broadcast",
}  # fmt: skip
RIS_TYPES = {
    "article": "NEWS", "report": "RPRT", "consultation": "RPRT", "legislation": "BILL",
    "petition": "ELEC", "dataset": "DATA", "research-paper": "JOUR", "blog-post": "BLOG",
    "legal-filing": "CASE", "broadcast": "ADVS",
}  # fmt: skip
SCHEMA_TYPES = {
    "article": "NewsArticle", "report": "Report", "legislation": "Legislation",
    "dataset": "Dataset", "research-paper": "ScholarlyArticle", "blog-post": "BlogPosting",
    "consultation": "Report",
}  # fmt: skip
# Where a source's publisher goes. An article, a paper, a blog post or a petition appeared in
# an outlet (a newspaper, a journal, a blog, a petitions site): the container of its title,
# which styles print after the title and reference managers file as the publication (CSL
# 'container-title', RIS 'T2'). Any other source is issued by an organisation, its
# publisher (CSL 'publisher', RIS 'PB'). Never both: styles that print both would print the
# name twice.
OUTLET_KINDS = frozenset({"article", "research-paper", "blog-post", "petition"})
# Newspapers and journals: BibTeX's 'journal' (in an @article) and Highwire's
# 'citation_journal_title', which makes Zotero save a journal article with the outlet as its
# publication (it drops 'citation_publisher' from one). Blog posts and petitions keep
# 'citation_publisher', which leaves Zotero to find their type in the page.
_JOURNAL_KINDS = frozenset({"article", "research-paper"})
# BibTeX's @article and @techreport require an author (plain.bst warns without one, pybtex
# refuses), and their journal or institution: used only for a source with both. Any other
# source is a @misc whose outlet or publisher is in 'howpublished', which every style prints.
_BIBTEX_REPORT_TYPES = {"report": "Report", "consultation": "Consultation"}  # @techreport
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def page_url(site: Site, source: Source) -> str:
    return f"{site.base_url}sources/{source.id}/"


def bibtex(source: Source, site: Site) -> str:
    """The source as a BibTeX entry whose every field the standard styles print."""
    kind, fields = _bibtex_kind(source)
    fields.insert(0, ("title", tex.title(source.title)))
    if source.authors:
        fields.insert(0, ("author", tex.names(source.authors)))
    if source.published:
        fields.append(("year", str(source.published.year)))
        if source.published.month:
            fields.append(("month", _MONTHS[source.published.month - 1]))  # a macro: no braces
        fields.append(("date", source.published.iso()))  # biblatex's, as precise as known
    if source.doi:
        fields.append(("doi", tex.verbatim(source.doi)))
    if source.url:
        fields.append(("url", tex.verbatim(source.url)))
        fields.append(("urldate", source.added.isoformat()))
    fields.append(("note", tex.text(f"Summarised in {site.title}: {page_url(site, source)}")))
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@{kind}{{{source.id},\n{body}\n}}\n"


def _bibtex_kind(source: Source) -> tuple[str, list[tuple[str, str]]]:
    """The entry type, and where the publisher goes in it."""
    if source.publisher is None:
        return "misc", []
    outlet = tex.text(source.publisher)
    if source.authors and source.kind in _JOURNAL_KINDS:
        return "article", [("journal", outlet)]
    if source.authors and source.kind in _BIBTEX_REPORT_TYPES:
        return "techreport", [("institution", outlet),
                              ("type", _BIBTEX_REPORT_TYPES[source.kind])]  # fmt: skip
    return "misc", [("howpublished", outlet)]


def ris(source: Source, site: Site) -> str:
    """The source as a RIS record, tagged as Zotero's RIS translator reads it."""
    lines = [("TY", RIS_TYPES.get(source.kind, "GEN")), ("TI", source.title)]
    lines += [("AU", author.inverted) for author in source.authors]
    if source.publisher:
        lines.append(("T2" if source.kind in OUTLET_KINDS else "PB", source.publisher))
    if source.published:
        lines.append(("PY", str(source.published.year)))
        lines.append(("DA", _slashed(source.published)))
    if source.doi:
        lines.append(("DO", source.doi))
    if source.url:
        lines.append(("UR", source.url))
        lines.append(("Y2", source.added.strftime("%Y/%m/%d")))
    lines.append(("N1", f"Summarised in {site.title}: {page_url(site, source)}"))
    lines.append(("ID", source.id))
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines) + "ER  - \r\n"


def csl(source: Source, site: Site) -> dict[str, Any]:
    """The source as a CSL-JSON item."""
    item: dict[str, Any] = {
        "id": source.id,
        "type": CSL_TYPES.get(source.kind, "document"),
        "title": source.title,
    }
    if source.authors:
        item["author"] = [csl_name(author) for author in source.authors]
    item["note"] = f"Summarised in {site.title}: {page_url(site, source)}"
    if source.publisher:
        item["container-title" if source.kind in OUTLET_KINDS else "publisher"] = source.publisher
    if source.published:
        parts = [source.published.year, source.published.month, source.published.day]
        item["issued"] = {"date-parts": [[p for p in parts if p is not None]]}
    if source.doi:
        item["DOI"] = source.doi
    if source.url:
        item["URL"] = source.url
        item["accessed"] = {"date-parts": [[source.added.year, source.added.month,
                                            source.added.day]]}  # fmt: skip
    return item


def csl_name(author: Author) -> dict[str, str]:
    """A CSL name: family and given names, or a literal one (an organisation's)."""
    if not isinstance(author, Person):
        return {"literal": author.name}
    name = {"family": author.family}
    return (name | {"given": author.given}) if author.given else name


def formatted(source: Source, site: Site) -> str:
    """A readable citation: authors (else the publisher), date, title, publisher, address
    (the DOI's, where it has one), and where the digest summarises it."""
    who = author_list(source.authors) or source.publisher or "Publisher unknown"
    date = formats(site.language).date(source.published, "date unknown")
    named = {author.name for author in source.authors}  # APA names an author-publisher once
    outlet = f" {source.publisher}." if named and source.publisher not in named | {None} else ""
    where = source.doi_url or source.url or "address not known"
    return (f"{who} ({date}). \u201c{source.title}.\u201d{outlet} {where}. Summarised in "
            f"{site.title}, {page_url(site, source)}.")  # fmt: skip


def author_list(authors: tuple[Author, ...]) -> str:
    """Names as a reader writes them: 'Alex Hern', 'A and B', 'A, B and C'."""
    shown = [author.name for author in authors]
    if len(shown) < 2:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def meta_tags(source: Source) -> list[tuple[str, str]]:
    """Highwire Press citation_* tags, which reference managers read from the page."""
    tags = [("citation_title", source.title)]
    tags += [("citation_author", author.inverted) for author in source.authors]
    if source.publisher and source.kind in _JOURNAL_KINDS:
        tags.append(("citation_journal_title", source.publisher))
    elif source.publisher:
        tags.append(("citation_publisher", source.publisher))
        if source.kind in ("report", "consultation"):  # Zotero then saves it as a report
            tags.append(("citation_technical_report_institution", source.publisher))
    if source.published:
        tags.append(("citation_publication_date", _slashed(source.published)))
    if source.doi:
        tags.append(("citation_doi", source.doi))
    if source.url:
        tags.append(("citation_public_url", source.url))
    return tags


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block that nothing can break out of."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def source_ld(source: Source, site: Site) -> dict[str, Any]:
    """schema.org for a source page: an article of the digest about the source."""
    about: dict[str, Any] = {"@type": SCHEMA_TYPES.get(source.kind, "CreativeWork"),
                             "name": source.title}  # fmt: skip
    if source.publisher:
        about["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published:
        about["datePublished"] = source.published.iso()
    if source.authors:
        about["author"] = [_ld_author(author) for author in source.authors]
    if source.url:
        about["url"] = source.url
    if source.doi:
        about["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI",
                               "value": source.doi, "url": source.doi_url}  # fmt: skip
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": source.title,
        "description": source.summary,
        "url": page_url(site, source),
        "inLanguage": site.language,
        "datePublished": source.added.isoformat(),
        "dateModified": source.last_changed.isoformat(),
        "isPartOf": {"@type": "WebSite", "name": site.title, "url": site.base_url},
        "about": about,
    }


def _slashed(date: PartialDate) -> str:
    return "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(
        (date.year, date.month, date.day)) if p is not None)  # fmt: skip


def _ld_author(author: Author) -> dict[str, str]:
    if isinstance(author, Person):
        person = {"@type": "Person", "name": author.name, "familyName": author.family}
        return person | ({"givenName": author.given} if author.given else {})
    return {"@type": "Organization", "name": author.name}
