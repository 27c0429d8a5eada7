"""Replay tests/corpus/plan.jsonl (recorded from the Go oracle) without Go.

Each line holds a configuration, references and short names, and what containers/image
5.34.2 planned and resolved for them; every field must agree.  Re-record with
``python tests/record_plan_corpus.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.plan_compare import compare_with_answer
from support.strategies_config import ConfigCase, load_corpus

CORPUS = Path(__file__).parent / "corpus" / "plan.jsonl"


HEADER, CASES = load_corpus(CORPUS)


def test_header() -> None:
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["cases"] == len(CASES)
    assert len(CASES) >= 1000


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus(entry: dict[str, Any]) -> None:
    """SPEC R-PULL-6, R-SN-*: the recorded Go answers, field by field."""
    req = entry["request"]
    case = ConfigCase.from_request(req)
    refs, names, mode = req["refs"], req["short_names"], req.get("short_name_mode")
    loaded = compare_with_answer(case, entry["cache"], refs, names, mode, entry["answer"])
    assert loaded == (entry["answer"]["error"] is None)
