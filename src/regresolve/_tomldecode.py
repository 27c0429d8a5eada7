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

Not modelled: the ``BURNTSUSHI_TOML_110`` environment variable (TOML 1.1 mode), which
containers/image never sets.  No I/O, no global mutable state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from regresolve._gotext import go_key
from regresolve._tomllex import text_of
from regresolve._tomlparse import Info, Parser
from regresolve._tomlvalues import ARRAY_HASH, GoTime, TableArray, TomlDecodeError

__all__ = ["Document", "GoTime", "TableArray", "TomlDecodeError", "decode"]


class Document:
    """A decoded document.

    Attributes:
        values: the top-level table (Go's ``map[string]any``): ``dict`` for tables, ``list``
            for inline arrays (``[]any``), :class:`TableArray` for ``[]map[string]any``,
            ``str``/``bool``/``int``/``float`` and :class:`GoTime` for the scalars.
    """

    __slots__ = ("_info", "_lines", "values")

    def __init__(self, values: dict[str, Any], info: Info) -> None:
        self.values = values
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


def decode(data: bytes | str, *, fast: bool = True) -> Document:
    """Decode a document as ``toml.Decode(string(data), &m)`` with ``m map[string]any`` does.

    ``fast=False`` turns the per-line fast path off (the tests check the result is the same).

    Raises:
        TomlDecodeError: where BurntSushi/toml 1.4.0 returns a ``toml.ParseError``.
    """
    parser = Parser(text_of(data))
    parser.run(fast)
    return Document(parser.root, parser.info)
