"""Configuration that loads but is probably not what was meant: ``regresolve check``'s warnings.

containers/image accepts these files, and podman says nothing (at most a debug line), yet each
one is a common reason a mirror is not used or a pull fails.  Every finding names the file, the
line where BurntSushi's decoder placed the key (when there is one), the entry, and what is
wrong:

* ``unknown-key``: a key no struct field takes, with the closest known key when one is near
  (``pull-from-mirrors`` -> ``pull-from-mirror``); podman ignores it silently;
* ``misplaced-key``: a key TOML attached to another table than the author meant: a registry
  key after ``[[registry.mirror]]`` belongs to that mirror (podman#14306), a top-level key
  after ``[[registry]]`` belongs to that registry;
* ``failing-entry``: an entry that loads but makes every pull under its prefix fail (a mirror
  location that is not a valid reference name, such as upper case in its path);
* ``shadowed-prefix``: an entry that loses to another for the references under it (a
  wildcard of the same length sorts first, R-MATCH-4);
* ``dead-prefix``: a prefix no valid reference name can start with (upper case in its path);
* ``mirror-is-primary`` and ``duplicate-mirror``: sources tried twice;
* ``dropin-override``: a drop-in replacing a whole ``[[registry]]`` of an earlier file;
* ``trailing-slash`` and ``blocked-location``: two quirks of containers/image 5.34.2.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import InvalidReference, RegresolveError
from regresolve._gotext import fold, go_key
from regresolve._model import Registry
from regresolve._planner import Planner

__all__ = ["Finding", "lint", "lint_text"]

_TOP: Final = (
    "registry",
    "unqualified-search-registries",
    "credential-helpers",
    "short-name-mode",
    "additional-layer-store-auth-helper",
    "aliases",
    "registries",
)
_REGISTRY: Final = (
    "prefix",
    "location",
    "insecure",
    "pull-from-mirror",
    "mirror",
    "blocked",
    "mirror-by-digest-only",
)
_MIRROR: Final = ("location", "insecure", "pull-from-mirror")
_V1_TABLES: Final = ("search", "insecure", "block")
_PROBE_DIGEST: Final = "sha256:" + "0" * 64


@attrs.frozen
class Finding:
    """One warning about a configuration file.

    Attributes:
        path: the file.
        line: the line BurntSushi records for the key (its last occurrence), or None.
        entry: where in the file (``registry[2].mirror[0]``), or None.
        kind: the class of problem (see the module documentation).
        message: what is wrong and what podman does with it.
    """

    path: str
    line: int | None
    entry: str | None
    kind: str
    message: str

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.entry + ': ' if self.entry else ''}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``check --json``)."""
        return {
            "file": self.path,
            "line": self.line,
            "entry": self.entry,
            "kind": self.kind,
            "message": self.message,
        }


def _known(key: str, names: Sequence[str]) -> bool:
    """Whether Go's decoder gives ``key`` to one of ``names`` (exact, then EqualFold)."""
    return key in names or fold(key) in names


def _suggest(key: str, *levels: Sequence[str]) -> str:
    names = [n for level in levels for n in level]
    close = difflib.get_close_matches(fold(key), names, n=1, cutoff=0.75)
    return f"; did you mean {json.dumps(close[0])}?" if close else ""


def lint_text(
    path: str, doc: Mapping[str, Any], lines: Mapping[str, tuple[int, bool]]
) -> list[Finding]:
    """Unknown and misplaced keys of one decoded file (``lines``: the key positions)."""
    found: list[Finding] = []

    def line_of(*parts: str) -> int | None:
        hit = lines.get(go_key(list(parts)))
        return hit[0] if hit else None

    def add(kind: str, entry: str, message: str, *parts: str) -> None:
        found.append(Finding(path, line_of(*parts), entry, kind, message))

    for key in doc:
        if _known(key, _TOP):
            continue
        if _known(key, _REGISTRY) or _known(key, _MIRROR):
            continue  # top-level keys can only be misplaced *into* tables, not out of them
        add(
            "unknown-key",
            key,
            f"unknown key {json.dumps(key)}: podman ignores it{_suggest(key, _TOP)}",
            key,
        )
    for reg_key, regs in doc.items():
        if fold(reg_key) != "registry" or not isinstance(regs, list):
            continue
        for i, reg in enumerate(regs):
            if isinstance(reg, dict):
                found.extend(_lint_registry(path, reg_key, i, reg, line_of))
    return found


def _lint_registry(
    path: str, reg_key: str, i: int, reg: Mapping[str, Any], line_of: Any
) -> Iterable[Finding]:
    entry = f"registry[{i}]"
    for key, value in reg.items():
        if _known(key, _REGISTRY):
            if fold(key) == "mirror" and isinstance(value, list):
                for j, mirror in enumerate(value):
                    if isinstance(mirror, dict):
                        yield from _lint_mirror(
                            path, reg_key, key, f"{entry}.mirror[{j}]", mirror, line_of
                        )
            continue
        where = (reg_key, key)
        if _known(key, _TOP):
            yield Finding(
                path,
                line_of(*where),
                entry,
                "misplaced-key",
                f"{json.dumps(key)} is a top-level key, but TOML put it into this [[registry]] "
                "(everything after a [[registry]] header belongs to it): move it above the "
                "first [[registry]]; podman ignores it here",
            )
            continue
        yield Finding(
            path,
            line_of(*where),
            entry,
            "unknown-key",
            f"unknown key {json.dumps(key)}: podman ignores it{_suggest(key, _REGISTRY)}",
        )


