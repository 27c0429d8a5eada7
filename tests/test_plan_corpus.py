"""Replay tests/corpus/plan.jsonl (recorded from the Go oracle) without Go.

Each line holds a configuration, references and short names, and what containers/image
5.34.2 planned and resolved for them; every field must agree.  Re-record with
``python tests/record_plan_corpus.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from strategies_config import ConfigCase
from test_plan_oracle import compare_with_answer

CORPUS = Path(__file__).parent / "corpus" / "plan.jsonl"


def _load() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:] if line]


HEADER, CASES = _load()


def test_header() -> None:
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["cases"] == len(CASES)
    assert len(CASES) >= 1000


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus(entry: dict[str, Any]) -> None:
    """SPEC R-PULL-6, R-SN-*: the recorded Go answers, field by field."""
    req = entry["request"]
    case = ConfigCase(
        req["files"],
        symlinks=req.get("symlinks") or {},
        system_registries_conf_path=req.get("system_registries_conf_path"),
        system_registries_conf_dir_path=req.get("system_registries_conf_dir_path"),
    )
    refs, names, mode = req["refs"], req["short_names"], req.get("short_name_mode")
    compare_with_answer(case, entry["cache"], refs, names, mode, entry["answer"])
