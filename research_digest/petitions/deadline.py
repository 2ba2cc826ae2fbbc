"""An overall deadline for each HTTP request.

httpx's timeouts apply to each read and write: a server that sends one byte a second
never lets a read time out, and could hold a fetch for hours (16 KB of headers alone is
more than four). A transport whose every network read, write and connect is given at
most the time left before the request's deadline ends it there, headers included.

    with deadline(60):
        response = client.send(request)   # raises httpx.ReadTimeout once 60 s have passed
"""

from __future__ import annotations

import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_LOCAL = threading.local()  # each request is sent and read in one thread


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Let every network operation of this thread end within seconds from now."""
    _LOCAL.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _LOCAL.at = None


def _left(timeout: float | None) -> float | None:
    """The timeout to give a network operation: its own, or the time left if less."""
    at: float | None = getattr(_LOCAL, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address,
                                         socket_options)  # fmt: skip
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, whose network operations keep to the thread's deadline."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # httpx builds its connection pool itself and offers no way to give it a network
        # backend; httpcore's pool takes one, kept in _network_backend.
        pool: Any = self._pool
        pool._network_backend = _Backend(pool._network_backend)
