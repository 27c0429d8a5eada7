"""registries.d YAML decoded as ``gopkg.in/yaml.v3`` (3.0.1) decodes it into Go's structs.

PyYAML (the optional ``yaml`` extra) builds the node tree; the decoding rules are yaml.v3's
(``decode.go``, ``resolve.go``) for ``docker.registryConfiguration``:

* a plain scalar's tag is resolved with yaml.v3's table (``true``/``false``/``null``/numbers;
  ``yes``/``on``... stay strings), a quoted or block scalar is a string;
* a string field takes the text of any non-null scalar; a ``*bool`` takes a bool or one of
  YAML 1.1's ``y``/``yes``/``on``... (and their ``n`` forms); ``null`` leaves a field unset;
* a key repeated in one mapping: ``line N: mapping key "k" already defined at line M`` (that
  mapping is then not decoded);
* type errors are collected in document order and reported together (``yaml: unmarshal
  errors:\\n  line N: cannot unmarshal !!seq into string``).

Syntax errors carry PyYAML's words (``YamlDecodeError.pyyaml``); yaml.v3 words them
differently.  Anchors, merge keys (``<<``) and explicit tags other than ``!!str``/``!!null``
are outside what regresolve models (they decode as their plain text or target).
"""

from __future__ import annotations

import calendar
import re
from typing import Any, Final

from regresolve._gojson import go_utf8
from regresolve._gotext import go_quote

__all__ = ["NS_FIELDS", "YamlDecodeError", "decode_registries_yaml", "v3_plain_tag"]

NS_FIELDS: Final = {
    "lookaside": "lookaside",
    "lookaside-staging": "lookaside_staging",
    "sigstore": "sigstore",
    "sigstore-staging": "sigstore_staging",
    "use-sigstore-attachments": "use_sigstore_attachments",
}
_NS_TYPE: Final = "docker.registryNamespace"
_TOP_TYPE: Final = "docker.registryConfiguration"
_MAP_TYPE: Final = "map[string]docker.registryNamespace"


class YamlDecodeError(ValueError):
    """A registries.d file does not decode; ``str()`` follows ``parsing <path>: ``."""

    def __init__(self, message: str, *, pyyaml: bool = False) -> None:
        super().__init__(message)
        self.pyyaml = pyyaml


# ---------------------------------------------------------------------------------------------
# yaml.v3's resolve() for plain scalars (only the tag and bool/null values matter here)
# ---------------------------------------------------------------------------------------------

_MAP: Final = {
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), "!!bool"),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), "!!null"),
    **dict.fromkeys(
        (
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
        ),
        "!!float",
    ),
    "<<": "!!merge",
}
_GO_FLOAT: Final = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_YAML_FLOAT: Final = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_TIMESTAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:([Tt])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
    r"| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?)?"
)
_INT_PREFIX: Final = {"0x": 16, "0X": 16, "0b": 2, "0B": 2, "0o": 8, "0O": 8}


def _go_float_ok(s: str) -> bool:
    if _GO_FLOAT.fullmatch(s) is None:
        return False
    return float(s) not in (float("inf"), float("-inf"))


def _go_int(s: str, *, signed: bool) -> int | None:
    """``strconv.ParseInt(s, 0, 64)`` / ``ParseUint(s, 0, 64)`` (underscores already gone)."""
    body, neg = s, False
    if signed and body[:1] in ("+", "-"):
        neg, body = body[0] == "-", body[1:]
    base = 10
    if body[:2] in _INT_PREFIX:
        base, body = _INT_PREFIX[body[:2]], body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, body = 8, body[1:]
    digits = "0123456789abcdef"[:base]
    if not body or any(c.lower() not in digits for c in body):
        return None
    v = int(body, base)
    v = -v if neg else v
    if signed:
        return v if -(1 << 63) <= v < (1 << 63) else None
    return v if v < (1 << 64) else None


def _timestamp(s: str) -> bool:
    m = _TIMESTAMP.fullmatch(s)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    clock = m.group(5, 6, 7) if m.group(4) else m.group(8, 9, 10)
    if clock[0] is None:
        return True
    h, mi, se = (int(x) for x in clock)
    return h < 24 and mi < 60 and se < 60


def v3_plain_tag(value: str) -> str:
    """The short tag yaml.v3 gives an untagged plain scalar."""
    if value in _MAP:
        return _MAP[value]
    c = value[0]
    if c == ".":
        return "!!float" if _go_float_ok(value) else "!!str"
    if not (c in "+-" or (c.isascii() and c.isdigit())):
        return "!!str"
    if _timestamp(value):
        return "!!timestamp"
    plain = value.replace("_", "")
    if _go_int(plain, signed=True) is not None or _go_int(plain, signed=False) is not None:
        return "!!int"
    if _YAML_FLOAT.fullmatch(plain) is not None and _go_float_ok(plain):
        return "!!float"
    for prefix, base in (("0b", 2), ("-0b", 2), ("0o", 8), ("-0o", 8)):
        if plain.startswith(prefix):
            rest = plain[len(prefix) :]
            digits = "01" if base == 2 else "01234567"
            if rest and all(ch in digits for ch in rest):
                return "!!int"
    return "!!str"


