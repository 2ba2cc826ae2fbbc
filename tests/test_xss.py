"""The XSS corpus (tests/xss_corpus.py): every payload, in every text field that reaches a
page, never becomes live markup, never runs and never makes a request, in the built
files and in headless Chromium, with the pages' Content-Security-Policy and without it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import pytest

from research_digest.diagnostics import Report
from research_digest.files import FORBIDDEN_CHARACTERS
from research_digest.manifest.loader import load_manifest
from research_digest.site.documents import MarkdownRenderer, load_documents
from tests.browser import Watch, launched, open_page, serving
from tests.conftest import build_digest
from tests.hostile import (
    FIELD_LIMITS,
    TEXT_FIELDS,
    live_markup_problems,
    write_corpus_digest,
)
from tests.xss_corpus import EVIL, MARK, Payload, corpus

pytestmark = pytest.mark.slow

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PAYLOADS = corpus()
WRITTEN = [p for p in PAYLOADS if p.family != "refused"]


@dataclass(frozen=True)
class Corpus:
    manifest: Path
    site: Path
    api_fields: list[str]
    origin: str  # where the site is served, and published (its pages link to it)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    root = tmp_path_factory.mktemp("xss")
    manifest, taken = write_corpus_digest(root / "digest")
    with serving({"/": root / "site"}) as origin:
        build_digest(manifest, root / "site", base_url=origin + "/")
        yield Corpus(manifest, root / "site", taken, origin)


def test_the_corpus_has_over_200_payloads_in_every_family() -> None:
    assert len(PAYLOADS) >= 200
    assert len({p.text for p in PAYLOADS}) == len(PAYLOADS)
    assert set(Counter(p.family for p in PAYLOADS)) == {
        "script tag", "event handler", "script URL", "SVG and MathML", "mutation XSS",
        "malformed and nested tags", "entity and encoding tricks", "CSS injection",
        "template injection", "Markdown", "context breakout", "refused",
    }  # fmt: skip


@pytest.mark.parametrize("payload", WRITTEN, ids=lambda p: str(p.number))
def test_no_payload_survives_a_write_up_live(payload: Payload) -> None:
    """Each payload alone, and in the middle of a paragraph, through Markdown and nh3."""
    text = FORBIDDEN_CHARACTERS.sub("", payload.text)
    for markdown in (text, f"Before {text} after.\n\nA last paragraph."):
        html = MarkdownRenderer().render(markdown)
        assert live_markup_problems(html) == [], html


def test_links_the_build_refuses_are_clean_errors(tmp_path: Path) -> None:
    manifest, _ = write_corpus_digest(tmp_path / "digest")
    page = manifest.parent / "content" / "corpus-01.md"
    refused = [p for p in PAYLOADS if p.family == "refused"]
    page.write_text("\n\n".join(p.text for p in refused) + "\n")
    report = Report()
    loaded = load_manifest(manifest, report)
    assert loaded is not None
    load_documents(loaded, report)
    assert [d.message for d in report.sorted() if d.location.file.endswith("corpus-01.md")] == [
        f"link to unknown source '%22%3E%3Cimg%20src=x%20onerror=__xss({refused[0].number})%3E'",
        "link to unknown topic '../../../etc/passwd'",
        "link to #fn-missing, which the write-up does not have",
    ]


def test_every_text_field_holds_the_corpus(built: Corpus) -> None:
    """Each kind of text field holds every payload somewhere; each field is full."""
    report = Report()
    manifest = load_manifest(built.manifest, report)
    assert manifest is not None
    payloads = [FORBIDDEN_CHARACTERS.sub("", p.text) for p in PAYLOADS]
    for kind in ("title", "publisher", "summary", "content_note"):
        texts = [getattr(s, kind) or "" for s in manifest.sources]
        missing = [p for p in payloads if not any(p in text for text in texts)]
        assert missing == [], kind
    site = manifest.site
    filled = [(site.title, FIELD_LIMITS["title"]), (site.description, 3000),
              (site.content_note or "", 3000)]  # fmt: skip
    filled += [(t.title, FIELD_LIMITS["title"]) for t in manifest.topics]
    assert all(len(text) > limit - 160 for text, limit in filled)  # the longest payload: 151
    names = [author.name for s in manifest.sources for author in s.authors]
    for payload in payloads:  # every payload in an author's name, each name filled
        assert any(payload in name for name in names), payload
    assert {"title", "summary", "publisher", "content_note", "description"} <= TEXT_FIELDS
    fields = {field.split(": ")[1] for field in built.api_fields}
    assert fields >= {
        "data.attributes.action", "data.attributes.background",
        "data.attributes.additional_details", "data.attributes.rejection.details",
        "data.attributes.government_response.summary",
        "data.attributes.government_response.details", "data.attributes.debate.overview",
        "data.attributes.debate.transcript_url", "data.attributes.debate.video_url",
        "data.attributes.debate.debate_pack_url", "data.attributes.summary",
        "data.attributes.background_information", "data.attributes.signatures_by_country.0.name",
        "data.attributes.signatures_by_constituency.0.name",
        "data.attributes.signatures_by_constituency.0.mp",
    }  # fmt: skip


def test_no_built_page_holds_live_markup(built: Corpus) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 45
    found = {p.relative_to(built.site).as_posix(): live_markup_problems(p.read_text())
             for p in pages}  # fmt: skip
    assert {page: problems for page, problems in found.items() if problems} == {}


def test_no_feed_holds_live_markup(built: Corpus) -> None:
    feeds = sorted(built.site.rglob("*.xml"))
    assert len(feeds) >= 8
    for feed in feeds:
        raw = feed.read_bytes()
        if b"<urlset" in raw:
            continue  # the sitemap
        parsed = feedparser.parse(raw)
        assert parsed.bozo == 0, feed
        assert b"<script" not in raw.lower(), feed  # escaped text reads &lt;script
        for entry in parsed.entries:
            for content in entry.get("content", []):
                assert live_markup_problems(content["value"]) == [], (feed, entry.id)


def test_the_search_index_is_data_and_holds_the_payloads_as_text(built: Corpus) -> None:
    docs = json.loads((built.site / "search-index" / "docs-0.json").read_text())
    titles, excerpts = [row[1] for row in docs], [row[6] for row in docs]
    assert any(PAYLOADS[0].text in title for title in titles)
    assert any(PAYLOADS[0].text in excerpt for excerpt in excerpts)  # plain text, kept whole


# -- in the browser --------------------------------------------------------------------------

# Whatever the page's own code, nothing the corpus put there may be live: checked in the
# page itself, after its scripts ran. Our own markup is what the site's templates make.
LIVE_MARKUP = """() => {
  const found = [];
  const ours = (s) => (s.type === "application/ld+json" && !s.src) ||
    (s.type === "module" && new URL(s.src, location.href).pathname.endsWith("/static/search.js"));
  const search = (el) => el.closest("form[role=search]") !== null;
  const chart = (el) => el.closest("svg.chart") !== null;
  const never = new Set(["iframe", "frame", "frameset", "object", "embed", "img", "image",
    "video", "audio", "source", "track", "picture", "canvas", "base", "style", "template",
    "math", "marquee", "textarea", "applet", "portal", "fencedframe", "meta"]);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (tag === "script" && !ours(el)) found.push("<script>");
    if (tag === "meta" && el.httpEquiv && el.httpEquiv !== "Content-Security-Policy")
      found.push("<meta http-equiv>");
    else if (never.has(tag) && tag !== "meta") found.push("<" + tag + ">");
    if (["form", "input", "button", "select", "option"].includes(tag) && !search(el))
      found.push("<" + tag + ">");
    if (el.namespaceURI === "http://www.w3.org/2000/svg" && !chart(el))
      found.push("<svg " + tag + ">");
    if (tag === "link" && !["stylesheet", "alternate", "canonical", "icon"].includes(el.rel))
      found.push("<link rel=" + el.rel + ">");
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "srcdoc" || name === "formaction")
        found.push("<" + tag + " " + name + ">");
      if (["href", "src", "action", "data", "xlink:href", "poster", "background", "cite",
           "ping", "srcset"].includes(name)) {
        let url;
        try { url = new URL(attribute.value, document.baseURI); } catch { continue; }
        if (!["http:", "https:", "mailto:"].includes(url.protocol))
          found.push("<" + tag + " " + name + "=" + attribute.value.slice(0, 80) + ">");
      }
    }
  }
  if (document.baseURI !== location.href.split("#")[0]) found.push("base " + document.baseURI);
  if (document.documentElement.dataset.xss) found.push("data-xss");
  if (window.__xssHits.length) found.push("__xss " + window.__xssHits.join(","));
  return found;
}"""

HOOK = "window.__xssHits = []; window.__xss = (n) => window.__xssHits.push(n);"
QUERIES = ["xss", "script", "alert", "onerror", "javascript", "svg", "evil"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as found:
        yield found


@pytest.mark.browser
@pytest.mark.parametrize("csp", ["with its policy", "with the policy bypassed"])
def test_no_payload_runs_or_reaches_out_in_chromium(
    browser: Browser, built: Corpus, csp: str
) -> None:
    pages = sorted(built.site.rglob("*.html"))
    origin = built.origin
    watch = Watch(origin)
    try:
        page = open_page(browser, watch, bypass_csp=csp.endswith("bypassed"))
        page.add_init_script(HOOK)
        live: dict[str, list[str]] = {}
        addresses = [f"{origin}/{p.relative_to(built.site).as_posix()}" for p in pages]
        addresses = [a.removesuffix("index.html") for a in addresses]
        for address in addresses:
            live.update(_visit(page, address))
        for query in QUERIES:
            live.update(_visit(page, f"{origin}/search/?q={query}", search=True))
    finally:
        watch.close()
    assert {address: found for address, found in live.items() if found} == {}
    assert watch.problems == []
    assert len(addresses) > 45


def _visit(page: Page, address: str, *, search: bool = False) -> dict[str, list[str]]:
    page.goto(address, wait_until="load")
    if search:
        page.locator("#search-status:not(:empty)").wait_for()
        assert page.locator("#search-results li").count() > 0, address
    page.wait_for_timeout(150)  # autofocus, animations, a refresh of 0 seconds
    found: list[str] = page.evaluate(LIVE_MARKUP)
    if page.url.split("?")[0] != address.split("?")[0]:
        found.append(f"navigated to {page.url}")
    return {address: found}


@pytest.mark.browser
def test_the_browser_check_sees_payloads_that_do_run(browser: Browser, tmp_path: Path) -> None:
    """The control: the same checks on a page that takes payloads raw, with no policy."""
    raw = [p.text for p in PAYLOADS if p.family in ("script tag", "event handler")][:60]
    (tmp_path / "index.html").write_text("<!doctype html><title>raw</title>" + "".join(raw))
    with serving({"/": tmp_path}) as origin:
        watch = Watch(origin)
        try:
            page = open_page(browser, watch)
            page.add_init_script(HOOK)
            found = _visit(page, origin + "/")[origin + "/"]
        finally:
            watch.close()
    assert {"<script>", "<img>", "<img onerror>", "<svg svg>", "<body onload>"} <= set(found)
    assert any(f.startswith("__xss ") for f in found)
    kinds = " ".join(watch.problems)
    assert "dialog alert" in kinds and "dialog confirm" in kinds
    assert MARK in kinds and f"asked another origin for {EVIL}" in kinds


def test_the_corpus_marks_are_what_the_watch_looks_for() -> None:
    assert MARK in "".join(p.text for p in PAYLOADS)
    assert sum("__xss(" in p.text for p in PAYLOADS) > 50
    assert sum("alert(" in p.text or "confirm(" in p.text for p in PAYLOADS) > 50
    assert sum(EVIL in p.text for p in PAYLOADS) > 50
