"""A deliberately naive model of Go's ``FindRegistry`` (containers/image v5.34.2).

It follows the rules of spec R-MATCH-2..4 one entry at a time, exactly as the Go loop does,
so the property tests can check the constant-time index against it.  Nothing here is fast
on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

from regresolve import Registry

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
