"""A small HTTP/1.1 server on asyncio: keep-alive, bounded requests, timeouts, draining.

Only what an admission webhook needs: requests with a ``Content-Length`` body (or none),
answered one at a time per connection in arrival order (pipelining works), persistent
connections as HTTP/1.1 defines them.  ``Transfer-Encoding`` is refused with 411 (the API
server always sends a length).  TLS is asyncio's (the ``ssl`` context given to
:meth:`HTTPServer.start`); this module sees plaintext bytes.

Limits, each answered with a status and the connection closed:

* a request head (request line and headers) over ``max_head`` bytes: 431;
* a body over ``max_body`` bytes: 413, before any of it is read;
* a head or body that does not arrive within ``read_timeout`` seconds of its first byte: 408;
* a connection idle longer than ``idle_timeout`` between requests is closed quietly;
* beyond ``max_connections`` open connections, a new one is closed at once.

The handler runs in the event loop (judging an image takes microseconds; a thread pool
would only add latency under the GIL).  :meth:`HTTPServer.drain` stops accepting, closes
idle connections, lets requests in progress finish (answered with ``Connection: close``)
and returns when every connection is gone or the grace period is over.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import ssl
import time
from collections.abc import Callable
from typing import Final

import attrs

__all__ = ["HTTPServer", "Limits", "Request", "Response"]

_REASONS: Final = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}
_IDLE, _HEAD, _BODY = 0, 1, 2
#: A header field name (RFC 9110 token): no spaces, so no folding or "Name : value" either.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", re.ASCII)


@attrs.frozen
class Limits:
    """Bounds on what one client may send or hold (seconds and bytes)."""

    max_body: int = 8 << 20
    max_head: int = 16 << 10
    read_timeout: float = 10.0
    idle_timeout: float = 120.0
    handshake_timeout: float = 10.0
    max_connections: int = 1024


class Request:
    """One parsed request.  ``path`` is the target without its query string."""

    __slots__ = ("body", "headers", "method", "path", "started", "target", "version")

    def __init__(
        self,
        method: str,
        target: str,
        version: str,
        headers: dict[str, str],
        started: float,
    ) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.started = started
        self.body = b""
        path = target.partition("?")[0]
        if path.startswith(("http://", "https://")):  # absolute-form: keep the path part
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        self.path = path


@attrs.frozen
class Response:
    """What the handler answers."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[Request], Response]
ErrorHook = Callable[[str], None]


