"""Configuration that is valid but probably not what was meant: ``regresolve check``'s warnings."""

from __future__ import annotations

import json
from collections.abc import Sequence

from regresolve._config import RegistriesConf
from regresolve._model import Registry

__all__ = ["lint"]


def lint(files: Sequence[tuple[str, RegistriesConf]]) -> list[str]:
    """Valid, but probably not what was meant: the surprises users report most.

    ``files`` are the files podman reads, each loaded on its own, in merge order.
    """
    warnings: list[str] = []
    first_seen: dict[str, tuple[str, Registry]] = {}
    for label, conf in files:
        for reg in conf.registries:
            entry = f"registry[prefix={json.dumps(reg.prefix)}]"
            earlier = first_seen.get(reg.prefix)
            if earlier is not None and earlier[0] != label:
                lost = len(earlier[1].mirrors)
                warnings.append(
                    f"{label}: {entry}: replaces the whole entry from {earlier[0]}"
                    + (f", dropping its {lost} mirror{'s' if lost != 1 else ''}" if lost else "")
                    + " (drop-ins replace [[registry]] tables, they do not merge them)"
                )
            first_seen[reg.prefix] = (label, reg)
            for i, mirror in enumerate(reg.mirrors):
                if mirror.location.endswith("/"):
                    warnings.append(
                        f"{label}: {entry}.mirror[{i}]: location {json.dumps(mirror.location)} "
                        "ends with '/': containers/image 5.34.2 keeps it, and every reference "
                        "rewritten through this mirror is invalid"
                    )
            if reg.blocked and not reg.prefix.startswith("*.") and reg.location != reg.prefix:
                warnings.append(
                    f"{label}: {entry}: blocked, but its location {json.dumps(reg.location)} "
                    "differs from its prefix: pulls are checked on the rewritten reference, "
                    "so this entry does not block them"
                )
    return warnings