def _lint_mirror(  # noqa: PLR0917 - one call site, all positional
    path: str, reg_key: str, mirror_key: str, entry: str, mirror: Mapping[str, Any], line_of: Any
) -> Iterable[Finding]:
    for key in mirror:
        if _known(key, _MIRROR):
            continue
        where = (reg_key, mirror_key, key)
        if _known(key, _REGISTRY):
            yield Finding(
                path,
                line_of(*where),
                entry,
                "misplaced-key",
                f"{json.dumps(key)} belongs to [[registry]], but TOML put it into this "
                "[[registry.mirror]] (every key after the header belongs to the mirror): move "
                "it above the entry's first [[registry.mirror]]; podman ignores it here",
            )
            continue
        yield Finding(
            path,
            line_of(*where),
            entry,
            "unknown-key",
            f"unknown key {json.dumps(key)}: podman ignores it{_suggest(key, _MIRROR)}",
        )


def _probe_names(prefix: str) -> list[str]:
    """Repository names under ``prefix`` to test an entry with."""
    base = "regresolve-probe" + prefix[1:] if prefix.startswith("*.") else prefix
    # Two components: docker.io's "library/" normalization must not move the probe elsewhere.
    return [base + "/regresolve/probe"]


def _static_findings(label: str, reg: Registry, entry: str) -> list[Finding]:
    """What one entry of one file says about itself."""
    found: list[Finding] = []

    def add(kind: str, message: str, where: str = entry) -> None:
        found.append(Finding(label, None, where, kind, message))

    for i, mirror in enumerate(reg.mirrors):
        where = f"{entry}.mirror[{i}]"
        if mirror.location.endswith("/"):
            add(
                "trailing-slash",
                f"location {json.dumps(mirror.location)} ends with '/': containers/image "
                "5.34.2 keeps it, and every reference rewritten through this mirror is invalid",
                where,
            )
        if reg.location and mirror.location.rstrip("/") == reg.location:
            add(
                "mirror-is-primary",
                f"the registry's own location {json.dumps(reg.location)}: the same source is "
                "tried twice",
                where,
            )
        for j in range(i):
            if reg.mirrors[j].location == mirror.location:
                add(
                    "duplicate-mirror",
                    f"repeats mirror[{j}] ({json.dumps(mirror.location)})",
                    where,
                )
                break
    if reg.blocked and not reg.prefix.startswith("*.") and reg.location != reg.prefix:
        add(
            "blocked-location",
            f"blocked, but its location {json.dumps(reg.location)} differs from its prefix: "
            "pulls are checked on the rewritten reference, so this entry does not block them",
        )
    return found


def _dynamic_findings(label: str, reg: Registry, planner: Planner, entry: str) -> list[Finding]:
    """What planning under an entry of the merged configuration shows."""
    found: list[Finding] = []
    for name in _probe_names(reg.prefix):
        winner = planner.find_registry(name)
        if winner is not None and winner.prefix != reg.prefix:
            found.append(
                Finding(
                    label,
                    None,
                    entry,
                    "shadowed-prefix",
                    f"never selected: references under {json.dumps(reg.prefix)} match "
                    f"{json.dumps(winner.prefix)} instead (the longest prefix wins)",
                )
            )
            continue
        for ref in (f"{name}:latest", f"{name}@{_PROBE_DIGEST}"):
            try:
                planner.plan(ref)
            except InvalidReference as err:
                found.append(
                    Finding(
                        label,
                        None,
                        entry,
                        "dead-prefix",
                        f"never selected: no valid image reference starts with "
                        f"{json.dumps(reg.prefix)} ({err.go_message})",
                    )
                )
                break
            except RegresolveError as err:
                how = "by digest" if "@" in ref else "by tag"
                found.append(
                    Finding(
                        label,
                        None,
                        entry,
                        "failing-entry",
                        f"every pull under {json.dumps(reg.prefix)} fails ({how}): "
                        f"{err.go_message}",
                    )
                )
                break
    return found


def lint(
    files: Sequence[tuple[str, RegistriesConf]], merged: RegistriesConf | None = None
) -> list[Finding]:
    """Cross-entry findings: the files podman reads, each loaded on its own, in merge order.

    ``merged`` (the configuration podman ends up with) decides shadowing and failing
    pulls; without it, the last file's own configuration is used.
    """
    findings: list[Finding] = []
    first_seen: dict[str, tuple[str, Registry]] = {}
    for label, conf in files:
        for reg in conf.registries:
            entry = f"registry[prefix={json.dumps(reg.prefix)}]"
            earlier = first_seen.get(reg.prefix)
            if earlier is not None and earlier[0] != label:
                lost = len(earlier[1].mirrors)
                findings.append(
                    Finding(
                        label,
                        None,
                        entry,
                        "dropin-override",
                        f"replaces the whole entry from {earlier[0]}"
                        + (
                            f", dropping its {lost} mirror{'s' if lost != 1 else ''}"
                            if lost
                            else ""
                        )
                        + " (drop-ins replace [[registry]] tables, they do not merge them)",
                    )
                )
            first_seen[reg.prefix] = (label, reg)
            findings.extend(_static_findings(label, reg, entry))
    final = merged if merged is not None else (files[-1][1] if files else None)
    if final is not None:
        planner = Planner(final, cache_size=0)
        for reg in final.registries:
            label = reg.origin or (files[-1][0] if files else "")
            entry = f"registry[prefix={json.dumps(reg.prefix)}]"
            findings.extend(_dynamic_findings(label, reg, planner, entry))
    return findings
