"""Go's text conventions, in one place: how Go prints, quotes, folds and lower-cases text.

Every error message regresolve reproduces passes through one of these, so they must give
Go's answer for every code point, whatever Unicode version the Python interpreter carries:

* `go_quote`: ``strconv.Quote`` / ``%q``, with Go 1.23's ``IsPrint`` table (Unicode
  15.0) carried here as data, never Python's ``str.isprintable``;
* `is_go_printable`: ``strconv.IsPrint`` of every character, from the same table;
* `go_lower` / `is_go_lowercase`: ``strings.ToLower`` (simple case mapping), with Go 1.23's
  ``unicode.ToLower`` table carried here as data too;
* `fold`: the part of ``strings.EqualFold`` that decides whether a TOML key names an
  (ASCII) struct field, as BurntSushi/toml matches keys to fields;
* `go_key`: BurntSushi's ``toml.Key.String()``, the dotted key in its messages;
* `toml_quote`: how BurntSushi's encoder writes a basic string.

``tests/test_gotext.py`` compares `go_quote` with the oracle on every code point.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Mapping
from typing import Final

__all__ = [
    "BARE_KEY",
    "fold",
    "go_key",
    "go_lower",
    "go_quote",
    "is_go_lowercase",
    "is_go_printable",
    "toml_quote",
]


# -- strings.ToLower --------------------------------------------------------------------

# Go's strings.ToLower maps rune by rune with unicode.ToLower: the simple, context-free case
# mapping of Go 1.23's tables (Unicode 15.0).  Python's str.lower differs in three ways: it
# uses the full mapping (U+0130 becomes "i" + U+0307; Go gives "i"), it has a final-sigma
# rule (U+03A3 at the end of a word becomes U+03C2; Go always gives U+03C3), and its tables
# follow the interpreter (Unicode 13.0 in Python 3.9 and 3.10 lacks 40 of Go's mappings, e.g.
# U+2C2F and U+10570..U+10595).  So the mapping is carried here as data: Go's CaseRanges
# with a lower-case delta, "lo hi delta" in hex/decimal, where "ul" marks an alternating
# upper/lower sequence (even offsets are upper case, each maps to the next code point).
# Generated from Go 1.23's unicode/tables.go; tests/test_gotext.py rebuilds the mapping from
# that file, when the Go toolchain is installed, and compares every code point.
_GO_LOWER_RANGES: Final = (
    "41 5a 32 c0 d6 32 d8 de 32 100 12f ul 130 130 -199 132 137 ul 139 148 ul 14a 177 ul "
    "178 178 -121 179 17e ul 181 181 210 182 185 ul 186 186 206 187 188 ul 189 18a 205 "
    "18b 18c ul 18e 18e 79 18f 18f 202 190 190 203 191 192 ul 193 193 205 194 194 207 "
    "196 196 211 197 197 209 198 199 ul 19c 19c 211 19d 19d 213 19f 19f 214 1a0 1a5 ul "
    "1a6 1a6 218 1a7 1a8 ul 1a9 1a9 218 1ac 1ad ul 1ae 1ae 218 1af 1b0 ul 1b1 1b2 217 "
    "1b3 1b6 ul 1b7 1b7 219 1b8 1b9 ul 1bc 1bd ul 1c4 1c4 2 1c5 1c5 1 1c7 1c7 2 1c8 1c8 1 "
    "1ca 1ca 2 1cb 1cb 1 1cd 1dc ul 1de 1ef ul 1f1 1f1 2 1f2 1f2 1 1f4 1f5 ul 1f6 1f6 -97 "
    "1f7 1f7 -56 1f8 21f ul 220 220 -130 222 233 ul 23a 23a 10795 23b 23c ul 23d 23d -163 "
    "23e 23e 10792 241 242 ul 243 243 -195 244 244 69 245 245 71 246 24f ul 370 373 ul "
    "376 377 ul 37f 37f 116 386 386 38 388 38a 37 38c 38c 64 38e 38f 63 391 3a1 32 3a3 3ab 32 "
    "3cf 3cf 8 3d8 3ef ul 3f4 3f4 -60 3f7 3f8 ul 3f9 3f9 -7 3fa 3fb ul 3fd 3ff -130 400 40f 80 "
    "410 42f 32 460 481 ul 48a 4bf ul 4c0 4c0 15 4c1 4ce ul 4d0 52f ul 531 556 48 "
    "10a0 10c5 7264 10c7 10c7 7264 10cd 10cd 7264 13a0 13ef 38864 13f0 13f5 8 1c90 1cba -3008 "
    "1cbd 1cbf -3008 1e00 1e95 ul 1e9e 1e9e -7615 1ea0 1eff ul 1f08 1f0f -8 1f18 1f1d -8 "
    "1f28 1f2f -8 1f38 1f3f -8 1f48 1f4d -8 1f59 1f59 -8 1f5b 1f5b -8 1f5d 1f5d -8 "
    "1f5f 1f5f -8 1f68 1f6f -8 1f88 1f8f -8 1f98 1f9f -8 1fa8 1faf -8 1fb8 1fb9 -8 "
    "1fba 1fbb -74 1fbc 1fbc -9 1fc8 1fcb -86 1fcc 1fcc -9 1fd8 1fd9 -8 1fda 1fdb -100 "
    "1fe8 1fe9 -8 1fea 1feb -112 1fec 1fec -7 1ff8 1ff9 -128 1ffa 1ffb -126 1ffc 1ffc -9 "
    "2126 2126 -7517 212a 212a -8383 212b 212b -8262 2132 2132 28 2160 216f 16 2183 2184 ul "
    "24b6 24cf 26 2c00 2c2f 48 2c60 2c61 ul 2c62 2c62 -10743 2c63 2c63 -3814 2c64 2c64 -10727 "
    "2c67 2c6c ul 2c6d 2c6d -10780 2c6e 2c6e -10749 2c6f 2c6f -10783 2c70 2c70 -10782 "
    "2c72 2c73 ul 2c75 2c76 ul 2c7e 2c7f -10815 2c80 2ce3 ul 2ceb 2cee ul 2cf2 2cf3 ul "
    "a640 a66d ul a680 a69b ul a722 a72f ul a732 a76f ul a779 a77c ul a77d a77d -35332 "
    "a77e a787 ul a78b a78c ul a78d a78d -42280 a790 a793 ul a796 a7a9 ul a7aa a7aa -42308 "
    "a7ab a7ab -42319 a7ac a7ac -42315 a7ad a7ad -42305 a7ae a7ae -42308 a7b0 a7b0 -42258 "
    "a7b1 a7b1 -42282 a7b2 a7b2 -42261 a7b3 a7b3 928 a7b4 a7c3 ul a7c4 a7c4 -48 "
    "a7c5 a7c5 -42307 a7c6 a7c6 -35384 a7c7 a7ca ul a7d0 a7d1 ul a7d6 a7d9 ul a7f5 a7f6 ul "
    "ff21 ff3a 32 10400 10427 40 104b0 104d3 40 10570 1057a 39 1057c 1058a 39 1058c 10592 39 "
    "10594 10595 39 10c80 10cb2 64 118a0 118bf 32 16e40 16e5f 32 1e900 1e921 34 "
)


@functools.cache
def _lower_table() -> Mapping[int, int]:
    """Code point -> Go ``unicode.ToLower`` for every code point that lower-casing changes.

    Built on first use (1,433 entries, for ``str.translate``); the result is read-only.
    """
    fields = _GO_LOWER_RANGES.split()
    table: dict[int, int] = {}
    for i in range(0, len(fields), 3):
        lo, hi, delta = int(fields[i], 16), int(fields[i + 1], 16), fields[i + 2]
        for r in range(lo, hi + 1):
            to = lo + ((r - lo) | 1) if delta == "ul" else r + int(delta)
            if to != r:
                table[r] = to
    return types.MappingProxyType(table)


@functools.cache
def _lowerable() -> frozenset[str]:
    """The characters `go_lower` changes."""
    return frozenset(map(chr, _lower_table()))


def go_lower(s: str) -> str:
    """Go ``strings.ToLower(s)`` (simple, context-free Unicode lowercasing, Go 1.23 tables)."""
    if s.isascii():
        return s.lower()
    # The distinct characters to change, found at C speed; then a few replacements, or one
    # translate (whose lookups of characters without a mapping are the slow part).
    found = _lowerable().intersection(s)
    if not found:
        return s
    if len(found) <= 8:
        table = _lower_table()
        for c in found:
            s = s.replace(c, chr(table[ord(c)]))
        return s
    return s.translate(_lower_table())


def is_go_lowercase(s: str) -> bool:
    """Whether Go ``strings.ToLower(s) == s``."""
    return (s.lower() if s.isascii() else go_lower(s)) == s


_QUOTE_ESCAPES: Final = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}


# strconv.IsPrint of Go 1.23 (Unicode 15.0): the printable code points as inclusive ranges,
# "start end start end ..." in hex.  Generated from Go's strconv tables rather than from
# Python's unicodedata, whose Unicode version depends on the Python version.
_GO_PRINTABLE_RANGES: Final = (
    "20 7e a1 ac ae 377 37a 37f 384 38a 38c 38c 38e 3a1 3a3 52f 531 556 559 58a 58d 58f 591 5c7 "
    "5d0 5ea 5ef 5f4 606 61b 61d 6dc 6de 70d 710 74a 74d 7b1 7c0 7fa 7fd 82d 830 83e 840 85b 85e "
    "85e 860 86a 870 88e 898 8e1 8e3 983 985 98c 98f 990 993 9a8 9aa 9b0 9b2 9b2 9b6 9b9 9bc 9c4 "
    "9c7 9c8 9cb 9ce 9d7 9d7 9dc 9dd 9df 9e3 9e6 9fe a01 a03 a05 a0a a0f a10 a13 a28 a2a a30 a32 "
    "a33 a35 a36 a38 a39 a3c a3c a3e a42 a47 a48 a4b a4d a51 a51 a59 a5c a5e a5e a66 a76 a81 a83 "
    "a85 a8d a8f a91 a93 aa8 aaa ab0 ab2 ab3 ab5 ab9 abc ac5 ac7 ac9 acb acd ad0 ad0 ae0 ae3 ae6 "
    "af1 af9 aff b01 b03 b05 b0c b0f b10 b13 b28 b2a b30 b32 b33 b35 b39 b3c b44 b47 b48 b4b b4d "
    "b55 b57 b5c b5d b5f b63 b66 b77 b82 b83 b85 b8a b8e b90 b92 b95 b99 b9a b9c b9c b9e b9f ba3 "
    "ba4 ba8 baa bae bb9 bbe bc2 bc6 bc8 bca bcd bd0 bd0 bd7 bd7 be6 bfa c00 c0c c0e c10 c12 c28 "
    "c2a c39 c3c c44 c46 c48 c4a c4d c55 c56 c58 c5a c5d c5d c60 c63 c66 c6f c77 c8c c8e c90 c92 "
    "ca8 caa cb3 cb5 cb9 cbc cc4 cc6 cc8 cca ccd cd5 cd6 cdd cde ce0 ce3 ce6 cef cf1 cf3 d00 d0c "
    "d0e d10 d12 d44 d46 d48 d4a d4f d54 d63 d66 d7f d81 d83 d85 d96 d9a db1 db3 dbb dbd dbd dc0 "
    "dc6 dca dca dcf dd4 dd6 dd6 dd8 ddf de6 def df2 df4 e01 e3a e3f e5b e81 e82 e84 e84 e86 e8a "
    "e8c ea3 ea5 ea5 ea7 ebd ec0 ec4 ec6 ec6 ec8 ece ed0 ed9 edc edf f00 f47 f49 f6c f71 f97 f99 "
    "fbc fbe fcc fce fda 1000 10c5 10c7 10c7 10cd 10cd 10d0 1248 124a 124d 1250 1256 1258 1258 "
    "125a 125d 1260 1288 128a 128d 1290 12b0 12b2 12b5 12b8 12be 12c0 12c0 12c2 12c5 12c8 12d6 "
    "12d8 1310 1312 1315 1318 135a 135d 137c 1380 1399 13a0 13f5 13f8 13fd 1400 167f 1681 169c "
    "16a0 16f8 1700 1715 171f 1736 1740 1753 1760 176c 176e 1770 1772 1773 1780 17dd 17e0 17e9 "
    "17f0 17f9 1800 180d 180f 1819 1820 1878 1880 18aa 18b0 18f5 1900 191e 1920 192b 1930 193b "
    "1940 1940 1944 196d 1970 1974 1980 19ab 19b0 19c9 19d0 19da 19de 1a1b 1a1e 1a5e 1a60 1a7c "
    "1a7f 1a89 1a90 1a99 1aa0 1aad 1ab0 1ace 1b00 1b4c 1b50 1b7e 1b80 1bf3 1bfc 1c37 1c3b 1c49 "
    "1c4d 1c88 1c90 1cba 1cbd 1cc7 1cd0 1cfa 1d00 1f15 1f18 1f1d 1f20 1f45 1f48 1f4d 1f50 1f57 "
    "1f59 1f59 1f5b 1f5b 1f5d 1f5d 1f5f 1f7d 1f80 1fb4 1fb6 1fc4 1fc6 1fd3 1fd6 1fdb 1fdd 1fef "
    "1ff2 1ff4 1ff6 1ffe 2010 2027 2030 205e 2070 2071 2074 208e 2090 209c 20a0 20c0 20d0 20f0 "
    "2100 218b 2190 2426 2440 244a 2460 2b73 2b76 2b95 2b97 2cf3 2cf9 2d25 2d27 2d27 2d2d 2d2d "
    "2d30 2d67 2d6f 2d70 2d7f 2d96 2da0 2da6 2da8 2dae 2db0 2db6 2db8 2dbe 2dc0 2dc6 2dc8 2dce "
    "2dd0 2dd6 2dd8 2dde 2de0 2e5d 2e80 2e99 2e9b 2ef3 2f00 2fd5 2ff0 2ffb 3001 303f 3041 3096 "
    "3099 30ff 3105 312f 3131 318e 3190 31e3 31f0 321e 3220 a48c a490 a4c6 a4d0 a62b a640 a6f7 "
    "a700 a7ca a7d0 a7d1 a7d3 a7d3 a7d5 a7d9 a7f2 a82c a830 a839 a840 a877 a880 a8c5 a8ce a8d9 "
    "a8e0 a953 a95f a97c a980 a9cd a9cf a9d9 a9de a9fe aa00 aa36 aa40 aa4d aa50 aa59 aa5c aac2 "
    "aadb aaf6 ab01 ab06 ab09 ab0e ab11 ab16 ab20 ab26 ab28 ab2e ab30 ab6b ab70 abed abf0 abf9 "
    "ac00 d7a3 d7b0 d7c6 d7cb d7fb f900 fa6d fa70 fad9 fb00 fb06 fb13 fb17 fb1d fb36 fb38 fb3c "
    "fb3e fb3e fb40 fb41 fb43 fb44 fb46 fbc2 fbd3 fd8f fd92 fdc7 fdcf fdcf fdf0 fe19 fe20 fe52 "
    "fe54 fe66 fe68 fe6b fe70 fe74 fe76 fefc ff01 ffbe ffc2 ffc7 ffca ffcf ffd2 ffd7 ffda ffdc "
    "ffe0 ffe6 ffe8 ffee fffc fffd 10000 1000b 1000d 10026 10028 1003a 1003c 1003d 1003f 1004d "
    "10050 1005d "
    "10080 100fa 10100 10102 10107 10133 10137 1018e 10190 1019c 101a0 101a0 101d0 101fd 10280 "
    "1029c 102a0 102d0 102e0 102fb 10300 10323 1032d 1034a 10350 1037a 10380 1039d 1039f 103c3 "
    "103c8 103d5 10400 1049d 104a0 104a9 104b0 104d3 104d8 104fb 10500 10527 10530 10563 1056f "
    "1057a 1057c 1058a 1058c 10592 10594 10595 10597 105a1 105a3 105b1 105b3 105b9 105bb 105bc "
    "10600 10736 10740 10755 10760 10767 10780 10785 10787 107b0 107b2 107ba 10800 10805 10808 "
    "10808 1080a 10835 10837 10838 1083c 1083c 1083f 10855 10857 1089e 108a7 108af 108e0 108f2 "
    "108f4 108f5 108fb 1091b 1091f 10939 1093f 1093f 10980 109b7 109bc 109cf 109d2 10a03 10a05 "
    "10a06 10a0c 10a13 10a15 10a17 10a19 10a35 10a38 10a3a 10a3f 10a48 10a50 10a58 10a60 10a9f "
    "10ac0 10ae6 10aeb 10af6 10b00 10b35 10b39 10b55 10b58 10b72 10b78 10b91 10b99 10b9c 10ba9 "
    "10baf 10c00 10c48 10c80 10cb2 10cc0 10cf2 10cfa 10d27 10d30 10d39 10e60 10e7e 10e80 10ea9 "
    "10eab 10ead 10eb0 10eb1 10efd 10f27 10f30 10f59 10f70 10f89 10fb0 10fcb 10fe0 10ff6 11000 "
    "1104d 11052 11075 1107f 110bc 110be 110c2 110d0 110e8 110f0 110f9 11100 11134 11136 11147 "
    "11150 11176 11180 111df 111e1 111f4 11200 11211 11213 11241 11280 11286 11288 11288 1128a "
    "1128d 1128f 1129d 1129f 112a9 112b0 112ea 112f0 112f9 11300 11303 11305 1130c 1130f 11310 "
    "11313 11328 1132a 11330 11332 11333 11335 11339 1133b 11344 11347 11348 1134b 1134d 11350 "
    "11350 11357 11357 1135d 11363 11366 1136c 11370 11374 11400 1145b 1145d 11461 11480 114c7 "
    "114d0 114d9 11580 115b5 115b8 115dd 11600 11644 11650 11659 11660 1166c 11680 116b9 116c0 "
    "116c9 11700 1171a 1171d 1172b 11730 11746 11800 1183b 118a0 118f2 118ff 11906 11909 11909 "
    "1190c 11913 11915 11916 11918 11935 11937 11938 1193b 11946 11950 11959 119a0 119a7 119aa "
    "119d7 119da 119e4 11a00 11a47 11a50 11aa2 11ab0 11af8 11b00 11b09 11c00 11c08 11c0a 11c36 "
    "11c38 11c45 11c50 11c6c 11c70 11c8f 11c92 11ca7 11ca9 11cb6 11d00 11d06 11d08 11d09 11d0b "
    "11d36 11d3a 11d3a 11d3c 11d3d 11d3f 11d47 11d50 11d59 11d60 11d65 11d67 11d68 11d6a 11d8e "
    "11d90 11d91 11d93 11d98 11da0 11da9 11ee0 11ef8 11f00 11f10 11f12 11f3a 11f3e 11f59 11fb0 "
    "11fb0 11fc0 11ff1 11fff 12399 12400 1246e 12470 12474 12480 12543 12f90 12ff2 13000 1342f "
    "13440 13455 14400 14646 16800 16a38 16a40 16a5e 16a60 16a69 16a6e 16abe 16ac0 16ac9 16ad0 "
    "16aed 16af0 16af5 16b00 16b45 16b50 16b59 16b5b 16b61 16b63 16b77 16b7d 16b8f 16e40 16e9a "
    "16f00 16f4a 16f4f 16f87 16f8f 16f9f 16fe0 16fe4 16ff0 16ff1 17000 187f7 18800 18cd5 18d00 "
    "18d08 1aff0 1aff3 1aff5 1affb 1affd 1affe 1b000 1b122 1b132 1b132 1b150 1b152 1b155 1b155 "
    "1b164 1b167 1b170 1b2fb 1bc00 1bc6a 1bc70 1bc7c 1bc80 1bc88 1bc90 1bc99 1bc9c 1bc9f 1cf00 "
    "1cf2d 1cf30 1cf46 1cf50 1cfc3 1d000 1d0f5 1d100 1d126 1d129 1d172 1d17b 1d1ea 1d200 1d245 "
    "1d2c0 1d2d3 1d2e0 1d2f3 1d300 1d356 1d360 1d378 1d400 1d454 1d456 1d49c 1d49e 1d49f 1d4a2 "
    "1d4a2 1d4a5 1d4a6 1d4a9 1d4ac 1d4ae 1d4b9 1d4bb 1d4bb 1d4bd 1d4c3 1d4c5 1d505 1d507 1d50a "
    "1d50d 1d514 1d516 1d51c 1d51e 1d539 1d53b 1d53e 1d540 1d544 1d546 1d546 1d54a 1d550 1d552 "
    "1d6a5 1d6a8 1d7cb 1d7ce 1da8b 1da9b 1da9f 1daa1 1daaf 1df00 1df1e 1df25 1df2a 1e000 1e006 "
    "1e008 1e018 1e01b 1e021 1e023 1e024 1e026 1e02a 1e030 1e06d 1e08f 1e08f 1e100 1e12c 1e130 "
    "1e13d 1e140 1e149 1e14e 1e14f 1e290 1e2ae 1e2c0 1e2f9 1e2ff 1e2ff 1e4d0 1e4f9 1e7e0 1e7e6 "
    "1e7e8 1e7eb 1e7ed 1e7ee 1e7f0 1e7fe 1e800 1e8c4 1e8c7 1e8d6 1e900 1e94b 1e950 1e959 1e95e "
    "1e95f 1ec71 1ecb4 1ed01 1ed3d 1ee00 1ee03 1ee05 1ee1f 1ee21 1ee22 1ee24 1ee24 1ee27 1ee27 "
    "1ee29 1ee32 1ee34 1ee37 1ee39 1ee39 1ee3b 1ee3b 1ee42 1ee42 1ee47 1ee47 1ee49 1ee49 1ee4b "
    "1ee4b 1ee4d 1ee4f 1ee51 1ee52 1ee54 1ee54 1ee57 1ee57 1ee59 1ee59 1ee5b 1ee5b 1ee5d 1ee5d "
    "1ee5f 1ee5f 1ee61 1ee62 1ee64 1ee64 1ee67 1ee6a 1ee6c 1ee72 1ee74 1ee77 1ee79 1ee7c 1ee7e "
    "1ee7e 1ee80 1ee89 1ee8b 1ee9b 1eea1 1eea3 1eea5 1eea9 1eeab 1eebb 1eef0 1eef1 1f000 1f02b "
    "1f030 1f093 1f0a0 1f0ae 1f0b1 1f0bf 1f0c1 1f0cf 1f0d1 1f0f5 1f100 1f1ad 1f1e6 1f202 1f210 "
    "1f23b 1f240 1f248 1f250 1f251 1f260 1f265 1f300 1f6d7 1f6dc 1f6ec 1f6f0 1f6fc 1f700 1f776 "
    "1f77b 1f7d9 1f7e0 1f7eb 1f7f0 1f7f0 1f800 1f80b 1f810 1f847 1f850 1f859 1f860 1f887 1f890 "
    "1f8ad 1f8b0 1f8b1 1f900 1fa53 1fa60 1fa6d 1fa70 1fa7c 1fa80 1fa88 1fa90 1fabd 1fabf 1fac5 "
    "1face 1fadb 1fae0 1fae8 1faf0 1faf8 1fb00 1fb92 1fb94 1fbca 1fbf0 1fbf9 20000 2a6df 2a700 "
    "2b739 2b740 2b81d 2b820 2cea1 2ceb0 2ebe0 2f800 2fa1d 30000 3134a 31350 323af e0100 e01ef "
)


def _printable_class() -> str:
    """The body of a character class of the printable ranges."""
    bounds = [int(x, 16) for x in _GO_PRINTABLE_RANGES.split()]
    return "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in zip(bounds[0::2], bounds[1::2]))


@functools.cache
def _needs_quoting() -> re.Pattern[str]:
    """Characters %q escapes: the non-printable ones, and the quote and backslash.

    Built on first use (compiling the 710-range class takes a few milliseconds, which
    ``import regresolve`` should not pay); the result is a constant.
    """
    return re.compile(f'[^{_printable_class()}]|["\\\\]')


@functools.cache
def _unprintable() -> re.Pattern[str]:
    """Characters Go's ``strconv.IsPrint`` refuses (built on first use, like the above)."""
    return re.compile(f"[^{_printable_class()}]")


