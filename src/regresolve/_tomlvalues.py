"""The values of BurntSushi/toml's decoder: their types, how tokens become values, the dialects.

:class:`Dialect` names what one BurntSushi/toml release does differently from 1.4.0 (the
reference all other modules are written against); :data:`DIALECTS` holds the releases
containers/image 5.23 ... 5.41 are built with.

Integers and floats are checked as BurntSushi checks them (underscores, leading zeros, periods)
and read as ``strconv`` reads them (``ParseInt(tok, 0, 64)``, ``ParseFloat``, with their range
errors); dates and times are read as ``time.ParseInLocation`` reads BurntSushi's layouts;
basic strings lose their escapes and, in multi-line strings, their line-ending backslashes.  A
refusal is a :class:`Refused` with Go's message; the parser adds the line and the last key.
Also here: ``unicode.IsLetter`` of Go (for the lexer's words).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Final

import attrs

from regresolve._gotext import go_quote

__all__ = [
    "ARRAY",
    "ARRAY_HASH",
    "BOOL",
    "DATETIME",
    "DIALECTS",
    "DIGIT",
    "FLOAT",
    "HASH",
    "HEX",
    "INTEGER",
    "STRING",
    "Dialect",
    "GoTime",
    "Refused",
    "TableArray",
    "TomlDecodeError",
    "letters_end",
    "strip_escaped_newlines",
    "strip_escaped_newlines_1_2",
    "strip_first_newline",
    "to_float",
    "to_int",
    "to_time",
    "unescape",
]


class TomlDecodeError(Exception):
    """A document BurntSushi/toml refuses.

    Attributes:
        go_text: what Go's ``err.Error()`` prints, e.g. ``toml: line 3 (last key "x"): ...``.
        line: the line of the error (``ParseError.Position.Line``; can be 0).
        last_key: ``ParseError.LastKey`` (``""`` when the text names none).
    """

    def __init__(self, go_text: str, line: int, last_key: str = "") -> None:
        super().__init__(go_text)
        self.go_text = go_text
        self.line = line
        self.last_key = last_key


class TableArray(list):  # type: ignore[type-arg]
    """What Go holds as ``[]map[string]any``: an array of tables from ``[[...]]`` headers (or,
    through the empty-key quirk, from inline tables).  A plain ``list`` is Go's ``[]any``."""

    __slots__ = ()


@attrs.frozen(slots=True)
class GoTime:
    """A TOML date/time as Go's ``time.Time`` holds it.

    ``kind`` is ``"offset-datetime"``, ``"local-datetime"``, ``"local-date"`` or
    ``"local-time"``.  The fields are the wall clock as written (a local time has the date
    0000-01-01, a local date the time 00:00:00).  ``offset`` is the UTC offset in seconds
    (``None`` for the local kinds, which Go places in the machine's zone) and ``utc`` tells
    ``Z`` (Go's UTC location) from a numeric offset.
    """

    kind: str
    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanosecond: int
    offset: int | None = None
    utc: bool = False


