"""registries.conf text -> :class:`RegistriesConf`, exactly as containers/image v5.34.2 does it.

Theory of operation
-------------------
Go's ``loadConfigFile`` (``pkg/sysregistriesv2``) does, per file:

1. decode the TOML into a struct that holds both the v2 and the v1 keys (BurntSushi/toml
   1.4.0: exact key match first, then ``strings.EqualFold``; unknown keys ignored; strict
   types) -- :func:`_decode`;
2. v1/v2 detection and conversion (R-V1) -- :func:`_v1_to_v2`;
3. ``postProcessRegistries``: per entry location/prefix/mirror checks, the per-file conflict
   check, search-list entries, de-duplication by prefix and the sort (R-CONF-6..9) --
   :func:`_post_process`;
4. the short-name mode, the wildcard prefix format, the aliases (R-CONF-10, R-SN-7/8).

Every error is wrapped with ``loading [drop-in ]registries configuration "<path>": ``.
:func:`parse_file` is that per-file step; :func:`merge` folds the main file and the drop-ins
together (R-LOAD-5/6/8).  Nothing here reads files: ``_files`` hands us text.

Error messages that Go builds from a map walk (several alias errors) are in file order here;
Go's order is random.  Everything else is deterministic in Go and reproduced byte for byte.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final, NoReturn

import tomli_w

from regresolve._errors import InvalidConfig, InvalidReference, RegresolveError
from regresolve._gotext import fold, go_key, go_quote
from regresolve._model import (
    DEFAULT_CREDENTIAL_HELPERS,
    Alias,
    Mirror,
    RegistriesConf,
    Registry,
)
from regresolve._reference import parse_raw, parse_reference
from regresolve._toml import TableList, TomlSyntaxError, key_lines, loads

__all__ = [
    "ParsedFile",
    "dump_registries_conf",
    "merge",
    "parse_alias_cache",
    "parse_file",
    "parse_registries_conf",
]

_PULL_FROM_MIRROR: Final = frozenset(("", "all", "digest-only", "tag-only"))
_MODES: Final = frozenset(("enforcing", "permissive", "disabled"))

# R-REF-1 ``domain``, anchored (Go: anchoredDomainRegexp).  Components cannot contain ".",
# so the only backtracking is inside one component: linear.
_DOMAIN_RE: Final = re.compile(
    r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"(?::[0-9]+)?",
    re.ASCII,
)


# -- per-file result ----------------------------------------------------------------------


class ParsedFile:
    """One validated file, before merging (Go's ``parsedConfig`` for a single file).

    Attributes:
        path: the file's path as used in messages and ``origin`` fields.
        registries: validated, de-duplicated, sorted by prefix.
        unqualified_search_registries: None when the key is absent.
        credential_helpers: None when the key is absent.
        short_name_mode: ``""`` when unset or empty.
        additional_layer_store_auth_helper: as written.
        aliases: name -> :class:`Alias` (value ``""`` records an erased alias).
    """

    __slots__ = (
        "additional_layer_store_auth_helper",
        "aliases",
        "credential_helpers",
        "path",
        "registries",
        "short_name_mode",
        "unqualified_search_registries",
    )

    def __init__(
        self,
        path: str,
        *,
        registries: list[Registry],
        unqualified_search_registries: tuple[str, ...] | None,
        credential_helpers: tuple[str, ...] | None,
        short_name_mode: str,
        additional_layer_store_auth_helper: str,
        aliases: dict[str, Alias],
    ) -> None:
        self.path = path
        self.registries = registries
        self.unqualified_search_registries = unqualified_search_registries
        self.credential_helpers = credential_helpers
        self.short_name_mode = short_name_mode
        self.additional_layer_store_auth_helper = additional_layer_store_auth_helper
        self.aliases = aliases


class _Fail(Exception):
    """An unwrapped Go error text plus where it is (internal)."""

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.entry = entry


# -- decoding (BurntSushi/toml 1.4.0 semantics) -------------------------------------------


class _TypeFail(Exception):
    """A decode error; the text needs the document's key positions (internal)."""

    def __init__(
        self, ctx: tuple[str, ...], value: Any, dst: str | None, struct: str | None = None
    ) -> None:
        super().__init__(dst)
        self.ctx = ctx
        self.value = value
        self.dst = dst
        self.struct = struct
        # Array indices along ctx (registry[i], mirror[j], list element), for InvalidConfig.entry.
        self.indices: dict[int, int] = {}


def _go_type(value: Any, own_value: bool, array_table: bool) -> str:
    """Go ``%T`` of a decoded TOML value, as BurntSushi's ``fmtType`` prints it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, dict):
        return "map[string]any"
    if isinstance(value, TableList):
        return "[]map[string]any"
    if isinstance(value, list):
        return "[]map[string]any" if own_value and array_table else "[]any"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return "time.Time"
    return type(value).__name__  # pragma: no cover - tomllib returns nothing else


def _type_message(err: _TypeFail, text: str) -> str:
    info = key_lines(text)
    name = go_key(err.ctx)
    line, array_table = info.get(name, (0, False))
    own = not isinstance(err.value, _Elem)
    value = err.value.value if isinstance(err.value, _Elem) else err.value
    t = _go_type(value, own, array_table)
    if err.struct is not None:
        body = f"type mismatch for {err.struct}: expected table but found {t}"
    else:
        body = f"incompatible types: TOML value has type {t}; destination has type {err.dst}"
    if line > 0:
        return f"toml: line {line} (last key {go_quote(name)}): {body}"
    return f"toml: (last key {go_quote(name)}): {body}"


class _Elem:
    """Marks a failing value as an element of an array (its ``%T`` is never ``[]map``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


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
        "registries",
    )
)
_REG_EXACT, _REG_FOLD = _field_map(
    ("prefix", "location", "insecure", "pull-from-mirror", "mirror", "blocked",
     "mirror-by-digest-only")
)  # fmt: skip
_MIR_EXACT, _MIR_FOLD = _field_map(("location", "insecure", "pull-from-mirror"))
_V1_EXACT, _V1_FOLD = _field_map(("search", "insecure", "block"))
_V1R_EXACT, _V1R_FOLD = _field_map(("registries",))


