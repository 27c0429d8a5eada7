"""Which certificate directory a pull source uses, and what ``SetupCertificates`` makes of it.

containers/image v5.34.2 (``docker/docker_client.go`` ``dockerCertDir``, ``newDockerClient``;
``pkg/tlsclientconfig`` ``SetupCertificates``), for the host part of the *source's own*
reference (``reference.Domain``: the port only when written, ``docker.io`` not mapped to
``registry-1.docker.io``):

1. ``--cert-dir`` (``SystemContext.DockerCertPath``): that directory itself, for every host;
2. else the first of ``$HOME/.config/containers/certs.d/<host[:port]>``,
   ``<root>/etc/containers/certs.d/<host[:port]>``, ``<root>/etc/docker/certs.d/<host[:port]>``
   that exists (``fileutils.Exists``; a missing path or a permission error moves on, any other
   error fails the source); when none exists the last one is used, and reading it finds
   nothing.  Only one directory is read; they are never merged.

In that directory, in name order: ``*.crt`` are CA files added to a copy of the system pool
(an unreadable one fails the source, a vanished one is skipped); ``*.cert`` needs the
``.key`` of the same base name and the pair must load; ``*.key`` needs its ``.cert``.  The
first problem is the error of the source.

What regresolve does not check: the *contents* of a client pair (``tls.LoadX509KeyPair``
parses the certificate and the key and matches them; regresolve never opens key material),
reported in ``not_checked``; whether a ``.crt`` holds any PEM certificate (Go ignores bad ones
silently too); and whether the system pool can be loaded.

The snapshot (:class:`CertsSnapshot`) is taken by :func:`snapshot_certs` through
``regresolve._files``; the verdicts (:func:`tls_context`) are pure.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping

import attrs

from regresolve._files import _join, host_errno, host_errno_text, host_list_sorted, host_read_error

__all__ = [
    "CertDir",
    "CertsSnapshot",
    "TlsContext",
    "snapshot_certs",
    "tls_context",
]

HOME_CERTS_D = ".config/containers/certs.d"
ETC_CERT_DIRS = ("/etc/containers/certs.d", "/etc/docker/certs.d")


@attrs.frozen
class CertFile:
    """One entry of a certificate directory: its name and how reading it would fail."""

    name: str
    read_error: str | None
    missing: bool


@attrs.frozen
class CertDir:
    """A directory as ``SetupCertificates`` would read it.

    Attributes:
        path: the directory.
        error: the error ``os.ReadDir`` gives that fails the source (None: listed, missing
            or not readable, which Go treats as empty).
        files: the entries, in name order.
    """

    path: str
    error: str | None
    files: tuple[CertFile, ...]


@attrs.frozen
class CertBase:
    """One ``certs.d`` candidate directory and the host directories in it.

    Attributes:
        path: the ``certs.d`` directory.
        child_errno: for a name that is not listed, the errno ``faccessat(path/name)`` gives
            (ENOENT for a missing ``certs.d``, ENOTDIR when it is a file...).
        hosts: name -> (errno of ``faccessat``, the directory when it exists).
    """

    path: str
    child_errno: int
    hosts: Mapping[str, tuple[int, CertDir | None]]


@attrs.frozen
class CertsSnapshot:
    """Everything certificate-related a pull can read, read once.

    Attributes:
        cert_dir: ``--cert-dir`` as given, with its contents; None when not given.
        bases: the per-host candidates in search order (home first, then /etc).
    """

    cert_dir: CertDir | None
    bases: tuple[CertBase, ...]


@attrs.frozen
class TlsContext:
    """What ``newDockerClient`` sets up for one source.

    Attributes:
        verify: whether the server certificate is verified (False also allows plain HTTP).
        cert_dir: the directory read (None when choosing it failed).
        cert_dir_reason: why that directory.
        ca_files: the ``.crt`` files added to the system pool (up to the error).
        client_pairs: the ``(.cert, .key)`` pairs offered as client certificates.
        error: the error that fails this source, else None.
        not_checked: what regresolve cannot judge without opening key material.
    """

    verify: bool
    cert_dir: str | None
    cert_dir_reason: str
    ca_files: tuple[str, ...] = ()
    client_pairs: tuple[tuple[str, str], ...] = ()
    error: str | None = None
    not_checked: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (paths and messages only)."""
        return {
            "verify": self.verify,
            "cert_dir": self.cert_dir,
            "cert_dir_reason": self.cert_dir_reason,
            "ca_files": list(self.ca_files),
            "client_pairs": [list(p) for p in self.client_pairs],
            "error": self.error,
            "not_checked": list(self.not_checked),
        }


# ---------------------------------------------------------------------------------------------
# Reading (through _files)
# ---------------------------------------------------------------------------------------------


