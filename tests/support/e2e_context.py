"""End-to-end pull-context scenarios: TLS and credentials per pull source, with real binaries.

Every scenario puts certificate directories, auth files and a registries.conf where podman
4.3.1 / skopeo 1.9.3 (containers/image 5.23.1) look for them, runs one pull with
``--log-level=debug`` / ``--debug`` in the loopback-only network namespace of
``e2e_harness`` against the test registry (``e2e_registry``, here with a CA-signed
certificate, basic authentication and client certificates on some listeners), and reads back,
per source, in order:

* which certificate directory the binary used (``Looking for TLS certificates and private
  keys in DIR``),
* where its credentials came from (``Found credentials for KEY in credential helper
  containers-auth.json in file PATH``, ``Returning credentials for KEY from
  DockerAuthConfig``, ``No credentials for KEY found``),
* how the attempt ended (served, x509 unknown authority, 401, a certificate-file error, ...),
* and, from the registry's log, which user name reached which listener (each auth-file
  entry of a scenario carries its own user name, so the user tells which key matched).

Expectations (:class:`Source`) are written from the Go rules (spec sections B1/B2, the 5.23.1
sources in tests/oracle/eras/build/5.23), not from regresolve.  Paths in them use
``{home}``, ``{run}`` (``$XDG_RUNTIME_DIR``) and ``{work}`` (flags' files) for the test's
temporary directories; ``/etc/...`` is what the binary sees inside its mount namespace.

Isolation (see ``_WRAPPER``): the binaries run inside the harness's network namespace (only
``lo``) and a private mount namespace where ``/etc`` is an overlay whose writes go to the
test's temporary directory, ``/etc/containers`` and ``/etc/docker`` are the scenario's own
trees, ``/etc/hosts`` maps only the ``*.ctx.localhost`` names below to loopback addresses,
and ``/run``, ``/var/lib``, ``/var/cache``, ``/var/tmp``, ``/dev/shm`` are empty tmpfs.
``HOME`` and ``XDG_RUNTIME_DIR`` point into the test's temporary directory.  Nothing of the
host's own configuration or credentials is read or written.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import select
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.e2e_harness import REGISTRY_START_TIMEOUT, SUBPROCESS_TIMEOUT, Sandbox, run_until_retry
from support.e2e_tls import TLSMaterial

HERE = Path(__file__).resolve().parent
REGISTRY_SCRIPT = HERE / "e2e_registry.py"
TESTS_DIR = HERE.parent

#: The names the scenarios use.  ``.localhost`` names never leave the machine (RFC 6761),
#: and only the namespace's hosts file knows these; the addresses are not used by the
#: other e2e suites (127.0.0.1-6).
CTX_HOSTS: Mapping[str, str] = {
    "tls.ctx.localhost": "127.0.0.10",
    "mirror.ctx.localhost": "127.0.0.11",
    "primary.ctx.localhost": "127.0.0.12",
    "secure.ctx.localhost": "127.0.0.13",
    "mtls.ctx.localhost": "127.0.0.14",
}

#: Every listener of the test registry: (scheme, NAME:PORT).  The HTTPS ones present the
#: CA-signed certificate of ``e2e_tls``; ``primary`` speaks plain HTTP (reachable only as an
#: insecure source); ``mtls`` demands a client certificate.
CTX_LISTENERS: tuple[tuple[str, str], ...] = (
    ("https", "tls.ctx.localhost:5000"),
    ("https", "tls.ctx.localhost:443"),
    ("https", "mirror.ctx.localhost:5000"),
    ("http", "primary.ctx.localhost:5000"),
    ("https", "secure.ctx.localhost:5000"),
    ("https", "mtls.ctx.localhost:5000"),
)
MTLS_LISTENER = "mtls.ctx.localhost:5000"

POLICY = '{"default": [{"type": "insecureAcceptAnything"}]}\n'


def listener_address(name_port: str) -> str:
    """``mirror.ctx.localhost:5000`` -> ``127.0.0.11:5000`` (a refusal for anything else)."""
    name, _, port = name_port.partition(":")
    if name not in CTX_HOSTS or not port.isdigit():
        raise AssertionError(f"{name_port!r} is not one of the context scenarios' listeners")
    return f"{CTX_HOSTS[name]}:{port}"


def check_ctx_loopback(text: str) -> None:
    """Refuse a reference, location or key whose host is not one of :data:`CTX_HOSTS`."""
    host = text.split("/", 1)[0].split(":", 1)[0]
    if host not in CTX_HOSTS:
        raise AssertionError(f"{text!r}: host {host!r} is not a *.ctx.localhost test name")


# -- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Auths:
    """An auth file: ``{key: user}``; each user's password is generated per test."""

    entries: Mapping[str, str]


#: File contents of a scenario tree: the CA, an unrelated CA, the client pair, an empty
#: directory, or an auth file.
FileSpec = str | Auths
CA, OTHER_CA, CLIENT_CERT, CLIENT_KEY, EMPTY_DIR = "CA", "OTHER_CA", "CLIENT_CERT", "CLIENT_KEY", ""


@dataclass(frozen=True)
class Layout:
    """The temporary directories of one run.

    ``etc/containers`` and ``etc/docker`` are mounted over ``/etc/containers`` and
    ``/etc/docker`` inside the binary's mount namespace; ``home`` is ``HOME``, ``run`` is
    ``XDG_RUNTIME_DIR``, ``work`` holds the files that flags name.
    """

    base: Path

    @property
    def etc(self) -> Path:
        return self.base / "etc"

    @property
    def home(self) -> Path:
        return self.base / "home"

    @property
    def run(self) -> Path:
        return self.base / "run"

    @property
    def work(self) -> Path:
        return self.base / "work"

    def fill(self, template: str) -> str:
        return template.format(home=self.home, run=self.run, work=self.work)

    def path_of(self, name: str) -> Path:
        """A scenario file name (``etc/...``, ``home/...``, ``run/...``, ``work/...``)."""
        top = name.split("/", 1)[0]
        if top not in ("etc", "home", "run", "work"):
            raise AssertionError(f"scenario file {name!r} is outside the test's trees")
        return self.base / name