def _field(key: str, exact: dict[str, int], folded: dict[str, int]) -> int:
    f = exact.get(key)
    if f is None:
        f = folded.get(fold(key), -1)
    return f


def _str(v: Any, ctx: tuple[str, ...]) -> str:
    if type(v) is not str:
        raise _TypeFail(ctx, v, "string")
    return v


def _bool(v: Any, ctx: tuple[str, ...]) -> bool:
    if type(v) is not bool:
        raise _TypeFail(ctx, v, "boolean")
    return v


def _str_list(v: Any, ctx: tuple[str, ...]) -> list[str]:
    if not isinstance(v, list):
        raise _TypeFail(ctx, v, "slice")
    for i, item in enumerate(v):
        if type(item) is not str:
            err = _TypeFail(ctx, _Elem(item), "string")
            err.indices[len(ctx) - 1] = i
            raise err
    return v


# A decoded registry: (prefix, location, insecure, pull-from-mirror, mirrors, blocked,
# mirror-by-digest-only); a mirror: (location, insecure, pull-from-mirror).
_RawMirror = tuple[str, bool, str]
_RawRegistry = tuple[str, str, bool, str, list[_RawMirror] | None, bool, bool]


def _decode_mirror(d: Any, ctx: tuple[str, ...]) -> _RawMirror:
    if type(d) is not dict:
        raise _TypeFail(ctx, _Elem(d), None, "sysregistriesv2.Endpoint")
    location = pfm = ""
    insecure = False
    for k, v in d.items():
        f = _MIR_EXACT.get(k)
        if f is None:
            f = _MIR_FOLD.get(fold(k), -1)
        if f == 0:
            location = _str(v, (*ctx, k))
        elif f == 1:
            insecure = _bool(v, (*ctx, k))
        elif f == 2:
            pfm = _str(v, (*ctx, k))
    return (location, insecure, pfm)


