"""End to end: ``regresolve webhook serve`` on loopback, real AdmissionReviews over HTTPS.

A self-signed certificate is made for 127.0.0.1 (the openssl command, else the
``cryptography`` package), the server starts as a child process on an ephemeral port with
the example configuration, and the client verifies the server's certificate as the API
server does against the webhook's ``caBundle``.  Requests go to ``/validate?timeout=10s``
and ``/mutate?timeout=10s``, the paths the API server calls.  The slow tests rotate the
certificate and edit registries.conf under a running server, and stop one with SIGTERM in
the middle of a request.  Every network operation has a timeout; servers are stopped
whatever happens.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = 10.0
# Kubernetes' admission webhook documentation: warnings over 256 characters may be
# truncated, and beyond 4096 characters in all further warnings are dropped.
K8S_WARNING_LIMIT = 256
K8S_WARNINGS_TOTAL = 4096


def make_certificate(directory: Path, name: str = "tls") -> tuple[Path, Path]:
    """A fresh self-signed certificate (and its key) valid for IP 127.0.0.1 and localhost."""
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    openssl = shutil.which("openssl")
    if openssl is not None:
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=regresolve-webhook-test",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                str(key),
                "-out",
                str(cert),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return cert, key
    crypto = pytest.importorskip("cryptography", reason="needs openssl or cryptography")
    del crypto
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "regresolve-webhook-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def environment() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CONTAINERS_REGISTRIES_CONF", "XDG_CACHE_HOME"):
        env.pop(name, None)
    env["_CONTAINERS_ROOTLESS_UID"] = "1000"  # the alias cache below --home, not /var/cache
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


class Server:
    """``regresolve webhook serve`` as a child process, and a verifying HTTPS client."""

    def __init__(self, proc: subprocess.Popen[bytes], url: str, cafile: Path, log: Path) -> None:
        self.proc = proc
        self.port = int(url.rsplit(":", 1)[1])
        self.cafile = cafile
        self.log = log
        self.policy: Path | None = None

    def context(self, cafile: Path | None = None) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(cafile or self.cafile))

    def request(
        self, method: str, path: str, body: bytes | None = None, *, cafile: Path | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context(cafile), timeout=TIMEOUT
        )
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def review(self, path: str, review: Any) -> dict[str, Any]:
        status, body = self.request("POST", path, json.dumps(review).encode())
        assert status == 200, body
        answer: dict[str, Any] = json.loads(body)
        return answer

    def metrics(self) -> dict[str, float]:
        status, body = self.request("GET", "/metrics")
        assert status == 200
        out: dict[str, float] = {}
        for line in body.decode().splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                out[name] = float(value)
        return out

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.log.read_text(encoding="utf-8").splitlines() if x]


@contextlib.contextmanager
def serve(tmp: Path, *args: str, cert: tuple[Path, Path] | None = None) -> Iterator[Server]:
    """Start ``regresolve webhook serve`` on 127.0.0.1 and wait for its ready file."""
    crt, key = cert or make_certificate(tmp)
    ready, log = tmp / "server.url", tmp / "server.log"
    ready.unlink(missing_ok=True)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "regresolve", "webhook", "serve", "--cert", str(crt),
             "--key", str(key), "--address", "127.0.0.1", "--port", "0", "--ready-file",
             str(ready), "--home", str(home), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=environment(),
        )  # fmt: skip
    try:
        deadline = time.monotonic() + TIMEOUT * 3
        while not ready.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the server did not start: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield Server(proc, ready.read_text(encoding="utf-8").strip(), crt, log)
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT * 3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


EXAMPLE_CONFIG = (
    "--config",
    str(EXAMPLES / "registries.conf"),
    "--config-dir",
    str(EXAMPLES / "registries.conf.d"),
)


POLICY = {
    "default": [{"type": "insecureAcceptAnything"}],
    "transports": {"docker": {"docker.io/library/forbidden": [{"type": "reject"}]}},
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("webhook")
    policy = tmp / "policy.json"
    policy.write_text(json.dumps(POLICY))
    with serve(tmp, *EXAMPLE_CONFIG, "--policy", str(policy)) as running:
        running.policy = policy
        yield running


def pod_review(uid: str, *images: str, operation: str = "CREATE") -> dict[str, Any]:
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "default",
            "operation": operation,
            "userInfo": {"username": "tester"},
            "object": {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p"},
                "spec": {
                    "containers": [
                        {"name": f"c{i}", "image": image} for i, image in enumerate(images)
                    ]
                },
            },
        },
    }


# -- answers ------------------------------------------------------------------------------------


def test_probes(server: Server) -> None:
    """Liveness and readiness answer over verified TLS, whatever the query."""
    assert server.request("GET", "/healthz") == (200, b"ok\n")
    assert server.request("GET", "/readyz?verbose") == (200, b"ok\n")


def test_allowed_pod_is_allowed(server: Server) -> None:
    """A Pod whose image has a usable source is allowed, uid echoed."""
    answer = server.review(
        "/validate?timeout=10s", pod_review("u-1", "quay.io/prometheus/prometheus:v2")
    )

    assert answer["apiVersion"] == "admission.k8s.io/v1"
    assert answer["kind"] == "AdmissionReview"
    assert answer["response"]["uid"] == "u-1"
    assert answer["response"]["allowed"] is True
    assert "patch" not in answer["response"]


def test_blocked_image_is_denied(server: Server) -> None:
    """untrusted.example.org is blocked in examples/registries.conf: denied, and said why."""
    answer = server.review("/validate?timeout=10s", pod_review("u-2", "untrusted.example.org/t:1"))
    response = answer["response"]

    assert response["uid"] == "u-2"
    assert response["allowed"] is False
    assert response["status"]["code"] == 403
    assert "registry untrusted.example.org is blocked in" in response["status"]["message"]
    assert 'containers[0] "c0"' in response["status"]["message"]


def test_unparseable_image_is_denied_with_the_go_error(server: Server) -> None:
    """An invalid reference is denied with containers/image's own error text."""
    answer = server.review("/validate?timeout=10s", pod_review("u-3", "Docker.io/Nginx"))

    assert answer["response"]["allowed"] is False
    assert "repository name must be lowercase" in answer["response"]["status"]["message"]