class Passwords:
    """One random password per user name, for one test; never printed."""

    def __init__(self) -> None:
        self._by_user: dict[str, str] = {}

    def of(self, user: str) -> str:
        if user not in self._by_user:
            self._by_user[user] = secrets.token_urlsafe(18)
        return self._by_user[user]

    def values(self) -> list[str]:
        return list(self._by_user.values())


def auth_json(auths: Auths, passwords: Passwords) -> str:
    entries = {}
    for key, user in auths.entries.items():
        check_ctx_loopback(key)
        token = base64.b64encode(f"{user}:{passwords.of(user)}".encode()).decode()
        entries[key] = {"auth": token}
    return json.dumps({"auths": entries}, indent=2) + "\n"


def htpasswd_line(user: str, password: str) -> str:
    digest = base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()
    return f"{user}:{{SHA}}{digest}\n"


def write_tree(
    layout: Layout,
    conf: str,
    files: Mapping[str, FileSpec],
    tls: TLSMaterial,
    passwords: Passwords,
) -> None:
    """The scenario's files: /etc/containers, /etc/docker, home, runtime dir, work dir."""
    containers = layout.etc / "containers"
    (containers / "registries.conf.d").mkdir(parents=True)
    (layout.etc / "docker").mkdir(parents=True)
    (containers / "registries.conf").write_text(conf)
    (containers / "policy.json").write_text(POLICY)
    for d in (layout.home, layout.work, layout.base / "tmp"):
        d.mkdir(parents=True, exist_ok=True)
    layout.run.mkdir(mode=0o700, exist_ok=True)
    sources = {
        CA: tls.ca_cert,
        OTHER_CA: tls.other_ca_cert,
        CLIENT_CERT: tls.client_cert,
        CLIENT_KEY: tls.client_key,
    }
    for name, spec in files.items():
        path = layout.path_of(name)
        if spec == EMPTY_DIR:
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, Auths):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(auth_json(spec, passwords))
        else:
            shutil.copyfile(sources[spec], path)


# -- the registry --------------------------------------------------------------------------------


@contextlib.contextmanager
def context_registry(
    sandbox: Sandbox,
    where: Path,
    tls: TLSMaterial,
    *,
    serve: Sequence[str],
    users: Mapping[str, Sequence[str]],
    passwords: Passwords,
) -> Iterator[Path]:
    """The test registry on every :data:`CTX_LISTENERS`, inside the sandbox's namespace.

    ``serve``: ``NAME:PORT/REPO`` that have the image; ``users``: per ``NAME:PORT``, the
    users that listener accepts (a listener not named wants no authentication).  Yields the
    request log.
    """
    log = where / "requests.jsonl"
    log.write_text("")
    args = ["ip", "netns", "exec", sandbox.netns, sys.executable, str(REGISTRY_SCRIPT)]
    args += ["--cert", str(tls.server_cert), "--key", str(tls.server_key), "--log", str(log)]
    args += ["--client-ca", str(tls.ca_cert), "--mtls", listener_address(MTLS_LISTENER)]
    for scheme, name in CTX_LISTENERS:
        args += ["--listen", f"{scheme}://{listener_address(name)}"]
    for repo in serve:
        name, _, path = repo.partition("/")
        args += ["--serve", f"{listener_address(name)}/{path}"]
    for name, accepted in users.items():
        htfile = where / f"htpasswd-{name.replace(':', '-')}"
        htfile.write_text("".join(htpasswd_line(u, passwords.of(u)) for u in accepted))
        args += ["--htpasswd", f"{listener_address(name)}={htfile}"]
    proc = subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], REGISTRY_START_TIMEOUT)
        line = proc.stdout.readline() if ready else ""
        if line.strip() != "READY":
            proc.kill()
            _, err = proc.communicate(timeout=10)
            raise RuntimeError(f"test registry did not start: {line!r} {err.strip()}")
        yield log
    finally:
        try:
            proc.communicate(input="", timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate(timeout=10)


def listener_requests(log: Path) -> list[dict[str, Any]]:
    """The registry's log, with ``NAME:PORT`` added to each entry."""
    by_address = {listener_address(n): n for _, n in CTX_LISTENERS}
    out = []
    for line in log.read_text().splitlines():
        if line.strip():
            entry = json.loads(line)
            entry["name"] = by_address.get(entry.get("listener", ""), "")
            out.append(entry)
    return out


# -- running a binary ----------------------------------------------------------------------------

_WRAPPER = r"""
set -eu
etc=$1 hosts=$2 ov=$3
shift 3
mkdir -p "$ov/upper" "$ov/work"
mount -t overlay e2e-ctx-etc -o "lowerdir=/etc,upperdir=$ov/upper,workdir=$ov/work" /etc
mkdir -p /etc/containers /etc/docker
mount --bind "$etc/containers" /etc/containers
mount --bind "$etc/docker" /etc/docker
mount --bind "$hosts" /etc/hosts
for d in /var/lib /var/cache /run /var/tmp /dev/shm; do
    mount -t tmpfs -o mode=0755 e2e-ctx-tmpfs "$d"
done
exec "$@"
"""

_RETRY_NOTICE = b"retrying in"


@dataclass(frozen=True)
class Invocation:
    """What a binary is given besides the reference (values already filled in)."""

    authfile: str | None = None
    creds_user: str | None = None
    cert_dir: str | None = None
    tls_verify: bool | None = None
    env: Mapping[str, str] = field(default_factory=dict)


def hosts_file(where: Path) -> Path:
    path = where / "hosts"
    lines = ["127.0.0.1 localhost\n"] + [f"{ip} {name}\n" for name, ip in CTX_HOSTS.items()]
    path.write_text("".join(lines))
    return path


def base_env(layout: Layout) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "HOME": str(layout.home),
        "XDG_RUNTIME_DIR": str(layout.run),
        "LANG": "C.UTF-8",
        "TMPDIR": str(layout.base / "tmp"),
    }


