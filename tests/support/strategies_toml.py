"""TOML documents for the BurntSushi/toml differential tests, and how answers are compared.

Generators (Hypothesis strategies of ``bytes``):

* :func:`toml_documents`: the mix the oracle tests run: structured documents (tables,
  arrays of tables, dotted keys, inline tables, every value type with its limits, the four
  kinds of strings with escapes and CRLF, comments, whitespace, Unicode) over small key pools
  so that keys meet again (re-definitions, re-opened tables, implicit tables), the same with
  a few bytes changed (quotes, brackets, control characters, NUL, bytes that are not UTF-8,
  byte-order marks), registries.conf-shaped files, and templates of the classes of issue 17.
* :func:`structured_documents`, :func:`mutated_documents`, :func:`registries_documents`,
  :func:`odd_byte_documents`: the parts.

Comparison: :func:`decoded_answer` runs :func:`regresolve._tomldecode.decode` and writes its
result in the oracle's typed form (``{"string": ...}``, ``{"int64": "..."}``, ``{"[]any":
[...]}`` ...), :func:`oracle_answer` normalises an oracle answer the same way (a
``time.Time`` becomes ``{"time": [kind, wall clock, offset, utc]}``: the location Go gives a
local date or time is the machine's), and :func:`compare` asserts they are equal, also with
the decoder's fast path turned off.

:data:`ISSUE_CLASSES`: documents for each row of issue 17's table (and the byte-level cases),
named; the per-class tests and the corpus recorder use them.
"""

from __future__ import annotations

import decimal
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

from hypothesis import strategies as st

from regresolve._tomldecode import GoTime, TableArray, TomlDecodeError, decode
from support.strategies_config import registries_conf_file

T = TypeVar("T")

__all__ = [
    "ISSUE_CLASSES",
    "compare",
    "decoded_answer",
    "document",
    "documents_from_seed",
    "go_format_float",
    "mutated_documents",
    "odd_byte_documents",
    "oracle_answer",
    "registries_documents",
    "structured_documents",
    "toml_documents",
]


# -- comparison -----------------------------------------------------------------------------


def go_format_float(f: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'g', -1, 64)``; a NaN with its sign bit set is "-NaN"
    (the oracle's convention, PROTOCOL.md)."""
    if math.isnan(f):
        return "-NaN" if math.copysign(1.0, f) < 0 else "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = "-" if math.copysign(1.0, f) < 0 else ""
    if f == 0:
        return neg + "0"
    # repr gives the shortest digits that round-trip, as Go's shortest formatting does.
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(f))).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped.lstrip("0")
    point = len(digits) + exponent  # value = 0.digits * 10**point
    exp10 = point - 1
    if exp10 < -4 or exp10 >= 6:  # shortest 'g' switches to %e at precision 6
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{neg}{digits}{'0' * (point - len(digits))}"
    return f"{neg}{digits[:point]}.{digits[point:]}"


def _wall(t: GoTime) -> str:
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.nanosecond:09d}"
    )


def typed(value: Any) -> Any:
    """A decoded value in the oracle's typed JSON form (times normalised, see the module)."""
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, int):
        return {"int64": str(value)}
    if isinstance(value, float):
        return {"float64": go_format_float(value)}
    if isinstance(value, GoTime):
        return {"time": [value.kind, _wall(value), value.offset, value.utc]}
    if isinstance(value, TableArray):
        return {"[]map[string]any": [typed(t) for t in value]}
    if isinstance(value, list):
        return {"[]any": [typed(v) for v in value]}
    if isinstance(value, dict):
        return {"map[string]any": {k: typed(v) for k, v in value.items()}}
    raise TypeError(f"not a decoded TOML value: {value!r}")


_LOCAL_KINDS = {
    "datetime-local": "local-datetime",
    "date-local": "local-date",
    "time-local": "local-time",
}


def _normalise(node: Mapping[str, Any]) -> Any:
    ((tag, value),) = node.items()
    if tag == "time.Time":
        kind = _LOCAL_KINDS.get(value["location"], "offset-datetime")
        offset = value["offset"] if kind == "offset-datetime" else None
        return {"time": [kind, value["wall"], offset, value["location"] == "UTC"]}
    if tag in ("[]any", "[]map[string]any"):
        return {tag: [_normalise(v) for v in value]}
    if tag == "map[string]any":
        return {tag: {k: _normalise(v) for k, v in value.items()}}
    return dict(node)


