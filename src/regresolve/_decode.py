"""A decoded TOML document -> the raw records Go's ``tomlConfig`` struct would hold.

containers/image decodes every registries.conf into one struct that has the v2 keys and the
v1 keys side by side.  BurntSushi/toml 1.4.0 fills it field by field (R-CONF-1):

* a TOML key names a field by its tag, exactly, or else case-insensitively (Go's
  ``strings.EqualFold``, see :func:`regresolve._gotext.fold`); unknown keys are dropped;
* a later key for the same field overwrites the earlier one;
* types are strict: a string field takes only a TOML string, a ``[]string`` only an array of
  strings, a struct only a table; anything else is a type error whose text names Go's types
  and the line BurntSushi recorded for the key (:func:`type_message`);
* one exception: a non-table ``aliases`` is dropped without a word (1.4.0's map decoding
  gives up silently on a failed type assertion).

The records keep what later steps need and nothing else; none of them is public.
:class:`RawFile` is also what the v1/v2 mixing error prints with Go's ``%#v``
(:func:`go_dump`), so it keeps "absent" (``None``) apart from "empty".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from regresolve._gotext import fold, go_key, go_quote
from regresolve._tomldecode import GoTime, TableArray

__all__ = [
    "DecodeError",
    "RawFile",
    "RawMirror",
    "RawRegistry",
    "any_name_of",
    "decode",
    "entry_of",
    "go_dump",
    "type_message",
]


#: One decoded ``[[registry.mirror]]`` (Go ``Endpoint``), before validation: location,
#: insecure, pull-from-mirror, namespace-proxy (5.41+, else ``""``).  A plain tuple: a file
#: of 100,000 entries makes a few hundred thousand of them.
RawMirror = tuple[str, bool, str, str]


class RawRegistry(NamedTuple):
    """One decoded ``[[registry]]`` (Go ``Registry``), before validation.

    ``mirrors`` is None when the key is absent: Go's nil slice, which ``%#v`` prints
    differently from an empty one.
    """

    prefix: str
    location: str
    insecure: bool
    pull_from_mirror: str
    mirrors: list[RawMirror] | None
    blocked: bool
    mirror_by_digest_only: bool
    namespace_proxy: str = ""  # 5.41+


class RawFile:
    """One decoded file: the v2 fields and the three v1 tables, ``None`` where absent."""

    __slots__ = (
        "additional_layer_store_auth_helper",
        "aliases",
        "credential_helpers",
        "from_v1",
        "registries",
        "short_name_mode",
        "unqualified_search_registries",
        "v1_block",
        "v1_insecure",
        "v1_search",
    )

    def __init__(self) -> None:
        self.registries: list[RawRegistry] | None = None
        #: Set once the v1 tables were converted: entries are then named ``registries[i]``.
        self.from_v1 = False
        self.unqualified_search_registries: list[str] | None = None
        self.credential_helpers: list[str] | None = None
        self.short_name_mode = ""
        self.additional_layer_store_auth_helper = ""
        self.aliases: dict[str, str] | None = None
        self.v1_search: list[str] | None = None
        self.v1_insecure: list[str] | None = None
        self.v1_block: list[str] | None = None

    def v2_set(self) -> bool:
        """Whether any v2 key was given (Go compares the v2 struct with its zero value)."""
        return (
            self.registries is not None
            or self.unqualified_search_registries is not None
            or self.credential_helpers is not None
            or self.short_name_mode != ""
            or self.additional_layer_store_auth_helper != ""
            or self.aliases is not None
        )

    def v1_set(self) -> bool:
        """Whether any v1 table gave its ``registries`` list (R-V1-1)."""
        return (
            self.v1_search is not None or self.v1_insecure is not None or self.v1_block is not None
        )

    def v2_nonempty(self) -> bool:
        """Go's ``V2RegistriesConf.Nonempty`` up to 5.23: an empty list or ``[aliases]``
        table counts as absent."""
        return bool(
            self.registries
            or self.unqualified_search_registries
            or self.credential_helpers
            or self.short_name_mode
            or self.additional_layer_store_auth_helper
            or self.aliases
        )

    def v1_nonempty(self) -> bool:
        """Go's ``V1RegistriesConf.Nonempty`` up to 5.23: an empty list counts as absent."""
        return bool(self.v1_search or self.v1_insecure or self.v1_block)


