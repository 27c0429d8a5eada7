"""Go's text conventions (regresolve._gotext) against Go itself.

``go_quote`` is compared with the oracle's ``strconv.Quote`` on every Unicode scalar value, so
the printable table can never drift from Go 1.23's; the answer must not depend on the Python
interpreter's own Unicode tables (Python 3.11 has Unicode 14, Go 1.23 has 15.0).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from regresolve import InvalidConfig, InvalidReference, RegistriesConf, parse_reference
from regresolve._gotext import (
    fold,
    go_key,
    go_lower,
    go_quote,
    is_go_lowercase,
    is_go_printable,
    toml_quote,
)
from support.oracle import Oracle
from support.pycompat import strict_zip

# Every scalar value: surrogates cannot reach Go (its JSON decoder makes them U+FFFD).
SCALARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
BATCH = 8192


@pytest.mark.oracle
@pytest.mark.slow
def test_go_quote_matches_go_on_every_code_point(oracle: Oracle) -> None:
    mismatches = []
    compared = 0
    for start in range(0, len(SCALARS), BATCH):
        # Each character between two letters, so escapes that depend on neighbours show.
        inputs = [f"a{c}b" for c in SCALARS[start : start + BATCH]]
        for text, expected in strict_zip(inputs, oracle.quote(inputs)):
            compared += 1
            if go_quote(text) != expected:
                mismatches.append((hex(ord(text[1])), go_quote(text), expected))
    assert compared == 0x110000 - 0x800
    assert mismatches[:20] == []


@pytest.mark.oracle
def test_go_quote_matches_go_on_mixed_strings(oracle: Oracle) -> None:
    inputs = [
        "",
        "plain",
        'quote " and \\ backslash',
        "\x00\x07\x1b\x7f\x80\x9f\xa0\xad",
        "tab\tnewline\ncr\r",
        "\u0cf3 new in Unicode 15",
        "\U0001fae8 Unicode 15 emoji",
        "\u2028\u2029\ufeff\ufffd\U000e0001",
        "\U0010ffff\U000f0000",
        "mixed é ß \u212a \u017f \ufb05",
    ]
    assert [go_quote(s) for s in inputs] == oracle.quote(inputs)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        # strconv.Quote facts: Unicode 15 letters print as themselves in Go 1.23.
        ("a\u0cf3.com", '"a\u0cf3.com"'),
        ("\U0001fae8", '"\U0001fae8"'),
        ("\u00ad", '"\\u00ad"'),
        ("\x7f", '"\\x7f"'),
        ("\U000e0001", '"\\U000e0001"'),
    ],
)
def test_go_quote_facts(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("text", "printable"),
    [
        ("plain text", True),
        ("a\u0cf3.com", True),  # Unicode 15.0, printable in Go 1.23 whatever Python's tables say
        ("\U0001fae8", True),
        ("tab\t", False),
        ("\x7f", False),
        ("\u00a0", False),  # Go's IsPrint: the ASCII space is the only printable space
        ("\u00ad", False),
        ("\u0378", False),  # unassigned
        ("", True),
    ],
)
def test_is_go_printable_facts(text: str, printable: bool) -> None:
    assert is_go_printable(text) is printable
    # The same table as %q: a string is printable iff %q escapes nothing but quotes.
    if '"' not in text and "\\" not in text:
        assert (go_quote(text) == f'"{text}"') is printable


def test_config_error_quotes_a_unicode_15_character_as_go_does() -> None:
    # U+0CF3 is printable in Go 1.23 (Unicode 15.0) but not in Python 3.11's tables; the
    # message must print it as it is, as containers/image does.
    text = '[[registry]]\nlocation = "a\u0cf3.com"\npull-from-mirror = "all"\n'
    with pytest.raises(InvalidConfig) as info:
        RegistriesConf.from_toml(text, path="/etc/containers/registries.conf")
    assert info.value.go_message == (
        'loading registries configuration "/etc/containers/registries.conf": '
        'pull-from-mirror must not be set for a non-mirror registry "a\u0cf3.com"'
    )


@pytest.mark.oracle
def test_config_error_with_a_unicode_15_character_matches_the_oracle(oracle: Oracle) -> None:
    path = "/etc/containers/registries.conf"
    text = '[[registry]]\nlocation = "a\u0cf3.com"\npull-from-mirror = "all"\n'
    answer = oracle.config(files={path: text}, system_registries_conf_path=path)
    with pytest.raises(InvalidConfig) as info:
        RegistriesConf.from_toml(text, path=path)
    assert info.value.go_message == answer["error"]


@pytest.mark.parametrize(
    ("key", "folded"),
    [
        ("Mirror-By-Digest-Only", "mirror-by-digest-only"),
        ("\u212aey", "key"),  # KELVIN SIGN folds to k in Go
        ("\u017fhort-name-mode", "short-name-mode"),  # LONG S folds to s
        ("mirror-by-dige\ufb05-only", "mirror-by-dige\ufb05-only"),  # no full case folding
        ("\u0130nsecure", "\u0130nsecure"),  # İ is not i under simple folding
    ],
)
def test_fold(key: str, folded: str) -> None:
    assert fold(key) == folded


def test_the_openshift_decoder_ignores_a_key_go_ignores() -> None:
    # "ﬅ" (U+FB05) casefolds to "st" in Python; Go's EqualFold does not match it, so neither
    # containers/image nor the MCO sets mirror-by-digest-only from this key.
    from regresolve.openshift._registries import decode_conf

    text = '[[registry]]\nlocation = "a.com"\n"mirror-by-dige\ufb05-only" = true\n'
    (reg,) = decode_conf(text).registries or []
    assert reg.mirror_by_digest_only is False
    (core,) = RegistriesConf.from_toml(text).registries
    assert core.mirror_by_digest_only is False


@pytest.mark.oracle
def test_go_ignores_the_casefolded_key(oracle: Oracle) -> None:
    path = "/etc/containers/registries.conf"
    text = '[[registry]]\nlocation = "a.com"\n"mirror-by-dige\ufb05-only" = true\n'
    answer = oracle.config(files={path: text}, system_registries_conf_path=path)
    assert answer["error"] is None
    assert answer["config"]["registries"][0]["mirror_by_digest_only"] is False


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (["registry", "mirror"], "registry.mirror"),
        (["aliases", "ns/img"], 'aliases."ns/img"'),
        (["a", ""], 'a.""'),
        (['q"\\\x01'], '"q\\"\\\\\\u0001"'),
    ],
)
def test_go_key(parts: list[str], text: str) -> None:
    assert go_key(parts) == text


def test_toml_quote_escapes_controls_like_burntsushi() -> None:
    assert toml_quote('a"\\\b\t\n\f\r\x01\x7fé') == '"a\\"\\\\\\b\\t\\n\\f\\r\\u0001\\u007fé"'


# -- strings.ToLower ----------------------------------------------------------------------


def _go_unicode_tables() -> Path | None:
    """Go 1.23's unicode/tables.go, next to the toolchain tests/oracle/build.sh uses."""
    go = os.environ.get("REGRESOLVE_GO", "/usr/lib/go-1.23/bin/go")
    tables = Path(go).resolve().parent.parent / "src" / "unicode" / "tables.go"
    return tables if tables.is_file() else None