@attrs.frozen(slots=True)
class Dialect:
    """What one BurntSushi/toml release does differently from 1.4.0.

    A flag is ``True`` from the release that brought its behaviour: 1.4.0 has those up to
    ``nan_sign`` (``datetime_error`` is its text), 1.5.0 adds three, 1.6.0 four more.
    """

    name: str  #: "1.4": the short name :func:`~regresolve._tomldecode.decode` takes
    version: str  #: "1.4.0": the release whose sources the behaviour was read in
    utf8_bom: bool  #: a leading UTF-8 byte-order mark is skipped (1.3+; 1.2 lexes it)
    ml_strip_first: bool  #: multi-line basic strings: first newline, then line-end
    #: backslashes (1.3+); 1.2 strips line-end backslashes line by line first, dropping
    #: the CR of every CRLF on the way (:func:`strip_escaped_newlines_1_2`)
    replacement_char_ok: bool  #: U+FFFD may be read (1.4+; before, "invalid UTF-8 byte: 0xef")
    nested_inline_keys: bool  #: ``{a.b = 1}`` holds ``a = {b = 1}`` (1.4+; before ``b = 1``)
    hour_full_width: bool  #: ``T7:32:00`` refused (1.4+; ``time.Parse`` reads it before)
    datetime_error: str  #: the text for an invalid date/time, ``{}`` standing for ``%q``
    nan_sign: bool  #: ``-nan`` keeps its sign bit (1.4+)
    eof_line: bool  #: 1.5+: an error on reading the end of the text names the line before
    #: only when the text ends with a newline (1.4: always)
    newline_line: bool  #: 1.5+: a newline where a key's '=' or a value should be is placed
    #: on the line it ends (1.4: the next line)
    hexadecimal: bool  #: 1.5+: ``not a hexadecimal number`` (1.4: ``hexidecimal``)
    inline_newlines: bool  #: 1.6+: newlines, and a trailing comma, inside inline tables
    escapes_e_x: bool  #: 1.6+: the ``\\e`` and ``\\xHH`` escapes of TOML 1.1
    times_hh_mm: bool  #: 1.6+: times without seconds (``07:32``, ``1979-05-27T07:32Z``)
    arrays_once: bool  #: 1.6+: a key that holds (or is given) an array cannot be assigned again


def _dialect(name: str, version: str, era: int) -> Dialect:
    """``era``: 2, 3, 4, 5 or 6 (the minor version); each flag turns on at its release."""
    return Dialect(
        name=name,
        version=version,
        utf8_bom=era >= 3,
        ml_strip_first=era >= 3,
        replacement_char_ok=era >= 4,
        nested_inline_keys=era >= 4,
        hour_full_width=era >= 4,
        datetime_error="invalid datetime: {}" if era >= 4 else "Invalid TOML Datetime: {}.",
        nan_sign=era >= 4,
        eof_line=era >= 5,
        newline_line=era >= 5,
        hexadecimal=era >= 5,
        inline_newlines=era >= 6,
        escapes_e_x=era >= 6,
        times_hh_mm=era >= 6,
        arrays_once=era >= 6,
    )


#: The BurntSushi/toml releases containers/image 5.23 ... 5.41 are built with, by short name
#: (1.2.1, used by 5.24 and 5.25, decodes as 1.2.0: the two differ in comments only).
DIALECTS: Final = {
    d.name: d
    for d in (
        _dialect("1.2", "1.2.0", 2),
        _dialect("1.3", "1.3.2", 3),
        _dialect("1.4", "1.4.0", 4),
        _dialect("1.5", "1.5.0", 5),
        _dialect("1.6", "1.6.0", 6),
    )
}


# The TOML types BurntSushi records per key (its tomlType names).
INTEGER: Final = "Integer"
FLOAT: Final = "Float"
DATETIME: Final = "Datetime"
STRING: Final = "String"
BOOL: Final = "Bool"
ARRAY: Final = "Array"
HASH: Final = "Hash"
ARRAY_HASH: Final = "ArrayHash"

HEX: Final = frozenset("0123456789abcdefABCDEF")
DIGIT: Final = frozenset("0123456789")
_ASCII_LETTERS: Final = re.compile(r"[A-Za-z]*", re.ASCII)