def _decode_registry(d: Any, ctx: tuple[str, ...]) -> _RawRegistry:
    if type(d) is not dict:
        raise _TypeFail(ctx, _Elem(d), None, "sysregistriesv2.Registry")
    prefix = location = pfm = ""
    insecure = blocked = mbdo = False
    mirrors: list[_RawMirror] | None = None  # None vs [] shows in the v1/v2 mixing error
    for k, v in d.items():
        f = _REG_EXACT.get(k)
        if f is None:
            f = _REG_FOLD.get(fold(k), -1)
        if f == 1:
            if type(v) is not str:
                raise _TypeFail((*ctx, k), v, "string")
            location = v
        elif f == 4:
            if not isinstance(v, list):
                raise _TypeFail((*ctx, k), v, "slice")
            mctx = (*ctx, k)
            mirrors = []
            try:
                for j, m in enumerate(v):  # noqa: B007 - j is read by the handler
                    mirrors.append(_decode_mirror(m, mctx))
            except _TypeFail as e:
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
    return (prefix, location, insecure, pfm, mirrors, blocked, mbdo)


class _Decoded:
    """The decoded ``tomlConfig`` of one file (v2 and v1 keys side by side)."""

    __slots__ = (
        "aliases", "alsah", "entries", "helpers", "mode", "reg_key", "registries", "usr", "v1"
    )  # fmt: skip

    def __init__(self) -> None:
        self.registries: list[_RawRegistry] | None = None
        self.reg_key = "registry"
        self.entries: dict[str, str] = {}  # prefix -> "registry[i]" (first occurrence)
        self.usr: list[str] | None = None
        self.helpers: list[str] | None = None
        self.mode = ""
        self.alsah = ""
        self.aliases: dict[str, str] | None = None
        # search, insecure, block: None when absent (R-V1-1).
        self.v1: list[list[str] | None] = [None, None, None]

    def v2_set(self) -> bool:
        return (
            self.registries is not None
            or self.usr is not None
            or self.helpers is not None
            or self.mode != ""
            or self.alsah != ""
            or self.aliases is not None
        )

    def v1_set(self) -> bool:
        return any(x is not None for x in self.v1)


def _decode(doc: dict[str, Any]) -> _Decoded:
    out = _Decoded()
    for k, v in doc.items():
        f = _field(k, _TOP_EXACT, _TOP_FOLD)
        ctx = (k,)
        if f == 0:
            if not isinstance(v, list):
                raise _TypeFail(ctx, v, "slice")
            out.reg_key = k
            regs = []
            try:
                for i, r in enumerate(v):  # noqa: B007 - i is read by the handler
                    regs.append(_decode_registry(r, ctx))
            except _TypeFail as e:
                e.indices[0] = i
                raise
            out.registries = regs
        elif f == 1:
            out.usr = list(_str_list(v, ctx))
        elif f == 2:
            out.helpers = list(_str_list(v, ctx))
        elif f == 3:
            out.mode = _str(v, ctx)
        elif f == 4:
            out.alsah = _str(v, ctx)
        elif f == 5:
            if type(v) is not dict:
                # BurntSushi 1.4.0 unifyMap: a failed type assertion leaves a nil map and
                # returns nil, so a non-table `aliases` is silently ignored.
                continue
            aliases = out.aliases if out.aliases is not None else {}
            for name, value in v.items():
                aliases[name] = _str(value, (k, name))
            out.aliases = aliases
        elif f == 6:
            if type(v) is not dict:
                raise _TypeFail(ctx, v, None, "sysregistriesv2.V1TOMLConfig")
            for tk, tv in v.items():
                tf = _field(tk, _V1_EXACT, _V1_FOLD)
                if tf < 0:
                    continue
                tctx = (k, tk)
                if type(tv) is not dict:
                    raise _TypeFail(tctx, tv, None, "sysregistriesv2.V1TOMLregistries")
                for rk, rv in tv.items():
                    if _field(rk, _V1R_EXACT, _V1R_FOLD) == 0:
                        out.v1[tf] = list(_str_list(rv, (*tctx, rk)))
    return out


