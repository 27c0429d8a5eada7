"""Where BurntSushi/toml 1.4.0 records each key, for the messages that name a line.

BurntSushi keeps a position per dotted key path (``MetaData.keyInfo``); type errors print the
line recorded there, and the parser's redefinition errors have their own wording.  tomllib
knows neither, so :class:`_Scanner` walks a document tomllib already accepted and records
the same positions.  Only the error path and rare shapes (empty keys) pay for it.
"""

from __future__ import annotations

import tomllib

from regresolve._gotext import BARE_KEY, go_key, go_quote

__all__ = ["go_redefinition", "key_lines"]


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