_YES: Final = frozenset(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"))
_NO: Final = frozenset(("n", "N", "no", "No", "NO", "off", "Off", "OFF"))

# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------


class _Decoder:
    def __init__(self, yaml: Any) -> None:
        self.yaml = yaml
        self.errors: list[str] = []

    def tag(self, node: Any) -> str:
        t: str = node.tag
        if t == "!go-plain":
            return v3_plain_tag(node.value)
        return "!!" + t[len("tag:yaml.org,2002:") :] if t.startswith("tag:yaml.org,2002:") else t

    def kind(self, node: Any) -> str:
        if isinstance(node, self.yaml.MappingNode):
            return "map"
        if isinstance(node, self.yaml.SequenceNode):
            return "seq"
        return "scalar"

    def terror(self, node: Any, target: str) -> None:
        tag = self.tag(node)
        value = ""
        if tag not in ("!!seq", "!!map"):
            raw = node.value.encode("utf-8", "surrogatepass")
            shown = raw[:7] + b"..." if len(raw) > 10 else raw
            value = " `" + go_utf8(shown) + "`"
        line = node.start_mark.line + 1
        self.errors.append(f"line {line}: cannot unmarshal {tag}{value} into {target}")

    def is_null(self, node: Any) -> bool:
        return self.kind(node) == "scalar" and self.tag(node) == "!!null"

    def unique(self, node: Any) -> bool:
        """The duplicate-key check that runs before a mapping is decoded."""
        before = len(self.errors)
        items = node.value
        for i, (ki, _) in enumerate(items):
            for kj, _ in items[i + 1 :]:
                same_kind = self.kind(ki) == self.kind(kj)
                ki_value = ki.value if self.kind(ki) == "scalar" else ""
                kj_value = kj.value if self.kind(kj) == "scalar" else ""
                if same_kind and ki_value == kj_value:
                    self.errors.append(
                        f"line {kj.start_mark.line + 1}: mapping key {go_quote(kj_value)} "
                        f"already defined at line {ki.start_mark.line + 1}"
                    )
        return len(self.errors) == before

    def string(self, node: Any) -> str | None:
        """A scalar into a Go string: its text; None when null or not a scalar."""
        kind = self.kind(node)
        if kind != "scalar":
            self.terror(node, "string")
            return None
        if self.tag(node) == "!!null":
            return None
        text: str = node.value
        return text

    def boolean(self, node: Any) -> bool | None:
        kind = self.kind(node)
        if kind != "scalar":
            self.terror(node, "bool")
            return None
        tag = self.tag(node)
        if tag == "!!null":
            return None
        value = node.value
        if tag == "!!bool" and value in _MAP:
            return value in ("true", "True", "TRUE")
        if tag == "!!str" or (tag.startswith("!") and not tag.startswith("!!")):
            if value in _YES:
                return True
            if value in _NO:
                return False
        self.terror(node, "bool")
        return None

    def namespace(self, node: Any) -> dict[str, Any] | None:
        """A ``registryNamespace``: the fields set (None: the value is null)."""
        kind = self.kind(node)
        if kind == "scalar" and self.tag(node) == "!!null":
            return None
        if kind != "map":
            self.terror(node, _NS_TYPE)
            return {}
        fields: dict[str, Any] = {}
        if not self.unique(node):
            return fields
        for k, v in node.value:
            name = self.string(k)
            if name not in NS_FIELDS:
                continue
            if name == "use-sigstore-attachments":
                if self.is_null(v):
                    fields.pop(name, None)
                else:
                    fields[name] = self.boolean(v)
            else:
                text = self.string(v)
                if text is not None:
                    fields[name] = text
        return fields

    def docker_map(
        self, node: Any, current: dict[str, dict[str, Any]] | None
    ) -> dict[str, dict[str, Any]] | None:
        kind = self.kind(node)
        if kind == "scalar" and self.tag(node) == "!!null":
            return None
        if kind != "map":
            self.terror(node, _MAP_TYPE)
            return current
        if not self.unique(node):
            return current
        is_new = current is None
        out: dict[str, dict[str, Any]] = {} if current is None else current
        for k, v in node.value:
            key = self.string(k)
            if key is None:
                continue
            if self.is_null(v):
                if is_new or key not in out:
                    out[key] = {}
                continue
            fields = self.namespace(v)
            if self.kind(v) == "map":
                out[key] = fields or {}
        return out


def decode_registries_yaml(
    data: bytes,
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]] | None]:
    """``yaml.Unmarshal(data, &registryConfiguration{})``: (``default-docker`` fields or
    None, ``docker`` scope -> fields or None).

    Raises:
        YamlDecodeError: a syntax error (PyYAML's words) or yaml.v3's type errors.
        ImportError: PyYAML is not installed.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415 - optional

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _Loader(base):  # type: ignore[misc,valid-type,unused-ignore]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is yaml.ScalarNode:
                return "!go-plain" if implicit[0] else "tag:yaml.org,2002:str"
            return super().resolve(kind, value, implicit)

    try:
        node = next(iter(yaml.compose_all(data, Loader=_Loader)), None)
    except yaml.YAMLError as e:
        raise YamlDecodeError(f"yaml: {e}", pyyaml=True) from None
    d = _Decoder(yaml)
    default: dict[str, Any] | None = None
    docker: dict[str, dict[str, Any]] | None = None
    if node is not None:
        kind = d.kind(node)
        if kind == "map":
            if d.unique(node):
                for k, v in node.value:
                    name = d.string(k)
                    if name == "default-docker":
                        default = d.namespace(v)
                    elif name == "docker":
                        docker = d.docker_map(v, docker)
        elif not d.is_null(node):
            d.terror(node, _TOP_TYPE)
    if d.errors:
        raise YamlDecodeError("yaml: unmarshal errors:\n  " + "\n  ".join(d.errors))
    return default, docker
