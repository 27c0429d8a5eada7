"""The parser of BurntSushi/toml's decoder (1.4.0 and its dialects): tables, arrays, bookkeeping.

:class:`Parser` builds the values as Go's parser holds them and keeps its bookkeeping: the
context (the table keys go to), the implicit tables (created by ``[a.b]`` or ``a.b = 1`` for
``a``), and ``keyInfo``, the type and line of every key, which the parser consults (a key whose
type is Array may be assigned again, before toml 1.6). It updates them at the points Go does,
between the tokens the lexer hands over, so that a document's first problem for Go is its first
here. Arrays and inline tables are read with an explicit stack (no recursion limit).

The fast path: lines of the shapes registries.conf files are made of (headers with bare names,
``key = "string"``, booleans, one-line string arrays, comments) are taken by one regular
expression, with the same effect on the tables as the general path (the tests compare both).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from regresolve._gotext import go_key, go_quote
from regresolve._tomllex import NOT_TEXT, WS, WS_NL, Lexer, Path, Value, quote_rune
from regresolve._tomlvalues import ARRAY, ARRAY_HASH, BOOL, HASH, STRING, Dialect, TableArray

__all__ = ["Info", "Parser"]

# keyInfo, by the key's parent path, then its last part: (line, TOML type)
Info = dict[Path, dict[str, tuple[int, str]]]

# -- the fast path ------------------------------------------------------------------------

_F_STR: Final = f"\"[^\"\\\\{NOT_TEXT}]*\"|'[^'{NOT_TEXT}]*'"
_F_BARE: Final = r"[A-Za-z0-9_-]+"
# The end of a line: a bare newline first (by far the most common), else blanks, a comment,
# CRLF or the end of the text.
_F_END: Final = f"(?:\\n|[ \\t]*(?:#[^{NOT_TEXT}]*)?(?:\\r?\\n|\\Z))"
# One whole line of the shapes registries.conf files are made of: a bare key or a quoted key
# without escapes, "=", a string without escapes, a boolean or a one-line array of such
# strings; or an array-of-tables or table header with bare names; or a blank or comment
# line.  Three groups (fewer groups, faster matching): 1 the key as written (quotes
# included), 2 the value as written, 3 the header's name, with one leading "[" for an
# array of tables.  Every group is non-empty when it takes part, so findall's "" and
# finditer's None both mean "not this one".
_FAST_CORE: Final = (
    r"[ \t]*(?:"
    f'({_F_BARE}|"[^"\\\\{NOT_TEXT}]+")(?: = |[ \\t]*=[ \\t]*)'  # 1: the key
    f"({_F_STR}|true|false"  # 2: the value
    f"|\\[[ \\t]*(?:(?:{_F_STR})[ \\t]*,[ \\t]*)*(?:(?:{_F_STR})[ \\t]*)?\\])"
    f"{_F_END}"
    f"|\\[(\\[{_F_BARE}(?:\\.{_F_BARE})*\\]|{_F_BARE}(?:\\.{_F_BARE})*)\\]{_F_END}"  # 3
    f"|(?:#[^{NOT_TEXT}]*)?\\r?\\n"  # a blank or comment line
    r")"
)
# Line by line: the last alternative (nothing) says the general path takes the item here.
_FAST_LINE: Final = re.compile(_FAST_CORE + "|", re.ASCII)
# A whole document at once: findall gives one row per line when it takes them all.
_FAST_DOC: Final = re.compile("^" + _FAST_CORE, re.ASCII | re.MULTILINE)
_FAST_ITEM: Final = re.compile(f"\"([^\"\\\\{NOT_TEXT}]*)\"|'([^'{NOT_TEXT}]*)'", re.ASCII)


class _AnyKey:
    """Stands for a context that is not a table: every key "exists", so the general path runs."""

    __slots__ = ()

    def __contains__(self, key: object) -> bool:
        return True


_NOT_A_TABLE: Final = _AnyKey()


# -- the parser ---------------------------------------------------------------------------


class _Frame:
    """An array or inline table being read: the explicit stack of nested values."""

    __slots__ = ("array", "items", "key_line", "outer_ctx", "outer_cur", "parts", "pos", "top")

    def __init__(self, pos: int, array: bool) -> None:
        self.pos = pos  # of its '[' or '{'
        self.array = array
        self.items: list[Any] | None = None  # None: a value may come next (Go's ...Value
        # states); else after a value, waiting for ',' or the end (...ValueEnd states)
        self.top: dict[str, Any] = {}
        self.outer_ctx: Path = ()
        self.outer_cur = ""
        self.parts: list[str] = []
        self.key_line = 0  # of the key being read (in an inline table)


class Parser(Lexer):
    """One decoding: the lexer, the tables built so far and the Go parser's bookkeeping."""

    __slots__ = ("implicit", "info", "root", "stop", "table")

    def __init__(self, text: str, dialect: Dialect) -> None:
        Lexer.__init__(self, text, dialect)
        self.root: dict[str, Any] = {}
        self.info: Info = {}
        self.implicit: set[Path] = set()
        self.table: Any = self.root  # the table ctx resolves to, for the fast path
        self.stop = 0  # where the fast path stopped taking lines

    # -- the tables, kept as the Go parser keeps them

    def _resolve(self, path: Path) -> dict[str, Any]:
        """The table a context names: the last table of an array of tables on the way."""
        t = self.root
        for i, k in enumerate(path):
            v = t[k]
            if type(v) is dict:
                t = v
            elif type(v) is TableArray:
                t = v[-1]
            else:
                raise self._fail(f"Key '{go_key(path[: i + 1])}' has already been defined.")
        return t

    def _set_value(self, key: str, value: Any, table: dict[str, Any] | None = None) -> None:
        """Assign in the current context.  A key that exists may be assigned again when it
        holds an array (toml 1.6: only when it is an implicit table); when it is an implicit
        table the new value is dropped."""
        t = self._resolve(self.ctx) if table is None else table
        if key in t:
            path = (*self.ctx, key)
            known = self.info.get(self.ctx, {}).get(key)
            if known is not None and known[1] is ARRAY:
                if self.dialect.arrays_once and path not in self.implicit:
                    raise self._fail(f"Key '{go_key(path)}' has already been defined.")
                self.implicit.discard(path)
                t[key] = value
                return
            if path in self.implicit:
                self.implicit.discard(path)
                return
            raise self._fail(f"Key '{go_key(path)}' has already been defined.")
        t[key] = value

    def _info_of(self, parent: Path) -> dict[str, tuple[int, str]]:
        entries = self.info.get(parent)
        if entries is None:
            entries = self.info[parent] = {}
        return entries

    def _set_type(self, key: str, typ: str, pos: int) -> None:
        """Record a key's type and the line of ``pos``; an empty key records them for its
        context."""
        self._set_type_line(key, typ, self._line(pos))

    def _set_type_line(self, key: str, typ: str, line: int) -> None:
        if key:
            parent, last = self.ctx, key
        elif self.ctx:
            parent, last = self.ctx[:-1], self.ctx[-1]
        else:
            parent, last = (), ""
        self._info_of(parent)[last] = (line, typ)

    def _add_context(self, key: Path, array: bool) -> None:
        """Make ``key`` the context: a table (or a new table of an array of tables)."""
        t = self.root
        for i in range(len(key) - 1):
            k = key[i]
            if k not in t:
                self.implicit.add(key[: i + 1])
                t[k] = {}
            v = t[k]
            if type(v) is dict:
                t = v
            elif type(v) is TableArray:
                t = v[-1]
            else:
                raise self._fail(f"Key '{go_key(key[: i + 1])}' was already created as a hash.")
        self.ctx = key[:-1]
        last = key[-1]
        if array:
            if last not in t:
                t[last] = TableArray()
            v = t[last]
            if type(v) is not TableArray:
                raise self._fail(
                    f"Key '{go_key(key)}' was already created and cannot be used as an array."
                )
            v.append({})
        else:
            self._set_value(last, {}, t)
        self.ctx = key

    def _add_implicit_context(self, key: Path) -> None:
        self.implicit.add(key)
        self._add_context(key, False)

    def _open_table(self, parts: Path, array: bool, pos: int) -> None:
        """A ``[table]`` or ``[[table]]`` header."""
        self._add_context(parts, array)
        self._set_type("", ARRAY_HASH if array else HASH, pos)
        t: Any = self.root
        for k in parts:
            v = t.get(k)
            if type(v) is TableArray:
                v = v[-1]
            if type(v) is not dict:
                t = _NOT_A_TABLE
                break
            t = v
        self.table = t

    # -- the main loop

    def run(self, fast: bool) -> None:
        text = self.text
        if fast:
            # Most documents are made of lines the fast path takes: then one findall call
            # reads them all (one row per line), else the fast path goes line by line and
            # hands the lines it does not take to the general path.
            rows = _FAST_DOC.findall(text)
            if len(rows) == text.count("\n") + (0 if text.endswith("\n") else len(text) > 0):
                self._fast(rows, 1)
                return
        self.find_refused()
        pos = 0
        while True:
            if fast and _FAST_LINE.match(text, pos).end() > pos:  # type: ignore[union-attr]
                self._fast(self._rows(pos), self._line(pos))
                pos = self.stop
            if pos >= self.n:
                return
            pos = self._item(pos)
            if pos < 0:
                return

    def _rows(self, pos: int) -> Iterator[tuple[str, str, str]]:
        """The fast path's rows from ``pos`` on; ``self.stop`` is where they stop."""
        for m in _FAST_LINE.finditer(self.text, pos):
            if m.end() == m.start():
                self.stop = m.start()
                return
            yield m.groups("")  # type: ignore[misc]
        raise AssertionError("unreachable: the last alternative matches everywhere")

    def _fast(self, rows: Iterable[tuple[str, str, str]], line: int) -> None:
        """Take the rows of the fast path, the first on ``line``, one line each.

        The context and its table are kept in locals and written back before anything
        that reads them from ``self`` (the general path's methods) and at the end.
        """
        root = self.root
        ctx = self.ctx
        table = self.table
        entries = self._info_of(ctx)
        # header as matched -> whether it is an array of tables, its parts, their parent
        # path and last part, the keyInfo entries of that parent and its own
        headers: dict[str, tuple[bool, Path, Path, str, dict[str, Any], dict[str, Any]]] = {}
        for at, (written, val, header) in enumerate(rows, line):
            if written:
                key = written[1:-1] if written[0] == '"' else written
                c = val[0]
                if c in "\"'":
                    value: Any = val[1:-1]
                    typ = STRING
                elif c == "[":
                    value = [a or b for a, b in _FAST_ITEM.findall(val)]
                    typ = ARRAY
                else:
                    value = c == "t"
                    typ = BOOL
                if key in table:
                    self.ctx = ctx
                    self.table = table
                    self.cur = key
                    self.key_pos = self._line_start(at)
                    if typ is ARRAY:
                        self._set_type(key, ARRAY, self.key_pos)
                    self._set_value(key, value)
                    self.cur = ""
                else:
                    table[key] = value
                entries[key] = (at, typ)
                continue
            if not header:
                continue  # a blank or comment line
            known = headers.get(header)
            if known is None:
                aot = header[0] == "["
                parts = tuple((header[1:-1] if aot else header).split("."))
                known = headers[header] = (
                    aot,
                    parts,
                    parts[:-1],
                    parts[-1],
                    self._info_of(parts[:-1]),
                    self._info_of(parts),
                )
            aot, parts, parents, last, parent_entries, own_entries = known
            if aot:
                # Another table of an array of tables whose parents are all tables
                # already: what the general path would do, in short.
                t = root
                for k in parents:
                    v = t.get(k)
                    if type(v) is TableArray:
                        t = v[-1]
                    elif type(v) is dict:
                        t = v
                    else:
                        break
                else:
                    v = t.get(last)
                    if v is None:
                        v = t[last] = TableArray()
                    if type(v) is TableArray:
                        table = {}
                        v.append(table)
                        ctx = parts
                        parent_entries[last] = (at, ARRAY_HASH)
                        entries = own_entries
                        continue
            self.ctx = ctx
            self.table = table
            self.key_pos = self._line_start(at)
            self._open_table(parts, aot, self.key_pos)
            ctx = self.ctx
            table = self.table
            entries = self._info_of(ctx)
        self.ctx = ctx
        self.table = table

    # -- the general path: one top-level item

    def _item(self, pos: int) -> int:
        """Read from ``pos`` (Go's lexTop state) through the end of one item's line.

        Returns the position to go on from, or -1 at the end of the text.
        """
        text = self.text
        n = self.n
        while True:
            pos = WS_NL.match(text, pos).end()  # type: ignore[union-attr]
            self._check(pos)
            if pos >= n:
                return -1
            c = text[pos]
            if c != "#":
                break
            pos = self._comment(pos + 1)
        pos = self._header(pos) if c == "[" else self._keyval(pos)
        # what may follow an item on its line
        pos = WS.match(text, pos).end()  # type: ignore[union-attr]
        self._check(pos)
        if pos >= n:
            return -1
        c = text[pos]
        if c == "#":
            return self._comment(pos + 1)
        if c in "\r\n":
            return pos + 1
        raise self._lex(
            "expected a top-level item to end with a newline, comment, or EOF, but got "
            f"{quote_rune(c)} instead",
            pos + 1,
        )

    def _header(self, pos: int) -> int:
        text = self.text
        n = self.n
        p = pos + 1
        self._check(p)
        array = text.startswith("[", p)
        if array:
            p += 1
        parts: list[str] = []
        while True:
            p = WS.match(text, p).end()  # type: ignore[union-attr]
            self._check(p)
            c = text[p] if p < n else ""
            if c in ("]", ""):
                raise self._lex("unexpected end of table name (table names cannot be empty)", p)
            if c == ".":
                raise self._lex("unexpected table separator (table names cannot be empty)", p)
            part, item, p = self._name_part(p)
            if not parts:
                self.key_pos = item
            parts.append(part)
            p = WS.match(text, p).end()  # type: ignore[union-attr]
            self._check(p)
            if p >= n:
                raise self._lex_eof(
                    "expected '.' or ']' to end table name, but got '\\x00' instead"
                )
            c = text[p]
            p += 1
            if c == "]":
                break
            if c != ".":
                raise self._lex(
                    f"expected '.' or ']' to end table name, but got {quote_rune(c)} instead", p
                )
        if array:
            self._check(p)
            c = text[p] if p < n else ""
            if c == "":
                raise self._lex_eof(
                    "expected end of table array name delimiter ']', but got '\\x00' instead"
                )
            p += 1
            if c != "]":
                raise self._lex(
                    "expected end of table array name delimiter ']', but got "
                    f"{quote_rune(c)} instead",
                    p,
                )
        self._open_table(tuple(parts), array, pos)
        return p

    def _keyval(self, pos: int) -> int:
        outer = self.ctx
        _, parts, p = self._key(pos)
        self.cur = parts[-1]
        for part in parts[:-1]:
            self._add_implicit_context((*self.ctx, part))
        value, typ, item, p = self._value(p)
        self._set_value(self.cur, value)
        self._set_type(self.cur, typ, item)
        self.ctx = outer
        self.cur = ""
        return p

    def _value(self, p: int) -> Value:
        """The value after a key's '=' (Go's lexValue state, which skips blanks)."""
        p = WS.match(self.text, p).end()  # type: ignore[union-attr]
        self._check(p)
        if p >= self.n:
            raise self._lex_eof("unexpected EOF; expected value")
        if self.text[p] in "[{":
            return self._nested(p)
        return self._scalar(p)

    # -- arrays and inline tables, read with an explicit stack (no recursion limit)

    def _open(self, p: int, in_array: bool, stack: list[_Frame]) -> None:
        array = self.text[p] == "["
        frame = _Frame(p, array)
        if array:
            self._set_type(self.cur, ARRAY, p)
            frame.items = []
        else:
            frame.outer_ctx = self.ctx
            frame.outer_cur = self.cur
            ctx = (*self.ctx, self.cur)
            self.ctx = ctx
            self.cur = ""
            self.implicit.add(ctx)
            self._add_context(ctx, in_array)
        stack.append(frame)

    def _nested(self, p: int) -> Value:
        """An array or inline table at ``p`` (with everything nested in it)."""
        text = self.text
        n = self.n
        inline_nl = self.dialect.inline_newlines
        stack: list[_Frame] = []
        self._open(p, False, stack)
        p += 1
        want_value = True  # a value may come next (else: ',' or the end)
        while True:
            f = stack[-1]
            if f.array:
                p = WS_NL.match(text, p).end()  # type: ignore[union-attr]
                self._check(p)
                c = text[p : p + 1]
                if c == "#":
                    p = self._comment(p + 1)
                    continue
                if c == "]":
                    p += 1
                    done: tuple[Any, str] = (f.items, ARRAY)
                elif want_value:
                    if c == ",":
                        raise self._lex("unexpected comma", p + 1)
                    if c == "":
                        raise self._lex_eof("unexpected EOF; expected value")
                    if c in "[{":
                        self._open(p, True, stack)
                        p += 1
                        continue
                    value, _, _, p = self._scalar(p)
                    f.items.append(value)  # type: ignore[union-attr]
                    want_value = False
                    continue
                elif c == ",":
                    p += 1
                    want_value = True
                    continue
                elif c == "":
                    raise self._lex_eof(
                        "expected a comma (',') or array terminator (']'), but got end of file"
                    )
                else:
                    raise self._lex(
                        f"expected a comma (',') or array terminator (']'), but got '{c}'", p + 1
                    )
            else:
                p = (WS_NL if inline_nl else WS).match(text, p).end()  # type: ignore[union-attr]
                self._check(p)
                c = text[p : p + 1]
                if c in ("\n", "\r"):
                    raise self._lex_prev("newlines not allowed within inline tables", p + 1)
                if c == "#":
                    p = self._comment(p + 1)
                    continue
                if c == "}":
                    p += 1
                    self.ctx = f.outer_ctx
                    self.cur = f.outer_cur
                    done = (f.top, HASH)
                elif want_value:
                    if c == ",":
                        raise self._lex("unexpected comma", p + 1)
                    start, f.parts, p = self._key(p)
                    f.key_line = self._line(start)
                    self.cur = f.parts[-1]
                    for part in f.parts[:-1]:
                        self._add_implicit_context((*self.ctx, part))
                    p = WS.match(text, p).end()  # type: ignore[union-attr]
                    self._check(p)
                    if p >= n:
                        raise self._lex_eof("unexpected EOF; expected value")
                    if text[p] in "[{":
                        self._open(p, False, stack)
                        p += 1
                        want_value = True
                        continue
                    value, typ, _, p = self._scalar(p)
                    self._entry(f, value, typ)
                    want_value = False
                    continue
                elif c == ",":
                    p = WS.match(text, p + 1).end()  # type: ignore[union-attr]
                    self._check(p)
                    if text.startswith("}", p):
                        if inline_nl:
                            continue  # a trailing comma: the '}' ends the table
                        raise self._lex("trailing comma not allowed in inline tables", p)
                    want_value = True
                    continue
                elif c == "":
                    raise self._lex_eof(
                        "expected a comma or an inline table terminator '}', but got end of "
                        "file instead"
                    )
                else:
                    raise self._lex(
                        "expected a comma or an inline table terminator '}', but got "
                        f"'{c}' instead",
                        p + 1,
                    )
            # the innermost array or inline table is complete: hand it to the one around it
            stack.pop()
            if not stack:
                return done[0], done[1], f.pos, p
            outer = stack[-1]
            if outer.array:
                outer.items.append(done[0])  # type: ignore[union-attr]
            else:
                self._entry(outer, done[0], done[1])
            want_value = False

    def _entry(self, f: _Frame, value: Any, typ: str) -> None:
        """An inline table's key has its value: record it as Go's parser does."""
        self._set_value(self.cur, value)
        self._set_type_line(self.cur, typ, f.key_line)
        h = f.top
        if not self.dialect.nested_inline_keys:  # before 1.4: the key's last part only
            h[self.cur] = value
            self.ctx = (*f.outer_ctx, f.outer_cur)
            return
        for part in f.parts[:-1]:
            if part not in h:
                h[part] = {}
            h = h[part]
            if type(h) is not dict:
                raise self._fail(f"{go_quote(go_key(self.ctx))} is not a table")
        h[self.cur] = value
        self.ctx = (*f.outer_ctx, f.outer_cur)