# -- v1 (R-V1) ----------------------------------------------------------------------------


_SCHEMES: Final = ("http://", "https://")


def _parse_location(s: str) -> str:
    """Go ``parseLocation`` (R-CONF-5)."""
    trimmed = s.rstrip("/")
    if trimmed.startswith(_SCHEMES):
        raise _Fail(f"invalid location '{s}': URI schemes are not supported")
    return trimmed


def _v1_to_v2(dec: _Decoded) -> None:
    """Go ``ConvertToV2``: one registry per distinct trimmed location, in first-seen order."""
    search, insecure, block = dec.v1
    regs: dict[str, list[bool]] = {}  # location -> [insecure, blocked]
    for table, values, idx in (("block", block, 1), ("insecure", insecure, 0)):
        for i, raw in enumerate(values or ()):
            try:
                loc = _parse_location(raw)
            except _Fail as e:
                e.entry = f"registries.{table}.registries[{i}]"
                raise
            flags = regs.get(loc)
            if flags is None:
                flags = regs[loc] = [False, False]
            flags[idx] = True
    dec.registries = [(loc, loc, f[0], "", None, f[1], False) for loc, f in regs.items()]
    dec.reg_key = "registries"
    dec.usr = search
    dec.v1 = [None, None, None]


# -- postProcessRegistries (R-CONF-6..9) --------------------------------------------------