def tool_command(tool: str, ref: str, inv: Invocation, passwords: Passwords) -> list[str]:
    flags: list[str] = []
    if inv.authfile is not None:
        flags += ["--authfile", inv.authfile]
    if inv.creds_user is not None:
        flags += ["--creds", f"{inv.creds_user}:{passwords.of(inv.creds_user)}"]
    if inv.cert_dir is not None:
        flags += ["--cert-dir", inv.cert_dir]
    if inv.tls_verify is not None:
        flags += [f"--tls-verify={'true' if inv.tls_verify else 'false'}"]
    if tool == "podman":
        return [
            "podman", "--log-level=debug", "--storage-driver", "vfs",
            "--events-backend", "none", "--cgroup-manager", "cgroupfs",
            "pull", *flags, ref,
        ]  # fmt: skip
    if tool == "skopeo":
        return ["skopeo", "--debug", "inspect", "--raw", "--retry-times", "0", *flags,
                f"docker://{ref}"]  # fmt: skip
    raise ValueError(tool)


def in_namespaces(sandbox: Sandbox, layout: Layout, cmd: Sequence[str]) -> list[str]:
    """``cmd`` inside the sandbox's network namespace and a private mount namespace."""
    hosts = hosts_file(layout.base)
    return [
        "timeout", "-k", "5", str(int(SUBPROCESS_TIMEOUT)),
        "ip", "netns", "exec", sandbox.netns,
        "unshare", "-m", "--propagation", "private",
        "sh", "-c", _WRAPPER, "e2e-ctx-wrapper",
        str(layout.etc), str(hosts), str(layout.base / "overlay"), *cmd,
    ]  # fmt: skip


@dataclass(frozen=True)
class Run:
    returncode: int
    stderr: str
    stopped_at_retry: bool


def run_binary(
    sandbox: Sandbox,
    layout: Layout,
    tool: str,
    ref: str,
    *,
    inv: Invocation,
    passwords: Passwords,
) -> Run:
    """One pull (or inspect), stopped at podman's first retry notice if it prints one."""
    env = base_env(layout) | dict(inv.env)
    args = in_namespaces(sandbox, layout, tool_command(tool, ref, inv, passwords))
    first = run_until_retry(args, env)
    return Run(first.returncode, first.stderr, first.stopped_at_retry)


# -- reading the debug log -----------------------------------------------------------------------

_LOGRUS = re.compile(r'level=(?P<level>\w+) msg="(?P<msg>(?:[^"\\]|\\.)*)"', re.ASCII)
_TRYING = re.compile(r'Trying to access "(?P<ref>[^"]*)"', re.ASCII)
_FAILED = re.compile(r'Accessing "(?P<ref>[^"]*)" failed: (?P<err>.*)', re.ASCII | re.DOTALL)
_CERTS = re.compile(r"Looking for TLS certificates and private keys in (?P<dir>.*)", re.ASCII)
_FOUND = re.compile(
    r"Found credentials for (?P<key>\S+) in credential helper containers-auth\.json"
    r" in file (?P<file>.*)",
    re.ASCII,
)
_EXPLICIT = re.compile(r"Returning credentials for (?P<key>\S+) from DockerAuthConfig", re.ASCII)
_NONE = re.compile(r"No credentials for (?P<key>\S+) found", re.ASCII)


def _unquote(msg: str) -> str:
    try:
        return str(json.loads(f'"{msg}"'))
    except json.JSONDecodeError:
        return msg.replace('\\"', '"')


@dataclass
class Attempt:
    """One source as the binary's debug log shows it."""

    ref: str
    cert_dir: str | None = None
    creds: str | None = None  # "explicit", "none", or "file"
    cred_file: str | None = None
    cred_key: str | None = None
    error: str | None = None  # None: this source served the image


def read_attempts(stderr: str) -> list[Attempt]:
    """The sources tried, in order, each with its certificate dir, credentials and error.

    Reading stops at the first retry notice (only the first round counts).  The detail
    lines of a source are the first of their kind after its ``Trying to access``.
    """
    out: list[Attempt] = []
    for line in stderr.splitlines():
        m = _LOGRUS.search(line)
        if m is None:
            continue
        msg = _unquote(m["msg"])
        if "retrying in" in msg:
            break
        if (t := _TRYING.fullmatch(msg)) is not None:
            out.append(Attempt(t["ref"]))
            continue
        if not out:
            continue
        cur = out[-1]
        if (f := _FAILED.fullmatch(msg)) is not None and f["ref"] == cur.ref:
            cur.error = f["err"]
        elif (c := _CERTS.fullmatch(msg)) is not None and cur.cert_dir is None:
            cur.cert_dir = c["dir"]
        elif cur.creds is None and (g := _FOUND.fullmatch(msg)) is not None:
            cur.creds, cur.cred_key, cur.cred_file = "file", g["key"], g["file"]
        elif cur.creds is None and (e := _EXPLICIT.fullmatch(msg)) is not None:
            cur.creds, cur.cred_key = "explicit", e["key"]
        elif cur.creds is None and (n := _NONE.fullmatch(msg)) is not None:
            cur.creds, cur.cred_key = "none", n["key"]
    return out


def classify(error: str | None) -> str:
    """The kind of failure of one source: ``ok`` when it served."""
    if error is None:
        return "ok"
    if "x509: certificate signed by unknown authority" in error:
        return "x509"
    if "missing key" in error or "missing client certificate" in error:
        return "tls-files"
    if "first record does not look like a TLS handshake" in error:
        return "not-tls"  # a plain-HTTP listener contacted as a secure source
    if "unauthorized" in error.lower() or "401" in error:
        return "unauthorized"
    if "manifest unknown" in error:
        return "not-found"
    return "other"


# -- scenarios -----------------------------------------------------------------------------------

