"""The planner: a configuration compiled once, then references planned in constant time.

``Planner(conf).plan(ref)`` (the core of [`Resolver`][regresolve.Resolver]) reproduces the docker
transport of containers/image v5.34.2 up to the first network access (spec R-PULL-6):
``ParseNormalizedNamed``, ``TagNameOnly``, the tag+digest refusal, ``FindRegistry(ref.Name())``,
``PullSourcesFromReference`` (mirror selection and rewriting, R-PULL-1/2, R-RW-1..5) and, for
every source, the blocked check on the *rewritten* name (R-PULL-5).

Everything that depends only on the configuration is computed in ``__init__``: the prefix
index (``_index``), and for every entry the mirrors used and skipped for digest and for
non-digest references.  What remains per call is string slicing, a reference parse per
source and a few dict lookups.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Final

import attrs

from regresolve._aliases import short_name_error
from regresolve._config import RegistriesConf
from regresolve._errors import (
    InvalidConfig,
    InvalidReference,
    PlanError,
    RegresolveError,
    ShortNameError,
)
from regresolve._grammar import NAME_TOTAL_LENGTH_MAX
from regresolve._index import PrefixIndex
from regresolve._model import Alias, Registry
from regresolve._plan import PullPlan, SkippedMirror, make_source
from regresolve._profiles import since
from regresolve._reference import Reference, parse_reference

__all__ = ["DEFAULT_CACHE_SIZE", "ERR_TAG_AND_DIGEST", "Planner"]

#: Plans kept per Planner (and Resolver) by default.  A webhook sees the same few hundred images
#: again and again; a cached plan costs a dict lookup instead of a parse and a rewrite per
#: source, and a Planner never changes, so a cached plan can never be stale.
DEFAULT_CACHE_SIZE = 4096

ERR_TAG_AND_DIGEST = "Docker references with both a tag and digest are currently not supported"


# How an endpoint's location combines with the rest of a reference (decided once per config).
_SAME = 0  # literal prefix == location: the rewrite is the identity
_EMPTY = 1  # no location (wildcard entries only): the reference is used as is
_CHECK = 2  # anything else: location + rest, validated (fast path when provably valid)
_BAD = 3  # no location on a literal prefix: Go's rewrite refuses it (unreachable after loading)

# An endpoint as the hot path sees it:
# (location, insecure, is_mirror, pull_from_mirror, kind, path_ok, self_ok)
_Endpoint = tuple[str, bool, bool, str, int, bool, bool, str]


# A name that is certainly canonical: a lower-case host with a "." or a port, then lower-case
# path components.  Anything else (upper case, odd separators, docker.io) takes the full parse.
_PLAIN_CANONICAL: Final = re.compile(
    r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z0-9]+(?:-[a-z0-9]+)*(?::[0-9]+)?"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+",
    re.ASCII,
)


def _canonical_name(text: str) -> bool:
    """``ParseNamed(text)`` succeeds, the result has no tag/digest and a non-docker.io host.

    For such a ``text`` every ``text + "/" + components [+ tag] [+ digest]`` built from a
    valid reference's own parts is canonical as well, up to the 255-character name limit:
    the host decides normalization and the grammar is per component.
    """
    if (
        len(text) <= NAME_TOTAL_LENGTH_MAX
        and _PLAIN_CANONICAL.fullmatch(text) is not None
        and not text.startswith(("docker.io/", "index.docker.io/"))
    ):
        return True
    try:
        ref = parse_reference(text, normalize=False)
    except InvalidReference:
        return False
    return (
        ref.tag is None
        and ref.digest is None
        and ref.domain not in ("", "docker.io", "index.docker.io")
        and ref.name == text
    )


def _endpoint(  # noqa: PLR0917 - the Endpoint's fields in order
    prefix: str, location: str, insecure: bool, is_mirror: bool, pfm: str, nsp: str
) -> _Endpoint:
    if not location:
        kind = _EMPTY if prefix.startswith("*.") else _BAD
        return (location, insecure, is_mirror, pfm, kind, False, False, nsp)
    if location == prefix and not prefix.startswith("*."):
        return (location, insecure, is_mirror, pfm, _SAME, False, False, nsp)
    # path_ok: location + "/<components>" is canonical; self_ok: location + ":tag"/"@digest" is.
    path_ok = _canonical_name(location + "/x")
    self_ok = path_ok and "/" in location and _canonical_name(location)
    return (location, insecure, is_mirror, pfm, _CHECK, path_ok, self_ok, nsp)


class _Compiled:
    """Per-entry data derived once from a Registry."""

    __slots__ = (
        "digest_endpoints",
        "digest_skipped",
        "registry",
        "sub",
        "tag_endpoints",
        "tag_skipped",
    )

    def __init__(self, reg: Registry) -> None:
        self.registry = reg
        # For a wildcard, the rewrite cuts after the first occurrence of ".S" (R-RW-3).
        self.sub = reg.prefix[1:] if reg.prefix.startswith("*.") else None
        primary = _endpoint(reg.prefix, reg.location, reg.insecure, False, "", reg.namespace_proxy)
        dig: list[_Endpoint] = []
        tag: list[_Endpoint] = []
        dig_skip: list[SkippedMirror] = []
        tag_skip: list[SkippedMirror] = []
        for m in reg.mirrors:
            ep = _endpoint(
                reg.prefix, m.location, m.insecure, True, m.pull_from_mirror, m.namespace_proxy
            )
            # SPEC R-PULL-1: mirror-by-digest-only overrides every per-mirror setting.
            if reg.mirror_by_digest_only:
                dig.append(ep)
                tag_skip.append(
                    SkippedMirror(
                        m,
                        "mirror-by-digest-only = true on the registry and the reference "
                        "has no digest",
                    )
                )
            elif m.pull_from_mirror == "digest-only":
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
        # SPEC R-PULL-2: the primary endpoint always comes last.
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


class Planner:
    """A compiled, immutable view of one [`RegistriesConf`][regresolve.RegistriesConf], safe to
    share across threads.

    It plans fully qualified references and looks up entries and aliases; short-name
    resolution builds on it ([`Resolver`][regresolve.Resolver] adds it).

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
        "_paths",
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
        # Per-entry data is compiled on an entry's first use, so that building a Resolver for
        # 100,000 entries costs only the index.  Two threads compiling the same entry at once
        # build equal objects; either may win, both are correct.
        self._compiled: dict[int, _Compiled] = {}
        # Where the blocked-registry message says the entry is: ConfigPath or ConfigDirPath,
        # from 5.40 the whole ConfigurationSourceDescription.
        self._paths = (
            f"one of {conf.source_description}"
            if since(conf.minor, "configfile-discovery")
            else f"{conf.path} or {conf.dir_path}"
        )
        self._cache: dict[str, PullPlan] = {}
        self._cache_size = max(0, cache_size)
        self._lock = threading.Lock()
        if isinstance(user_aliases, InvalidConfig):
            self._user_aliases = _UserAliases({}, user_aliases)
        else:
            self._user_aliases = _UserAliases({a.name: a for a in user_aliases or ()}, None)

    @property
    def user_aliases(self) -> tuple[tuple[tuple[str, str, str], ...], str | None]:
        """The user alias cache as compared values: ``((name, value, origin), ...)``, error."""
        ua = self._user_aliases
        error = None if ua.error is None else ua.error.go_message
        return tuple(sorted((a.name, a.value, a.origin) for a in ua.aliases.values())), error

    # -- lookups -----------------------------------------------------------------------------

    def find_registry(self, name: str) -> Registry | None:
        """Go ``FindRegistry`` on any string (a prefix with ``:tag`` only matches full strings)."""
        return self._index.find(name)

    def plan(self, reference: str | Reference, *, parsed: Reference | None = None) -> PullPlan:
        """The pull plan for one reference.

        ``parsed``, when given with a string, is that string already parsed with
        ``parse_reference`` (callers that parsed it anyway save the second parse).

        Raises:
            InvalidReference: the text is not a reference (Go's message).
            PlanError: a tag and a digest together, or a rewrite that is not a valid
                canonical reference (``rewriting reference: ...``).
        """
        if isinstance(reference, str):
            hit = self._cache.get(reference)
            if hit is not None:
                return hit
            ref = parse_reference(reference) if parsed is None else parsed
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
        # SPEC R-PULL-6 steps 2-3: TagNameOnly, then refuse a tag and a digest together.
        tag, digest = ref.tag, ref.digest
        if tag is None and digest is None:
            ref = ref.with_default_tag()
        elif tag is not None and digest is not None:
            raise PlanError(ERR_TAG_AND_DIGEST, text)
        return self.pull_sources(ref, text)

    def pull_sources(self, ref: Reference, text: str | None = None) -> PullPlan:
        """Go ``FindRegistry(ref.Name())`` + ``PullSourcesFromReference(ref)``, as they are.

        `plan` is this plus the docker transport's own steps (``:latest`` added, a tag
        and a digest refused); callers that use the library directly, as the MCO does for the
        release payload, get this.  Sources still carry the blocked check (R-PULL-5).

        Raises:
            PlanError: a rewrite that is not a valid canonical reference.
        """
        if text is None:
            text = str(ref)
        digest = ref.digest
        name = ref.name
        full = str(ref)
        reg = self._index.find(name)
        if reg is None:
            # SPEC R-MATCH-5: the synthetic registry (prefix = location = the full reference)
            # rewrites to the reference itself; its name matches nothing, so nothing blocks.
            return PullPlan(
                text, ref, None, (make_source(full, full, False, False, "", None, None, ""),)
            )
        comp = self._compiled.get(id(reg))
        if comp is None:
            comp = self._compiled[id(reg)] = _Compiled(reg)
        if digest is not None:
            endpoints, skipped = comp.digest_endpoints, comp.digest_skipped
        else:
            endpoints, skipped = comp.tag_endpoints, comp.tag_skipped
        # The rewrite keeps everything after the matched part (R-RW-1, R-RW-3); the matched
        # part ends inside the name, so the name's remainder and the tag/digest are separate.
        sub = comp.sub
        cut = len(reg.prefix) if sub is None else name.find(sub) + len(sub)
        rest_name = name[cut:]
        suffix = full[len(name) :]
        sources = []
        find = self._index.find
        check_blocked = self._any_blocked
        for location, insecure, is_mirror, pfm, kind, path_ok, self_ok, nsp in endpoints:
            if kind < _CHECK:  # _SAME or _EMPTY: the reference as it is
                new, new_name = full, name
            elif kind == _BAD:
                # Only a hand-built RegistriesConf gets here: loading rejects it.
                raise PlanError(
                    f"invalid prefix '{reg.prefix}' for empty location, should be in the "
                    "format: *.example.com",
                    text,
                )
            else:
                new_name = location + rest_name
                if (
                    (path_ok and rest_name[:1] == "/" and len(new_name) <= NAME_TOTAL_LENGTH_MAX)
                    if rest_name
                    else self_ok
                ):
                    new = new_name + suffix
                else:
                    new = location + full[cut:]
                    try:
                        new_name = parse_reference(new, normalize=False).name
                    except InvalidReference as e:
                        # SPEC R-RW-4: one bad rewrite fails the whole plan.
                        raise PlanError(f"rewriting reference: {e.go_message}", text) from None
            if check_blocked:
                # SPEC R-PULL-5: the blocked check runs per source on the rewritten name.  A
                # source that keeps the name is looked up already: its entry is ``reg``.
                hit = reg if new_name is name else find(new_name)
                if hit is not None and hit.blocked:
                    sources.append(
                        make_source(
                            new,
                            location,
                            insecure,
                            is_mirror,
                            pfm,
                            hit.prefix,
                            f"registry {hit.prefix} is blocked in {self._paths}",
                            nsp,
                        )
                    )
                    continue
            sources.append(make_source(new, location, insecure, is_mirror, pfm, None, None, nsp))
        return PullPlan(text, ref, reg, tuple(sources), skipped)

    # -- short names -------------------------------------------------------------------------

    def lookup_alias(self, name: str) -> Alias | None:
        """Go ``ResolveShortNameAlias`` for a literal short name: the user cache first.

        Returns the alias (its ``value`` is "" when erased) or None.

        Raises:
            ShortNameError: ``name`` is not a valid short name (Go validates it first).
            InvalidConfig: the user alias cache is corrupt.
        """
        problem = short_name_error(name)
        if problem is not None:
            raise ShortNameError(problem, name)
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

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {len(self.conf.registries)} registries from"
            f" {self.conf.path or '<text>'}>"
        )
