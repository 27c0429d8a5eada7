"""Immutable value objects for the entries of a containers-registries.conf.

These mirror the Go types of ``pkg/sysregistriesv2`` (v5.34.2) after loading: ``Endpoint``
(here [`Mirror`][regresolve.Mirror]), ``Registry`` and a short-name
[`Alias`][regresolve.Alias].  They are plain data: the builders (``_build``, ``_aliases``) are
the only way configuration text becomes these objects, and they do all validation there.  The
whole configuration is [`RegistriesConf`][regresolve.RegistriesConf] (``_config``).

The allowed values of the enumerated keys are defined here once, for every module.
"""

from __future__ import annotations

from typing import Any, Final, Literal

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


@attrs.frozen
class Mirror:
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


@attrs.frozen
class Registry:
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


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(cls, n).__set__ for n in names)


_new = object.__new__
_MIRROR_SET: Final = _slot_setters(
    Mirror, ("location", "insecure", "pull_from_mirror", "namespace_proxy")
)
_REGISTRY_SET: Final = _slot_setters(
    Registry,
    ("prefix", "location", "insecure", "blocked", "mirror_by_digest_only", "mirrors", "origin",
     "entry", "namespace_proxy"),
)  # fmt: skip


def new_mirror(
    location: str, insecure: bool, pull_from_mirror: str, namespace_proxy: str
) -> Mirror:
    """``Mirror(...)`` for the loader's hot loop: the same object, a third cheaper to make.

    Every argument is given and already validated (the loader checked it), so this fills
    the slots directly instead of going through attrs' ``__init__``.
    """
    m = _new(Mirror)
    a, b, c, d = _MIRROR_SET
    a(m, location)
    b(m, insecure)
    c(m, pull_from_mirror)
    d(m, namespace_proxy)
    return m


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
    r = _new(Registry)
    a, b, c, d, e, f, g, h, i = _REGISTRY_SET
    a(r, prefix)
    b(r, location)
    c(r, insecure)
    d(r, blocked)
    e(r, mirror_by_digest_only)
    f(r, mirrors)
    g(r, origin)
    h(r, entry)
    i(r, namespace_proxy)
    return r
