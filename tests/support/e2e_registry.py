"""A tiny loopback-only container registry for the end-to-end tests (standard library only).

Run it inside the tests' network namespace::

    python3 e2e_registry.py --listen https://127.0.0.1:5000 --listen http://127.0.0.4:5000 \\
        --cert cert.pem --key key.pem --serve 127.0.0.2:5000/mirror/app --log requests.jsonl

It answers just enough of the distribution API for podman and skopeo to decide whether a
source has an image:

* ``GET /v2/`` is 200 everywhere (no authentication);
* a manifest of a repository listed with ``--serve LISTENER/REPO`` is one tiny image
  (any tag; the digest of that image); every other manifest or blob is a quick 404
  ``MANIFEST_UNKNOWN`` / ``BLOB_UNKNOWN``, which clients do not retry;
* ``--serve-file PATH`` adds the lines of PATH to that list, read again for every request
  (so a long-running registry can change what it serves between two pulls); a line
  ``LISTENER/*`` serves every repository on that listener.

Two options, used by the pull-context tests (``e2e_context``), make single listeners
stricter; listeners not named in them behave exactly as above:

* ``--htpasswd LISTENER=PATH``: that listener wants HTTP basic authentication.  PATH holds
  htpasswd-style ``user:{SHA}base64(sha1(password))`` lines.  ``GET /v2/`` and every
  manifest or blob answer 401 with a ``Basic`` challenge unless the request carries a user
  and password from PATH; the request log then also has ``user`` (the user name sent, never
  the password) and ``auth`` (``ok``, ``denied`` or ``none``);
* ``--mtls LISTENER`` with ``--client-ca PATH``: that HTTPS listener completes a handshake
  only with a client certificate signed by the CA in PATH.

Every request is appended to the ``--log`` file as one JSON object per line, with the
listener it arrived on, so the tests can see which sources were contacted and whether the
client accepted the listener's self-signed certificate (a client that verifies TLS never
gets as far as a request).  The process refuses to bind anything but a loopback address.
When all listeners are up it prints ``READY`` on stdout.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import gzip
import hashlib
import io
import ipaddress
import json
import re
import socket
import ssl
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_TYPE = "application/vnd.docker.container.image.v1+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"

_PATH = re.compile(
    r"/v2/(?P<name>[a-z0-9._/-]+?)/(?P<kind>manifests|blobs)/(?P<ref>[^/]+)", re.ASCII
)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def build_image() -> tuple[bytes, dict[str, bytes]]:
    """One deterministic single-layer image: (manifest bytes, {digest: blob})."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("hello.txt")
        payload = b"regresolve e2e\n"
        info.size = len(payload)
        info.mtime = 0
        tar.addfile(info, io.BytesIO(payload))
    layer_tar = raw.getvalue()
    layer = gzip.compress(layer_tar, mtime=0)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {},
            "rootfs": {"type": "layers", "diff_ids": [_digest(layer_tar)]},
        },
        sort_keys=True,
    ).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "size": len(config), "digest": _digest(config)},
            "layers": [{"mediaType": LAYER_TYPE, "size": len(layer), "digest": _digest(layer)}],
        },
        sort_keys=True,
        indent=3,
    ).encode()
    return manifest, {_digest(config): config, _digest(layer): layer}


