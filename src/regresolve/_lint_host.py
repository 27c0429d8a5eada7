"""What fails silently in the pull context: ``regresolve check``'s warnings about the files a
pull consults besides registries.conf.

Each finding is a [`Finding`][regresolve._lint.Finding] of the kinds below, computed from a
[`Host`][regresolve.Host] snapshot and the merged configuration through the core
(``Host.pull_context`` on probe references, the snapshots' listings); nothing here decides a
rule of its own:

* ``mirror-without-credentials``: a mirror that gets no credentials while the original
  registry of the same entry has some; containers/image looks them up under the mirror's own
  name, and explicit credentials (``--creds``, a pull secret) never reach a mirror on another
  host;
* ``unused-cert-dir``: a ``certs.d`` directory no configured source reads although one uses the
  same host with another port spelling (``host:443`` against ``host``, podman#26567), or named
  after docker.io's endpoints instead of ``docker.io``;
* ``shadowed-cert-dir``: a ``certs.d/<host>`` hidden by the same name in an earlier directory
  (only the first existing one is read; they are never merged);
* ``unpaired-client-cert``: a ``.cert`` without its ``.key`` or the reverse (every pull from
  that host fails before connecting);
* ``mirror-signatures-not-configured``: policy.json requires signatures for an image whose
  registries.d entry names the original but not its mirror (signatures are looked up for the
  mirror's own name: MCO#4446);
* ``auth-file-error``: an auth file that is unreadable or malformed, an ``auth`` value that is
  not base64, an auth file given that does not exist, a ``$XDG_RUNTIME_DIR`` that does not
  exist.

Secrets: only what the snapshots hold (paths, keys, user names, Go's error texts).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from regresolve._certs import CertDir
from regresolve._config import RegistriesConf
from regresolve._creds import CredentialContext
from regresolve._files import _join
from regresolve._host import Host, SourceContext
from regresolve._lint import Finding, _probe_names
from regresolve._model import Registry
from regresolve._policy import PolicyVerdict
from regresolve._sigstore import SignatureContext

__all__ = ["HOST_KINDS", "lint_host"]

HOST_KINDS: Final = (
    "mirror-without-credentials",
    "unused-cert-dir",
    "shadowed-cert-dir",
    "unpaired-client-cert",
    "mirror-signatures-not-configured",
    "auth-file-error",
)
_PROBE_DIGEST: Final = "sha256:" + "0" * 64
_Located = tuple[str, SourceContext]  # (the endpoint's location, its context)
_DOCKER_IO_ENDPOINTS: Final = ("index.docker.io", "registry-1.docker.io")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _host_of(reference: str) -> str:
    return reference.split("/", 1)[0]


def _without_port(host_port: str) -> str:
    if host_port.startswith("["):  # [::1]:5000
        return host_port.split("]", 1)[0] + "]"
    return host_port.split(":", 1)[0]


def _entry_sources(host: Host, reg: Registry) -> tuple[list[_Located], PolicyVerdict | None]:
    """The sources of probe pulls under ``reg`` (by tag and by digest), each location once
    with its endpoint's location, and policy.json's verdict for the probe by tag."""
    seen: dict[tuple[str, bool], _Located] = {}
    verdict: PolicyVerdict | None = None
    for name in _probe_names(reg.prefix):
        for ref in (f"{name}:latest", f"{name}@{_PROBE_DIGEST}"):
            ctx = host.pull_context(ref)
            plan = ctx.plan.candidates[0].plan if ctx.plan.candidates else None
            if plan is None or plan.registry is None or plan.registry.prefix != reg.prefix:
                continue
            if "@" not in ref:
                verdict = ctx.policy
            for src, sc in zip(plan.sources, ctx.sources):
                seen.setdefault((src.location, src.mirror), (src.location, sc))
    return list(seen.values()), verdict


def _mirror_entry(reg: Registry, location: str) -> str:
    entry = f"registry[prefix={_q(reg.prefix)}]"
    j = next((j for j, m in enumerate(reg.mirrors) if m.location == location), None)
    return entry if j is None else f"{entry}.mirror[{j}]"


def _has_creds(c: CredentialContext) -> bool:
    return c.kind in ("auth-file", "helper", "explicit") and c.error is None


def _creds_source(c: CredentialContext) -> str:
    if c.kind == "auth-file":
        return f"auth file {c.file}, key {_q(c.key or '')}"
    return f"helper docker-credential-{c.helper}"


def _credential_findings(reg: Registry, sources: list[_Located]) -> list[Finding]:
    primary = next((s for _, s in sources if not s.mirror), None)
    if primary is None or not _has_creds(primary.credentials):
        return []
    found = []
    for location, s in sources:
        if not s.mirror or s.credentials.kind != "none" or s.credentials.error is not None:
            continue
        mirror_host = _host_of(s.reference)
        other_host = mirror_host != _host_of(primary.reference)
        found.append(
            Finding(
                reg.origin,
                None,
                _mirror_entry(reg, location),
                "mirror-without-credentials",
                f"the mirror {mirror_host} gets no credentials while {_host_of(primary.reference)}"
                f" has them ({_creds_source(primary.credentials)}): credentials are looked up "
                "under the mirror's own name, so podman pulls from it anonymously (401 if it "
                "needs a login)"
                + (
                    ", and explicit credentials (--creds, a pod's pull secret) are not sent to "
                    "a mirror on another host"
                    if other_host
                    else ""
                ),
            )
        )
    return found


def _specific(scope: str | None) -> bool:
    return scope is not None and scope != "default-docker"


def _signature_gap(primary: SignatureContext, mirror: SignatureContext) -> list[str]:
    gaps = []
    if _specific(primary.scope) and not _specific(mirror.scope):
        which = "default-docker's" if mirror.scope == "default-docker" else "the built-in default"
        gaps.append(
            f"they are read from {which} lookaside, not from the one {_q(primary.scope or '')} "
            "gives the original"
        )
    if (
        primary.use_sigstore_attachments
        and _specific(primary.attachments_scope)
        and not mirror.use_sigstore_attachments
    ):
        gaps.append("sigstore attachments are not read from it")
    return gaps


def _signature_findings(
    host: Host, reg: Registry, sources: list[_Located], verdict: PolicyVerdict | None
) -> list[Finding]:
    primary = next((s for _, s in sources if not s.mirror), None)
    if primary is None or primary.signatures.error is not None:
        return []
    if verdict is None or verdict.verdict != "signature-required":
        return []
    scope = "default" if verdict.scope is None else _q(verdict.scope)
    found = []
    for location, s in sources:
        if not s.mirror or s.signatures.error is not None:
            continue
        gaps = _signature_gap(primary.signatures, s.signatures)
        if not gaps:
            continue
        found.append(
            Finding(
                reg.origin,
                None,
                _mirror_entry(reg, location),
                "mirror-signatures-not-configured",
                f"policy.json ({host.policy_path}) requires signatures for {reg.prefix} "
                f"(scope {scope}) and registries.d names the original "
                f"({_q(primary.signatures.scope or primary.signatures.attachments_scope or '')})"
                f" but not the mirror {_host_of(s.reference)}: signatures are looked up for the "
                f"mirror's own name, so {' and '.join(gaps)}; add a docker: entry for it",
            )
        )
    return found


def _used_hosts(host: Host, conf: RegistriesConf, sources: Iterable[SourceContext]) -> set[str]:
    used = {_host_of(s.reference) for s in sources}
    used.update(_host_of(r) for r in conf.unqualified_search_registries or ())
    used.add("docker.io")
    return used


def _cert_dir_findings(host: Host, used: set[str]) -> list[Finding]:
    if host.certs.cert_dir is not None:
        return []  # --cert-dir: one directory for every host
    found = []
    by_host: dict[str, list[str]] = {}
    for u in used:
        by_host.setdefault(_without_port(u), []).append(u)
    first_base: dict[str, str] = {}
    for base in host.certs.bases:
        for name, (code, _) in base.hosts.items():
            if code != 0:
                continue
            path = _join(base.path, name)
            if name in first_base:
                found.append(
                    Finding(
                        path,
                        None,
                        None,
                        "shadowed-cert-dir",
                        f"never read: {_join(first_base[name], name)} exists too and comes "
                        "first; only one certificate directory is used per host, they are "
                        "not merged",
                    )
                )
                continue
            first_base[name] = base.path
            if name in used:
                continue
            bare = _without_port(name)
            docker = bare in _DOCKER_IO_ENDPOINTS
            near = ["docker.io"] if docker else sorted(by_host.get(bare, ()))
            if not near:
                continue
            found.append(
                Finding(
                    path,
                    None,
                    None,
                    "unused-cert-dir",
                    f"no configured source reads this directory: they connect to "
                    f"{', '.join(near)}, and podman reads certs.d/{near[0]} for that (the "
                    "directory is named after the host as the reference writes it: a port "
                    "only when written, docker.io for Docker Hub)",
                )
            )
    return found


def _unpaired(directory: CertDir) -> list[Finding]:
    names = {f.name for f in directory.files}
    found = []
    for f in directory.files:
        if f.name.endswith(".cert"):
            other = f.name[: -len(".cert")] + ".key"
            message = (
                f"missing key {other} for client certificate {f.name}. Note that CA "
                "certificates should use the extension .crt"
            )
        elif f.name.endswith(".key"):
            other = f.name[: -len(".key")] + ".cert"
            message = f"missing client certificate {other} for key {f.name}"
        else:
            continue
        if other in names:
            continue
        found.append(
            Finding(
                _join(directory.path, f.name),
                None,
                None,
                "unpaired-client-cert",
                f"{message}: every pull that reads {directory.path} fails before connecting",
            )
        )
    return found


def _client_cert_findings(host: Host) -> list[Finding]:
    dirs: list[CertDir] = []
    if host.certs.cert_dir is not None:
        dirs.append(host.certs.cert_dir)
    for base in host.certs.bases:
        dirs.extend(d for _, d in base.hosts.values() if d is not None)
    return [f for d in dirs for f in _unpaired(d)]


def _auth_findings(host: Host) -> list[Finding]:
    found = []
    creds = host.creds
    if creds.warning is not None:
        found.append(Finding("$XDG_RUNTIME_DIR", None, None, "auth-file-error", creds.warning))
    for i, f in enumerate(creds.files):
        if i == 0 and host.auth_file and not f.exists:
            found.append(
                Finding(
                    f.path,
                    None,
                    None,
                    "auth-file-error",
                    "the auth file given (--authfile, $REGISTRY_AUTH_FILE, $DOCKER_CONFIG or "
                    "global_auth_file) does not exist: podman refuses to pull with it, other "
                    "programs find no credentials in it",
                )
            )
        if f.error is not None:
            found.append(
                Finding(
                    f.path,
                    None,
                    None,
                    "auth-file-error",
                    f"{f.error}: every credential lookup that reaches this file fails, so does "
                    "every pull from a source without credentials in an earlier file",
                )
            )
            continue
        found.extend(
            Finding(
                f.path,
                None,
                _q(e.key),
                "auth-file-error",
                f"{e.error}: the pulls that look credentials up under this key fail",
            )
            for e in f.entries
            if e.state == "error"
        )
    return found


def lint_host(host: Host, conf: RegistriesConf | None = None) -> list[Finding]:
    """The pull-context warnings for ``host`` (``conf``: the merged configuration, default
    the host resolver's)."""
    final = conf if conf is not None else host.resolver.conf
    findings: list[Finding] = []
    every: list[SourceContext] = []
    for reg in final.registries:
        sources, verdict = _entry_sources(host, reg)
        every.extend(s for _, s in sources)
        if reg.mirrors:
            findings.extend(_credential_findings(reg, sources))
            findings.extend(_signature_findings(host, reg, sources, verdict))
    findings.extend(_cert_dir_findings(host, _used_hosts(host, final, every)))
    findings.extend(_client_cert_findings(host))
    findings.extend(_auth_findings(host))
    return findings