def _read_dir(path: str) -> CertDir:
    names, code = host_list_sorted(path)
    if names is None:
        if code in (errno.ENOENT, errno.EACCES, errno.EPERM):
            return CertDir(path, None, ())
        # Go opens the directory, then reads it: a file there fails at the read.
        op = "readdirent" if code == errno.ENOTDIR and host_errno(path) == 0 else "open"
        return CertDir(path, host_errno_text(op, path, code), ())
    files = []
    for name in names:
        if name.endswith((".crt", ".cert", ".key")):
            err, missing = host_read_error(_join(path, name))
            files.append(CertFile(name, err, missing))
        else:
            files.append(CertFile(name, None, False))
    return CertDir(path, None, tuple(files))


def _read_base(path: str) -> CertBase:
    code = host_errno(path)
    if code:
        return CertBase(path, code, {})
    names, list_code = host_list_sorted(path)
    if names is None:
        return CertBase(path, errno.ENOTDIR if list_code == errno.ENOTDIR else errno.ENOENT, {})
    hosts: dict[str, tuple[int, CertDir | None]] = {}
    for name in names:
        full = _join(path, name)
        host_code = host_errno(full)
        hosts[name] = (host_code, _read_dir(full) if host_code == 0 else None)
    return CertBase(path, errno.ENOENT, hosts)


def cert_base_paths(home: str, root: str) -> tuple[str, ...]:
    """The ``certs.d`` directories searched, in order (home is never under the root)."""
    prefix = root or ""
    etc = tuple(_join(prefix, p) if prefix else p for p in ETC_CERT_DIRS)
    return (_join(home, HOME_CERTS_D), *etc)


def snapshot_certs(*, home: str, root: str, cert_dir: str | None) -> CertsSnapshot:
    """Read every certificate directory a pull could use."""
    return CertsSnapshot(
        _read_dir(cert_dir) if cert_dir else None,
        tuple(_read_base(p) for p in cert_base_paths(home, root)),
    )


# ---------------------------------------------------------------------------------------------
# Verdicts (pure)
# ---------------------------------------------------------------------------------------------


def _choose_dir(
    snap: CertsSnapshot, host_port: str
) -> tuple[str | None, CertDir | None, str, str | None]:
    """``dockerCertDir``: (path, its contents, reason, error)."""
    if snap.cert_dir is not None:
        return (
            snap.cert_dir.path,
            snap.cert_dir,
            "--cert-dir (DockerCertPath) applies to every host",
            None,
        )
    tried: list[str] = []
    full = ""
    for base in snap.bases:
        full = _join(base.path, host_port)
        code, contents = base.hosts.get(host_port, (base.child_errno, None))
        if code == 0:
            reason = "the first existing of " + ", ".join((*tried, full))
            return full, contents, reason, None
        if code in (errno.ENOENT, errno.EACCES, errno.EPERM):
            tried.append(full)
            continue
        return None, None, "", host_errno_text("faccessat", full, code)
    return (
        full,
        None,
        "none of " + ", ".join(tried) + " exists (the last is used; it is empty)",
        None,
    )


def tls_context(snap: CertsSnapshot, host_port: str, *, verify: bool) -> TlsContext:
    """The TLS set-up of a source whose reference has the host part ``host_port``."""
    path, contents, reason, error = _choose_dir(snap, host_port)
    if error is not None:
        return TlsContext(verify, None, "choosing the certificate directory failed", error=error)
    assert path is not None
    if contents is None:
        return TlsContext(verify, path, reason)
    if contents.error is not None:
        return TlsContext(verify, path, reason, error=contents.error)
    names = {f.name for f in contents.files}
    by_name = {f.name: f for f in contents.files}
    cas: list[str] = []
    pairs: list[tuple[str, str]] = []
    not_checked: list[str] = []
    for f in contents.files:
        full = _join(path, f.name)
        if f.name.endswith(".crt"):
            if f.read_error is not None:
                if f.missing:
                    continue
                error = f.read_error
                break
            cas.append(full)
        elif f.name.endswith(".cert"):
            key = f.name[: -len(".cert")] + ".key"
            if key not in names:
                error = (
                    f"missing key {key} for client certificate {f.name}. "
                    "Note that CA certificates should use the extension .crt"
                )
                break
            key_err = by_name[key].read_error
            if f.read_error is not None or key_err is not None:
                error = f.read_error if f.read_error is not None else key_err
                break
            pairs.append((full, _join(path, key)))
            not_checked.append(
                f"the client pair {f.name} + {key} is not parsed (tls.LoadX509KeyPair "
                "may still reject it)"
            )
        elif f.name.endswith(".key"):
            cert = f.name[: -len(".key")] + ".cert"
            if cert not in names:
                error = f"missing client certificate {cert} for key {f.name}"
                break
    return TlsContext(verify, path, reason, tuple(cas), tuple(pairs), error, tuple(not_checked))