def test_policy_json_reject_is_denied(server: Server) -> None:
    """--policy: a reject scope in policy.json denies, judged on the logical reference."""
    answer = server.review(
        "/validate?timeout=10s", pod_review("u-6", "docker.io/library/forbidden:1")
    )
    response = answer["response"]

    assert response["allowed"] is False
    assert "rejected by policy for docker.io/library/forbidden:1" in response["status"]["message"]


def test_mutate_pins_to_the_first_mirror(server: Server) -> None:
    """/mutate replaces a Docker Hub image by the mirror podman would try first."""
    answer = server.review("/mutate?timeout=10s", pod_review("u-4", "docker.io/library/nginx:1.25"))
    response = answer["response"]
    patch = json.loads(base64.b64decode(response["patch"]))

    assert response["uid"] == "u-4"
    assert response["allowed"] is True
    assert response["patchType"] == "JSONPatch"
    assert patch == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "mirror.example.net/dockerhub/library/nginx:1.25",
        }
    ]


def test_validate_never_patches(server: Server) -> None:
    answer = server.review("/validate?timeout=10s", pod_review("u-7", "docker.io/library/nginx:1"))

    assert "patch" not in answer["response"]


def test_ambiguous_short_name_warning_names_every_candidate(server: Server) -> None:
    """busybox has one candidate per unqualified-search registry of examples/registries.conf
    (registry.example.com, docker.io); the warning names both, within Kubernetes' limits."""
    answer = server.review("/validate?timeout=10s", pod_review("u-5", "busybox"))
    warnings = answer["response"]["warnings"]

    assert answer["response"]["allowed"] is True
    assert all(len(w) <= K8S_WARNING_LIMIT for w in warnings)
    assert sum(len(w) for w in warnings) <= K8S_WARNINGS_TOTAL
    text = " ".join(warnings)
    assert "registry.example.com/busybox:latest" in text
    assert "docker.io/library/busybox:latest" in text


