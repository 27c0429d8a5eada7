"""Go's text conventions (regresolve._gotext) against Go itself.

``go_quote`` is compared with the oracle's ``strconv.Quote`` on every Unicode scalar value, so
the printable table can never drift from Go 1.23's; the answer must not depend on the Python
interpreter's own Unicode tables (Python 3.11 has Unicode 14, Go 1.23 has 15.0).
"""

from __future__ import annotations

import pytest

from regresolve import InvalidConfig, RegistriesConf
from regresolve._gotext import fold, go_key, go_quote, toml_quote
from support.oracle import Oracle

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
        for text, expected in zip(inputs, oracle.quote(inputs), strict=True):
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
