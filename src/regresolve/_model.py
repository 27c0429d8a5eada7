"""Immutable value objects for the entries of a containers-registries.conf.

These mirror the Go types of ``pkg/sysregistriesv2`` (v5.34.2) after loading: ``Endpoint``
(here [`Mirror`][regresolve.Mirror]), ``Registry`` and a short-name
[`Alias`][regresolve.Alias].  They are plain data: the builders (``_build``, ``_aliases``) are
the only way configuration text becomes these objects, and they do all validation there.  The
whole configuration is [`RegistriesConf`][regresolve.RegistriesConf] (``_config``).

The allowed values of the enumerated keys are defined here once, for every module.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

__all__ = [
    "DEFAULT_CREDENTIAL_HELPERS",
    "PULL_FROM_MIRROR_VALUES",
    "SHORT_NAME_MODES",
    "Alias",
    "EffectiveShortNameMode",
    "Mirror",
    "PullFromMirror",
    "Registry",
    "ShortNameMode",
]

#: Values of ``[[registry.mirror]] pull-from-mirror`` (``""`` behaves like ``"all"``).
PullFromMirror = Literal["", "all", "digest-only", "tag-only"]
#: Values of ``short-name-mode`` after merging (``""`` means unset, i.e. permissive).
ShortNameMode = Literal["", "enforcing", "permissive", "disabled"]
#: The mode short-name resolution applies (unset is permissive).
EffectiveShortNameMode = Literal["enforcing", "permissive", "disabled"]

#: The short-name modes a file, podman or CRI-O may set (R-CONF-10), in Go's order.
SHORT_NAME_MODES: Final = ("enforcing", "permissive", "disabled")
#: The values ``pull-from-mirror`` accepts (R-CONF-6).
PULL_FROM_MIRROR_VALUES: Final = frozenset(("", "all", "digest-only", "tag-only"))

#: What ``credential-helpers`` becomes when no file sets a non-empty list (R-LOAD-5).
DEFAULT_CREDENTIAL_HELPERS: Final = ("containers-auth.json",)


class _MirrorSlots:
    # The storage of Mirror, in a base class so that new_mirror can fill a mutable twin of
    # the same layout and then switch its class (as regresolve._reference does).
    __slots__ = ("insecure", "location", "namespace_proxy", "pull_from_mirror")


@attrs.frozen(slots=True, weakref_slot=False)
class Mirror(_MirrorSlots):
    """One ``[[registry.mirror]]`` endpoint.

    Attributes:
        location: the mirror's location exactly as stored by v5.34.2.  Note that
            5.34.2 does *not* strip a trailing ``/`` here (R-CONF-6.5).
        insecure: skip TLS verification / allow HTTP for this mirror only.
        pull_from_mirror: ``""``, ``"all"``, ``"digest-only"`` or ``"tag-only"``.
        namespace_proxy: ``namespace-proxy`` (containers/image 5.41+; ``""`` before).
    """

    location: str
    insecure: bool = False
    pull_from_mirror: PullFromMirror = ""
    namespace_proxy: str = ""


class _RegistrySlots:
    # The storage of Registry (see _MirrorSlots).
    __slots__ = (
        "blocked",
        "entry",
        "insecure",
        "location",
        "mirror_by_digest_only",
        "mirrors",
        "namespace_proxy",
        "origin",
        "prefix",
    )


@attrs.frozen(slots=True, weakref_slot=False)
class Registry(_RegistrySlots):
    """One ``[[registry]]`` table after validation and merging.

    Attributes:
        prefix: the (trimmed) prefix it matches; equal to ``location`` when the file
            gave none.  ``*.example.com`` is a wildcard.
        location: where matching references are rewritten to (may be ``""`` for a
            wildcard prefix: no rewrite).
        insecure: the primary endpoint's TLS setting.
        blocked: pulls whose *physical* reference falls under this entry fail.
        mirror_by_digest_only: use the mirrors only for digest references.
        mirrors: in file order.
        origin: the file this entry was read from ("" for in-memory text); not part
            of equality, so a configuration written and read back compares equal.
        entry: where in that file (``registry[3]``, the first table with this prefix;
            ``registries[0]`` for a v1 file); "" when not read from a file.
        namespace_proxy: the primary endpoint's ``namespace-proxy`` (5.41+; ``""`` before).
    """

    prefix: str
    location: str
    insecure: bool = False
    blocked: bool = False
    mirror_by_digest_only: bool = False
    mirrors: tuple[Mirror, ...] = ()
    origin: str = attrs.field(default="", eq=False)
    entry: str = attrs.field(default="", eq=False)
    namespace_proxy: str = ""


@attrs.frozen
class Alias:
    """One short-name alias.

    Attributes:
        name: the short name, exactly as written (aliases are not normalized).
        value: the normalized target (``docker.io/library/foo``), or ``""`` when a
            later file erased the alias.
        origin: the file that set it last ("" for in-memory text).
    """

    name: str
    value: str
    origin: str = attrs.field(default="", eq=False)


class _BuildingMirror(_MirrorSlots):
    """A mutable twin of Mirror with the same layout."""

    __slots__ = ()
    location: str
    insecure: bool
    pull_from_mirror: str
    namespace_proxy: str


class _BuildingRegistry(_RegistrySlots):
    """A mutable twin of Registry with the same layout."""

    __slots__ = ()
    prefix: str
    location: str
    insecure: bool
    blocked: bool
    mirror_by_digest_only: bool
    mirrors: tuple[Mirror, ...]
    origin: str
    entry: str
    namespace_proxy: str


_new = object.__new__


def new_mirror(
    location: str, insecure: bool, pull_from_mirror: str, namespace_proxy: str
) -> Mirror:
    """``Mirror(...)`` for the loader's hot loop: the same object, half the cost.

    Every argument is given and already validated (the loader checked it).  attrs' frozen
    ``__init__`` stores each field through ``object.__setattr__``; plain stores on the mutable
    twin followed by a ``__class__`` switch are cheaper (about 160 ns instead of 310 ns).
    """
    m = _new(_BuildingMirror)
    m.location = location
    m.insecure = insecure
    m.pull_from_mirror = pull_from_mirror
    m.namespace_proxy = namespace_proxy
    m.__class__ = Mirror  # type: ignore[assignment]
    return m  # type: ignore[return-value]


def new_registry(  # noqa: PLR0917 - the fields in order, like Registry(...)
    prefix: str,
    location: str,
    insecure: bool,
    blocked: bool,
    mirror_by_digest_only: bool,
    mirrors: tuple[Mirror, ...],
    origin: str,
    entry: str,
    namespace_proxy: str,
) -> Registry:
    """``Registry(...)`` for the loader's hot loop (see :func:`new_mirror`)."""
    r = _new(_BuildingRegistry)
    r.prefix = prefix
    r.location = location
    r.insecure = insecure
    r.blocked = blocked
    r.mirror_by_digest_only = mirror_by_digest_only
    r.mirrors = mirrors
    r.origin = origin
    r.entry = entry
    r.namespace_proxy = namespace_proxy
    r.__class__ = Registry  # type: ignore[assignment]
    return r  # type: ignore[return-value]