TLS = "tls.ctx.localhost:5000"
TLS443 = "tls.ctx.localhost:443"
M = "mirror.ctx.localhost:5000"
P = "primary.ctx.localhost:5000"
S = "secure.ctx.localhost:5000"
MT = MTLS_LISTENER

MISSING_KEY = (
    "missing key client.key for client certificate client.cert."
    " Note that CA certificates should use the extension .crt"
)
MISSING_CERT = "missing client certificate client.cert for key client.key"


def etc_certs(host_port: str) -> str:
    return f"/etc/containers/certs.d/{host_port}"


def docker_certs(host_port: str) -> str:
    """``/etc/docker/certs.d/HOST[:PORT]``: the last candidate, used when none exists."""
    return f"/etc/docker/certs.d/{host_port}"


def home_certs(host_port: str) -> str:
    return "{home}/.config/containers/certs.d/" + host_port


RUN_AUTH = "{run}/containers/auth.json"
HOME_AUTH = "{home}/.config/containers/auth.json"
DOCKER_AUTH = "{home}/.docker/config.json"


@dataclass(frozen=True)
class Source:
    """What should happen at one source (5.23.1 as podman 4.3.1 / skopeo 1.9.3 run it).

    ``outcome``: ``ok`` (served), ``x509`` (unknown authority), ``unauthorized`` (401),
    ``tls-files`` (a certificate directory error, ``error`` its text), ``not-found``,
    ``not-tls`` (a plain-HTTP listener contacted as a secure source).
    ``creds``: ``file`` (an auth file: ``cred_file`` and the matching key ``cred_key``),
    ``explicit`` (``--creds``) or ``none``; ``dropped``: explicit credentials existed but
    were not sent (mirror on another host).  ``user``: the user name the registry saw on the
    manifest request ("" for empty credentials; None when the listener wants no
    authentication or was not reached).
    """

    ref: str
    outcome: str
    cert_dir: str
    verify: bool = True
    creds: str = "none"
    cred_file: str | None = None
    cred_key: str | None = None
    user: str | None = None
    dropped: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Pull:
    ref: str
    expect: tuple[Source, ...]
    tools: tuple[str, ...] = ("podman", "skopeo")
    #: per tool, when the two programs differ
    tool_expect: Mapping[str, tuple[Source, ...]] = field(default_factory=dict)
    authfile: str | None = None
    creds_user: str | None = None
    cert_dir: str | None = None
    tls_verify: bool | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    #: regresolve under containers/image 5.34.2 (where it differs from 5.23.1): the whole
    #: plan's verdicts; the binaries are not run for it
    v534: tuple[Source, ...] = ()
    why: str = ""

    def sources(self, tool: str) -> tuple[Source, ...]:
        return self.tool_expect.get(tool, self.expect)

    def invocation(self, layout: Layout) -> Invocation:
        fill = layout.fill
        return Invocation(
            authfile=fill(self.authfile) if self.authfile else None,
            creds_user=self.creds_user,
            cert_dir=fill(self.cert_dir) if self.cert_dir else None,
            tls_verify=self.tls_verify,
            env={k: fill(v) for k, v in self.env.items()},
        )


@dataclass(frozen=True)
class Scenario:
    name: str
    doc: str
    rules: tuple[str, ...]
    pulls: tuple[Pull, ...]
    conf: str = ""
    files: Mapping[str, FileSpec] = field(default_factory=dict)
    serve: tuple[str, ...] = ()
    #: per listener (NAME:PORT), the users it accepts; others want no authentication
    users: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


MIRROR_CONF = f"""
[[registry]]
prefix = "{P}"
location = "{P}"
insecure = true

[[registry.mirror]]
location = "{M}/m"
"""

MIRROR_SERVE = (f"{M}/m/app", f"{P}/app")
MIRROR_CA = {f"etc/containers/certs.d/{M}/ca.crt": CA}
AUTH_USERS = {M: ("mirror-user", "ns-user"), P: ("primary-user",)}
PULL = f"{P}/app:1"
AT_MIRROR = f"{M}/m/app:1"
AT_PRIMARY = f"{P}/app:1"


def _primary(**kw: Any) -> Source:
    """The insecure plain-HTTP primary of MIRROR_CONF, serving."""
    kw.setdefault("outcome", "ok")
    return Source(AT_PRIMARY, cert_dir=docker_certs(P), verify=False, **kw)


def _mirror(**kw: Any) -> Source:
    return Source(AT_MIRROR, cert_dir=kw.pop("cert_dir", etc_certs(M)), **kw)


