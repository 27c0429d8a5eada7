"""Hypothesis strategies for whole machines: certs.d trees, auth files, helpers, registries.d.

A :class:`HostCase` is a file tree under a private root (virtual absolute paths), the
podman options that point into it, the references to pull and the behaviour of each fake
credential helper.  ``write_tree`` lays it out on disk; the same directory is read by
regresolve (``load_host(root=tree, ...)``) and, linked into its private root, by the Go oracle
(``hostctx`` op), so both read the very same inodes (directory order included).

What is generated, from one small alphabet of hosts so that lookups hit, miss and tie:

* certs.d directories under ``~/.config/containers/certs.d``, ``/etc/containers/certs.d`` and
  ``/etc/docker/certs.d`` named ``host`` or ``host:port``, with ``.crt`` (PEM or junk),
  ``.cert`` + ``.key`` pairs (one real pair), lone halves, a directory named ``x.crt``,
  dangling symlinks, other files; a ``certs.d`` that is a file; a ``--cert-dir``;
* auth files (``/run/containers/0/auth.json``, ``$XDG_CONFIG_HOME|~/.config`` auth.json,
  ``$DOCKER_CONFIG|~/.docker/config.json``, ``~/.dockercfg``, a given ``--authfile``) with
  keys ``host``, ``host:port``, ``host/ns``, ``host/ns/repo``, ``https://host``,
  ``http://host/v1/``, the docker.io spellings, entries with and without credentials, tokens,
  bad base64, case-folded field names, malformed JSON, a directory in a file's place, and
  ``credHelpers``.  No two keys of one file normalize to the same host (Go walks a map
  there, so its choice would be random);
* ``credential-helpers`` lists and fake ``docker-credential-<name>`` programs that answer
  (``found*``), say "not found" (``none*``) or do not exist (``missing*``);
* registries.d YAML files with ``docker:`` scopes (identities, namespaces, hosts,
  wildcards) and ``default-docker``, lookaside URLs (some invalid), ``use-sigstore-attachments``
  in every spelling, duplicates across files and type errors.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import attrs
from hypothesis import strategies as st

__all__ = [
    "CLIENT_CERT",
    "CLIENT_KEY",
    "HostCase",
    "host_cases",
    "sha12",
    "write_tree",
]

# A throwaway self-signed pair (EC P-256) made for these tests only.
CLIENT_CERT = """-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUUUWc9dYDpaUmOqQG1tecChOyTuowCgYIKoZIzj0EAwIw
ITEfMB0GA1UEAwwWcmVncmVzb2x2ZS10ZXN0LWNsaWVudDAgFw0yNjEyMDEwNzIw
MzJaGA8yMTI2MTEwNzA3MjAzMlowITEfMB0GA1UEAwwWcmVncmVzb2x2ZS10ZXN0
LWNsaWVudDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABB4gGENp8+Vmtr6owXQr
iH6jj1JVOLIiqzkMPNPAEkc8+O0bgdvXVOvL+hjOWTgG7I3r8bjFnAz+zfPyPBS7
m6CjUzBRMB0GA1UdDgQWBBQb1SzetxW0EfOv7L3tYpMof5WPCTAfBgNVHSMEGDAW
gBQb1SzetxW0EfOv7L3tYpMof5WPCTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0gAMEUCIHYMJuCWvGW3PI+RfEoRKb3yUr60aSeJ5X+MKWQHX6skAiEA8ihZ
2Ah+nUgCQPPNtf7hkIzMcThmmyl+8tJn6Kr0U48=
-----END CERTIFICATE-----
"""
CLIENT_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkvBcr64lIC8IvczN
C4BsIVdzynaasyoL+xZz8Y8dQz6hRANCAAQeIBhDafPlZra+qMF0K4h+o49SVTiy
Iqs5DDzTwBJHPPjtG4Hb11Try/oYzlk4BuyN6/G4xZwM/s3z8jwUu5ug
-----END PRIVATE KEY-----
"""
CA_CERT = """-----BEGIN CERTIFICATE-----
MIIBkTCCATegAwIBAgIUX5wcPfn5WIEfYjpSfO6CIt8xKeYwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwScmVncmVzb2x2ZS10ZXN0LWNhMCAXDTI2MTIwMTA3MjAzMloY
DzIxMjYxMTA3MDcyMDMyWjAdMRswGQYDVQQDDBJyZWdyZXNvbHZlLXRlc3QtY2Ew
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQK7wlLhvPU1sF8Q+42tJ/1hd7jDGku
Tgg5fcCsz1czrgrOd8zC1vVhCK0GC89ta73fGTPgo4qaOgO5XjbQlEF8o1MwUTAd
BgNVHQ4EFgQUzLZlwD/IXmLtzSBU9DWaP3ndobEwHwYDVR0jBBgwFoAUzLZlwD/I
XmLtzSBU9DWaP3ndobEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiAFh/GNOrOSQ8GiiT+7Y5PgdqNyhDiBJiZr7cQDE6hiGwIhAL+b/KRQyXiRE96f
8atYutflShdBN6x252LG54G1/4oZ
-----END CERTIFICATE-----
"""