# unicode.IsLetter of Go 1.23 (Unicode 15.0) as inclusive ranges "start end ..." in hex,
# generated from Go's tables (str.isalpha follows the interpreter's Unicode version).
_GO_LETTER_RANGES: Final = (
    "41 5a 61 7a aa aa b5 b5 ba ba c0 d6 d8 f6 f8 2c1 2c6 2d1 2e0 2e4 2ec 2ec 2ee 2ee 370 374 "
    "376 377 37a 37d 37f 37f 386 386 388 38a 38c 38c 38e 3a1 3a3 3f5 3f7 481 48a 52f 531 556 "
    "559 559 560 588 5d0 5ea 5ef 5f2 620 64a 66e 66f 671 6d3 6d5 6d5 6e5 6e6 6ee 6ef 6fa 6fc "
    "6ff 6ff 710 710 712 72f 74d 7a5 7b1 7b1 7ca 7ea 7f4 7f5 7fa 7fa 800 815 81a 81a 824 824 "
    "828 828 840 858 860 86a 870 887 889 88e 8a0 8c9 904 939 93d 93d 950 950 958 961 971 980 "
    "985 98c 98f 990 993 9a8 9aa 9b0 9b2 9b2 9b6 9b9 9bd 9bd 9ce 9ce 9dc 9dd 9df 9e1 9f0 9f1 "
    "9fc 9fc a05 a0a a0f a10 a13 a28 a2a a30 a32 a33 a35 a36 a38 a39 a59 a5c a5e a5e a72 a74 "
    "a85 a8d a8f a91 a93 aa8 aaa ab0 ab2 ab3 ab5 ab9 abd abd ad0 ad0 ae0 ae1 af9 af9 b05 b0c "
    "b0f b10 b13 b28 b2a b30 b32 b33 b35 b39 b3d b3d b5c b5d b5f b61 b71 b71 b83 b83 b85 b8a "
    "b8e b90 b92 b95 b99 b9a b9c b9c b9e b9f ba3 ba4 ba8 baa bae bb9 bd0 bd0 c05 c0c c0e c10 "
    "c12 c28 c2a c39 c3d c3d c58 c5a c5d c5d c60 c61 c80 c80 c85 c8c c8e c90 c92 ca8 caa cb3 "
    "cb5 cb9 cbd cbd cdd cde ce0 ce1 cf1 cf2 d04 d0c d0e d10 d12 d3a d3d d3d d4e d4e d54 d56 "
    "d5f d61 d7a d7f d85 d96 d9a db1 db3 dbb dbd dbd dc0 dc6 e01 e30 e32 e33 e40 e46 e81 e82 "
    "e84 e84 e86 e8a e8c ea3 ea5 ea5 ea7 eb0 eb2 eb3 ebd ebd ec0 ec4 ec6 ec6 edc edf f00 f00 "
    "f40 f47 f49 f6c f88 f8c 1000 102a 103f 103f 1050 1055 105a 105d 1061 1061 1065 1066 "
    "106e 1070 1075 1081 108e 108e 10a0 10c5 10c7 10c7 10cd 10cd 10d0 10fa 10fc 1248 124a 124d "
    "1250 1256 1258 1258 125a 125d 1260 1288 128a 128d 1290 12b0 12b2 12b5 12b8 12be 12c0 12c0 "
    "12c2 12c5 12c8 12d6 12d8 1310 1312 1315 1318 135a 1380 138f 13a0 13f5 13f8 13fd 1401 166c "
    "166f 167f 1681 169a 16a0 16ea 16f1 16f8 1700 1711 171f 1731 1740 1751 1760 176c 176e 1770 "
    "1780 17b3 17d7 17d7 17dc 17dc 1820 1878 1880 1884 1887 18a8 18aa 18aa 18b0 18f5 1900 191e "
    "1950 196d 1970 1974 1980 19ab 19b0 19c9 1a00 1a16 1a20 1a54 1aa7 1aa7 1b05 1b33 1b45 1b4c "
    "1b83 1ba0 1bae 1baf 1bba 1be5 1c00 1c23 1c4d 1c4f 1c5a 1c7d 1c80 1c88 1c90 1cba 1cbd 1cbf "
    "1ce9 1cec 1cee 1cf3 1cf5 1cf6 1cfa 1cfa 1d00 1dbf 1e00 1f15 1f18 1f1d 1f20 1f45 1f48 1f4d "
    "1f50 1f57 1f59 1f59 1f5b 1f5b 1f5d 1f5d 1f5f 1f7d 1f80 1fb4 1fb6 1fbc 1fbe 1fbe 1fc2 1fc4 "
    "1fc6 1fcc 1fd0 1fd3 1fd6 1fdb 1fe0 1fec 1ff2 1ff4 1ff6 1ffc 2071 2071 207f 207f 2090 209c "
    "2102 2102 2107 2107 210a 2113 2115 2115 2119 211d 2124 2124 2126 2126 2128 2128 212a 212d "
    "212f 2139 213c 213f 2145 2149 214e 214e 2183 2184 2c00 2ce4 2ceb 2cee 2cf2 2cf3 2d00 2d25 "
    "2d27 2d27 2d2d 2d2d 2d30 2d67 2d6f 2d6f 2d80 2d96 2da0 2da6 2da8 2dae 2db0 2db6 2db8 2dbe "
    "2dc0 2dc6 2dc8 2dce 2dd0 2dd6 2dd8 2dde 2e2f 2e2f 3005 3006 3031 3035 303b 303c 3041 3096 "
    "309d 309f 30a1 30fa 30fc 30ff 3105 312f 3131 318e 31a0 31bf 31f0 31ff 3400 4dbf 4e00 a48c "
    "a4d0 a4fd a500 a60c a610 a61f a62a a62b a640 a66e a67f a69d a6a0 a6e5 a717 a71f a722 a788 "
    "a78b a7ca a7d0 a7d1 a7d3 a7d3 a7d5 a7d9 a7f2 a801 a803 a805 a807 a80a a80c a822 a840 a873 "
    "a882 a8b3 a8f2 a8f7 a8fb a8fb a8fd a8fe a90a a925 a930 a946 a960 a97c a984 a9b2 a9cf a9cf "
    "a9e0 a9e4 a9e6 a9ef a9fa a9fe aa00 aa28 aa40 aa42 aa44 aa4b aa60 aa76 aa7a aa7a aa7e aaaf "
    "aab1 aab1 aab5 aab6 aab9 aabd aac0 aac0 aac2 aac2 aadb aadd aae0 aaea aaf2 aaf4 ab01 ab06 "
    "ab09 ab0e ab11 ab16 ab20 ab26 ab28 ab2e ab30 ab5a ab5c ab69 ab70 abe2 ac00 d7a3 d7b0 d7c6 "
    "d7cb d7fb f900 fa6d fa70 fad9 fb00 fb06 fb13 fb17 fb1d fb1d fb1f fb28 fb2a fb36 fb38 fb3c "
    "fb3e fb3e fb40 fb41 fb43 fb44 fb46 fbb1 fbd3 fd3d fd50 fd8f fd92 fdc7 fdf0 fdfb fe70 fe74 "
    "fe76 fefc ff21 ff3a ff41 ff5a ff66 ffbe ffc2 ffc7 ffca ffcf ffd2 ffd7 ffda ffdc 10000 1000b "
    "1000d 10026 10028 1003a 1003c 1003d 1003f 1004d 10050 1005d 10080 100fa 10280 1029c "
    "102a0 102d0 10300 1031f 1032d 10340 10342 10349 10350 10375 10380 1039d 103a0 103c3 "
    "103c8 103cf 10400 1049d 104b0 104d3 104d8 104fb 10500 10527 10530 10563 10570 1057a "
    "1057c 1058a 1058c 10592 10594 10595 10597 105a1 105a3 105b1 105b3 105b9 105bb 105bc "
    "10600 10736 10740 10755 10760 10767 10780 10785 10787 107b0 107b2 107ba 10800 10805 "
    "10808 10808 1080a 10835 10837 10838 1083c 1083c 1083f 10855 10860 10876 10880 1089e "
    "108e0 108f2 108f4 108f5 10900 10915 10920 10939 10980 109b7 109be 109bf 10a00 10a00 "
    "10a10 10a13 10a15 10a17 10a19 10a35 10a60 10a7c 10a80 10a9c 10ac0 10ac7 10ac9 10ae4 "
    "10b00 10b35 10b40 10b55 10b60 10b72 10b80 10b91 10c00 10c48 10c80 10cb2 10cc0 10cf2 "
    "10d00 10d23 10e80 10ea9 10eb0 10eb1 10f00 10f1c 10f27 10f27 10f30 10f45 10f70 10f81 "
    "10fb0 10fc4 10fe0 10ff6 11003 11037 11071 11072 11075 11075 11083 110af 110d0 110e8 "
    "11103 11126 11144 11144 11147 11147 11150 11172 11176 11176 11183 111b2 111c1 111c4 "
    "111da 111da 111dc 111dc 11200 11211 11213 1122b 1123f 11240 11280 11286 11288 11288 "
    "1128a 1128d 1128f 1129d 1129f 112a8 112b0 112de 11305 1130c 1130f 11310 11313 11328 "
    "1132a 11330 11332 11333 11335 11339 1133d 1133d 11350 11350 1135d 11361 11400 11434 "
    "11447 1144a 1145f 11461 11480 114af 114c4 114c5 114c7 114c7 11580 115ae 115d8 115db "
    "11600 1162f 11644 11644 11680 116aa 116b8 116b8 11700 1171a 11740 11746 11800 1182b "
    "118a0 118df 118ff 11906 11909 11909 1190c 11913 11915 11916 11918 1192f 1193f 1193f "
    "11941 11941 119a0 119a7 119aa 119d0 119e1 119e1 119e3 119e3 11a00 11a00 11a0b 11a32 "
    "11a3a 11a3a 11a50 11a50 11a5c 11a89 11a9d 11a9d 11ab0 11af8 11c00 11c08 11c0a 11c2e "
    "11c40 11c40 11c72 11c8f 11d00 11d06 11d08 11d09 11d0b 11d30 11d46 11d46 11d60 11d65 "
    "11d67 11d68 11d6a 11d89 11d98 11d98 11ee0 11ef2 11f02 11f02 11f04 11f10 11f12 11f33 "
    "11fb0 11fb0 12000 12399 12480 12543 12f90 12ff0 13000 1342f 13441 13446 14400 14646 "
    "16800 16a38 16a40 16a5e 16a70 16abe 16ad0 16aed 16b00 16b2f 16b40 16b43 16b63 16b77 "
    "16b7d 16b8f 16e40 16e7f 16f00 16f4a 16f50 16f50 16f93 16f9f 16fe0 16fe1 16fe3 16fe3 "
    "17000 187f7 18800 18cd5 18d00 18d08 1aff0 1aff3 1aff5 1affb 1affd 1affe 1b000 1b122 "
    "1b132 1b132 1b150 1b152 1b155 1b155 1b164 1b167 1b170 1b2fb 1bc00 1bc6a 1bc70 1bc7c "
    "1bc80 1bc88 1bc90 1bc99 1d400 1d454 1d456 1d49c 1d49e 1d49f 1d4a2 1d4a2 1d4a5 1d4a6 "
    "1d4a9 1d4ac 1d4ae 1d4b9 1d4bb 1d4bb 1d4bd 1d4c3 1d4c5 1d505 1d507 1d50a 1d50d 1d514 "
    "1d516 1d51c 1d51e 1d539 1d53b 1d53e 1d540 1d544 1d546 1d546 1d54a 1d550 1d552 1d6a5 "
    "1d6a8 1d6c0 1d6c2 1d6da 1d6dc 1d6fa 1d6fc 1d714 1d716 1d734 1d736 1d74e 1d750 1d76e "
    "1d770 1d788 1d78a 1d7a8 1d7aa 1d7c2 1d7c4 1d7cb 1df00 1df1e 1df25 1df2a 1e030 1e06d "
    "1e100 1e12c 1e137 1e13d 1e14e 1e14e 1e290 1e2ad 1e2c0 1e2eb 1e4d0 1e4eb 1e7e0 1e7e6 "
    "1e7e8 1e7eb 1e7ed 1e7ee 1e7f0 1e7fe 1e800 1e8c4 1e900 1e943 1e94b 1e94b 1ee00 1ee03 "
    "1ee05 1ee1f 1ee21 1ee22 1ee24 1ee24 1ee27 1ee27 1ee29 1ee32 1ee34 1ee37 1ee39 1ee39 "
    "1ee3b 1ee3b 1ee42 1ee42 1ee47 1ee47 1ee49 1ee49 1ee4b 1ee4b 1ee4d 1ee4f 1ee51 1ee52 "
    "1ee54 1ee54 1ee57 1ee57 1ee59 1ee59 1ee5b 1ee5b 1ee5d 1ee5d 1ee5f 1ee5f 1ee61 1ee62 "
    "1ee64 1ee64 1ee67 1ee6a 1ee6c 1ee72 1ee74 1ee77 1ee79 1ee7c 1ee7e 1ee7e 1ee80 1ee89 "
    "1ee8b 1ee9b 1eea1 1eea3 1eea5 1eea9 1eeab 1eebb 20000 2a6df 2a700 2b739 2b740 2b81d "
    "2b820 2cea1 2ceb0 2ebe0 2f800 2fa1d 30000 3134a 31350 323af "
)


