"""Throwaway TLS material for the end-to-end tests, made with ``openssl`` at test time.

:func:`make_tls_material` writes into a temporary directory:

* ``ca.crt`` / ``ca.key``: the certificate authority the scenarios put into ``certs.d``
  directories (or not);
* ``server.crt`` / ``server.key``: the test registry's certificate, signed by that CA, valid
  for the given DNS names and loopback addresses (and nothing else);
* ``client.cert`` / ``client.key``: a client certificate signed by the same CA, for a
  listener that demands one (containers/image reads client pairs as ``*.cert`` + ``*.key``);
* ``other-ca.crt``: an unrelated CA (a decoy: trusting it does not make the server trusted).

Keys are EC P-256 (quick to generate), valid for one day.  Nothing here is ever committed:
every file lives under the pytest temporary directory of the session.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

OPENSSL_TIMEOUT = 60.0

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]


@dataclass(frozen=True)
class TLSMaterial:
    """Paths of the generated files (all under ``directory``)."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca_cert: Path


def _openssl(args: Sequence[str], cwd: Path) -> None:
    proc = subprocess.run(
        ["openssl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=OPENSSL_TIMEOUT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {proc.stderr.strip()}")


def _self_signed_ca(where: Path, name: str, subject: str) -> None:
    _openssl(
        [
            "req", "-x509", *_EC, "-days", "1", "-subj", subject,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", f"{name}.key", "-out", f"{name}.crt",
        ],
        where,
    )  # fmt: skip


def _signed_leaf(where: Path, name: str, subject: str, ext: str, out_ext: str) -> None:
    (where / f"{name}.ext").write_text(ext)
    _openssl(
        ["req", "-new", *_EC, "-subj", subject, "-keyout", f"{name}.key", "-out", f"{name}.csr"],
        where,
    )
    _openssl(
        [
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "1", "-extfile", f"{name}.ext",
            "-out", f"{name}.{out_ext}",
        ],
        where,
    )  # fmt: skip


def make_tls_material(
    where: Path, dns_names: Sequence[str], ip_addresses: Sequence[str]
) -> TLSMaterial:
    """Generate a CA, a server certificate for the names/addresses, a client pair, a decoy CA."""
    where.mkdir(parents=True, exist_ok=True)
    _self_signed_ca(where, "ca", "/CN=regresolve-e2e-context-ca")
    _self_signed_ca(where, "other-ca", "/CN=regresolve-e2e-unrelated-ca")
    sans = ",".join([f"DNS:{n}" for n in dns_names] + [f"IP:{a}" for a in ip_addresses])
    _signed_leaf(
        where,
        "server",
        "/CN=regresolve-e2e-registry",
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={sans}\n",
        "crt",
    )
    _signed_leaf(
        where,
        "client",
        "/CN=regresolve-e2e-client",
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=clientAuth\n",
        "cert",
    )
    return TLSMaterial(
        directory=where,
        ca_cert=where / "ca.crt",
        ca_key=where / "ca.key",
        server_cert=where / "server.crt",
        server_key=where / "server.key",
        client_cert=where / "client.cert",
        client_key=where / "client.key",
        other_ca_cert=where / "other-ca.crt",
    )
