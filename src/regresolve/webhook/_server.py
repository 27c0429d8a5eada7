"""``regresolve webhook serve``: the admission webhook over HTTPS.

Routes (on the path only; any query string is accepted, the API server adds
``?timeout=10s``):

* ``POST /validate``: the validating answer of :func:`regresolve.webhook.review`;
* ``POST /mutate``: the same judgement plus the JSONPatch of the ``--mutate`` mode;
* ``GET /healthz``: liveness (the event loop answers);
* ``GET /readyz``: readiness (503 before the first configuration and while shutting down);
* ``GET /metrics``: Prometheus text format (:mod:`regresolve.webhook._metrics`).

Inputs follow their files without a restart: registries.conf, its drop-ins and the alias
cache through a :class:`regresolve.Reloader`, policy.json, the certificate/key pair and (with
the pull context) the nodes' auth files, certificate directories and registries.d through
:class:`~regresolve.webhook._watch.Watched`.  A broken new version is logged, counted and
ignored: the last good one stays in use.

Every admission request writes one JSON line per judged image to stderr (uid, namespace,
kind, name, image, verdict, reason, latency, and with the pull context the image's
``context``: no secret, see :mod:`regresolve._creds`), or one line without an image when
nothing was judged.  Request bodies, user names and object contents other than those fields
are never logged.  SIGTERM (and SIGINT) stop the server gracefully: ``/readyz`` turns 503, after
``shutdown_delay`` the listener closes, idle connections are closed and requests in progress
are answered before the process exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import signal
import ssl
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Final, TextIO

import attrs

from regresolve import __version__
from regresolve._atomic import write_atomic
from regresolve._errors import RegresolveError
from regresolve._host import Host
from regresolve._policy import Policy
from regresolve._reload import Reloader
from regresolve._resolve import Resolver
from regresolve.imageplan import ImagePlan
from regresolve.webhook._context import context_dict
from regresolve.webhook._http import HTTPServer, Limits, Request, Response
from regresolve.webhook._metrics import Metrics
from regresolve.webhook._review import Decision, Mutate, decide
from regresolve.webhook._watch import Watched

__all__ = ["Logger", "ServeOptions", "Webhook", "WebhookApp", "tls_context"]

_ADMISSION: Final = ("/validate", "/mutate")
_PROBES: Final = ("/healthz", "/readyz", "/metrics")
_JSON: Final = "application/json"
_PROMETHEUS: Final = "text/plain; version=0.0.4; charset=utf-8"
#: Distinct images whose plans are kept between requests (then the cache starts over).
_PLAN_CACHE: Final = 8192


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server context for the pair: TLS 1.2 or newer, HTTP/1.1 by ALPN."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.options |= ssl.OP_NO_RENEGOTIATION
    context.set_alpn_protocols(["http/1.1"])
    context.load_cert_chain(cert, key)  # OpenSSL reads the files
    return context


class Logger:
    """One JSON object per line, on ``stream`` (stderr by default); safe across threads."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._second = -1
        self._prefix = ""

    def _time(self) -> str:
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{int((now - second) * 1000):03d}Z"

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stderr
        with self._lock, contextlib.suppress(OSError, ValueError):
            stream.write(text)
            stream.flush()

    def __call__(self, level: str, msg: str, **fields: Any) -> None:
        """One event."""
        record = {"time": self._time(), "level": level, "msg": msg, **fields}
        self._write(json.dumps(record, separators=(",", ":")) + "\n")

    def decisions(self, common: dict[str, Any], items: list[dict[str, Any]]) -> None:
        """One ``decision`` line per item, each with the ``common`` fields (encoded once)."""
        head = {"time": self._time(), "level": "info", "msg": "decision", **common}
        prefix = json.dumps(head, separators=(",", ":"))[:-1] + ","
        self._write("".join(prefix + json.dumps(item, separators=(",", ":"))[1:] + "\n"
                            for item in items))  # fmt: skip


@attrs.frozen
class ServeOptions:
    """How ``webhook serve`` runs (the command line fills it in)."""

    cert: str
    key: str
    address: str = "0.0.0.0"
    port: int = 8443
    mutate: Mutate = "pin"
    #: Keyword arguments for :func:`~regresolve.webhook._review.decide` that say how to judge
    #: (short-name mode, ambiguous short names); see ``_commands.judgement``.
    judgement: dict[str, Any] = attrs.field(factory=dict)
    ready_file: str | None = None
    reload_interval: float = 2.0
    shutdown_delay: float = 0.0
    shutdown_grace: float = 25.0
    limits: Limits = attrs.field(factory=Limits)
    #: Plain HTTP (tests of the HTTP layer only; the command line always serves TLS).
    plaintext: bool = False


