"""The webhook server's HTTP layer, in process and over plain TCP (TLS is the e2e tests' part).

A :class:`~regresolve.webhook._server.Webhook` runs in a thread with its own event loop on
127.0.0.1 (plaintext, an internal option the command line does not offer) and a raw socket
client talks to it, so malformed requests can be sent byte for byte.  Expected behaviour
comes from HTTP/1.1 (RFC 9110/9112: status codes, persistent connections, pipelining) and
from what the API server sends (``POST /validate?timeout=10s``).  Every wait is bounded;
nothing asserts a duration.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regresolve import Reloader
from regresolve.webhook._http import Limits
from regresolve.webhook._metrics import LATENCY_BUCKETS, Metrics
from regresolve.webhook._server import Logger, ServeOptions, Webhook
from regresolve.webhook._watch import Watched

WAIT = 10.0
CONF = """
unqualified-search-registries = ["registry.example.com", "docker.io"]

[[registry]]
location = "untrusted.example.org"
blocked = true

[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "mirror.example.net/dockerhub"
"""


class Running:
    """A server in a background thread, its port and its decision log."""

    def __init__(self, hook: Webhook, log: io.StringIO, thread: threading.Thread) -> None:
        self.hook = hook
        self.log = log
        self.thread = thread
        assert hook.address is not None
        self.port = hook.address[1]
        self.exit: list[int] = []

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=WAIT)

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.getvalue().splitlines()]


@contextlib.contextmanager
def serving(tmp_path: Path, **limits: Any) -> Iterator[Running]:
    conf = tmp_path / "registries.conf"
    conf.write_text(CONF, encoding="utf-8")
    make = functools.partial(Reloader, str(conf), dropin_dirs=[], env={})
    options = ServeOptions(
        cert="",
        key="",
        address="127.0.0.1",
        port=0,
        plaintext=True,
        reload_interval=0.2,
        limits=Limits(**limits),
    )
    log = io.StringIO()
    hook = Webhook(make, options, log=Logger(log))
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(asyncio.run(hook.run(signals=False))), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + WAIT
    while hook.address is None or not hook.app.ready:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    running = Running(hook, log, thread)
    running.exit = result
    try:
        yield running
    finally:
        hook.request_stop()
        thread.join(WAIT * 3)
        assert not thread.is_alive()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Running]:
    with serving(tmp_path) as running:
        yield running


class Reply:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def read_reply(sock: socket.socket, buf: bytearray | None = None) -> Reply:
    """One HTTP/1.1 response (status line, headers, Content-Length body) from ``sock``."""
    data = buf if buf is not None else bytearray()
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a complete head: {bytes(data)!r}")
        data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    body = bytearray(rest)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed in the middle of a body")
        body += chunk
    data[:] = body[length:]
    return Reply(status, headers, bytes(body[:length]))


def closed_by_peer(sock: socket.socket) -> bool:
    """True when the server closed the connection (EOF or reset) within the wait."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def post(path: str, body: bytes, *, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def review_body(uid: str, image: str) -> bytes:
    review = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "operation": "CREATE",
            "namespace": "team",
            "name": "web",
            "userInfo": {"username": "alice", "extra": {"token": ["secret-value"]}},
            "object": {
                "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "c", "image": image}]},
            },
        },
    }
    return json.dumps(review).encode()


def exchange(server: Running, raw: bytes) -> Reply:
    with server.connect() as sock:
        sock.sendall(raw)
        return read_reply(sock)


# -- routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?timeout=10s", "?timeout=10s&x=%2F", "?"])
def test_admission_routes_ignore_the_query(server: Running, query: str) -> None:
    """The API server calls /validate?timeout=10s: routing looks at the path only."""
    reply = exchange(
        server, post(f"/validate{query}", review_body("u1", "untrusted.example.org/a"))
    )

    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    answer = reply.json()["response"]
    assert answer["uid"] == "u1"
    assert answer["allowed"] is False