def _post_process(dec: _Decoded, path: str) -> list[Registry]:
    raw = dec.registries or []
    v1 = dec.reg_key == "registries"
    # Per entry: (prefix, location, insecure, blocked); group key -> first index list.
    checked: list[tuple[str, str, bool, bool]] = []
    groups: dict[str, list[int]] = {}
    kept: dict[str, Registry] = {}
    first_index: dict[str, int] = {}
    for i, (raw_prefix, raw_location, insecure, pfm, mirrors, blocked, mbdo) in enumerate(raw):
        try:
            # parseLocation, inlined: this loop runs once per [[registry]].
            location = raw_location.rstrip("/")
            if location.startswith(_SCHEMES):
                raise _Fail(f"invalid location '{raw_location}': URI schemes are not supported")
            if raw_prefix == "":
                if location == "":
                    raise _Fail("invalid condition: both location and prefix are unset")
                prefix = location
            else:
                prefix = _parse_location(raw_prefix)
                if location == "" and not prefix.startswith("*."):
                    raise _Fail(
                        "invalid condition: location is unset and prefix is not in the"
                        " format: *.example.com"
                    )
            if pfm != "":
                raise _Fail(
                    f"pull-from-mirror must not be set for a non-mirror registry {go_quote(prefix)}"
                )
            for j, (mloc, _mins, mpfm) in enumerate(mirrors or ()):
                try:
                    # Go 5.34.2 validates a trimmed *copy*: the stored location keeps its
                    # trailing "/" (R-CONF-6.5); messages show the trimmed one.
                    trimmed = mloc.rstrip("/")
                    if trimmed.startswith(_SCHEMES):
                        raise _Fail(f"invalid location '{mloc}': URI schemes are not supported")
                    if trimmed == "":
                        raise _Fail("invalid condition: mirror location is unset")
                    if mbdo and mpfm != "":
                        raise _Fail(
                            "cannot set mirror usage mirror-by-digest-only for the registry"
                            f" ({go_quote(prefix)}) and pull-from-mirror for per-mirror"
                            f" ({go_quote(trimmed)}) at the same time"
                        )
                    if mpfm not in _PULL_FROM_MIRROR:
                        raise _Fail(
                            f"unsupported pull-from-mirror value {go_quote(mpfm)}"
                            f" for mirror {go_quote(trimmed)}"
                        )
                except _Fail as e:
                    e.entry = f"registry[{i}].mirror[{j}]"
                    raise
        except _Fail as e:
            if e.entry is None:
                e.entry = f"registry[{i}]" if not v1 else f"registries[{i}]"
            raise
        checked.append((prefix, location, insecure, blocked))
        groups.setdefault(location or prefix, []).append(i)
        if prefix not in kept:
            first_index[prefix] = i
            kept[prefix] = Registry(
                prefix,
                location,
                insecure,
                blocked,
                mbdo,
                tuple([Mirror(m[0], m[1], m[2]) for m in mirrors]) if mirrors else (),  # type: ignore[arg-type]
                path,
            )

    # Conflict check: every entry against every member of its group, in file order.
    if len(groups) != len(checked):
        for i, (prefix, location, insecure, blocked) in enumerate(checked):
            members = groups[location or prefix]
            if len(members) == 1:
                continue
            for j in members:
                other = checked[j]
                if insecure != other[2]:
                    raise _Fail(
                        f"registry '{location}' is defined multiple times with conflicting"
                        " 'insecure' setting",
                        f"registry[{i}]",
                    )
                if blocked != other[3]:
                    raise _Fail(
                        f"registry '{location}' is defined multiple times with conflicting"
                        " 'blocked' setting",
                        f"registry[{i}]",
                    )

    if dec.usr is not None:
        usr = dec.usr
        usr_key = "unqualified-search-registries" if not v1 else "registries.search.registries"
        for i, value in enumerate(usr):
            try:
                reg = _parse_location(value)
                if _DOMAIN_RE.fullmatch(reg) is None:
                    raise _Fail(f"Invalid unqualified-search-registries entry {go_quote(reg)}")
            except _Fail as e:
                e.entry = f"{usr_key}[{i}]"
                raise
            usr[i] = reg

    entry_name = "registries" if v1 else "registry"
    dec.entries = {p: f"{entry_name}[{i}]" for p, i in first_index.items()}
    return [kept[p] for p in sorted(kept)]


# -- aliases (R-SN-7/8) -------------------------------------------------------------------


def _has_registry(domain: str) -> bool:
    return "." in domain or ":" in domain or domain == "localhost"


def _short_name_error(name: str) -> str | None:
    """Go ``validateShortName`` (R-SN-8): the error text, or None."""
    try:
        ref = parse_raw(name)
    except InvalidReference as e:
        return f"cannot parse short name: {go_quote(name)}: {e.go_message}"
    q = go_quote(name)
    if ref.digest is not None:
        return f"invalid short name {q}: must not contain digest"
    if ref.tag is not None:
        return f"invalid short name {q}: must not contain tag"
    if _has_registry(ref.domain):
        return f"invalid short name {q}: must not contain registry"
    return None


def _short_name_value(value: str) -> tuple[str | None, str | None]:
    """Go ``parseShortNameValue`` (R-SN-7): (normalized, None) or (None, error text)."""
    q = go_quote(value)
    try:
        ref = parse_raw(value)
    except InvalidReference as e:
        return None, f"parsing alias {q}: {e.go_message}"
    if ref.digest is not None:
        return None, f"invalid alias {q}: must not contain digest"
    if ref.tag is not None:
        return None, f"invalid alias {q}: must not contain tag"
    if not _has_registry(ref.domain):
        return None, f"invalid alias {q}: must contain registry and repository"
    try:
        return parse_reference(value).name, None  # ParseNormalizedNamed, unwrapped errors
    except InvalidReference as e:
        return None, e.go_message


