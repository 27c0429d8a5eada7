"""TOML decoding exactly as BurntSushi/toml 1.4.0 does it (the decoder of containers/image 5.34.2).

:func:`decode` turns the bytes (or text) of a document into a :class:`Document`: the values the
Go parser holds (``map[string]any``) and the key positions it records (``MetaData.keyInfo``), or
raises :class:`TomlDecodeError` with the text Go's ``ParseError.Error()`` prints.  "Exactly"
includes what BurntSushi 1.4.0 does beyond, or short of, TOML 1.0:

* tables may be re-opened by dotted keys and dotted keys may follow a table of the same name;
  a key assigned an array, or assigned after holding an array, may be assigned again (the last
  value wins); an assignment to a table that only exists implicitly is dropped;
* ``time.Parse`` semantics for dates and times (year 0, offsets up to ``+24:00``/``+23:60``);
* integers and floats range-checked as ``strconv`` does (``... is out of range for int64``);
* multi-line strings keep their CRLF line ends;
* a leading UTF-8 or UTF-16 byte-order mark is skipped; NUL bytes among the first six are
  reported as a UTF-16 file;
* an empty key (``"" = ...``) inside an inline table that is an element of an array can make
  the array's value the list of the tables built for its inline tables (``[]map[string]any``);
* error texts, their lines and ``(last key ...)`` parts, including the lines BurntSushi reports
  as "the line before" at the end of the text (line 0 for a one-line document).

The shape: a lexer written as small scanners over the text (regular expressions take runs of
ordinary characters), driven by a parser that keeps the Go parser's bookkeeping (implicit
tables, the per-key types it consults to allow re-assignment) and updates it at the same
points Go does, so that of several problems in a document the one Go reports is the one
reported here.  Ordinary ``registries.conf`` lines (headers, ``key = "string"``, booleans,
one-line string arrays) are taken by one regular expression per line; the general path gives
the same result for them (``decode(..., fast=False)``; the tests compare both).

Not modelled: the ``BURNTSUSHI_TOML_110`` environment variable (TOML 1.1 mode before 1.6),
which containers/image never sets.  No I/O, no global mutable state.

**Other releases.** ``decode(data, toml=...)`` decodes as another BurntSushi/toml release does
(``Document.toml`` names it): ``"1.2"`` (1.2.0 and 1.2.1), ``"1.3"`` (1.3.2), ``"1.4"`` (1.4.0,
the default), ``"1.5"`` (1.5.0), ``"1.6"`` (1.6.0). What each changes is a :class:`Dialect`
flag (see there; ``docs/versions.md``, "TOML per release", lists every difference with its
test). :func:`toml_for_containers_image` gives the release a containers/image 5.MINOR is built
with, from the ``require`` of ``github.com/BurntSushi/toml`` in its ``go.mod`` at each release
tag (github.com/containers/image ``v5.23.0`` ... ``v5.36.1``; from 5.37 the module is
``go.podman.io/image/v5`` in github.com/containers/container-libs, tags ``image/v5.37.0`` ...
``image/v5.40.0``; 5.41 from ``main`` at 5.41.0-dev and Debian's 5.41.1 source):

================  ===============  =======
containers/image  BurntSushi/toml  dialect
================  ===============  =======
5.23              1.2.0            "1.2"
5.24, 5.25        1.2.1            "1.2"
5.26 ... 5.31     1.3.2            "1.3"
5.32 ... 5.34     1.4.0            "1.4"
5.35 ... 5.39     1.5.0            "1.5"
5.40, 5.41        1.6.0            "1.6"
================  ===============  =======

A program links the highest toml any module of its build asks for: podman 4.3 ... 5.8 and
skopeo 1.10 ... 1.22 ask for the same as their containers/image, CRI-O 1.36 for 1.6.0 with
containers/image 5.38.  Distributions that build from packaged sources link their own toml:
Debian's 5.39.2 (forky) is built with 1.6.0, so decode as ``"1.6"`` for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from regresolve._gotext import go_key
from regresolve._tomllex import text_of
from regresolve._tomlparse import Info, Parser
from regresolve._tomlvalues import (
    ARRAY_HASH,
    DIALECTS,
    Dialect,
    GoTime,
    TableArray,
    TomlDecodeError,
)

__all__ = [
    "DIALECTS",
    "Dialect",
    "Document",
    "GoTime",
    "TableArray",
    "TomlDecodeError",
    "decode",
    "dialect_of",
    "toml_for_containers_image",
]

#: The first containers/image 5.MINOR built with each BurntSushi/toml dialect (go.mod).
_FIRST_MINOR: Final = ((40, "1.6"), (35, "1.5"), (32, "1.4"), (26, "1.3"), (23, "1.2"))
# The same, minor by minor (every load asks).
_BY_MINOR: Final = {
    minor: next(name for first, name in _FIRST_MINOR if minor >= first) for minor in range(23, 42)
}


def toml_for_containers_image(minor: int) -> str:
    """The BurntSushi/toml dialect containers/image 5.``minor`` is built with (23 ... 41).

    From the ``go.mod`` of each release (see the module docstring for the table and where it
    was read).  Raises ``ValueError`` outside 5.23 ... 5.41.
    """
    name = _BY_MINOR.get(minor)
    if name is None:
        raise ValueError(f"containers/image 5.{minor}: only 5.23 ... 5.41 are known")
    return name


def dialect_of(toml: str | Dialect) -> Dialect:
    """The :class:`Dialect` of a short name (``"1.2"`` ... ``"1.6"``); a dialect is returned
    as it is.  Raises ``ValueError`` for any other name."""
    if isinstance(toml, Dialect):
        return toml
    found = DIALECTS.get(toml)
    if found is None:
        raise ValueError(f"unknown BurntSushi/toml dialect {toml!r}; known: {', '.join(DIALECTS)}")
    return found


class Document:
    """A decoded document.

    Attributes:
        values: the top-level table (Go's ``map[string]any``): ``dict`` for tables, ``list``
            for inline arrays (``[]any``), :class:`TableArray` for ``[]map[string]any``,
            ``str``/``bool``/``int``/``float`` and :class:`GoTime` for the scalars.
        toml: the dialect it was decoded with (``"1.4"`` ...): toml 1.2 and 1.3 print Go's
            empty interface as ``interface {}`` in type errors, 1.4+ as ``any``.
    """

    __slots__ = ("_info", "_lines", "toml", "values")

    def __init__(self, values: dict[str, Any], info: Info, toml: str = "1.4") -> None:
        self.values = values
        self.toml = toml
        self._info = info
        self._lines: dict[str, tuple[int, bool]] | None = None

    @property
    def key_lines(self) -> dict[str, tuple[int, bool]]:
        """``go_key(path) -> (line, whether a [[...]] header defined it)``, as BurntSushi's
        ``MetaData.keyInfo`` holds them: the line a type error of that key names."""
        if self._lines is None:
            self._lines = {k: (line, typ is ARRAY_HASH) for k, (line, typ) in self._items()}
        return self._lines

    def key_info(self) -> dict[str, tuple[int, str]]:
        """``go_key(path) -> (line, TOML type name)``: all of ``MetaData.keyInfo``."""
        return dict(self._items())

    def _items(self) -> Iterator[tuple[str, tuple[int, str]]]:
        for parent, entries in self._info.items():
            for last, entry in entries.items():
                yield go_key((*parent, last)), entry


def decode(data: bytes | str, *, fast: bool = True, toml: str | Dialect = "1.4") -> Document:
    """Decode a document as ``toml.Decode(string(data), &m)`` with ``m map[string]any`` does.

    ``fast=False`` turns the per-line fast path off (the tests check the result is the same).
    ``toml``: the BurntSushi/toml release to decode as (a :data:`DIALECTS` name, see
    :func:`toml_for_containers_image`).

    Raises:
        TomlDecodeError: where that BurntSushi/toml release returns a ``toml.ParseError``.
        ValueError: for an unknown ``toml``.
    """
    dialect = _DEFAULT if toml == "1.4" else dialect_of(toml)
    parser = Parser(text_of(data, dialect), dialect)
    parser.run(fast)
    return Document(parser.root, parser.info, dialect.name)


_DEFAULT: Final = DIALECTS["1.4"]
