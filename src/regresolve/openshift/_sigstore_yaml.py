"""``/etc/containers/registries.d/sigstore-registries.yaml`` (MCO
``generateSigstoreRegistriesdConfig``).

Every ClusterImagePolicy and ImagePolicy scope gets ``use-sigstore-attachments: true`` (so
containers/image looks for sigstore signatures as OCI attachments there), and so does every
place the node may pull that scope from:

1. for each scope, ``FindRegistry(scope)`` on the rendered registries.conf (loaded by
   containers/image, no drop-ins); when an entry matches, the scope is turned into a
   repository (``*`` → ``matched``, ``/a`` appended when it has no ``/``), and every pull
   source of that entry for ``repo@sha256:aaa…`` and ``repo:aaa`` is added by its repository
   name (the ``/a`` cut off again); sources of a ``*.`` entry without ``location`` are
   skipped;
2. the same for every ``[[registry]]`` of the file whose scope is nested in the policy scope.

The file is ``ghodss/yaml.Marshal`` of ``{"docker": {scope: {"use-sigstore-attachments":
true}}}``: JSON turned into YAML by ``gopkg.in/yaml.v2``, whose key order is a "natural" sort
(runs of digits compare as numbers; letters before other characters) and whose scalar style
rules decide when a key is quoted (`yaml_v2_key`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cmp_to_key
from typing import Final

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig, InvalidOpenShiftObject, PlanError
from regresolve._grammar import NAME_TOTAL_LENGTH_MAX, REFERENCE
from regresolve._planner import Planner
from regresolve._reference import Reference
from regresolve.openshift._registries import decode_conf
from regresolve.openshift._scopes import scope_is_nested_inside_scope

__all__ = ["SIGSTORE_REGISTRIES_PATH", "sigstore_registries_yaml", "yaml_v2_key", "yaml_v2_less"]

SIGSTORE_REGISTRIES_PATH: Final = "/etc/containers/registries.d/sigstore-registries.yaml"
#: The containers/image release the MCO vendors (its FindRegistry loads the temporary file).
MCO_CONTAINERS_IMAGE: Final = "5.35.0"
_DUMMY_DIGEST: Final = "sha256:" + "a" * 64
_DUMMY_TAG: Final = "aaa"
_DUMMY_PATH: Final = "/a"
_DUMMY_PREFIX: Final = "matched"


class _ScopeError(Exception):
    pass


def _parse(scope: str) -> Reference:
    """``reference.Parse`` (no normalization) then ``TrimNamed``."""
    m = REFERENCE.fullmatch(scope)
    if m is None:
        raise _ScopeError(f"error parsing scope {scope}: invalid reference format")
    domain, path = m.group(1) or "", m.group(2)
    name = f"{domain}/{path}" if domain else path
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise _ScopeError(
            f"error parsing scope {scope}: repository name must not be more than "
            f"{NAME_TOTAL_LENGTH_MAX} characters"
        )
    return Reference(domain, path)


def _name(reference: str) -> str:
    m = REFERENCE.fullmatch(reference)
    if m is None:  # a rewritten source is always a valid reference
        return reference
    domain, path = m.group(1) or "", m.group(2)
    return f"{domain}/{path}" if domain else path


def _add_scope_mirrors(out: dict[str, bool], scope: str, planner: Planner) -> None:
    """``addScopeMirrorsSigstoreRegistriesdConfig`` for the entry ``planner`` holds."""
    if scope.startswith("*."):
        scope = _DUMMY_PREFIX + scope[1:]
    added = "/" not in scope
    if added:
        scope += _DUMMY_PATH
    repo = _parse(scope)
    for ref in (attrs.evolve(repo, digest=_DUMMY_DIGEST), attrs.evolve(repo, tag=_DUMMY_TAG)):
        try:
            plan = planner.pull_sources(ref)
        except PlanError as e:
            kind = "digest" if ref.digest else "tag"
            raise _ScopeError(
                f"error getting {kind} sources for scope {scope}: {e.go_message}"
            ) from None
        for s in plan.sources:
            if s.location == "":
                continue
            endpoint = _name(s.reference)
            if added and endpoint.endswith(_DUMMY_PATH):
                endpoint = endpoint[: -len(_DUMMY_PATH)]
            out[endpoint] = True


def attachment_scopes(scopes: Sequence[str], registries_toml: str | None) -> list[str]:
    """The keys of the file: the policy scopes and every pull source related to them.

    Raises:
        InvalidOpenShiftObject: containers/image refuses the rendered registries.conf, or a
            scope or rewrite does not parse (the MCO then renders nothing).
    """
    out: dict[str, bool] = {}
    conf: RegistriesConf | None = None
    entries: list[str] = []
    if registries_toml is not None:
        try:
            conf = RegistriesConf.from_toml(registries_toml, version=MCO_CONTAINERS_IMAGE)
        except InvalidConfig as e:
            raise InvalidOpenShiftObject(e.go_message, field="registries.conf") from None
        entries = [r.scope for r in decode_conf(registries_toml).registries or ()]
    for policy_scope in scopes:
        out[policy_scope] = True
        if conf is None:
            continue
        try:
            _for_scope(out, policy_scope, conf, entries)
        except _ScopeError as e:
            raise InvalidOpenShiftObject(
                f"error adding clusterimagepolicy scope {policy_scope} relevant mirrors: {e}"
            ) from None
    return list(out)


def _for_scope(
    out: dict[str, bool], policy_scope: str, conf: RegistriesConf, entries: Iterable[str]
) -> None:
    planner = Planner(conf, cache_size=0)
    parent = planner.find_registry(policy_scope)
    if parent is not None:
        _add_scope_mirrors(
            out, policy_scope, Planner(attrs.evolve(conf, registries=(parent,)), cache_size=0)
        )
    for scope in entries:
        if scope != policy_scope and scope_is_nested_inside_scope(scope, policy_scope):
            nested = planner.find_registry(scope)
            if nested is not None:
                _add_scope_mirrors(
                    out, scope, Planner(attrs.evolve(conf, registries=(nested,)), cache_size=0)
                )


# ---------------------------------------------------------------------------------------------
# gopkg.in/yaml.v2: key order and scalar style
# ---------------------------------------------------------------------------------------------


def _is_letter(c: str) -> bool:
    return unicodedata.category(c).startswith("L")


def _is_digit(c: str) -> bool:
    return unicodedata.category(c) == "Nd"


def _digit_value(c: str) -> int:
    # Go computes ``rune - '0'`` even for non-ASCII digits; keep that arithmetic.
    return ord(c) - ord("0")


def yaml_v2_less(a: str, b: str) -> bool:
    """``keyList.Less`` of yaml.v2 (``sorter.go``) for two string keys."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = _is_letter(ca), _is_letter(cb)
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + _digit_value(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + _digit_value(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


_FLOAT: Final = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INT: Final = re.compile(
    r"[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|0|[1-9][0-9]*)", re.ASCII
)
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", re.ASCII)
#: yaml.v2 ``resolveMap``: plain scalars that are booleans, null, special floats or a merge.
_SPECIAL: Final = frozenset(
    {
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "true",
        "True",
        "TRUE",
        "on",
        "On",
        "ON",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "false",
        "False",
        "FALSE",
        "off",
        "Off",
        "OFF",
        "~",
        "null",
        "Null",
        "NULL",
        ".nan",
        ".NaN",
        ".NAN",
        ".inf",
        ".Inf",
        ".INF",
        "+.inf",
        "+.Inf",
        "+.INF",
        "-.inf",
        "-.Inf",
        "-.INF",
        "<<",
    }
)


def _resolves_to_non_string(s: str) -> bool:
    """yaml.v2 ``resolve("", s)`` gives something other than ``!!str``."""
    if s == "" or s in _SPECIAL:
        return True
    c = s[0]
    if c == ".":
        return _FLOAT.fullmatch(s) is not None
    if c in "+-0123456789":
        if _DATE.fullmatch(s):
            return True
        plain = s.replace("_", "")
        return _INT.fullmatch(plain) is not None or _FLOAT.fullmatch(plain) is not None
    return False


def _base60(s: str) -> bool:
    return re.fullmatch(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?", s) is not None


_ESCAPES: Final = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_",
    "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _printable(c: str) -> bool:
    """libyaml ``is_printable`` (the emitter writes Unicode)."""
    o = ord(c)
    return (
        o == 0x0A
        or 0x20 <= o <= 0x7E
        or o == 0x85
        or 0xA0 <= o <= 0xD7FF
        or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)
        or 0x10000 <= o <= 0x10FFFF
    )


def _double_quoted(key: str) -> str:
    out = []
    for c in key:
        if c in _ESCAPES:
            out.append("\\" + _ESCAPES[c])
        elif _printable(c) and c != "\n":
            out.append(c)
        elif ord(c) <= 0xFF:
            out.append(f"\\x{ord(c):02X}")
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(f"\\U{ord(c):08X}")
    return '"' + "".join(out) + '"'


def yaml_v2_key(key: str) -> str:
    """A mapping key as yaml.v2 writes it: plain, single-quoted or double-quoted.

    Exact for the characters valid scopes hold (printable, no spaces or line breaks); keys
    with control characters or line breaks, which the API server refuses, are written
    double-quoted.
    """
    if (
        _resolves_to_non_string(key)
        or _base60(key)
        or any(not _printable(c) or c == "\n" for c in key)
    ):
        return _double_quoted(key)
    first = key[:1]
    indicator = first in "#,[]{}&*!|>'\"%@`" or (first in "?:-" and len(key) == 1)
    indicator = indicator or key.startswith(("---", "..."))
    spaced = key.startswith(" ") or key.endswith(" ")
    if ": " in key or " #" in key or key.endswith(":") or indicator or spaced:
        return "'" + key.replace("'", "''") + "'"
    return key


def _compare(a: str, b: str) -> int:
    return -1 if yaml_v2_less(a, b) else (1 if yaml_v2_less(b, a) else 0)


def sigstore_registries_yaml(keys: Iterable[str]) -> str:
    """The file's text for these scopes (sorted and quoted as yaml.v2 does)."""
    ordered = sorted(set(keys), key=cmp_to_key(_compare))
    lines = ["docker:"]
    for key in ordered:
        text = yaml_v2_key(key)
        if len(key) > 128:  # yaml_emitter_check_simple_key counts the unquoted value
            lines.append(f"  ? {text}")
            lines.append("  : use-sigstore-attachments: true")
        else:
            lines.append(f"  {text}:")
            lines.append("    use-sigstore-attachments: true")
    return "\n".join(lines) + "\n"