def test_mutate_route_patches(server: Running) -> None:
    """/mutate?timeout=30s pins the image to the first mirror (the default --mutate pin)."""
    raw = post("/mutate?timeout=30s", review_body("u2", "docker.io/library/nginx:1"))
    response = exchange(server, raw).json()["response"]

    assert response["allowed"] is True
    assert response["patchType"] == "JSONPatch"
    assert json.loads(base64.b64decode(response["patch"])) == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "mirror.example.net/dockerhub/library/nginx:1",
        }
    ]


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        ("GET /healthz HTTP/1.1", 200),
        ("GET /healthz?verbose HTTP/1.1", 200),
        ("HEAD /healthz HTTP/1.1", 200),
        ("GET /readyz HTTP/1.1", 200),
        ("GET /metrics?name[]=x HTTP/1.1", 200),
        ("GET /validate HTTP/1.1", 405),
        ("POST /healthz HTTP/1.1", 405),
        ("GET /nope HTTP/1.1", 404),
        ("GET /validate/extra HTTP/1.1", 404),
        ("GET https://webhook.example/healthz?x HTTP/1.1", 200),
    ],
)
def test_routes_and_methods(server: Running, request_line: str, status: int) -> None:
    reply = exchange(server, f"{request_line}\r\nHost: webhook\r\n\r\n".encode())

    assert reply.status == status
    if status == 405:
        assert "allow" in reply.headers


# -- malformed requests and limits --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /healthz HTTP/2.0\r\n\r\n", 505),
        (b"GET /healthz HTTP/1.1\r\nNo-Colon-Here\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", 400),
        (b"POST /validate HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST /validate HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n", 400),
        (b"POST /validate HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", 400),
        (b"POST /validate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    ],
)
def test_malformed_requests_get_a_status_and_a_close(
    server: Running, raw: bytes, status: int
) -> None:
    with server.connect() as sock:
        sock.sendall(raw)
        reply = read_reply(sock)

        assert reply.status == status
        assert reply.headers.get("connection") == "close"
        assert closed_by_peer(sock)


@pytest.mark.parametrize("body", [b"{not json", b"", b"[" * 100_000, b"\xff\xfe", b"null"])
def test_malformed_bodies_are_denied_as_admission_answers(server: Running, body: bytes) -> None:
    """A body that is not an AdmissionReview still gets one: denied, code 400."""
    reply = exchange(server, post("/validate", body))

    assert reply.status == 200
    response = reply.json()["response"]
    assert response["allowed"] is False
    assert response["status"]["code"] == 400


def test_oversized_body_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with serving(tmp_path, max_body=1000) as server, server.connect() as sock:
        sock.sendall(b"POST /validate HTTP/1.1\r\nContent-Length: 1001\r\n\r\n")
        reply = read_reply(sock)

        assert reply.status == 413
        assert closed_by_peer(sock)


def test_oversized_head_is_refused(tmp_path: Path) -> None:
    with serving(tmp_path, max_head=1024) as server, server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nX-Filler: " + b"a" * 2000)
        reply = read_reply(sock)

        assert reply.status == 431
        assert closed_by_peer(sock)


def test_a_slow_request_is_cut_off(tmp_path: Path) -> None:
    """A head that never completes gets 408 once the read timeout has passed."""
    with serving(tmp_path, read_timeout=0.3) as server, server.connect() as sock:
        sock.sendall(b"POST /validate HTTP/1.1\r\nContent-Length: 10\r\n")
        reply = read_reply(sock)

        assert reply.status == 408
        assert closed_by_peer(sock)
        assert (
            'kind="read_timeout"'
            in exchange(server, b"GET /metrics HTTP/1.1\r\n\r\n").body.decode()
        )