SCENARIOS: tuple[Scenario, ...] = (
    # ---- TLS: which certificate directory ------------------------------------------------
    Scenario(
        name="certs-d-host-port",
        doc="The CA only in /etc/containers/certs.d/HOST:PORT: the registry is trusted.",
        rules=("B1 cert dir: first existing <dir>/<host[:port]>", "B1 *.crt added to the pool"),
        files={f"etc/containers/certs.d/{TLS}/ca.crt": CA},
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "ok", etc_certs(TLS)),)),),
    ),
    Scenario(
        name="certs-d-host-without-port",
        doc=(
            "The CA in certs.d/HOST (no port) for a reference with :5000: that directory is"
            " never looked at; no candidate exists, so the last one (/etc/docker) is used: x509."
        ),
        rules=("B1 a port is part of the directory name only if written",),
        files={"etc/containers/certs.d/tls.ctx.localhost/ca.crt": CA},
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "x509", docker_certs(TLS)),)),),
    ),
    Scenario(
        name="certs-d-port-443-written",
        doc=(
            "certs.d/HOST serves HOST/app (port 443 implied) but not HOST:443/app, although"
            " both reach the same listener (podman#26567)."
        ),
        rules=("B1 edge: port naming",),
        files={"etc/containers/certs.d/tls.ctx.localhost/ca.crt": CA},
        serve=(f"{TLS443}/app",),
        pulls=(
            Pull(
                "tls.ctx.localhost/app:1",
                (Source("tls.ctx.localhost/app:1", "ok", etc_certs("tls.ctx.localhost")),),
            ),
            Pull(f"{TLS443}/app:1", (Source(f"{TLS443}/app:1", "x509", docker_certs(TLS443)),)),
        ),
    ),
    Scenario(
        name="certs-d-empty-home-dir-hides-etc",
        doc=(
            "An empty ~/.config/containers/certs.d/HOST:PORT exists: it is the directory used,"
            " the CA in /etc/containers/certs.d is not merged in: x509."
        ),
        rules=("B1 only one directory is used, never merged", "B1 home first"),
        files={
            f"home/.config/containers/certs.d/{TLS}": EMPTY_DIR,
            f"etc/containers/certs.d/{TLS}/ca.crt": CA,
        },
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "x509", home_certs(TLS)),)),),
    ),
    Scenario(
        name="certs-d-home-wins",
        doc="The CA in ~/.config/containers/certs.d, a decoy CA in /etc/containers: trusted.",
        rules=("B1 home directory first (homedir, not XDG_CONFIG_HOME)",),
        files={
            f"home/.config/containers/certs.d/{TLS}/ca.crt": CA,
            f"etc/containers/certs.d/{TLS}/ca.crt": OTHER_CA,
        },
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "ok", home_certs(TLS)),)),),
    ),
    Scenario(
        name="certs-d-etc-containers-hides-etc-docker",
        doc=(
            "A decoy CA in /etc/containers/certs.d/HOST:PORT, the right one in"
            " /etc/docker/certs.d/HOST:PORT: the first existing directory wins: x509."
        ),
        rules=("B1 /etc/containers before /etc/docker, first existing only",),
        files={
            f"etc/containers/certs.d/{TLS}/ca.crt": OTHER_CA,
            f"etc/docker/certs.d/{TLS}/ca.crt": CA,
        },
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "x509", etc_certs(TLS)),)),),
    ),
    Scenario(
        name="certs-d-etc-docker-only",
        doc="The CA only in /etc/docker/certs.d/HOST:PORT: trusted.",
        rules=("B1 /etc/docker/certs.d is the third candidate",),
        files={f"etc/docker/certs.d/{TLS}/ca.crt": CA},
        serve=(f"{TLS}/app",),
        pulls=(Pull(f"{TLS}/app:1", (Source(f"{TLS}/app:1", "ok", docker_certs(TLS)),)),),
    ),
    Scenario(
        name="cert-dir-flag",
        doc=(
            "--cert-dir is the directory itself, not a parent of per-host directories, and it"
            " replaces the certs.d lookup: a CA directly in it works; a CA in DIR/HOST:PORT"
            " does not, even with the CA also in /etc/containers/certs.d."
        ),
        rules=("B1 sys.DockerCertPath: that dir itself, not per host",),
        files={
            "work/flat/ca.crt": CA,
            f"work/per-host/{TLS}/ca.crt": CA,
            f"etc/containers/certs.d/{TLS}/ca.crt": CA,
        },
        serve=(f"{TLS}/app",),
        pulls=(
            Pull(
                f"{TLS}/app:1",
                (Source(f"{TLS}/app:1", "ok", "{work}/flat"),),
                cert_dir="{work}/flat",
            ),
            Pull(
                f"{TLS}/app:1",
                (Source(f"{TLS}/app:1", "x509", "{work}/per-host"),),
                cert_dir="{work}/per-host",
            ),
        ),
    ),
    Scenario(
        name="client-cert-files",
        doc=(
            "A .cert without its .key fails that source with Go's text, a .key without its"
            " .cert likewise; each error fails only its source and the pull goes on to the"
            " primary, which demands a client certificate and gets the complete pair."
        ),
        rules=("B1 files: *.cert needs <base>.key and vice versa", "B any error: next source"),
        conf=f"""
[[registry]]
location = "{MT}"

[[registry.mirror]]
location = "{TLS}"

[[registry.mirror]]
location = "{M}"
""",
        files={
            f"etc/containers/certs.d/{TLS}/ca.crt": CA,
            f"etc/containers/certs.d/{TLS}/client.cert": CLIENT_CERT,
            f"etc/containers/certs.d/{M}/ca.crt": CA,
            f"etc/containers/certs.d/{M}/client.key": CLIENT_KEY,
            f"etc/containers/certs.d/{MT}/ca.crt": CA,
            f"etc/containers/certs.d/{MT}/client.cert": CLIENT_CERT,
            f"etc/containers/certs.d/{MT}/client.key": CLIENT_KEY,
        },
        serve=(f"{TLS}/app", f"{M}/app", f"{MT}/app"),
        pulls=(
            Pull(
                f"{MT}/app:1",
                (
                    Source(f"{TLS}/app:1", "tls-files", etc_certs(TLS), error=MISSING_KEY),
                    Source(f"{M}/app:1", "tls-files", etc_certs(M), error=MISSING_CERT),
                    Source(f"{MT}/app:1", "ok", etc_certs(MT)),
                ),
            ),
        ),
    ),
    Scenario(
        name="tls-mirror-insecure-primary",
        doc=(
            "A verified TLS mirror (CA in certs.d) in front of an insecure plain-HTTP primary:"
            " the mirror serves what it has; for what it lacks (404) the primary is used,"
            " without TLS: insecure is per source."
        ),
        rules=("B1 insecure per source (pullSource.Endpoint.Insecure)",),
        conf=MIRROR_CONF,
        files=MIRROR_CA,
        serve=(f"{M}/m/app", f"{P}/app", f"{P}/only-here"),
        pulls=(
            Pull(PULL, (_mirror(outcome="ok"),)),
            Pull(
                f"{P}/only-here:1",
                (
                    Source(f"{M}/m/only-here:1", "not-found", etc_certs(M)),
                    Source(f"{P}/only-here:1", "ok", docker_certs(P), verify=False),
                ),
            ),
        ),
    ),
    Scenario(
        name="tls-mirror-untrusted-falls-back",
        doc=(
            "The mirror's CA only in a port-less directory (a near miss): x509 at the mirror,"
            " and the insecure primary serves."
        ),
        rules=("B1 port naming", "B any error: next source"),
        conf=MIRROR_CONF,
        files={"etc/containers/certs.d/mirror.ctx.localhost/ca.crt": CA},
        serve=MIRROR_SERVE,
        pulls=(Pull(PULL, (_mirror(outcome="x509", cert_dir=docker_certs(M)), _primary())),),
    ),
    Scenario(
        name="tls-verify-flag",
        doc=(
            "--tls-verify=false overrides every source: the untrusted mirror serves."
            " --tls-verify=true overrides insecure = true: the untrusted mirror fails x509"
            " and the plain-HTTP primary is contacted with TLS only."
        ),
        rules=("B1 sys.DockerInsecureSkipTLSVerify overrides both",),
        conf=f"""
[[registry]]
location = "{P}"
insecure = true

[[registry.mirror]]
location = "{M}/m"
insecure = true
""",
        serve=MIRROR_SERVE,
        pulls=(
            Pull(
                PULL,
                (_mirror(outcome="ok", cert_dir=docker_certs(M), verify=False),),
                tls_verify=False,
            ),
            Pull(
                PULL,
                (
                    _mirror(outcome="x509", cert_dir=docker_certs(M)),
                    Source(AT_PRIMARY, "not-tls", docker_certs(P)),
                ),
                tls_verify=True,
            ),
        ),
    ),
    # ---- credentials: which key, which file ---------------------------------------------------
    Scenario(
        name="mirror-auth-keyed-under-mirror",
        doc="The mirror wants basic auth; the default auth file has its host: it serves.",
        rules=("B2 credentials for the source's own reference", "B2 $XDG_RUNTIME_DIR file"),
        conf=MIRROR_CONF,
        files={**MIRROR_CA, "run/containers/auth.json": Auths({M: "mirror-user"})},
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file=RUN_AUTH,
                        cred_key=M,
                        user="mirror-user",
                    ),
                ),
            ),
        ),
    ),
    Scenario(
        name="mirror-auth-keyed-under-original",
        doc=(
            "Credentials only under the original registry's host: none for the mirror (401,"
            " with empty basic credentials), the primary gets its own and serves."
        ),
        rules=("B2 the key is physicalRef.Name()",),
        conf=MIRROR_CONF,
        files={**MIRROR_CA, "run/containers/auth.json": Auths({P: "primary-user"})},
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(outcome="unauthorized", user=""),
                    _primary(creds="file", cred_file=RUN_AUTH, cred_key=P, user="primary-user"),
                ),
            ),
        ),
    ),
    Scenario(
        name="mirror-auth-namespace-over-host",
        doc=(
            "Keys HOST, HOST/m and HOST/other for the mirror: the most specific key that"
            " is a prefix of the mirror's repository (HOST/m) wins over the host key."
        ),
        rules=("B2 keys from host/ns/repo down to host",),
        conf=MIRROR_CONF,
        files={
            **MIRROR_CA,
            "run/containers/auth.json": Auths(
                {M: "intruder", f"{M}/m": "ns-user", f"{M}/other": "mirror-user"}
            ),
        },
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file=RUN_AUTH,
                        cred_key=f"{M}/m",
                        user="ns-user",
                    ),
                ),
            ),
        ),
    ),
    Scenario(
        name="auth-file-given",
        doc=(
            "--authfile and REGISTRY_AUTH_FILE name the file consulted first: its entry wins"
            " over a wrong one in $XDG_RUNTIME_DIR/containers/auth.json."
        ),
        rules=("B2 sys.AuthFilePath first", "podman/skopeo set it from REGISTRY_AUTH_FILE"),
        conf=MIRROR_CONF,
        files={
            **MIRROR_CA,
            "work/given.json": Auths({M: "mirror-user"}),
            "run/containers/auth.json": Auths({M: "intruder"}),
        },
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=tuple(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file="{work}/given.json",
                        cred_key=M,
                        user="mirror-user",
                    ),
                ),
                **kw,
            )
            for kw in (
                {"authfile": "{work}/given.json"},
                {"env": {"REGISTRY_AUTH_FILE": "{work}/given.json"}},
            )
        ),
    ),
    Scenario(
        name="auth-file-given-home-fallback-5-23",
        doc=(
            "--authfile has only the original's key; ~/.docker/config.json has the mirror's."
            " containers/image 5.23 still searches the home files after a given file, so the"
            " mirror gets credentials and serves; from 5.24 it would get none (401) and the"
            " primary would serve."
        ),
        rules=("B2 5.24+ given file disables home fallbacks (ERAS.md: 5.23 appends them)",),
        conf=MIRROR_CONF,
        files={
            **MIRROR_CA,
            "work/given.json": Auths({P: "primary-user"}),
            "home/.docker/config.json": Auths({M: "mirror-user"}),
        },
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file=DOCKER_AUTH,
                        cred_key=M,
                        user="mirror-user",
                    ),
                ),
                authfile="{work}/given.json",
                v534=(
                    _mirror(outcome="unauthorized"),
                    _primary(creds="file", cred_file="{work}/given.json", cred_key=P),
                ),
                why="auth-file-disables-home-fallbacks (5.24)",
            ),
        ),
    ),
    Scenario(
        name="auth-default-locations-in-order",
        doc=(
            "No file given: per key, the first file with an entry wins, in the order"
            " $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json,"
            " ~/.docker/config.json.  The runtime file has only the primary; the mirror's"
            " entry in ~/.config/containers/auth.json beats a wrong one in ~/.docker."
        ),
        rules=("B2 auth file search order",),
        conf=MIRROR_CONF,
        files={
            **MIRROR_CA,
            "run/containers/auth.json": Auths({P: "primary-user"}),
            "home/.config/containers/auth.json": Auths({M: "mirror-user"}),
            "home/.docker/config.json": Auths({M: "intruder"}),
        },
        serve=MIRROR_SERVE,
        users=AUTH_USERS,
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file=HOME_AUTH,
                        cred_key=M,
                        user="mirror-user",
                    ),
                ),
            ),
        ),
    ),
    Scenario(
        name="docker-config-podman-vs-skopeo",
        doc=(
            "DOCKER_CONFIG set: podman (containers/common GetDefaultAuthFile) passes"
            " $DOCKER_CONFIG/config.json as the given auth file, searched first; skopeo"
            " passes none, so $XDG_RUNTIME_DIR/containers/auth.json comes first and its wrong"
            " entry for the mirror is used (401), then the primary (no auth) serves."
        ),
        rules=("B2 REGISTRY_AUTH_FILE/DOCKER_CONFIG are set by the program, not c/image",),
        conf=MIRROR_CONF,
        files={
            **MIRROR_CA,
            "work/dc/config.json": Auths({M: "mirror-user"}),
            "run/containers/auth.json": Auths({M: "intruder"}),
        },
        serve=MIRROR_SERVE,
        users={M: ("mirror-user",)},
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(
                        outcome="ok",
                        creds="file",
                        cred_file="{work}/dc/config.json",
                        cred_key=M,
                        user="mirror-user",
                    ),
                ),
                tool_expect={
                    "skopeo": (
                        _mirror(
                            outcome="unauthorized",
                            creds="file",
                            cred_file=RUN_AUTH,
                            cred_key=M,
                            user="intruder",
                        ),
                        _primary(),
                    ),
                },
                env={"DOCKER_CONFIG": "{work}/dc"},
            ),
        ),
    ),
    Scenario(
        name="creds-not-sent-to-mirror-on-other-host",
        doc=(
            "--creds are valid at both, but a mirror on another host never gets them: the"
            " mirror sees empty credentials (401), the primary gets them and serves."
        ),
        rules=("B2 DockerAuthConfig cleared when the mirror's domain differs",),
        conf=MIRROR_CONF,
        files=MIRROR_CA,
        serve=MIRROR_SERVE,
        users={M: ("primary-user",), P: ("primary-user",)},
        pulls=(
            Pull(
                PULL,
                (
                    _mirror(outcome="unauthorized", user="", dropped=True),
                    _primary(creds="explicit", user="primary-user"),
                ),
                creds_user="primary-user",
            ),
        ),
    ),
    Scenario(
        name="creds-sent-to-mirror-on-same-host",
        doc="A mirror on the same host (another namespace) does get --creds: it serves.",
        rules=("B2 same domain: DockerAuthConfig is sent",),
        conf=f"""
[[registry]]
prefix = "{S}/app"
location = "{S}/app"

[[registry.mirror]]
location = "{S}/mirror/app"
""",
        files={f"etc/containers/certs.d/{S}/ca.crt": CA},
        serve=(f"{S}/mirror/app", f"{S}/app"),
        users={S: ("primary-user",)},
        pulls=(
            Pull(
                f"{S}/app:1",
                (
                    Source(
                        f"{S}/mirror/app:1",
                        "ok",
                        etc_certs(S),
                        creds="explicit",
                        user="primary-user",
                    ),
                ),
                creds_user="primary-user",
            ),
        ),
    ),
)


