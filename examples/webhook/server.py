#!/usr/bin/env python3
"""A small HTTPS admission webhook that serves :func:`regresolve.webhook.review`.

Standard library only (http.server + ssl).  It listens on 127.0.0.1 unless told otherwise and
answers:

* ``POST /validate``: a validating webhook (deny blocked, unparseable, policy-rejected images;
  warn about ambiguous short names);
* ``POST /mutate``: the same judgement, plus a JSONPatch that pins each image to the first
  source podman would contact (``--mutate qualify``: to its fully qualified name instead);
* ``GET /healthz``: ``ok``.

Run it (certificate and key in PEM; see docs/how-to/webhook.md for a self-signed pair)::

    python examples/webhook/server.py --cert tls.crt --key tls.key \\
        --config examples/registries.conf --config-dir examples/registries.conf.d

It prints ``listening on https://HOST:PORT`` once ready (``--port 0`` picks a free port), and
with ``--ready-file FILE`` also writes that URL to FILE (see ``client.py``).
The configuration is read once, at start-up, with the same options as the ``regresolve``
command; restart the server to pick up a change.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import os
import socket
import ssl
import sys
from typing import Any, ClassVar

import regresolve
from regresolve import webhook

#: The API server never sends more than about 3 MiB; refuse anything larger unread.
MAX_BODY = 3 * 1024 * 1024


class WebhookHandler(http.server.BaseHTTPRequestHandler):
    """Routes admission requests to :func:`regresolve.webhook.review`."""

    server_version = "regresolve-webhook"
    #: Seconds a client may stay silent (TLS handshake included) before it is dropped.
    timeout = 10
    resolver: ClassVar[Any] = None
    policy: ClassVar[regresolve.Policy | None] = None
    mutate_mode: ClassVar[webhook.Mutate] = "pin"
    deny_ambiguous: ClassVar[bool] = False
    quiet: ClassVar[bool] = False

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, b"ok\n", "text/plain")
        else:
            self._send(404, b"not found\n", "text/plain")

    def do_POST(self) -> None:
        if self.path not in ("/validate", "/mutate"):
            self._send(404, b"not found\n", "text/plain")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(411, b"Content-Length required\n", "text/plain")
            return
        if length < 0 or length > MAX_BODY:
            self._send(413, b"request too large\n", "text/plain")
            self.close_connection = True
            return
        body = self.rfile.read(length)
        try:
            admission_review: Any = json.loads(body)
        except (ValueError, RecursionError):
            admission_review = None  # review() answers a malformed body with a denial
        answer = webhook.review(
            admission_review,
            self.resolver,
            mutate=self.mutate_mode if self.path == "/mutate" else "off",
            policy=self.policy,
            deny_ambiguous_short_names=self.deny_ambiguous,
        )
        self._send(200, json.dumps(answer).encode(), "application/json")

    def _send(self, code: int, body: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


class TLSServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server whose connections are TLS; handshakes run in worker threads."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], context: ssl.SSLContext) -> None:
        self.context = context
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, WebhookHandler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        # Handshake lazily, in the handler's thread and under its timeout, so one slow client
        # cannot hold up accept().
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cert", required=True, help="TLS certificate chain (PEM)")
    parser.add_argument("--key", required=True, help="TLS private key (PEM)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="port (8443; 0 picks one)")
    parser.add_argument("--config", metavar="FILE", help="the main registries.conf")
    parser.add_argument("--config-dir", metavar="DIR", action="append", help="drop-in dir")
    parser.add_argument("--home", metavar="DIR", help="use DIR as $HOME")
    parser.add_argument("--root", metavar="DIR", help="read /etc/containers below DIR")
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="a containers-policy.json: reject denies, signature requirements warn",
    )
    parser.add_argument(
        "--mutate", choices=("pin", "qualify"), default="pin", help="what /mutate rewrites"
    )
    parser.add_argument(
        "--deny-ambiguous-short-names",
        action="store_true",
        help="deny short names with several candidates (as CRI-O 1.34 refuses them)",
    )
    parser.add_argument(
        "--ready-file",
        metavar="FILE",
        help="once listening, write the base URL (https://HOST:PORT) to FILE",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        conf = regresolve.load_config(
            args.config,
            dropin_dirs=args.config_dir,
            home=args.home,
            env=os.environ,
            root=args.root,
        )
        policy = None
        if args.policy:
            with open(args.policy, encoding="utf-8") as f:
                policy = regresolve.parse_policy(f.read(), path=args.policy)
    except (regresolve.RegresolveError, OSError) as err:
        print(f"server: {err}", file=sys.stderr)
        return 2
    try:
        # The machine-written short-name alias cache is consulted before the aliases of the
        # configuration; a corrupt one fails every short-name resolution, as in podman.
        aliases: Any = regresolve.load_alias_cache(home=args.home, env=os.environ)
    except regresolve.InvalidConfig as err:
        aliases = err
    WebhookHandler.resolver = regresolve.Resolver(conf, user_aliases=aliases)
    WebhookHandler.policy = policy
    WebhookHandler.mutate_mode = args.mutate
    WebhookHandler.deny_ambiguous = args.deny_ambiguous_short_names
    WebhookHandler.quiet = args.quiet

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    with TLSServer((args.host, args.port), context) as server:
        bound, port = server.server_address[:2]
        host = bound.decode() if isinstance(bound, bytes) else bound
        url = f"https://[{host}]:{port}" if ":" in host else f"https://{host}:{port}"
        if args.ready_file:
            # Written whole, then renamed: a reader never sees half a URL.
            tmp = args.ready_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(url + "\n")
            os.replace(tmp, args.ready_file)
        print(f"listening on {url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
