"""Differential tests: the TOML decoder as each BurntSushi/toml release against the era oracles.

containers/image 5.23 ... 5.41 are built with BurntSushi/toml 1.2.0 ... 1.6.0 and decode
registries.conf differently (``regresolve._tomldecode.decode(data, toml=...)``; the
differences are listed in docs/versions.md, "TOML per release").  Each era oracle
(tests/oracle/eras) answers ``toml`` with its Debian toml: 5.23 → 1.2.0, 5.26 → 1.3.2, 5.34 →
1.4.0, 5.39 and 5.41 → 1.6.0 (``strategies_toml_eras.ERA_ORACLES``).  Compared word for word:
the error text, its line and last key, or the value.  (toml 1.5.0 has no oracle here: its
recorded corpus replays in tests/test_toml_eras_corpus.py.)

* ``test_era_class``: the named documents of each difference (``ERA_CLASSES``) in every
  dialect that has an oracle (default lane).
* ``test_sample_documents_match_era_oracle``: a few fixed batches of the era mix per dialect.
* ``test_corpus_replays_through_era_oracle`` (slow): every document of
  tests/corpus/toml.jsonl through every era oracle, 5.41 included.
* ``test_generated_documents_match_era_oracle`` (property): seeded batches of 50 documents
  of the era mix per dialect; ``REGRESOLVE_ORACLE_EXAMPLES=ci`` runs 200 batches, 10,000
  documents per dialect, and ``test_era_document_count_report`` asserts the counts.
* ``test_drawn_documents_match_era_oracle`` (property): the era mix driven by Hypothesis
  draws (failures shrink).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.oracle_eras import ERA_VERSIONS, EraOracle, era_oracle
from support.oracle_size import examples, is_ci_size
from support.pycompat import strict_zip
from support.strategies_toml_eras import (
    ERA_CLASSES,
    ERA_ORACLES,
    compare_era,
    era_answer,
    era_documents_from_seed,
    era_toml_documents,
)

pytestmark = pytest.mark.oracle

BATCH = 50
SEEDED_EXAMPLES = examples(default=4, ci=200)
DRAWN_EXAMPLES = examples(default=20, ci=300)
MIN_CI_DOCUMENTS = 10_000
DIALECTS = sorted(ERA_ORACLES)
#: Documents compared per dialect by the property tests (reported, and checked in CI).
COUNT: dict[str, int] = dict.fromkeys(DIALECTS, 0)
CORPUS = Path(__file__).parent / "corpus" / "toml.jsonl"


def oracle_of(toml: str) -> EraOracle:
    return era_oracle(ERA_ORACLES[toml])


def check_batch(oracle: EraOracle, documents: list[bytes], toml: str) -> int:
    """Compare a batch of documents; returns how many were compared."""
    answers = oracle.toml_batch(documents)
    assert len(answers) == len(documents)
    for data, answer in strict_zip(documents, answers):
        compare_era(data, answer, toml)
    return len(documents)


def test_the_oracles_are_the_releases() -> None:
    """Each oracle is built with the toml its dialect names (build/<era>/versions.txt)."""
    wanted = {"1.2": "1.2.0", "1.3": "1.3.2", "1.4": "1.4.0", "1.6": "1.6.0"}
    for toml, era in [*ERA_ORACLES.items(), ("1.6", "5.41")]:
        oracle = era_oracle(era)
        assert oracle.version()["containers_image"] == ERA_VERSIONS[era]
        versions = Path(oracle.path).with_name("versions.txt").read_text(encoding="utf-8")
        line = next(x for x in versions.splitlines() if x.startswith("golang-github-burntsushi"))
        assert line.split()[1].startswith(wanted[toml] + "-"), line


@pytest.mark.parametrize("toml", DIALECTS)
@pytest.mark.parametrize("name", sorted(ERA_CLASSES))
def test_era_class(toml: str, name: str) -> None:
    check_batch(oracle_of(toml), ERA_CLASSES[name][1], toml)


@pytest.mark.parametrize("toml", DIALECTS)
@pytest.mark.parametrize("seed", [1, 2])
def test_sample_documents_match_era_oracle(toml: str, seed: int) -> None:
    check_batch(oracle_of(toml), era_documents_from_seed(seed, BATCH), toml)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("era", "toml"), [(era, toml) for toml, era in ERA_ORACLES.items()] + [("5.41", "1.6")]
)
def test_corpus_replays_through_era_oracle(era: str, toml: str) -> None:
    """Every document of the 1.4.0 corpus, through the era's oracle; prints how many answer
    differently from the recorded 1.4.0 answer (ERAS.md: 366 / 224 / 0 / 102 / 102)."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[1:]
    entries = [json.loads(line) for line in lines]
    docs = [base64.b64decode(e["data_b64"]) for e in entries]
    oracle = era_oracle(era)
    differ = 0
    for start in range(0, len(docs), 200):
        batch = docs[start : start + 200]
        answers = oracle.toml_batch(batch)
        for data, answer, entry in strict_zip(batch, answers, entries[start : start + 200]):
            compare_era(data, answer, toml)
            recorded = {k: v for k, v in entry["answer"].items() if k != "key_info"}
            differ += era_answer(answer) != era_answer(recorded)
    print(f"\nc/image {era} (toml {toml}): {differ} of {len(docs)} answer unlike 1.4.0")
    assert (differ == 0) == (toml == "1.4")


@pytest.mark.property
@pytest.mark.parametrize("toml", DIALECTS)
@settings(max_examples=SEEDED_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(min_value=0, max_value=2**63 - 1))
def test_generated_documents_match_era_oracle(toml: str, seed: int) -> None:
    COUNT[toml] += check_batch(oracle_of(toml), era_documents_from_seed(seed, BATCH), toml)


@pytest.mark.property
@pytest.mark.parametrize("toml", DIALECTS)
@settings(max_examples=DRAWN_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=era_toml_documents())
def test_drawn_documents_match_era_oracle(toml: str, data: bytes) -> None:
    compare_era(data, oracle_of(toml).toml(data), toml)
    COUNT[toml] += 1


@pytest.mark.property
def test_era_document_count_report() -> None:
    """Runs after the property tests in file order: reports (and in CI checks) the counts."""
    print(f"\ntoml documents compared with the era oracles, per dialect: {COUNT}")
    if is_ci_size():
        assert all(n >= MIN_CI_DOCUMENTS for n in COUNT.values()), COUNT
