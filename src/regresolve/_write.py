"""A merged configuration written back as one v2 registries.conf file.

The text loads back, here and in Go, to a configuration equal to the one written: every
registry with an explicit prefix and location, every mirror field, erased aliases as ``""``
and the credential helpers always (the default included).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import tomli_w

from regresolve._errors import InvalidConfig, RegresolveError
from regresolve._gotext import go_quote
from regresolve._model import Alias, Registry

__all__ = ["dump_registries_conf"]


class _Conf(Protocol):
    """What is written: the fields of [`RegistriesConf`][regresolve.RegistriesConf]."""

    @property
    def registries(self) -> Sequence[Registry]: ...
    @property
    def unqualified_search_registries(self) -> Sequence[str] | None: ...
    @property
    def short_name_mode(self) -> str: ...
    @property
    def credential_helpers(self) -> Sequence[str]: ...
    @property
    def additional_layer_store_auth_helper(self) -> str: ...
    @property
    def aliases(self) -> Sequence[Alias]: ...


def _check_representable(registries: Iterable[Registry]) -> None:
    """One file cannot hold what only separate drop-ins may say (R-CONF-7 is per file)."""
    seen: dict[str, tuple[bool, bool, str]] = {}
    for r in registries:
        key = r.location or r.prefix
        prev = seen.setdefault(key, (r.insecure, r.blocked, r.prefix))
        if prev[:2] != (r.insecure, r.blocked):
            raise InvalidConfig(
                f"cannot write as one file: registries {go_quote(prev[2])} and"
                f" {go_quote(r.prefix)} share location {go_quote(r.location)} but differ in"
                " 'insecure' or 'blocked' (only separate drop-ins may do that)",
                entry=f"registry {go_quote(r.prefix)}",
            )


def dump_registries_conf(conf: _Conf) -> str:
    """One v2 file that loads back to a configuration equal to ``conf``.

    Raises:
        InvalidConfig: two registries share a location (or, without one, a prefix) but
            differ in ``insecure``/``blocked``; merged drop-ins may do that, one file may not.
    """
    doc: dict[str, Any] = {}
    if conf.unqualified_search_registries is not None:
        doc["unqualified-search-registries"] = list(conf.unqualified_search_registries)
    if conf.short_name_mode:
        doc["short-name-mode"] = conf.short_name_mode
    doc["credential-helpers"] = list(conf.credential_helpers)
    if conf.additional_layer_store_auth_helper:
        doc["additional-layer-store-auth-helper"] = conf.additional_layer_store_auth_helper
    if conf.aliases:
        doc["aliases"] = {a.name: a.value for a in conf.aliases}
    if conf.registries:
        _check_representable(conf.registries)
        regs = []
        for r in conf.registries:
            # An empty prefix (written as "/" or "//" originally) must not be written as
            # "": that would mean "prefix = location".  "/" trims back to "".
            t: dict[str, Any] = {"prefix": r.prefix or "/", "location": r.location}
            if r.insecure:
                t["insecure"] = True
            if r.blocked:
                t["blocked"] = True
            if r.mirror_by_digest_only:
                t["mirror-by-digest-only"] = True
            if r.mirrors:
                t["mirror"] = [
                    {"location": m.location, "insecure": m.insecure}
                    | ({"pull-from-mirror": m.pull_from_mirror} if m.pull_from_mirror else {})
                    for m in r.mirrors
                ]
            regs.append(t)
        doc["registry"] = regs
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError) as e:  # pragma: no cover - every value is str/bool/list
        raise RegresolveError(f"cannot serialize configuration: {e}") from None