def test_idle_keep_alive_connections_are_closed(tmp_path: Path) -> None:
    with serving(tmp_path, idle_timeout=0.3) as server, server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
        assert read_reply(sock).status == 200
        assert closed_by_peer(sock)  # quietly, without a response


def test_connection_limit(tmp_path: Path) -> None:
    with serving(tmp_path, max_connections=2) as server:
        first, second = server.connect(), server.connect()
        try:
            for sock in (first, second):
                sock.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
                assert read_reply(sock).status == 200
            with server.connect() as third:
                assert closed_by_peer(third)
        finally:
            first.close()
            second.close()


# -- persistent connections ---------------------------------------------------------------------


def test_keep_alive_and_pipelining(server: Running) -> None:
    """Several requests on one connection, the last three sent in one write: answered in
    order, the connection stays open (HTTP/1.1's default)."""
    with server.connect() as sock:
        buf = bytearray()
        sock.sendall(post("/validate", review_body("a", "untrusted.example.org/x")))
        first = read_reply(sock, buf)
        sock.sendall(
            post("/validate", review_body("b", "docker.io/library/nginx:1"))
            + b"GET /healthz HTTP/1.1\r\n\r\n"
            + post("/validate?timeout=5s", review_body("c", "quay.io/a/b:1"))
        )
        replies = [read_reply(sock, buf) for _ in range(3)]

    assert first.json()["response"]["uid"] == "a"
    assert [r.status for r in replies] == [200, 200, 200]
    assert replies[0].json()["response"]["uid"] == "b"
    assert replies[1].body == b"ok\n"
    assert replies[2].json()["response"]["uid"] == "c"
    assert all("connection" not in r.headers for r in [first, *replies])


def test_connection_close_and_http10(server: Running) -> None:
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert read_reply(sock).headers["connection"] == "close"
        assert closed_by_peer(sock)
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        assert read_reply(sock).status == 200
        assert closed_by_peer(sock)
    with server.connect() as sock:
        sock.sendall(b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert read_reply(sock).headers["connection"] == "keep-alive"
        sock.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
        assert read_reply(sock).status == 200


def test_a_request_sent_byte_by_byte(server: Running) -> None:
    raw = post("/validate?timeout=10s", review_body("slow", "quay.io/a/b:1"))
    with server.connect() as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(raw)):
            sock.sendall(raw[i : i + 1])
        reply = read_reply(sock)

    assert reply.json()["response"]["uid"] == "slow"


def test_expect_continue(server: Running) -> None:
    body = review_body("e", "quay.io/a/b:1")
    with server.connect() as sock:
        head = f"POST /validate HTTP/1.1\r\nContent-Length: {len(body)}\r\n"
        sock.sendall(head.encode() + b"Expect: 100-continue\r\n\r\n")
        interim = read_reply(sock)
        sock.sendall(body)
        final = read_reply(sock)

    assert interim.status == 100
    assert final.json()["response"]["uid"] == "e"


# -- shutdown -----------------------------------------------------------------------------------


def test_shutdown_finishes_the_request_in_progress(tmp_path: Path) -> None:
    """Stopping closes idle connections at once and answers a half-received request."""
    with serving(tmp_path) as server:
        busy, idle = server.connect(), server.connect()
        try:
            idle.sendall(b"GET /healthz HTTP/1.1\r\n\r\n")
            assert read_reply(idle).status == 200
            body = review_body("late", "quay.io/a/b:1")
            raw = post("/validate", body)
            busy.sendall(raw[:-10])
            deadline = time.monotonic() + WAIT
            while len(server.hook.http.connections) < 2:  # both accepted by the loop
                assert time.monotonic() < deadline
                time.sleep(0.01)
            server.hook.request_stop()
            assert closed_by_peer(idle)
            busy.sendall(raw[-10:])
            reply = read_reply(busy)

            assert reply.json()["response"]["uid"] == "late"
            assert reply.headers["connection"] == "close"
            assert closed_by_peer(busy)
        finally:
            busy.close()
            idle.close()
        server.thread.join(WAIT)
        assert server.exit == [0]
        with pytest.raises(OSError):
            server.connect().close()


