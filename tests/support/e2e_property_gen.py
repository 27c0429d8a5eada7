"""Generated end-to-end cases: registries.conf files whose every host is a loopback endpoint.

A :class:`Case` is what one run of the property test (``tests/e2e/test_e2e_property.py``)
feeds to podman, skopeo and regresolve: the files (a main ``registries.conf`` and drop-ins),
which repositories the test registry serves, and one reference to pull.

Every location is one of the endpoints of the test registry in the loopback-only namespace
(:data:`e2e_harness.LISTENERS`), which behave in three ways:

* a listener in the case's ``serve`` set has the image for every repository (any tag, and the
  image's digest ``@D``); a secure (not ``insecure``) source never gets past its untrusted
  certificate, so only insecure sources can succeed;
* any other listener answers a quick 404 (``manifest unknown``);
* a port nobody listens on (:data:`REFUSED_PORT`) refuses the connection.

The strategies draw from small alphabets (hosts, path segments, short names) so that
prefixes overlap, tie and miss, references hit the configured prefixes, and drop-ins replace
entries of the main file.  Every choice shrinks towards the simplest form (no drop-ins, no
mirrors, flags off, the first alphabet entry), so a disagreement shrinks to a small file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hypothesis import strategies as st

from support.e2e_harness import HOSTS, LISTENERS
from support.e2e_registry import IMAGE_DIGEST

# -- the endpoints ---------------------------------------------------------------------------------

#: ``@D`` in a reference (and in scenario entries) is the served image's digest; ``@F`` a
#: well-formed digest nobody serves.
FAKE_DIGEST = "sha256:" + "a" * 64
#: A port no listener uses, on every loopback address: connecting to it is refused.
REFUSED_PORT = 5002

#: ``IP:PORT`` of every listener of the test registry.
LISTENER_ADDRS: tuple[str, ...] = tuple(spec.split("://", 1)[1] for spec in LISTENERS)

#: host[:port] values a location, mirror, search registry or alias target may use: HTTPS
#: listeners, the plain-HTTP one (127.0.0.4), names the namespace's hosts file maps, and
#: ports nobody listens on.
ENDPOINTS: tuple[str, ...] = (
    "127.0.0.1:5000",
    "127.0.0.2:5000",
    "127.0.0.3:5000",
    "127.0.0.4:5000",
    "127.0.0.5:5001",
    "localhost:5001",
    "b.localhost:5000",
    f"127.0.0.2:{REFUSED_PORT}",
    f"127.0.0.3:{REFUSED_PORT}",
)
#: prefixes without a port: they match the host with any port and carry the reference's
#: port onto a location without one (the port quirk, SPEC R-MATCH-2 and §10.3)
PORTLESS_PREFIXES = ("127.0.0.1", "127.0.0.3")
PORTLESS_LOCATIONS = ("127.0.0.2", "127.0.0.5")
WILDCARD = "*.localhost"
#: reference hosts under the wildcard (a.localhost means port 443, a listener on 127.0.0.6)
WILDCARD_REF_HOSTS = ("a.localhost", "b.localhost:5000")

PREFIX_PATHS = ("", "ns", "ns/app", "app", "m")
LOCATION_PATHS = ("", "m", "ns", "m/ns", "app")
#: rare location paths that make the rewritten reference invalid (SPEC R-RW-4)
BAD_LOCATION_PATHS = ("Up",)
REF_PATHS = ("app", "ns/app", "ns/app/x", "ns", "m/app", "nsx/app", "app/x")
SHORT_NAMES = ("app", "ns/app", "tool", "library/app")
#: tag, none (latest), the served digest, tag+digest (podman drops the tag, skopeo refuses),
#: a digest nobody serves; with their weights
REF_SUFFIXES = ((":1", 3), ("", 2), ("@D", 3), (":1@D", 1), ("@F", 1))
#: short-name-mode values with their weights ("bogus" is a load error)
MODES = ((None, 9), ("permissive", 6), ("enforcing", 6), ("disabled", 6), ("bogus", 1))
PULL_FROM_MIRROR = (None, "all", "digest-only", "tag-only")
DROPIN_NAMES = ("10-a.conf", "20-b.conf", "5-c.conf")

T = TypeVar("T")


def weighted(pairs: Sequence[tuple[T, int]]) -> st.SearchStrategy[T]:
    """One of the values, with the given weights; shrinks towards the first."""
    table = [value for value, weight in pairs for _ in range(weight)]
    return st.integers(0, len(table) - 1).map(table.__getitem__)


def flag(weight_true: int = 1, weight_false: int = 3) -> st.SearchStrategy[bool]:
    """A boolean that is False more often and shrinks to False."""
    return weighted([(False, weight_false), (True, weight_true)])


def listener_of(hostport: str) -> str:
    """The ``IP:PORT`` a ``host[:port]`` connects to inside the namespace (443 by default)."""
    host, _, port = hostport.partition(":")
    return f"{HOSTS.get(host, host)}:{port or '443'}"


def d(text: str) -> str:
    """Expand ``@D`` (the served image's digest) and ``@F`` (a digest nobody serves)."""
    return text.replace("@D", "@" + IMAGE_DIGEST).replace("@F", "@" + FAKE_DIGEST)


def undigest(text: str) -> str:
    """The inverse of :func:`d`, for printing."""
    return text.replace("@" + IMAGE_DIGEST, "@D").replace("@" + FAKE_DIGEST, "@F")


# -- the model of one file -----------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorSpec:
    location: str
    insecure: bool = False
    pull_from_mirror: str | None = None


@dataclass(frozen=True)
class EntrySpec:
    """One ``[[registry]]``: ``prefix`` None means "not written" (the location is the prefix)."""

    prefix: str | None
    location: str | None
    insecure: bool = False
    blocked: bool = False
    digest_only: bool = False
    mirrors: tuple[MirrorSpec, ...] = ()


@dataclass(frozen=True)
class V1Spec:
    search: tuple[str, ...] = ()
    insecure: tuple[str, ...] = ()
    block: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileSpec:
    search: tuple[str, ...] | None = None
    mode: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()
    entries: tuple[EntrySpec, ...] = ()
    v1: V1Spec | None = None


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(spec: FileSpec) -> str:
    """The TOML text of one file (keys in a fixed order)."""
    lines: list[str] = []
    if spec.search is not None:
        lines.append(f"unqualified-search-registries = [{', '.join(_q(s) for s in spec.search)}]")
    if spec.mode is not None:
        lines.append(f"short-name-mode = {_q(spec.mode)}")
    for entry in spec.entries:
        lines += ["", "[[registry]]"]
        if entry.prefix is not None:
            lines.append(f"prefix = {_q(entry.prefix)}")
        if entry.location is not None:
            lines.append(f"location = {_q(entry.location)}")
        if entry.insecure:
            lines.append("insecure = true")
        if entry.blocked:
            lines.append("blocked = true")
        if entry.digest_only:
            lines.append("mirror-by-digest-only = true")
        for mirror in entry.mirrors:
            lines += ["", "[[registry.mirror]]", f"location = {_q(mirror.location)}"]
            if mirror.insecure:
                lines.append("insecure = true")
            if mirror.pull_from_mirror is not None:
                lines.append(f"pull-from-mirror = {_q(mirror.pull_from_mirror)}")
    if spec.aliases:
        lines += ["", "[aliases]"]
        lines += [f"{_q(name)} = {_q(target)}" for name, target in spec.aliases]
    if spec.v1 is not None:
        for key, values in (
            ("search", spec.v1.search),
            ("insecure", spec.v1.insecure),
            ("block", spec.v1.block),
        ):
            # Empty lists are written too: 5.23.1 and 5.34.2 disagree about them.
            lines += ["", f"[registries.{key}]"]
            lines.append(f"registries = [{', '.join(_q(v) for v in values)}]")
    return "\n".join(lines).strip("\n") + "\n"


# -- one case ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Files, what the registry serves, and the reference to pull.

    ``serve``: lines for the registry's serve file, ``LISTENER/*`` (every repository on that
    listener) or ``LISTENER/REPO``.  ``ref`` may contain ``@D`` / ``@F`` (see :func:`d`).
    """

    main: str
    ref: str
    dropins: Mapping[str, str] = field(default_factory=dict)
    serve: tuple[str, ...] = ()

    def files(self) -> dict[str, str]:
        out = {"registries.conf": self.main}
        out.update({f"registries.conf.d/{n}": t for n, t in self.dropins.items()})
        return out

    def key(self) -> str:
        """A short stable name for this case (for directories and scenario names)."""
        text = repr((self.main, sorted(self.dropins.items()), self.serve, self.ref))
        return hashlib.sha256(text.encode()).hexdigest()[:10]

    def serves(self, source_ref: str) -> bool:
        """Does the registry have an image at this (fully qualified) source reference?"""
        host_port, _, rest = source_ref.partition("/")
        listener = listener_of(host_port)
        if listener not in LISTENER_ADDRS:
            return False
        name, at, digest = rest.partition("@")
        if at and digest != IMAGE_DIGEST:
            return False
        repo = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
        return f"{listener}/*" in self.serve or f"{listener}/{repo}" in self.serve


def is_listening(source_ref: str) -> bool:
    """Does anything listen where this source reference points (else: connection refused)?"""
    return listener_of(source_ref.partition("/")[0]) in LISTENER_ADDRS


# -- strategies ----------------------------------------------------------------------------------


def _join(host: str, path: str) -> str:
    return f"{host}/{path}" if path else host


def _locations(*, portless: bool) -> st.SearchStrategy[str]:
    hosts = (
        weighted([(PORTLESS_LOCATIONS[0], 2), (PORTLESS_LOCATIONS[1], 1), (ENDPOINTS[1], 1)])
        if portless
        else st.sampled_from(ENDPOINTS)
    )
    if portless:
        # the carried port lands after the location's path: only a bare host stays valid
        paths = weighted([("", 12), *((p, 1) for p in LOCATION_PATHS[1:3])])
    else:
        paths = weighted([*((p, 4) for p in LOCATION_PATHS), *((p, 1) for p in BAD_LOCATION_PATHS)])
    return st.builds(_join, hosts, paths)


def _mirrors(digest_only: bool) -> st.SearchStrategy[tuple[MirrorSpec, ...]]:
    # mirror-by-digest-only next to a per-mirror pull-from-mirror is a load error: rare
    pfm = weighted([(None, 25), ("all", 1)]) if digest_only else st.sampled_from(PULL_FROM_MIRROR)
    mirror = st.builds(
        MirrorSpec,
        location=st.builds(
            _join,
            st.sampled_from(ENDPOINTS),
            weighted([*((p, 6) for p in LOCATION_PATHS), ("m/", 1)]),
        ),
        insecure=flag(3, 1),
        pull_from_mirror=pfm,
    )
    return st.lists(mirror, max_size=3).map(tuple)


@st.composite
def entries(draw: st.DrawFn) -> EntrySpec:
    shape = draw(weighted([("prefixed", 6), ("location-only", 3), ("wildcard", 1), ("port", 1)]))
    if shape == "wildcard":
        prefix: str | None = WILDCARD
        location = draw(st.one_of(st.none(), _locations(portless=False)))
    elif shape == "port":
        prefix = draw(st.sampled_from(PORTLESS_PREFIXES))
        location = draw(_locations(portless=True))
    else:
        host = draw(st.sampled_from((*ENDPOINTS, "a.localhost")))
        prefix = _join(host, draw(st.sampled_from(PREFIX_PATHS)))
        location = draw(_locations(portless=False))
        if shape == "location-only":
            location, prefix = prefix, None
        elif draw(weighted([(False, 150), (True, 1)])):
            location = None  # a non-wildcard prefix without a location: a load error
    digest_only = draw(flag(1, 4))
    # the port quirk carries the reference's port onto a mirror with a path, which always
    # fails the plan (SPEC R-RW-4): mirrors there only now and then
    with_mirrors = shape != "port" or draw(flag(1, 5))
    return EntrySpec(
        prefix=prefix,
        location=location,
        insecure=draw(flag(3, 1)),
        blocked=draw(flag(1, 3)),
        digest_only=digest_only,
        mirrors=draw(_mirrors(digest_only)) if with_mirrors else (),
    )


def _alias_targets() -> st.SearchStrategy[str]:
    good = st.builds(_join, st.sampled_from(ENDPOINTS), st.sampled_from(REF_PATHS))
    bad = st.sampled_from((":1", "@F")).flatmap(lambda s: good.map(lambda t: d(t + s)))
    return weighted([(0, 30), (1, 1), (2, 2)]).flatmap(
        lambda k: (good, bad, st.just(""))[k]  # "" erases an alias (in a drop-in)
    )


@st.composite
def aliases(draw: st.DrawFn) -> tuple[tuple[str, str], ...]:
    names = draw(st.lists(st.sampled_from(SHORT_NAMES), max_size=3, unique=True))
    return tuple((name, draw(_alias_targets())) for name in names)


@st.composite
def v1_files(draw: st.DrawFn) -> V1Spec:
    hosts = st.sampled_from(ENDPOINTS)
    # every list may be empty (5.23.1 then ignores the v1 tables, 5.34.2 converts them)
    search = tuple(draw(st.lists(hosts, max_size=2, unique=True)))
    return V1Spec(
        search=search,
        insecure=tuple(draw(st.lists(hosts, max_size=2, unique=True))),
        block=tuple(draw(st.lists(hosts, max_size=1, unique=True))),
    )


@st.composite
def file_specs(draw: st.DrawFn, *, max_entries: int = 4, v1_odds: int = 12) -> FileSpec:
    """One file; a v1 file once in ``v1_odds + 1`` (drop-ins must be v2: a load error)."""
    if draw(weighted([(False, v1_odds), (True, 1)])):
        spec = FileSpec(v1=draw(v1_files()))
        if draw(flag(1, 2)):
            spec = FileSpec(search=("127.0.0.2:5000",), v1=spec.v1)  # a v1/v2 mix
        return spec
    search = draw(
        weighted([(None, 1), ((), 3)]).flatmap(
            lambda unset: (
                st.none()
                if unset is None
                else st.lists(st.sampled_from(ENDPOINTS), min_size=1, max_size=3).map(tuple)
            )
        )
    )
    return FileSpec(
        search=search,
        mode=draw(weighted(MODES)),
        aliases=draw(
            weighted([(False, 2), (True, 1)]).flatmap(lambda on: aliases() if on else st.just(()))
        ),
        entries=tuple(draw(st.lists(entries(), max_size=max_entries))),
    )


def _reference_hosts(specs: Sequence[FileSpec]) -> list[str]:
    """Hosts (and prefix paths) the references aim at: the configured prefixes first."""
    out: list[str] = []
    for spec in specs:
        for entry in spec.entries:
            prefix = entry.prefix if entry.prefix is not None else entry.location
            if not prefix:
                continue
            if prefix == WILDCARD:
                out.extend(WILDCARD_REF_HOSTS)
            elif prefix.split("/", 1)[0] in PORTLESS_PREFIXES:
                host, _, path = prefix.partition("/")
                out.extend(_join(f"{host}:{port}", path) for port in (5000, 5001, REFUSED_PORT))
            else:
                out.append(prefix)
    return out


@st.composite
def references(draw: st.DrawFn, specs: Sequence[FileSpec]) -> str:
    aimed = _reference_hosts(specs)
    alias_names = [name for spec in specs for name, _ in spec.aliases]
    kind = draw(weighted([("aimed", 6 if aimed else 0), ("any", 1), ("short", 3)]))
    suffix = draw(weighted(REF_SUFFIXES))
    if kind == "short":
        name = draw(st.sampled_from(tuple(dict.fromkeys([*alias_names, *SHORT_NAMES]))))
        return name + suffix
    if kind == "aimed":
        base = draw(st.sampled_from(aimed))
        # a prefix with a path: the reference is that repository or one below it
        extras = ("", "app", "x/app") if "/" in base else REF_PATHS
        name = _join(base, draw(st.sampled_from(extras)))
    else:
        host = draw(st.sampled_from((*ENDPOINTS, *WILDCARD_REF_HOSTS)))
        name = _join(host, draw(st.sampled_from(REF_PATHS)))
    return name + suffix


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """One generated case: a main file, up to two drop-ins, what is served, a reference."""
    main = draw(file_specs())
    names = draw(st.lists(st.sampled_from(DROPIN_NAMES), max_size=2, unique=True))
    dropins = {name: draw(file_specs(max_entries=2, v1_odds=60)) for name in names}
    ref = draw(references([main, *dropins.values()]))
    # the listeners the files and the reference name are the interesting ones to serve
    named = sorted(
        {listener_of(h) for h in _hosts_named([main, *dropins.values()], ref)} & set(LISTENER_ADDRS)
    )
    pool = st.sampled_from(named) if named else st.sampled_from(LISTENER_ADDRS)
    serving = draw(st.lists(pool, min_size=1 if named else 0, max_size=4, unique=True))
    return Case(
        main=render(main),
        ref=ref,
        dropins={name: render(spec) for name, spec in dropins.items()},
        serve=tuple(f"{listener}/*" for listener in sorted(serving)),
    )


def _hosts_named(specs: Sequence[FileSpec], ref: str) -> set[str]:
    out = set()
    for spec in specs:
        for entry in spec.entries:
            out.update(e.partition("/")[0] for e in (entry.prefix, entry.location) if e)
            out.update(m.location.partition("/")[0] for m in entry.mirrors)
        out.update(spec.search or ())
        out.update(target.partition("/")[0] for _, target in spec.aliases if target)
        if spec.v1 is not None:
            out.update(spec.v1.search)
    first = ref.partition("/")[0]
    if "." in first or ":" in first:
        out.add(first)
    # without a port: a.localhost means 443; a bare IP (the port quirk) the reference's port
    bare_ips = {h for h in out if ":" not in h and not h.endswith("localhost")}
    return (out - bare_ips) | {f"{h}:{port}" for h in bare_ips for port in (5000, 5001)}


def describe(case: Case) -> str:
    """The case as text, for failure messages."""
    parts = [f"reference: {case.ref}", f"served: {', '.join(case.serve) or '(nothing)'}"]
    for name, text in case.files().items():
        parts.append(f"--- {name}\n{text.rstrip()}")
    return "\n".join(parts)
