"""Go's ``encoding/json``, as far as auth files need it (Go 1.23).

containers/image reads ``auth.json``, Docker's ``config.json`` and the legacy ``.dockercfg``
with ``json.Unmarshal`` into small structs (``pkg/docker/config``), and decodes each ``auth``
value with ``base64.StdEncoding``.  Its error texts reach the user (``reading JSON file
"<path>": unmarshaling JSON at "<path>": invalid character ...``), so this module reproduces:

* the syntax check that runs before any decoding (``checkValid``, ``scanner.go``): the first
  byte that breaks the grammar, named with Go's ``quoteChar``, and the state it broke
  (``looking for beginning of value``, ``after object key``...), or ``unexpected end of JSON
  input``;
* the decoding into the two target types, with the first type error as
  ``UnmarshalTypeError`` renders it (``json: cannot unmarshal number into Go struct field
  dockerAuthConfig.auths.auth of type string``): struct fields matched exactly, then
  case-insensitively (Go's ``foldName``), unknown keys skipped, later duplicates winning,
  ``null`` leaving strings alone and resetting maps;
* Go's string decoding: escapes, surrogate pairs, and U+FFFD for each invalid UTF-8 byte.

(``base64.StdEncoding.DecodeString`` is in :mod:`regresolve._creds`.)

The decoded values (which include secrets) are returned to the caller only; nothing here
stores them.
"""

from __future__ import annotations

from typing import Final

from regresolve._gotext import go_quote

__all__ = [
    "GoJSONError",
    "check_valid",
    "decode_auth_file",
    "go_utf8",
]


class GoJSONError(ValueError):
    """A Go ``encoding/json`` (or ``encoding/base64``) error; ``str()`` is Go's text."""


# ---------------------------------------------------------------------------------------------
# UTF-8 as Go decodes it: each byte that does not start a valid sequence becomes U+FFFD.
# ---------------------------------------------------------------------------------------------


