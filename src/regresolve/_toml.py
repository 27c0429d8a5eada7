"""TOML helpers that make ``tomllib`` behave like BurntSushi/toml 1.4.0 where it matters.

Two pieces, neither of which does I/O:

* :func:`loads`: TOML text -> plain ``dict``.  A line-oriented fast path handles the shapes
  registries.conf files are made of (``[[registry]]``/``[[registry.mirror]]`` headers,
  ``key = "string"``, booleans, one-line string arrays, comments); anything else, and any
  document the fast path is not sure about (a repeated key, a header it did not create),
  goes to ``tomllib``, which then also produces the error.  The fast path only accepts
  documents ``tomllib`` accepts and returns the same value for them (a property test pins
  this), so it changes speed, never results.
* :func:`key_lines`: where BurntSushi's ``MetaData.keyInfo`` would place each key, so type
  errors can name ``line N`` the way Go does.  Only called on the error path.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any, Final

from regresolve._gotext import BARE_KEY, go_key, go_quote

__all__ = [
    "TableList",
    "TomlSyntaxError",
    "go_redefinition",
    "key_lines",
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


# -- key locator (error path only) --------------------------------------------------------


class _Scanner:
    """Walks a document ``tomllib`` accepted, recording BurntSushi's keyInfo lines.

    BurntSushi keys ``keyInfo`` by the dotted key path *without* array indices, so every
    ``[[registry]]`` overwrites the position of the previous one: Go reports the line of the
    *last* occurrence of a key path, not the one that failed.  Table headers record the line
    of the ``[``; key/value pairs (also inside inline tables) the line of the key.  The
    scanner also records whether a path was last defined by a ``[[...]]`` header, which is how
    Go tells ``[]map[string]any`` from ``[]any`` in type errors.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.info: dict[str, tuple[int, bool]] = {}
        # Redefinitions, BurntSushi style: key sets of the latest table instance per path.
        self.keys: dict[str, set[str]] = {}
        self.dup: tuple[int, str] | None = None
        self.arrays: set[str] = set()  # paths created by [[...]]

    def _ws(self, newlines: bool) -> None:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in " \t\r":
                self.i += 1
            elif c == "#":
                j = s.find("\n", self.i)
                self.i = n if j < 0 else j
            elif c == "\n" and newlines:
                self.i += 1
                self.line += 1
            else:
                return

    def _string(self) -> str:
        s = self.s
        q = s[self.i]
        if s.startswith(q * 3, self.i):
            end = s.find(q * 3, self.i + 3)
            while end >= 0 and q == '"' and _escaped(s, end):
                end = s.find(q * 3, end + 1)
            end = len(s) if end < 0 else end + 3
            while end < len(s) and s[end] == q:
                end += 1
            raw = s[self.i : end]
        else:
            j = self.i + 1
            while j < len(s) and s[j] != q:
                j += 2 if (q == '"' and s[j] == "\\") else 1
            raw = s[self.i : j + 1]
            end = j + 1
        self.line += raw.count("\n")
        self.i = end
        try:
            v = tomllib.loads("k = " + raw)["k"]
        except tomllib.TOMLDecodeError:
            return raw
        return v if isinstance(v, str) else raw

    def _key(self) -> list[str]:
        parts = []
        while True:
            self._ws(False)
            c = self.s[self.i : self.i + 1]
            if c in ('"', "'"):
                parts.append(self._string())
            else:
                m = BARE_KEY.match(self.s, self.i)
                if m is None:
                    return parts
                parts.append(m.group())
                self.i = m.end()
            self._ws(False)
            if self.s.startswith(".", self.i):
                self.i += 1
                continue
            return parts

    def _value(self, path: list[str]) -> None:
        s = self.s
        c = s[self.i : self.i + 1]
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self.i += 1
            while True:
                self._ws(True)
                if self.i >= len(s) or s[self.i] == "]":
                    self.i += 1
                    return
                if s[self.i] == ",":
                    self.i += 1
                    continue
                start = self.i
                self._value(path)
                if self.i == start:  # a stray "}" or "#": skip it to guarantee progress
                    self.i += 1
        elif c == "{":
            self.i += 1
            seen: set[str] = set()
            while True:
                self._ws(True)
                if self.i >= len(s) or s[self.i] == "}":
                    self.i += 1
                    return
                if s[self.i] == ",":
                    self.i += 1
                    continue
                self._keyval(path, seen)
        else:
            while self.i < len(s) and s[self.i] not in ",]}\n#":
                self.i += 1

    def _keyval(self, context: list[str], seen: set[str] | None = None) -> None:
        line = self.line
        key = self._key()
        if not key:  # not a key: skip the character to guarantee progress
            self.i += 1
            return
        if seen is None:
            seen = self.keys.setdefault(go_key(context), set())
        if key[0] in seen and len(key) == 1 and self.dup is None:
            full = go_key(context + key)
            self.dup = (
                line,
                f"(last key {go_quote(full)}): Key '{full}' has already been defined.",
            )
        seen.add(key[0])
        # BurntSushi's setType skips an empty last key part: the position is recorded for
        # the enclosing table instead (and a top-level "" key becomes the key ``""``).
        self._ws(False)
        if self.s.startswith("=", self.i):
            self.i += 1
            self._ws(False)
            self._value(context + key)
        # Recorded after the value, as BurntSushi's setType runs after parsing it: this
        # position wins over anything recorded for the same path inside the value.
        path = context + key if key[-1] != "" else context + key[:-1]
        self.info[go_key(path) if path else '""'] = (line, False)

    def run(self) -> dict[str, tuple[int, bool]]:
        s = self.s
        context: list[str] = []
        while True:
            self._ws(True)
            if self.i >= len(s):
                return self.info
            if s[self.i] == "[":
                line = self.line
                array = s.startswith("[[", self.i)
                self.i += 2 if array else 1
                context = self._key()
                self._ws(False)
                self.i += 2 if array else 1
                self.info[go_key(context)] = (line, array)
                if context:
                    parent = self.keys.setdefault(go_key(context[:-1]), set())
                    name = go_key(context)
                    if context[-1] in parent and self.dup is None:
                        last = ""
                        if context[:-1]:
                            last = f"(last key {go_quote(go_key(context[:-1]))}): "
                        if not array:
                            self.dup = (line, f"{last}Key '{name}' has already been defined.")
                        elif name not in self.arrays:
                            self.dup = (
                                line,
                                f"{last}Key '{name}' was already created and cannot be used as"
                                " an array.",
                            )
                    if array:
                        self.arrays.add(name)
                    parent.add(context[-1])
                    self.keys[go_key(context)] = set()
            else:
                self._keyval(context)


def _escaped(s: str, pos: int) -> bool:
    n = 0
    while pos - 1 - n >= 0 and s[pos - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def go_redefinition(text: str) -> tuple[int, str] | None:
    """BurntSushi's message for the first redefined key or table, if there is one."""
    try:
        sc = _Scanner(text)
        sc.run()
    except (IndexError, ValueError):  # pragma: no cover - defensive
        return None
    return sc.dup


def key_lines(text: str) -> dict[str, tuple[int, bool]]:
    """``go_key(path) -> (line, defined_by_array_table_header)`` as BurntSushi records them."""
    try:
        return _Scanner(text).run()
    except (IndexError, ValueError, RecursionError):  # pragma: no cover - defensive
        return {}