def cases() -> list[tuple[Scenario, int, str]]:
    """(scenario, pull index, tool) for every run."""
    return [
        (sc, i, tool) for sc in SCENARIOS for i, pull in enumerate(sc.pulls) for tool in pull.tools
    ]


def check_scenario_loopback(sc: Scenario) -> None:
    """Every host the scenario names (conf, references, keys, listeners) is a test name."""
    doc = tomllib.loads(sc.conf)
    for reg in doc.get("registry", []):
        for value in (reg.get("prefix"), reg.get("location")):
            if value:
                check_ctx_loopback(value)
        for mirror in reg.get("mirror", []):
            check_ctx_loopback(mirror["location"])
    for pull in sc.pulls:
        check_ctx_loopback(pull.ref)
        for tool in pull.tools:
            for src in pull.sources(tool):
                check_ctx_loopback(src.ref)
    for spec in sc.files.values():
        if isinstance(spec, Auths):
            for key in spec.entries:
                check_ctx_loopback(key)
    for name in (*sc.users, *(r.split("/", 1)[0] for r in sc.serve)):
        listener_address(name)


# -- what the binary did, per source -------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    """One source as observed: the log's attempt plus the registry's view."""

    ref: str
    outcome: str
    cert_dir: str | None
    creds: str | None
    cred_file: str | None
    cred_key: str | None
    user: str | None
    error: str | None


