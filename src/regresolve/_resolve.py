"""The resolver: a configuration compiled once, then references planned in constant time.

``Resolver(conf).plan(ref)`` reproduces the docker transport of containers/image v5.34.2 up to
the first network access (spec R-PULL-6): ``ParseNormalizedNamed``, ``TagNameOnly``, the
tag+digest refusal, ``FindRegistry(ref.Name())``, ``PullSourcesFromReference`` (mirror
selection and rewriting, R-PULL-1/2, R-RW-1..5) and, for every source, the blocked check on
the *rewritten* name (R-PULL-5).

Everything that depends only on the configuration is computed in ``__init__``: the prefix
index (``_index``), and for every entry the mirrors used and skipped for digest and for
non-digest references.  What remains per call is string slicing, a reference parse per
source and a few dict lookups.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import attrs

from regresolve._errors import InvalidConfig, InvalidReference, PlanError, RegresolveError
from regresolve._grammar import NAME_TOTAL_LENGTH_MAX
from regresolve._index import PrefixIndex
from regresolve._model import Alias, RegistriesConf, Registry
from regresolve._plan import PullPlan, PullSource, SkippedMirror
from regresolve._reference import Reference, parse_reference

__all__ = ["DEFAULT_CACHE_SIZE", "Resolver"]

#: Plans kept per Resolver by default.  A webhook sees the same few hundred images again and
#: again; a cached plan costs a dict lookup instead of a parse and a rewrite per source, and a
#: Resolver never changes, so a cached plan can never be stale.
DEFAULT_CACHE_SIZE = 4096

ERR_TAG_AND_DIGEST = "Docker references with both a tag and digest are currently not supported"


# An endpoint as the hot path sees it: (location, insecure, is_mirror, pull_from_mirror,
# sub_ok, exact_ok).  ``sub_ok``: ``location + "/" + <any valid path>`` is always a canonical
# name; ``exact_ok``: ``location`` itself is one (see _canonical).  A rewrite covered by
# them needs no re-parse.
_Endpoint = tuple[str, bool, bool, str, bool, bool]

_DOCKER_DOMAINS = ("docker.io", "index.docker.io")


def _canonical(name: str) -> bool:
    """True when ``name`` is a canonical repository name outside docker.io.

    ``ParseNamed`` succeeding proves a registry domain (with a ``.`` or ``:``, or
    ``localhost``) followed by valid lowercase path components.  Checked on ``location + "/x"``
    it proves that appending any valid path (and a valid tag or digest, which the input
    already had) stays canonical, because the grammar is a concatenation of components.
    docker.io and index.docker.io are left to the full parse: whether ``library/`` is added
    there depends on the number of path components.  The 255-character limit is checked per
    call.
    """
    try:
        ref = parse_reference(name, normalize=False)
    except InvalidReference:
        return False
    return ref.tag is None and ref.digest is None and ref.domain not in _DOCKER_DOMAINS


def _endpoint(location: str, insecure: bool, is_mirror: bool, pfm: str) -> _Endpoint:
    if not location:
        return (location, insecure, is_mirror, pfm, False, False)
    return (
        location,
        insecure,
        is_mirror,
        pfm,
        _canonical(location + "/x"),
        _canonical(location),
    )


class _Compiled:
    """Per-entry data derived once from a Registry."""

    __slots__ = (
        "digest_endpoints",
        "digest_skipped",
        "registry",
        "tag_endpoints",
        "tag_skipped",
        "wild",
    )

    def __init__(self, reg: Registry) -> None:
        self.registry = reg
        self.wild = reg.prefix.startswith("*.")
        primary = _endpoint(reg.location, reg.insecure, False, "")
        dig: list[_Endpoint] = []
        tag: list[_Endpoint] = []
        dig_skip: list[SkippedMirror] = []
        tag_skip: list[SkippedMirror] = []
        for m in reg.mirrors:
            ep = _endpoint(m.location, m.insecure, True, m.pull_from_mirror)
            if reg.mirror_by_digest_only:
                dig.append(ep)
                tag_skip.append(
                    SkippedMirror(
                        m,
                        "mirror-by-digest-only = true on the registry and the reference "
                        "has no digest",
                    )
                )
                continue
            if m.pull_from_mirror == "digest-only":
                dig.append(ep)
                tag_skip.append(
                    SkippedMirror(
                        m, 'pull-from-mirror = "digest-only" and the reference has no digest'
                    )
                )
            elif m.pull_from_mirror == "tag-only":
                tag.append(ep)
                dig_skip.append(
                    SkippedMirror(m, 'pull-from-mirror = "tag-only" and the reference has a digest')
                )
            else:
                dig.append(ep)
                tag.append(ep)
        dig.append(primary)
        tag.append(primary)
        self.digest_endpoints = tuple(dig)
        self.tag_endpoints = tuple(tag)
        self.digest_skipped = tuple(dig_skip)
        self.tag_skipped = tuple(tag_skip)


@attrs.frozen
class _UserAliases:
    aliases: dict[str, Alias]
    error: RegresolveError | None


class Resolver:
    """A compiled, immutable view of one :class:`RegistriesConf`, safe to share across threads.

    Args:
        conf: the merged configuration (``load_config`` or ``RegistriesConf.from_toml``).
        cache_size: how many plans to keep (0 disables the cache).
        user_aliases: the machine-written alias cache (``load_alias_cache``), consulted before
            the configuration's aliases, or the error loading it raised: as in Go, a corrupt
            cache then fails every short-name resolution.
    """

    __slots__ = (
        "_any_blocked",
        "_cache",
        "_cache_size",
        "_compiled",
        "_index",
        "_lock",
        "_user_aliases",
        "conf",
    )

    def __init__(
        self,
        conf: RegistriesConf,
        *,
        cache_size: int = DEFAULT_CACHE_SIZE,
        user_aliases: Iterable[Alias] | InvalidConfig | None = None,
    ) -> None:
        self.conf = conf
        self._index = PrefixIndex(conf.registries)
        self._any_blocked = any(r.blocked for r in conf.registries)
        self._compiled = {id(r): _Compiled(r) for r in conf.registries}
        self._cache: dict[str, PullPlan] = {}
        self._cache_size = max(0, cache_size)
        self._lock = threading.Lock()
        if isinstance(user_aliases, InvalidConfig):
            self._user_aliases = _UserAliases({}, user_aliases)
        else:
            self._user_aliases = _UserAliases({a.name: a for a in user_aliases or ()}, None)

    # -- lookups -----------------------------------------------------------------------------

    def find_registry(self, name: str) -> Registry | None:
        """Go ``FindRegistry`` on any string (a prefix with ``:tag`` only matches full strings)."""
        return self._index.find(name)

    def plan(self, reference: str | Reference) -> PullPlan:
        """The pull plan for one reference.

        Raises:
            InvalidReference: the text is not a reference (Go's message).
            PlanError: a tag and a digest together, or a rewrite that is not a valid
                canonical reference (``rewriting reference: ...``).
        """
        if isinstance(reference, str):
            hit = self._cache.get(reference)
            if hit is not None:
                return hit
            ref = parse_reference(reference)
            text = reference
        else:
            ref = reference
            text = str(reference)
        plan = self._plan(text, ref)
        if self._cache_size and isinstance(reference, str):
            self._remember(reference, plan)
        return plan

    def _remember(self, key: str, plan: PullPlan) -> None:
        with self._lock:
            cache = self._cache
            if len(cache) >= self._cache_size:
                # Drop the oldest insertions (dicts keep insertion order).  Readers never
                # take the lock; a plan stays valid forever, so a racing read is harmless.
                for old in list(cache)[: max(1, self._cache_size // 8)]:
                    cache.pop(old, None)
            cache[key] = plan

    def _plan(self, text: str, ref: Reference) -> PullPlan:
        if ref.tag is None and ref.digest is None:
            ref = ref.with_default_tag()
        elif ref.tag is not None and ref.digest is not None:
            raise PlanError(ERR_TAG_AND_DIGEST, text)
        full = str(ref)
        reg = self._index.find(ref.name)
        if reg is None:
            # No entry: the docker transport uses a synthetic registry whose prefix and
            # location are the whole reference, so the only source is the reference itself.
            return PullPlan(
                text, ref, None, (self._source(full, ref.name, full, False, False, ""),)
            )
        comp = self._compiled[id(reg)]
        if ref.digest is not None:
            endpoints, skipped = comp.digest_endpoints, comp.digest_skipped
        else:
            endpoints, skipped = comp.tag_endpoints, comp.tag_skipped
        name = ref.name
        if comp.wild:
            suffix = reg.prefix[1:]
            cut = name.find(suffix) + len(suffix)
        else:
            cut = len(reg.prefix)
        rest = full[cut:]
        rest_name = name[cut:]
        exact = not rest_name
        sub = rest_name[:1] == "/" and len(rest_name) <= NAME_TOTAL_LENGTH_MAX
        sources = []
        for location, insecure, is_mirror, pfm, sub_ok, exact_ok in endpoints:
            if not location:
                # Only a wildcard entry may have no location: the reference is used as is.
                new, new_name = full, name
            elif (exact and exact_ok) or (
                sub and sub_ok and len(location) + len(rest_name) <= NAME_TOTAL_LENGTH_MAX
            ):
                new, new_name = location + rest, location + rest_name
            else:
                new = location + rest
                try:
                    new_name = parse_reference(new, normalize=False).name
                except InvalidReference as e:
                    raise PlanError(f"rewriting reference: {e.go_message}", text) from None
            sources.append(self._source(new, new_name, location, insecure, is_mirror, pfm))
        return PullPlan(text, ref, reg, tuple(sources), skipped)

    def _source(  # noqa: PLR0917 - private, hot path: positional on purpose
        self, new: str, name: str, location: str, insecure: bool, is_mirror: bool, pfm: str
    ) -> PullSource:
        if not self._any_blocked:
            return PullSource(new, location, insecure, is_mirror, pfm)
        hit = self._index.find(name)
        if hit is not None and hit.blocked:
            return PullSource(
                new,
                location,
                insecure,
                is_mirror,
                pfm,
                True,
                hit.prefix,
                f"registry {hit.prefix} is blocked in {self.conf.path} or {self.conf.dir_path}",
            )
        return PullSource(new, location, insecure, is_mirror, pfm)

    # -- short names -------------------------------------------------------------------------

    def lookup_alias(self, name: str) -> Alias | None:
        """Go ``ResolveShortNameAlias`` for a literal short name: the user cache first.

        Returns the alias (its ``value`` is "" when erased) or None.

        Raises:
            InvalidConfig: the user alias cache is corrupt.
        """
        ua = self._user_aliases
        if ua.error is not None:
            raise ua.error
        hit = ua.aliases.get(name)
        if hit is not None:
            return hit
        for a in self.conf.aliases:
            if a.name == name:
                return a
        return None

    def resolve_short_name(self, name: str, *, mode: str | None = None) -> ShortNameResolution:
        """``pkg/shortnames.Resolve`` without a TTY (see :mod:`regresolve._shortnames`)."""
        from regresolve._shortnames import resolve  # noqa: PLC0415 - mutual import

        return resolve(self, name, mode=mode)

    def resolve_locally(self, name: str) -> tuple[Reference, ...]:
        """``pkg/shortnames.ResolveLocally``: the names podman looks for in local storage."""
        from regresolve._shortnames import resolve_locally  # noqa: PLC0415 - mutual import

        return resolve_locally(self, name)

    def __repr__(self) -> str:
        return (
            f"<Resolver {len(self.conf.registries)} registries from {self.conf.path or '<text>'}>"
        )


# Re-exported for typing of resolve_short_name; defined with the short-name logic.
from regresolve._shortnames import ShortNameResolution  # noqa: E402
