#!/usr/bin/env python3
"""Send an AdmissionReview to the webhook over HTTPS and print the answer.

Standard library only.  The server (``regresolve webhook serve``) is verified against
``--cacert``, as the Kubernetes API server verifies it against the ``caBundle`` of the
webhook configuration::

    python examples/webhook/client.py --cacert tls.crt --url https://127.0.0.1:8443 \\
        /validate examples/webhook/pod-blocked.json

``--url-file FILE`` reads the base URL from the server's ``--ready-file`` instead, waiting up
to ``--wait`` seconds for it to appear.  The request goes to PATH with ``?timeout=10s``
appended, as the API server sends it.  The response is printed as JSON; a JSONPatch is
decoded from base64 and printed after it.  Without a review file the client sends a GET
(``/healthz``, ``/readyz``, ``/metrics``) and prints the body as it comes.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import ssl
import sys
import time
import urllib.parse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cacert", required=True, help="CA (or self-signed) certificate, PEM")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="the server's base URL, https://HOST:PORT")
    where.add_argument("--url-file", help="read the base URL from this file (--ready-file)")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds to wait (10)")
    parser.add_argument("path", help="/validate or /mutate (or a GET path: /metrics ...)")
    parser.add_argument("review", nargs="?", help="a JSON file holding an AdmissionReview")
    args = parser.parse_args(argv)

    url = args.url
    if url is None:
        deadline = time.monotonic() + args.wait
        ready = Path(args.url_file)
        while not ready.exists():
            if time.monotonic() > deadline:
                print(f"client: {ready} did not appear in {args.wait:g} s", file=sys.stderr)
                return 1
            time.sleep(0.05)
        url = ready.read_text(encoding="utf-8").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or parts.hostname is None:
        print(f"client: not an https URL: {url}", file=sys.stderr)
        return 2

    context = ssl.create_default_context(cafile=args.cacert)
    conn = http.client.HTTPSConnection(
        parts.hostname, parts.port or 443, context=context, timeout=args.wait
    )
    try:
        if args.review is None:
            conn.request("GET", args.path)
        else:
            body = Path(args.review).read_bytes()
            headers = {"Content-Type": "application/json"}
            conn.request("POST", args.path + "?timeout=10s", body=body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        print(f"client: HTTP {resp.status}: {payload.decode(errors='replace')}", file=sys.stderr)
        return 1
    if args.review is None:
        sys.stdout.write(payload.decode())
        return 0
    response = json.loads(payload)["response"]
    patch = response.get("patch")
    if patch:
        response["patch"] = "(base64, decoded below)"
    print(json.dumps(response, indent=2))
    if patch:
        print("patch:")
        print(json.dumps(json.loads(base64.b64decode(patch)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