def test_keep_alive(server: Server) -> None:
    """Several requests on one TLS connection, as the API server reuses its connections."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=server.context(), timeout=TIMEOUT
    )
    try:
        uids = []
        for i in range(3):
            body = json.dumps(pod_review(f"k-{i}", "quay.io/a/b:1")).encode()
            conn.request("POST", "/validate?timeout=10s", body=body)
            uids.append(json.loads(conn.getresponse().read())["response"]["uid"])
            sock = conn.sock
        assert conn.sock is sock  # the same connection throughout
    finally:
        conn.close()

    assert uids == ["k-0", "k-1", "k-2"]


def test_garbage_body_is_denied_not_crashed(server: Server) -> None:
    """A body that is not JSON gets a well-formed denial, and the server keeps serving."""
    status, body = server.request("POST", "/validate?timeout=10s", b"{not json")
    answer = json.loads(body)

    assert status == 200
    assert answer["response"]["allowed"] is False
    assert answer["response"]["status"]["code"] == 400
    assert server.request("GET", "/healthz") == (200, b"ok\n")


def test_oversized_body_is_refused(server: Server) -> None:
    """More than the request limit (8 MiB by default) is refused before it is read."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=server.context(), timeout=TIMEOUT
    )
    try:
        conn.putrequest("POST", "/validate?timeout=10s")
        conn.putheader("Content-Length", str(64 * 1024 * 1024))
        conn.endheaders()
        status = conn.getresponse().status
    finally:
        conn.close()

    assert status == 413


def test_plain_http_is_refused(server: Server) -> None:
    """The port speaks TLS only: a plaintext request gets no HTTP answer."""

    def plaintext_get() -> int:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status
        finally:
            conn.close()

    with pytest.raises((http.client.HTTPException, OSError)):
        plaintext_get()


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_versions(server: Server, version: ssl.TLSVersion) -> None:
    """TLS 1.2 and 1.3 clients (the API server offers both) get a verified session; the
    server refuses anything older (its context's minimum, checked without a handshake, since
    this machine's OpenSSL would not even offer TLS 1.1)."""
    from regresolve.webhook._server import tls_context

    context = server.context()
    context.minimum_version = context.maximum_version = version
    with (
        socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == version.name.replace("_", ".").replace("TLSv1.", "TLSv1.")
        assert tls.selected_alpn_protocol() in (None, "http/1.1")
    crt, key = server.cafile, server.cafile.with_suffix(".key")
    assert tls_context(str(crt), str(key)).minimum_version == ssl.TLSVersion.TLSv1_2


def test_decision_log(server: Server) -> None:
    """One JSON line per judged image on stderr, naming the request; no user names."""
    server.review(
        "/validate?timeout=10s", pod_review("log-1", "untrusted.example.org/a:1", "quay.io/a/b:1")
    )
    deadline = time.monotonic() + TIMEOUT
    while not [x for x in server.log_lines() if x.get("uid") == "log-1"]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    lines = [x for x in server.log_lines() if x.get("uid") == "log-1"]

    assert [(x["image"], x["verdict"]) for x in lines] == [
        ("untrusted.example.org/a:1", "denied"),
        ("quay.io/a/b:1", "allowed"),
    ]
    assert all(x["namespace"] == "default" and x["kind"] == "Pod" for x in lines)
    assert all(x["name"] == "p" and x["latency_ms"] >= 0 for x in lines)
    assert "tester" not in server.log.read_text(encoding="utf-8")


# -- the same verdicts offline ------------------------------------------------------------------


def api_server_review(obj: dict[str, Any], uid: str) -> dict[str, Any]:
    """The CREATE AdmissionReview of ``obj``, built here the way the API server builds it."""
    group, _, version = obj["apiVersion"].rpartition("/")
    meta = obj.get("metadata", {})
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": group, "version": version, "kind": obj["kind"]},
            "namespace": meta.get("namespace", "default"),
            "name": meta.get("name", ""),
            "operation": "CREATE",
            "userInfo": {"username": "tester"},
            "object": obj,
        },
    }


