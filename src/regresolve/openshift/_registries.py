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

import itertools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from regresolve.openshift._scopes import go_quote as _go_q
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
            for a, b in itertools.pairwise(mirrors):
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
            f"{_go_q(mirrored_scope)} and non-subscope {_go_q(sub_scope)}"
        )
    if mirrored_scope.startswith("*."):
        raise RegistriesEditError(
            "internal error: mirrorsAdjustedForNestedScope for a wildcard scope "
            + _go_q(mirrored_scope)
        )
    if not sub_scope.startswith(mirrored_scope):
        raise RegistriesEditError(
            "internal error: mirrorsAdjustedForNestedScope with unexpected scopes "
            f"{_go_q(mirrored_scope)} and {_go_q(sub_scope)}"
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
    """The base registries.conf cannot be decoded into ``V2RegistriesConf``."""


def _type_error(key: str, want: str, value: object) -> ConfDecodeError:
    got = type(value).__name__
    return ConfDecodeError(f"toml: cannot decode {got} into {want} (key {key!r})")


def _str(d: dict[str, Any], key: str, path: str) -> str:
    v = d.get(key, "")
    if not isinstance(v, str):
        raise _type_error(path + key, "string", v)
    return v


def _bool(d: dict[str, Any], key: str, path: str) -> bool:
    v = d.get(key, False)
    if not isinstance(v, bool):
        raise _type_error(path + key, "bool", v)
    return v


def _str_list(d: dict[str, Any], key: str, path: str) -> list[str] | None:
    if key not in d:
        return None
    v = d[key]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _type_error(path + key, "[]string", v)
    return list(v)


def _endpoint_fields(d: dict[str, Any], path: str) -> tuple[str, bool, str]:
    return _str(d, "location", path), _bool(d, "insecure", path), _str(d, "pull-from-mirror", path)


_REGISTRY_KEYS: Final = (
    "prefix", "location", "insecure", "pull-from-mirror", "mirror", "blocked",
    "mirror-by-digest-only",
)  # fmt: skip
_ENDPOINT_KEYS: Final = ("location", "insecure", "pull-from-mirror")
_TOP_KEYS: Final = (
    "registry", "unqualified-search-registries", "credential-helpers", "short-name-mode",
    "additional-layer-store-auth-helper", "aliases",
)  # fmt: skip


def _fields(d: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """Map TOML keys to struct fields as BurntSushi does: the exact tag first, else a
    case-insensitive match (Go ``strings.EqualFold``); unknown keys are dropped, and a later
    key for the same field overwrites an earlier one."""
    folded = {n.casefold(): n for n in names}
    out: dict[str, Any] = {}
    for key, value in d.items():
        field_name = key if key in names else folded.get(key.casefold())
        if field_name is not None:
            out[field_name] = value
    return out


def decode_conf(text: str) -> GoConf:
    """Decode registries.conf text the way ``toml.Decode(text, &V2RegistriesConf{})`` does.

    Keys the struct does not have (v1 tables, typos) are dropped, as in Go.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfDecodeError(f"toml: {e}") from e
    data = _fields(data, _TOP_KEYS)
    conf = GoConf()
    if "registry" in data:
        raw = data["registry"]
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise _type_error("registry", "[]sysregistriesv2.Registry", raw)
        conf.registries = []
        for i, r_raw in enumerate(raw):
            r = _fields(r_raw, _REGISTRY_KEYS)
            p = f"registry[{i}]."
            loc, ins, pfm = _endpoint_fields(r, p)
            reg = GoRegistry(
                prefix=_str(r, "prefix", p),
                location=loc,
                insecure=ins,
                pull_from_mirror=pfm,
                blocked=_bool(r, "blocked", p),
                mirror_by_digest_only=_bool(r, "mirror-by-digest-only", p),
            )
            if "mirror" in r:
                mirrors = r["mirror"]
                if not isinstance(mirrors, list) or not all(isinstance(m, dict) for m in mirrors):
                    raise _type_error(p + "mirror", "[]sysregistriesv2.Endpoint", mirrors)
                for j, m in enumerate(mirrors):
                    fields = _fields(m, _ENDPOINT_KEYS)
                    reg.mirrors.append(GoEndpoint(*_endpoint_fields(fields, f"{p}mirror[{j}].")))
            conf.registries.append(reg)
    conf.unqualified_search_registries = _str_list(data, "unqualified-search-registries", "")
    conf.credential_helpers = _str_list(data, "credential-helpers", "")
    conf.short_name_mode = _str(data, "short-name-mode", "")
    conf.additional_layer_store_auth_helper = _str(data, "additional-layer-store-auth-helper", "")
    if "aliases" in data:
        aliases = data["aliases"]
        if not isinstance(aliases, dict) or not all(isinstance(v, str) for v in aliases.values()):
            raise _type_error("aliases", "map[string]string", aliases)
        conf.aliases = dict(aliases)
    return conf


_BARE_KEY_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)


def _go_toml_quote(s: str) -> str:
    """BurntSushi's ``dblQuotedReplacer``: ``\\"``, ``\\\\``, short escapes, ``\\uXXXX``."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _key(k: str) -> str:
    if k == "":
        return '""'
    if all(c in _BARE_KEY_CHARS for c in k):
        return k
    return _go_toml_quote(k)


def _array(values: Sequence[str]) -> str:
    return "[" + ", ".join(_go_toml_quote(v) for v in values) + "]"


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
        w.kv(indent, "location", _go_toml_quote(loc))
    if ins:
        w.kv(indent, "insecure", "true")
    if pfm:
        w.kv(indent, "pull-from-mirror", _go_toml_quote(pfm))


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
    w.kv("", "short-name-mode", _go_toml_quote(conf.short_name_mode))
    w.kv(
        "",
        "additional-layer-store-auth-helper",
        _go_toml_quote(conf.additional_layer_store_auth_helper),
    )
    for reg in regs or ():
        w.newline()
        w.parts.append("[[registry]]")
        w.newline()
        ind = "  "
        w.kv(ind, "prefix", _go_toml_quote(reg.prefix))
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
            w.kv("  ", k, _go_toml_quote(conf.aliases[k]))
    return "".join(w.parts)
