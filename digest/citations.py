"""How to cite a source, in every form reference managers read. Pure.

A source page offers the source's citation as BibTeX, RIS and CSL-JSON files,
a formatted line, ``citation_*`` meta tags (Highwire Press, which Zotero reads
in one click) and schema.org JSON-LD. The citation is of the source itself,
the original, with a note of where the digest summarises it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from digest.model import PartialDate, Site, Source

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
_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_BIBTEX_LITERAL = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def page_url(site: Site, source: Source) -> str:
    return f"{site.base_url}sources/{source.id}/"


def bibtex(source: Source, site: Site) -> str:
    """The source as a BibTeX entry (@techreport for reports, else @misc)."""
    fields = [("title", source.title)]
    if source.publisher:
        key = "institution" if source.kind in ("report", "consultation") else "organization"
        fields.append((key, source.publisher))
    if source.published:
        fields.append(("year", str(source.published.year)))
        if source.published.month:
            fields.append(("month", str(source.published.month)))
    if source.url:
        fields.append(("url", source.url))
        fields.append(("urldate", source.added.isoformat()))
    fields.append(("note", f"Summarised in {site.title}: {page_url(site, source)}"))
    kind = "techreport" if source.kind in ("report", "consultation") else "misc"
    escaped = [(n, _bibtex_url(v) if n == "url" else _bibtex_escape(v)) for n, v in fields]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in escaped)
    return f"@{kind}{{{source.id},\n{body}\n}}\n"


def ris(source: Source, site: Site) -> str:
    """The source as a RIS record."""
    lines = [("TY", RIS_TYPES.get(source.kind, "GEN")), ("TI", source.title)]
    if source.publisher:
        lines.append(("PB", source.publisher))
    if source.published:
        lines.append(("PY", str(source.published.year)))
        lines.append(("DA", _slashed(source.published)))
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
        "note": f"Summarised in {site.title}: {page_url(site, source)}",
    }
    if source.publisher:
        item["publisher"] = source.publisher
    if source.published:
        parts = [source.published.year, source.published.month, source.published.day]
        item["issued"] = {"date-parts": [[p for p in parts if p is not None]]}
    if source.url:
        item["URL"] = source.url
        item["accessed"] = {"date-parts": [[source.added.year, source.added.month,
                                            source.added.day]]}  # fmt: skip
    return item


def csl_json(source: Source, site: Site) -> str:
    return json.dumps([csl(source, site)], indent=2, ensure_ascii=False) + "\n"


def formatted(source: Source, site: Site) -> str:
    """A readable citation: publisher, date, title, address, and where it is summarised."""
    publisher = source.publisher or "Publisher unknown"
    date = source.published.human() if source.published else "date unknown"
    where = source.url or "address not known"
    return (f"{publisher} ({date}). \u201c{source.title}.\u201d {where}. Summarised in "
            f"{site.title}, {page_url(site, source)}.")  # fmt: skip


def meta_tags(source: Source) -> list[tuple[str, str]]:
    """Highwire Press citation_* tags, which reference managers read from the page."""
    tags = [("citation_title", source.title)]
    if source.publisher:
        tags.append(("citation_publisher", source.publisher))
        if source.kind in ("report", "consultation"):  # Zotero then saves it as a report
            tags.append(("citation_technical_report_institution", source.publisher))
    if source.published:
        tags.append(("citation_publication_date", _slashed(source.published)))
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
    if source.url:
        about["url"] = source.url
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


def _bibtex_url(url: str) -> str:
    """A url field is read verbatim (as the url package and biblatex do): only a brace or a
    backslash could break it, and in an address each may be percent-encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def _bibtex_escape(value: str) -> str:
    """Text as LaTeX reads it literally: no brace can end the field, no character is a command."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_LITERAL.get(m.group(1), "\\" + m.group(1)),
                               " ".join(value.split()))  # fmt: skip