@functools.cache
def _go_letters() -> re.Pattern[str]:
    """``[letter]*`` with Go's letters (compiled on first use: only non-ASCII text needs it)."""
    b = [int(x, 16) for x in _GO_LETTER_RANGES.split()]
    ranges = "".join(f"\\U{b[i]:08x}-\\U{b[i + 1]:08x}" for i in range(0, len(b), 2))
    return re.compile(f"[{ranges}]*")


def letters_end(text: str, pos: int) -> int:
    """Where the run of (Go) letters starting at ``pos`` ends."""
    end = _ASCII_LETTERS.match(text, pos).end()  # type: ignore[union-attr]
    if end < len(text) and not text[end].isascii():
        end = _go_letters().match(text, pos).end()  # type: ignore[union-attr]
    return end


# -- values -----------------------------------------------------------------------------


class Refused(Exception):
    """A value the parser refuses; the caller adds the line and the last key."""


def _underscores_ok(s: str) -> bool:
    """BurntSushi's rule: every underscore follows a hex digit, and so does the end."""
    if s in ("nan", "+nan", "-nan", "inf", "-inf", "+inf"):
        return True
    after_hex = False
    for ch in s:
        if ch == "_" and not after_hex:
            return False
        after_hex = ch in HEX
    return after_hex