def _manifest_user(requests: Sequence[Mapping[str, Any]], ref: str) -> str | None:
    """The user name on the first manifest request for ``ref`` (None: none, or no auth)."""
    host_port, _, rest = ref.partition("/")
    repo = re.split(r"[:@]", rest, maxsplit=1)[0]
    if ":" not in host_port:
        host_port += ":443"
    for r in requests:
        if r["name"] == host_port and r.get("path", "").startswith(f"/v2/{repo}/manifests/"):
            user = r.get("user")
            return None if user is None else str(user)
    return None


def observe(
    stderr: str,
    requests: Sequence[Mapping[str, Any]],
    files: Mapping[str, FileSpec],
    layout: Layout,
) -> list[Observed]:
    """Every source the binary tried, in order, with what happened there."""
    auth_by_path = {
        str(layout.path_of(name)): spec for name, spec in files.items() if isinstance(spec, Auths)
    }
    out = []
    for att in read_attempts(stderr):
        user = _manifest_user(requests, att.ref)
        key = None
        if att.creds == "file" and att.cred_file in auth_by_path and user is not None:
            keys = [k for k, u in auth_by_path[att.cred_file].entries.items() if u == user]
            key = keys[0] if len(keys) == 1 else None
        out.append(
            Observed(
                att.ref,
                classify(att.error),
                att.cert_dir,
                att.creds,
                att.cred_file,
                key,
                user,
                att.error,
            )
        )
    return out


