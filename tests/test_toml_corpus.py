"""Replay tests/corpus/toml.jsonl (recorded from BurntSushi/toml 1.4.0 in the oracle) without Go.

Each line holds a document's bytes and what Go's ``toml.Decode`` into a ``map[string]any``
answered: the error text and line, or the typed value and the key positions.  The decoder must
give the same answer (``strategies_toml.compare``, fast path on and off).  Re-record with
``python tests/record_toml_corpus.py``.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from support.strategies_config import load_corpus
from support.strategies_toml import ISSUE_CLASSES, compare

CORPUS = Path(__file__).parent / "corpus" / "toml.jsonl"

HEADER, CASES = load_corpus(CORPUS)


def test_header() -> None:
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["cases"] == len(CASES)
    assert len(CASES) >= 2000


def test_every_issue_class_is_recorded() -> None:
    recorded = {c["name"].split(":")[1] for c in CASES if c["name"].startswith("class:")}
    assert recorded == set(ISSUE_CLASSES)


def test_both_outcomes_are_recorded() -> None:
    refused = sum(c["answer"]["error"] is not None for c in CASES)
    assert 0.2 * len(CASES) < refused < 0.9 * len(CASES)


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus(entry: dict[str, Any]) -> None:
    compare(base64.b64decode(entry["data_b64"]), entry["answer"])