MANIFEST, BLOBS = build_image()
#: The digest of the one image this registry serves (tests use it in digest references).
IMAGE_DIGEST = _digest(MANIFEST)


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "regresolve-e2e-registry"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return  # requests go to the JSON log instead

    def _basic_user(self) -> tuple[str | None, str | None]:
        """(user, password) of an ``Authorization: Basic`` header, or (None, None)."""
        header = self.headers.get("Authorization", "")
        scheme, _, blob = header.partition(" ")
        if scheme.lower() != "basic":
            return None, None
        try:
            text = base64.b64decode(blob.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", None
        user, sep, password = text.partition(":")
        return user, (password if sep else None)

    def _authorized(self) -> tuple[str, str | None]:
        """(``ok``/``denied``/``none``, user) for a listener that wants basic auth."""
        users: dict[str, str] = self.server.htpasswd  # type: ignore[attr-defined]
        user, password = self._basic_user()
        if user is None:
            return "none", None
        if password is None or user not in users:
            return "denied", user
        digest = base64.b64encode(hashlib.sha1(password.encode("utf-8")).digest()).decode()
        return ("ok" if users[user] == "{SHA}" + digest else "denied"), user

    def _record(self) -> None:
        srv = self.server
        entry = {
            "listener": srv.listener,  # type: ignore[attr-defined]
            "scheme": srv.scheme,  # type: ignore[attr-defined]
            "method": self.command,
            "path": self.path,
            "host": self.headers.get("Host", ""),
        }
        if srv.htpasswd is not None:  # type: ignore[attr-defined]
            entry["auth"], user = self._authorized()
            if user is not None:
                entry["user"] = user
        with srv.log_lock, open(srv.log_path, "a", encoding="utf-8") as f:  # type: ignore[attr-defined]
            f.write(json.dumps(entry) + "\n")

    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
        self._send(status, body, "application/json")

    def _serves(self, name: str) -> bool:
        listener = self.server.listener  # type: ignore[attr-defined]
        if f"{listener}/{name}" in self.server.serve:  # type: ignore[attr-defined]
            return True
        path = self.server.serve_file  # type: ignore[attr-defined]
        if not path:
            return False
        try:
            with open(path, encoding="utf-8") as f:
                lines = {line.strip() for line in f}
        except OSError:
            return False
        return f"{listener}/{name}" in lines or f"{listener}/*" in lines

    def do_GET(self) -> None:
        self._record()
        if self.server.htpasswd is not None and self._authorized()[0] != "ok":  # type: ignore[attr-defined]
            body = json.dumps(
                {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}
            ).encode()
            challenge = {"WWW-Authenticate": 'Basic realm="regresolve-e2e"'}
            self._send(401, body, "application/json", challenge)
            return
        if self.path in ("/v2/", "/v2"):
            self._send(200, b"{}", "application/json")
            return
        m = _PATH.fullmatch(self.path.split("?", 1)[0])
        if m is None:
            self._error(404, "NAME_UNKNOWN", "repository name not known to registry")
            return
        name, kind, ref = m["name"], m["kind"], m["ref"]
        if kind == "manifests":
            if self._serves(name) and (not ref.startswith("sha256:") or ref == IMAGE_DIGEST):
                self._send(200, MANIFEST, MANIFEST_TYPE, {"Docker-Content-Digest": IMAGE_DIGEST})
            else:
                self._error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            return
        blob = BLOBS.get(ref)
        if self._serves(name) and blob is not None:
            self._send(200, blob, "application/octet-stream", {"Docker-Content-Digest": ref})
        else:
            self._error(404, "BLOB_UNKNOWN", "blob unknown to registry")

    do_HEAD = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def get_request(self):  # type: ignore[no-untyped-def]
        try:
            return super().get_request()
        except ssl.SSLError as e:
            # A client that verifies TLS refuses our self-signed certificate: record it,
            # it shows the source was contacted as a *secure* one.
            entry = {"listener": self.listener, "scheme": self.scheme, "tls_error": e.reason}
            with self.log_lock, open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
            raise


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", action="append", default=[], help="http(s)://LOOPBACK:PORT")
    ap.add_argument("--serve", action="append", default=[], help="LISTENER/REPO with an image")
    ap.add_argument(
        "--serve-file",
        default="",
        help="more LISTENER/REPO (or LISTENER/*) lines, re-read per request",
    )
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--log", required=True)
    ap.add_argument(
        "--htpasswd",
        action="append",
        default=[],
        help="LISTENER=PATH: that listener wants basic auth from the users in PATH",
    )
    ap.add_argument("--client-ca", help="CA that signs the client certificates of --mtls")
    ap.add_argument(
        "--mtls", action="append", default=[], help="LISTENER: demand a client certificate"
    )
    args = ap.parse_args(argv)

    htpasswd: dict[str, dict[str, str]] = {}
    for spec in args.htpasswd:
        listener, _, path = spec.partition("=")
        with open(path, encoding="utf-8") as f:
            pairs = (line.strip().split(":", 1) for line in f if ":" in line)
            htpasswd[listener] = dict(pairs)
    if args.mtls and not args.client_ca:
        print("--mtls needs --client-ca", file=sys.stderr)
        return 2

    ctx = None
    mtls_ctx = None
    servers = []
    for spec in args.listen:
        scheme, _, hostport = spec.partition("://")
        host, _, port = hostport.rpartition(":")
        if scheme not in ("http", "https") or not is_loopback_host(host):
            print(
                f"refusing to listen on {spec!r}: only loopback http(s) addresses", file=sys.stderr
            )
            return 2
        addr = "127.0.0.1" if host == "localhost" else host
        srv = _Server((addr, int(port)), _Handler)
        if scheme == "https" and hostport in args.mtls:
            if mtls_ctx is None:
                mtls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                mtls_ctx.load_cert_chain(args.cert, args.key)
                mtls_ctx.verify_mode = ssl.CERT_REQUIRED
                mtls_ctx.load_verify_locations(cafile=args.client_ca)
            srv.socket = mtls_ctx.wrap_socket(srv.socket, server_side=True)
        elif scheme == "https":
            if ctx is None:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(args.cert, args.key)
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        srv.htpasswd = htpasswd.get(hostport)  # type: ignore[attr-defined]
        srv.listener = hostport  # type: ignore[attr-defined]
        srv.scheme = scheme  # type: ignore[attr-defined]
        srv.serve = set(args.serve)  # type: ignore[attr-defined]
        srv.serve_file = args.serve_file  # type: ignore[attr-defined]
        srv.log_path = args.log  # type: ignore[attr-defined]
        srv.log_lock = threading.Lock()  # type: ignore[attr-defined]
        servers.append(srv)
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("READY", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()  # runs until the test closes our stdin (or kills us)
    return 0  # the serving threads are daemons: exiting stops them at once


if __name__ == "__main__":
    socket.setdefaulttimeout(10)
    sys.exit(main())
