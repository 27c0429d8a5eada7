"""Replay ``tests/corpus/reference.jsonl`` (recorded from the Go oracle) without Go.

Every recorded input must give exactly the recorded answer: ParseNormalizedNamed,
ParseNamed, ParseAnyReference and IsShortName, error texts included.  Re-record with
``python tests/record_reference_corpus.py`` (needs the oracle).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support.strategies_reference import our_answer

CORPUS = Path(__file__).parent / "corpus" / "reference.jsonl"


def _read() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = CORPUS.read_bytes().split(b"\n")
    header = json.loads(lines[0])
    cases = [json.loads(line) for line in lines[1:] if line]
    return header, cases


HEADER, CASES = _read()


def test_header() -> None:
    assert HEADER["corpus"] == "reference"
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["count"] == len(CASES) >= 5000


def test_corpus_covers_every_outcome() -> None:
    errors = {c["answer"]["normalized_error"] for c in CASES} - {None}
    assert {
        "invalid reference format",
        "invalid reference format: repository name must be lowercase",
        "repository name must be lowercase",
        "repository name must not be more than 255 characters",
        "invalid checksum digest format",
        "invalid checksum digest length",
        "unsupported digest algorithm",
    } <= errors
    assert any(e.startswith("invalid repository name (") for e in errors)
    assert any(c["answer"]["short"] for c in CASES)
    assert any(c["answer"]["named"] for c in CASES)


def test_replay() -> None:
    # One test over the whole file (6,000 parametrized ids would dominate collection time);
    # every mismatch is reported, not just the first.
    mismatches = []
    for case in CASES:
        ours = our_answer(case["input"])
        if ours != case["answer"]:
            diff = {k: (v, ours.get(k)) for k, v in case["answer"].items() if ours.get(k) != v}
            mismatches.append(f"{case['input']!r}: (go, ours) {diff}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches[:50])
