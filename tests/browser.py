"""What the browser tests need: the sites served on 127.0.0.1, and what to skip without.

Chromium is Debian's package, driven by Playwright for Python through
``executable_path``: nothing downloads a browser. axe-core and the Nu HTML
Checker come from npm (``make browser-deps``). Without them the browser tests
skip, each with a one-line reason; ``make test-browser`` sets
DIGEST_BROWSER_TESTS=require, and then a missing tool fails instead.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO

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
