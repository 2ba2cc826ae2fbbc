"""The built site in a real browser (headless Chromium): a reader moves between every page type,
searches, reads on a narrow screen and with the keyboard; no page logs an error or asks another
origin for anything; axe-core finds no WCAG 2.2 A/AA violation, light or dark; and the Nu HTML
Checker finds no error. Needs Chromium, a JRE and 'npm ci' ('make browser-deps')."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from research_digest.diagnostics import Report
from research_digest.manifest.loader import load_manifest
from research_digest.model.manifest import Manifest
from research_digest.serve import DevServer
from research_digest.site.search import excerpt_of
from tests.browser import AXE, VNU, Watch, launched, need, open_page, serving
from tests.conftest import REPO, TEST_DIGEST, build_digest
from tests.hostile import SCRIPT, write_hostile_digest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        Page,
    )

pytestmark = pytest.mark.browser

SHIPPED, TESTED, HOSTILE = "/digest/", "/test/sub/", "/hostile/"
Scheme = Literal["light", "dark"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KNOWN = "ofcom-urgent-contact-x-xai-grok"  # a source the search must find


@dataclass(frozen=True)
class Sites:
    origin: str
    folders: dict[str, Path]

    def url(self, prefix: str, path: str = "") -> str:
        return self.origin + prefix + path

    def pages(self, prefix: str) -> list[str]:
        """The address of every page of a site (index.html as its folder)."""
        folder = self.folders[prefix]
        paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        return [self.url(prefix, p.removesuffix("index.html")) for p in paths]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    root = tmp_path_factory.mktemp("browser")
    folders = {SHIPPED: root / "shipped", TESTED: root / "tested", HOSTILE: root / "hostile"}
    with serving(folders) as origin:
        build_digest(REPO / "sources.yaml", folders[SHIPPED], base_url=origin + SHIPPED)
        build_digest(TEST_DIGEST / "sources.yaml", folders[TESTED], base_url=origin + TESTED)
        hostile = write_hostile_digest(root / "hostile-digest")
        build_digest(hostile, folders[HOSTILE], base_url=origin + HOSTILE)
        yield Sites(origin, folders)


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    loaded = load_manifest(REPO / "sources.yaml", Report())
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched() as found:
        yield found


@pytest.fixture
def watch(sites: Sites) -> Iterator[Watch]:
    found = Watch(sites.origin)
    yield found
    found.close()
    assert found.problems == []


def wait_for_results(page: Page, saying: str = "") -> None:
    """Wait until the search page has said something (a string wait_for_function would need
    eval, which the page's Content-Security-Policy rightly refuses)."""
    page.locator("#search-status:not(:empty)", has_text=saying).wait_for()


def test_every_page_loads_with_no_error_and_nothing_from_elsewhere(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch)
    for prefix in (SHIPPED, TESTED, HOSTILE):
        for url in sites.pages(prefix):
            if url.endswith("/404.html"):
                continue  # served at missing addresses: below
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert page.locator("h1").count() == 1, url
    for prefix in (SHIPPED, HOSTILE):
        page.goto(sites.url(prefix, "search/?q=petition"))
        wait_for_results(page)
        assert page.locator("#search-results li").count() > 0


def test_a_reader_moves_between_every_page_type(
    browser: Browser, sites: Sites, watch: Watch, manifest: Manifest
) -> None:
    page = open_page(browser, watch)
    page.goto(sites.url(SHIPPED))
    h1 = page.locator("h1")
    main = page.locator("main")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Topics").click()
    assert h1.inner_text() == "Topics"
    topic = manifest.topics[0]
    main.get_by_role("link", name=topic.title, exact=True).click()
    assert h1.inner_text() == topic.title
    source = manifest.sources_in(topic.id)[0]
    main.get_by_role("link", name=source.title, exact=True).first.click()
    assert h1.inner_text() == source.title
    assert page.url == sites.url(SHIPPED, f"sources/{source.id}/")
    main.get_by_role("link", name=topic.title, exact=True).first.click()
    main.get_by_role("link", name="its timeline").click()
    assert h1.inner_text() == f"Timeline: {topic.title}"
    nav.get_by_role("link", name="Timeline").click()
    assert h1.inner_text() == "Timeline"
    nav.get_by_role("link", name="Petitions").click()
    assert h1.inner_text() == "Petitions"
    petition = next(s for s in manifest.sources if s.id == "petition-756212")
    main.get_by_role("link", name=petition.title, exact=True).first.click()
    assert "Rejected" in main.inner_text()
    nav.get_by_role("link", name="About").click()
    assert h1.inner_text().startswith("About")
    page.get_by_role("contentinfo").get_by_role("link", name="The data").click()
    assert h1.inner_text() == "The data"
    data = page.request.get(sites.url(SHIPPED, "data/sources.json")).json()
    assert len(data["sources"]) == len(manifest.sources)
    page.get_by_role("search").get_by_role("searchbox").fill("Ofcom")
    page.keyboard.press("Enter")
    wait_for_results(page)
    assert h1.inner_text() == "Search"
    page.locator("#search-results a").first.click()
    assert page.url.startswith(sites.url(SHIPPED, "sources/"))
    nav.get_by_role("link", name="Home").click()
    assert page.url == sites.url(SHIPPED)


def test_a_missing_address_gets_the_404_page_whose_links_work(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch)
    response = page.goto(sites.url(SHIPPED, "sources/no-such-source/deeper/"))
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    watch.problems.clear()  # Chromium logs the 404 itself
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    assert page.url == sites.url(SHIPPED, "topics/")


def test_search_finds_a_known_source_narrows_to_a_topic_and_keeps_the_query(
    browser: Browser, sites: Sites, watch: Watch, manifest: Manifest
) -> None:
    known = manifest.source(KNOWN)
    page = open_page(browser, watch)
    page.goto(sites.url(SHIPPED, "search/"))
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.get_by_label("Words to find").fill("urgent contact")
    wait_for_results(page)
    link = page.get_by_role("link", name=known.title)
    found = page.locator("#search-results li").filter(has=link)
    assert found.count() == 1  # among the first results, with its kind and a highlighted excerpt
    assert found.locator(".meta").inner_text().startswith(f"{known.kind_label} · ")
    # the excerpt is the summary the index holds, apart from the title, and marks the words
    # the query matched: "contacting" is a form of "contact"
    assert found.locator(".excerpt").inner_text() == excerpt_of(known.summary)
    assert found.locator("mark").all_inner_texts() == ["contacting"]
    assert "q=urgent+contact" in page.url
    index, static = sites.url(SHIPPED, "search-index/"), sites.url(SHIPPED, "static/")
    assert any(url.startswith(index) for url in asked)
    assert [url for url in asked if not url.startswith((index, static))] == []  # no pages
    elsewhere = next(t for t in manifest.topics if t.id not in known.topics)
    page.get_by_label("Topic").select_option(elsewhere.id)
    wait_for_results(page, saying=f" in {elsewhere.title}")
    titles = page.locator("#search-results h2").all_inner_texts()
    assert known.title not in titles
    assert f"topic={elsewhere.id}" in page.url
    page.reload()  # the address holds the search
    wait_for_results(page)
    assert page.get_by_label("Words to find").input_value() == "urgent contact"
    assert page.get_by_label("Topic").input_value() == elsewhere.id
    page.get_by_label("Words to find").fill("zzyzxnothing")
    wait_for_results(page, saying="Nothing found")
    assert page.locator("#search-results li").count() == 0


def test_without_javascript_search_says_how_to_browse(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch, java_script_enabled=False)
    page.goto(sites.url(SHIPPED))
    page.get_by_role("search").get_by_role("searchbox").fill("grok")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    assert page.url == sites.url(SHIPPED, "search/?q=grok")
    guidance = page.locator("noscript p")  # Playwright's text locators skip <noscript>
    assert guidance.is_visible() and "Search needs JavaScript" in guidance.inner_text()
    guidance.get_by_role("link", name="the topics").click()
    assert page.url == sites.url(SHIPPED, "topics/")


def test_hostile_text_never_runs_in_a_page_or_in_search(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch)
    page.goto(sites.url(HOSTILE, "search/?q=alert"))
    wait_for_results(page)
    assert page.locator("#search-results li").count() > 0
    results = page.locator("#search-results")
    assert results.locator("script, img, iframe, a[href^='javascript']").count() == 0
    statement = results.locator("li").filter(has=page.locator("a[href$='/regulator-statement/']"))
    assert SCRIPT in statement.locator(".excerpt").inner_text()  # shown as text, marked
    assert statement.locator("mark").all_inner_texts() == ["alert"] * 3
    page.goto(sites.url(HOSTILE, "sources/regulator-statement/"))
    assert "<script>alert('x')</script>" in page.locator("h1").inner_text()


def test_the_keyboard_reaches_a_skip_link_and_focus_is_visible(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch)
    page.goto(sites.url(SHIPPED, "topics/"))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return [e.className, e.textContent, s.outlineStyle, r.top >= 0 && r.height > 0]; }""")
    assert focused == ["skip-link", "Skip to content", "solid", True]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("""() => [document.activeElement.closest('main') !== null,
        getComputedStyle(document.activeElement).outlineStyle]""")
    assert inside == [True, "solid"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_narrow_screens_never_scroll_sideways(
    browser: Browser, sites: Sites, watch: Watch, scheme: str
) -> None:
    page = open_page(browser, watch, viewport={"width": 320, "height": 640}, color_scheme=scheme)
    for url in [*sites.pages(SHIPPED), sites.url(TESTED, "sources/petition-100002/")]:
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, url


@pytest.mark.parametrize("width", [320, 390])
def test_no_petition_table_column_is_off_screen_on_a_phone(
    browser: Browser, sites: Sites, watch: Watch, width: int
) -> None:
    """The petitions tables (the index, the home page) scroll neither the page nor their box."""
    page = open_page(browser, watch, viewport={"width": width, "height": 800})
    urls = [sites.url(SHIPPED, "petitions/"), sites.url(SHIPPED), sites.url(TESTED, "petitions/"),
            sites.url(TESTED, "topics/petitions/")]  # fmt: skip
    for url in urls:
        page.goto(url)
        found = page.evaluate("""() => {
            const wraps = [...document.querySelectorAll('.table-wrap')]
                .filter(w => w.querySelector('table.petitions'));
            const cells = [...document.querySelectorAll(
                'table.petitions tbody th, table.petitions td')];
            const label = c => getComputedStyle(c, '::before').content;
            return {
                tables: wraps.length,
                scrolled: wraps.filter(w => w.scrollWidth > w.clientWidth).length,
                off: cells.filter(c => { const r = c.getBoundingClientRect();
                                         return r.left < 0 || r.right > innerWidth; }).length,
                labelled: cells.filter(c => c.tagName === 'TD' && label(c).length > 4).length,
                cells: cells.length,
            };
        }""")
        assert found["tables"] == 1 and found["cells"] > 10, url
        assert (found["scrolled"], found["off"]) == (0, 0), url
        assert found["labelled"] == found["cells"] - found["cells"] // 6, url  # each td says what


def test_print_leaves_out_navigation_and_search(
    browser: Browser, sites: Sites, watch: Watch
) -> None:
    page = open_page(browser, watch)
    page.goto(sites.url(SHIPPED, f"sources/{KNOWN}/"))
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert page.locator("h1").is_visible()


def axe_pages(sites: Sites) -> list[str]:
    """One page of every type, and the test digest's richest petition pages."""
    shipped = ["", "topics/", "topics/uk-regulation/", "topics/uk-regulation/timeline/",
               f"sources/{KNOWN}/", "sources/petition-756212/", "sources/petition-746339/",
               "sources/petition-751635/", "sources/petition-756178/",
               "sources/changeorg-ban-ai-csam-worldwide/", "petitions/", "timeline/", "about/",
               "data/", "search/?q=grok", "no-such-page/"]  # fmt: skip
    tested = ["sources/petition-100002/", "sources/petition-100003/", "sources/senedd-closed/"]
    return [sites.url(SHIPPED, p) for p in shipped] + [sites.url(TESTED, p) for p in tested]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_accessibility_violation(
    browser: Browser, sites: Sites, scheme: Scheme
) -> None:
    need(AXE.is_file(), "axe-core is not installed")
    # axe is injected as a script, which the pages' own policy rightly refuses: bypass it here
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    found = {}
    for url in axe_pages(sites):
        page.goto(url)
        if "search/?q=" in url:
            wait_for_results(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        if violations:
            found[url] = violations
    context.close()
    assert found == {}


def test_the_nu_html_checker_finds_no_error_or_warning(sites: Sites) -> None:
    java = shutil.which("java")
    need(java is not None, "Java is not installed")
    need(VNU.is_file(), "the Nu HTML Checker (vnu-jar) is not installed")
    assert java is not None
    files = sorted(
        str(p)
        for folder in sites.folders.values()
        for p in folder.rglob("*")
        if p.suffix in (".html", ".css")
    )
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", "--also-check-css",
         *files],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(run.stderr)["messages"]
    problems = [
        f"{m.get('url', '').rsplit('/', 3)[-3:]}:{m.get('lastLine')}: {m['type']} "
        f"{m.get('subType', '')}: {m['message']}"
        for m in messages
        if (m["type"] != "info" or m.get("subType") == "warning") and not _misread(m["message"])
    ]
    assert problems == []
    assert len(files) > 70