def oracle_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a ``toml`` answer the decoder is compared on, normalised."""
    if answer.get("meta_error"):
        raise AssertionError(f"oracle could not read MetaData: {answer['meta_error']}")
    if answer.get("error") is not None:
        return {"error": answer["error"], "line": answer["line"]}
    key_info = {k: list(v) for k, v in answer["key_info"].items()}
    return {"value": _normalise(answer["value"]), "key_info": key_info}


def decoded_answer(data: bytes, *, fast: bool = True) -> dict[str, Any]:
    """Our decoder's answer for ``data`` in the form :func:`oracle_answer` returns."""
    try:
        doc = decode(data, fast=fast)
    except TomlDecodeError as e:
        return {"error": e.go_text, "line": e.line}
    key_info = {k: list(v) for k, v in doc.key_info().items()}
    return {"value": typed(doc.values), "key_info": key_info}


def compare(data: bytes, answer: Mapping[str, Any]) -> None:
    """Assert that the decoder (with and without its fast path) answers as Go did."""
    want = oracle_answer(answer)
    got = decoded_answer(data)
    assert got == want, f"document {data!r}\n go: {want}\nours: {got}"
    slow = decoded_answer(data, fast=False)
    assert slow == got, f"document {data!r}: the fast path changed the answer\n{slow}\n{got}"
    if "value" in got:
        doc = decode(data)
        lines = {k: (line, typ == "ArrayHash") for k, (line, typ) in want["key_info"].items()}
        assert doc.key_lines == lines


# -- fragments --------------------------------------------------------------------------------

_BARE_KEYS = (
    "a",
    "b",
    "x",
    "y",
    "registry",
    "mirror",
    "location",
    "aliases",
    "1",
    "-",
    "_",
    "A-b_9",
)
_QUOTED_KEYS = (
    '"a"',
    '"x"',
    '""',
    "''",
    '"a.b"',
    '"ns/img"',
    "'lit'",
    "'a'",
    '"\\u0061"',
    '"é"',
    '"\\t"',
    '"a b"',
    '"\\""',
    "'\"'",
    '"\\\\"',
    '"\\U0001F600"',
    '"a\\nb"',
    "'\\u0061'",
)
_BAD_QUOTED_KEYS = ('"\\q"', '"\\ "', '"\\ud800"', '"\x7f"', '"""a"""', '"a\nb"')
_WS = ("", " ", "  ", "\t", " \t")