# -- decision log and metrics -------------------------------------------------------------------


def test_one_log_line_per_judged_image(server: Running) -> None:
    """uid, namespace, kind, name, image, verdict, reason, latency; no user data."""
    exchange(server, post("/validate", review_body("log-1", "untrusted.example.org/a:1")))
    exchange(server, post("/validate", b"{"))

    lines = [x for x in server.log_lines() if x["msg"] == "decision"]
    assert len(lines) == 2
    first, second = lines
    assert {k: first[k] for k in ("uid", "namespace", "kind", "name", "image", "verdict")} == {
        "uid": "log-1",
        "namespace": "team",
        "kind": "Pod",
        "name": "web",
        "image": "untrusted.example.org/a:1",
        "verdict": "denied",
    }
    assert "untrusted.example.org is blocked" in first["reason"]
    assert isinstance(first["latency_ms"], float)
    assert second["verdict"] == "invalid"
    assert second["image"] is None
    text = server.log.getvalue()
    assert "alice" not in text
    assert "secret-value" not in text


def scrape(server: Running) -> dict[str, float]:
    """/metrics as ``{series: value}``, checking the text format line by line."""
    text = exchange(server, b"GET /metrics HTTP/1.1\r\n\r\n").body.decode()
    series: dict[str, float] = {}
    pattern = re.compile(r'[a-z_]+(\{[a-z_]+="[^"\\\n]*"(,[a-z_]+="[^"\\\n]*")*\})? \S+')
    for line in text.splitlines():
        if line.startswith("# "):
            assert re.fullmatch(r"# (HELP|TYPE) regresolve_webhook_[a-z_]+ .+", line), line
            continue
        assert pattern.fullmatch(line), line
        name, _, value = line.rpartition(" ")
        series[name] = float(value)
    return series


def test_metrics_count_requests_by_path_and_verdict(server: Running) -> None:
    for image in ("untrusted.example.org/a:1", "untrusted.example.org/b:1", "quay.io/a/b:1"):
        exchange(server, post("/validate?timeout=10s", review_body("m", image)))
    exchange(server, post("/validate", b"nonsense"))
    exchange(server, b"GET /elsewhere HTTP/1.1\r\n\r\n")

    metrics = scrape(server)
    prefix = "regresolve_webhook_"
    assert metrics[prefix + 'requests_total{path="/validate",verdict="denied"}'] == 2
    assert metrics[prefix + 'requests_total{path="/validate",verdict="allowed"}'] == 1
    assert metrics[prefix + 'requests_total{path="/validate",verdict="invalid"}'] == 1
    assert metrics[prefix + 'requests_total{path="other",verdict="not_found"}'] == 1
    assert metrics[prefix + 'request_duration_seconds_count{path="/validate"}'] == 4
    assert metrics[prefix + 'request_duration_seconds_bucket{path="/validate",le="+Inf"}'] == 4
    assert metrics[prefix + "ready"] == 1


def test_histogram_buckets_are_cumulative() -> None:
    metrics = Metrics("test")
    for seconds in (0.0001, 0.0003, 0.004, 0.004, 2.0):
        metrics.request("/validate", "allowed", seconds)
    lines = dict(
        line.rsplit(" ", 1)
        for line in metrics.render().splitlines()
        if line.startswith("regresolve_webhook_request_duration_seconds_bucket")
    )
    counts = [int(v) for v in lines.values()]

    assert counts == sorted(counts)
    assert (
        lines['regresolve_webhook_request_duration_seconds_bucket{path="/validate",le="0.00025"}']
        == "1"
    )
    assert (
        lines['regresolve_webhook_request_duration_seconds_bucket{path="/validate",le="0.005"}']
        == "4"
    )
    assert (
        lines['regresolve_webhook_request_duration_seconds_bucket{path="/validate",le="+Inf"}']
        == "5"
    )
    assert len(lines) == len(LATENCY_BUCKETS) + 1