class _Clock:
    """``Date`` header text, formatted at most once a second."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def date(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._text = email.utils.formatdate(now, usegmt=True)
        return self._text


class _Connection(asyncio.Protocol):
    __slots__ = (
        "_buf",
        "_close_after",
        "_http10",
        "_keep_alive",
        "_need",
        "_paused",
        "_request",
        "_scanned",
        "_server",
        "_transport",
        "deadline",
        "phase",
    )

    def __init__(self, server: HTTPServer) -> None:
        self._server = server
        self._transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._need = 0
        self._request: Request | None = None
        self._paused = False
        self._scanned = 0
        self._close_after = False
        self._keep_alive = True
        self._http10 = False
        self.phase = _IDLE
        self.deadline = 0.0

    # -- asyncio callbacks ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        server = self._server
        if len(server.connections) >= server.limits.max_connections or server.draining:
            server.on_error("connection_limit" if not server.draining else "draining")
            transport.abort()
            return
        server.connections.add(self)
        self.deadline = time.monotonic() + server.limits.idle_timeout

    def connection_lost(self, exc: Exception | None) -> None:
        self._server.connections.discard(self)
        self._transport = None
        self._server.maybe_drained()

    def data_received(self, data: bytes) -> None:
        if self._close_after or self._transport is None:
            return
        self._buf += data
        self._process()

    def eof_received(self) -> bool | None:
        if self.phase != _IDLE or self._buf.strip():
            self._server.on_error("incomplete_request")
        return None  # close our side too

    def pause_writing(self) -> None:
        self._paused = True
        if self._transport is not None:
            self._transport.pause_reading()

    def resume_writing(self) -> None:
        self._paused = False
        if self._transport is not None and not self._close_after:
            self._transport.resume_reading()
            self._process()

    # -- the request cycle ---------------------------------------------------------------

    def _process(self) -> None:
        server = self._server
        limits = server.limits
        while not self._close_after and not self._paused:
            if self.phase == _IDLE:
                while self._buf[:2] == b"\r\n":  # stray line breaks between requests
                    del self._buf[:2]
                if not self._buf:
                    return
                self.phase = _HEAD
                self.deadline = time.monotonic() + limits.read_timeout
                self._request = Request("", "", "", {}, time.perf_counter())
            if self.phase == _HEAD:
                # Resume the search where the last one stopped: a head sent byte by byte
                # costs linear time, not quadratic.
                end = self._buf.find(b"\r\n\r\n", self._scanned, limits.max_head + 4)
                if end < 0:
                    if len(self._buf) > limits.max_head:
                        self._fail(431, "request head too large", "head_too_large")
                    self._scanned = max(0, len(self._buf) - 3)
                    return
                self._scanned = 0
                ok = self._head(bytes(self._buf[:end]))
                del self._buf[: end + 4]
                if not ok:
                    return
            if len(self._buf) < self._need:
                return
            request = self._request
            assert request is not None
            request.body = bytes(self._buf[: self._need])
            del self._buf[: self._need]
            self._need = 0
            self._request = None
            self.phase = _IDLE
            self.deadline = time.monotonic() + limits.idle_timeout
            try:
                response = server.handler(request)
            except Exception as err:  # a handler bug must not kill the connection silently
                server.on_error("internal")
                response = Response(500, f"internal error: {type(err).__name__}\n".encode())
            self._send(response, close=not self._keep_alive or server.draining)

    def _head(self, head: bytes) -> bool:
        """Parse the request line and headers into ``self._request``; False after answering
        an error (the connection is then closing)."""
        request = self._request
        assert request is not None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            self._fail(400, "malformed request line", "bad_request")
            return False
        method, target, version = parts
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            if version.startswith("HTTP/"):
                self._fail(505, "only HTTP/1.1 and HTTP/1.0", "bad_request")
            else:
                self._fail(400, "malformed request line", "bad_request")
            return False
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not _TOKEN.fullmatch(name):
                self._fail(400, "malformed header line", "bad_request")
                return False
            key = name.lower()
            value = value.strip(" \t")
            if key == "content-length" and key in headers and headers[key] != value:
                self._fail(400, "conflicting Content-Length", "bad_request")
                return False
            headers[key] = value
        if "transfer-encoding" in headers:
            self._fail(411, "send the body with a Content-Length", "bad_request")
            return False
        length_text = headers.get("content-length", "0")
        if not (length_text.isascii() and length_text.isdigit()) or len(length_text) > 15:
            self._fail(400, "invalid Content-Length", "bad_request")
            return False
        length = int(length_text)
        if length > self._server.limits.max_body:
            self._fail(413, f"body over {self._server.limits.max_body} bytes", "too_large")
            return False
        connection = headers.get("connection", "").lower()
        self._http10 = version == "HTTP/1.0"
        if self._http10:
            self._keep_alive = "keep-alive" in connection
        else:
            self._keep_alive = "close" not in connection
        self._request = Request(method, target, version, headers, request.started)
        self._need = length
        self.phase = _BODY
        if length and headers.get("expect", "").lower() == "100-continue":
            assert self._transport is not None
            self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _fail(self, status: int, message: str, kind: str) -> None:
        self._server.on_error(kind)
        self._send(Response(status, (message + "\n").encode()), close=True)

    def _send(self, response: Response, *, close: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        reason = _REASONS.get(response.status, "Unknown")
        head = [
            f"HTTP/1.1 {response.status} {reason}",
            f"Date: {self._server.clock.date()}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
        ]
        head.extend(f"{k}: {v}" for k, v in response.headers)
        if close:
            head.append("Connection: close")
        elif self._http10:
            head.append("Connection: keep-alive")
        transport.write("\r\n".join(head).encode("latin-1") + b"\r\n\r\n" + response.body)
        if close:
            self._close_after = True
            self._buf.clear()
            transport.close()

    # -- timeouts and draining -----------------------------------------------------------

    def expire(self) -> None:
        """Called by the server's sweeper once ``deadline`` has passed."""
        if self._transport is None:
            return
        if self.phase == _IDLE and not self._buf:
            self._close_after = True
            self._transport.close()
        else:
            self._fail(408, "request not received in time", "read_timeout")

    def drain(self) -> None:
        """Close now if idle; otherwise the answer in progress is the last one."""
        if self._transport is not None and self.phase == _IDLE and not self._buf:
            self._close_after = True
            self._transport.close()

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()


class HTTPServer:
    """Serves ``handler`` on one listening socket (see the module docstring)."""

    def __init__(self, handler: Handler, limits: Limits, on_error: ErrorHook) -> None:
        self.handler = handler
        self.limits = limits
        self.on_error = on_error
        self.connections: set[_Connection] = set()
        self.draining = False
        self.clock = _Clock()
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None
        self._drained: asyncio.Event | None = None

    async def start(self, host: str, port: int, context: ssl.SSLContext | None) -> tuple[str, int]:
        """Listen; returns the bound address (``port`` 0 picks a free port)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self),
            host,
            port,
            ssl=context,
            ssl_handshake_timeout=self.limits.handshake_timeout if context else None,
            backlog=1024,
            reuse_address=True,
        )
        self._sweep()
        sockname = self._server.sockets[0].getsockname()
        return str(sockname[0]), int(sockname[1])

    def _sweep(self) -> None:
        now = time.monotonic()
        for conn in [c for c in self.connections if c.deadline <= now]:
            conn.expire()
        interval = min(1.0, self.limits.read_timeout / 4, self.limits.idle_timeout / 4)
        self._sweeper = asyncio.get_running_loop().call_later(interval, self._sweep)

    def maybe_drained(self) -> None:
        if self.draining and not self.connections and self._drained is not None:
            self._drained.set()

    async def drain(self, grace: float) -> int:
        """Stop accepting and wait (at most ``grace`` s) for open connections to finish.

        Returns how many connections had to be cut at the end of the grace period.
        """
        self.draining = True
        self._drained = asyncio.Event()
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.drain()
        self.maybe_drained()
        cut = 0
        try:
            await asyncio.wait_for(self._drained.wait(), grace)
        except TimeoutError:
            cut = len(self.connections)
            for conn in list(self.connections):
                conn.abort()
        if self._sweeper is not None:
            self._sweeper.cancel()
        return cut