def _alias_errors(name: str, value: str) -> tuple[list[str], str | None]:
    """Errors for one alias (name first, then value) and the normalized value."""
    errs: list[str] = []
    err = _short_name_error(name)
    if err is not None:
        errs.append(err)
    if value == "":
        return errs, ""
    normalized, verr = _short_name_value(value)
    if verr is not None:
        errs.append(verr)
        return errs, None
    return errs, normalized


def _validate_aliases(aliases: Mapping[str, str], path: str) -> dict[str, Alias]:
    out: dict[str, Alias] = {}
    errs: list[str] = []
    first_bad: str | None = None
    for name, value in aliases.items():
        e, normalized = _alias_errors(name, value)
        if e:
            errs.extend(e)
            if first_bad is None:
                first_bad = name
        if normalized is not None:
            out[name] = Alias(name, normalized, path)
    if errs:
        raise _Fail("\n".join(errs), f"aliases.{go_quote(first_bad or '')}")
    return out


# -- per file -----------------------------------------------------------------------------


def _wrap(path: str, dropin: bool) -> str:
    if dropin:
        return f"loading drop-in registries configuration {go_quote(path)}: "
    return f"loading registries configuration {go_quote(path)}: "


def _raise(path: str, dropin: bool, message: str, entry: str | None) -> NoReturn:
    raise InvalidConfig(_wrap(path, dropin) + message, path=path, entry=entry) from None


@contextlib.contextmanager
def _gc_paused(size: int) -> Iterator[None]:
    """Pause the cyclic GC while a large file is turned into objects.

    A 100,000-entry file allocates millions of acyclic containers; the collector's passes
    over the growing heap cost as much as the parsing itself.  Nothing created here forms
    a cycle, so pausing loses nothing; the previous state is restored.
    """
    if size < 65536 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def parse_file(text: str, path: str, *, dropin: bool) -> ParsedFile:
    """Go ``loadConfigFile(path, forceV2=dropin)`` on text already read.

    Raises:
        InvalidConfig: with ``go_message`` wrapped as Go's ``tryUpdatingCache`` wraps it.
    """
    with _gc_paused(len(text)):
        return _parse_file(text, path, dropin=dropin)


def _parse_file(text: str, path: str, *, dropin: bool) -> ParsedFile:
    try:
        doc = loads(text)
    except TomlSyntaxError as e:
        _raise(path, dropin, e.go_text(), None)
    try:
        dec = _decode(doc)
    except _TypeFail as e:
        _raise(path, dropin, _type_message(e, text), _entry_of(e))
    try:
        if dec.v1_set():
            if dropin:
                raise _Fail("registry must be in v2 format but is in v1")
            if dec.v2_set():
                raise _Fail(
                    "mixing sysregistry v1/v2 is not supported: " + _go_dump(dec),
                    "registries",
                )
            _v1_to_v2(dec)
        registries = _post_process(dec, path)
        mode = dec.mode
        if mode != "" and mode not in _MODES:
            raise _Fail(f"invalid short-name mode: {go_quote(mode)}", "short-name-mode")
        for reg in registries:
            p = reg.prefix
            if p.startswith("*.") and ("/" in p or "@" in p or ":" in p):
                raise _Fail(
                    "Wildcarded prefix should be in the format: *.example.com. Current prefix"
                    f" {go_quote(p)} is incorrectly formatted",
                    dec.entries.get(p, "registry") + ".prefix",
                )
        aliases: dict[str, Alias] = {}
        if dec.aliases:
            try:
                aliases = _validate_aliases(dec.aliases, path)
            except _Fail as e:
                e.message = "validating short-name aliases: " + e.message
                raise
    except _Fail as e:
        _raise(path, dropin, e.message, e.entry)
    return ParsedFile(
        path,
        registries=registries,
        unqualified_search_registries=tuple(dec.usr) if dec.usr is not None else None,
        credential_helpers=tuple(dec.helpers) if dec.helpers is not None else None,
        short_name_mode=mode,
        additional_layer_store_auth_helper=dec.alsah,
        aliases=aliases,
    )


