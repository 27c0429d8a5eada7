"""Differential tests: the TOML decoder (``regresolve._tomldecode``) against BurntSushi/toml 1.4.0.

containers/image 5.34.2 reads registries.conf with ``toml.DecodeFile``; the oracle's ``toml`` op
runs ``toml.Decode(string(data), &m)`` on the same bytes and answers with the error text and
line, or the decoded value (every node tagged with its Go type) and the key positions the
decoder recorded.  :func:`support.strategies_toml.compare` asserts our decoder gives the same
answer, word for word and value for value, with and without its fast path.

* ``test_issue_class``: one test per class of issue 17's table (and the byte-level classes),
  on the named documents of ``strategies_toml.ISSUE_CLASSES``, plus what the issue states Go
  does for the first documents of each class.
* ``test_file_bytes_load_as_in_go``: the class documents (and a few more) as whole files
  through ``load_config`` and the oracle's ``config`` op with ``files_b64``: byte-order marks,
  NUL bytes and bytes that are not UTF-8 reach both sides unchanged.
* ``test_sample_documents_match_oracle``: a few fixed batches of generated documents (default
  lane).
* ``test_generated_documents_match_oracle`` (property): batches of 50 documents from seeded
  ``random.Random`` generators (fast enough for volume; a failure prints the seed, and the
  document); ``REGRESOLVE_ORACLE_EXAMPLES=ci`` runs 2,000 batches, 100,000 documents, and
  ``test_document_count_report`` asserts the count.
* ``test_drawn_documents_match_oracle`` (property): the same generator driven by Hypothesis
  draws, one document per example, so that a failure shrinks.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve._tomldecode import TomlDecodeError, decode
from support.oracle_size import examples, is_ci_size
from support.pycompat import strict_zip
from support.strategies_config import conf_json, oracle_conf_json
from support.strategies_toml import (
    ISSUE_CLASSES,
    compare,
    documents_from_seed,
    toml_documents,
)

pytestmark = pytest.mark.oracle

BATCH = 50
SEEDED_EXAMPLES = examples(default=6, ci=2_000)
DRAWN_EXAMPLES = examples(default=60, ci=1_000)
MIN_CI_DOCUMENTS = 100_000
COUNT = {"documents": 0, "refused": 0}


def check_batch(oracle: Any, documents: list[bytes]) -> None:
    answers = oracle.toml_batch(documents)
    assert len(answers) == len(documents)
    for data, answer in strict_zip(documents, answers):
        compare(data, answer)
        COUNT["documents"] += 1
        COUNT["refused"] += answer["error"] is not None


def go_text(data: bytes) -> str:
    with pytest.raises(TomlDecodeError) as info:
        decode(data)
    return info.value.go_text


# What issue 17 states containers/image does with the first documents of a class (each was
# reproduced against the real library when the issue was filed); the oracle comparison
# covers every document of the class.
def _claims_array_key_assigned_again() -> None:
    docs = ISSUE_CLASSES["array-key-assigned-again"]
    assert decode(docs[0]).values == {"unqualified-search-registries": ["b.com"]}
    assert decode(docs[1]).values["registry"][0]["mirror"] == []


def _claims_dotted_keys_reopen_tables() -> None:
    docs = ISSUE_CLASSES["dotted-keys-reopen-tables"]
    assert decode(docs[0]).values == {"aliases": {"foo": "quay.io/foo"}}
    assert decode(docs[2]).values == {"aliases": {"foo": "quay.io/foo", "bar": "quay.io/bar"}}
    assert decode(docs[3]).values["registry"][0]["insecure"] is True


def _claims_numbers_out_of_range() -> None:
    docs = ISSUE_CLASSES["numbers-out-of-range"]
    assert go_text(docs[0]).endswith("9223372036854775808 is out of range for int64")
    assert go_text(docs[4]).endswith("1e309 is out of range for float64")


def _claims_dates_go_accepts() -> None:
    for data in ISSUE_CLASSES["dates-go-accepts"][:3]:
        decode(data)


def _claims_byte_order_marks() -> None:
    for data in ISSUE_CLASSES["byte-order-marks"][:3]:
        assert decode(data).values == {"registry": [{"location": "a.com"}]}


def _claims_nul_and_invalid_utf8() -> None:
    docs = ISSUE_CLASSES["nul-and-invalid-utf8"]
    assert "files cannot contain NULL bytes" in go_text(docs[0])
    assert go_text(docs[2]).endswith("invalid UTF-8 byte: 0xff")


def _claims_crlf_in_multiline_strings() -> None:
    assert decode(ISSUE_CLASSES["crlf-in-multiline-strings"][0]).values == {
        "foo": "quay.io/foo\r\n"
    }


def _claims_line_of_multiline_values() -> None:
    assert decode(ISSUE_CLASSES["line-of-multiline-values"][0]).key_lines["insecure"] == (3, False)


def _claims_last_key_of_redefinitions() -> None:
    text = go_text(ISSUE_CLASSES["last-key-of-redefinitions"][0])
    assert text == (
        'toml: line 3 (last key "aliases.ns/img"): '
        "Key 'aliases.\"ns/img\"' has already been defined."
    )


def _claims_redefinition_wording() -> None:
    docs = ISSUE_CLASSES["redefinition-wording"]
    assert go_text(docs[0]).endswith("Key 'x.y' has already been defined.")
    assert go_text(docs[1]).endswith(
        "Key 'registry.mirror' was already created and cannot be used as an array."
    )


def _claims_syntax_errors() -> None:
    assert go_text(ISSUE_CLASSES["syntax-errors"][0]) == (
        "toml: line 2: expected '.' or ']' to end table name, but got '\\n' instead"
    )


def _claims_empty_key_quirk() -> None:
    value = decode(ISSUE_CLASSES["empty-key-quirk"][0]).values["x"]
    assert type(value).__name__ == "TableArray"


CLAIMS = {
    "array-key-assigned-again": _claims_array_key_assigned_again,
    "dotted-keys-reopen-tables": _claims_dotted_keys_reopen_tables,
    "numbers-out-of-range": _claims_numbers_out_of_range,
    "dates-go-accepts": _claims_dates_go_accepts,
    "byte-order-marks": _claims_byte_order_marks,
    "nul-and-invalid-utf8": _claims_nul_and_invalid_utf8,
    "crlf-in-multiline-strings": _claims_crlf_in_multiline_strings,
    "line-of-multiline-values": _claims_line_of_multiline_values,
    "last-key-of-redefinitions": _claims_last_key_of_redefinitions,
    "redefinition-wording": _claims_redefinition_wording,
    "syntax-errors": _claims_syntax_errors,
    "empty-key-quirk": _claims_empty_key_quirk,
}


@pytest.mark.parametrize("name", sorted(ISSUE_CLASSES))
def test_issue_class(oracle: Any, name: str) -> None:
    """Each document of the class decodes (or fails) exactly as Go's decoder does."""
    check_batch(oracle, ISSUE_CLASSES[name])
    CLAIMS[name]()


