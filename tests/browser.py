"""What the browser tests need: the sites served on 127.0.0.1, and what to skip without.

Chromium is Debian's package, driven by Playwright for Python through
``executable_path``: nothing downloads a browser. axe-core and the Nu HTML
Checker come from npm (``make browser-deps``). Without them the browser tests
skip, each with a one-line reason; ``make test-browser`` sets
DIGEST_BROWSER_TESTS=require, and then a missing tool fails instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO
from tests.xss_corpus import MARK

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page, Request

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
NODE_MODULES = REPO / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "run 'make browser-deps'"


def required() -> bool:
    return os.environ.get("DIGEST_BROWSER_TESTS") == "require"


def need(ready: bool, reason: str) -> None:
    """Skip (or, when the browser tests are required, fail) with a one-line reason."""
    if ready:
        return
    if required():
        pytest.fail(f"{reason} ({INSTALL_HINT})", pytrace=False)
    pytest.skip(f"{reason}: {INSTALL_HINT}")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    need(found is not None, "Chromium is not installed")
    assert found is not None
    return found


@contextmanager
def serving(mounts: Mapping[str, Path]) -> Iterator[str]:
    """Serve each folder under its path prefix ('/digest/') on 127.0.0.1; yield the origin.

    A missing address gets the site's 404.html with status 404, as a host would serve it.
    """

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            for prefix, folder in mounts.items():
                if path.startswith(prefix):
                    self._serve(folder, prefix, path.removeprefix(prefix))
                    return
            self.send_error(HTTPStatus.NOT_FOUND)

        def _serve(self, folder: Path, prefix: str, rest: str) -> None:
            target = (folder / rest).resolve()
            if target.is_dir() and not rest.endswith("/") and rest:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", prefix + rest + "/")
                self.end_headers()
                return
            if target.is_dir():
                target = target / "index.html"
            status = HTTPStatus.OK
            if not target.is_file() or not target.is_relative_to(folder.resolve()):
                target, status = folder / "404.html", HTTPStatus.NOT_FOUND
            body = target.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", self.guess_type(str(target)))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def launched() -> Iterator[Browser]:
    """Headless Chromium (Debian's), or a skip saying what is missing."""
    need(importlib.util.find_spec("playwright") is not None, "Playwright is not installed")
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """Everything a page must never do: log an error, throw, open a dialog, ask elsewhere,
    or log the corpus's mark (tests/xss_corpus.py)."""

    origin: str
    problems: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        self.contexts.append(context)  # closed after the test, even one that failed
        context.on("page", self._page)

    def _page(self, page: Page) -> None:
        def console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning") or MARK in message.text:
                self.problems.append(f"{page.url}: console {message.type}: {message.text}")

        def dialog(opened: Dialog) -> None:
            self.problems.append(f"{page.url}: dialog {opened.type} {opened.message!r}")
            opened.dismiss()

        def request(asked: Request) -> None:
            if not asked.url.startswith(self.origin + "/"):
                self.problems.append(f"{page.url}: asked another origin for {asked.url}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: uncaught {error}"))
        page.on("dialog", dialog)
        page.on("request", request)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def open_page(browser: Browser, watch: Watch, **options: Any) -> Page:
    context = browser.new_context(**options)
    watch.attach(context)
    return context.new_page()