def _rune_at(b: bytes, i: int) -> tuple[int, int]:
    """``utf8.DecodeRune(b[i:])``: (code point, size); (0xFFFD, 1) when invalid."""
    c = b[i]
    if c < 0x80:
        return c, 1
    n = len(b)
    if 0xC2 <= c <= 0xDF:
        if i + 1 < n and 0x80 <= b[i + 1] <= 0xBF:
            return ((c & 0x1F) << 6) | (b[i + 1] & 0x3F), 2
        return 0xFFFD, 1
    if 0xE0 <= c <= 0xEF:
        lo = 0xA0 if c == 0xE0 else 0x80
        hi = 0x9F if c == 0xED else 0xBF
        if i + 2 < n and lo <= b[i + 1] <= hi and 0x80 <= b[i + 2] <= 0xBF:
            return ((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F), 3
        return 0xFFFD, 1
    if 0xF0 <= c <= 0xF4:
        lo = 0x90 if c == 0xF0 else 0x80
        hi = 0x8F if c == 0xF4 else 0xBF
        if (
            i + 3 < n
            and lo <= b[i + 1] <= hi
            and 0x80 <= b[i + 2] <= 0xBF
            and 0x80 <= b[i + 3] <= 0xBF
        ):
            return (
                ((c & 0x07) << 18)
                | ((b[i + 1] & 0x3F) << 12)
                | ((b[i + 2] & 0x3F) << 6)
                | (b[i + 3] & 0x3F)
            ), 4
    return 0xFFFD, 1


def go_utf8(b: bytes) -> str:
    """``string(b)`` as Go's range loop and ``encoding/json`` see it."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out = []
    i = 0
    while i < len(b):
        r, size = _rune_at(b, i)
        out.append(chr(r))
        i += size
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# The syntax check (scanner.go)
# ---------------------------------------------------------------------------------------------

_SPACE: Final = frozenset(b" \t\r\n")
_HEX: Final = frozenset(b"0123456789abcdefABCDEF")
_DIGITS: Final = frozenset(b"0123456789")
_MAX_DEPTH: Final = 10000


def _quote_char(c: int) -> str:
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    return "'" + go_quote(chr(c))[1:-1] + "'"


def _err(c: int, context: str) -> str:
    return f"invalid character {_quote_char(c)} {context}"


def check_valid(data: bytes) -> str | None:
    """Go's ``checkValid``: None, or the ``SyntaxError`` text for the first bad byte."""
    stack: list[int] = []  # 0: object key expected/after key, 1: object value, 2: array
    state = "value"
    lit = b""  # the rest of a literal (true/false/null) still expected
    lit_name = ""
    for c in data + b" ":  # Go's eof() feeds one more space, then needs a complete value
        while True:  # a state may hand the byte to the next state ("reconsume")
            if state in {"value", "value_or_end"}:
                if c in _SPACE:
                    break
                if state == "value_or_end" and c == 0x5D:  # ]
                    state = "end_value"
                    continue
                if c == 0x7B:  # {
                    stack.append(0)
                    if len(stack) > _MAX_DEPTH:
                        return _err(c, "exceeded max depth")
                    state = "key_or_end"
                elif c == 0x5B:  # [
                    stack.append(2)
                    if len(stack) > _MAX_DEPTH:
                        return _err(c, "exceeded max depth")
                    state = "value_or_end"
                elif c == 0x22:
                    state = "string"
                elif c == 0x2D:  # -
                    state = "neg"
                elif c == 0x30:
                    state = "zero"
                elif 0x31 <= c <= 0x39:
                    state = "int"
                elif c in b"tfn":
                    lit_name = {0x74: "true", 0x66: "false", 0x6E: "null"}[c]
                    lit = lit_name[1:].encode()
                    state = "literal"
                else:
                    return _err(c, "looking for beginning of value")
                break
            if state in {"key_or_end", "key"}:
                if c in _SPACE:
                    break
                if state == "key_or_end" and c == 0x7D:  # }
                    stack[-1] = 1
                    state = "end_value"
                    continue
                if c == 0x22:
                    state = "string"
                    break
                return _err(c, "looking for beginning of object key string")
            if state == "end_value":
                if not stack:
                    state = "end_top"
                    continue
                if c in _SPACE:
                    break
                top = stack[-1]
                if top == 0:
                    if c == 0x3A:  # :
                        stack[-1] = 1
                        state = "value"
                        break
                    return _err(c, "after object key")
                if top == 1:
                    if c == 0x2C:  # ,
                        stack[-1] = 0
                        state = "key"
                        break
                    if c == 0x7D:
                        stack.pop()
                        state = "end_top" if not stack else "end_value"
                        break
                    return _err(c, "after object key:value pair")
                if c == 0x2C:
                    state = "value"
                    break
                if c == 0x5D:
                    stack.pop()
                    state = "end_top" if not stack else "end_value"
                    break
                return _err(c, "after array element")
            if state == "end_top":
                if c not in _SPACE:
                    return _err(c, "after top-level value")
                break
            if state == "string":
                if c == 0x22:
                    state = "end_value"
                elif c == 0x5C:
                    state = "esc"
                elif c < 0x20:
                    return _err(c, "in string literal")
                break
            if state == "esc":
                if c in b'bfnrt\\/"':
                    state = "string"
                elif c == 0x75:
                    state = "u0"
                else:
                    return _err(c, "in string escape code")
                break
            if state in ("u0", "u1", "u2", "u3"):
                if c not in _HEX:
                    return _err(c, "in \\u hexadecimal character escape")
                state = {"u0": "u1", "u1": "u2", "u2": "u3", "u3": "string"}[state]
                break
            if state == "neg":
                if c == 0x30:
                    state = "zero"
                elif 0x31 <= c <= 0x39:
                    state = "int"
                else:
                    return _err(c, "in numeric literal")
                break
            if state == "int":
                if c in _DIGITS:
                    break
                state = "zero"
                continue
            if state == "zero":
                if c == 0x2E:
                    state = "dot"
                    break
                if c in b"eE":
                    state = "exp"
                    break
                state = "end_value"
                continue
            if state == "dot":
                if c in _DIGITS:
                    state = "frac"
                    break
                return _err(c, "after decimal point in numeric literal")
            if state == "frac":
                if c in _DIGITS:
                    break
                if c in b"eE":
                    state = "exp"
                    break
                state = "end_value"
                continue
            if state == "exp":
                if c in b"+-":
                    state = "exp_sign"
                    break
                state = "exp_sign"
                continue
            if state == "exp_sign":
                if c in _DIGITS:
                    state = "exp_digits"
                    break
                return _err(c, "in exponent of numeric literal")
            if state == "exp_digits":
                if c in _DIGITS:
                    break
                state = "end_value"
                continue
            # state == "literal"
            if c == lit[0]:
                lit = lit[1:]
                if not lit:
                    state = "end_value"
                break
            return _err(c, f"in literal {lit_name} (expecting {_quote_char(lit[0])})")
    if state == "end_top":
        return None
    return "unexpected end of JSON input"


# ---------------------------------------------------------------------------------------------
# Parsing a valid document (only what the auth-file types need is built; the rest is skipped)
# ---------------------------------------------------------------------------------------------


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def ws(self) -> None:
        data, pos = self.data, self.pos
        while pos < len(data) and data[pos] in _SPACE:
            pos += 1
        self.pos = pos

    def string(self) -> str:
        data = self.data
        pos = self.pos + 1  # after the opening quote
        out: list[str] = []
        start = pos
        while True:
            c = data[pos]
            if c == 0x22:
                out.append(go_utf8(data[start:pos]))
                self.pos = pos + 1
                return "".join(out)
            if c != 0x5C:
                pos += 1
                continue
            out.append(go_utf8(data[start:pos]))
            e = data[pos + 1]
            if e == 0x75:
                r = int(data[pos + 2 : pos + 6], 16)
                pos += 6
                if 0xD800 <= r < 0xDC00 and data[pos : pos + 2] == b"\\u":
                    r2 = int(data[pos + 2 : pos + 6], 16)
                    if 0xDC00 <= r2 < 0xE000:
                        r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)
                        pos += 6
                if 0xD800 <= r < 0xE000:
                    r = 0xFFFD
                out.append(chr(r))
            else:
                out.append(
                    {0x62: "\b", 0x66: "\f", 0x6E: "\n", 0x72: "\r", 0x74: "\t"}.get(e, chr(e))
                )
                pos += 2
            start = pos

    def skip(self) -> str:
        """Skip one value without building it; return its JSON kind."""
        data = self.data
        c = data[self.pos]
        if c == 0x22:
            self.string()
            return "string"
        if c in b"{[":
            kind = "object" if c == 0x7B else "array"
            depth = 0
            pos = self.pos
            while True:
                c = data[pos]
                if c == 0x22:
                    self.pos = pos
                    self.string()
                    pos = self.pos
                    continue
                if c in b"{[":
                    depth += 1
                elif c in b"}]":
                    depth -= 1
                    if depth == 0:
                        self.pos = pos + 1
                        return kind
                pos += 1
        pos = self.pos
        while pos < len(data) and data[pos] not in b",]} \t\r\n":
            pos += 1
        self.pos = pos
        return {0x74: "bool", 0x66: "bool", 0x6E: "null"}.get(c, "number")

    def object_items(self) -> list[tuple[str, int]]:
        """At ``{``: each key with the position of its value (values are skipped)."""
        self.pos += 1
        items: list[tuple[str, int]] = []
        self.ws()
        if self.data[self.pos] == 0x7D:
            self.pos += 1
            return items
        while True:
            self.ws()
            key = self.string()
            self.ws()
            self.pos += 1  # :
            self.ws()
            items.append((key, self.pos))
            self.skip()
            self.ws()
            c = self.data[self.pos]
            self.pos += 1
            if c == 0x7D:
                return items


