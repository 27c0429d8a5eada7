"""The TOML decoder as each BurntSushi/toml release, without Go: recorded corpora and pinned cases.

* ``test_corpus_replays``: tests/corpus/toml_<ver>.jsonl (recorded by
  tests/record_toml_era_corpus.py from the era oracles: 1.2.0 from 5.23, 1.3.2 from 5.26,
  1.6.0 from 5.39; 1.5.0 from the 5.39 program rebuilt with toml v1.5.0) replayed through
  ``decode(data, toml=<ver>)``, fast path on and off.
* One ``test_<difference>`` per difference between the releases (docs/versions.md, "TOML per
  release", names them): a document and what each release answers, as the oracles answered.
* ``test_toml_for_containers_image``: the release each containers/image 5.MINOR is built with
  (from the ``go.mod`` of its release tags).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from regresolve._tomldecode import DIALECTS, decode, dialect_of, toml_for_containers_image
from support.strategies_config import load_corpus
from support.strategies_toml import ISSUE_CLASSES
from support.strategies_toml_eras import ERA_CLASSES, decoded_era_answer, era_answer

CORPORA = {
    t: Path(__file__).parent / "corpus" / f"toml_{t}.jsonl" for t in ("1.2", "1.3", "1.5", "1.6")
}
LOADED = {t: load_corpus(path) for t, path in CORPORA.items()}
VERSIONS = {"1.2": "1.2.0", "1.3": "1.3.2", "1.5": "1.5.0", "1.6": "1.6.0"}


@pytest.mark.parametrize("toml", sorted(CORPORA))
def test_header(toml: str) -> None:
    header, cases = LOADED[toml]
    assert header["toml"] == VERSIONS[toml]
    assert header["cases"] == len(cases) >= 2000
    refused = sum(c["answer"]["error"] is not None for c in cases)
    assert 0.2 * len(cases) < refused < 0.9 * len(cases)


@pytest.mark.parametrize("toml", sorted(CORPORA))
def test_every_named_document_is_recorded(toml: str) -> None:
    _, cases = LOADED[toml]
    recorded = {base64.b64decode(c["data_b64"]) for c in cases}
    named = [d for _, docs in ERA_CLASSES.values() for d in docs]
    named += [d for docs in ISSUE_CLASSES.values() for d in docs]
    assert [d for d in named if d not in recorded] == []


@pytest.mark.parametrize("toml", sorted(CORPORA))
def test_corpus_replays(toml: str) -> None:
    _, cases = LOADED[toml]
    failures = []
    for case in cases:
        data = base64.b64decode(case["data_b64"])
        want = era_answer(case["answer"])
        got = decoded_era_answer(data, toml)
        slow = decoded_era_answer(data, toml, fast=False)
        if got != want or slow != got:
            failures.append(
                f"{case['name']}: {data!r}\n  go:   {want}\n  ours: {got}\n  slow: {slow}"
            )
    assert failures == [], f"{len(failures)} of {len(cases)}:\n" + "\n".join(failures[:5])


@pytest.mark.parametrize("name", sorted(ERA_CLASSES))
def test_each_class_differs_where_it_says(name: str) -> None:
    """Every dialect a class names answers at least one of its documents unlike 1.4 (the
    answers of 1.2, 1.3, 1.5 and 1.6 are the recorded ones)."""
    dialects, docs = ERA_CLASSES[name]
    for toml in dialects:
        recorded = {base64.b64decode(c["data_b64"]): c["answer"] for c in LOADED[toml][1]}
        differ = [d for d in docs if era_answer(recorded[d]) != decoded_era_answer(d, "1.4")]
        assert differ, (name, toml)


# -- one test per difference: what each release answers (from the era oracles) ------------------

ALL = ("1.2", "1.3", "1.4", "1.5", "1.6")


def _value(value: dict[str, Any]) -> dict[str, Any]:
    return {"value": {"map[string]any": value}}


def _error(text: str, line: int) -> dict[str, Any]:
    return {"error": text, "line": line}


def expect(data: bytes, answers: dict[str, dict[str, Any]]) -> None:
    """``answers``: "1.2 1.3" -> the answer of those releases; every release is named once."""
    named = [t for key in answers for t in key.split()]
    assert sorted(named) == list(ALL)
    for key, want in answers.items():
        for toml in key.split():
            got = decoded_era_answer(data, toml)
            got.pop("last_key", None)
            assert got == want, (toml, data)


def test_utf8_bom_is_lexed_by_1_2() -> None:
    expect(
        b"\xef\xbb\xbfx = 1\n",
        {
            "1.2": _error("toml: line 1: expected '.' or '=', but got '\\ufeff' instead", 1),
            "1.3 1.4 1.5 1.6": _value({"x": {"int64": "1"}}),
        },
    )
    nul = (
        "toml: line 1: files cannot contain NULL bytes; probably using UTF-16; "
        "TOML files must be UTF-8"
    )
    expect(
        b"\xef\xbb\xbfabc\x00 = 1\n",  # 1.2 looks for NUL bytes in the mark and 3 bytes more
        {
            "1.2": _error("toml: line 1: expected '.' or '=', but got '\\ufeff' instead", 1),
            "1.3 1.4 1.5 1.6": _error(nul, 1),
        },
    )


def test_crlf_in_multiline_strings_1_2() -> None:
    expect(
        b'foo = """a\r\nb"""\n',
        {
            "1.2": _value({"foo": {"string": "a\nb"}}),
            "1.3 1.4 1.5 1.6": _value({"foo": {"string": "a\r\nb"}}),
        },
    )


def test_line_end_backslashes_1_2() -> None:
    expect(
        b'x = """a\\\nb\nc"""\n',  # after a joined line, 1.2 drops every later newline
        {
            "1.2": _value({"x": {"string": "abc"}}),
            "1.3 1.4 1.5 1.6": _value({"x": {"string": "ab\nc"}}),
        },
    )
    expect(
        b'x = """a\\\\"""\n',  # an even run of backslashes: 1.2 adds a newline
        {
            "1.2": _value({"x": {"string": "a\\\n"}}),
            "1.3 1.4 1.5 1.6": _value({"x": {"string": "a\\"}}),
        },
    )
    text = "(last key \"x\"): invalid escape: '\\ '"
    expect(
        b'x = [\n"""a\\ """]\n',  # 1.2 refuses a last-line backslash at the key's line
        {
            "1.2": _error(f"toml: line 1 {text}", 1),
            "1.3 1.4 1.5 1.6": _error(f"toml: line 2 {text}", 2),
        },
    )


def test_replacement_char_refused_before_1_4() -> None:
    expect(
        b'x = "\xef\xbf\xbd"\n',
        {
            "1.2 1.3": _error('toml: line 1 (last key "x"): invalid UTF-8 byte: 0xef', 1),
            "1.4 1.5 1.6": _value({"x": {"string": "\ufffd"}}),
        },
    )


def test_datetime_error_text_before_1_4() -> None:
    expect(
        b"x = 2000-13-01\n",
        {
            "1.2 1.3": _error(
                'toml: line 1 (last key "x"): Invalid TOML Datetime: "2000-13-01".', 1
            ),
            "1.4 1.5 1.6": _error('toml: line 1 (last key "x"): invalid datetime: "2000-13-01"', 1),
        },
    )


def test_one_digit_hour_before_1_4() -> None:
    expect(
        b"x = 1979-05-27T7:32:00\n",
        {
            "1.2 1.3": _value(
                {"x": {"time": ["local-datetime", "1979-05-27T07:32:00.000000000", None, False]}}
            ),
            "1.4 1.5 1.6": _error(
                'toml: line 1 (last key "x"): invalid datetime: "1979-05-27T7:32:00"', 1
            ),
        },
    )


def test_inline_table_dotted_keys_before_1_4() -> None:
    prefix = {"prefix": {"string": "a.io"}}
    expect(
        b'registry = [{prefix = "a.io", foo.location = "b.io"}]\n',
        {
            "1.2 1.3": _value(
                {
                    "registry": {
                        "[]any": [{"map[string]any": {**prefix, "location": {"string": "b.io"}}}]
                    }
                }
            ),
            "1.4 1.5 1.6": _value(
                {
                    "registry": {
                        "[]any": [
                            {
                                "map[string]any": {
                                    **prefix,
                                    "foo": {"map[string]any": {"location": {"string": "b.io"}}},
                                }
                            }
                        ]
                    }
                }
            ),
        },
    )
    expect(
        b"x = {a = [1], a.b = 2}\n",
        {
            "1.2 1.3": _value(
                {"x": {"map[string]any": {"a": {"map[string]any": {"b": {"int64": "2"}}}}}}
            ),
            "1.4 1.5 1.6": _error('toml: line 1 (last key "x.a.b"): "x.a" is not a table', 1),
        },
    )


def test_nan_sign_before_1_4() -> None:
    expect(
        b"x = -nan\n",
        {
            "1.2 1.3": _value({"x": {"float64": "NaN"}}),
            "1.4 1.5 1.6": _value({"x": {"float64": "-NaN"}}),
        },
    )


def test_line_of_errors_at_the_end_1_5() -> None:
    text = "expected '.' or ']' to end table name, but got '\\x00' instead"
    expect(
        b"[aliases",
        {
            "1.2 1.3 1.4": _error(f"toml: line 0: {text}", 0),
            "1.5 1.6": _error(f"toml: line 1: {text}", 1),
        },
    )
    escape = "toml: line 0 (last key \"x\"): invalid escape in string '\\\x00'"
    expect(b'x = "\\', {"1.2 1.3 1.4 1.5 1.6": _error(escape, 0)})  # lx.error: always before


def test_newline_where_equals_or_value_expected_1_5() -> None:
    text = "expected '.' or '=', but got '\\n' instead"
    expect(
        b"x\n",
        {
            "1.2 1.3 1.4": _error(f"toml: line 2: {text}", 2),
            "1.5 1.6": _error(f"toml: line 1: {text}", 1),
        },
    )
    text = "(last key \"x\"): expected value but found '\\n' instead"
    expect(
        b"x =\n",
        {
            "1.2 1.3 1.4": _error(f"toml: line 2 {text}", 2),
            "1.5 1.6": _error(f"toml: line 1 {text}", 1),
        },
    )


def test_hexadecimal_spelling_1_5() -> None:
    expect(
        b"x = 0xg\n",
        {
            "1.2 1.3 1.4": _error(
                "toml: line 1 (last key \"x\"): not a hexidecimal number: '0xg'", 1
            ),
            "1.5 1.6": _error("toml: line 1 (last key \"x\"): not a hexadecimal number: '0xg'", 1),
        },
    )


def test_inline_table_newlines_and_trailing_comma_1_6() -> None:
    expect(
        b"x = {a = 1,}\n",
        {
            "1.2 1.3 1.4 1.5": _error(
                'toml: line 1 (last key "x.a"): trailing comma not allowed in inline tables', 1
            ),
            "1.6": _value({"x": {"map[string]any": {"a": {"int64": "1"}}}}),
        },
    )
    expect(
        b'mirror = [{\n  location = "m.com",\n}]\n',
        {
            "1.2 1.3 1.4 1.5": _error(
                'toml: line 1 (last key "mirror"): newlines not allowed within inline tables', 1
            ),
            "1.6": _value(
                {"mirror": {"[]any": [{"map[string]any": {"location": {"string": "m.com"}}}]}}
            ),
        },
    )


def test_escapes_e_and_x_1_6() -> None:
    expect(
        b'x = "\\e\\x41"\n',
        {
            "1.2 1.3 1.4 1.5": _error(
                "toml: line 1 (last key \"x\"): invalid escape in string '\\e'", 1
            ),
            "1.6": _value({"x": {"string": "\x1bA"}}),
        },
    )
    expect(
        b'x = "\\x4"\n',
        {
            "1.2 1.3 1.4 1.5": _error(
                "toml: line 1 (last key \"x\"): invalid escape in string '\\x'", 1
            ),
            "1.6": _error(
                "toml: line 1 (last key \"x\"): expected two hexadecimal digits after '\\x', "
                'but got "\\\\x4\\"" instead',
                1,
            ),
        },
    )


def test_times_without_seconds_1_6() -> None:
    expect(
        b"x = 1979-05-27T07:32Z\n",
        {
            "1.2 1.3": _error(
                'toml: line 1 (last key "x"): Invalid TOML Datetime: "1979-05-27T07:32Z".', 1
            ),
            "1.4 1.5": _error(
                'toml: line 1 (last key "x"): invalid datetime: "1979-05-27T07:32Z"', 1
            ),
            "1.6": _value(
                {"x": {"time": ["offset-datetime", "1979-05-27T07:32:00.000000000", 0, True]}}
            ),
        },
    )


def test_array_key_assigned_twice_1_6() -> None:
    key = "unqualified-search-registries"
    expect(
        f'{key} = ["a.com"]\n{key} = ["b.com"]\n'.encode(),
        {
            "1.2 1.3 1.4 1.5": _value({key: {"[]any": [{"string": "b.com"}]}}),
            "1.6": _error(
                f"toml: line 2 (last key \"{key}\"): Key '{key}' has already been defined.", 2
            ),
        },
    )
    expect(
        b'[a]\n"" = [1]\n[a]\nb = 2\n',
        {
            "1.2 1.3 1.4 1.5": _value({"a": {"map[string]any": {"b": {"int64": "2"}}}}),
            "1.6": _error("toml: line 3: Key 'a' has already been defined.", 3),
        },
    )


# -- the API ------------------------------------------------------------------------------------


def test_toml_for_containers_image() -> None:
    """From ``require github.com/BurntSushi/toml`` in go.mod at each release tag (see
    regresolve._tomldecode): 5.23 1.2.0; 5.24-5.25 1.2.1; 5.26-5.31 1.3.2; 5.32-5.34 1.4.0;
    5.35-5.39 1.5.0; 5.40-5.41 1.6.0."""
    table = {minor: toml_for_containers_image(minor) for minor in range(23, 42)}
    assert table == {
        **dict.fromkeys(range(23, 26), "1.2"),
        **dict.fromkeys(range(26, 32), "1.3"),
        **dict.fromkeys(range(32, 35), "1.4"),
        **dict.fromkeys(range(35, 40), "1.5"),
        **dict.fromkeys(range(40, 42), "1.6"),
    }
    for minor in (22, 42):
        with pytest.raises(ValueError, match=r"5\.23"):
            toml_for_containers_image(minor)


def test_dialects() -> None:
    assert list(DIALECTS) == list(ALL)
    assert [DIALECTS[t].version for t in ALL] == ["1.2.0", "1.3.2", "1.4.0", "1.5.0", "1.6.0"]
    assert dialect_of("1.6") is DIALECTS["1.6"]
    assert dialect_of(DIALECTS["1.2"]) is DIALECTS["1.2"]
    with pytest.raises(ValueError, match=r"1\.7"):
        decode(b"x = 1\n", toml="1.7")
    with pytest.raises(ValueError, match=r"1\.4\.0"):
        dialect_of("1.4.0")


def test_document_names_its_dialect() -> None:
    assert decode(b"x = 1\n").toml == "1.4"
    assert decode(b"x = 1\n", toml="1.3").toml == "1.3"
    assert decode(b"x = 1\n", toml=DIALECTS["1.6"]).toml == "1.6"