class WebhookApp:
    """Routing, judgement, decision log and metrics, without sockets."""

    def __init__(
        self,
        resolver: Callable[[], Resolver],
        policy: Callable[[], Policy | None],
        options: ServeOptions,
        metrics: Metrics,
        log: Logger,
        *,
        host: Callable[[], Host | None] = lambda: None,
    ) -> None:
        self._resolver = resolver
        self._policy = policy
        self._host = host
        self._mutate = options.mutate
        self._judgement = dict(options.judgement)
        self.metrics = metrics
        self._log = log
        self.ready = False
        # Image plans of the current resolver, shared by requests (dropped with the resolver).
        self._plans: dict[str, ImagePlan] = {}
        self._plans_of: Resolver | None = None

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in _ADMISSION:
            if request.method != "POST":
                self.metrics.request(path, "method_not_allowed")
                return Response(405, b"use POST\n", headers=(("Allow", "POST"),))
            return self._admit(request)
        if path in _PROBES:
            if request.method not in ("GET", "HEAD"):
                self.metrics.request(path, "method_not_allowed")
                return Response(405, b"use GET\n", headers=(("Allow", "GET, HEAD"),))
            return self._probe(path, request.method == "HEAD")
        self.metrics.request("other", "not_found")
        return Response(404, b"not found\n")

    def _probe(self, path: str, head: bool) -> Response:
        if path == "/metrics":
            self.metrics.ready = int(self.ready)
            self.metrics.request(path, "ok")
            body = self.metrics.render().encode()
            return Response(200, b"" if head else body, _PROMETHEUS)
        if path == "/readyz" and not self.ready:
            self.metrics.request(path, "not_ready")
            return Response(503, b"" if head else b"not ready\n")
        self.metrics.request(path, "ok")
        return Response(200, b"" if head else b"ok\n")

    def _admit(self, request: Request) -> Response:
        try:
            body: Any = json.loads(request.body)
        except (ValueError, RecursionError):
            body = None  # decide() answers a malformed body with a 400 denial
        resolver = self._resolver()
        if resolver is not self._plans_of or len(self._plans) >= _PLAN_CACHE:
            self._plans, self._plans_of = {}, resolver
        decision = decide(
            body,
            resolver,
            mutate=self._mutate if request.path == "/mutate" else "off",
            policy=self._policy(),
            plans=self._plans,
            host=self._host(),
            **self._judgement,
        )
        payload = json.dumps(decision.answer, separators=(",", ":")).encode()
        seconds = time.perf_counter() - request.started
        verdict = _verdict(decision)
        self.metrics.request(request.path, verdict, seconds)
        self._log_decision(request.path, decision, verdict, seconds)
        return Response(200, payload, _JSON)

    def _log_decision(self, path: str, decision: Decision, verdict: str, seconds: float) -> None:
        response = decision.answer["response"]
        common = {
            "path": path,
            "uid": response["uid"],
            "operation": decision.operation,
            "namespace": decision.namespace,
            "kind": decision.kind,
            "name": decision.name,
            "latency_ms": round(seconds * 1000, 3),
        }
        if not decision.images:
            reason = decision.note
            if not response["allowed"]:
                reason = response.get("status", {}).get("message", reason)
            items = [{"image": None, "container": None, "verdict": verdict, "reason": reason}]
        else:
            items = []
            for image in decision.images:
                item: dict[str, Any] = {
                    "image": image.site.image[:512],
                    "container": image.site.label,
                    "verdict": image.verdict,
                    "reason": image.reason,
                    "target": image.target,
                }
                if image.context is not None:
                    item["context"] = context_dict(image.context)
                items.append(item)
        self._log.decisions(common, items)


def _settle() -> None:
    """Move what is alive now (the configuration, its index, imported modules) out of the
    garbage collector's view: a full collection would otherwise walk a large configuration's
    objects again and again and stall requests for milliseconds.  Objects still free
    normally when no longer referenced."""
    gc.collect()
    gc.freeze()


def _verdict(decision: Decision) -> str:
    response = decision.answer["response"]
    if response["allowed"]:
        return "warned" if response.get("warnings") else "allowed"
    code = response.get("status", {}).get("code")
    return "invalid" if code == 400 else "error" if code == 500 else "denied"


