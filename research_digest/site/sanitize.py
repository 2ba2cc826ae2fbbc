"""Turn untrusted HTML into HTML that can only be text, structure and safe links.

Contributors write Markdown, and Markdown passes raw HTML through, so every
write-up goes through an allow-list sanitiser (nh3, the Rust ammonia library)
after rendering. What survives: text structure (paragraphs, lists, tables,
quotes, headings), emphasis, and links whose scheme is http, https or mailto,
or one of ours (``source:ID``, ``topic:ID``) that pages resolve, or that point
at a ``#fragment`` of the write-up itself. Never
script, styles, event handlers, forms, images, frames or any other media.

Ids inside a write-up are prefixed with ``w-`` (and ``#`` links with it) so a
write-up cannot take over an id of the page around it, like ``main``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3

ID_PREFIX = "w-"
INTERNAL_SCHEMES = ("source", "topic")

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "s", "del", "ins", "mark", "small", "sub", "sup",
    "code", "kbd", "samp", "pre", "blockquote", "q", "cite", "abbr", "dfn", "time",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a", "div", "span",
}  # fmt: skip

# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "title", "textarea", "select"}

ATTRIBUTES = {
    "*": {"id"},
    "a": {"href", "title", "aria-label"},
    "abbr": {"title"},
    "dfn": {"title"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}

# Classes the Markdown renderer's footnotes carry; any other class is dropped, so a
# write-up cannot dress itself up as the page's own notices.
ALLOWED_CLASSES = {
    "div": {"footnotes"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
}

URL_SCHEMES = {"http", "https", "mailto", *INTERNAL_SCHEMES}

_A_TAG = re.compile(r"<a\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z][\w:-]*)="([^"]*)"')
_HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')  # as cmark-gfm writes a link
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_PATH_END = re.compile(r"[/?#]")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def sanitize(fragment: str) -> str:
    """Keep only safe structure, text and links of an HTML fragment."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        url_relative=_keep_fragment_only,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # A link whose address was refused keeps its text, but not a rel: HTML allows rel only
    # with an href.
    return _A_TAG.sub(_without_rel_unless_href, cleaned)


def link_addresses(rendered: str) -> list[str]:
    """The address of every link in cmark-gfm's HTML, as written."""
    return [html.unescape(href) for href in _HREF.findall(rendered)]


def refused_links(rendered: str) -> list[str]:
    """The addresses of the links in cmark-gfm's HTML that sanitize() would drop, leaving only
    their text: relative ones, and those with a scheme that is not allowed."""
    found = []
    for href in link_addresses(rendered):
        if href.startswith("#") and len(href) > 1:
            continue
        scheme = _SCHEME.match(href)
        if scheme is None or scheme.group(1).lower() not in URL_SCHEMES:
            found.append(href)
    return found


def is_relative_path(href: str) -> bool:
    """Tell whether a link's address is a path with no scheme, as a contributor writes one to
    another file (../other/, page.html, www.site.test/x), or empty; not a mangled scheme."""
    first = _PATH_END.split(href, maxsplit=1)[0]
    return href != "#" and ":" not in first and not _SPACE_OR_CONTROL.search(href)


def _without_rel_unless_href(match: re.Match[str]) -> str:
    attrs = dict(_ATTRIBUTE.findall(match.group(1)))
    if "href" in attrs or "rel" not in attrs:
        return match.group(0)
    del attrs["rel"]
    return _a_tag(attrs)


def _a_tag(attrs: dict[str, str]) -> str:
    """An <a> start tag from attributes already escaped for a double-quoted value."""
    return "<a" + "".join(f' {k}="{v}"' for k, v in attrs.items()) + ">"


def _keep_fragment_only(url: str) -> str | None:
    """Refuse relative links but '#fragment': use source:ID and topic:ID instead."""
    return url if url.startswith("#") else None


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return ID_PREFIX + value if value else None
    if name == "href" and value.startswith("#"):
        return "#" + ID_PREFIX + value[1:] if len(value) > 1 else None
    return value


def resolve_links(fragment: str, resolve: Callable[[str, str], str | None]) -> str:
    """Rewrite ``source:ID`` and ``topic:ID`` links of sanitised HTML through resolve(kind, id).

    Internal links lose the ``rel="noopener noreferrer"`` that every sanitised
    link gets; links resolve() returns None for lose their href.
    """

    def rewrite(match: re.Match[str]) -> str:
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        href = html.unescape(attrs.get("href", ""))
        scheme, _, target = href.partition(":")
        if scheme in INTERNAL_SCHEMES:
            attrs.pop("rel", None)
            url = resolve(scheme, target)
            if url is None:
                attrs.pop("href")
            else:
                attrs["href"] = html.escape(url, quote=True)
        elif href.startswith("#"):
            attrs.pop("rel", None)
        else:
            return match.group(0)
        return _a_tag(attrs)

    return _A_TAG.sub(rewrite, fragment)


def internal_links(fragment: str) -> list[tuple[str, str]]:
    """List the (kind, id) of every internal link in sanitised HTML."""
    found = []
    for match in _A_TAG.finditer(fragment):
        href = html.unescape(dict(_ATTRIBUTE.findall(match.group(1))).get("href", ""))
        scheme, _, target = href.partition(":")
        if scheme in INTERNAL_SCHEMES:
            found.append((scheme, target))
    return found


def text_of(fragment: str) -> str:
    """Strip the tags of sanitised HTML, leaving its text (for word counts)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))
