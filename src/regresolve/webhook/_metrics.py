"""The webhook server's counters, written in the Prometheus text exposition format (0.0.4).

The format is small enough to write by hand: ``# HELP`` and ``# TYPE`` lines, then one
``name{label="value"} number`` line per series; histograms as cumulative ``_bucket`` series
with an ``le`` label, plus ``_sum`` and ``_count``.  Label values here are fixed strings or
bounded sets (the routed path, the verdict, the error kind), never request data.

Request counters are updated from the event loop thread only; reload counters from the
reloading side only.  Each series therefore has a single writer, and rendering reads plain
integers (a scrape may see one reload counted and its "last result" not yet, never a torn
value).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from typing import Final

__all__ = ["LATENCY_BUCKETS", "Metrics"]

#: Upper bounds (seconds) of the latency histogram: 0.25 ms to 1 s.
LATENCY_BUCKETS: Final = (
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
)

_PREFIX: Final = "regresolve_webhook_"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class _Histogram:
    __slots__ = ("buckets", "count", "total")

    def __init__(self) -> None:
        self.buckets = [0] * (len(LATENCY_BUCKETS) + 1)
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.buckets[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.count += 1
        self.total += seconds


class Metrics:
    """Everything ``/metrics`` shows.  Create one per server."""

    def __init__(self, version: str, *, clock: Callable[[], float] = time.time) -> None:
        self._version = version
        self._started = clock()
        self.requests: dict[tuple[str, str], int] = {}
        self.errors: dict[str, int] = {}
        self.latency: dict[str, _Histogram] = {}
        self.reloads: dict[tuple[str, str], int] = {}
        self.reload_ok: dict[str, int] = {}
        self.tls_reloads: dict[str, int] = {}
        self.generation = 0
        self.ready = 0
        self.connections: Callable[[], int] = lambda: 0

    # -- recording -------------------------------------------------------------------------

    def request(self, path: str, verdict: str, seconds: float | None = None) -> None:
        """One answered request on ``path`` (a routed path or ``other``)."""
        key = (path, verdict)
        self.requests[key] = self.requests.get(key, 0) + 1
        if seconds is not None:
            histogram = self.latency.get(path)
            if histogram is None:
                histogram = self.latency[path] = _Histogram()
            histogram.observe(seconds)

    def error(self, kind: str) -> None:
        """A request or connection that failed before an answer could be judged."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def reload(self, source: str, ok: bool) -> None:
        """A reload attempt of ``source`` (``registries`` or ``policy``)."""
        key = (source, "ok" if ok else "failed")
        self.reloads[key] = self.reloads.get(key, 0) + 1
        self.reload_ok[source] = 1 if ok else 0

    def tls_reload(self, ok: bool) -> None:
        """A reload attempt of the certificate and key."""
        key = "ok" if ok else "failed"
        self.tls_reloads[key] = self.tls_reloads.get(key, 0) + 1

    # -- exposition ------------------------------------------------------------------------

    def render(self) -> str:
        """The text exposition format, ending with a newline."""
        out: list[str] = []

        def family(name: str, kind: str, text: str) -> None:
            out.append(f"# HELP {_PREFIX}{name} {text}")
            out.append(f"# TYPE {_PREFIX}{name} {kind}")

        def series(name: str, labels: dict[str, str], value: float) -> None:
            inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            out.append(f"{_PREFIX}{name}{{{inner}}} {_number(value)}" if inner else
                       f"{_PREFIX}{name} {_number(value)}")  # fmt: skip

        family("build_info", "gauge", "regresolve version serving the webhook.")
        series("build_info", {"version": self._version}, 1)
        family("start_time_seconds", "gauge", "Start time of the server, seconds since epoch.")
        series("start_time_seconds", {}, round(self._started, 3))
        family("ready", "gauge", "1 while the server accepts admission requests.")
        series("ready", {}, self.ready)
        family("open_connections", "gauge", "Client connections currently open.")
        series("open_connections", {}, self.connections())

        family("requests_total", "counter", "Requests answered, by path and verdict.")
        for (path, verdict), n in sorted(self.requests.items()):
            series("requests_total", {"path": path, "verdict": verdict}, n)

        family(
            "request_duration_seconds",
            "histogram",
            "Time from a request's first byte to its answer, admission paths only.",
        )
        for path, h in sorted(self.latency.items()):
            running = 0
            for bound, n in zip(LATENCY_BUCKETS, h.buckets):
                running += n
                series("request_duration_seconds_bucket", {"path": path, "le": repr(bound)},
                       running)  # fmt: skip
            series("request_duration_seconds_bucket", {"path": path, "le": "+Inf"}, h.count)
            series("request_duration_seconds_sum", {"path": path}, round(h.total, 6))
            series("request_duration_seconds_count", {"path": path}, h.count)

        family("errors_total", "counter", "Requests or connections refused or failed, by kind.")
        for kind, n in sorted(self.errors.items()):
            series("errors_total", {"kind": kind}, n)

        family(
            "config_reloads_total",
            "counter",
            "Reloads of registries.conf (with drop-ins and alias cache) and policy.json.",
        )
        for (source, result), n in sorted(self.reloads.items()):
            series("config_reloads_total", {"source": source, "result": result}, n)
        family(
            "config_last_reload_successful",
            "gauge",
            "0 when the newest files failed to load (the last good version is in use).",
        )
        for source, ok in sorted(self.reload_ok.items()):
            series("config_last_reload_successful", {"source": source}, ok)
        family("config_generation", "gauge", "Configurations installed since the start.")
        series("config_generation", {}, self.generation)

        family("tls_reloads_total", "counter", "Reloads of the certificate and key.")
        for result, n in sorted(self.tls_reloads.items()):
            series("tls_reloads_total", {"result": result}, n)
        return "\n".join(out) + "\n"