# ---------------------------------------------------------------------------------------------
# Decoding into the auth-file types
# ---------------------------------------------------------------------------------------------

_FOLD_SPECIAL: Final = {"\u017f": "S", "\u212a": "K", "\u0131": "I", "\u0130": "I"}


def _json_fold_name(key: str) -> str:
    """Go's ``foldName`` restricted to what can equal an ASCII field name."""
    out = []
    for ch in key:
        if ch < "\x80":
            out.append(ch.upper())
        else:
            out.append(_FOLD_SPECIAL.get(ch, "\x00"))
    return "".join(out)


class _Ctx:
    __slots__ = ("fields", "struct")

    def __init__(self) -> None:
        self.struct: str | None = None
        self.fields: list[str] = []


def _type_error(value: str, typ: str, ctx: _Ctx) -> GoJSONError:
    if ctx.struct is not None or ctx.fields:
        return GoJSONError(
            f"json: cannot unmarshal {value} into Go struct field "
            f"{ctx.struct}.{'.'.join(ctx.fields)} of type {typ}"
        )
    return GoJSONError(f"json: cannot unmarshal {value} into Go value of type {typ}")


_AUTH_TYPE: Final = "config.dockerAuthConfig"
_FILE_TYPE: Final = "config.dockerConfigFile"
_AUTHS_TYPE: Final = "map[string]config.dockerAuthConfig"
_HELPERS_TYPE: Final = "map[string]string"

