"""The resolver: the planner plus short-name resolution, as podman uses them before a pull.

[`Resolver`][regresolve.Resolver] is the public face of the engine: ``plan`` for fully
qualified references (from `_planner.Planner`), ``resolve_short_name`` and ``resolve_locally``
for short names (`_shortnames`, which plans each candidate with the same
compiled configuration).
"""

from __future__ import annotations

from regresolve._planner import DEFAULT_CACHE_SIZE, Planner
from regresolve._reference import Reference
from regresolve._shortnames import ShortNameResolution, resolve, resolve_locally

__all__ = ["DEFAULT_CACHE_SIZE", "Resolver"]


class Resolver(Planner):
    """A compiled, immutable view of one [`RegistriesConf`][regresolve.RegistriesConf], safe to
    share across threads.

    Args:
        conf: the merged configuration (``load_config`` or ``RegistriesConf.from_toml``).
        cache_size: how many plans to keep (0 disables the cache).
        user_aliases: the machine-written alias cache (``load_alias_cache``), consulted before
            the configuration's aliases, or the error loading it raised: as in Go, a corrupt
            cache then fails every short-name resolution.

    `plan` takes a reference as the docker transport does: a short name is *not*
    resolved there, it is normalized to ``docker.io`` (Go's ``ParseNormalizedNamed``).  Use
    `resolve_short_name` (or [`plan_image`][regresolve.plan_image]) for what podman does first.
    """

    __slots__ = ()

    def resolve_short_name(self, name: str, *, mode: str | None = None) -> ShortNameResolution:
        """``pkg/shortnames.Resolve`` without a TTY (see `_shortnames`)."""
        return resolve(self, name, mode=mode)

    def resolve_locally(self, name: str) -> tuple[Reference, ...]:
        """``pkg/shortnames.ResolveLocally``: the names podman looks for in local storage."""
        return resolve_locally(self, name)