def _leading_zero(s: str) -> bool:
    if len(s) > 1 and s[0] == "0" and s[1] not in "box":
        return True
    return len(s) > 2 and s[0] in "+-" and s[1] == "0"


def to_int(tok: str) -> int:
    """An integer token as BurntSushi checks it and ``strconv.ParseInt(tok, 0, 64)`` reads it."""
    if tok.isdigit() and len(tok) < 19 and (tok[0] != "0" or len(tok) == 1):
        return int(tok)  # plain decimal digits, no leading zero: always in range
    if not _underscores_ok(tok):
        raise Refused(f"Invalid integer {go_quote(tok)}: underscores must be surrounded by digits")
    if _leading_zero(tok):
        raise Refused(f"Invalid integer {go_quote(tok)}: cannot have leading zeroes")
    body = tok.replace("_", "")
    negative = body[0] == "-"
    if body[0] in "+-":
        body = body[1:]
    base = 10
    if len(body) > 2 and body[0] == "0" and body[1] in "box":
        base = {"b": 2, "o": 8, "x": 16}[body[1]]
        body = body[2:]
    body = body.lstrip("0") or "0"
    value = int(body, base) if len(body) <= 64 else 1 << 64  # longer: out of range anyway
    if negative:
        value = -value
    if not -(1 << 63) <= value < 1 << 63:
        raise Refused(f"{tok} is out of range for int64")
    return value


