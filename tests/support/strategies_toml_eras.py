"""TOML documents for the per-release BurntSushi/toml tests, and how era answers are compared.

containers/image 5.23 ... 5.41 are built with BurntSushi/toml 1.2.0 ... 1.6.0, and
``regresolve._tomldecode.decode(data, toml=...)`` decodes as each does.  This module holds:

* :data:`ERA_ORACLES`: which era oracle (tests/oracle/eras) answers for which dialect;
* :func:`era_answer`, :func:`decoded_era_answer`, :func:`compare_era`: an era oracle's
  ``toml`` answer (error text, line, last key, or typed value: the era oracles have no key
  positions) and ours in the same form, compared word for word, fast path on and off;
* :data:`ERA_CLASSES`: named documents for each difference between the releases (the
  per-class tests and the corpus recorder use them), with the dialects that differ from 1.4;
* :func:`era_document`, :func:`era_documents_from_seed`, :func:`era_toml_documents`: the 1.4
  mix of :mod:`support.strategies_toml` plus documents biased to those differences (the
  escapes and times of TOML 1.1, one-digit hours, U+FFFD, byte-order marks, CRLF and
  line-end backslashes in multi-line strings, dotted keys and newlines in inline tables,
  arrays assigned twice, texts cut short with and without a last newline, ``-nan``, ``0x``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from regresolve._tomldecode import TomlDecodeError, decode
from support.strategies_toml import Chooser, _Draws, _normalise, document, typed

__all__ = [
    "ERA_CLASSES",
    "ERA_ORACLES",
    "compare_era",
    "decoded_era_answer",
    "era_answer",
    "era_document",
    "era_documents_from_seed",
    "era_toml_documents",
]

#: The era oracle whose library is built with each dialect's BurntSushi/toml (Debian's).
#: 5.41 is built with the same toml 1.6.0 as 5.39; no oracle is built with 1.5.0.
ERA_ORACLES: dict[str, str] = {"1.2": "5.23", "1.3": "5.26", "1.4": "5.34", "1.6": "5.39"}


def era_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """An era oracle's ``toml`` answer, normalised (times as in ``strategies_toml``)."""
    if answer.get("error") is not None:
        return {"error": answer["error"], "line": answer["line"], "last_key": answer["last_key"]}
    return {"value": _normalise(answer["value"])}


def decoded_era_answer(data: bytes, toml: str, *, fast: bool = True) -> dict[str, Any]:
    """Our decoder's answer for ``data`` as the ``toml`` release, in :func:`era_answer`'s form."""
    try:
        doc = decode(data, fast=fast, toml=toml)
    except TomlDecodeError as e:
        return {"error": e.go_text, "line": e.line, "last_key": e.last_key}
    assert doc.toml == toml
    return {"value": typed(doc.values)}


def compare_era(data: bytes, answer: Mapping[str, Any], toml: str) -> None:
    """Assert that the decoder as ``toml`` (with and without its fast path) answers as Go."""
    want = era_answer(answer)
    got = decoded_era_answer(data, toml)
    assert got == want, f"toml {toml}, document {data!r}\n go: {want}\nours: {got}"
    slow = decoded_era_answer(data, toml, fast=False)
    assert slow == got, f"toml {toml}, document {data!r}: the fast path changed the answer"


# -- named documents, one list per difference ---------------------------------------------------