# -- type errors --------------------------------------------------------------------------


class DecodeError(Exception):
    """A value whose TOML type does not fit its Go field.

    Its text needs the document (for the key's line), so :func:`type_message` builds it.

    Attributes:
        ctx: the key path, without array indices (as BurntSushi records positions).
        value: the offending value (wrapped in :class:`_Element` for an array element).
        dst: Go's destination kind (``string``, ``boolean``, ``slice``) or None for a struct.
        struct: the Go struct type a table was expected for, or None.
        indices: array indices along ``ctx`` (position in ctx -> index), for the entry name.
    """

    def __init__(
        self, ctx: tuple[str, ...], value: Any, dst: str | None, struct: str | None = None
    ) -> None:
        super().__init__(dst)
        self.ctx = ctx
        self.value = value
        self.dst = dst
        self.struct = struct
        self.indices: dict[int, int] = {}


class _Element:
    """Marks a failing value as an element of an array (the key path names the array)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _go_type(value: Any, any_name: str = "any") -> str:
    """Go ``%T`` of a decoded TOML value, as BurntSushi prints it in type errors.

    ``any_name``: how the empty interface prints (``any``; ``interface {}`` before toml 1.4).
    """
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, dict):
        return f"map[string]{any_name}"
    if isinstance(value, TableArray):
        return f"[]map[string]{any_name}"
    if isinstance(value, list):
        return f"[]{any_name}"
    if isinstance(value, GoTime):
        return "time.Time"
    return type(value).__name__  # pragma: no cover - the decoder returns nothing else


def any_name_of(toml: str) -> str:
    """How Go prints the empty interface in the type errors of a BurntSushi/toml dialect:
    ``interface {}`` up to toml 1.3 (Go < 1.18 style), ``any`` from 1.4."""
    return "interface {}" if toml in ("1.2", "1.3") else "any"


def type_message(
    err: DecodeError, key_lines: Mapping[str, tuple[int, bool]], *, any_name: str = "any"
) -> str:
    """Go's text for a type error: ``toml: line N (last key "k"): ...``.

    ``key_lines`` is the document's ``Document.key_lines`` (BurntSushi's key positions);
    ``any_name`` as for :func:`_go_type`.
    """
    name = go_key(err.ctx)
    line = key_lines.get(name, (0, False))[0]
    value = err.value.value if isinstance(err.value, _Element) else err.value
    t = _go_type(value, any_name)
    if err.struct is not None:
        body = f"type mismatch for {err.struct}: expected table but found {t}"
    else:
        body = f"incompatible types: TOML value has type {t}; destination has type {err.dst}"
    if line > 0:
        return f"toml: line {line} (last key {go_quote(name)}): {body}"
    return f"toml: (last key {go_quote(name)}): {body}"


def entry_of(err: DecodeError) -> str:
    """Where a type error is (``InvalidConfig.entry``): ``registry[2].mirror[0].insecure``."""
    ctx = err.ctx
    if len(ctx) == 2 and fold(ctx[0]) == "aliases":
        return f"aliases.{go_quote(ctx[1])}"
    parts = []
    for k, part in enumerate(ctx):
        name = go_key((part,))
        if k in err.indices:
            name += f"[{err.indices[k]}]"
        parts.append(name)
    return ".".join(parts)


# -- fields -------------------------------------------------------------------------------


def _field_map(names: Iterable[str]) -> tuple[dict[str, int], dict[str, int]]:
    exact = {n: i for i, n in enumerate(names)}
    return exact, {n.lower(): i for n, i in exact.items()}


_TOP_EXACT, _TOP_FOLD = _field_map(
    (
        "registry",
        "unqualified-search-registries",
        "credential-helpers",
        "short-name-mode",
        "additional-layer-store-auth-helper",
        "aliases",
        "registries",  # the v1 table (only in Go's tomlConfig, not in V2RegistriesConf)
    )
)
_REG_EXACT, _REG_FOLD = _field_map(
    ("prefix", "location", "insecure", "pull-from-mirror", "mirror", "blocked",
     "mirror-by-digest-only")
)  # fmt: skip
_MIR_EXACT, _MIR_FOLD = _field_map(("location", "insecure", "pull-from-mirror"))
# 5.41 adds Endpoint.NamespaceProxy (``namespace-proxy``) to registries and mirrors.
_REG_NSP_EXACT, _REG_NSP_FOLD = _field_map((*_REG_EXACT, "namespace-proxy"))
_MIR_NSP_EXACT, _MIR_NSP_FOLD = _field_map((*_MIR_EXACT, "namespace-proxy"))

_V1_EXACT, _V1_FOLD = _field_map(("search", "insecure", "block"))
_V1_REGISTRIES_EXACT, _V1_REGISTRIES_FOLD = _field_map(("registries",))
_ALIASES_ONLY: dict[str, int] = {"aliases": 0}


def field_of(key: str, exact: dict[str, int], folded: dict[str, int]) -> int:
    """The field index a TOML key names (exact tag first, then EqualFold), or -1."""
    f = exact.get(key)
    if f is None:
        f = folded.get(fold(key), -1)
    return f


def _str(v: Any, ctx: tuple[str, ...]) -> str:
    if type(v) is not str:
        raise DecodeError(ctx, v, "string")
    return v


def _bool(v: Any, ctx: tuple[str, ...]) -> bool:
    if type(v) is not bool:
        raise DecodeError(ctx, v, "boolean")
    return v


def _str_list(v: Any, ctx: tuple[str, ...]) -> list[str]:
    if not isinstance(v, list):
        raise DecodeError(ctx, v, "slice")
    for i, item in enumerate(v):
        if type(item) is not str:
            err = DecodeError(ctx, _Element(item), "string")
            err.indices[len(ctx) - 1] = i
            raise err
    return list(v)


def _mirror(d: Any, ctx: tuple[str, ...], nsp: bool) -> RawMirror:
    if type(d) is not dict:
        raise DecodeError(ctx, _Element(d), None, "sysregistriesv2.Endpoint")
    location = pfm = proxy = ""
    insecure = False
    exact, folded = (_MIR_NSP_EXACT, _MIR_NSP_FOLD) if nsp else (_MIR_EXACT, _MIR_FOLD)
    for k, v in d.items():
        f = exact.get(k)
        if f is None:
            f = folded.get(fold(k), -1)
        if f == 0:
            location = _str(v, (*ctx, k))
        elif f == 1:
            insecure = _bool(v, (*ctx, k))
        elif f == 2:
            pfm = _str(v, (*ctx, k))
        elif f == 3:
            proxy = _str(v, (*ctx, k))
    return (location, insecure, pfm, proxy)


_new_tuple = tuple.__new__


def _mirrors_quick(v: Any) -> list[RawMirror] | None:
    """The mirrors of the common case (see :func:`_registry`), or None for the long way."""
    if not isinstance(v, list):
        return None
    mirrors = []
    for m in v:
        if type(m) is not dict:
            return None
        location = pfm = ""
        insecure = False
        for k, x in m.items():
            if k == "location":
                if type(x) is not str:
                    return None
                location = x
            elif k == "pull-from-mirror":
                if type(x) is not str:
                    return None
                pfm = x
            elif k == "insecure":
                if type(x) is not bool:
                    return None
                insecure = x
            else:
                return None
        mirrors.append((location, insecure, pfm, ""))
    return mirrors


def _registry(d: Any, ctx: tuple[str, ...], nsp: bool) -> RawRegistry:
    """One ``[[registry]]``.

    The common case (every key spelled exactly as its tag, every value of the right type)
    takes the short way; anything else goes field by field (:func:`_registry_by_field`),
    which also raises the errors in Go's order.  Both give the same record: with exact
    keys only, no field can be named twice, so the order of the keys does not matter.
    """
    if type(d) is dict:
        prefix = location = pfm = ""
        insecure = blocked = mbdo = False
        mirrors: list[RawMirror] | None = None
        for k, v in d.items():
            if k == "location":
                if type(v) is not str:
                    break
                location = v
            elif k == "mirror":
                mirrors = _mirrors_quick(v)
                if mirrors is None:
                    break
            elif k == "prefix":
                if type(v) is not str:
                    break
                prefix = v
            elif k == "insecure":
                if type(v) is not bool:
                    break
                insecure = v
            elif k == "blocked":
                if type(v) is not bool:
                    break
                blocked = v
            elif k == "mirror-by-digest-only":
                if type(v) is not bool:
                    break
                mbdo = v
            elif k == "pull-from-mirror":
                if type(v) is not str:
                    break
                pfm = v
            else:
                break
        else:
            fields = (prefix, location, insecure, pfm, mirrors, blocked, mbdo, "")
            return _new_tuple(RawRegistry, fields)
    return _registry_by_field(d, ctx, nsp)


def _registry_by_field(d: Any, ctx: tuple[str, ...], nsp: bool) -> RawRegistry:
    if type(d) is not dict:
        raise DecodeError(ctx, _Element(d), None, "sysregistriesv2.Registry")
    prefix = location = pfm = proxy = ""
    insecure = blocked = mbdo = False
    mirrors: list[RawMirror] | None = None
    exact, folded = (_REG_NSP_EXACT, _REG_NSP_FOLD) if nsp else (_REG_EXACT, _REG_FOLD)
    for k, v in d.items():
        f = exact.get(k)
        if f is None:
            f = folded.get(fold(k), -1)
        if f == 1:
            if type(v) is not str:
                raise DecodeError((*ctx, k), v, "string")
            location = v
        elif f == 4:
            if not isinstance(v, list):
                raise DecodeError((*ctx, k), v, "slice")
            mctx = (*ctx, k)
            mirrors = []
            for j, m in enumerate(v):
                try:
                    mirrors.append(_mirror(m, mctx, nsp))
                except DecodeError as e:
                    e.indices[len(mctx) - 1] = j
                    raise
        elif f == 0:
            prefix = _str(v, (*ctx, k))
        elif f == 2:
            insecure = _bool(v, (*ctx, k))
        elif f == 3:
            pfm = _str(v, (*ctx, k))
        elif f == 5:
            blocked = _bool(v, (*ctx, k))
        elif f == 6:
            mbdo = _bool(v, (*ctx, k))
        elif f == 7:
            proxy = _str(v, (*ctx, k))
    return RawRegistry(prefix, location, insecure, pfm, mirrors, blocked, mbdo, proxy)


def decode(
    doc: dict[str, Any],
    *,
    v1: bool = True,
    als_auth_helper: bool = True,
    namespace_proxy: bool = False,
) -> RawFile:
    """Fill Go's ``tomlConfig`` (``v1=True``) or ``V2RegistriesConf`` (``v1=False``).

    containers/image decodes into ``tomlConfig``; the MCO decodes a base file into
    ``V2RegistriesConf``, which has no v1 table, so a ``registries`` key is dropped there.
    The struct's fields differ between releases: ``additional-layer-store-auth-helper``
    exists from 5.32 (``als_auth_helper``), ``namespace-proxy`` on registries and mirrors
    from 5.41 (``namespace_proxy``); a key without its field is dropped like any unknown key.

    Raises:
        DecodeError: a value does not fit its field.
    """
    out = RawFile()
    for k, v in doc.items():
        f = field_of(k, _TOP_EXACT, _TOP_FOLD)
        ctx = (k,)
        if f == 0:
            if not isinstance(v, list):
                raise DecodeError(ctx, v, "slice")
            regs = []
            for i, r in enumerate(v):
                try:
                    regs.append(_registry(r, ctx, namespace_proxy))
                except DecodeError as e:
                    e.indices[0] = i
                    raise
            out.registries = regs
        elif f == 1:
            out.unqualified_search_registries = _str_list(v, ctx)
        elif f == 2:
            out.credential_helpers = _str_list(v, ctx)
        elif f == 3:
            out.short_name_mode = _str(v, ctx)
        elif f == 4 and als_auth_helper:
            out.additional_layer_store_auth_helper = _str(v, ctx)
        elif f == 5:
            out.aliases = _aliases(v, k, out.aliases)
        elif f == 6 and v1:
            _v1_tables(v, k, out)
    return out


def _aliases(v: Any, key: str, into: dict[str, str] | None) -> dict[str, str] | None:
    if type(v) is not dict:
        return into  # BurntSushi 1.4.0 drops a non-table silently (see the module docstring)
    aliases = into if into is not None else {}
    for name, value in v.items():
        aliases[name] = _str(value, (key, name))
    return aliases


def _v1_tables(v: Any, key: str, out: RawFile) -> None:
    if type(v) is not dict:
        raise DecodeError((key,), v, None, "sysregistriesv2.V1TOMLConfig")
    for tk, tv in v.items():
        tf = field_of(tk, _V1_EXACT, _V1_FOLD)
        if tf < 0:
            continue
        tctx = (key, tk)
        if type(tv) is not dict:
            raise DecodeError(tctx, tv, None, "sysregistriesv2.V1TOMLregistries")
        for rk, rv in tv.items():
            if field_of(rk, _V1_REGISTRIES_EXACT, _V1_REGISTRIES_FOLD) != 0:
                continue
            values = _str_list(rv, (*tctx, rk))
            if tf == 0:
                out.v1_search = values
            elif tf == 1:
                out.v1_insecure = values
            else:
                out.v1_block = values


def decode_aliases_only(doc: dict[str, Any]) -> dict[str, str]:
    """The alias cache's struct: only ``[aliases]`` (the same field rules)."""
    aliases: dict[str, str] | None = None
    for k, v in doc.items():
        if field_of(k, _ALIASES_ONLY, _ALIASES_ONLY) == 0:
            aliases = _aliases(v, k, aliases)
    return aliases or {}