def expected_observation(src: Source, layout: Layout) -> Observed:
    """What :func:`observe` should report for an expected source."""
    return Observed(
        src.ref,
        src.outcome,
        layout.fill(src.cert_dir),
        src.creds,
        layout.fill(src.cred_file) if src.cred_file else None,
        src.cred_key,
        src.user,
        None,
    )


# -- regresolve's verdicts (the one adapter to the pull-context API) -------------------------------

#: The profile of each binary as it runs here (Debian 12), and the 5.34.2 one of ``v534``.
PROFILES = {"podman": "podman-4.3", "skopeo": "skopeo-1.9"}
PROFILES_534 = {"podman": "debian-13", "skopeo": "skopeo-1.18"}


def program_auth_file(tool: str, authfile: str | None, env: Mapping[str, str]) -> str | None:
    """The auth file the program hands to containers/image (``SystemContext.AuthFilePath``).

    podman 4.3 (containers/common ``auth.GetDefaultAuthFile``): ``--authfile``, else
    ``$REGISTRY_AUTH_FILE``, else ``$DOCKER_CONFIG/config.json``.  skopeo 1.9:
    ``--authfile``, else ``$REGISTRY_AUTH_FILE`` (observed: it does not use DOCKER_CONFIG
    for this, see the docker-config-podman-vs-skopeo scenario).
    """
    if authfile:
        return authfile
    if env.get("REGISTRY_AUTH_FILE"):
        return env["REGISTRY_AUTH_FILE"]
    if tool == "podman" and env.get("DOCKER_CONFIG"):
        return os.path.join(env["DOCKER_CONFIG"], "config.json")
    return None


def regresolve_sources(
    *,
    image: str,
    profile: str,
    home: str,
    env: Mapping[str, str],
    auth_file: str | None,
    cert_dir: str | None,
    explicit_credentials: bool,
    tls_verify: bool | None,
) -> list[dict[str, Any]]:
    """regresolve's per-source verdicts for one pull, as plain values (no secrets).

    Runs inside the same mount namespace as the binary (see :func:`run_probe`), so the
    machine's files are at the paths the binary saw and no root prefix is needed.  This is
    the only place that knows the ``load_host`` / ``pull_context`` API.
    """
    import regresolve
    from regresolve import _profiles

    host = regresolve.load_host(  # type: ignore[attr-defined]
        home=home,
        uid=0,
        env=dict(env),
        auth_file=auth_file,
        cert_dir=cert_dir,
        profile=_profiles.product_profile(profile),
    )
    ctx = host.pull_context(image, explicit_credentials=explicit_credentials, tls_verify=tls_verify)
    return [
        {
            "reference": str(src.reference),
            "verify": bool(src.tls.verify),
            "cert_dir": src.tls.cert_dir,
            "tls_error": src.tls.error,
            "cred_kind": src.credentials.kind,
            "cred_file": src.credentials.file,
            "cred_key": src.credentials.key,
            "explicit_dropped": bool(src.credentials.explicit_dropped),
        }
        for src in ctx.sources
    ]


_PROBE = (
    "import json, sys\n"
    "from support.e2e_context import regresolve_sources\n"
    "args = json.loads(sys.argv[1])\n"
    "out = {p: regresolve_sources(profile=p, **args['call']) for p in args['profiles']}\n"
    "print(json.dumps(out))\n"
)


def run_probe(
    sandbox: Sandbox,
    layout: Layout,
    tool: str,
    pull: Pull,
    profiles: Sequence[str],
) -> dict[str, list[dict[str, Any]]]:
    """:func:`regresolve_sources` in a mount namespace like the binary's, per profile."""
    inv = pull.invocation(layout)
    env = base_env(layout) | dict(inv.env)
    call = {
        "image": pull.ref,
        "home": env["HOME"],
        "env": {k: v for k, v in env.items() if k not in ("PATH", "LANG", "TMPDIR")},
        "auth_file": program_auth_file(tool, inv.authfile, env),
        "cert_dir": inv.cert_dir,
        "explicit_credentials": inv.creds_user is not None,
        "tls_verify": inv.tls_verify,
    }
    args = json.dumps({"call": call, "profiles": list(profiles)})
    cmd = in_namespaces(sandbox, layout, [sys.executable, "-c", _PROBE, args])
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env | {"PYTHONPATH": str(TESTS_DIR)},
        stdin=subprocess.DEVNULL,
        timeout=SUBPROCESS_TIMEOUT + 15,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"regresolve probe failed ({proc.returncode}):\n{proc.stderr}")
    result: dict[str, list[dict[str, Any]]] = json.loads(proc.stdout)
    return result


def expected_verdict(src: Source, layout: Layout) -> dict[str, Any]:
    """The regresolve verdict fields an expected source pins down."""
    kind = {"file": "auth-file", "explicit": "explicit", "none": "none"}[src.creds]
    out: dict[str, Any] = {
        "reference": src.ref,
        "verify": src.verify,
        "cert_dir": layout.fill(src.cert_dir),
        "tls_error": src.error if src.outcome == "tls-files" else None,
        "cred_kind": kind,
        "explicit_dropped": src.dropped,
    }
    if kind == "auth-file":
        out["cred_file"] = layout.fill(src.cred_file or "")
        out["cred_key"] = src.cred_key
    return out


def compare_verdicts(
    got: Sequence[Mapping[str, Any]],
    want: Sequence[Source],
    layout: Layout,
    *,
    whole_plan: bool,
) -> list[str]:
    """Differences between regresolve's sources and the expected ones ([] when none).

    ``whole_plan``: the expectation lists every source of the plan (the pull failed, or a
    5.34.2 expectation); otherwise the plan may go on after the source that served.
    """
    problems = []
    refs = [g["reference"] for g in got]
    wanted = [w.ref for w in want]
    if (refs if whole_plan else refs[: len(wanted)]) != wanted:
        problems.append(f"sources {refs} != expected {wanted}")
    for g, w in zip(got, want, strict=False):
        for key, value in expected_verdict(w, layout).items():
            if g.get(key) != value:
                problems.append(f"{w.ref}: {key} = {g.get(key)!r}, expected {value!r}")
    return problems