class Webhook:
    """The running server: the app, the HTTP layer, TLS and the reloading of every input."""

    def __init__(
        self,
        make_reloader: Callable[..., Reloader],
        options: ServeOptions,
        *,
        policy: Watched[Policy] | None = None,
        host: Watched[Host] | None = None,
        log: Logger | None = None,
        out: TextIO | None = None,
    ) -> None:
        """``make_reloader(on_reload=..., on_error=...)`` builds the registries.conf
        :class:`~regresolve.Reloader` (its first load raising :class:`InvalidConfig`);
        ``policy`` follows policy.json, ``host`` the nodes' pull-context files (certs.d,
        auth files, registries.d); the certificate pair is loaded here (``ssl.SSLError``
        or ``OSError`` when it cannot be)."""
        self.options = options
        self.policy = policy
        self.host = host
        self.log = log or Logger()
        self._out = out
        self.metrics = Metrics(__version__)
        self.reloader = make_reloader(on_reload=self._on_reload, on_error=self._on_reload_error)
        self.metrics.generation = self.reloader.generation
        self.tls: Watched[ssl.SSLContext] | None = None
        if not options.plaintext:
            self.tls = Watched(
                [options.cert, options.key], lambda: tls_context(options.cert, options.key)
            )
        self.app = WebhookApp(
            lambda: self.reloader.resolver,
            (lambda: None) if policy is None else (lambda: policy.value),
            options,
            self.metrics,
            self.log,
            host=(lambda: None) if host is None else (lambda: host.value),
        )
        self.http = HTTPServer(self.app.handle, options.limits, self.metrics.error)
        self.metrics.connections = lambda: len(self.http.connections)
        self.address: tuple[str, int] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._timer: asyncio.TimerHandle | None = None

    # -- reloading -----------------------------------------------------------------------

    def _front_context(self) -> ssl.SSLContext | None:
        """The listening context: it hands each handshake to the newest good context."""
        if self.tls is None:
            return None
        front = self.tls.value
        tls = self.tls

        def pick(conn: ssl.SSLObject | ssl.SSLSocket, name: str | None, _: Any) -> None:
            current = tls.value
            if current is not front:
                conn.context = current

        front.sni_callback = pick
        return front

    def _on_reload(self, resolver: Resolver) -> None:
        _settle()
        self.metrics.reload("registries", True)
        self.metrics.generation = self.reloader.generation
        files = list(resolver.conf.files)
        self.log("info", "configuration reloaded", source="registries", files=files,
                 generation=self.reloader.generation)  # fmt: skip

    def _on_reload_error(self, err: RegresolveError) -> None:
        self.metrics.reload("registries", False)
        self.log("error", "configuration reload failed; keeping the last good one",
                 source="registries", error=str(err))  # fmt: skip

    def _check_files(self) -> None:
        """Runs in the event loop: the certificate pair and policy.json."""
        if self.tls is not None:
            result = self.tls.check()
            if result is not None:
                ok, err = result
                self.metrics.tls_reload(ok)
                if ok:
                    self.log("info", "certificate reloaded", cert=self.options.cert)
                else:
                    self.log("error", "certificate reload failed; keeping the current one",
                             cert=self.options.cert, error=str(err))  # fmt: skip
        if self.policy is not None:
            result = self.policy.check()
            if result is not None:
                ok, err = result
                self.metrics.reload("policy", ok)
                if ok:
                    self.log("info", "configuration reloaded", source="policy")
                else:
                    self.log("error", "policy reload failed; keeping the last good one",
                             source="policy", error=str(err))  # fmt: skip
        if self.host is not None:
            result = self.host.check()
            if result is not None:
                ok, err = result
                self.metrics.reload("host", ok)
                if ok:
                    self.log("info", "configuration reloaded", source="host")
                else:
                    self.log("error", "pull-context reload failed; keeping the last good one",
                             source="host", error=str(err))  # fmt: skip
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.options.reload_interval, self._check_files)

    # -- running -------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Begin the graceful shutdown (from any thread; what SIGTERM does)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already finished
                loop.call_soon_threadsafe(stop.set)

    async def run(self, *, signals: bool = True) -> int:
        """Serve until SIGTERM/SIGINT (or :meth:`request_stop`); returns the exit status."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._loop.add_signal_handler(sig, self._stop.set)
        opts = self.options
        host, port = await self.http.start(opts.address, opts.port, self._front_context())
        self.address = (host, port)
        scheme = "http" if opts.plaintext else "https"
        url = f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"
        self.reloader.start(opts.reload_interval)
        self._timer = self._loop.call_later(opts.reload_interval, self._check_files)
        _settle()
        self.app.ready = True
        if opts.ready_file:
            write_atomic(opts.ready_file, url + "\n")
        self.log("info", "listening", url=url, version=__version__,
                 files=list(self.reloader.resolver.conf.files))  # fmt: skip
        if self._out is not None:
            self._out.write(f"listening on {url}\n")
            self._out.flush()
        await self._stop.wait()

        self.app.ready = False
        self.log("info", "shutting down", in_flight=len(self.http.connections))
        if opts.shutdown_delay > 0:
            await asyncio.sleep(opts.shutdown_delay)  # let endpoints drop this pod first
        cut = await self.http.drain(opts.shutdown_grace)
        if self._timer is not None:
            self._timer.cancel()
        self.reloader.stop(timeout=5)
        self.log("info", "stopped", connections_cut=cut)
        return 0
