"""Differential tests: every field of every pull plan and short-name resolution against Go.

Two configuration generators feed the same comparison:

* ``strategies_config.config_cases`` (the loader's generator: drop-ins, v1, odd keys,
  overlapping prefixes and wildcards, mirrors with every pull-from-mirror value);
* ``strategies_plan.plan_cases``: always-valid files aimed at the resolver itself: long and odd
  locations (canonical failures, the 255-character limit, uppercase, ports), blocked entries
  covering mirrors, namespaces, aliases and a user alias cache (valid, masking or corrupt).

References come from the same small host alphabet so that they hit, miss and tie.  Each
example sends one configuration with many references to the oracle in one request.
``REGRESOLVE_ORACLE_EXAMPLES`` sets the number of configurations per generator (default 200),
``REGRESOLVE_REFS_PER_CONFIG`` the references per configuration (default 64); the pairs
compared are printed at the end (``test_pair_count_report``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.oracle_size import examples, is_ci_size
from support.plan_compare import compare_with_answer, oracle_request
from support.strategies_config import ConfigCase, config_cases
from support.strategies_plan import modes, plan_cases, references, short_names

pytestmark = pytest.mark.oracle

# CI: two generators x 1,400 configurations x 64 references; about 60% of the loader's
# configurations and most of the resolver-focused ones load, so >= 100,000 plan pairs.
EXAMPLES = examples(default=200, ci=1_400)
MIN_CI_PAIRS = 100_000
REFS_PER_CONFIG = int(os.environ.get("REGRESOLVE_REFS_PER_CONFIG", "64"))
PAIRS = {"configs": 0, "plans": 0, "short_names": 0, "local_names": 0, "find": 0}


def check_case(  # noqa: PLR0917 - one differential comparison
    oracle: Any,
    case: ConfigCase,
    refs: list[str],
    names: list[str],
    mode: str | None,
    cache: str | None = None,
) -> None:
    answer = oracle.request(oracle_request(case, refs, names, mode))
    if compare_with_answer(case, cache, refs, names, mode, answer):
        PAIRS["configs"] += 1
        PAIRS["plans"] += len(refs)
        PAIRS["short_names"] += len(names)
        PAIRS["local_names"] += len(names)
        PAIRS["find"] += min(8, len(refs))


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REFS = st.lists(references(), min_size=REFS_PER_CONFIG, max_size=REFS_PER_CONFIG)
NAMES = st.lists(short_names, min_size=1, max_size=6, unique=True)


@pytest.mark.property
@SETTINGS
@given(case=config_cases(), refs=REFS, names=NAMES, mode=modes)
def test_plans_match_oracle_loader_configs(
    oracle: Any, case: ConfigCase, refs: list[str], names: list[str], mode: str | None
) -> None:
    """SPEC R-PULL-6, R-MATCH-*, R-RW-*, R-SN-*: every field and error equals Go's."""
    check_case(oracle, case, refs, names, mode)


@pytest.mark.property
@SETTINGS
@given(case_and_cache=plan_cases(), refs=REFS, names=NAMES, mode=modes)
def test_plans_match_oracle_resolver_configs(
    oracle: Any,
    case_and_cache: tuple[ConfigCase, str | None],
    refs: list[str],
    names: list[str],
    mode: str | None,
) -> None:
    """SPEC R-PULL-5, R-RW-4, R-SN-6: blocked sources, canonical failures, the user cache."""
    case, cache = case_and_cache
    check_case(oracle, case, refs, names, mode, cache)


@pytest.mark.property
def test_pair_count_report() -> None:
    """Runs after the property tests in file order: reports the pairs compared."""
    print(f"\noracle pairs compared: {PAIRS}")
    if is_ci_size():
        assert PAIRS["plans"] >= MIN_CI_PAIRS, PAIRS
