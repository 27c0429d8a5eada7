"""TOML helpers that make ``tomllib`` behave like BurntSushi/toml 1.4.0 where it matters.

Two pieces, neither of which does I/O:

* :func:`loads`: TOML text -> plain ``dict``.  A line-oriented fast path handles the shapes
  registries.conf files are made of (``[[registry]]``/``[[registry.mirror]]`` headers,
  ``key = "string"``, booleans, one-line string arrays, comments); anything else, and any
  document the fast path is not sure about (a repeated key, a header it did not create),
  goes to ``tomllib``, which then also produces the error.  The fast path only accepts
  documents ``tomllib`` accepts and returns the same value for them (a property test pins
  this), so it changes speed, never results.
* the corrections that need key positions (BurntSushi's redefinition message, the empty-key
  quirk) come from :mod:`regresolve._tomlkeys`.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any, Final

from regresolve._gotext import go_key
from regresolve._tomlkeys import go_redefinition, key_lines

__all__ = [
    "TOO_DEEP",
    "TableList",
    "TomlSyntaxError",
    "loads",
]


class TomlSyntaxError(Exception):
    """A document ``tomllib`` rejects.

    Attributes:
        message: tomllib's message without its position suffix.
        line: 1-based line number, or 0 when unknown.
    """

    def __init__(self, message: str, line: int, *, go: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.go = go

    def go_text(self) -> str:
        """The text after Go's ``loading ... "<path>": `` prefix."""
        if self.go and self.message.startswith("("):
            return f"toml: line {self.line} {self.message}"
        if self.line == 0:
            return f"toml: {self.message}"
        return f"toml: line {self.line}: {self.message}"


# A document nested deeper than Python's recursion limit allows.  Go's decoder has no such
# limit; this is a deliberate deviation (docs/compat.md): a clear error instead of a crash.
TOO_DEEP = (
    "arrays or inline tables are nested too deeply "
    "(regresolve refuses this; containers/image would parse it)"
)


# -- fast path ----------------------------------------------------------------------------

_STR: Final = r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"' + r"|'[^'\x00-\x08\x0a-\x1f\x7f]*'"
# One line of the subset; MULTILINE so ``findall`` runs over the whole text in C.  Quoted
# keys and strings keep their quotes so that "" is told apart from a missing group.
_LINES_RE: Final = re.compile(
    r"^[ \t]*(?:"
    r"\[\[[ \t]*([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?)[ \t]*\]\]"  # 1: [[a]] / [[a.b]]
    r"|\[[ \t]*([A-Za-z0-9_-]+)[ \t]*\]"  # 2: [a]
    r"|([A-Za-z0-9_-]+|" + _STR + r")[ \t]*=[ \t]*"  # 3: key, "key", 'key'
    r"(?:(" + _STR + r")|(true|false)"  # 4: string, 5: bool
    r"|(\[[ \t]*(?:(?:" + _STR + r")[ \t]*,[ \t]*)*(?:(?:" + _STR + r")[ \t]*,?[ \t]*)?\]))"  # 6
    r")?[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?$",
    re.ASCII | re.MULTILINE,
)
_ARR_ITEM_RE: Final = re.compile(
    r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"' + r"|'([^'\x00-\x08\x0a-\x1f\x7f]*)'", re.ASCII
)


def _fast_loads(text: str) -> dict[str, Any] | None:
    """Parse the common registries.conf subset, or return None to defer to tomllib."""
    if "\r" in text:
        # CRLF line ends are fine; a lone CR is not (and cannot occur inside the subset's
        # strings or comments, which exclude control characters).
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    lines = _LINES_RE.findall(text)
    if len(lines) != text.count("\n") + 1:
        return None  # some line is outside the subset
    top: dict[str, Any] = {}
    cur = top
    aot_top: set[str] = set()  # top-level keys created by [[x]]
    aot_child: set[tuple[int, str]] = set()  # (id(parent table), key) created by [[x.y]]
    items = _ARR_ITEM_RE.findall
    for aot, tbl, raw_key, sval, bval, arr in lines:
        if raw_key:
            key = raw_key[1:-1] if raw_key[0] in "\"'" else raw_key
            if key in cur:
                return None
            if sval:
                cur[key] = sval[1:-1]
            elif bval:
                cur[key] = bval == "true"
            else:
                cur[key] = [a or b for a, b in items(arr)]
        elif aot:
            if "." in aot:
                parent_key, child = aot.split(".")
                if parent_key not in aot_top:
                    return None
                parent = top[parent_key][-1]
                if child in parent:
                    if (id(parent), child) not in aot_child:
                        return None
                    parent[child].append({})
                else:
                    parent[child] = [{}]
                    aot_child.add((id(parent), child))
                cur = parent[child][-1]
            else:
                if aot in top:
                    if aot not in aot_top:
                        return None
                    top[aot].append({})
                else:
                    top[aot] = [{}]
                    aot_top.add(aot)
                cur = top[aot][-1]
        elif tbl:
            if tbl in top:
                return None
            cur = top[tbl] = {}
    return top