def test_registries_conf_reload_keeps_the_last_good_version(tmp_path: Path) -> None:
    """A valid edit is picked up, a broken one is counted and the previous version stays."""
    with serving(tmp_path) as server:
        conf = tmp_path / "registries.conf"

        def verdict(image: str) -> bool:
            raw = post("/validate", review_body("r", image))
            return bool(exchange(server, raw).json()["response"]["allowed"])

        def wait_for(condition: Any) -> None:
            deadline = time.monotonic() + WAIT
            while not condition():
                assert time.monotonic() < deadline, server.log.getvalue()
                time.sleep(0.05)

        assert verdict("quay.io/a/b:1") is True
        conf.write_text(CONF + '\n[[registry]]\nlocation = "quay.io"\nblocked = true\n')
        wait_for(lambda: not verdict("quay.io/a/b:1"))
        conf.write_text("this is [ not toml")
        wait_for(lambda: scrape(server).get(
            'regresolve_webhook_config_reloads_total{source="registries",result="failed"}'
        ) == 1)  # fmt: skip

        assert verdict("quay.io/a/b:1") is False  # still the last good configuration
        assert (
            scrape(server)['regresolve_webhook_config_last_reload_successful{source="registries"}']
            == 0
        )
        errors = [x for x in server.log_lines() if x["level"] == "error"]
        assert errors
        assert "keeping the last good one" in errors[0]["msg"]


def test_watched_value_keeps_the_last_good_one(tmp_path: Path) -> None:
    path = tmp_path / "value"
    path.write_text("1")
    watched = Watched([str(path)], lambda: int(path.read_text()))

    assert watched.check() is None
    path.write_text("22")
    assert watched.check() == (True, None)
    path.write_text("not a number")
    result = watched.check()

    assert result is not None
    assert result[0] is False
    assert isinstance(result[1], ValueError)
    assert watched.value == 22


def test_the_library_package_loads_no_server() -> None:
    """``import regresolve.webhook`` gives the pure function only: no asyncio, no server,
    no command line (the server is imported by ``webhook serve`` when it starts)."""
    import subprocess
    import sys

    code = (
        "import sys, regresolve.webhook\n"
        "names = ('argparse', 'asyncio', 'ssl', 'regresolve.webhook._server',\n"
        "         'regresolve.webhook._http', 'regresolve.webhook._commands', 'regresolve._cli')\n"
        "print(','.join(n for n in names if n in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout

    assert out.strip() == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--port", "70000"], "not a port number"),
        (["--reload-interval", "0"], "--reload-interval 0.0: must be positive"),
        (["--max-request-bytes", "-1"], "--max-request-bytes -1: must be positive"),
        (["--cert", "/nonexistent/tls.crt"], "cannot load the certificate /nonexistent/tls.crt"),
        (["--config", "BROKEN"], "registries"),
        (["--policy", "/nonexistent/policy.json"], "/nonexistent/policy.json"),
    ],
)
def test_serve_refuses_to_start_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    """Exit status 2 and a message, before anything listens."""
    from regresolve._cli import main

    broken = tmp_path / "registries.conf"
    broken.write_text("[[registry]\n")
    cert, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    cert.write_text("not a certificate")
    key.write_text("not a key")
    (tmp_path / "empty.conf").write_text("")
    args = ["webhook", "serve", "--cert", str(cert), "--key", str(key), "--port", "0",
            "--config", str(tmp_path / "empty.conf"), "--home", str(tmp_path)]  # fmt: skip
    extra = [str(broken) if x == "BROKEN" else x for x in extra]  # the last option wins

    code = main([*args, *extra], out=io.StringIO())

    assert code == 2
    assert message in capsys.readouterr().err
