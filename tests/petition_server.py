"""A petitions API on 127.0.0.1 for the tests and the fetch benchmark.

It serves scripted replies per path: recorded responses, and faults (delays,
truncated bodies, error statuses, redirects). It honours If-Modified-Since when
a reply has a Last-Modified, and counts the requests in flight.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    truncate_to: int | None = None  # announce the whole body, send only this many bytes
    trickle: float = 0.0  # seconds between bytes: the whole answer, headers too, a byte at a time

    @classmethod
    def json(cls, document: Any, last_modified: str | None = None, **kwargs: Any) -> Reply:
        headers = {"Last-Modified": last_modified} if last_modified else {}
        return cls(body=json.dumps(document).encode(), headers=headers, **kwargs)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status=status, headers={"Location": location}, content_type="text/html")


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client killed mid-request
            super().handle_error(request, client_address)


class PetitionServer:
    """Serve scripted replies; each path's replies are used in turn, the last one repeats."""

    def __init__(self, latency: float = 0.0) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self.latency = latency
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, path: str, *replies: Reply) -> None:
        with self.lock:
            self.routes[path] = list(replies)

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def next_reply(self, path: str) -> Reply:
        with self.lock:
            replies = self.routes.get(path)
            if not replies:
                return Reply(status=404, body=b'{"status":404,"error":"Not Found"}')
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without this, Nagle's algorithm and the
            # client's delayed ACK add ~40 ms to every response with a body.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                with server.lock:
                    server.requests.append(Seen(self.path, dict(self.headers.items())))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self.answer(server.next_reply(self.path))
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def answer(self, reply: Reply) -> None:
                time.sleep(reply.delay + server.latency)
                if reply.trickle:
                    self.trickle(reply)
                    return
                since = self.headers.get("If-Modified-Since")
                if reply.status == 200 and since and since == reply.headers.get("Last-Modified"):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                body = reply.body if reply.truncate_to is None else reply.body[: reply.truncate_to]
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up (a timeout): nothing more to say
                if reply.truncate_to is not None:
                    self.close_connection = True

            def trickle(self, reply: Reply) -> None:
                head = [f"HTTP/1.1 {reply.status} OK", f"Content-Type: {reply.content_type}",
                        f"Content-Length: {len(reply.body)}", "Connection: close",
                        *(f"{k}: {v}" for k, v in reply.headers.items())]  # fmt: skip
                raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + reply.body
                self.close_connection = True
                for byte in raw:
                    try:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        return
                    time.sleep(reply.trickle)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the tests read self.requests instead

        return Handler

    def _serve(self) -> None:
        self.httpd.serve_forever(poll_interval=0.02)  # a quick shutdown between tests

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def running(latency: float = 0.0) -> Iterator[PetitionServer]:
    server = PetitionServer(latency)
    server.start()
    try:
        yield server
    finally:
        server.stop()
