"""A deliberately naive model of Go's ``FindRegistry`` (containers/image v5.34.2).

It follows the rules of spec R-MATCH-2..4 one entry at a time, exactly as the Go loop does,
so the property tests can check the constant-time index against it.  Nothing here is fast
on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from regresolve import InvalidReference, RegistriesConf, Registry, parse_reference

BOUNDARY = ("/", ":", "@")


def subdomain_match_len(ref: str, prefix: str) -> int:
    """R-MATCH-3 for a prefix whose first character is dropped (``*.S`` looks for ``.S``)."""
    needle = prefix[1:]
    at = ref.find(needle)
    if at == -1:
        return -1
    if "/" in ref[:at]:
        return -1
    end = at + len(needle)
    if end == len(ref) or ref[end] in BOUNDARY:
        return end
    return -1


def match_len(ref: str, prefix: str) -> int:
    """R-MATCH-2/3: how much of ``ref`` the prefix covers, or -1."""
    if prefix.startswith("*."):
        return subdomain_match_len(ref, prefix)
    if len(ref) < len(prefix):
        return -1
    if len(ref) == len(prefix):
        return len(prefix) if ref == prefix else -1
    if not ref.startswith(prefix):
        return -1
    return len(prefix) if ref[len(prefix)] in BOUNDARY else -1


def go_scan(registries: Sequence[Registry], ref: str) -> Registry | None:
    """R-MATCH-4: keep the matching entry with a strictly longer prefix string."""
    best: Registry | None = None
    best_len = 0
    for reg in registries:
        if match_len(ref, reg.prefix) != -1 and len(reg.prefix) > best_len:
            best = reg
            best_len = len(reg.prefix)
    return best


def naive_plan(conf: RegistriesConf, text: str) -> dict[str, Any]:
    """SPEC R-PULL-6 steps 1-5 plus the per-source blocked check, one Go call at a time.

    Returns ``{"error": ...}`` or ``{"error": None, "reference", "registry", "sources"}`` with
    the sources as ``(reference, location, insecure, mirror, pull_from_mirror, blocked_by)``.
    Every rewrite is re-parsed (no shortcuts), every lookup is the linear scan.
    """
    try:
        ref = parse_reference(text)
    except InvalidReference as e:
        return {"error": e.go_message}
    if ref.tag is None and ref.digest is None:
        ref = ref.with_default_tag()
    if ref.tag is not None and ref.digest is not None:
        return {"error": "Docker references with both a tag and digest are currently not supported"}
    regs = conf.registries
    reg = go_scan(regs, ref.name)
    full = str(ref)
    if reg is None:
        prefix, endpoints = full, [(full, False, False, "")]
    else:
        prefix = reg.prefix
        digested = ref.digest is not None
        endpoints = []
        for m in reg.mirrors:
            if reg.mirror_by_digest_only or m.pull_from_mirror == "digest-only":
                use = digested
            elif m.pull_from_mirror == "tag-only":
                use = not digested
            else:
                use = True
            if use:
                endpoints.append((m.location, m.insecure, True, m.pull_from_mirror))
        endpoints.append((reg.location, reg.insecure, False, ""))
    sources = []
    for location, insecure, mirror, pfm in endpoints:
        n = match_len(full, prefix)
        if n == -1:
            return {"error": f"invalid prefix '{prefix}' for reference '{full}'"}
        if not location:
            if not prefix.startswith("*."):
                return {
                    "error": f"invalid prefix '{prefix}' for empty location, should be in the "
                    "format: *.example.com"
                }
            new = ref
        else:
            try:
                new = parse_reference(location + full[n:], normalize=False)
            except InvalidReference as e:
                return {"error": f"rewriting reference: {e.go_message}"}
        hit = go_scan(regs, new.name)
        blocked_by = hit.prefix if hit is not None and hit.blocked else None
        sources.append((str(new), location, insecure, mirror, pfm, blocked_by))
    return {"error": None, "reference": full, "registry": reg, "sources": sources}
