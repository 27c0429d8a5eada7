"""Warnings for inputs that are ignored or that do not do what they seem to do.

None of these stops the Machine Config Operator: it renders the files regardless (or the
API server has already dropped the input).  Each warning names the object and, where one
exists, the closest thing that would have worked.

* objects of a kind (or name) nothing reads, and fields the API server drops;
* an ``additionalTrustedCA`` ConfigMap that is not among the inputs; a CA key whose
  ``host[:port]`` no mirror, source, registry list or policy scope names (the node looks the
  directory up by the exact registry of each pull source, port included);
* tags and digests in ``insecureRegistries`` / ``blockedRegistries`` / ``allowedRegistries``
  (registries.conf never matches them; policy.json treats them as one exact image);
* blocking exactly the release payload's repository: the payload exception then leaves a
  policy.json that allows the payload and rejects everything else;
* mirror orders that contradict each other across objects (the merge breaks the cycle by
  byte order);
* ImagePolicy scopes a ClusterImagePolicy already covers (the MCO skips them);
* mirror registries without an entry in the global pull secret.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence

from regresolve.openshift._kinds import SealedSecret
from regresolve.openshift._objects import ClusterImageObjects, MirrorObject
from regresolve.openshift._scopes import go_quote
from regresolve.openshift._trustedca import CaFile

__all__ = ["lint"]

_READ_KINDS = (
    "Image/cluster, ImageDigestMirrorSet, ImageTagMirrorSet, ImageContentSourcePolicy, "
    "ClusterVersion/version, ConfigMap, Secret openshift-config/pull-secret, "
    "ClusterImagePolicy, ImagePolicy"
)


def _host(scope: str) -> str:
    return scope.split("/", 1)[0]


def _named_scopes(objects: ClusterImageObjects) -> list[tuple[str, str]]:
    """(scope, what names it) for everything that names a registry."""
    out: list[tuple[str, str]] = []
    for obj in (*objects.idms, *objects.itms, *objects.icsp):
        label = f"{obj.kind}/{obj.name}"
        for rule in obj.rules:
            out.append((rule.source, f"{label} source"))
            out.extend((m, f"{label} mirror") for m in rule.mirrors)
    image = objects.image
    if image is not None:
        for what, items in (
            ("insecureRegistries", image.insecure_registries),
            ("blockedRegistries", image.blocked_registries),
            ("allowedRegistries", image.allowed_registries),
            ("containerRuntimeSearchRegistries", image.container_runtime_search_registries),
        ):
            out.extend((s, what) for s in items or ())
    for pol in objects.image_policies:
        out.extend((s, f"{pol.label} scope") for s in pol.scopes)
    if objects.release_image:
        out.append((objects.release_image, "the release image"))
    return out


def _covers(scope_host: str, directory: str) -> bool:
    if scope_host.startswith("*."):
        return directory.split(":", 1)[0].endswith(scope_host[1:])
    return scope_host == directory


def _near_miss(directory: str, hosts: Iterable[str]) -> str | None:
    name, _, port = directory.partition(":")
    best: tuple[float, str] | None = None
    for host in hosts:
        if host.startswith("*.") or host == directory:
            continue
        h_name, _, h_port = host.partition(":")
        score = difflib.SequenceMatcher(None, name, h_name).ratio()
        if h_name == name:
            score += 1.0  # the same host with another (or no) port: the classic mistake
        elif port and h_port == port:
            score += 0.5
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, host)
    return None if best is None else best[1]


def _ca_warnings(objects: ClusterImageObjects, cas: Sequence[CaFile]) -> list[str]:
    named = _named_scopes(objects)
    hosts = sorted({_host(s) for s, _ in named})
    out = []
    for ca in cas:
        if not ca.user or any(_covers(h, ca.directory) for h in hosts):
            continue
        msg = (
            f"{ca.config_map} key {ca.key!r} gives {ca.path}, which serves only images whose "
            f"registry is written exactly {ca.directory}; no mirror, source, registry list or "
            "policy scope names that registry"
        )
        near = _near_miss(ca.directory, hosts)
        if near is not None:
            what = next(w for s, w in named if _host(s) == near)
            msg += (
                f"; the closest one named is {near} ({what}), and pulls from it get no CA from "
                f"this key (its key would be {near.replace(':', '..')!r})"
            )
        out.append(msg)
    return out


def _tagged(scope: str) -> str | None:
    if "@" in scope:
        return "a digest"
    if "/" in scope and ":" in scope.rsplit("/", 1)[1]:
        return "a tag"
    return None


def _scope_warnings(objects: ClusterImageObjects) -> list[str]:
    image = objects.image
    if image is None:
        return []
    out = []
    effect = {
        "insecureRegistries": "registries.conf never matches it (containers/image compares "
        "repository names, without tag or digest), so TLS stays verified",
        "blockedRegistries": "registries.conf never matches it, so nothing is blocked there; "
        "policy.json rejects exactly that image",
        "allowedRegistries": "policy.json accepts exactly that image and nothing else of the "
        "repository",
    }
    for what, items in (
        ("insecureRegistries", image.insecure_registries),
        ("blockedRegistries", image.blocked_registries),
        ("allowedRegistries", image.allowed_registries),
    ):
        for i, scope in enumerate(items or ()):
            kind = _tagged(scope)
            if kind is None:
                continue
            out.append(
                f"Image/cluster spec.registrySources.{what}[{i}] {go_quote(scope)} has {kind}: "
                f"{effect[what]}; the API server of current releases refuses tags and digests "
                "in this list (openshift/api validation, `--api-validation`)"
            )
    return out


def _cycles(objs: Sequence[MirrorObject]) -> list[str]:
    """Sources whose mirror orders contradict each other across entries."""
    per_source: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for obj in objs:
        for rule in obj.rules:
            if all(m == rule.source for m in rule.mirrors):
                continue
            per_source.setdefault(rule.source, []).append((f"{obj.kind}/{obj.name}", rule.mirrors))
    out = []
    for source, entries in sorted(per_source.items()):
        edges: dict[str, set[str]] = {}
        for _, mirrors in entries:
            chain = [*mirrors] if source in mirrors else [*mirrors, source]
            for a, b in zip(chain, chain[1:]):
                edges.setdefault(a, set()).add(b)
        stuck = _cyclic_nodes(edges)
        if stuck:
            names = sorted({label for label, _ in entries})
            out.append(
                f"the mirror orders for {source} contradict each other ({', '.join(names)}): "
                f"{', '.join(sorted(stuck))} form a cycle, which the MCO breaks by byte order"
            )
    return out


def _cyclic_nodes(edges: dict[str, set[str]]) -> set[str]:
    nodes = set(edges) | {b for bs in edges.values() for b in bs}
    indeg = dict.fromkeys(nodes, 0)
    for bs in edges.values():
        for b in bs:
            indeg[b] += 1
    ready = [n for n in nodes if indeg[n] == 0]
    seen = 0
    while ready:
        n = ready.pop()
        seen += 1
        for b in edges.get(n, ()):
            indeg[b] -= 1
            if indeg[b] == 0:
                ready.append(b)
    return {n for n, d in indeg.items() if d > 0} if seen < len(nodes) else set()


def _secret_warnings(objects: ClusterImageObjects, secret: SealedSecret | None) -> list[str]:
    if secret is None:
        return []
    try:
        doc = json.loads(secret.reveal())
    except ValueError:
        return []
    auths = doc.get("auths") if isinstance(doc, dict) else None
    keys = list(auths) if isinstance(auths, dict) else []
    helpers = doc.get("credHelpers") if isinstance(doc, dict) else None
    hosts = {k.split("://", 1)[-1].split("/", 1)[0] for k in keys}
    hosts |= set(helpers) if isinstance(helpers, dict) else set()
    del doc, auths
    out = []
    mirrors = sorted(
        {
            _host(m)
            for o in (*objects.idms, *objects.itms, *objects.icsp)
            for r in o.rules
            for m in r.mirrors
        }
    )
    for host in mirrors:
        if host not in hosts:
            out.append(
                f"the pull secret has no entry for the mirror registry {host}: CRI-O asks it "
                "without credentials (a Pod's pull secrets never reach a mirror on another "
                "host)"
            )
    return out


def lint(
    objects: ClusterImageObjects,
    *,
    ca_files: Sequence[CaFile] = (),
    payload_repo: str | None = None,
    policy_allowed: Sequence[str] = (),
    policy_blocked: Sequence[str] = (),
    skipped_scopes: Sequence[tuple[str, Sequence[str]]] = (),
    pull_secret: SealedSecret | None = None,
) -> list[str]:
    """Every warning for these objects and what was rendered from them."""
    out = [f"{label} is ignored: only {_READ_KINDS} are read" for label in objects.ignored]
    out.extend(objects.unknown_fields)
    out.extend(_ca_warnings(objects, ca_files))
    out.extend(_scope_warnings(objects))
    image = objects.image
    if (
        payload_repo is not None
        and image is not None
        and payload_repo in (image.blocked_registries or ())
        and tuple(policy_allowed) == (payload_repo,)
        and not policy_blocked
    ):
        out.append(
            f"blockedRegistries lists the release payload repository {payload_repo} itself: "
            "registries.conf blocks it (its mirrors serve it), but policy.json then allows only "
            "that repository and has default: reject, so every other image is refused"
        )
    out.extend(_cycles([*objects.idms, *objects.icsp]))
    out.extend(_cycles(objects.itms))
    for label, scopes in skipped_scopes:
        quoted = "[" + " ".join(go_quote(s) for s in scopes) + "]"
        out.append(
            f"{label} has conflicting scope(s) {quoted} that equal to or nest inside existing "
            "clusterimagepolicy, only policy from clusterimagepolicy scope(s) will be applied"
        )
    out.extend(_secret_warnings(objects, pull_secret))
    return out
