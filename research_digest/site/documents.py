"""Read each source's Markdown write-up and render it to sanitised HTML.

Contributors' files arrive with the defects of real documents: Windows line
endings, a byte-order mark, stray carriage returns. They are normalised before
rendering. Write-ups are GitHub Flavored Markdown, rendered by cmark-gfm: what a
contributor sees in GitHub's preview of a pull request is what the site shows. A
write-up's sections are ``##`` headings; a ``#`` heading is demoted to ``<h2>`` too,
since the page has one ``<h1>``: the source's title.
"""

from __future__ import annotations

import ctypes
import html
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

from research_digest.diagnostics import (
    Diagnostic,
    Location,
    Report,
    Severity,
    did_you_mean,
    display_path,
)
from research_digest.errors import UserError
from research_digest.files import (
    Refused,
    content_hash,
    decode_text,
    read_bytes,
    read_input,
    read_text,
)
from research_digest.model.digest import CachedDocument, Document
from research_digest.model.manifest import Manifest
from research_digest.parallel import map_forked
from research_digest.site.sanitize import (
    ID_PREFIX,
    internal_links,
    is_relative_path,
    link_addresses,
    refused_links,
    sanitize,
    text_of,
)

WRITE_UPS_PER_JOB = 200  # fewer are rendered sooner than a process starts

# GitHub Flavored Markdown, as GitHub previews a write-up in a pull request: tables,
# strikethrough, bare links and footnotes; smart quotes and dashes. Raw HTML is passed on
# to the sanitiser, which keeps only safe structure ('check' reports it as an error).
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SMART | Options.CMARK_OPT_FOOTNOTES
EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter")