_INTEGERS = (
    "0",
    "+0",
    "-0",
    "00",
    "01",
    "-01",
    "+01",
    "1_000",
    "1__0",
    "1_",
    "0_1",
    "0x_1",
    "0xDEAD_beef",
    "0o777",
    "0o8",
    "0o_7",
    "0b102",
    "0b",
    "0x",
    "0o",
    "0X1",
    "0B1",
    "+0x1",
    "-0b1",
    "+0o7",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "0x7FFFFFFFFFFFFFFF",
    "0x8000000000000000",
    "0x" + "f" * 17,
    "0b" + "1" * 63,
    "0b" + "1" * 64,
    "0o777777777777777777777",
    "0o1777777777777777777777",
    "99999999999999999999999",
    "1" * 40,
    "0x00000000000000000001",
    "1_2_3",
    "12_",
    "0xg",
    "0b1_",
    "0_0",
    "1-2",
    "1:2",
    "12:3",
    "123abc",
)
_FLOATS = (
    "1.0",
    "-1.5",
    "+1.5",
    "1e5",
    "1E5",
    "1e+5",
    "1e-5",
    "1.5e10",
    "0.0",
    "-0.0",
    "+0.0",
    "1e309",
    "-1e309",
    "1e-400",
    "inf",
    "+inf",
    "-inf",
    "nan",
    "+nan",
    "-nan",
    "1.",
    "1.e5",
    ".5",
    "-.5",
    "1._5",
    "1_.5",
    "01.5",
    "-01.5",
    "0e0",
    "00.5",
    "1e5.5",
    "1.2.3",
    "1e",
    "1e+",
    "1e_5",
    "3.141_592",
    "1_000.5",
    "5e+22",
    "6.626e-34",
    "1.7976931348623157e308",
    "1.7976931348623159e308",
    "4.9e-324",
    "2.5e-324",
    "infinity",
    "nanx",
    "inan",
    "nnf",
    "+i",
    "+in",
    "-na",
    "+nax",
    "i",
    "n",
    "in",
    "na",
    "nan_",
    "1e5_",
    "1.5_",
    "0.1e-2",
    "1e1000000000000",
    "0e99999",
    "1.5-3",
    "1e5e5",
    "1E-0",
    "9007199254740993.0",
    "0.30000000000000004",
    "123456789012345678901234567890.5",
)
_WORDS = ("true", "false")
_BAD_WORDS = (
    "True",
    "tru",
    "falsey",
    "yes",
    "x",
    "é",
    "trueé",
    "inx",
    "nax",
    "ix",
    "nx",
    "𑼀",
    "ǅ",
    "\U00011f04",  # a letter for Go 1.23 (Unicode 15), not for Python 3.11
)
_DATETIMES = (
    "1979-05-27T07:32:00Z",
    "1979-05-27T00:32:00.999999-07:00",
    "1979-05-27 07:32:00",
    "1979-05-27t07:32:00z",
    "1979-05-27",
    "07:32:00",
    "00:32:00.999999",
    "0000-01-01",
    "9999-12-31T23:59:59.999999999+23:59",
    "2000-01-01T00:00:00+24:00",
    "2000-01-01T00:00:00+23:60",
    "2000-01-01T00:00:00+24:60",
    "2000-01-01T00:00:00+25:00",
    "2000-01-01T00:00:00-24:00",
    "2000-02-29",
    "1900-02-29",
    "2001-02-29",
    "2000-13-01",
    "2000-00-10",
    "2000-01-32",
    "2000-04-31",
    "24:00:00",
    "23:60:00",
    "23:59:60",
    "1:02:03",
    "1979-05-27T7:32:00",
    "1979-05-27T07:32",
    "07:32",
    "1979-05-27T",
    "1979-05-27  07:32:00",
    "1979-05-27T07:32:00.",
    "1979-05-27T07:32:00.1234567891234Z",
    "1979-5-27",
    "12:30:00Z",
    "1979-05-27T07:32:00-00:00",
    "1979-05-27T07:32:00+0100",
    "12:30:00 +01:00",
    "1979-05-27T07:32:00+01:00:00",
    "1979-05-27T07:32:00Z+01:00",
    "0000-01-01T00:00:00Z",
    "1979-05-27 07:32:00.5Z",
    "2016-12-31T23:59:59+00:00",
    "99:99:99",
    "1979-05-27TT07:32:00",
    "1979-05-27T07:32:00.000000001",
    "1979-05-27T07:32:00,5",
    "00:00:00.0000000001",
)
_BASIC_PIECES = (
    "a",
    "b",
    " ",
    "/",
    "é",
    "€",
    "😀",
    "\t",
    "'",
    "#",
    "=",
    ".",
    "[",
    "]",
    "{",
    "}",
    "\\t",
    "\\n",
    '\\"',
    "\\\\",
    "\\b",
    "\\f",
    "\\r",
    "\\u00e9",
    "\\U0001F600",
    "\\u0000",
    "\\u00E9",
    "\\U0010FFFF",
    "\\uFFFF",
    "\u2028",
    "\ufeff",
)
_BAD_BASIC_PIECES = (
    "\\q",
    "\\ ",
    "\\\t",
    "\\u12",
    "\\uD800",
    "\\uDFFF",
    "\\U00110000",
    "\\UFFFFFFFF",
    "\\x41",
    "\\e",
    "\\",
    "\n",
    "\x01",
)
_ML_PIECES = (
    "a",
    " ",
    "\n",
    "\r\n",
    "\t",
    '"',
    '""',
    "\\\n",
    "\\  \n  ",
    "\\\r\n",
    "\\ \t\r\n\n  ",
    "\\\\\n",
    "\\t",
    '\\"',
    "é",
    "'",
    "''",
    "\\u00e9",
    "#",
)
_BAD_ML_PIECES = ("\\ x", "\\q", "\r", "\x00", '"""')
_ML_LITERAL_PIECES = ("a", " ", "\n", "\r\n", "\t", "'", "b", '"', "\\", "é", "#", "\\n", "c")
_COMMENTS = ("# c", "#", "# é ok", "#\t[x] = 1", '# """', "#\u2028")
_BAD_COMMENTS = ("# \x7f", "# a\rb", "# \x00")


