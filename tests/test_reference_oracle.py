"""Differential tests: regresolve's reference parsing against the Go oracle.

For every generated input the oracle's ``parse`` answer (ParseNormalizedNamed, ParseNamed,
ParseAnyReference, IsShortName) must equal ours field by field, error texts included.

``REGRESOLVE_ORACLE_EXAMPLES`` is the total number of inputs checked across the tests of this
module (default 2000; ``ci`` means 102,000), split by ``_WEIGHTS``.  Each Hypothesis example is
a batch of ``BATCH`` inputs: drawing one input costs about as much as the whole per-example
bookkeeping, so batching halves the run time.  The oracle's ``parse`` op takes one input per
request; a request round trip costs about 50 microseconds.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.strategies_reference import near_limits, our_answer, random_texts, reference_texts

pytestmark = pytest.mark.oracle

BATCH = 10
_TOTAL_CI = 102_000
_raw = os.environ.get("REGRESOLVE_ORACLE_EXAMPLES", "2000")
TOTAL = _TOTAL_CI if _raw == "ci" else int(_raw)
_WEIGHTS = {"mixed": 0.6, "random": 0.2, "limits": 0.2}


def _settings(kind: str) -> settings:
    return settings(
        max_examples=max(1, round(TOTAL * _WEIGHTS[kind] / BATCH)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


def _batches(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, min_size=BATCH, max_size=BATCH)


def _compare(oracle: Any, texts: list[str]) -> None:
    for text in texts:
        go = oracle.parse(text)
        ours = our_answer(text)
        diff = {
            k: (go.get(k), ours.get(k)) for k in go.keys() | ours.keys() if go.get(k) != ours.get(k)
        }
        assert not diff, f"{text!r}: (go, ours) differ: {diff}"


@_settings("mixed")
@given(texts=_batches(reference_texts()))
def test_mixed_inputs_match_go(oracle: Any, texts: list[str]) -> None:
    _compare(oracle, texts)


@_settings("random")
@given(texts=_batches(random_texts()))
def test_random_text_matches_go(oracle: Any, texts: list[str]) -> None:
    _compare(oracle, texts)


@_settings("limits")
@given(texts=_batches(st.one_of(near_limits(), reference_texts())))
def test_length_limits_match_go(oracle: Any, texts: list[str]) -> None:
    _compare(oracle, texts)


def test_oracle_is_the_pinned_version(oracle: Any) -> None:
    assert oracle.version()["containers_image"] == "5.34.2"
