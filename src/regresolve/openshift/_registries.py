"""EditRegistriesConfig (runtime-utils ``pkg/registries``) over a Go-shaped registries.conf.

The MCO decodes the base ``/etc/containers/registries.conf`` into containers/image's
``V2RegistriesConf`` struct with BurntSushi/toml, edits it in place, and encodes it again.
:class:`GoConf` is that struct (mutable, like the Go value being edited); :func:`decode_conf`
and :func:`encode_conf` reproduce the decode/encode round trip, so the text we render is the
text the MCO writes (BurntSushi/toml v1.5.0 layout, ``prefix = ""`` and all).

Theory of operation (rules M1-M5, E1-E7 of the spec):

1. IDMS entries, then ICSP entries, are merged per source into digest mirror sets; ITMS
   entries into tag mirror sets (:func:`merged_mirror_sets`; entries whose mirrors are only
   the source are dropped, their ``mirrorSourcePolicy`` with them).
2. Each merged set finds or creates its ``[[registry]]`` (scope = ``prefix`` or else
   ``location``) and appends its mirrors (``digest-only`` first, then ``tag-only``);
   ``NeverContactSource`` blocks the entry.
3. Entries for blocked scopes are created; insecure scopes mark their entries, nested
   entries and nested mirror locations; blocked scopes mark their entries and nested ones.
4. Nested entries without mirrors inherit the mirrors of an enclosing mirrored source,
   suffixed with the nested path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from regresolve._decode import DecodeError, decode, type_message
from regresolve._gotext import BARE_KEY, go_quote, toml_quote
from regresolve._tomldecode import TomlDecodeError
from regresolve._tomldecode import decode as decode_toml
from regresolve.openshift._scopes import scope_is_nested_inside_scope
from regresolve.openshift._topo import TopoGraph

__all__ = [
    "MCO_BASE_REGISTRIES_CONF",
    "GoConf",
    "GoEndpoint",
    "GoRegistry",
    "MergedMirrorSet",
    "MirrorRule",
    "RegistriesEditError",
    "decode_conf",
    "edit_registries_config",
    "encode_conf",
    "merged_mirror_sets",
    "mirrors_adjusted_for_nested_scope",
]

#: ``templates/*/01-*-container-runtime/_base/files/container-registries.yaml`` (MCO).
MCO_BASE_REGISTRIES_CONF: Final = (
    "unqualified-search-registries = ['registry.access.redhat.com', 'docker.io']\n"
)

MirrorSourcePolicy = Literal["", "NeverContactSource", "AllowContactingSource"]


class RegistriesEditError(Exception):
    """An error the Go code returns while editing (its text is the Go text)."""


@dataclass
class GoEndpoint:
    """``sysregistriesv2.Endpoint`` as a mutable Go value."""

    location: str = ""
    insecure: bool = False
    pull_from_mirror: str = ""


@dataclass
class GoRegistry:
    """``sysregistriesv2.Registry`` as a mutable Go value (before c/image post-processing)."""

    prefix: str = ""
    location: str = ""
    insecure: bool = False
    pull_from_mirror: str = ""
    mirrors: list[GoEndpoint] = field(default_factory=list)
    blocked: bool = False
    mirror_by_digest_only: bool = False

    @property
    def scope(self) -> str:
        """runtime-utils ``registryScope``: ``prefix`` if set, else ``location``."""
        return self.prefix or self.location


@dataclass
class GoConf:
    """``sysregistriesv2.V2RegistriesConf``; ``None`` stands for a nil slice or map."""

    registries: list[GoRegistry] | None = None
    unqualified_search_registries: list[str] | None = None
    credential_helpers: list[str] | None = None
    short_name_mode: str = ""
    additional_layer_store_auth_helper: str = ""
    aliases: dict[str, str] | None = None


@dataclass(frozen=True)
class MirrorRule:
    """One ``imageDigestMirrors`` / ``imageTagMirrors`` / ``repositoryDigestMirrors`` item."""

    source: str
    mirrors: tuple[str, ...]
    mirror_source_policy: MirrorSourcePolicy = ""


@dataclass(frozen=True)
class MergedMirrorSet:
    """runtime-utils ``mergedMirrorSet``: one source, its merged mirrors, its policy."""

    source: str
    mirrors: tuple[str, ...]
    mirror_source_policy: MirrorSourcePolicy = ""


# ---------------------------------------------------------------------------------------------
# Mirror-set merging (M1-M5)
# ---------------------------------------------------------------------------------------------


def merged_mirror_sets(rules: Iterable[MirrorRule]) -> list[MergedMirrorSet]:
    """Merge rules per source (``mergedMirrorSets``), sorted by source (M5)."""
    sets: dict[str, list[tuple[str, ...]]] = {}
    never: set[str] = set()
    for rule in rules:
        if all(m == rule.source for m in rule.mirrors):
            continue  # M2: not a real mirror set; its mirrorSourcePolicy is ignored too.
        if rule.mirror_source_policy == "NeverContactSource":
            never.add(rule.source)
        sets.setdefault(rule.source, []).append(tuple(rule.mirrors))
    res = []
    for source in sorted(sets):
        graph = TopoGraph()
        for mirrors in sets[source]:
            for a, b in zip(mirrors, mirrors[1:]):
                graph.add_edge(a, b)
            if source not in mirrors:
                graph.add_edge(mirrors[-1], source)
        ordered = graph.sorted()
        if ordered[-1] == source:
            ordered.pop()
        res.append(
            MergedMirrorSet(source, tuple(ordered), "NeverContactSource" if source in never else "")
        )
    return res


def mirrors_adjusted_for_nested_scope(
    mirrored_scope: str, sub_scope: str, mirrors: Sequence[GoEndpoint]
) -> list[GoEndpoint]:
    """runtime-utils ``mirrorsAdjustedForNestedScope`` (rule E6; Q2 is its wildcard error)."""
    if not scope_is_nested_inside_scope(sub_scope, mirrored_scope):
        raise RegistriesEditError(
            "internal error: mirrorsAdjustedForNestedScope for "
            f"{go_quote(mirrored_scope)} and non-subscope {go_quote(sub_scope)}"
        )
    if mirrored_scope.startswith("*."):
        raise RegistriesEditError(
            "internal error: mirrorsAdjustedForNestedScope for a wildcard scope "
            + go_quote(mirrored_scope)
        )
    if not sub_scope.startswith(mirrored_scope):
        raise RegistriesEditError(
            "internal error: mirrorsAdjustedForNestedScope with unexpected scopes "
            f"{go_quote(mirrored_scope)} and {go_quote(sub_scope)}"
        )
    adjustment = sub_scope[len(mirrored_scope) :]
    return [GoEndpoint(m.location + adjustment, m.insecure, m.pull_from_mirror) for m in mirrors]


def edit_registries_config(
    conf: GoConf,
    insecure_scopes: Sequence[str],
    blocked_scopes: Sequence[str],
    digest_rules: Iterable[MirrorRule],
    tag_rules: Iterable[MirrorRule],
) -> None:
    """runtime-utils ``EditRegistriesConfig``, editing ``conf`` in place.

    ``digest_rules`` are the IDMS entries followed by the ICSP entries (ICSP entries carry
    no policy); ``tag_rules`` the ITMS entries.
    """
    # Go appends to a possibly nil slice: it stays nil (no ``registry = []`` in the output)
    # until an entry is actually added.
    regs: list[GoRegistry] = conf.registries if conf.registries is not None else []

    def get_entry(scope: str) -> GoRegistry:
        for reg in regs:
            if reg.scope == scope:
                return reg
        reg = GoRegistry(prefix=scope) if scope.startswith("*.") else GoRegistry(location=scope)
        regs.append(reg)
        conf.registries = regs
        return reg

    def add_mirrors(sets: list[MergedMirrorSet], pull_from_mirror: str) -> None:
        for item in sets:
            reg = get_entry(item.source)
            if item.mirror_source_policy == "NeverContactSource":
                reg.blocked = True
            for mirror in item.mirrors:
                reg.mirrors.append(GoEndpoint(mirror, pull_from_mirror=pull_from_mirror))

    digest_sets = merged_mirror_sets(digest_rules)
    add_mirrors(digest_sets, "digest-only")
    tag_sets = merged_mirror_sets(tag_rules)
    add_mirrors(tag_sets, "tag-only")

    for scope in blocked_scopes:
        get_entry(scope)
    for insecure in insecure_scopes:
        get_entry(insecure).insecure = True
        for reg in regs:
            if scope_is_nested_inside_scope(reg.scope, insecure):
                reg.insecure = True
            for mirror in reg.mirrors:
                if scope_is_nested_inside_scope(mirror.location, insecure):
                    mirror.insecure = True
    for blocked in blocked_scopes:
        get_entry(blocked).blocked = True
        for reg in regs:
            if scope_is_nested_inside_scope(reg.scope, blocked):
                reg.blocked = True

    for mirror_set in [*digest_sets, *tag_sets]:
        mirrored = get_entry(mirror_set.source)
        mirrored_scope = mirrored.scope
        for reg in regs:
            scope = reg.scope
            if (
                scope != mirrored_scope
                and scope_is_nested_inside_scope(scope, mirrored_scope)
                and not reg.mirrors
            ):
                reg.mirrors = mirrors_adjusted_for_nested_scope(
                    mirrored_scope, scope, mirrored.mirrors
                )


# ---------------------------------------------------------------------------------------------
# BurntSushi/toml decode (into V2RegistriesConf) and encode (v1.5.0 layout)
# ---------------------------------------------------------------------------------------------


class ConfDecodeError(Exception):
    """The base registries.conf cannot be decoded into ``V2RegistriesConf`` (Go's text)."""


def decode_conf(text: str) -> GoConf:
    """Decode registries.conf text the way ``toml.Decode(text, &V2RegistriesConf{})`` does.

    The same decoder as containers/image's (:mod:`regresolve._decode`), into the struct
    without the v1 table: keys the struct does not have (v1 tables, typos) are dropped.
    """
    try:
        doc = decode_toml(text)
    except TomlDecodeError as e:
        raise ConfDecodeError(e.go_text) from None
    try:
        raw = decode(doc.values, v1=False)
    except DecodeError as e:
        raise ConfDecodeError(type_message(e, doc.key_lines)) from None
    conf = GoConf(
        unqualified_search_registries=raw.unqualified_search_registries,
        credential_helpers=raw.credential_helpers,
        short_name_mode=raw.short_name_mode,
        additional_layer_store_auth_helper=raw.additional_layer_store_auth_helper,
        aliases=raw.aliases,
    )
    if raw.registries is not None:
        conf.registries = [
            GoRegistry(
                prefix=r.prefix,
                location=r.location,
                insecure=r.insecure,
                pull_from_mirror=r.pull_from_mirror,
                mirrors=[GoEndpoint(m[0], m[1], m[2]) for m in r.mirrors or ()],
                blocked=r.blocked,
                mirror_by_digest_only=r.mirror_by_digest_only,
            )
            for r in raw.registries
        ]
    return conf


def _key(k: str) -> str:
    if k == "":
        return '""'
    if BARE_KEY.fullmatch(k):
        return k
    return toml_quote(k)


def _array(values: Sequence[str]) -> str:
    return "[" + ", ".join(toml_quote(v) for v in values) + "]"


class _Writer:
    """``toml.Encoder``'s output discipline: a newline is written only after something."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def newline(self) -> None:
        if self.parts:
            self.parts.append("\n")

    def kv(self, indent: str, key: str, value: str) -> None:
        self.parts.append(f"{indent}{_key(key)} = {value}")
        self.newline()


def _encode_endpoint_fields(w: _Writer, indent: str, loc: str, ins: bool, pfm: str) -> None:
    if loc:
        w.kv(indent, "location", toml_quote(loc))
    if ins:
        w.kv(indent, "insecure", "true")
    if pfm:
        w.kv(indent, "pull-from-mirror", toml_quote(pfm))


def encode_conf(conf: GoConf) -> str:
    """Encode like ``toml.NewEncoder(&buf).Encode(conf)`` with BurntSushi/toml v1.5.0.

    Field order and tags are those of the ``V2RegistriesConf`` the MCO vendors: direct
    values first (``registry = []`` when the slice is empty but not nil), then the
    ``[[registry]]`` tables, then ``[aliases]``.
    """
    w = _Writer()
    regs = conf.registries
    if regs is not None and not regs:
        w.kv("", "registry", "[]")
    for key, lst in (
        ("unqualified-search-registries", conf.unqualified_search_registries),
        ("credential-helpers", conf.credential_helpers),
    ):
        if lst is not None:
            w.kv("", key, _array(lst))
    w.kv("", "short-name-mode", toml_quote(conf.short_name_mode))
    w.kv(
        "",
        "additional-layer-store-auth-helper",
        toml_quote(conf.additional_layer_store_auth_helper),
    )
    for reg in regs or ():
        w.newline()
        w.parts.append("[[registry]]")
        w.newline()
        ind = "  "
        w.kv(ind, "prefix", toml_quote(reg.prefix))
        _encode_endpoint_fields(w, ind, reg.location, reg.insecure, reg.pull_from_mirror)
        if reg.blocked:
            w.kv(ind, "blocked", "true")
        if reg.mirror_by_digest_only:
            w.kv(ind, "mirror-by-digest-only", "true")
        for m in reg.mirrors:
            w.newline()
            w.parts.append("  [[registry.mirror]]")
            w.newline()
            _encode_endpoint_fields(w, "    ", m.location, m.insecure, m.pull_from_mirror)
    if conf.aliases is not None:
        w.newline()
        w.parts.append("[aliases]")
        w.newline()
        for k in sorted(conf.aliases):
            w.kv("  ", k, toml_quote(conf.aliases[k]))
    return "".join(w.parts)