# What strconv.ParseFloat reads of the characters a float token can hold.
_GO_DECIMAL_FLOAT: Final = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII
)
_FLOAT_SEPARATORS: Final = re.compile(r"[.eE]", re.ASCII)


def _periods_ok(s: str) -> bool:
    return not any(s[i + 1 : i + 2] not in DIGIT for i, c in enumerate(s) if c == ".")


def to_float(tok: str, nan_sign: bool = True) -> float:
    """A float token as BurntSushi checks it and ``strconv.ParseFloat`` reads it
    (``nan_sign``: ``-nan`` has its sign bit set, :attr:`Dialect.nan_sign`)."""
    parts = [p for p in _FLOAT_SEPARATORS.split(tok) if p]
    if not all(_underscores_ok(p) for p in parts):
        raise Refused(f"Invalid float {go_quote(tok)}: underscores must be surrounded by digits")
    if parts and _leading_zero(parts[0]):
        raise Refused(f"Invalid float {go_quote(tok)}: cannot have leading zeroes")
    if not _periods_ok(tok):
        raise Refused(f"Invalid float {go_quote(tok)}: '.' must be followed by one or more digits")
    body = tok.replace("_", "")
    if body in ("inf", "+inf"):
        return math.inf
    if body == "-inf":
        return -math.inf
    if body in ("nan", "+nan"):
        return math.nan
    if body == "-nan":
        return math.copysign(math.nan, -1.0) if nan_sign else math.nan
    if _GO_DECIMAL_FLOAT.fullmatch(body) is None:
        raise Refused(f"Invalid float value: {go_quote(tok)}")
    value = float(body)
    if math.isinf(value):
        raise Refused(f"{tok} is out of range for float64")
    return value