#: For each difference: the dialects that answer differently from 1.4 on it, and documents
#: (each decodes differently in at least one of them, checked by tests/test_toml_eras.py).
ERA_CLASSES: dict[str, tuple[tuple[str, ...], list[bytes]]] = {
    "utf8-bom-lexed": (
        ("1.2",),
        [
            b'\xef\xbb\xbf[[registry]]\nlocation = "a.com"\n',
            b"\xef\xbb\xbfx = 1\n",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf\n",
            b"\xef\xbb\xbf# c\n",
            b"\xef\xbb\xbf\x00x = 1\n",
            b"\xef\xbb\xbfab\x00 = 1\n",
            b"\xef\xbb\xbfabc\x00 = 1\n",
            b"\xef\xbb\xbf\xef\xbb\xbfx = 1\n",
            "x = 1\n".encode("utf-8-sig"),
        ],
    ),
    "ml-string-crlf": (
        ("1.2",),
        [
            b'foo = """quay.io/foo\r\n"""\n',
            b'foo = """a\r\nb"""\n',
            b'foo = """\r\na\r\n\r\nb\r\n"""\r\n',
            b'x = ["""a\r\nb""", """c"""]\n',
            b'x = {a = """a\r\nb"""}\n',
            b"x = '''a\r\nb'''\n",
        ],
    ),
    "ml-string-line-end-backslash": (
        ("1.2",),
        [
            b'x = """a\\\nb\nc"""\n',
            b'x = """a\\\\\r\nb"""\n',
            b'x = """a\\\\"""\n',
            b'x = """a\\\\\\\n   b\nc\\\\\nd\ne"""\n',
            b'x = """a\\ """\n',
            b'x = [\n"""a\\ """]\n',
            b'x = """\n\na\\ """\n',
            b'x = {a = """\n\nb\\ """}\n',
            b'x = [1, """a\\ \t"""]\n',
            b'x = """\n  a \\\n  b\n  c \\\n\n  d"""\n',
            b'x = """\\\n\n"""\n',
            b'x = """a\\   \r\n  b\r\n"""\n',
            b'[t]\ny = 1\nx = """a \\\nb\\"""\n',
        ],
    ),
    "replacement-char-refused": (
        ("1.2", "1.3"),
        [
            'x = "\ufffd"\n'.encode(),
            "x = 1 # \ufffd\n".encode(),
            '"\ufffd" = 1\n'.encode(),
            "x = '''a\n\ufffd'''\n".encode(),
            '[[registry]]\nlocation = "a.com"\n# \ufffd\n'.encode(),
            b'"\\ufffd" = "\\uFFFD"\n',
        ],
    ),
    "datetime-text": (
        ("1.2", "1.3"),
        [
            b"x = 2000-13-01\n",
            b"x = 1979-05-27T07:32:00+25:00\n",
            b"x = 99:99:99\n",
            b"x = [1979-05-27T]\n",
        ],
    ),
    "one-digit-hour": (
        ("1.2", "1.3"),
        [
            b"x = [1979-05-27T7:32:00]\n",
            b"x = 7:32:00\n",
            b"x = 1979-05-27 7:32:00.5Z\n",
            b"x = 1979-05-27T7:32:00-07:00\n",
            b"x = 9:00:00.999999999\n",
        ],
    ),
    "inline-table-dotted-keys": (
        ("1.2", "1.3"),
        [
            b'registry = [{location="a.com", insecure.x = 1, insecure = true}]\n',
            b'registry = [{prefix = "a.io", foo.location = "b.io"}]\n',
            b"x = {a = [1], a.b = 2}\n",
            b"x = [{a.b = 1, c.d.e = 2}]\n",
            b"y = [{a = {b.c = 1}}]\n",
            b"x = {a = 1, a.b = 2}\n",
            b"x = [{a = 1, b.a = 2}]\n",
        ],
    ),
    "nan-sign": (
        ("1.2", "1.3"),
        [b"x = -nan\n", b"x = [-nan, +nan, nan]\n"],
    ),
    "lines-at-the-end": (
        ("1.5", "1.6"),
        [
            b"[aliases",
            b"x = ",
            b"x = 1\n[a",
            b'x = "abc',
            b"x = [1,",
            b"x = {a = 1",
            b"x = \n",
            b"x\n",
            b"a.b\n",
            b"x = 1\ny\r\n",
            b'x = "\\',
            b"x = '''a",
            b'x = "\\u12',
        ],
    ),
    "hexadecimal-spelling": (
        ("1.5", "1.6"),
        [b"x = 0xg\n", b"x = 0x\n", b"x = [0xZ]\n"],
    ),
    "inline-table-newlines-and-trailing-comma": (
        ("1.6",),
        [
            b"x = {a = 1,}\n",
            b"x = {a = 1, }\n",
            b"x = {a = 1,\n b = 2,\n}\n",
            b"x = {\n}\n",
            b"x = {a = 1 # c\n}\n",
            b'mirror = [{\n  location = "m.com",\n  insecure = true,\n}]\n',
            b"x = {a = 1,,}\n",
            b"x = {a =\n1}\n",
            b"x = {a = 1,\r\n}\n",
            b"x = {a\n= 1}\n",
            b'x = {"a"\n}\n',
        ],
    ),
    "escapes-e-and-x": (
        ("1.6",),
        [
            b'x = "\\e"\n',
            b'x = "\\x41\\xff"\n',
            b'x = """\\e\\x00"""\n',
            b'"\\x41" = 1\n',
            b'x = "\\x4"\n',
            b'x = "\\xg0"\n',
            b'x = "\\x',
        ],
    ),
    "times-without-seconds": (
        ("1.6",),
        [
            b"x = 07:32\n",
            b"x = 1979-05-27T07:32\n",
            b"x = 1979-05-27T07:32Z\n",
            b"x = 1979-05-27 07:32-07:00\n",
            b"x = 1979-05-27T7:32\n",
            b"x = 24:00\n",
            b"x = 1979-05-27T07:32.5Z\n",
        ],
    ),
    "array-assigned-twice": (
        ("1.6",),
        [
            b'unqualified-search-registries = ["a.com"]\n'
            b'unqualified-search-registries = ["b.com"]\n',
            b'[[registry]]\nlocation = "a.com"\nmirror = [{location="m.com"}]\nmirror = []\n',
            b"x = [1]\nx = 2\n",
            b"x = 1\nx = [2]\n",
            b'[a]\n"" = [1]\n[a]\nb = 2\n',
            b"a.b = 1\na = [1]\na = [2]\n",
            b"x = {a = [1], a = [2]}\n",
            b"x = [{a = [1], a = 2}]\n",
            b"a = [1]\n[a]\nb = 1\n",
            b"[a]\nx = [1]\n[a.x]\n",
            b"[[a]]\nx = [1]\n[[a]]\nx = [2]\n",
        ],
    ),
}