class Chooser(Protocol):
    """Where the generator's choices come from: ``random.Random`` (fast, for volume) or
    :class:`_Draws` (Hypothesis draws, which shrink)."""

    def choice(self, seq: Sequence[T]) -> T: ...

    def randint(self, a: int, b: int) -> int: ...


class _Draws:
    """A :class:`Chooser` over Hypothesis draws."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def choice(self, seq: Sequence[T]) -> T:
        return self._draw(st.sampled_from(seq))

    def randint(self, a: int, b: int) -> int:
        return self._draw(st.integers(a, b))


def _pick(r: Chooser, good: Sequence[T], bad: Sequence[T], odds: int = 15) -> T:
    """Mostly from ``good``; one time in ``odds`` from ``bad`` (what Go refuses)."""
    return r.choice(bad) if r.randint(1, odds) == 1 else r.choice(good)


def _some(r: Chooser, good: Sequence[str], bad: Sequence[str], most: int) -> str:
    return "".join(_pick(r, good, bad, 60) for _ in range(r.randint(0, most)))


def _basic_string(r: Chooser) -> str:
    return '"' + _some(r, _BASIC_PIECES, _BAD_BASIC_PIECES, 5) + '"'


def _literal_string(r: Chooser) -> str:
    good = ("a", " ", "\\", '"', "é", "\t", "#", "\\u0041")
    return "'" + _some(r, good, ("'", "\n", "\x7f"), 5) + "'"


def _ml_basic_string(r: Chooser) -> str:
    first = r.choice(("", "", "\n", "\r\n", " \n"))
    tail = _pick(r, ("", "", "", '"', '""', '\\"'), ('"""', '\\""""'), 8)
    return '"""' + first + _some(r, _ML_PIECES, _BAD_ML_PIECES, 6) + tail + '"""'


def _ml_literal_string(r: Chooser) -> str:
    first = r.choice(("", "", "\n", "\r\n"))
    tail = _pick(r, ("", "", "", "'", "''"), ("'''",), 8)
    return "'''" + first + _some(r, _ML_LITERAL_PIECES, ("\r", "'''"), 6) + tail + "'''"


def _integer(r: Chooser) -> str:
    if r.randint(0, 1):
        return r.choice(_INTEGERS)
    n = r.choice((r.randint(-100, 100), r.randint(-(2**64), 2**64), r.randint(-(2**31), 2**31)))
    base = r.choice(("d", "d", "x", "o", "b"))
    if base == "d" or n < 0:
        return str(n)
    return "0" + base + format(n, base)


def _float(r: Chooser) -> str:
    if r.randint(0, 1):
        return r.choice(_FLOATS)
    mantissa = r.randint(0, 10**17)
    exponent = r.randint(-330, 310)
    text = repr(float(f"{mantissa}e{exponent}")) if r.randint(0, 3) else f"{mantissa}e{exponent}"
    if r.randint(0, 1):
        text = "-" + text
    return text if any(c in text for c in ".en") else text + ".0"


def _datetime(r: Chooser) -> str:
    if r.randint(0, 1):
        return r.choice(_DATETIMES)
    date = f"{r.randint(0, 9999):04d}-{r.randint(0, 13):02d}-{r.randint(0, 32):02d}"
    frac = r.choice(("", "", ".5", ".123456789", ".1234567890123"))
    clock = f"{r.randint(0, 25):02d}:{r.randint(0, 61):02d}:{r.randint(0, 61):02d}{frac}"
    shape = r.randint(0, 2)
    if shape == 0:
        return date
    if shape == 1:
        return clock
    zone = r.choice(("", "Z", "z", "+00:00", "-07:00", "+24:00", "+23:60", "+05:30", "-24:60"))
    return date + r.choice(("T", "t", " ")) + clock + zone


def _word(r: Chooser) -> str:
    return _pick(r, _WORDS, _BAD_WORDS, 6)


_SCALARS = (
    _basic_string,
    _literal_string,
    _ml_basic_string,
    _ml_literal_string,
    _integer,
    _float,
    _datetime,
    _word,
)


def _key_part(r: Chooser) -> str:
    if r.randint(0, 3):
        return r.choice(_BARE_KEYS)
    return _pick(r, _QUOTED_KEYS, _BAD_QUOTED_KEYS)


def _key(r: Chooser) -> str:
    dot = r.choice((".", ".", ".", " . ", ". ", "\t."))
    return dot.join(_key_part(r) for _ in range(r.choice((1, 1, 1, 2, 2, 3))))


def _value(r: Chooser, depth: int = 0) -> str:
    kind = r.randint(0, 9)
    if depth >= 3 or kind < 6:
        return r.choice(_SCALARS)(r)
    if kind < 8:
        return _array(r, depth + 1)
    return _inline_table(r, depth + 1)


_ARRAY_SEPS = (", ", ",", " , ", ",\n", ",\r\n  ", ", # c\n", ",\n\n", " ,\t")


def _array(r: Chooser, depth: int) -> str:
    items = [_value(r, depth) for _ in range(r.randint(0, 4))]
    opening = r.choice(("[", "[ ", "[\n", "[ # c\n", "[\r\n"))
    closing = r.choice(("]", " ]", "\n]", ",]", ", ]", "\n# c\n]"))
    if not items and closing.startswith(","):
        closing = "]"
    return opening + r.choice(_ARRAY_SEPS).join(items) + closing


def _inline_table(r: Chooser, depth: int) -> str:
    entries = [f"{_key(r)} = {_value(r, depth)}" for _ in range(r.randint(0, 3))]
    body = r.choice((", ", ",", " , ", ",\t")).join(entries)
    closing = _pick(r, ("}", " }", "\t}"), (", }", "\n}", ",}", "\r\n}"), 40)
    return r.choice(("{", "{ ", "{\t")) + body + closing


def _line(r: Chooser) -> str:
    kind = r.randint(0, 19)
    lead = r.choice(_WS)
    comment = ""
    if r.randint(0, 4) == 0:
        comment = r.choice(_WS) + _pick(r, _COMMENTS, _BAD_COMMENTS)
    if kind < 11:
        eq = r.choice(("=", " = ", " = ", " =", "= ", "\t=\t"))
        return lead + _key(r) + eq + _value(r) + comment
    if kind < 16:
        name = _key(r)
        inner = r.choice(_WS)
        if r.randint(0, 1):
            return f"{lead}[[{inner}{name}{inner}]]{comment}"
        return f"{lead}[{inner}{name}{inner}]{comment}"
    if kind < 18:
        return lead + _pick(r, _COMMENTS, _BAD_COMMENTS)
    return lead


def _structured(r: Chooser) -> bytes:
    newline = r.choice(("\n", "\n", "\n", "\r\n"))
    text = newline.join(_line(r) for _ in range(r.randint(0, 12)))
    if r.randint(0, 1):
        text += newline
    bom = r.choice((b"",) * 12 + (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    return bom + text.encode("utf-8")


_HOSTS = ("a.com", "b.com:5000", "quay.io/ns", "*.a.com", "localhost", "[::1]:5000", "é.com", "")
_BOOLISH = ("true", "false", "true", "false", "1", '"true"')


def _registries(r: Chooser) -> bytes:
    """A registries.conf-shaped document: the shapes podman's files have, valid or not."""
    out: list[str] = []
    if r.randint(0, 1):
        hosts = ", ".join(f'"{r.choice(_HOSTS)}"' for _ in range(r.randint(0, 3)))
        if hosts and r.randint(0, 1):
            hosts = "\n  " + hosts.replace(", ", ",\n  ") + ",\n"
        out.append(f"unqualified-search-registries = [{hosts}]")
    if r.randint(0, 2) == 0:
        mode = r.choice(("enforcing", "permissive", "disabled", "x"))
        out.append(f'short-name-mode = "{mode}"')
    if r.randint(0, 3) == 0:
        out.append(f'credential-helpers = ["{r.choice(("containers-auth.json", "pass"))}"]')
    for _ in range(r.randint(0, 4)):
        header = ("[[registry]]", "[[ registry ]]", "[[registry]] # c")
        out.append(_pick(r, header, ("[registry]", "[[registry]"), 20))
        for field in ("prefix", "location", "insecure", "blocked", "mirror-by-digest-only"):
            if r.randint(0, 2) == 0:
                continue
            if field in ("prefix", "location"):
                out.append(f'{field} = "{r.choice(_HOSTS)}"')
            else:
                out.append(f"{field} = {r.choice(_BOOLISH)}")
        for _ in range(r.randint(0, 2)):
            if r.randint(0, 6):
                out.append("[[registry.mirror]]")
                out.append(f'location = "{r.choice(_HOSTS)}"')
                if r.randint(0, 1):
                    pull = r.choice(("all", "digest-only", "tag-only"))
                    out.append(f'pull-from-mirror = "{pull}"')
            else:
                out.append(f'mirror = [{{location = "{r.choice(_HOSTS)}", insecure = true}}]')
    if r.randint(0, 2) == 0:
        out.append(r.choice(("[aliases]", "[ aliases ]", "[[aliases]]")))
        for _ in range(r.randint(0, 3)):
            name = r.choice(('"busybox"', '"ns/img"', "app", '"a.b"', "'lit'", '""'))
            value = r.choice(("docker.io/library/busybox", "quay.io/ns/img", ""))
            out.append(f'{name} = "{value}"')
    newline = r.choice(("\n", "\n", "\n", "\r\n"))
    return (newline.join(out) + newline).encode("utf-8")