HOME = "/home/user"
HOSTS = [
    "example.com",
    "mirror.example.com",
    "mirror.example.com:5000",
    "m2.example.org",
    "docker.io",
    "quay.io",
    "localhost:5000",
    "reg.example.com:443",
]
HELPERS = ["found1", "found2", "none1", "none2", "missing1", "missing2"]
DIGEST = "sha256:" + "ab" * 32


def sha12(s: str) -> str:
    """What the oracle reports for a password or token: 12 hex digits of its SHA-256."""
    return hashlib.sha256(s.encode()).hexdigest()[:12] if s else ""


@attrs.define
class HostCase:
    """One machine and what to pull on it."""

    files: dict[str, bytes | None] = attrs.field(factory=dict)  # None: a directory
    symlinks: dict[str, str] = attrs.field(factory=dict)
    executables: dict[str, bytes] = attrs.field(factory=dict)
    refs: list[str] = attrs.field(factory=list)
    registries_conf: str | None = None
    auth_file: str | None = None
    cert_dir: str | None = None
    registries_d: str | None = None
    env: dict[str, str] = attrs.field(factory=dict)
    explicit: bool = False
    tls_verify: bool | None = None
    helpers: dict[str, str] = attrs.field(factory=dict)  # name -> found | none
    # (virtual file, key) -> (username, password, token) of every entry with credentials
    secrets: dict[tuple[str, str], tuple[str, str, str]] = attrs.field(factory=dict)

    def to_json(self) -> dict[str, Any]:
        """JSON form (file contents base64, the shared certificates and helper programs by
        name, to keep the corpus small)."""
        return {
            "files": {k: _encode(v) for k, v in self.files.items()},
            "symlinks": self.symlinks,
            "executables": {k: _encode(v) for k, v in self.executables.items()},
            "refs": self.refs,
            "registries_conf": self.registries_conf,
            "auth_file": self.auth_file,
            "cert_dir": self.cert_dir,
            "registries_d": self.registries_d,
            "env": self.env,
            "explicit": self.explicit,
            "tls_verify": self.tls_verify,
            "helpers": self.helpers,
            "secrets": [[f, k, *v] for (f, k), v in self.secrets.items()],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> HostCase:
        return cls(
            files={k: _decode(v) for k, v in d["files"].items()},
            symlinks=d["symlinks"],
            executables={k: _decode(v) or b"" for k, v in d["executables"].items()},
            refs=d["refs"],
            registries_conf=d["registries_conf"],
            auth_file=d["auth_file"],
            cert_dir=d["cert_dir"],
            registries_d=d["registries_d"],
            env=d["env"],
            explicit=d["explicit"],
            tls_verify=d["tls_verify"],
            helpers=d["helpers"],
            secrets={(f, k): (u, p, t) for f, k, u, p, t in d["secrets"]},
        )


def _known() -> dict[str, bytes]:
    known = {
        "@client-cert": CLIENT_CERT.encode(),
        "@client-key": CLIENT_KEY.encode(),
        "@ca-cert": CA_CERT.encode(),
    }
    for name in HELPERS:
        for behaviour in ("found", "none"):
            known[f"@helper:{name}:{behaviour}"] = _helper_script(name, behaviour)
    return known


def _encode(data: bytes | None) -> str | None:
    if data is None:
        return None
    for name, content in _known().items():
        if data == content:
            return name
    return base64.b64encode(data).decode()


def _decode(text: str | None) -> bytes | None:
    if text is None:
        return None
    if text.startswith("@"):
        return _known()[text]
    return base64.b64decode(text)


def write_tree(case: HostCase, root: Path) -> None:
    """Lay the case out under ``root`` (which must exist and be empty)."""
    (root / "home" / "user").mkdir(parents=True, exist_ok=True)
    (root / "bin").mkdir(exist_ok=True)
    for virtual in sorted(case.files):
        data = case.files[virtual]
        p = root / virtual.lstrip("/")
        if data is None:
            p.mkdir(parents=True, exist_ok=True)
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    for virtual in sorted(case.executables):
        p = root / virtual.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(case.executables[virtual])
        p.chmod(0o755)
    for virtual in sorted(case.symlinks):
        p = root / virtual.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(case.symlinks[virtual], p)


# ---------------------------------------------------------------------------------------------
# registries.conf and references
# ---------------------------------------------------------------------------------------------

_REPOS = ["app", "ns/app", "ns/sub/app", "library/nginx", "org/x"]


@st.composite
def _refs(draw: st.DrawFn) -> list[str]:
    out = []
    for _ in range(draw(st.integers(4, 8))):
        host = draw(st.sampled_from(HOSTS))
        repo = draw(st.sampled_from(_REPOS))
        suffix = draw(st.sampled_from([":1", ":latest", "@" + DIGEST, ""]))
        out.append(f"{host}/{repo}{suffix}")
    return out


@st.composite
def _registries_conf(draw: st.DrawFn) -> str:
    lines = []
    helpers = draw(
        st.lists(st.sampled_from(["containers-auth.json", *HELPERS]), max_size=3, unique=True)
    )
    if helpers and draw(st.booleans()):
        helpers = ["containers-auth.json", *[h for h in helpers if h != "containers-auth.json"]]
    if draw(st.booleans()):
        lines.append("credential-helpers = " + json.dumps(helpers))
    prefixes = [
        "example.com",
        "example.com/ns",
        "quay.io",
        "docker.io/library",
        "*.example.com",
        "localhost:5000",
    ]
    for prefix in draw(st.lists(st.sampled_from(prefixes), max_size=3, unique=True)):
        lines += ["[[registry]]", f"prefix = {json.dumps(prefix)}"]
        if not prefix.startswith("*"):
            moved = {"example.com": "quay.io/moved", "quay.io": "example.com/from-quay"}.get(
                prefix, prefix
            )
            lines.append(f"location = {json.dumps(moved if draw(st.booleans()) else prefix)}")
        lines.append(f"insecure = {json.dumps(draw(st.booleans()))}")
        if draw(st.integers(0, 5)) == 0:
            lines.append("blocked = true")
        for _ in range(draw(st.integers(0, 2))):
            loc = draw(
                st.sampled_from(
                    [
                        "mirror.example.com",
                        "mirror.example.com:5000/m",
                        "m2.example.org/cache",
                        "localhost:5000",
                        "example.com/other",
                    ]
                )
            )
            lines += [
                "[[registry.mirror]]",
                f"location = {json.dumps(loc)}",
                f"insecure = {json.dumps(draw(st.booleans()))}",
            ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------

_CERT_BASES = [
    HOME + "/.config/containers/certs.d",
    "/etc/containers/certs.d",
    "/etc/docker/certs.d",
]


def _cert_dir_files(draw: st.DrawFn, case: HostCase, d: str) -> None:
    case.files[d] = None
    for kind in draw(
        st.lists(
            st.sampled_from(
                [
                    "ca",
                    "junkca",
                    "pair",
                    "badpair",
                    "lonecert",
                    "lonekey",
                    "dircrt",
                    "dangling",
                    "other",
                    "dircert",
                ]
            ),
            max_size=4,
            unique=True,
        )
    ):
        if kind == "ca":
            case.files[f"{d}/ca.crt"] = CA_CERT.encode()
        elif kind == "junkca":
            case.files[f"{d}/extra.crt"] = b"not a certificate\n"
        elif kind == "pair":
            case.files[f"{d}/client.cert"] = CLIENT_CERT.encode()
            case.files[f"{d}/client.key"] = CLIENT_KEY.encode()
        elif kind == "badpair":
            case.files[f"{d}/bad.cert"] = b"junk\n"
            case.files[f"{d}/bad.key"] = b"junk\n"
        elif kind == "lonecert":
            case.files[f"{d}/lone.cert"] = CLIENT_CERT.encode()
        elif kind == "lonekey":
            case.files[f"{d}/solo.key"] = CLIENT_KEY.encode()
        elif kind == "dircrt":
            case.files[f"{d}/adir.crt"] = None
        elif kind == "dircert":
            case.files[f"{d}/zdir.cert"] = None
            case.files[f"{d}/zdir.key"] = CLIENT_KEY.encode()
        elif kind == "dangling":
            case.symlinks[f"{d}/gone.crt"] = "does-not-exist"
        else:
            case.files[f"{d}/README"] = b"hello\n"


def _certs(draw: st.DrawFn, case: HostCase) -> None:
    for base in _CERT_BASES:
        shape = draw(
            st.sampled_from(
                ["none", "dirs", "dirs", "none", "dirs", "dirs", "none", "dirs", "dirs", "file"]
            )
        )
        if shape == "file":
            case.files[base] = b"not a directory\n"
        elif shape == "dirs":
            for host in draw(
                st.lists(
                    st.sampled_from([*HOSTS, "mirror.example.com:443", "quay.io:443"]),
                    max_size=3,
                    unique=True,
                )
            ):
                if draw(st.integers(0, 9)) == 0:
                    case.files[f"{base}/{host}"] = b"a file where a directory is expected\n"
                else:
                    _cert_dir_files(draw, case, f"{base}/{host}")
    if draw(st.integers(0, 5)) == 0:
        case.cert_dir = "/certdir"
        _cert_dir_files(draw, case, "/certdir")


# ---------------------------------------------------------------------------------------------
# Auth files and helpers
# ---------------------------------------------------------------------------------------------


def _norm(key: str, legacy: bool) -> str:
    s = key[len("http://") :] if key.startswith("http://") else key
    s = s[len("https://") :] if s.startswith("https://") else s
    if legacy or s != key:
        s = s.split("/", 1)[0]
    return "index.docker.io" if s in ("docker.io", "registry-1.docker.io") else s


def _auth_keys(host: str) -> list[str]:
    keys = [
        host,
        host,
        host,
        f"{host}/ns",
        f"{host}/ns/app",
        f"{host}/library/nginx",
        f"https://{host}",
        f"http://{host}/v1/",
        f"https://{host}/v2/",
    ]
    if host == "docker.io":
        keys += ["index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io"]
    return keys


@st.composite
def _auth_file(draw: st.DrawFn, case: HostCase, path: str, legacy: bool) -> bytes:
    shape = draw(st.sampled_from(["ok"] * 9 + ["bad"]))
    if shape == "bad":
        return draw(
            st.sampled_from(
                [
                    b"{",
                    b"[]",
                    b'{"auths": 5}',
                    b'{"auths": {"x": 1}}',
                    b"",
                    b'{"auths": {"x": {"auth": true}}}',
                    b"\xef\xbb\xbf{}",
                    b'{"credHelpers": {"x": []}}',
                    b'{"auths": {}} x',
                    b'{"auths": {"a": {"auth": "x"}},}',
                ]
            )
        )
    auths: dict[str, Any] = {}
    used: set[str] = set()
    for _ in range(draw(st.integers(0, 7))):
        key = draw(st.sampled_from(_auth_keys(draw(st.sampled_from(HOSTS)))))
        n = _norm(key, legacy)
        if n in used:
            continue
        used.add(n)
        value = draw(
            st.sampled_from(
                [
                    "creds",
                    "creds",
                    "creds",
                    "nocolon",
                    "empty",
                    "colon",
                    "token",
                    "badb64",
                    "null",
                    "newline",
                ]
            )
        )
        i = draw(st.integers(0, 9999))
        user, password, token = f"u{i}", f"pw-{i}-secret", ""
        entry: Any
        if value == "creds":
            entry = {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
        elif value == "newline":
            enc = base64.b64encode(f"{user}:{password}".encode()).decode()
            entry = {"Auth": enc[:4] + "\n" + enc[4:]}
        elif value == "nocolon":
            entry = {"auth": base64.b64encode(b"justuser").decode()}
        elif value == "empty":
            entry = {}
        elif value == "colon":
            entry = {"auth": base64.b64encode(b":").decode()}
        elif value == "token":
            user, password, token = "", "", f"tok-{i}-secret"
            entry = {"auth": base64.b64encode(b":").decode(), "IdentityToken": token}
        elif value == "badb64":
            entry = {"auth": draw(st.sampled_from(["!!!", "abc", "YWJj=", "Ym9i@"]))}
        else:
            entry = None
        if value in ("creds", "newline", "token"):
            case.secrets[(path, key)] = (user, password, token)
        auths[key] = entry
    doc: dict[str, Any] = auths if legacy else {"auths": auths}
    if not legacy and draw(st.integers(0, 3)) == 0:
        ch = {draw(st.sampled_from(HOSTS)): draw(st.sampled_from(HELPERS))}
        doc[draw(st.sampled_from(["credHelpers", "credhelpers"]))] = ch
    return json.dumps(doc).encode()


def _helper_script(name: str, behaviour: str) -> bytes:
    if behaviour == "found":
        body = f'echo "{{\\"Username\\":\\"helper:{name}:$host\\",\\"Secret\\":\\"hs-{name}\\"}}"'
    else:
        body = 'echo "credentials not found in native keychain"; exit 1'
    return f"#!/bin/sh\nread host\n{body}\n".encode()


def _creds(draw: st.DrawFn, case: HostCase) -> None:
    paths = ["/run/containers/0/auth.json"]
    if draw(st.integers(0, 3)) == 0:
        case.env["XDG_CONFIG_HOME"] = "/xdgconf"
        paths.append("/xdgconf/containers/auth.json")
    else:
        paths.append(HOME + "/.config/containers/auth.json")
    if draw(st.integers(0, 3)) == 0:
        case.env["DOCKER_CONFIG"] = "/dockerconf"
        paths.append("/dockerconf/config.json")
    else:
        paths.append(HOME + "/.docker/config.json")
    paths.append(HOME + "/.dockercfg")
    if draw(st.integers(0, 4)) == 0:
        case.auth_file = "/etc/auth/given.json"
        paths.append(case.auth_file)
    for p in paths:
        kind = draw(st.sampled_from(["none", "file", "file", "file", "dir"]))
        if kind == "dir" and draw(st.integers(0, 3)) > 0:
            kind = "none"
        if kind == "dir":
            case.files[p] = None
        elif kind == "file":
            case.files[p] = draw(_auth_file(case, p, p.endswith(".dockercfg")))
    for name in HELPERS:
        if not name.startswith("missing"):
            behaviour = "found" if name.startswith("found") else "none"
            case.helpers[name] = behaviour
            case.executables[f"/bin/docker-credential-{name}"] = _helper_script(name, behaviour)
    case.explicit = draw(st.integers(0, 9)) == 0


# ---------------------------------------------------------------------------------------------
# registries.d
# ---------------------------------------------------------------------------------------------

_SCOPES = [
    "example.com",
    "example.com/ns",
    "example.com/ns/app",
    "example.com/ns/app:1",
    "mirror.example.com:5000",
    "mirror.example.com:5000/m",
    "mirror.example.com",
    "*.example.com",
    "*.com",
    "*.org",
    "docker.io/library/nginx",
    "docker.io",
    "quay.io/org",
    "localhost:5000",
    "m2.example.org/cache",
    "reg.example.com:443/app",
    "*.io",
]
_URLS = [
    "https://sig.example.com/store",
    "file:///var/sigs",
    "http://u:pw@sig.example.org/x",
    "https://sig.example.com:8443/a%20b",
    "",
    "https://bad host/",
    "%zz",
    ":nope",
    "https://h:port/",
    "sig-relative/dir",
    "https://sig.example.com/x#frag",
    "HTTPS://Up.Example/P",
    "opaque:thing",
    "https://[::1]:9/x",
    "file:///space dir/x",
]
_ATTACH = ["true", "false", "yes", "no", "on", "Off", "~", "true", "false", "TRUE", "n", "null"]
_BAD_ATTACH = ['"true"', "1", "maybe", "[x]", "{a: b}", "2001-02-03", "0x1F", "1.5", "08"]


@st.composite
def _yaml_file(draw: st.DrawFn) -> bytes:
    lines = []
    if draw(st.integers(0, 4)) == 0:
        lines.append("default-docker:")
        lines += _ns_lines(draw, "  ")
    scopes = draw(st.lists(st.sampled_from(_SCOPES), max_size=4, unique=True))
    if scopes or draw(st.booleans()):
        lines.append("docker:")
        for scope in scopes:
            quote = scope.startswith("*") or draw(st.booleans())
            lines.append(f"  {json.dumps(scope) if quote else scope}:")
            lines += _ns_lines(draw, "    ")
    if draw(st.integers(0, 30)) == 0:
        lines.append(
            draw(
                st.sampled_from(
                    ["docker: 5", "bad: [", "other:\n  x: y", "docker:\n  a:\n    lookaside: [1]"]
                )
            )
        )
    return ("\n".join(lines) + "\n").encode()


def _ns_lines(draw: st.DrawFn, indent: str) -> list[str]:
    out = []
    if draw(st.integers(0, 3)) > 0:
        key = draw(st.sampled_from(["lookaside", "sigstore", "lookaside", "lookaside-staging"]))
        url = draw(st.sampled_from(_URLS))
        quote = url[:1] in ("%", ":", "[") or (url and draw(st.booleans()))
        out.append(f"{indent}{key}: {json.dumps(url) if quote else url}")
    if draw(st.booleans()):
        bad = draw(st.integers(0, 12)) == 0
        value = draw(st.sampled_from(_BAD_ATTACH if bad else _ATTACH))
        out.append(f"{indent}use-sigstore-attachments: {value}")
    return out or [f"{indent}lookaside-staging: https://staging.example.com"]


def _registries_d(draw: st.DrawFn, case: HostCase) -> None:
    where = draw(
        st.sampled_from(
            [
                "/etc/containers/registries.d",
                HOME + "/.config/containers/registries.d",
                "/regd",
                "none",
            ]
        )
    )
    if where == "none":
        return
    if where == "/regd":
        case.registries_d = where
    case.files[where] = None
    for name in draw(
        st.lists(
            st.sampled_from(["a.yaml", "b.yaml", "c.yaml", "d.yml", "sub.yaml"]),
            max_size=3,
            unique=True,
        )
    ):
        if name == "sub.yaml" and draw(st.booleans()):
            case.files[f"{where}/{name}"] = None
        else:
            case.files[f"{where}/{name}"] = draw(_yaml_file())


@st.composite
def host_cases(draw: st.DrawFn) -> HostCase:
    """A machine with certificates, auth files, helpers, registries.d and references."""
    case = HostCase()
    conf = draw(_registries_conf())
    where = draw(st.sampled_from(["/etc/containers/registries.conf", "/given/registries.conf"]))
    case.files[where] = conf.encode()
    if where.startswith("/given"):
        case.registries_conf = where
    _certs(draw, case)
    _creds(draw, case)
    _registries_d(draw, case)
    case.refs = draw(_refs())
    case.tls_verify = draw(st.sampled_from([None, None, True, False]))
    return case
