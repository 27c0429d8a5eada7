"""The lexer of BurntSushi/toml's decoder (1.4.0, and the other releases' dialects), as scanners.

:class:`Lexer` reads keys, table names, comments and every kind of value but arrays and inline
tables (which :mod:`regresolve._tomlparse` reads, since the parser does its bookkeeping between
their elements), and builds Go's errors.  Each scanner reads what Go's lexer reads in the same
state, including the character after a token that Go looks at before handing the token over,
so that a character Go refuses there is refused first; regular expressions take the runs of
ordinary characters.  Lines: an error Go raises on reading the end of the text names the line
before (line 0 for a one-line text; from 1.5 on only when the text ends with a newline), one
raised on reading a newline too.  What a release does differently is its
:class:`~regresolve._tomlvalues.Dialect` (``self.dialect``), consulted off the common paths.

:func:`text_of` is what Go does to the bytes before lexing (byte-order marks, NUL bytes) and how
bytes that are not UTF-8 reach the lexer (as lone surrogates, refused where Go refuses them).
"""

from __future__ import annotations

import re
from typing import Any, Final

from regresolve._gotext import go_key, go_quote
from regresolve._tomlvalues import (
    BOOL,
    DATETIME,
    DIALECTS,
    DIGIT,
    FLOAT,
    HEX,
    INTEGER,
    STRING,
    Dialect,
    Refused,
    TomlDecodeError,
    letters_end,
    strip_escaped_newlines,
    strip_escaped_newlines_1_2,
    strip_first_newline,
    to_float,
    to_int,
    to_time,
    unescape,
)

__all__ = ["NOT_TEXT", "WS", "WS_NL", "Lexer", "Path", "Value", "quote_rune", "text_of"]

Path = tuple[str, ...]
Value = tuple[Any, str, int, int]  # value, TOML type, the position Go gives it, end

# Runs of characters no scanner has to look at one by one.  Each class leaves out what Go's
# lexer refuses to read: the C0 controls but tab, LF and CR-before-LF, DEL, and the
# surrogates that stand for bytes that are not UTF-8 (see text_of).
NOT_TEXT: Final = r"\x00-\x08\x0a-\x1f\x7f\ud800-\udfff"  # also refuses LF and CR
_NOT_ML_TEXT: Final = r"\x00-\x08\x0b-\x1f\x7f\ud800-\udfff"  # lets LF through, CR refused
WS: Final = re.compile(r"[ \t]*", re.ASCII)
WS_NL: Final = re.compile(r"[ \t\n]*(?:\r\n[ \t\n]*)*", re.ASCII)
_BARE: Final = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)
_SIMPLE_KEY: Final = re.compile(r"([ \t]*)([A-Za-z0-9_-]+)[ \t]*=", re.ASCII)
_BASIC_RUN: Final = re.compile(f'[^"\\\\{NOT_TEXT}]*', re.ASCII)
_LITERAL_RUN: Final = re.compile(f"[^'{NOT_TEXT}]*", re.ASCII)
_ML_BASIC_RUN: Final = re.compile(
    f'[^"\\\\{_NOT_ML_TEXT}]*(?:\\r\\n[^"\\\\{_NOT_ML_TEXT}]*)*', re.ASCII
)
_ML_LITERAL_RUN: Final = re.compile(f"[^'{_NOT_ML_TEXT}]*(?:\\r\\n[^'{_NOT_ML_TEXT}]*)*", re.ASCII)
REFUSED: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]|\r(?!\n)", re.ASCII)
_COMMENT_RUN: Final = re.compile(f"[^{NOT_TEXT}]*", re.ASCII)
_DIGITS: Final = re.compile(r"[0-9]*", re.ASCII)
_DECIMAL: Final = re.compile(r"[0-9_]*", re.ASCII)
_FLOATISH: Final = re.compile(r"[0-9_.eE+-]*", re.ASCII)
_DATEISH: Final = re.compile(r"[0-9Tt .Zz:+-]*", re.ASCII)
_BASE_RUN: Final = {
    "b": re.compile(r"[01_]*", re.ASCII),
    "o": re.compile(r"[0-7_]*", re.ASCII),
    "x": re.compile(r"[0-9A-Fa-f_]*", re.ASCII),
}
_BASE_DIGITS: Final = {"b": "01", "o": "01234567", "x": "0123456789abcdefABCDEF"}
_BASE_NAME: Final = {"b": "a binary", "o": "an octal", "x": "a hexidecimal"}  # sic, until 1.5