# One decoded ``auths`` entry: (auth, identitytoken).
AuthValue = tuple[str, str]


class _Decoder:
    __slots__ = ("ctx", "error", "r")

    def __init__(self, data: bytes) -> None:
        self.r = _Reader(data)
        self.ctx = _Ctx()
        self.error: GoJSONError | None = None

    def save(self, err: GoJSONError) -> None:
        if self.error is None:
            self.error = err

    def kind_at(self, pos: int) -> str:
        c = self.r.data[pos]
        return {
            0x7B: "object",
            0x5B: "array",
            0x22: "string",
            0x74: "bool",
            0x66: "bool",
            0x6E: "null",
        }.get(c, "number")

    def string(self, pos: int, current: str) -> str:
        kind = self.kind_at(pos)
        self.r.pos = pos
        if kind == "string":
            return self.r.string()
        if kind != "null":
            self.save(_type_error(kind, "string", self.ctx))
        return current

    def auth_entry(self, pos: int) -> AuthValue:
        saved = (self.ctx.struct, list(self.ctx.fields))
        auth, token = "", ""
        kind = self.kind_at(pos)
        if kind == "null":
            return auth, token
        if kind != "object":
            self.save(_type_error(kind, _AUTH_TYPE, self.ctx))
            return auth, token
        self.r.pos = pos
        for key, vpos in self.r.object_items():
            field = _match(key, ("auth", "identitytoken"))
            if field is None:
                continue
            self.ctx.struct = "dockerAuthConfig"
            self.ctx.fields.append(field)
            if field == "auth":
                auth = self.string(vpos, auth)
            else:
                token = self.string(vpos, token)
            self.ctx.struct, self.ctx.fields = saved[0], list(saved[1])
        return auth, token

    def auth_map(
        self, pos: int, current: dict[str, AuthValue] | None
    ) -> dict[str, AuthValue] | None:
        kind = self.kind_at(pos)
        if kind == "null":
            return None
        if kind != "object":
            self.save(_type_error(kind, _AUTHS_TYPE, self.ctx))
            return current
        out = {} if current is None else current
        self.r.pos = pos
        for key, vpos in self.r.object_items():
            out.pop(key, None)
            out[key] = self.auth_entry(vpos)
        return out

    def helper_map(self, pos: int, current: dict[str, str] | None) -> dict[str, str] | None:
        kind = self.kind_at(pos)
        if kind == "null":
            return None
        if kind != "object":
            self.save(_type_error(kind, _HELPERS_TYPE, self.ctx))
            return current
        out = {} if current is None else current
        self.r.pos = pos
        for key, vpos in self.r.object_items():
            out.pop(key, None)
            out[key] = self.string(vpos, "")
        return out


def _match(key: str, fields: tuple[str, ...]) -> str | None:
    if key in fields:
        return key
    folded = _json_fold_name(key)
    for f in fields:
        if _json_fold_name(f) == folded:
            return f
    return None


def decode_auth_file(data: bytes, *, legacy: bool) -> tuple[dict[str, AuthValue], dict[str, str]]:
    """``json.Unmarshal`` of an auth file: (``auths`` in key order, ``credHelpers``).

    ``legacy``: the ``.dockercfg`` format (the top level is the ``auths`` map itself).

    Raises:
        GoJSONError: Go's syntax or type error text.
    """
    syntax = check_valid(data)
    if syntax is not None:
        raise GoJSONError(syntax)
    d = _Decoder(data)
    d.r.ws()
    start = d.r.pos
    if legacy:
        auths = d.auth_map(start, None)
        if d.error is not None:
            raise d.error
        return auths or {}, {}
    kind = d.kind_at(start)
    auths_v: dict[str, AuthValue] | None = None
    helpers_v: dict[str, str] | None = None
    if kind == "object":
        d.r.pos = start
        for key, vpos in d.r.object_items():
            field = _match(key, ("auths", "credHelpers"))
            if field is None:
                continue
            d.ctx.struct = "dockerConfigFile"
            d.ctx.fields = [field]
            if field == "auths":
                auths_v = d.auth_map(vpos, auths_v)
            else:
                helpers_v = d.helper_map(vpos, helpers_v)
            d.ctx.struct, d.ctx.fields = None, []
    elif kind != "null":
        d.save(_type_error(kind, _FILE_TYPE, d.ctx))
    if d.error is not None:
        raise d.error
    return auths_v or {}, helpers_v or {}