_TIGHT_KEYS = ("a", "b", '""', "a", "b", "a.b", "b.a", 'a.""', '"".a')
_TIGHT_VALUES = (
    "1",
    "[1]",
    "[]",
    "{}",
    "{a = 1}",
    "{b = [1]}",
    '{"" = 1}',
    '{"" = [1]}',
    "{a.b = 1}",
    "[{a = 1}]",
    '[{"" = 1}]',
    '[{"" = [1]}]',
    "[[{a = 1}], {b = 2}]",
    '[{a = 1}, [{"" = 2}]]',
    '[[{"" = 1}], {a = 2}]',
    "[{a = {b = 1}}]",
    '{a = [{"" = 1}], b = 2}',
    "{a = 1, a.b = 2}",
    "{a = [1], a.b = 2}",
)


def _tight(r: Chooser) -> bytes:
    """Few keys, met again and again: headers, dotted keys and values that re-open, extend
    or replace each other (the Go parser's implicit tables, re-assignable arrays, the
    empty-key quirk)."""
    lines = []
    for _ in range(r.randint(1, 8)):
        kind = r.randint(0, 5)
        if kind == 0:
            lines.append(f"[{r.choice(_TIGHT_KEYS)}]")
        elif kind == 1:
            lines.append(f"[[{r.choice(_TIGHT_KEYS)}]]")
        else:
            lines.append(f"{r.choice(_TIGHT_KEYS)} = {r.choice(_TIGHT_VALUES)}")
    return ("\n".join(lines) + "\n").encode()