# Two of the checker's Content-Security-Policy warnings misread these files, and the browser
# tests above prove the policy instead. Checked as files, a page's own relative resources are
# not 'self' to it (a file: URL has no origin to match); and a JSON-LD block is a data block,
# which HTML never runs, so script-src does not apply to it (Chromium agrees: no page logs a
# violation). A resource from another origin would still be reported.
_OWN_RESOURCE = re.compile(
    r"^Resource violates Content Security Policy \(meta tag\): external "
    r"(stylesheet|script) “(?![a-z][a-z0-9+.-]*:|//)[^”]*” blocked by"
)
_INLINE_SCRIPT = "Inline script violates Content Security Policy (meta tag)"


def _misread(message: str) -> bool:
    return bool(_OWN_RESOURCE.match(message)) or message.startswith(_INLINE_SCRIPT)


def test_serve_reloads_an_open_page_when_its_write_up_is_saved(
    browser: Browser, tmp_path: Path
) -> None:
    shutil.copytree(TEST_DIGEST, tmp_path / "digest")
    server = DevServer(tmp_path / "digest" / "sources.yaml", out=tmp_path / "site",
                       port=0, log=io.StringIO())  # fmt: skip
    server.start()
    try:
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "sources/annual-report/")
        page.locator("h1", has_text="Annual report").wait_for()
        page.wait_for_timeout(300)  # the page has asked which build it shows
        write_up = tmp_path / "digest" / "content" / "annual-report.md"
        write_up.write_text("## Summary\n\nSaved while the page was open.\n", encoding="utf-8")
        page.get_by_text("Saved while the page was open.").wait_for(timeout=30_000)
        assert problems == []  # the reload script keeps to the page's Content-Security-Policy
        page.close()
    finally:
        server.stop()