def quote_rune(c: str) -> str:
    """Go ``%q`` of a rune; "" stands for the zero rune Go's lexer returns at the end."""
    if c == "":
        return "'\\x00'"
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    return "'" + go_quote(c)[1:-1] + "'"


class Lexer:
    """The text, where lines are, the parser state Go's errors name (context, current key,
    the last key read), and the scanners."""

    __slots__ = ("anchor", "anchor_line", "bad", "ctx", "cur", "dialect", "key_pos", "n", "text")

    def __init__(self, text: str, dialect: Dialect) -> None:
        self.text = text
        self.dialect = dialect
        self.n = len(text)
        self.ctx: Path = ()  # the Go parser's context ...
        self.cur = ""  # ... and current key
        self.key_pos = 0  # position of the first part of the last key read
        self.anchor = 0  # a position whose line is known: lines are counted from there
        self.anchor_line = 1
        self.bad = -1  # the first character Go's lexer refuses to read (once looked for)

    def find_refused(self) -> None:
        """Find the first character Go's lexer refuses (needed before any _check)."""
        refused = REFUSED.search(self.text)
        self.bad = -1 if refused is None else refused.start()

    # -- errors

    def _line_start(self, line: int) -> int:
        """The position where ``line`` starts (found from the last position asked about)."""
        text = self.text
        at = self.anchor_line
        pos = text.rfind("\n", 0, self.anchor) + 1
        if line < at:
            pos, at = 0, 1
        while at < line:
            pos = text.index("\n", pos) + 1
            at += 1
        self.anchor = pos
        self.anchor_line = line
        return pos

    def _line(self, pos: int) -> int:
        """The line of ``pos`` (counted from the last position asked about)."""
        if pos >= self.anchor:
            line = self.anchor_line + self.text.count("\n", self.anchor, pos)
        else:
            line = self.anchor_line - self.text.count("\n", pos, self.anchor)
        self.anchor = pos
        self.anchor_line = line
        return line

    def _last_key(self) -> str:
        if not self.cur:
            return go_key(self.ctx)
        if not self.ctx:
            return self.cur
        return go_key(self.ctx) + "." + self.cur

    def _error(self, message: str, line: int) -> TomlDecodeError:
        last = self._last_key()
        if last:
            return TomlDecodeError(
                f"toml: line {line} (last key {go_quote(last)}): {message}", line, last
            )
        return TomlDecodeError(f"toml: line {line}: {message}", line)

    def _lex(self, message: str, pos: int) -> TomlDecodeError:
        """A lexer error, the lexer having read up to ``pos``."""
        return self._error(message, self._line(pos))

    def _lex_eof(self, message: str, *, always_before: bool = False) -> TomlDecodeError:
        """A lexer error on reading the end of the text: Go names the line before (from 1.5
        on, only when the text ends with a newline, unless ``always_before``: an error Go's
        lexer raises through ``lx.error`` rather than ``lx.errorf``)."""
        line = self._line(self.n)
        if always_before or not self.dialect.eof_line or self.text.endswith("\n"):
            line -= 1
        return self._error(message, line)

    def _lex_nl(self, message: str, c: str, pos: int) -> TomlDecodeError:
        """A lexer error on ``c`` read up to ``pos``, where 1.5+ puts a newline on its line."""
        if c == "\n" and self.dialect.newline_line:
            return self._lex_prev(message, pos)
        return self._lex(message, pos)

    def _lex_prev(self, message: str, pos: int) -> TomlDecodeError:
        """A lexer error on a newline (read up to ``pos``), placed on the line before."""
        return self._error(message, self._line(pos) - 1)

    def _refused(self, err: Refused, pos: int) -> TomlDecodeError:
        """A value the parser refuses, at the position of its token."""
        return self._error(str(err), self._line(pos))

    def _fail(self, message: str) -> TomlDecodeError:
        """A structural error, placed at the last key read."""
        return self._error(message, self._line(self.key_pos))

    def _check(self, pos: int) -> None:
        """Refuse the character at ``pos`` if Go's lexer refuses to read it.

        Only the first such character of the text can be reached (every run the scanners
        take stops before one, and nothing reads past an unchecked character), so that is
        the one position to look out for.
        """
        if pos == self.bad:
            o = ord(self.text[pos])
            self._refuse_char(pos, o)

    def _refuse_char(self, pos: int, o: int) -> None:
        if 0xD800 <= o <= 0xDFFF:
            byte = o - 0xDC00 if 0xDC80 <= o <= 0xDCFF else 0xED
            raise self._lex(f"invalid UTF-8 byte: 0x{byte:02x}", pos)
        raise self._lex(f"TOML files cannot contain control characters: '0x{o:02x}'", pos)

    def _comment(self, pos: int) -> int:
        """Skip a comment's text (after its '#'): returns where its line ends."""
        end = _COMMENT_RUN.match(self.text, pos).end()  # type: ignore[union-attr]
        self._check(end)
        return end

    def _name_part(self, p: int) -> tuple[str, int, int]:
        """One part of a key or table name at ``p``: (text, the position Go gives it, end)."""
        text = self.text
        c = text[p]
        if c == '"':
            raw, item, end = self._basic(p + 1)
            try:
                return unescape(raw), item, end
            except Refused as e:
                raise self._refused(e, item) from None
        if c == "'":
            return self._literal(p + 1)
        end = _BARE.match(text, p).end()  # type: ignore[union-attr]
        self._check(end)
        return text[p:end], end, end

    def _key(self, p: int) -> tuple[int, list[str], int]:
        """A key and its '=': (where it starts, its parts, the position after the '=')."""
        text = self.text
        n = self.n
        simple = _SIMPLE_KEY.match(text, p)
        if simple is not None:  # one bare part: what the states below do, in one step
            self.key_pos = simple.end(2)
            return simple.start(2), [simple.group(2)], simple.end()
        p = WS.match(text, p).end()  # type: ignore[union-attr]
        self._check(p)
        c = text[p] if p < n else ""
        if c in ("=", ""):
            raise self._lex("unexpected '=': key name appears blank", p)
        if c == ".":
            raise self._lex("unexpected '.': keys cannot start with a '.'", p)
        start = p
        parts: list[str] = []
        while True:
            p = WS.match(text, p).end()  # type: ignore[union-attr]
            self._check(p)
            c = text[p] if p < n else ""
            if c in ("=", ""):
                raise self._lex("unexpected '='", p)
            if c == ".":
                raise self._lex("unexpected '.'", p)
            part, item, p = self._name_part(p)
            if not parts:
                self.key_pos = item
            parts.append(part)
            p = WS.match(text, p).end()  # type: ignore[union-attr]
            self._check(p)
            if p >= n:
                raise self._lex_eof("unexpected EOF; expected key separator '='")
            c = text[p]
            p += 1
            if c == "=":
                return start, parts, p
            if c != ".":
                raise self._lex_nl(f"expected '.' or '=', but got {quote_rune(c)} instead", c, p)

    # -- values

    def _scalar(self, p: int) -> Value:
        """A value other than an array or inline table; ``p`` is at its (checked) first char."""
        text = self.text
        c = text[p]
        if c in DIGIT:
            return self._number(p)
        if c == '"':
            self._check(p + 1)
            if text.startswith('"', p + 1):
                self._check(p + 2)
                if text.startswith('"', p + 2):
                    raw, item, end = self._ml_basic(p + 3)
                    if not self.dialect.ml_strip_first:
                        try:
                            raw = strip_first_newline(strip_escaped_newlines_1_2(raw))
                        except Refused as e:  # Go's panicf: at the key's line
                            raise self._fail(str(e)) from None
                    else:
                        raw = strip_escaped_newlines(strip_first_newline(raw))
                    try:
                        return unescape(raw), STRING, item, end
                    except Refused as e:
                        raise self._refused(e, item) from None
            raw, item, end = self._basic(p + 1)
            try:
                return unescape(raw), STRING, item, end
            except Refused as e:
                raise self._refused(e, item) from None
        if c == "'":
            self._check(p + 1)
            if text.startswith("'", p + 1):
                self._check(p + 2)
                if text.startswith("'", p + 2):
                    raw, item, end = self._ml_literal(p + 3)
                    return strip_first_newline(raw), STRING, item, end
            raw, item, end = self._literal(p + 1)
            return raw, STRING, item, end
        if c == ".":
            raise self._lex("floats must start with a digit, not '.'", p + 1)
        if c in "in":
            # Go takes "n" then "f", else "a" then "n", keeping what it took: "inf" and
            # "nan", but also "inan" and "nnf" (which the float parser then refuses).
            # Otherwise it reads a word from the last character it took.
            q = p + 1
            self._check(q)
            if text.startswith("n", q):
                q += 1
                self._check(q)
                if text.startswith("f", q):
                    return self._token(FLOAT, p, q + 1, checked=True)
            self._check(q)
            if text.startswith("a", q):
                q += 1
                self._check(q)
                if text.startswith("n", q):
                    return self._token(FLOAT, p, q + 1, checked=True)
            return self._word(q - 1)
        if c in "+-":
            return self._signed(p)
        if (c.isascii() and c.isalpha()) or (not c.isascii() and letters_end(c, 0) == 1):
            return self._word(p)
        raise self._lex_nl(f"expected value but found {quote_rune(c)} instead", c, p + 1)

    def _word(self, p: int) -> Value:
        """``true``, ``false``, or a word Go reports as the value it did not expect."""
        end = letters_end(self.text, p)
        self._check(end)
        word = self.text[p:end]
        if word == "true":
            return True, BOOL, p, end
        if word == "false":
            return False, BOOL, p, end
        raise self._lex(f"expected value but found {go_quote(word)} instead", end)

    def _token(self, kind: str, start: int, end: int, *, checked: bool = False) -> Value:
        """Convert the number or date token ``text[start:end]``.

        Go's lexer reads the character after such a token before handing the token over
        (unless ``checked``: a spelled-out ``inf``/``nan``), so that character is refused
        first.
        """
        if not checked:
            self._check(end)
        tok = self.text[start:end]
        try:
            if kind is INTEGER:
                return to_int(tok), INTEGER, start, end
            if kind is FLOAT:
                return to_float(tok, self.dialect.nan_sign), FLOAT, start, end
            return to_time(tok.rstrip(" "), self.dialect), DATETIME, start, end
        except Refused as e:
            raise self._refused(e, start) from None

    def _number(self, start: int) -> Value:
        """An integer, float or date/time starting with a digit."""
        text = self.text
        if text[start] != "0":
            return self._number_or_date(start, start + 1)
        p = start + 1
        self._check(p)
        c = text[p : p + 1]
        if c == "":
            return self._token(INTEGER, start, p)
        if c in DIGIT:
            return self._number_or_date(start, p + 1)
        if c == "_":
            return self._decimal(start, p + 1)
        if c in ".eE":
            return self._token(FLOAT, start, _FLOATISH.match(text, p + 1).end())  # type: ignore[union-attr]
        if c in "box":
            q = p + 1
            self._check(q)
            d = text[q : q + 1]
            if d == "" or d not in _BASE_DIGITS[c]:
                name = _BASE_NAME[c]
                if c == "x" and self.dialect.hexadecimal:
                    name = "a hexadecimal"
                raise self._lex(f"not {name} number: '{text[start:q]}{d or chr(0)}'", q)
            return self._token(INTEGER, start, _BASE_RUN[c].match(text, q).end())  # type: ignore[union-attr]
        return self._token(INTEGER, start, p)

    def _number_or_date(self, start: int, p: int) -> Value:
        text = self.text
        end = _DIGITS.match(text, p).end()  # type: ignore[union-attr]
        self._check(end)
        c = text[end : end + 1]
        if c in ("-", ":"):
            return self._token(DATETIME, start, _DATEISH.match(text, end + 1).end())  # type: ignore[union-attr]
        if c == "_":
            return self._decimal(start, end + 1)
        if c in (".", "e", "E"):
            return self._token(FLOAT, start, _FLOATISH.match(text, end + 1).end())  # type: ignore[union-attr]
        return self._token(INTEGER, start, end)

    def _decimal(self, start: int, p: int) -> Value:
        text = self.text
        end = _DECIMAL.match(text, p).end()  # type: ignore[union-attr]
        self._check(end)
        if text[end : end + 1] in (".", "e", "E"):
            return self._token(FLOAT, start, _FLOATISH.match(text, end + 1).end())  # type: ignore[union-attr]
        return self._token(INTEGER, start, end)

    def _signed(self, start: int) -> Value:
        text = self.text
        p = start + 1
        self._check(p)
        if p >= self.n:
            raise self._lex_eof("expected a digit but got '\\x00'")
        c = text[p]
        if c in "in":
            q = p + 1
            for want in "nf" if c == "i" else "an":
                self._check(q)
                if not text.startswith(want, q):
                    raise self._lex(f"invalid float: '{text[start:q]}'", q)
                q += 1
            return self._token(FLOAT, start, q, checked=True)
        if c == "0":
            self._check(p + 1)
            d = text[p + 1 : p + 2]
            if d != "" and d in "box":
                raise self._lex(
                    f"cannot use sign with non-decimal numbers: '{text[start : p + 1]}{d}'", p + 1
                )
            return self._decimal(start, p + 1)
        if c == ".":
            raise self._lex("floats must start with a digit, not '.'", p + 1)
        if c in DIGIT:
            return self._decimal(start, p + 1)
        raise self._lex(f"expected a digit but got {quote_rune(c)}", p + 1)

    # -- strings: each returns (raw text, the position Go gives the string, end)

    def _escape(self, start: int, q: int) -> int:
        """The escape whose backslash is just before ``q``: returns the position after it.
        ``start`` is where the string's text starts (Go quotes it in some messages)."""
        text = self.text
        self._check(q)
        if q >= self.n:
            raise self._lex_eof("invalid escape in string '\\\x00'", always_before=True)
        e = text[q]
        if e in 'btnfr" \t\\':
            return q + 1
        e_x = self.dialect.escapes_e_x
        if e == "e" and e_x:
            return q + 1
        if e not in "uU" and (e != "x" or not e_x):
            raise self._lex(f"invalid escape in string '\\{e}'", q + 1)
        word, width = {"u": ("four", 4), "U": ("eight", 8), "x": ("two", 2)}[e]
        q += 1
        for _ in range(width):
            self._check(q)
            if q >= self.n:
                raise self._lex_eof(
                    f"expected {word} hexadecimal digits after '\\{e}', but got "
                    f"{go_quote(text[start:q])} instead"
                )
            q += 1
            if text[q - 1] not in HEX:
                raise self._lex(
                    f"expected {word} hexadecimal digits after '\\{e}', but got "
                    f"{go_quote(text[start:q])} instead",
                    q,
                )
        return q

    def _basic(self, start: int) -> tuple[str, int, int]:
        text = self.text
        q = start
        while True:
            q = _BASIC_RUN.match(text, q).end()  # type: ignore[union-attr]
            if q >= self.n:
                raise self._lex_eof("unexpected EOF; expected '\"'")
            c = text[q]
            if c == '"':
                return text[start:q], q, q + 1
            if c == "\\":
                q = self._escape(start, q + 1)
                continue
            self._check(q)
            raise self._lex_prev("strings cannot contain newlines", q + 1)

    def _literal(self, start: int) -> tuple[str, int, int]:
        text = self.text
        q = _LITERAL_RUN.match(text, start).end()  # type: ignore[union-attr]
        if q >= self.n:
            raise self._lex_eof('unexpected EOF; expected "\'"')
        if text[q] == "'":
            return text[start:q], q, q + 1
        self._check(q)
        raise self._lex_prev("strings cannot contain newlines", q + 1)

    def _ml_basic(self, start: int) -> tuple[str, int, int]:
        text = self.text
        q = start
        while True:
            q = _ML_BASIC_RUN.match(text, q).end()  # type: ignore[union-attr]
            if q >= self.n:
                raise self._lex_eof('unexpected EOF; expected \'"""\'')
            c = text[q]
            if c == "\\":
                self._check(q + 1)
                if text[q + 1 : q + 2] in ("\n", "\r"):
                    q += 2
                else:
                    q = self._escape(start, q + 1)
                continue
            if c != '"':
                self._check(q)
                raise AssertionError("unreachable: the run stops at a quote or a refused char")
            end = self._closing(start, q, '"')
            if end is not None:
                return text[start:q], q, end
            q += 1

    def _ml_literal(self, start: int) -> tuple[str, int, int]:
        text = self.text
        q = start
        while True:
            q = _ML_LITERAL_RUN.match(text, q).end()  # type: ignore[union-attr]
            if q >= self.n:
                raise self._lex_eof("unexpected EOF; expected \"'''\"")
            if text[q] != "'":
                self._check(q)
                raise AssertionError("unreachable: the run stops at a quote or a refused char")
            end = self._closing(start, q, "'")
            if end is not None:
                return text[start:q], q, end
            q += 1

    def _closing(self, start: int, q: int, quote: str) -> int | None:
        """At a quote in a multi-line string: the end, if the string closes here.

        In a run of quotes the last three close the string and up to two before them are
        text; a sixth is refused (after a backslash, a basic string's run may hold one more).
        """
        text = self.text
        self._check(q + 1)
        if not text.startswith(quote, q + 1):
            return None
        self._check(q + 2)
        if not text.startswith(quote, q + 2):
            return None
        self._check(q + 3)
        if not text.startswith(quote, q + 3):
            return q + 3
        so_far = text[start : q + 3]
        if so_far.endswith(quote * 5) and not (quote == '"' and so_far.endswith('\\"""""')):
            shown = '\'""""""\'' if quote == '"' else "\"''''''\""
            raise self._lex(f"unexpected {shown}", q + 3)
        return None


# -- bytes --------------------------------------------------------------------------------

_NUL_TEXT: Final = (
    "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8"
)


def text_of(data: bytes | str, dialect: Dialect = DIALECTS["1.4"]) -> str:
    """The text the lexer reads: a byte-order mark dropped, bytes that are not UTF-8 kept as
    lone surrogates (U+DC80..U+DCFF, ``surrogateescape``) for the lexer to refuse in place.

    Before toml 1.3 a UTF-8 mark is lexed as text; before 1.4 Go's lexer refuses U+FFFD as
    an invalid byte 0xef, so it becomes the stand-in of that byte.
    """
    utf8_bom = dialect.utf8_bom
    if isinstance(data, str):
        text = data[1:] if utf8_bom and data.startswith("\ufeff") else data
        head = text[:6].encode("utf-8", "surrogatepass")[:6]
    else:
        raw = data if type(data) is bytes else bytes(data)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raw = raw[2:]
        elif utf8_bom and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        head = raw[:6]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "surrogateescape")
    if b"\x00" in head:
        raise TomlDecodeError(_NUL_TEXT, 1)
    if not dialect.replacement_char_ok and "\ufffd" in text:
        text = text.replace("\ufffd", "\udcef")
    return text