# Fragments a mutation puts in: the characters the lexer decides on, and bytes it refuses.
_NASTY = (
    b"\x00",
    b"\x01",
    b"\x1f",
    b"\x7f",
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b" ",
    b'"',
    b"'",
    b'"""',
    b"'''",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"{",
    b"}",
    b"=",
    b".",
    b",",
    b"#",
    b"\\",
    b"\\u",
    "é".encode(),
    "\u2028".encode(),
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\x80",
    b"inf",
    b"nan",
    b"true",
    b"1",
    b"-",
    b"+",
    b"_",
    b"e",
    b":",
    b"T",
    b"Z",
    b"0x",
    b"0b",
    b"a",
    b"a = 1\n",
    b"[a]\n",
    b"[[a]]\n",
    b'""',
    b"''",
)


def _mutated(r: Chooser) -> bytes:
    """A document with one to three byte edits: a deletion, a replacement, an insertion of a
    fragment the lexer decides on (or refuses), or the end cut off (every lexer state meets
    the end of the text somewhere)."""
    data = bytearray(_structured(r) if r.randint(0, 1) else _registries(r))
    for _ in range(r.randint(1, 3)):
        at = r.randint(0, len(data))
        op = r.randint(0, 4)
        if op == 0 and at < len(data):
            del data[at : at + r.randint(1, 4)]
        elif op == 1 and at < len(data):
            data[at : at + 1] = r.choice(_NASTY)
        elif op == 4:
            del data[at:]
        else:
            data[at:at] = r.choice(_NASTY)
    return bytes(data)