_DATE_PART: Final = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_ZONE: Final = r"(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))"


def _time_layouts(hour: str) -> tuple[re.Pattern[str], ...]:
    """BurntSushi's layouts in its order: offset date-time, local date-time, local date, local
    time, then (TOML 1.1) the three without seconds; ``hour``: the width ``time.Parse`` reads."""
    clock = f"([0-9]{{{hour}}}):([0-9]{{2}})"
    seconds = clock + r":([0-9]{2})(?:\.([0-9]+))?"
    return tuple(
        re.compile(layout, re.ASCII)
        for layout in (
            _DATE_PART + "T" + seconds + _ZONE,
            _DATE_PART + "T" + seconds,
            _DATE_PART,
            seconds,
            _DATE_PART + "T" + clock + _ZONE,
            _DATE_PART + "T" + clock,
            clock,
        )
    )


_LAYOUTS: Final = _time_layouts("2")
_LAYOUTS_SHORT_HOUR: Final = _time_layouts("1,2")  # toml < 1.4 keeps what time.Parse reads
_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_ok(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return day <= 29
    return day <= _DAYS[month - 1]


def _nanos(frac: str | None) -> int:
    return int(frac[:9].ljust(9, "0")) if frac else 0


def _zoned(m: re.Match[str], first: int, kind_fields: tuple[int, ...]) -> GoTime | None:
    """An offset date-time from its match; ``first``: the group of the zone's ``Z``."""
    y, mo, d, h, mi, s, nanos = kind_fields
    if m.group(first) is not None:
        return GoTime("offset-datetime", y, mo, d, h, mi, s, nanos, 0, True)
    oh, om = int(m.group(first + 2)), int(m.group(first + 3))
    if oh > 24 or om > 60:
        return None
    offset = (oh * 60 + om) * 60 * (-1 if m.group(first + 1) == "-" else 1)
    return GoTime("offset-datetime", y, mo, d, h, mi, s, nanos, offset)


def to_time(tok: str, dialect: Dialect | None = None) -> GoTime:
    """Go's ``time.ParseInLocation`` with BurntSushi's layouts, in its order.

    ``time.Parse`` reads a one-digit hour; BurntSushi 1.4+ refuses what it reads that way, so
    there every field has its full width (and ``dialect.hour_full_width`` says which).  The
    ranges are Go's: a zone offset may reach 24 hours and 60 minutes, a second 59.  Times
    without seconds are layouts of TOML 1.1 (``dialect.times_hh_mm``).
    """
    text = tok.replace("z", "Z").replace("t", "T").replace(" ", "T")
    short = dialect is not None and not dialect.hour_full_width
    layouts = _LAYOUTS_SHORT_HOUR if short else _LAYOUTS
    count = 7 if dialect is not None and dialect.times_hh_mm else 4
    for i in range(count):
        m = layouts[i].fullmatch(text)
        if m is None:
            continue
        found = _layout_time(i, m)
        if found is not None:
            return found
    message = "invalid datetime: {}" if dialect is None else dialect.datetime_error
    raise Refused(message.format(go_quote(text)))


def _layout_time(i: int, m: re.Match[str]) -> GoTime | None:
    """The time layout ``i`` matched, or ``None`` when a field is out of Go's range."""
    g = m.groups()
    if i in (2,):  # a local date
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
        return GoTime("local-date", y, mo, d, 0, 0, 0, 0) if _date_ok(y, mo, d) else None
    if i in (3, 6):  # a local time
        h, mi = int(g[0]), int(g[1])
        s = int(g[2]) if i == 3 else 0
        if h < 24 and mi < 60 and s < 60:
            return GoTime("local-time", 0, 1, 1, h, mi, s, _nanos(g[3]) if i == 3 else 0)
        return None
    y, mo, d, h, mi = (int(x) for x in g[:5])
    with_seconds = i in (0, 1)
    s = int(g[5]) if with_seconds else 0
    nanos = _nanos(g[6]) if with_seconds else 0
    if not (_date_ok(y, mo, d) and h < 24 and mi < 60 and s < 60):
        return None
    if i in (1, 5):
        return GoTime("local-datetime", y, mo, d, h, mi, s, nanos)
    return _zoned(m, 8 if with_seconds else 6, (y, mo, d, h, mi, s, nanos))


_SIMPLE_ESCAPES: Final = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",  # TOML 1.1 (the lexer lets it through from toml 1.6 on)
    '"': '"',
    "\\": "\\",
}


