"""End to end: examples/webhook/server.py on loopback, real AdmissionReviews over HTTPS.

A self-signed certificate is made for 127.0.0.1 (the openssl command, else the
``cryptography`` package), the server starts on an ephemeral port with the example
configuration, and the client verifies the server's certificate like the API server does.
Every network operation has a timeout; the server is stopped whatever happens.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "examples" / "webhook" / "server.py"
TIMEOUT = 10.0


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) valid for IP 127.0.0.1 and localhost."""
    cert, key = directory / "tls.crt", directory / "tls.key"
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
    now = datetime.datetime.now(datetime.UTC)
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


class Server:
    """The example server as a child process, and a verifying HTTPS client for it."""

    def __init__(self, port: int, cert: Path) -> None:
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cert))

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, timeout=TIMEOUT
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("webhook")
    cert, key = make_certificate(tmp)
    home = tmp / "home"
    home.mkdir()
    policy = tmp / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "default": [{"type": "insecureAcceptAnything"}],
                "transports": {"docker": {"docker.io/library/forbidden": [{"type": "reject"}]}},
            }
        )
    )
    env = dict(os.environ)
    env.pop("CONTAINERS_REGISTRIES_CONF", None)
    env.pop("XDG_CACHE_HOME", None)
    env["_CONTAINERS_ROOTLESS_UID"] = "1000"  # the alias cache below --home, not /var/cache
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            str(SERVER),
            "--cert",
            str(cert),
            "--key",
            str(key),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--quiet",
            "--config",
            str(ROOT / "examples" / "registries.conf"),
            "--config-dir",
            str(ROOT / "examples" / "registries.conf.d"),
            "--home",
            str(home),
            "--policy",
            str(policy),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(TIMEOUT * 3)
        if not line or not line[0].startswith("listening on https://127.0.0.1:"):
            proc.kill()
            _, err = proc.communicate(timeout=TIMEOUT)
            pytest.fail(f"the server did not start: {line!r} {err}")
        port = int(line[0].strip().rsplit(":", 1)[1])
        yield Server(port, cert)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


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


def test_health(server: Server) -> None:
    """GET /healthz answers over verified TLS."""
    assert server.request("GET", "/healthz") == (200, b"ok\n")


def test_allowed_pod_is_allowed(server: Server) -> None:
    """A Pod whose image has a usable source is allowed, uid echoed."""
    answer = server.review("/validate", pod_review("u-1", "quay.io/prometheus/prometheus:v2"))

    assert answer["apiVersion"] == "admission.k8s.io/v1"
    assert answer["kind"] == "AdmissionReview"
    assert answer["response"]["uid"] == "u-1"
    assert answer["response"]["allowed"] is True
    assert "patch" not in answer["response"]


def test_blocked_image_is_denied(server: Server) -> None:
    """untrusted.example.org is blocked in examples/registries.conf: denied, and said why."""
    answer = server.review("/validate", pod_review("u-2", "untrusted.example.org/tool:1"))
    response = answer["response"]

    assert response["uid"] == "u-2"
    assert response["allowed"] is False
    assert response["status"]["code"] == 403
    assert "registry untrusted.example.org is blocked in" in response["status"]["message"]
    assert 'containers[0] "c0"' in response["status"]["message"]


def test_unparseable_image_is_denied_with_the_go_error(server: Server) -> None:
    """An invalid reference is denied with containers/image's own error text."""
    answer = server.review("/validate", pod_review("u-3", "Docker.io/Nginx"))

    assert answer["response"]["allowed"] is False
    assert "repository name must be lowercase" in answer["response"]["status"]["message"]


def test_policy_json_reject_is_denied(server: Server) -> None:
    """--policy: a reject scope in policy.json denies, judged on the logical reference."""
    answer = server.review("/validate", pod_review("u-6", "docker.io/library/forbidden:1"))
    response = answer["response"]

    assert response["allowed"] is False
    assert "rejected by policy for docker.io/library/forbidden:1" in response["status"]["message"]


def test_mutate_pins_to_the_first_mirror(server: Server) -> None:
    """/mutate replaces a Docker Hub image by the mirror podman would try first."""
    answer = server.review("/mutate", pod_review("u-4", "docker.io/library/nginx:1.25"))
    response = answer["response"]
    patch = json.loads(base64.b64decode(response["patch"]))

    assert response["allowed"] is True
    assert response["patchType"] == "JSONPatch"
    assert patch == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "mirror.example.net/dockerhub/library/nginx:1.25",
        }
    ]


def test_ambiguous_short_name_warns(server: Server) -> None:
    """A short name with two candidates is allowed with a warning of at most 120 chars."""
    answer = server.review("/validate", pod_review("u-5", "busybox"))
    response = answer["response"]

    assert response["allowed"] is True
    assert any("ambiguous" in w for w in response["warnings"])
    assert all(len(w) <= 120 for w in response["warnings"])


def test_garbage_body_is_denied_not_crashed(server: Server) -> None:
    """A body that is not JSON gets a well-formed denial, and the server keeps serving."""
    status, body = server.request("POST", "/validate", b"{not json")
    answer = json.loads(body)

    assert status == 200
    assert answer["response"]["allowed"] is False
    assert answer["response"]["status"]["code"] == 400
    assert server.request("GET", "/healthz") == (200, b"ok\n")


def test_oversized_body_is_refused(server: Server) -> None:
    """More than 3 MiB is refused before it is read."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1", server.port, context=server.context, timeout=TIMEOUT
    )
    try:
        conn.putrequest("POST", "/validate")
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