def _entry_of(err: _TypeFail) -> str:
    """Where a type error is: ``registry[2].mirror[0].insecure``, ``aliases."foo"``..."""
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


def _go_dump(dec: _Decoded) -> str:
    """Go's ``%#v`` of the decoded ``tomlConfig`` (used by the v1/v2 mixing error)."""

    def strs(v: list[str] | None) -> str:
        if v is None:
            return "[]string(nil)"
        return "[]string{" + ", ".join(go_quote(s) for s in v) + "}"

    def endpoint(loc: str, ins: bool, pfm: str) -> str:
        return (
            f"sysregistriesv2.Endpoint{{Location:{go_quote(loc)}, Insecure:{str(ins).lower()},"
            f" PullFromMirror:{go_quote(pfm)}}}"
        )

    if dec.registries is None:
        regs = "[]sysregistriesv2.Registry(nil)"
    else:
        items = []
        for prefix, loc, ins, pfm, mirrors, blocked, mbdo in dec.registries:
            mirs = (
                "[]sysregistriesv2.Endpoint{" + ", ".join(endpoint(*m) for m in mirrors) + "}"
                if mirrors is not None
                else "[]sysregistriesv2.Endpoint(nil)"
            )
            items.append(
                f"sysregistriesv2.Registry{{Prefix:{go_quote(prefix)},"
                f" Endpoint:{endpoint(loc, ins, pfm)}, Mirrors:{mirs},"
                f" Blocked:{str(blocked).lower()}, MirrorByDigestOnly:{str(mbdo).lower()}}}"
            )
        regs = "[]sysregistriesv2.Registry{" + ", ".join(items) + "}"
    if dec.aliases is None:
        aliases = "map[string]string(nil)"
    else:
        aliases = (
            "map[string]string{"
            + ", ".join(f"{go_quote(k)}:{go_quote(dec.aliases[k])}" for k in sorted(dec.aliases))
            + "}"
        )
    search, insecure, block = dec.v1
    return (
        "sysregistriesv2.tomlConfig{V2RegistriesConf:sysregistriesv2.V2RegistriesConf{"
        f"Registries:{regs}, UnqualifiedSearchRegistries:{strs(dec.usr)},"
        f" CredentialHelpers:{strs(dec.helpers)}, ShortNameMode:{go_quote(dec.mode)},"
        f" AdditionalLayerStoreAuthHelper:{go_quote(dec.alsah)},"
        f" shortNameAliasConf:sysregistriesv2.shortNameAliasConf{{Aliases:{aliases}}}}},"
        " V1RegistriesConf:sysregistriesv2.V1RegistriesConf{V1TOMLConfig:"
        "sysregistriesv2.V1TOMLConfig{"
        f"Search:sysregistriesv2.V1TOMLregistries{{Registries:{strs(search)}}},"
        f" Insecure:sysregistriesv2.V1TOMLregistries{{Registries:{strs(insecure)}}},"
        f" Block:sysregistriesv2.V1TOMLregistries{{Registries:{strs(block)}}}}}}}}}"
    )


# -- merging (R-LOAD-5/6/8) ---------------------------------------------------------------


