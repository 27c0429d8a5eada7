"""Machinery for the end-to-end tests: a loopback-only network namespace, the test registry,
the sandboxed podman/skopeo runs and the parsing of their debug logs.

Isolation, per run of a binary (see ``_WRAPPER``):

* ``ip netns exec NS``: a network namespace whose only interface is ``lo``; nothing the
  binaries do can leave the machine;
* ``unshare -m --propagation private``: a private mount namespace in which the scenario's
  files are bind-mounted over ``/etc/containers/registries.conf`` and
  ``/etc/containers/registries.conf.d`` (neither binary has a flag for the drop-in
  directory; this also hides Debian's ``shortnames.conf``), a hosts file that maps the
  ``*.localhost`` names of the scenarios to loopback addresses over ``/etc/hosts``, and empty
  tmpfs over ``/var/lib``, ``/var/cache``, ``/run``, ``/var/tmp`` and ``/dev/shm`` so that
  podman's blob-info cache, short-name alias cache (``/var/cache/containers``), lock files
  and credentials lookups see nothing of the host and leave nothing behind;
* podman's storage is vfs under the scenario's temporary directory; ``HOME`` is an empty
  temporary directory (no user registries.conf, no user drop-ins).

Every wait is bounded: subprocess timeouts, and a deadline for the registry to come up.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTRY_SCRIPT = HERE / "e2e_registry.py"

#: Where the binaries look; the mount namespace puts the scenario's files there.
SYSTEM_CONF = "/etc/containers/registries.conf"
SYSTEM_DIR = "/etc/containers/registries.conf.d"
#: ``HOME`` inside the mount namespace (on its private tmpfs, empty).  containers/image's
#: ``ConfigDirPath`` names the *user* drop-in directory whenever no explicit directory is
#: set, even when it does not exist, so blocked-registry messages name this path.
HOME = "/run/regresolve-e2e-home"
USER_DIR = f"{HOME}/.config/containers/registries.conf.d"

#: Names the scenarios may use besides literal loopback IPs; the namespace's /etc/hosts
#: maps them (and nothing else) to loopback addresses.
HOSTS: Mapping[str, str] = {
    "localhost": "127.0.0.1",
    "a.localhost": "127.0.0.6",
    "b.localhost": "127.0.0.6",
}

#: Every address the test registry listens on, inside the namespace.  All HTTPS listeners
#: present a self-signed certificate nobody trusts, and 127.0.0.4 speaks plain HTTP, so a
#: client reaches a listener's API only when it treats that source as insecure.
LISTENERS: tuple[str, ...] = (
    *(f"https://127.0.0.{i}:{p}" for i in (1, 2, 3, 5) for p in (5000, 5001)),
    "http://127.0.0.4:5000",
    "http://127.0.0.4:5001",
    "https://127.0.0.6:5000",
    "https://127.0.0.6:443",
)

SUBPROCESS_TIMEOUT = 60.0
REGISTRY_START_TIMEOUT = 15.0

REQUIRED_TOOLS = ("podman", "skopeo", "ip", "unshare", "mount", "openssl", "timeout")


def missing_prerequisites() -> list[str]:
    """Why the e2e suite cannot run here ([] when it can)."""
    why = []
    if not sys.platform.startswith("linux"):
        why.append("not Linux")
    if os.geteuid() != 0:
        why.append("not root (needs ip netns and mount namespaces)")
    why.extend(f"{tool} not installed" for tool in REQUIRED_TOOLS if shutil.which(tool) is None)
    return why


# -- refusing anything that is not loopback ---------------------------------------------------

_HOSTPORT = re.compile(r"(?P<host>\*?[A-Za-z0-9.-]+)(?::(?P<port>[0-9]+))?", re.ASCII)


class NotLoopback(AssertionError):
    """A scenario names something that is not a loopback address: it must not run."""


def _split_host(text: str) -> tuple[str, str | None]:
    head = text.split("/", 1)[0]
    m = _HOSTPORT.fullmatch(head)
    if m is None:
        raise NotLoopback(f"cannot read a host in {text!r}")
    return m["host"], m["port"]


def _is_loopback_host(host: str) -> bool:
    if host in HOSTS:
        return True
    if host.startswith("*."):
        # A wildcard prefix may only cover names under .localhost.
        return host == "*.localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_loopback_reference(ref: str) -> None:
    """A reference the test will pull: short (no host), or on a loopback host.

    A fully qualified reference needs an explicit port, except on a ``*.localhost`` name
    (those map to a listener on port 443 inside the namespace).
    """
    first, sep, _ = ref.partition("/")
    if not sep or not ("." in first or ":" in first or first == "localhost"):
        return  # a short name: only the configuration says where it goes
    host, port = _split_host(first)
    if not _is_loopback_host(host):
        raise NotLoopback(f"reference {ref!r} is not on a loopback host")
    if port is None and not host.endswith(".localhost"):
        raise NotLoopback(f"reference {ref!r} has no port")


def check_loopback_config(files: Mapping[str, str]) -> None:
    """Refuse a configuration that names anything but loopback hosts.

    Every prefix, location, mirror, search registry and alias target must be on a loopback
    host (127.0.0.0/8, ``localhost`` or one of :data:`HOSTS`).  Every location, mirror,
    search registry and alias target needs an explicit port, except a location whose
    entry's prefix has no port either (the port then comes from the pulled reference:
    the port quirk).
    """
    for fname, text in files.items():
        doc = tomllib.loads(text)
        where = f"{fname}: "

        def host_ok(value: str, *, need_port: bool, what: str, where: str = where) -> None:
            host, port = _split_host(value)
            if not _is_loopback_host(host):
                raise NotLoopback(f"{where}{what} {value!r} is not a loopback host")
            if need_port and port is None:
                raise NotLoopback(f"{where}{what} {value!r} has no port")

        for reg in doc.get("registry", []):
            prefix = reg.get("prefix", "") or reg.get("location", "")
            prefix_port = _split_host(prefix)[1] if prefix else None
            host_ok(prefix, need_port=False, what="prefix")
            if reg.get("location"):
                host_ok(reg["location"], need_port=prefix_port is not None, what="location")
            for mirror in reg.get("mirror", []):
                host_ok(mirror.get("location", ""), need_port=True, what="mirror")
        for value in doc.get("unqualified-search-registries", []):
            host_ok(value, need_port=True, what="search registry")
        for value in doc.get("aliases", {}).values():
            if value:
                host_ok(value, need_port=True, what="alias")
        v1 = doc.get("registries", {})
        for key in ("search", "insecure", "block"):
            for value in v1.get(key, {}).get("registries", []):
                host_ok(value, need_port=key == "search", what=f"v1 {key}")


# -- the namespace and the registry -------------------------------------------------------------


def _run(args: Sequence[str], *, timeout: float = SUBPROCESS_TIMEOUT) -> str:
    proc = subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc.stdout


NETNS_PREFIX = "regresolve-e2e-"


def _remove_stale_namespaces() -> None:
    """Delete namespaces this suite left behind in runs that were killed (dead owner pid)."""
    out = subprocess.run(
        ["ip", "netns", "list"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    for line in out.splitlines():
        name = line.split()[0] if line.split() else ""
        pid = name.removeprefix(NETNS_PREFIX)
        if name.startswith(NETNS_PREFIX) and pid.isdigit() and not Path(f"/proc/{pid}").exists():
            subprocess.run(["ip", "netns", "delete", name], timeout=30, check=False)


def run_until_retry(args: list[str], env: dict[str, str]) -> FirstRound:
    """Run a binary with its stderr read as it comes; SIGTERM at its first retry notice.

    podman 4.3.1 retries a pull three times, a second apart, when the last source failed
    with a retryable error; only the first round matters, so the rest is not waited for.
    """
    proc = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    assert proc.stderr is not None
    chunks: list[bytes] = []
    stopped = False
    pending = b""
    deadline = time.monotonic() + SUBPROCESS_TIMEOUT + 15
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(args, SUBPROCESS_TIMEOUT + 15)
            ready, _, _ = select.select([proc.stderr], [], [], left)
            if not ready:
                continue
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                break
            chunks.append(chunk)
            pending = (pending + chunk)[-4096:]
            if not stopped and _RETRY_NOTICE in pending:
                stopped = True
                proc.terminate()
        returncode = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=15)
        proc.stderr.close()
    return FirstRound(returncode, b"".join(chunks).decode("utf-8", errors="replace"), stopped)


@dataclass
class Sandbox:
    """A loopback-only network namespace plus the files every run shares."""

    netns: str
    workdir: Path
    cert: Path = field(init=False)
    key: Path = field(init=False)
    hosts: Path = field(init=False)

    @classmethod
    @contextlib.contextmanager
    def create(cls, workdir: Path) -> Iterator[Sandbox]:
        _remove_stale_namespaces()
        netns = f"{NETNS_PREFIX}{os.getpid()}"
        _run(["ip", "netns", "add", netns])
        try:
            _run(["ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"])
            links = _run(["ip", "netns", "exec", netns, "ip", "-o", "link", "show"])
            names = [line.split(":")[1].strip() for line in links.splitlines() if line.strip()]
            assert names == ["lo"], f"namespace {netns} has more than loopback: {names}"
            box = cls(netns, workdir)
            box._prepare()
            yield box
        finally:
            subprocess.run(["ip", "netns", "delete", netns], timeout=30, check=False)

    def _prepare(self) -> None:
        self.cert = self.workdir / "registry.crt"
        self.key = self.workdir / "registry.key"
        sans = ",".join([f"IP:127.0.0.{i}" for i in range(1, 7)] + [f"DNS:{h}" for h in HOSTS])
        _run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=regresolve-e2e", "-addext", f"subjectAltName={sans}",
            "-keyout", str(self.key), "-out", str(self.cert),
        ])  # fmt: skip
        self.hosts = self.workdir / "hosts"
        self.hosts.write_text("".join(f"{ip} {name}\n" for name, ip in HOSTS.items()))

    @contextlib.contextmanager
    def registry(
        self, log: Path, serve: Sequence[str] = (), *, serve_file: Path | None = None
    ) -> Iterator[None]:
        """Run the test registry on every listener for the duration of the block.

        ``serve_file``: a file of more ``LISTENER/REPO`` (or ``LISTENER/*``) lines that the
        registry reads again for every request, so that one long-running registry can serve
        different repositories from one pull to the next.
        """
        log.write_text("")
        args = ["ip", "netns", "exec", self.netns, sys.executable, str(REGISTRY_SCRIPT)]
        args += ["--cert", str(self.cert), "--key", str(self.key), "--log", str(log)]
        for listener in LISTENERS:
            args += ["--listen", listener]
        for repo in serve:
            args += ["--serve", repo]
        if serve_file is not None:
            args += ["--serve-file", str(serve_file)]
        proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], REGISTRY_START_TIMEOUT)
            line = proc.stdout.readline() if ready else ""
            if line.strip() != "READY":
                proc.kill()
                raise RuntimeError(f"test registry did not start: {line!r}")
            yield
        finally:
            try:
                proc.communicate(input="", timeout=10)  # EOF on stdin stops it
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate(timeout=10)

    def run_tool(
        self, tool: str, ref: str, scenario_dir: Path, rundir: Path
    ) -> subprocess.CompletedProcess[str]:
        """Run ``podman pull`` or ``skopeo inspect`` on ``ref`` with the scenario's files."""
        args, env = self._tool_invocation(tool, ref, scenario_dir, rundir)
        return subprocess.run(
            args,
            check=False,
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,  # no TTY: short-name prompting is impossible
            timeout=SUBPROCESS_TIMEOUT + 15,
        )

    def run_tool_first_round(
        self, tool: str, ref: str, scenario_dir: Path, rundir: Path
    ) -> FirstRound:
        """Like :meth:`run_tool`, but stop the binary at its first retry notice.

        podman 4.3.1 retries a pull three times, a second apart, when the last source it
        tried failed with a retryable error (a refused connection); only the first round is
        read anyway (:func:`parse_log`), so the rest is not waited for.  The binary gets
        SIGTERM (through ``timeout``, which passes it on) as soon as the notice appears.
        """
        args, env = self._tool_invocation(tool, ref, scenario_dir, rundir)
        return run_until_retry(args, env)

    def _tool_invocation(
        self, tool: str, ref: str, scenario_dir: Path, rundir: Path
    ) -> tuple[list[str], dict[str, str]]:
        """The command line and environment of one sandboxed run of ``tool``."""
        if tool == "podman":
            cmd = [
                # storage, runroot and tmpdir stay at their defaults, which are on the
                # private tmpfs of the mount namespace (podman limits the runroot to 50
                # characters, too short for a pytest temporary directory)
                "podman", "--log-level=debug", "--storage-driver", "vfs",
                "--events-backend", "none", "--cgroup-manager", "cgroupfs",
                "pull", ref,
            ]  # fmt: skip
        elif tool == "skopeo":
            cmd = ["skopeo", "--debug", "inspect", "--raw", "--retry-times", "0", f"docker://{ref}"]
        else:
            raise ValueError(tool)
        args = [
            "timeout", "-k", "5", str(int(SUBPROCESS_TIMEOUT)),
            "ip", "netns", "exec", self.netns,
            "unshare", "-m", "--propagation", "private",
            "sh", "-c", _WRAPPER, "e2e-wrapper",
            str(scenario_dir / "registries.conf"), str(scenario_dir / "registries.conf.d"),
            str(self.hosts), *cmd,
        ]  # fmt: skip
        env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "HOME": HOME,
            "LANG": "C.UTF-8",
            "TMPDIR": str(rundir / "tmp"),
        }
        (rundir / "tmp").mkdir(parents=True, exist_ok=True)
        return args, env


#: containers/common's retry notice (``Failed, retrying in 1s ... (1/3)``), as bytes.
_RETRY_NOTICE = b"retrying in"


@dataclass
class FirstRound:
    """One run of a binary cut short at its first retry notice (if it printed one)."""

    returncode: int
    stderr: str
    #: True when the binary was stopped at a retry notice (its return code is then the
    #: signal's, not the pull's)
    stopped_at_retry: bool


_WRAPPER = r"""
set -eu
conf=$1 dir=$2 hosts=$3
shift 3
mount --bind "$conf" /etc/containers/registries.conf
mount --bind "$dir" /etc/containers/registries.conf.d
mount --bind "$hosts" /etc/hosts
for d in /var/lib /var/cache /run /var/tmp /dev/shm; do
    mount -t tmpfs -o mode=0755 e2e-tmpfs "$d"
done
exec "$@"
"""


# -- reading the debug log -----------------------------------------------------------------------

_LOGRUS = re.compile(r'time="[^"]*" level=(?P<level>\w+) msg="(?P<msg>(?:[^"\\]|\\.)*)"', re.ASCII)
_CANDIDATE = re.compile(r"Attempting to pull candidate (?P<cand>\S+) for (?P<input>\S+)", re.ASCII)
_TRYING = re.compile(r'Trying to access "(?P<ref>[^"]*)"', re.ASCII)
_FAILED = re.compile(r'Accessing "(?P<ref>[^"]*)" failed: (?P<err>.*)', re.ASCII | re.DOTALL)
_DESCRIPTION = re.compile(
    r'(?:Resolved "[^"]*" as an alias|Resolving "[^"]*" using unqualified-search registries)'
    r" \(.*\)",
    re.ASCII,
)


def _unquote(msg: str) -> str:
    try:
        return str(json.loads(f'"{msg}"'))
    except json.JSONDecodeError:
        return msg.replace('\\"', '"')


@dataclass
class Trace:
    """What a binary did, read from its debug log (first round only: no retries)."""

    events: list[str]
    descriptions: list[str]
    errors: dict[str, str]
    retried: bool
    #: every ``Accessing "REF" failed: ERR`` in order, as (REF, ERR); unlike ``errors`` it
    #: keeps both when one reference is tried twice (a mirror equal to the primary)
    failures: list[tuple[str, str]] = field(default_factory=list)


def parse_log(stderr: str) -> Trace:
    """Events in order: ``candidate X``, ``X`` (tried), with ``X blocked`` / ``X ok`` marks.

    A source that was tried and then reported failed stays ``X``; a source reported failed
    because a blocked entry covers it becomes ``X blocked``; the source that was tried and
    never reported failed (the one the binary went on to use) becomes ``X ok``.  Reading
    stops at the first retry notice, so only the first round counts.
    """
    events: list[str] = []
    descriptions: list[str] = []
    errors: dict[str, str] = {}
    failures: list[tuple[str, str]] = []
    pending: int | None = None
    retried = False
    for line in stderr.splitlines():
        m = _LOGRUS.search(line)
        if m is None:
            continue
        msg = _unquote(m["msg"])
        if "retrying in" in msg:
            retried = True
            break
        if (c := _CANDIDATE.search(msg)) is not None:
            if pending is not None:
                events[pending] += " ok"
            pending = None
            events.append(f"candidate {c['cand']}")
        elif (d := _DESCRIPTION.fullmatch(msg)) is not None:
            descriptions.append(d.group(0))
        elif (t := _TRYING.fullmatch(msg)) is not None:
            if pending is not None:
                events[pending] += " ok"
            events.append(t["ref"])
            pending = len(events) - 1
        elif (
            (f := _FAILED.fullmatch(msg)) is not None
            and pending is not None
            and events[pending] == f["ref"]
        ):
            errors[f["ref"]] = f["err"]
            failures.append((f["ref"], f["err"]))
            if " is blocked in " in f["err"]:
                events[pending] += " blocked"
            pending = None
    if pending is not None:
        events[pending] += " ok"
    return Trace(events, descriptions, errors, retried, failures)


def read_requests(log: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def reached(requests: Sequence[Mapping[str, str]], source_ref: str) -> bool:
    """Did a client reach the registry API for this source (i.e. treat it as insecure)?"""
    host_port, _, rest = source_ref.partition("/")
    repo = re.split(r"[:@]", rest, maxsplit=1)[0]
    host, _, port = host_port.partition(":")
    listener = f"{HOSTS.get(host, host)}:{port or '443'}"
    want = f"/v2/{repo}/manifests/"
    return any(
        r.get("listener") == listener and r.get("path", "").startswith(want) for r in requests
    )