def _odd_bytes(r: Chooser) -> bytes:
    text = r.choice(('a = "x"\n', '[[registry]]\nlocation = "a.com"\n', "k = 1", ""))
    if r.randint(0, 4) == 0:
        bom = r.choice((b"", b"\xff\xfe", b"\xfe\xff"))
        return bom + text.encode(r.choice(("utf-16-le", "utf-16-be", "utf-16")))
    data = bytearray(text.encode())
    insert = r.choice((b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xb0\x80", b"\x80"))
    at = r.randint(0, len(data))
    data[at:at] = insert
    prefix = r.choice(
        (b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb", b"\xef\xbb\xbf" * 2)
    )
    return prefix + bytes(data)


def _issue_template(r: Chooser) -> bytes:
    name = r.choice(("aliases", "registry", "mirror", "x", "unqualified-search-registries"))
    sub = r.choice(("foo", '"ns/img"', "location", "insecure", '""'))
    template = r.choice(ISSUE_TEMPLATES)
    return template.format(name=name, sub=sub, v1=_value(r), v2=_value(r)).encode()


_KINDS = (
    _tight,
    _structured,
    _structured,
    _structured,
    _structured,
    _mutated,
    _mutated,
    _registries,
    _registries,
    _odd_bytes,
    _issue_template,
)


def document(r: Chooser) -> bytes:
    """One document of the mix (see the module docstring)."""
    return r.choice(_KINDS)(r)


def documents_from_seed(seed: int, count: int) -> list[bytes]:
    """``count`` documents from ``random.Random(seed)``: the fast source for volume runs."""
    rng = random.Random(seed)
    return [document(rng) for _ in range(count)]


@st.composite
def toml_documents(draw: st.DrawFn) -> bytes:
    """The mix as a Hypothesis strategy (its choices are draws, so failures shrink)."""
    return document(_Draws(draw))


@st.composite
def structured_documents(draw: st.DrawFn) -> bytes:
    """Generated lines only (no byte edits)."""
    return _structured(_Draws(draw))


@st.composite
def mutated_documents(draw: st.DrawFn) -> bytes:
    """A structured or registries.conf-shaped document with one to three byte edits."""
    return _mutated(_Draws(draw))


@st.composite
def registries_documents(draw: st.DrawFn) -> bytes:
    """registries.conf-shaped documents: this module's, and the configuration tests' own."""
    if draw(st.booleans()):
        return _registries(_Draws(draw))
    text = draw(registries_conf_file(dropin=draw(st.booleans())))
    return text.encode("utf-8")


@st.composite
def odd_byte_documents(draw: st.DrawFn) -> bytes:
    """Byte-order marks, UTF-16, NUL bytes and bytes that are not UTF-8, anywhere."""
    return _odd_bytes(_Draws(draw))


ISSUE_TEMPLATES = (
    "{name} = {v1}\n{name} = {v2}\n",
    "{name} = [{v1}]\n{name} = {v2}\n",
    "{name}.{sub} = {v1}\n[{name}]\n{sub} = {v2}\n",
    "[{name}]\n{sub} = {v1}\n[{name}]\n",
    "{name} = {{{sub} = {v1}}}\n{name}.bar = {v2}\n",
    "[[{name}]]\n{sub} = {v1}\n[[{name}.{sub}]]\n",
    "[[{name}]]\n{sub}.location = {v1}\n[[{name}.{sub}]]\n",
    "{name} = [{{{sub} = {v1}, {sub}.x = {v2}}}]\n",
    "{name} = [{{location = {v1}, insecure.x = 1, insecure = {v2}}}]\n",
    "[{name}]\n{sub} = {v1}\n{sub} = {v2}\n",
    '{name} = """\n{v1}\n"""\n',
    "[{name}\n{sub} = {v1}\n",
    '[{name}]\n"" = [{v1}]\n[{name}]\n{sub} = {v2}\n',
    '{name} = [{{"" = {v1}}}, {{{sub} = {v2}}}]\n',
    '{name} = [[{{{sub} = {v1}}}], {{"" = {v2}}}]\n',
)


# Named documents for each class of issue 17 (the per-class tests compare each with Go).
ISSUE_CLASSES: dict[str, list[bytes]] = {
    "array-key-assigned-again": [
        b'unqualified-search-registries = ["a.com"]\nunqualified-search-registries = ["b.com"]\n',
        b'[[registry]]\nlocation = "a.com"\nmirror = [{location="m.com"}]\nmirror = []\n',
        b"x = [1]\nx = 2\n",
        b"x = 1\nx = [2]\n",
        b"x = 1\nx = [2]\nx = 3\n",
        b"x = [1]\nx = [{a = 1}]\n",
        b"x = 1\nx = [{a = 1}]\n",
    ],
    "dotted-keys-reopen-tables": [
        b'aliases.foo = "quay.io/foo"\n[aliases]\n',
        b'aliases.foo = "quay.io/foo"\n[aliases]\nbar = "quay.io/bar"\n',
        b'aliases = {foo = "quay.io/foo"}\naliases.bar = "quay.io/bar"\n',
        b'registry = [{location="a.com", insecure.x = 1, insecure = true}]\n',
        b"[a]\nb.c = 1\n[a.b]\nd = 2\n",
        b"a.b.c = 1\na.b = 2\n",
        b"x = {a = [1], a.b = 2}\n",
        b"x = 1\nx = {a = 1}\n",
        b"x = 1\nx = {}\n",
    ],
    "numbers-out-of-range": [
        b"x = 9223372036854775808\n",
        b"x = -9223372036854775809\n",
        b"x = 9223372036854775807\n",
        b"x = 0x8000000000000000\n",
        b"x = 1e309\n",
        b"x = -1e309\n",
        b"x = 1e-400\n",
        b"x = 1_000e1_000\n",
    ],
    "dates-go-accepts": [
        b"x = 0000-01-01\n",
        b"x = 2000-01-01T00:00:00+24:00\n",
        b"x = 2000-01-01T00:00:00+23:60\n",
        b"x = 2000-01-01T00:00:00+24:60\n",
        b"x = 2000-01-01T00:00:00+25:00\n",
        b"x = 1979-05-27 07:32:00.1234567891z\n",
        b"x = 12:30:00\n",
        b"x = 2000-02-29\nt = 1900-02-29\n",
    ],
    "byte-order-marks": [
        b'\xff\xfe[[registry]]\nlocation = "a.com"\n',
        b'\xfe\xff[[registry]]\nlocation = "a.com"\n',
        b'\xef\xbb\xbf[[registry]]\nlocation = "a.com"\n',
        '[[registry]]\nlocation = "a.com"\n'.encode("utf-16"),
        b"\xef\xbb\xbf\xef\xbb\xbfx = 1\n",
    ],
    "nul-and-invalid-utf8": [
        b"x\x00 = 1\n",
        b"x = 1\n\x00",
        b'x = "\xff"\n',
        b"a = 1\na = 2\n\xff",
        b"# \xc3\n",
        b'x = "\xed\xa0\x80"\n',
    ],
    "crlf-in-multiline-strings": [
        b'foo = """quay.io/foo\r\n"""\n',
        b'foo = """\r\nquay.io/foo\r\nbar"""\r\n',
        b"foo = '''\r\nquay.io/foo\r\n'''\r\n",
        b'foo = """a \\\r\n   b"""\n',
        b'x = "abc\r\n',
    ],
    "line-of-multiline-values": [
        b'insecure = """\ntrue\n"""\n',
        b"insecure = '''\ntrue\n'''\n",
        b"insecure = [\n  true,\n]\n",
        b"[[registry]]\nmirror = [\n{location = 'a'},\n]\n",
    ],
    "last-key-of-redefinitions": [
        b'[aliases]\n"ns/img" = "a"\n"ns/img" = "b"\n',
        b'[aliases]\n"a.b" = "a"\n"a.b" = "b"\n',
        b'["a b"]\n"c d" = 1\n"c d" = 2\n',
        b"[aliases]\n'' = 1\n'' = 2\n",
    ],
    "redefinition-wording": [
        b"x.y = 1\nx.y = 2\n",
        b'[[registry]]\nmirror.location = "a.com"\n[[registry.mirror]]\n',
        b"[a]\n[a]\n",
        b"[[a]]\n[a]\n",
        b"a = 1\n[a]\n",
        b"a = 1\na.b = 2\n",
        b"a = [1]\n[[a]]\n",
        b"x = {a = {b = 1}}\nx.a.c = 2\n",
    ],
    "syntax-errors": [
        b"[aliases\n",
        b"[aliases",
        b"[[aliases]\n",
        b"x = \n",
        b"x = ",
        b"a\n",
        b"x = {",
        b"x = {a = 1,}\n",
        b"x = [1,,2]\n",
        b"x = 0b\n",
        b"x = inx\n",
        b"x = nnf\n",
        b'x = """a""""""\n',
        b'x = "\\q"\n',
        b'x = "\\ "\n',
        b'x = "\\ud800"\n',
    ],
    "empty-key-quirk": [
        b'x = [{"" = 1}, {a = 1}]\n',
        b'x = [[{a = 1}], {"" = 2}]\n',
        b'x = [{"" = [1]}, {a = 1}]\n',
        b'[a]\n"" = [1]\n[a]\nb = 2\n',
        b'"" = 1\n',
        b'"" = [1]\n"" = 2\n',
    ],
}
