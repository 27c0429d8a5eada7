"""Replay tests/corpus/hostctx.jsonl (recorded from the Go oracle) without Go.

Each line is a whole machine (certs.d, auth files, credential helpers, registries.d,
registries.conf) and what containers/image 5.34.2 decided for every pull source of its
references: credentials, certificate directory and files, lookaside, sigstore attachments,
TLS verification and the client error.  The tree is written again and every field must agree
(``support.host_compare``).  Re-record with ``python tests/record_hostctx_corpus.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.host_compare import compare
from support.strategies_host import HostCase, write_tree

CORPUS = Path(__file__).parent / "corpus" / "hostctx.jsonl"


def _load() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with CORPUS.open(encoding="utf-8") as f:
        header = json.loads(f.readline())
        return header, [json.loads(line) for line in f if line.strip()]


HEADER, CASES = _load()
REPLAYED = {"credentials": 0, "tls": 0, "signatures": 0}


def test_header() -> None:
    assert HEADER["containers_image"] == "5.34.2"
    assert HEADER["cases"] == len(CASES)
    # At least 1,000 recorded references and 1,000 sources (each with three lookups).
    assert HEADER["references"] >= 1000
    assert HEADER["sources"] >= 1000


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus(entry: dict[str, Any], tmp_path: Path) -> None:
    """The recorded Go answers, field by field."""
    case = HostCase.from_json(entry["case"])
    write_tree(case, tmp_path)
    for k, v in compare(case, tmp_path, entry["answer"], any_order=True).items():
        REPLAYED[k] += v


def test_replayed_count() -> None:
    """Runs last in file order: every recorded source was compared."""
    if len(REPLAYED) and sum(REPLAYED.values()):
        assert REPLAYED["credentials"] >= 1000, REPLAYED