# cmarkgfm's markdown_to_html_with_extensions never frees the document tree it parses or
# the HTML that cmark renders (theacodes/cmarkgfm#53): about 48 KB a write-up, 700 MB for
# 10,000 of them. Its compiled library exports the functions that free them, but its
# Python module does not offer them: they are called here through ctypes, and the rest
# through cmarkgfm's own bindings, as its wrapper does.
_NATIVE = ctypes.CDLL(_cmark.__file__)
_NATIVE.cmark_node_free.argtypes = [ctypes.c_void_p]
_NATIVE.cmark_node_free.restype = None
_LIBC_FREE = ctypes.CDLL(None).free
_LIBC_FREE.argtypes = [ctypes.c_void_p]
_LIBC_FREE.restype = None
_ID = re.compile(r' id="([^"]+)"')  # sanitised HTML: an attribute follows a space
_FRAGMENT_LINK = re.compile(r'<a\b[^>]*\bhref="#([^"]+)"')
_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_FOOTNOTES = re.compile(r'<section class="footnotes" data-footnotes>(.*?)</section>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")
_PUNCTUATION = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")


class MarkdownRenderer:
    """Markdown to sanitised HTML: cmark-gfm (C), then our heading ids, then nh3 (Rust)."""

    def render(self, text: str) -> str:
        return self._clean(markdown_to_html(normalise(text)))

    def write_up(self, text: str) -> WriteUp:
        rendered = markdown_to_html(normalise(text))
        return WriteUp.of(self._clean(rendered), relative=relative_links(text, rendered))

    @staticmethod
    def _clean(rendered: str) -> str:
        return sanitize(_with_heading_ids(_FOOTNOTES.sub(_footnotes, rendered.rstrip("\n"))))


def markdown_to_html(text: str, *, safe: bool = False) -> str:
    """GitHub Flavored Markdown to HTML with cmark-gfm, freeing what it allocates.

    safe: leave out raw HTML (then the only links are the Markdown's own).
    """
    lib, ffi = _cmark.lib, _cmark.ffi
    lib.cmark_gfm_core_extensions_ensure_registered()
    options = OPTIONS & ~Options.CMARK_OPT_UNSAFE if safe else OPTIONS
    parser = lib.cmark_parser_new(options)
    root = ffi.NULL
    try:
        for name in EXTENSIONS:
            lib.cmark_parser_attach_syntax_extension(
                parser, lib.cmark_find_syntax_extension(name.encode())
            )
        data = text.encode("utf-8")
        lib.cmark_parser_feed(parser, data, len(data))
        root = lib.cmark_parser_finish(parser)
        extensions = lib.cmark_parser_get_syntax_extensions(parser)
        raw = lib.cmark_render_html(root, options, extensions)
        try:
            return str(ffi.string(raw).decode("utf-8"))
        finally:
            _LIBC_FREE(int(ffi.cast("uintptr_t", raw)))
    finally:
        if root != ffi.NULL:
            _NATIVE.cmark_node_free(int(ffi.cast("uintptr_t", root)))
        lib.cmark_parser_free(parser)


def relative_links(text: str, rendered: str) -> list[str]:
    """The relative addresses of the write-up's Markdown links (not raw HTML's), which the
    sanitiser drops: ../other/, page.html."""
    found = [href for href in refused_links(rendered) if is_relative_path(href)]
    if not found:
        return found
    markdown_links = set(link_addresses(markdown_to_html(normalise(text), safe=True)))
    return [href for href in found if href in markdown_links]


def _footnotes(match: re.Match[str]) -> str:
    """cmark-gfm's footnotes <section>, as a <div>: it has no heading of its own."""
    return f'<div class="footnotes">{match.group(1)}</div>'


def _with_heading_ids(fragment: str) -> str:
    """Give every heading an id from its text ('Key points' -> key-points); h1 becomes h2.

    The page has one <h1>, the source's title, so a write-up's sections start at <h2>.
    """
    used = set(_ID.findall(fragment))

    def heading(match: re.Match[str]) -> str:
        level = max(int(match.group(1)), 2)
        ident = _unique(slugify(html.unescape(_TAG.sub("", match.group(2)))), used)
        return f'<h{level} id="{ident}">{match.group(2)}</h{level}>'

    return _HEADING.sub(heading, fragment)


def slugify(text: str) -> str:
    """A heading's id: ASCII letters, digits, '_' and '-' ('Key points' -> key-points)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SEPARATORS.sub("-", _PUNCTUATION.sub("", ascii_text).strip().lower())


def _unique(ident: str, used: set[str]) -> str:
    """Number an id already taken (or empty): key-points, key-points_1, key-points_2..."""
    while ident in used or not ident:
        numbered = _NUMBERED.match(ident)
        ident = f"{numbered[1]}_{int(numbered[2]) + 1}" if numbered else f"{ident}_1"
    used.add(ident)
    return ident


def normalise(text: str) -> str:
    """Normalise line endings and drop a byte-order mark."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class WriteUp:
    """A write-up rendered, with what the checks need to know of it, kept by the cache."""

    html: str
    words: int
    links: tuple[tuple[str, str], ...]  # (kind, id) of each source: and topic: link, once
    anchors: tuple[str, ...]  # the #fragments it links to, once each
    ids: tuple[str, ...]  # the ids it has (headings, footnotes), without the w- prefix
    relative: tuple[str, ...] = ()  # relative addresses of links the sanitiser dropped

    @classmethod
    def of(cls, html: str, relative: Iterable[str] = ()) -> WriteUp:
        return cls(
            html,
            len(text_of(html).split()),
            tuple(dict.fromkeys(internal_links(html))),
            tuple(dict.fromkeys(f.removeprefix(ID_PREFIX) for f in _FRAGMENT_LINK.findall(html))),
            tuple(dict.fromkeys(i.removeprefix(ID_PREFIX) for i in _ID.findall(html))),
            tuple(dict.fromkeys(relative)),
        )

    def about(self) -> str:
        """What the checks need to know of it, as JSON (the cache keeps the HTML apart)."""
        return json.dumps([self.words, self.links, self.anchors, self.ids, self.relative])

    @classmethod
    def known(cls, about: str, html: str = "") -> WriteUp:
        """A write-up from what about() said of it (and its HTML, if at hand)."""
        words, links, anchors, ids, relative = json.loads(about)
        return cls(html, words, tuple((k, t) for k, t in links), tuple(anchors), tuple(ids),
                   tuple(relative))  # fmt: skip


class WriteUpStore(Protocol):
    """Where rendered write-ups are kept between builds, by the hash of their bytes (the
    build cache is one): this module asks for them, and never knows how they are kept."""

    def writeups(self, hashes: Iterable[str]) -> dict[str, str]:
        """What is known of the write-ups with these hashes (WriteUp.about), where kept."""
        ...

    def writeup_html(self, key: str) -> str | None:
        """A kept write-up's HTML, or None."""
        ...

    def keep_writeups(self, new: Mapping[str, tuple[str, str]], used: Collection[str]) -> None:
        """Keep new write-ups (what is known of each, and its HTML); forget those not used."""
        ...


def load_documents(
    manifest: Manifest,
    report: Report,
    cache: WriteUpStore | None = None,
    hashes: Mapping[str, str] | None = None,
    jobs: int = 1,
) -> dict[str, Document]:
    """Render every source's write-up; report unreadable files and broken internal links.

    With a build cache, a write-up whose bytes have not changed is not rendered again:
    its HTML is read from the cache only when something shows it (CachedDocument).
    Given the hash of each file's bytes as well (by path: a build's fingerprint has
    them), such a write-up is not even read, and its Document's text is left empty:
    a build does not lint (and a broken link's place is still found, reading the file).
    New write-ups are rendered in up to jobs processes.
    """
    known = hashes if hashes is not None and cache else {}
    wanted = (known.get(str(source.document)) for source in manifest.sources)
    cached = cache.writeups(key for key in wanted if key) if cache else {}
    read: dict[str, tuple[str, str, str | None]] = {}  # source id -> file, key, its text
    new: dict[str, str] = {}  # the text of each write-up to render, by key
    for source in manifest.sources:
        file = display_path(source.document, relative_to=manifest.display_root)
        key = known.get(str(source.document))
        text: str | None = None
        if key is None or key not in cached:
            raw = read_bytes(source.document, report, file=file, cited_at=source.where("document"),
                             within=manifest.root)  # fmt: skip
            text = None if raw is None else decode_text(raw, report, file=file)
            if raw is None or text is None:
                continue
            text, key = normalise(text), content_hash(raw)
            if key not in cached:
                new.setdefault(key, text)
        read[source.id] = (file, key, text)
    rendered = _render_all(new, jobs)
    remembered = {key: WriteUp.known(about) for key, about in cached.items()}  # no HTML yet
    documents: dict[str, Document] = {}
    for source in manifest.sources:
        if source.id not in read:
            continue
        file, key, text = read[source.id]
        write_up = rendered.get(key) or remembered[key]
        if not write_up.words:
            report.warning(
                Location(file, 1, 1),
                "the write-up is empty",
                "summarise the source in your own words",
            )
        found = text or _reader(source.document, file, manifest.root)
        check_internal_links(manifest, write_up, found, file, report)
        if key in rendered:
            documents[source.id] = Document(source.id, write_up.html, write_up.words,
                                            text or "", file, key)  # fmt: skip
        else:
            assert cache is not None
            load = _html_loader(cache, key, source.document, file, manifest.root)
            documents[source.id] = CachedDocument(source.id, write_up.words, file, key, load)
    if cache:
        cache.keep_writeups({key: (rendered[key].about(), rendered[key].html) for key in new},
                            used={key for _, key, _ in read.values()})  # fmt: skip
    return documents


def _html_loader(
    cache: WriteUpStore, key: str, path: Path, file: str, root: Path
) -> Callable[[], str]:
    """Read a cached write-up's HTML; if the cache has lost it, render the file again (as
    long as it is still what the build read)."""

    def load() -> str:
        found = cache.writeup_html(key)
        if found is not None:
            return found
        try:
            raw = read_input(path, within=root)
        except (OSError, Refused):
            raw = b""
        if content_hash(raw) != key:
            raise UserError([Diagnostic(Severity.ERROR, Location(file),
                                        "the file changed while the site was being built",
                                        "build again")])  # fmt: skip
        return MarkdownRenderer().render(normalise(raw.decode("utf-8-sig")))

    return load


def _render_all(texts: Mapping[str, str], jobs: int) -> dict[str, WriteUp]:
    """Render write-ups by key, in up to jobs processes when there are many."""
    keys, renderer = list(texts), MarkdownRenderer()
    found = map_forked(lambda n: renderer.write_up(texts[keys[n]]), len(keys), jobs=jobs,
                       at_least=WRITE_UPS_PER_JOB)  # fmt: skip
    return dict(zip(keys, found, strict=True))


def _reader(path: Path, file: str, root: Path) -> Callable[[], str]:
    """Read a write-up's text when a diagnostic needs to find a place in it."""
    return lambda: normalise(read_text(path, Report(), file=file, within=root) or "")


def load_about(manifest: Manifest, report: Report) -> str | None:
    """Render the about page's own text, if the manifest names one."""
    about = manifest.site.about
    if about is None:
        return None
    file = display_path(about, relative_to=manifest.display_root)
    text = read_text(about, report, file=file, within=manifest.root)
    if text is None:
        return None
    write_up = MarkdownRenderer().write_up(text)
    check_internal_links(manifest, write_up, text, file, report)
    return write_up.html


def check_internal_links(
    manifest: Manifest, write_up: WriteUp, text: str | Callable[[], str], file: str,
    report: Report,
) -> None:  # fmt: skip
    """Report links to sources or topics the manifest does not define, and to anchors the
    write-up does not have."""
    for kind, target in write_up.links:
        known = manifest.has_source if kind == "source" else manifest.has_topic
        if kind == "source" and target in manifest.drafts:
            report.warning(locate(text, f"{kind}:{target}", file),
                           f"link to source {target!r}, a draft: it is left out of the page "
                           "until the source is published", "publish it (remove 'draft: true'),"
                           " or build with --drafts to see it")  # fmt: skip
        elif not known(target):
            items = manifest.sources if kind == "source" else manifest.topics
            choices = [item.id for item in items]
            report.error(
                locate(text, f"{kind}:{target}", file),
                f"link to unknown {kind} {target!r}",
                did_you_mean(target, choices) or _examples(kind, choices),
            )
    for href in write_up.relative:
        report.error(locate(text, f"({href}" if href else "]()", file),
                     f"link to {href!r}: a relative address, which the site would drop"
                     if href else "a link with no address, which the site would drop",
                     _relative_hint(href))  # fmt: skip
    ids = set(write_up.ids)
    for anchor in write_up.anchors:
        if anchor not in ids:
            report.error(
                locate(text, f"(#{anchor})", file),
                f"link to #{anchor}, which the write-up does not have",
                did_you_mean(anchor, ids)
                or "link to a heading's id: '## Key points' is #key-points",
            )


def _relative_hint(href: str) -> str:
    """How to write a link the site keeps, in place of a relative one."""
    if href.startswith(("www.", "//")):  # a site's address written without https:
        return f"did you mean 'https://{href.removeprefix('//')}'?"
    return ("link to a source with (source:ID), a topic with (topic:ID), or another site with "
            "its full https:// address")  # fmt: skip


def _examples(kind: str, ids: Iterable[str]) -> str | None:
    first = next(iter(ids), None)
    return f"link with ({kind}:ID), e.g. ({kind}:{first})" if first else None


def locate(text: str | Callable[[], str], needle: str, file: str) -> Location:
    """Where needle first stands in a write-up's text (line 1, column 1 if nowhere)."""
    text = text if isinstance(text, str) else text()
    match = re.search(re.escape(needle), normalise(text))
    if not match:
        return Location(file, 1, 1)
    before = normalise(text)[: match.start()]
    return Location(file, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1)