def is_go_printable(s: str) -> bool:
    """Whether Go's ``strconv.IsPrint`` holds for every character of ``s`` (Go 1.23 tables).

    Like ``str.isprintable``, but the same on every Python version.
    """
    if s.isascii():
        return s.isprintable()
    return _unprintable().search(s) is None


def _escape(c: str) -> str:
    """The %q form of a character ``_needs_quoting`` matched."""
    esc = _QUOTE_ESCAPES.get(c)
    if esc is not None:
        return esc
    o = ord(c)
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    if 0xD800 <= o <= 0xDFFF:
        # A lone surrogate cannot reach Go: its JSON decoder turns it into U+FFFD.
        return "\ufffd"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def go_quote(s: str) -> str:
    """Go ``strconv.Quote(s)`` / ``fmt.Sprintf("%q", s)`` for a valid Unicode string."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    # Escape per distinct character: C-level scans find them, then either a few str.replace
    # calls (backslash first, as the escapes add backslashes) or one translate.
    found = _needs_quoting().findall("".join(set(s)))
    if len(found) > 8:
        s = s.translate({ord(c): _escape(c) for c in found})
    else:
        for c in sorted(found, key=lambda c: c != "\\"):
            s = s.replace(c, _escape(c))
    return f'"{s}"'


# -- TOML keys (BurntSushi/toml) ----------------------------------------------------------

#: A TOML bare key (``A-Za-z0-9_-``, one or more).
BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+", re.ASCII)
_KEY_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_KEY_ESCAPES.update({"\f": "\\f", "\r": "\\r", "\x7f": "\\u007f"})


def _key_part(k: str) -> str:
    if k == "":
        return '""'
    if BARE_KEY.fullmatch(k):
        return k
    out = []
    for ch in k:
        esc = _KEY_ESCAPES.get(ch)
        if esc is None and ord(ch) < 0x20:
            esc = f"\\u{ord(ch):04x}"
        out.append(ch if esc is None else esc)
    return '"' + "".join(out) + '"'


def go_key(parts: tuple[str, ...] | list[str]) -> str:
    """BurntSushi ``toml.Key.String()``: dotted, quoting parts that are not bare keys."""
    return ".".join(_key_part(p) for p in parts)


_FOLD_TABLE: Final = {0x17F: "s", 0x212A: "k"}  # LONG S and KELVIN SIGN: Go folds them to ASCII


def fold(key: str) -> str:
    """A folded form that equals a lower-case ASCII field name iff Go's ``EqualFold`` does.

    Go's simple case folding maps exactly two non-ASCII runes onto ASCII letters: U+017F
    LATIN SMALL LETTER LONG S (s) and U+212A KELVIN SIGN (k).  Every other non-ASCII rune
    stays non-ASCII, so only ASCII letters are lower-cased here: the answer never depends on
    the interpreter's Unicode tables (``str.casefold`` would turn U+FB05 into "st").
    """
    if key.isascii():
        return key.lower()
    return "".join(c.lower() if c.isascii() else _FOLD_TABLE.get(ord(c), c) for c in key)


# -- TOML basic strings (BurntSushi's encoder) --------------------------------------------

_TOML_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_quote(s: str) -> str:
    """A TOML basic string as BurntSushi's encoder writes it.

    The short escapes for quote, backslash, backspace, tab, newline, form feed and carriage
    return; ``\\uXXXX`` for the other C0 controls and DEL; everything else as it is.
    """
    out = ['"']
    for ch in s:
        esc = _TOML_ESCAPES.get(ch)
        if esc is None and (ord(ch) < 0x20 or ch == "\x7f"):
            esc = f"\\u{ord(ch):04x}"
        out.append(ch if esc is None else esc)
    out.append('"')
    return "".join(out)