def test_every_class_has_claims() -> None:
    assert set(CLAIMS) == set(ISSUE_CLASSES)


# Whole files as bytes, through load_config and the oracle's config op (files_b64): the
# bytes reach both decoders unchanged, and the loader's wrapping of TOML errors is Go's.
SYSTEM_CONF = "/etc/containers/registries.conf"
FILE_BYTES = [data for name in sorted(ISSUE_CLASSES) for data in ISSUE_CLASSES[name]] + [
    b'\xef\xbb\xbf[[registry]]\r\nlocation = "a.com"\r\n',
    b'[[registry]]\nlocation = "a\xff.com"\n',
    b'[aliases]\n"x" = "\xed\xa0\x80"\n',
    b"\x00\x00[[registry]]\n",
    b'[[registry]]\nlocation = "a.com"\ninsecure = """\ntrue\n"""\n',
    b'[[registry]]\nlocation = "a.com"\nmirror = [{location = "m.com"}]\nmirror = "x"\n',
]


@pytest.mark.parametrize("data", FILE_BYTES, ids=[f"file-{i}" for i in range(len(FILE_BYTES))])
def test_file_bytes_load_as_in_go(oracle: Any, tmp_path: Path, data: bytes) -> None:
    encoded = base64.b64encode(data).decode("ascii")
    answer = oracle.config(files_b64={SYSTEM_CONF: encoded})
    (tmp_path / "etc" / "containers").mkdir(parents=True)
    (tmp_path / "etc" / "containers" / "registries.conf").write_bytes(data)
    (tmp_path / "home" / "user").mkdir(parents=True)
    root = str(tmp_path)
    kwargs: dict[str, Any] = {"root": root, "home": root + "/home/user", "env": {}}
    if answer["error"] is not None:
        with pytest.raises(regresolve.InvalidConfig) as info:
            regresolve.load_config(**kwargs)
        assert info.value.go_message.replace(root, "") == answer["error"]
        return
    ours = conf_json(regresolve.load_config(**kwargs))
    ours["unqualified_search_registries_origin"] = ours[
        "unqualified_search_registries_origin"
    ].replace(root, "")
    ours["alias_origins"] = {k: v.replace(root, "") for k, v in ours["alias_origins"].items()}
    assert ours == oracle_conf_json(answer["config"])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_sample_documents_match_oracle(oracle: Any, seed: int) -> None:
    check_batch(oracle, documents_from_seed(seed, BATCH))


@pytest.mark.property
@settings(
    max_examples=SEEDED_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_generated_documents_match_oracle(oracle: Any, seed: int) -> None:
    check_batch(oracle, documents_from_seed(seed, BATCH))


@pytest.mark.property
@settings(
    max_examples=DRAWN_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=toml_documents())
def test_drawn_documents_match_oracle(oracle: Any, data: bytes) -> None:
    compare(data, oracle.toml(data))
    COUNT["documents"] += 1


@pytest.mark.property
def test_document_count_report() -> None:
    """Runs after the property tests in file order: reports (and in CI checks) the count."""
    print(f"\ntoml documents compared with the oracle: {COUNT}")
    if is_ci_size():
        assert COUNT["documents"] >= MIN_CI_DOCUMENTS, COUNT