def example_objects() -> list[tuple[str, dict[str, Any]]]:
    """``(file, AdmissionReview)`` for every example: the recorded reviews as they are, and
    every object of the manifests that has a pod spec."""
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((EXAMPLES / "webhook").glob("*.json")):
        found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted((EXAMPLES / "webhook" / "manifests").iterdir()):
        text = path.read_text(encoding="utf-8")
        docs = [json.loads(text)] if path.suffix == ".json" else list(yaml.safe_load_all(text))
        for doc in docs:
            for obj in doc.get("items", [doc]) if doc else []:
                if obj["kind"] in ("Pod", "Deployment", "StatefulSet", "CronJob", "Job"):
                    found.append((path.name, api_server_review(obj, f"ex-{len(found)}")))
    return found


def image_verdicts(response: dict[str, Any], obj: dict[str, Any], kind: str) -> dict[str, str]:
    """Each image's verdict as the webhook's answer shows it: denied when the denial names
    its container, warned when a warning starts with it, else allowed."""
    from regresolve.webhook import images_of

    message = response.get("status", {}).get("message", "")
    warnings = response.get("warnings", [])
    out = {}
    for site in images_of(kind, obj):
        if f'{site.label} "{site.image}"' in message:
            out[site.pointer] = "denied"
        elif any(w.startswith(site.label + ":") for w in warnings):
            out[site.pointer] = "warned"
        else:
            out[site.pointer] = "allowed"
    return out