_POS_RE: Final = re.compile(r"\(at line (\d+), column \d+\)$|\(at end of document\)$")


def loads(text: str) -> dict[str, Any]:
    """TOML text -> dict; raises :class:`TomlSyntaxError` for an invalid document."""
    try:
        return _loads(text)
    except RecursionError:
        raise TomlSyntaxError(TOO_DEEP, 0) from None


def _loads(text: str) -> dict[str, Any]:
    if text.startswith("\ufeff"):  # BurntSushi skips a UTF-8 byte order mark
        text = text[1:]
    fast = _fast_loads(text)
    if fast is not None:
        return fast
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = _POS_RE.search(msg)
        line = 0
        if m is not None:
            msg = msg[: m.start()].rstrip()
            line = int(m.group(1)) if m.group(1) else text.count("\n") + 1
        if msg.startswith(_REDEFINITION):
            dup = go_redefinition(text)
            if dup is not None and dup[0] == line:
                raise TomlSyntaxError(dup[1], line, go=True) from None
        raise TomlSyntaxError(msg, line) from None
    if '""' in text or "''" in text:
        _empty_key_quirk(doc, [], key_lines(text))
    return doc


class TableList(list):  # type: ignore[type-arg]
    """A list BurntSushi would hold as ``[]map[string]any`` (see :func:`_empty_key_quirk`)."""

    __slots__ = ()


def _empty_key_quirk(table: dict[str, Any], path: list[str], info: dict[str, Any]) -> None:
    """BurntSushi 1.4.0: an empty key inside an inline table that is an array element.

    Its position bookkeeping (``setType`` with an empty key) overwrites the array's own
    entry, so when the array ends the parser no longer knows it was an array and keeps the
    placeholder it built for the inline tables: the value becomes the list of the array's
    inline tables (from every nesting level), every other element dropped.  Whether that
    happens depends on which came last: such an inline table, or the start of a nested
    array.  Arrays of tables (``[[x]]``) are not affected.
    """
    for k, v in table.items():
        if isinstance(v, dict):
            _empty_key_quirk(v, [*path, k], info)
        elif isinstance(v, list):
            if not info.get(go_key([*path, k]), (0, False))[1]:
                is_array, tables = _walk_array(v)
                if not is_array:
                    table[k] = TableList(tables)
            for item in table[k]:
                if isinstance(item, dict):
                    _empty_key_quirk(item, [*path, k], info)


def _walk_array(items: list[Any]) -> tuple[bool, list[dict[str, Any]]]:
    is_array = True
    tables: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            tables.append(item)
            if "" in item:  # its bookkeeping lands on the array's path: an array or not
                is_array = isinstance(item[""], list)
        elif isinstance(item, list):
            is_array, nested = _walk_array(item)
            tables.extend(nested)
    return is_array, tables


# tomllib's messages for what BurntSushi calls "Key '...' has already been defined."
_REDEFINITION: Final = (
    "Cannot overwrite a value",
    "Cannot declare",
    "Duplicate inline table key",
    "Cannot mutate immutable namespace",
)


def loads_with_lines(text: str) -> tuple[dict[str, Any], dict[str, tuple[int, bool]]]:
    """The document and BurntSushi's key positions (``go_key(path) -> (line, from [[...]])``).

    For tools that report on a file (``regresolve check``); raises :class:`TomlSyntaxError`.
    """
    return loads(text), key_lines(text)
