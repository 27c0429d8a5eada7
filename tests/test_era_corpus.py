"""Replay tests/corpus/era_<era>.jsonl.gz (recorded from the era oracles) without Go.

Each file holds the same probes (files, home, environment, references, short names) and what
one containers/image release answered for them: 5.23.1, 5.26.1, 5.34.2 (the control era:
our default), 5.39.2, 5.41.1.  Every probe is loaded and planned with ``version=<era>`` and
compared field by field (support/era_compare.py, with the caveats of
tests/oracle/eras/ERAS.md).  The probes are split into ``CHUNKS`` tests; each writes a probe's
files once and compares it with every era's answer.  Re-record with
``python tests/record_era_corpus.py``.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from support.era_compare import Probe, era_mismatches, materialized
from support.era_fixed import FIXED_PROBES
from support.oracle_eras import CONTROL_ERA, ERA_VERSIONS, ERAS

CORPUS = Path(__file__).parent / "corpus"
ALL_ERAS = (*ERAS, CONTROL_ERA)
CHUNKS = 25
MIN_PROBES = 2_000


@functools.cache
def corpus(era: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and the entries of one era's corpus."""
    with gzip.open(CORPUS / f"era_{era}.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:] if line]


@pytest.mark.parametrize("era", ALL_ERAS)
def test_header(era: str) -> None:
    header, entries = corpus(era)
    assert header["era"] == era
    assert header["containers_image"] == ERA_VERSIONS[era]
    assert header["cases"] == len(entries) >= MIN_PROBES
    assert {e["name"] for e in entries} >= {f"fixed:{name}" for name in FIXED_PROBES}
    assert min(len(e["probe"]["refs"]) for e in entries if e["name"].startswith("plan:")) >= 4


def test_every_era_has_the_same_probes() -> None:
    first = [(e["name"], e["probe"]) for e in corpus(ALL_ERAS[0])[1]]
    for era in ALL_ERAS[1:]:
        assert [(e["name"], e["probe"]) for e in corpus(era)[1]] == first, era


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_corpus(chunk: int) -> None:
    """Every recorded answer of every era, for the probes ``chunk``, ``chunk + CHUNKS``, ..."""
    entries = {era: corpus(era)[1][chunk::CHUNKS] for era in ALL_ERAS}
    failed: list[str] = []
    compared = 0
    for i, entry in enumerate(entries[ALL_ERAS[0]]):
        probe = Probe.from_json(entry["probe"])
        with materialized(probe.case) as root:
            for era in ALL_ERAS:
                answer = entries[era][i]["answer"]
                out = era_mismatches(probe, era, answer, root=root)
                compared += 1
                if out.mismatches:
                    diffs = "\n".join(map(str, out.mismatches))
                    failed.append(f"{entry['name']} c/image {era}:\n{diffs}")
    assert compared >= MIN_PROBES * len(ALL_ERAS) // CHUNKS
    assert not failed, f"{len(failed)} of {compared} differ:\n" + "\n".join(failed[:20])