def _to_lower_from_go_source(text: str) -> dict[int, int]:
    """unicode.ToLower for every rune it changes, computed from Go's ``_CaseRanges`` table the
    way Go's ``unicode.to`` reads it (an UpperLower delta: even offsets are upper case)."""
    start = text.index("var _CaseRanges = []CaseRange{")
    body = text[start : text.index("\n}\n", start)]
    rows = re.findall(r"\{0x([0-9A-F]+), 0x([0-9A-F]+), d\{([^,]+), ([^,]+), ([^}]+)\}\}", body)
    assert len(rows) > 300
    lower: dict[int, int] = {}
    for lo_text, hi_text, _upper, delta, _title in rows:
        lo, hi = int(lo_text, 16), int(hi_text, 16)
        for r in range(lo, hi + 1):
            to = lo + ((r - lo) & ~1 | 1) if delta == "UpperLower" else r + int(delta)
            if to != r:
                lower[r] = to
    return lower


def test_go_lower_is_gos_to_lower_on_every_code_point() -> None:
    tables = _go_unicode_tables()
    if tables is None:
        pytest.skip("Go 1.23's source (unicode/tables.go) is not installed")
    text = tables.read_text(encoding="utf-8")
    assert 'const Version = "15.0.0"' in text
    lower = _to_lower_from_go_source(text)
    assert len(lower) == 1433
    everything = "".join(SCALARS)
    assert go_lower(everything) == everything.translate(lower)
    assert not is_go_lowercase(everything)
    assert is_go_lowercase(everything.translate(lower))


@pytest.mark.parametrize(
    ("text", "lowered"),
    [
        # unicode.ToLower facts of Go 1.23 (Unicode 15.0), whatever the interpreter's tables:
        ("\u2c2f", "\u2c5f"),  # GLAGOLITIC CAPITAL LETTER CAUDATE CHRIVI (Unicode 14)
        ("\U00010570", "\U00010597"),  # VITHKUQI CAPITAL LETTER A (Unicode 14)
        ("\ua7d0", "\ua7d1"),  # LATIN CAPITAL LETTER CLOSED INSULAR G (Unicode 14)
        ("\u0130", "i"),  # simple mapping: no combining dot
        ("\u03a3\u03a3", "\u03c3\u03c3"),  # no final sigma
        ("\u212a", "k"),  # KELVIN SIGN
        ("\u1e9e", "\u00df"),  # LATIN CAPITAL LETTER SHARP S
        ("\u01c5", "\u01c6"),  # title case Dž
    ],
)
def test_go_lower_facts(text: str, lowered: str) -> None:
    assert go_lower(text) == lowered


@pytest.mark.oracle
def test_lowercase_checks_agree_with_go_on_every_cased_code_point(oracle: Oracle) -> None:
    # ParseNormalizedNamed refuses a repository that strings.ToLower changes ("must be
    # lowercase"), and its "invalid reference format" retry matches strings.ToLower(input):
    # so the error for "x" + c tells whether Go lower-cases c, and to what when that is ASCII.
    # Every code point that Go's or this interpreter's case mappings touch, both ways.
    cased = [
        c
        for c in SCALARS
        if not c.isascii() and (go_lower(c) != c or c.lower() != c or c.upper() != c)
    ]
    assert len(cased) > 2500
    mismatches = []
    for c in cased:
        text = f"x{c}"
        try:
            parse_reference(text)
            ours = None
        except InvalidReference as e:
            ours = str(e)
        theirs = oracle.parse(text)["normalized_error"]
        if ours != theirs:
            mismatches.append((hex(ord(c)), ours, theirs))
    assert mismatches[:20] == []
