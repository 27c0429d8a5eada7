"""Replay tests/corpus/config.jsonl (recorded from the Go oracle) without Go.

Each line holds a configuration file set and what containers/image 5.34.2 made of it; our
loader must agree (errors modulo the deviations in docs/compat.md).  Re-record with
``python tests/record_config_corpus.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.strategies_config import ConfigCase, compare, load_corpus

CORPUS = Path(__file__).parent / "corpus" / "config.jsonl"


HEADER, CASES = load_corpus(CORPUS)


def test_header() -> None:
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["cases"] == len(CASES)
    assert len(CASES) >= 1000


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus(entry: dict[str, Any]) -> None:
    req = entry["request"]
    case = ConfigCase.from_request(req)
    compare(case, entry["answer"])
