"""A whole machine for the command-line tests of the pull context, with known secrets.

``write_machine(tree)`` lays out, below ``tree`` (read with ``--root tree --home
tree/home/user --uid 0``), a registries.conf with mirrors, auth files holding passwords, an
identity token and ``auth`` values, a credential helper that would print a secret, certs.d
directories with a CA, a client pair (private key included) and the usual mistakes, a
registries.d whose lookaside URL carries a password, and a policy.json requiring signatures
for ``example.com``.  ``SECRETS`` lists every secret it holds; ``cli_args`` and ``cli_env``
are what the command needs to read it.

What each part is for (the expectations of the tests follow from containers/image's rules,
docs/pull-context.md):

* ``example.com``: credentials under ``example.com``; mirror ``mirror.example.com:5000`` with
  its own credentials, CA and client pair, but no registries.d entry (policy requires
  signatures: ``mirror-signatures-not-configured``); mirror ``example.com/cache`` on the same
  host; ``/etc/docker/certs.d/example.com`` has a ``.cert`` without ``.key`` (both
  example.com sources fail); ``/etc/containers/certs.d/example.com:443`` is never read.
* ``quay.io``: credentials in the legacy ``~/.dockercfg``, mirror ``quaymirror.example.net``
  without any (``mirror-without-credentials``); ``certs.d/quay.io`` in the home directory
  hides the one in /etc (``shadowed-cert-dir``).
* ``docker.io``: an identity token under ``https://index.docker.io/v1/``; mirror
  ``hub.example.net`` without credentials; ``/etc/docker/certs.d/registry-1.docker.io`` is
  never read (``unused-cert-dir``).
* ``broken.example.com``: its ``auth`` is not base64: its only source fails.
* ``helped.example.com``: ``credHelpers`` names the ``vault`` helper.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from support.strategies_host import CLIENT_KEY, HostCase, write_tree

__all__ = [
    "AUTH_VALUE",
    "BROKEN_AUTH",
    "CLIENT_KEY_LINES",
    "HELPER_SECRET",
    "LEGACY_AUTH",
    "PASSWORD",
    "SECRETS",
    "TOKEN",
    "URL_PASSWORD",
    "cli_args",
    "cli_env",
    "machine_case",
    "write_machine",
]

PASSWORD = "Pa55-w0rd-NEVER-SHOWN"
PASSWORD2 = "second-Secret-pw"
PASSWORD3 = "third-Secret-pw-ORIG"
TOKEN = "identity-token-NEVER-SHOWN"
URL_PASSWORD = "url-Secret-pw"
HELPER_SECRET = "helper-secret-NEVER"
BROKEN_PASSWORD = "broken-Secret-pw"
AUTH_VALUE = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
ORIGINAL_AUTH = base64.b64encode(f"carol:{PASSWORD3}".encode()).decode()
LEGACY_AUTH = base64.b64encode(f"bob:{PASSWORD2}".encode()).decode()
BROKEN_AUTH = base64.b64encode(f"dave:{BROKEN_PASSWORD}".encode()).decode()[:-3] + "!!!"
CLIENT_KEY_LINES = [line for line in CLIENT_KEY.splitlines() if "-----" not in line]

SECRETS = [
    PASSWORD,
    PASSWORD2,
    PASSWORD3,
    TOKEN,
    URL_PASSWORD,
    HELPER_SECRET,
    BROKEN_PASSWORD,
    AUTH_VALUE,
    ORIGINAL_AUTH,
    LEGACY_AUTH,
    BROKEN_AUTH,
    *CLIENT_KEY_LINES,
]

REGISTRIES_CONF = b"""
unqualified-search-registries = ["quay.io"]

[[registry]]
location = "example.com"
[[registry.mirror]]
location = "mirror.example.com:5000"
[[registry.mirror]]
location = "example.com/cache"

[[registry]]
location = "quay.io"
[[registry.mirror]]
location = "quaymirror.example.net"

[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "hub.example.net"
"""

POLICY = {
    "default": [{"type": "insecureAcceptAnything"}],
    "transports": {
        "docker": {
            "example.com": [
                {"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/etc/pki/example.gpg"}
            ]
        }
    },
}

CERT = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def machine_case(*, malformed_auth: bool = False) -> HostCase:
    """The machine described above (``malformed_auth``: ``~/.docker/config.json`` is not
    JSON, with a password in it)."""
    case = HostCase()
    case.files["/etc/containers/registries.conf"] = REGISTRIES_CONF
    case.files["/run/containers/0/auth.json"] = json.dumps(
        {
            "auths": {
                "example.com": {"auth": ORIGINAL_AUTH},
                "mirror.example.com:5000": {"auth": AUTH_VALUE},
                "https://index.docker.io/v1/": {
                    "auth": base64.b64encode(b":").decode(),
                    "identitytoken": TOKEN,
                },
                "broken.example.com": {"auth": BROKEN_AUTH},
            },
            "credHelpers": {"helped.example.com": "vault"},
        }
    ).encode()
    case.files["/home/user/.dockercfg"] = json.dumps({"quay.io": {"auth": LEGACY_AUTH}}).encode()
    if malformed_auth:
        case.files["/home/user/.docker/config.json"] = (
            b'{"auths": {"quay.io": {"auth": "' + LEGACY_AUTH.encode() + b'"}}} trailing'
        )
    case.executables["/bin/docker-credential-vault"] = (
        f'#!/bin/sh\necho \'{{"Username":"v","Secret":"{HELPER_SECRET}"}}\'\n'.encode()
    )
    pair = "/etc/containers/certs.d/mirror.example.com:5000"
    case.files[f"{pair}/ca.crt"] = CERT
    case.files[f"{pair}/client.cert"] = CERT
    case.files[f"{pair}/client.key"] = CLIENT_KEY.encode()
    case.files["/etc/containers/certs.d/example.com:443/ca.crt"] = CERT
    case.files["/etc/docker/certs.d/example.com/client.cert"] = CERT
    case.files["/etc/docker/certs.d/registry-1.docker.io/ca.crt"] = CERT
    case.files["/home/user/.config/containers/certs.d/quay.io/ca.crt"] = CERT
    case.files["/etc/containers/certs.d/quay.io/ca.crt"] = CERT
    case.files["/etc/containers/registries.d/sig.yaml"] = (
        "docker:\n"
        "  example.com:\n"
        f"    lookaside: https://user:{URL_PASSWORD}@sig.example.com/x\n"
        "    use-sigstore-attachments: true\n"
    ).encode()
    case.files["/etc/containers/policy.json"] = json.dumps(POLICY).encode()
    return case


def write_machine(tree: Path, *, malformed_auth: bool = False) -> None:
    write_tree(machine_case(malformed_auth=malformed_auth), tree)


def cli_args(tree: Path) -> list[str]:
    """The options that make the command read the machine (no other file of this host)."""
    t = str(tree)
    return ["--root", t, "--home", t + "/home/user", "--uid", "0"]


def cli_env(tree: Path) -> dict[str, str]:
    """The environment the command runs with: the machine's helpers in ``PATH`` only."""
    t = str(tree)
    return {"PATH": t + "/bin", "HOME": t + "/home/user"}