def test_review_command_agrees_with_the_webhook(server: Server) -> None:
    """`regresolve review --json` over the examples and the server over HTTPS give the same
    verdict for every object and every image."""
    assert server.policy is not None
    proc = subprocess.run(
        [sys.executable, "-m", "regresolve", "review", "--json", *EXAMPLE_CONFIG,
         "--home", str(ROOT / "nonexistent-home"), "--policy", str(server.policy),
         "-f", str(EXAMPLES / "webhook"), "-f", str(EXAMPLES / "webhook" / "manifests")],
        capture_output=True, text=True, env=environment(), timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # the examples include denied objects
    offline: dict[tuple[str, str, str], dict[str, str]] = {}
    allowed_offline: dict[tuple[str, str, str], bool] = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        file = Path(row["source"].split(" ")[0].split("[")[0]).name
        key = (file, row["namespace"], row["name"])
        offline.setdefault(key, {})[row["pointer"]] = row["verdict"]
        allowed_offline[key] = row["allowed"]

    checked = 0
    for file, review in example_objects():
        request = review["request"]
        obj, kind = request["object"], request["kind"]["kind"]
        key = (file, obj["metadata"].get("namespace", "default"), obj["metadata"]["name"])
        response = server.review("/validate?timeout=10s", review)["response"]
        assert response["allowed"] is allowed_offline[key], key
        assert image_verdicts(response, obj, kind) == offline[key], key
        checked += 1

    assert checked == len(allowed_offline) >= 8
    assert set(allowed_offline.values()) == {True, False}


# -- following files, and stopping --------------------------------------------------------------


def replace(path: Path, data: bytes) -> None:
    """Swap a file in one rename, as the kubelet updates a mounted Secret or ConfigMap."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def wait_until(condition: Any, what: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT * 2
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def presents(server: Server, cafile: Path) -> bool:
    """Whether a handshake that trusts only ``cafile`` succeeds."""
    try:
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw,
            server.context(cafile).wrap_socket(raw, server_hostname="127.0.0.1"),
        ):
            return True
    except ssl.SSLCertVerificationError:
        return False


@pytest.mark.slow
def test_certificate_and_configuration_follow_their_files(tmp_path: Path) -> None:
    """cert-manager rotates the pair, an operator edits registries.conf (once well, once
    badly): the running server follows the good changes, keeps the last good version on the
    bad ones, and counts both in /metrics."""
    conf = tmp_path / "registries.conf"
    conf.write_text((EXAMPLES / "registries.conf").read_text(encoding="utf-8"))
    live_crt, live_key = tmp_path / "tls.crt", tmp_path / "tls.key"
    first = make_certificate(tmp_path, "first")
    second = make_certificate(tmp_path, "second")
    shutil.copy(first[0], live_crt)
    shutil.copy(first[1], live_key)
    with serve(tmp_path, "--config", str(conf), "--config-dir", str(tmp_path / "none"),
               "--reload-interval", "0.2", cert=(live_crt, live_key)) as server:  # fmt: skip
        assert presents(server, first[0])
        assert not presents(server, second[0])

        # Rotation: the new pair is served without a restart.
        replace(live_key, second[1].read_bytes())
        replace(live_crt, second[0].read_bytes())
        wait_until(lambda: presents(server, second[0]), "the new certificate", server.log)
        assert not presents(server, first[0])
        assert server.request("GET", "/healthz", cafile=second[0]) == (200, b"ok\n")

        # A broken certificate: the current one stays, the failure is counted.
        replace(live_crt, b"-----BEGIN CERTIFICATE-----\nnot a certificate\n")
        metric = 'regresolve_webhook_tls_reloads_total{result="failed"}'
        server.cafile = second[0]
        wait_until(lambda: server.metrics().get(metric, 0) >= 1, "a failed TLS reload", server.log)
        assert presents(server, second[0])

        # A valid edit of registries.conf: quay.io becomes blocked.
        quay = pod_review("q", "quay.io/team/app:1")
        assert server.review("/validate?timeout=10s", quay)["response"]["allowed"] is True
        with conf.open("a", encoding="utf-8") as f:
            f.write('\n[[registry]]\nlocation = "quay.io/team"\nblocked = true\n')
        wait_until(
            lambda: not server.review("/validate?timeout=10s", quay)["response"]["allowed"],
            "the edited configuration",
            server.log,
        )

        # A broken edit: refused, counted, logged; the last good configuration stays.
        replace(conf, b"[[registry]\nlocation = \n")
        failed = 'regresolve_webhook_config_reloads_total{source="registries",result="failed"}'
        wait_until(lambda: server.metrics().get(failed, 0) >= 1, "a failed reload", server.log)
        metrics = server.metrics()
        assert (
            metrics['regresolve_webhook_config_reloads_total{source="registries",result="ok"}'] == 1
        )
        assert metrics['regresolve_webhook_tls_reloads_total{result="ok"}'] >= 1
        assert metrics['regresolve_webhook_config_last_reload_successful{source="registries"}'] == 0
        assert server.review("/validate?timeout=10s", quay)["response"]["allowed"] is False
        untrusted = pod_review("u", "untrusted.example.org/a:1")
        assert server.review("/validate?timeout=10s", untrusted)["response"]["allowed"] is False
        assert server.request("GET", "/readyz") == (200, b"ok\n")
        errors = [x["msg"] for x in server.log_lines() if x["level"] == "error"]
        assert any("certificate reload failed" in m for m in errors)
        assert any("keeping the last good one" in m for m in errors)
        assert server.proc.poll() is None


@pytest.mark.slow
def test_sigterm_finishes_the_request_in_progress(tmp_path: Path) -> None:
    """SIGTERM: /readyz turns 503 during --shutdown-delay, then the listener closes, the
    request in progress is answered, and the process exits 0."""
    with serve(tmp_path, *EXAMPLE_CONFIG, "--shutdown-delay", "1") as server:
        body = json.dumps(pod_review("last", "quay.io/a/b:1")).encode()
        head = f"POST /validate?timeout=10s HTTP/1.1\r\nContent-Length: {len(body)}\r\n\r\n"
        with (
            socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as raw,
            server.context().wrap_socket(raw, server_hostname="127.0.0.1") as tls,
        ):
            tls.sendall(head.encode() + body[:20])
            server.proc.send_signal(signal.SIGTERM)
            wait_until(lambda: server.request("GET", "/readyz")[0] == 503, "not ready", server.log)
            wait_until(lambda: not accepts(server.port), "the listener to close", server.log)
            tls.sendall(body[20:])
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
        assert server.proc.wait(timeout=TIMEOUT * 3) == 0

    head_text, _, payload = reply.partition(b"\r\n\r\n")
    assert head_text.startswith(b"HTTP/1.1 200 ")
    assert b"Connection: close" in head_text
    assert json.loads(payload)["response"]["uid"] == "last"
    messages = [x["msg"] for x in server.log_lines() if x["msg"] != "decision"]
    assert messages[-2:] == ["shutting down", "stopped"]


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT).close()
    except OSError:
        return False
    return True