def unescape(raw: str) -> str:
    """Replace the escapes of a basic string (their syntax was checked by the lexer)."""
    if "\\" not in raw:
        return raw
    out = []
    i = 0
    while True:
        j = raw.find("\\", i)
        if j < 0:
            out.append(raw[i:])
            return "".join(out)
        out.append(raw[i:j])
        e = raw[j + 1]
        simple = _SIMPLE_ESCAPES.get(e)
        if simple is not None:
            out.append(simple)
            i = j + 2
            continue
        if e in " \t":
            raise Refused(f"invalid escape: '\\{e}'")
        width = 4 if e == "u" else 2 if e == "x" else 8  # x: TOML 1.1
        digits = raw[j + 2 : j + 2 + width]
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"Escaped character '\\u{digits}' is not valid UTF-8.")
        out.append(chr(code))
        i = j + 2 + width


_BLANKS: Final = re.compile(r"[ \t\r\n]*", re.ASCII)


def strip_escaped_newlines(s: str) -> str:
    """Drop each backslash that ends a line, with the whitespace and newlines after it."""
    if "\\" not in s:
        return s
    out = []
    start = i = 0
    while True:
        i = s.find("\\", i)
        if i < 0:
            out.append(s[start:])
            return "".join(out)
        if s.startswith("\\", i + 1):
            i += 2
            continue
        j = _BLANKS.match(s, i + 1).end()  # type: ignore[union-attr]
        if j == i + 1 or "\n" not in s[i:j]:
            i += 1
            continue
        out.append(s[start:i])
        start = i = j


def strip_escaped_newlines_1_2(s: str) -> str:
    """BurntSushi 1.2's line-end backslashes in a multi-line basic string (before the first
    newline is stripped).

    Line by line: a line that ends (blanks and CRs aside) with an odd run of backslashes
    loses that backslash, its trailing blanks and the next line's leading blanks, and is
    joined to the next line; any other line loses its trailing CRs and keeps its newline,
    but only while no line so far was joined (the flag is cleared by a line ending with an
    even run, which keeps its CRs).  An odd run on the last line is refused
    (:class:`Refused`; the parser places it on the key's line).
    """
    split = s.split("\n")
    last = len(split) - 1
    joined = False
    for i in range(len(split)):
        line = split[i].rstrip(" \t\r")
        if not line.endswith("\\"):
            split[i] = split[i].rstrip("\r")
            if not joined and i != last:
                split[i] += "\n"
            continue
        run = len(line) - len(line.rstrip("\\"))
        if joined:
            line = line.lstrip(" \t\r")
        joined = run % 2 == 1
        if not joined:
            split[i] += "\n"
            continue
        if i == last:
            raise Refused("invalid escape: '\\ '")
        split[i] = line[:-1]
        split[i + 1] = split[i + 1].lstrip(" \t\r")
    return "".join(split)


def strip_first_newline(s: str) -> str:
    if s.startswith("\n"):
        return s[1:]
    if s.startswith("\r\n"):
        return s[2:]
    return s
