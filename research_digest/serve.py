"""Serve the site while you edit it: rebuild on every change, reload the open page.

The site is built for the address it is served at, into a folder of its own
(``.cache/serve/site/`` beside the manifest), then served from there: ``site/`` stays
the last real build, made for the published address. A thread watches the
manifest, the write-ups, the templates and the petition data; on a change it
rebuilds. Drafts are shown, each page marked as one. A page in the browser asks the server
which build it is showing, and the server answers when there is a newer one (or after
WAIT_SECONDS, when it asks again): the page reloads as soon as a rebuild is done. The
watcher looks for changes every tenth of a second, or less often in a digest so large
that looking takes a noticeable part of that.

When a rebuild fails, the last good site stays served (the writer only swaps a
complete build in), the terminal shows the diagnostics, and every page shows
them too, in a box over the page. The reload script and that box are added to
pages as they are served: nothing of it is ever written into the site.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from research_digest.diagnostics import Report, Severity, display_path
from research_digest.errors import UserError
from research_digest.parallel import available_jobs
from research_digest.petitions.cache import CACHE_DIR
from research_digest.pipeline import build
from research_digest.textformat import count

PREFIX = "/__digest__/"
WAIT_SECONDS = 25.0  # how long the server holds a page's question about a newer build
LOOK_EVERY = 0.1  # seconds between looks for changes, at least
LOOK_SHARE = 0.1  # at most this share of the time is spent looking (a large digest)
SERVE_DIR = Path(".cache", "serve", "site")  # beside the manifest, never site/
LIVE_JS = """(() => {
  let shown = null;
  async function check() {
    let wait = 0;
    try {
      const after = shown === null ? "" : "?after=" + encodeURIComponent(shown);
      const answer = await fetch("/__digest__/version" + after, {cache: "no-store"});
      const version = await answer.text();
      if (shown !== null && version !== shown) { location.reload(); return; }
      shown = version;
    } catch (error) { wait = 1000; /* the server is restarting: ask again */ }
    setTimeout(check, wait);
  }
  check();
})();
"""
LIVE_CSS = """.digest-build-error { position: fixed; inset: auto 1rem 1rem 1rem; z-index: 1000;
  max-height: 60vh; overflow: auto; padding: 1rem; background: #fff4f4; color: #1b1b1f;
  border: 3px solid #b00020; font: 0.9rem/1.4 ui-monospace, monospace; }
.digest-build-error h2 { margin: 0 0 0.5rem; font: bold 1rem system-ui, sans-serif; }
.digest-build-error pre { white-space: pre-wrap; margin: 0; }
"""


@dataclass
class Watched:
    """The files a build reads, and what they looked like at the last look."""

    manifest: Path
    templates: Path
    seen: dict[str, tuple[int, int]] = field(default_factory=dict)

    def folders(self) -> list[Path]:
        root = self.manifest.parent
        return [root / "content", self.templates, root / CACHE_DIR]

    def snapshot(self) -> dict[str, tuple[int, int]]:
        found = {}
        for path in [str(self.manifest), *self._files()]:
            try:
                stat = os.stat(path)  # noqa: PTH116 (strings: no Path made for each of 10,000 files)
            except OSError:
                continue  # removed between the listing and the look
            found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def changed(self) -> bool:
        """Tell whether anything changed since the last call."""
        now = self.snapshot()
        changed, self.seen = now != self.seen, now
        return changed

    def _files(self) -> Iterator[str]:
        for folder in self.folders():
            for parent, _, files in os.walk(folder):  # nothing if it is not a folder
                yield from (os.path.join(parent, name) for name in files)  # noqa: PTH118


class DevServer:
    """Build, serve, watch and rebuild; ``start`` and ``stop`` for tests, ``run`` for people."""

    def __init__(
        self,
        manifest: Path,
        *,
        out: Path | None = None,
        templates: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: TextIO,
        interval: float | None = None,
    ) -> None:
        self.manifest, self.log, self.interval = manifest, log, interval
        self.out = out or manifest.parent / SERVE_DIR
        self.templates = templates  # None: the digest's own templates/, if it has one
        self.watched = Watched(manifest, templates or manifest.parent / "templates")
        self.version = 0
        self.error: str | None = None  # the last failed rebuild's diagnostics
        self.lock = threading.Lock()
        self.rebuilt = threading.Condition(self.lock)  # told of each new version
        self.stopping = threading.Event()
        handler = partial(_Handler, self)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def rebuild(self, jobs: int = 1) -> bool:
        """Build the site for this server's address; keep the last good one if it fails.

        Only the first build, before the server's threads start, may fork workers (jobs):
        a process forked while other threads run can inherit a lock one of them held."""
        report = Report()
        started = time.perf_counter()
        try:
            result = build(self.manifest, out=self.out, report=report, templates=self.templates,
                           base_url=self.url, jobs=jobs, drafts=True)  # fmt: skip
        except UserError as exc:
            report.extend(exc.diagnostics)
            text = "\n".join(d.format() for d in report.sorted(minimum=Severity.WARNING))
            self._say(f"{text}\nrebuild failed ({report.summary()}): still serving the last "
                      "good site")  # fmt: skip
            self._new_version(text)
            return False
        for diagnostic in report.sorted(minimum=Severity.WARNING):
            self._say(diagnostic.format())
        self._say(f"built {count(result.pages, 'page')} in {time.perf_counter() - started:.2f} s")
        self._new_version(None)
        return True

    def _new_version(self, error: str | None) -> None:
        with self.rebuilt:
            self.error, self.version = error, self.version + 1
            self.rebuilt.notify_all()

    def wait_for_version(self, after: int) -> int:
        """The version being served, once it is other than after (or after WAIT_SECONDS, or
        when the server stops)."""
        with self.rebuilt:
            self.rebuilt.wait_for(lambda: self.version != after or self.stopping.is_set(),
                                  timeout=WAIT_SECONDS)  # fmt: skip
            return self.version

    def start(self) -> None:
        """Build, then serve and watch in the background."""
        self.watched.changed()  # the first look: what the first build is made from
        self.rebuild(jobs=available_jobs())
        for target in (self._serve, self._watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)
        self._say(f"serving {self.url} from {display_path(self.out)} (Ctrl-C to stop); "
                  f"rebuilding when {self.manifest.name}, content/, templates/ or data/ "
                  "change")  # fmt: skip

    def stop(self) -> None:
        self.stopping.set()
        with self.rebuilt:
            self.rebuilt.notify_all()  # pages waiting for a new version get their answer
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=5)

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        self.start()
        try:
            while not self.stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            self._say("stopped")
        finally:
            self.stop()

    def _serve(self) -> None:
        self.httpd.serve_forever(poll_interval=0.1)

    def _watch(self) -> None:
        interval = self.interval or LOOK_EVERY
        while not self.stopping.wait(interval):
            started = time.perf_counter()
            changed = self.watched.changed()
            if self.interval is None:  # looking at 10,000 files takes a while: look less often
                interval = max(LOOK_EVERY, (time.perf_counter() - started) / LOOK_SHARE)
            if changed:
                time.sleep(0.05)  # let an editor finish writing
                self.watched.changed()
                self.rebuild()

    def _say(self, text: str) -> None:
        with self.lock:
            print(text, file=self.log, flush=True)


class _Handler(SimpleHTTPRequestHandler):
    """Serve the output folder; add the reload script (and any build error) to pages."""

    def __init__(self, server_state: DevServer, *args: Any, **kwargs: Any) -> None:
        self.state = server_state
        super().__init__(*args, directory=str(server_state.out), **kwargs)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(PREFIX):
            self._own(path.removeprefix(PREFIX))
            return
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            file = file / "index.html"
        if not file.is_file():
            self._page(self.state.out / "404.html", HTTPStatus.NOT_FOUND)
        elif file.suffix == ".html":
            self._page(file, HTTPStatus.OK)
        else:
            super().do_GET()

    def _page(self, file: Path, status: HTTPStatus) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError:
            text = "<!doctype html><title>Not found</title><p>Not found.</p></html>"
        with self.state.lock:
            error = self.state.error
        addition = f'<script src="{PREFIX}live.js"></script>\n'
        if error:
            addition += (f'<link rel="stylesheet" href="{PREFIX}live.css">\n'
                         '<aside class="digest-build-error" role="alert"><h2>The last rebuild '
                         "failed: this is the last good build</h2>"
                         f"<pre>{html.escape(error)}</pre></aside>\n")  # fmt: skip
        text = text.replace("</body>", addition + "</body>", 1)
        self._send(status, "text/html; charset=utf-8", text.encode("utf-8"))

    def _own(self, name: str) -> None:
        own: dict[str, tuple[str, Callable[[], str]]] = {
            "version": ("text/plain", self._version),
            "live.js": ("text/javascript", lambda: LIVE_JS),
            "live.css": ("text/css", lambda: LIVE_CSS),
        }
        if name not in own:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")
            return
        kind, body = own[name]
        self._send(HTTPStatus.OK, f"{kind}; charset=utf-8", body().encode("utf-8"))

    def _version(self) -> str:
        """The version being served; with ?after=N, once it is other than N."""
        after = parse_qs(urlsplit(self.path).query).get("after", [""])[0]
        if not after.isdigit() or len(after) > 12:
            with self.state.lock:
                return str(self.state.version)
        return str(self.state.wait_for_version(int(after)))

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not every request