def merge(
    main: ParsedFile | None,
    dropins: Iterable[ParsedFile],
    *,
    path: str = "",
    dir_path: str = "",
) -> RegistriesConf:
    """Fold the main file (None when it does not exist) and the drop-ins, in order."""
    files: list[str] = []
    if main is not None:
        files.append(main.path)
        registries = main.registries
        usr = main.unqualified_search_registries
        origin = main.path
        helpers = main.credential_helpers
        mode = main.short_name_mode
        alsah = main.additional_layer_store_auth_helper
        aliases = dict(main.aliases)
    else:
        registries, usr, origin, helpers, mode, alsah, aliases = [], None, "", None, "", "", {}
    for d in dropins:
        files.append(d.path)
        if d.registries:
            by_prefix = {r.prefix: r for r in registries}
            for r in d.registries:
                by_prefix[r.prefix] = r
            registries = [by_prefix[p] for p in sorted(by_prefix)]
        if d.unqualified_search_registries is not None:
            usr = d.unqualified_search_registries
            origin = d.path
        if d.credential_helpers is not None:
            helpers = d.credential_helpers
        if d.short_name_mode:
            mode = d.short_name_mode
        if d.additional_layer_store_auth_helper:
            alsah = d.additional_layer_store_auth_helper
        aliases.update(d.aliases)
    return RegistriesConf(
        registries=tuple(registries),
        unqualified_search_registries=usr,
        unqualified_search_registries_origin=origin,
        short_name_mode=mode,  # type: ignore[arg-type]
        credential_helpers=helpers if helpers else DEFAULT_CREDENTIAL_HELPERS,
        additional_layer_store_auth_helper=alsah,
        aliases=tuple(aliases[k] for k in sorted(aliases)),
        path=path,
        dir_path=dir_path,
        files=tuple(files),
    )


def _join(directory: str, name: str) -> str:
    if not directory:
        return name
    return directory.rstrip("/") + "/" + name


def parse_registries_conf(
    text: str,
    dropins: Mapping[str, str] | None = None,
    *,
    path: str = "",
    dropin_dir: str = "",
) -> RegistriesConf:
    """Parse a main file and drop-ins given as text (``RegistriesConf.from_toml``)."""
    main = parse_file(text, path, dropin=False)
    parsed = [
        parse_file(text_of, _join(dropin_dir, name), dropin=True)
        for name, text_of in sorted(
            (dropins or {}).items(), key=lambda kv: kv[0].encode("utf-8", "surrogatepass")
        )
    ]
    return merge(main, parsed, path=path, dir_path=dropin_dir)


# -- the user alias cache (R-SN-6) --------------------------------------------------------


def parse_alias_cache(text: str, path: str) -> tuple[Alias, ...]:
    """Validate the machine-written short-name alias cache (``[aliases]`` only).

    Raises:
        InvalidConfig: ``loading short-name aliases config file "<path>": ...``.
    """
    prefix = f"loading short-name aliases config file {go_quote(path)}: "
    try:
        doc = loads(text)
    except TomlSyntaxError as e:
        raise InvalidConfig(prefix + e.go_text(), path=path) from None
    aliases: dict[str, str] = {}
    try:
        for k, v in doc.items():
            if _field(k, {"aliases": 0}, {"aliases": 0}) != 0:
                continue
            if type(v) is not dict:
                continue  # silently ignored by BurntSushi 1.4.0, see _decode
            for name, value in v.items():
                aliases[name] = _str(value, (k, name))
    except _TypeFail as e:
        raise InvalidConfig(
            prefix + _type_message(e, text), path=path, entry=_entry_of(e)
        ) from None
    try:
        validated = _validate_aliases(aliases, path)
    except _Fail as e:
        raise InvalidConfig(prefix + e.message, path=path, entry=e.entry) from None
    return tuple(validated[k] for k in sorted(validated))


# -- writing ------------------------------------------------------------------------------


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


def dump_registries_conf(conf: RegistriesConf) -> str:
    """One v2 file that loads back (here and in Go) to a configuration equal to ``conf``.

    Raises:
        InvalidConfig: two registries share a location (or, without one, a prefix) but
            differ in ``insecure``/``blocked``; merged drop-ins may do that, one file may not.

    Registries are written with an explicit prefix and location, mirrors with every field,
    and an erased alias as ``""``.  Credential helpers are always written (the default
    included) so the round trip is exact.
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