# -- generated documents ------------------------------------------------------------------------

_ERA_KEYS = ("a", "b", "x", "a.b", "b.c", '"\\x41"', '"\\e"', '"\ufffd"', "mirror", "insecure")
_ERA_VALUES = (
    "1",
    "[1]",
    "[]",
    "-nan",
    "+nan",
    "nan",
    "0x",
    "0xg",
    "0x1f",
    '"\\e"',
    '"\\x41"',
    '"\\xG1"',
    '"\\x4"',
    '"\ufffd"',
    "'\ufffd'",
    '"\\ufffd"',
    "07:32",
    "7:32",
    "07:32:00",
    "7:32:00",
    "7:32:00.5",
    "24:00",
    "23:59",
    "00:60",
    "1979-05-27T07:32",
    "1979-05-27T07:32Z",
    "1979-05-27T07:32+01:00",
    "1979-05-27T07:32:00+24:00",
    "1979-05-27 07:32",
    "1979-05-27T7:32:00",
    "1979-05-27T7:32:00Z",
    "1979-05-27t7:32z",
    "1979-05-27T7:32",
    "1979-05-27T07:32.5",
    "1979-13-27",
    "{}",
    "{a = 1}",
    "{a = 1,}",
    "{a = 1, }",
    "{a.b = 1, c = 2}",
    "{a = [1], a.b = 2}",
    "{a = 1, a.b = 2}",
    "{a = [1], a = [2]}",
    "[{a = [1], a = 2}]",
    "[{a.b = 1}, {c.d = [2]}]",
    "{\n}",
    "{a = 1,\n}",
    "{\n a = 1 # c\n , b = 2\n}",
    "{a = {b.c = 1},\r\n}",
    "{,}",
    "{a = 1,,}",
)
_ML_BITS = ("a", " ", "\t", "\\", "\\", "\\\\", "\n", "\r\n", "\n", "b", "\\\n", "\\ \n", '"')


def _ml_backslashes(r: Chooser) -> str:
    """A multi-line basic string made of backslashes, blanks and line ends (1.2 strips its
    line-end backslashes line by line; 1.3+ in one pass)."""
    body = "".join(r.choice(_ML_BITS) for _ in range(r.randint(0, 8)))
    if body.endswith("\\") and (len(body) - len(body.rstrip("\\"))) % 2:
        body += r.choice(("a", " ", "\\"))
    return '"""' + body + '"""'


def _era_value(r: Chooser) -> str:
    if r.randint(0, 3) == 0:
        return _ml_backslashes(r)
    return r.choice(_ERA_VALUES)


def _era_lines(r: Chooser) -> bytes:
    """Lines of keys (met again) and the values the releases disagree on."""
    newline = r.choice(("\n", "\n", "\r\n"))
    lines = []
    for _ in range(r.randint(1, 6)):
        kind = r.randint(0, 9)
        if kind == 0:
            lines.append(f"[{r.choice(('a', 'x', 't', 'a.b', 'a.x'))}]")
        elif kind == 1:
            lines.append(f"[[{r.choice(('a', 'r', 'x'))}]]")
        elif kind == 2:
            lines.append(r.choice(("# \ufffd", "# c", "x", "a.b", "x =", "")))
        else:
            lines.append(f"{r.choice(_ERA_KEYS)} = {_era_value(r)}")
    text = newline.join(lines)
    if r.randint(0, 1):
        text += newline
    return text.encode("utf-8")


def _cut(r: Chooser) -> bytes:
    """A document cut short, at a line end or not (1.5+ count the last line differently)."""
    data = (_era_lines if r.randint(0, 1) else document)(r)
    at = r.randint(0, len(data))
    data = data[:at]
    if r.randint(0, 2) == 0:
        data = data.rstrip(b"\n") + b"\n"
    return data


def _bom(r: Chooser) -> bytes:
    """A UTF-8 byte-order mark before a document (1.2 lexes it; its NUL window counts it)."""
    rest = r.choice((_era_lines, document))(r)
    if r.randint(0, 3) == 0:
        at = r.randint(0, 5)
        rest = rest[:at] + b"\x00" + rest[at:]
    return b"\xef\xbb\xbf" + rest


_ERA_KINDS = (document, document, _era_lines, _era_lines, _era_lines, _cut, _cut, _bom)


def era_document(r: Chooser) -> bytes:
    """One document of the era mix (see the module docstring)."""
    return r.choice(_ERA_KINDS)(r)


def era_documents_from_seed(seed: int, count: int) -> list[bytes]:
    """``count`` documents of the era mix from ``random.Random(seed)``."""
    rng = random.Random(seed)
    return [era_document(rng) for _ in range(count)]


@st.composite
def era_toml_documents(draw: st.DrawFn) -> bytes:
    """The era mix as a Hypothesis strategy (its choices are draws, so failures shrink)."""
    return era_document(_Draws(draw))