# -- %#v ----------------------------------------------------------------------------------


def go_dump(raw: RawFile, *, als_auth_helper: bool = True) -> str:
    """Go's ``%#v`` of the decoded ``tomlConfig`` (the v1/v2 mixing error prints it).

    ``als_auth_helper``: the struct has the ``AdditionalLayerStoreAuthHelper`` field (5.32+).
    """

    def strs(v: list[str] | None) -> str:
        if v is None:
            return "[]string(nil)"
        return "[]string{" + ", ".join(go_quote(s) for s in v) + "}"

    def endpoint(loc: str, ins: bool, pfm: str) -> str:
        return (
            f"sysregistriesv2.Endpoint{{Location:{go_quote(loc)}, Insecure:{str(ins).lower()},"
            f" PullFromMirror:{go_quote(pfm)}}}"
        )

    if raw.registries is None:
        regs = "[]sysregistriesv2.Registry(nil)"
    else:
        items = []
        for r in raw.registries:
            mirs = (
                "[]sysregistriesv2.Endpoint{"
                + ", ".join(endpoint(m[0], m[1], m[2]) for m in r.mirrors)
                + "}"
                if r.mirrors is not None
                else "[]sysregistriesv2.Endpoint(nil)"
            )
            items.append(
                f"sysregistriesv2.Registry{{Prefix:{go_quote(r.prefix)},"
                f" Endpoint:{endpoint(r.location, r.insecure, r.pull_from_mirror)},"
                f" Mirrors:{mirs}, Blocked:{str(r.blocked).lower()},"
                f" MirrorByDigestOnly:{str(r.mirror_by_digest_only).lower()}}}"
            )
        regs = "[]sysregistriesv2.Registry{" + ", ".join(items) + "}"
    if raw.aliases is None:
        aliases = "map[string]string(nil)"
    else:
        aliases = (
            "map[string]string{"
            + ", ".join(f"{go_quote(k)}:{go_quote(raw.aliases[k])}" for k in sorted(raw.aliases))
            + "}"
        )
    return (
        "sysregistriesv2.tomlConfig{V2RegistriesConf:sysregistriesv2.V2RegistriesConf{"
        f"Registries:{regs}, UnqualifiedSearchRegistries:{strs(raw.unqualified_search_registries)},"
        f" CredentialHelpers:{strs(raw.credential_helpers)},"
        f" ShortNameMode:{go_quote(raw.short_name_mode)},"
        + (
            f" AdditionalLayerStoreAuthHelper:{go_quote(raw.additional_layer_store_auth_helper)},"
            if als_auth_helper
            else ""
        )
        + f" shortNameAliasConf:sysregistriesv2.shortNameAliasConf{{Aliases:{aliases}}}}},"
        " V1RegistriesConf:sysregistriesv2.V1RegistriesConf{V1TOMLConfig:"
        "sysregistriesv2.V1TOMLConfig{"
        f"Search:sysregistriesv2.V1TOMLregistries{{Registries:{strs(raw.v1_search)}}},"
        f" Insecure:sysregistriesv2.V1TOMLregistries{{Registries:{strs(raw.v1_insecure)}}},"
        f" Block:sysregistriesv2.V1TOMLregistries{{Registries:{strs(raw.v1_block)}}}}}}}}}"
    )
