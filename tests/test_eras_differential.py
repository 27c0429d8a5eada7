"""Differential tests per containers/image era: regresolve with ``version=<era>`` against the
era oracles (tests/oracle/eras/: 5.23.1, 5.26.1, 5.39.2, 5.41.1, and the control era 5.34.2,
which must agree with the main oracle's semantics, i.e. our default).

* ``test_plans``: mostly loadable configurations (the era generator, the resolver's and the
  loader's generators) with 100 references per request; every plan, short name, local name,
  alias lookup and ``FindRegistry`` result must equal Go's.
* ``test_loading``: hostile file sets over every place some era reads (v1 and v2 mixed,
  invalid aliases, dangling drop-ins, masking, TOML quirks): the load error or configuration.
* ``test_discovery``: layouts with an environment (``CONTAINERS_REGISTRIES_CONF``,
  ``_OVERRIDE``, ``XDG_CONFIG_HOME``, ``_CONTAINERS_ROOTLESS_UID``) or another home; each is a
  fresh oracle process per era, so there are fewer of them.
* ``test_fixed``: the discovery and error-text cases of each change (support/era_fixed.py),
  one test per era and case.

Each generated example goes to every era (generating costs as much as comparing), and a
failure lists the differences of every era.  Comparison rules (tests/oracle/eras/ERAS.md,
"Caveats"): support/era_compare.py.

Environment:

* ``REGRESOLVE_ORACLE_EXAMPLES``: unset for a quick run; ``ci`` for at least 20,000 plan pairs
  per era (and the other minimums of ``MIN_CI``), asserted by ``test_counts``, which runs last.
* ``REGRESOLVE_ERAS``: a comma-separated subset of eras to compare (default: all five).
* ``REGRESOLVE_ERA_REPORT``: a file; differences are appended to it as JSON lines instead of
  stopping at the first example that differs, and ``test_counts`` fails if there were any (a
  whole run's list of differences, for the person fixing them).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from support.era_compare import (
    Mismatch,
    Probe,
    era_mismatches,
    fast_tmpdir_environment,
    materialized,
    probe_request,
)
from support.era_fixed import FIXED_PROBES
from support.oracle_eras import CONTROL_ERA, ERAS, EraOracle, era_oracle
from support.oracle_size import examples, is_ci_size
from support.strategies_eras import (
    REF_POOL,
    EraCase,
    era_env_cases,
    era_plan_cases,
    mixed_cases,
    sample_lists,
)
from support.strategies_plan import modes, short_names

pytestmark = pytest.mark.oracle

ALL_ERAS = (*ERAS, CONTROL_ERA)
_SELECTED = os.environ.get("REGRESOLVE_ERAS", "")
ERAS_UNDER_TEST = tuple(e for e in ALL_ERAS if not _SELECTED or e in _SELECTED.split(","))
REPORT = os.environ.get("REGRESOLVE_ERA_REPORT", "")

REFS_PER_PLAN_CASE = 100
#: CI sizes.  About 90% of the plan configurations load in every era (85% in 5.41, which refuses
#: v1 files), so 300 x 100 references give over 25,000 plan pairs per era; the loading and
#: discovery runs add about 1,500.  About 75 s on two cores with the oracles' roots on a tmpfs.
PLAN_EXAMPLES = examples(default=20, ci=300)
LOAD_EXAMPLES = examples(default=30, ci=500)
ENV_EXAMPLES = examples(default=10, ci=160)
MIN_CI = {"plans": 20_000, "loaded": 400, "load_errors": 250, "fresh_process": 120}

COUNTS: dict[str, Counter[str]] = {era: Counter() for era in ALL_ERAS}
DIFFERENCES: Counter[str] = Counter()

#: How the release is named to load_config: exactly ("5.23.1"), by minor ("5.23"), or (the
#: control era only) not at all: the default must be 5.34.
FORMS = st.sampled_from(["exact", "minor"])
CONTROL_FORMS = st.sampled_from(["exact", "minor", "default"])


_STARTED: set[str] = set()


def oracle(era: str) -> EraOracle:
    """The session's oracle of ``era``, started (if this module starts it) with its private
    root on a tmpfs: it rewrites that root for every request, which is several times slower on
    a journaled disk (see support.era_compare.fast_tmpdir)."""
    client = era_oracle(era)
    if era not in _STARTED:
        with fast_tmpdir_environment():
            client.version()
        _STARTED.add(era)
    return client


def compare(era: str, probe: Probe, form: str, root: Path) -> list[Mismatch]:
    """One probe, one era: count it and return the differences."""
    answer = oracle(era).request(probe_request(probe, era))
    version = {"exact": "exact", "minor": era, "default": None}[form]
    out = era_mismatches(probe, era, answer, version=version, root=root)
    counts = COUNTS[era]
    counts["requests"] += 1
    counts["fresh_process"] += probe.case.fresh_process
    if out.loaded:
        counts["loaded"] += 1
        counts["plans"] += out.plans
        counts["short_names"] += out.names
    else:
        counts["load_errors"] += 1
    return out.mismatches


def check(probe: Probe, eras: tuple[str, ...], data: st.DataObject | None = None) -> None:
    """``probe`` against every era in ``eras``; all their differences in one failure."""
    failed: list[str] = []
    forms = dict.fromkeys(eras, "exact")
    if data is not None:
        for era in eras:
            forms[era] = data.draw(CONTROL_FORMS if era == CONTROL_ERA else FORMS, label=era)
    with materialized(probe.case) as root:
        results = {era: compare(era, probe, forms[era], root) for era in eras}
    for era, mismatches in results.items():
        form = forms[era]
        if not mismatches:
            continue
        if REPORT:
            DIFFERENCES[era] += 1
            with open(REPORT, "a", encoding="utf-8") as f:
                for m in mismatches:
                    row: dict[str, Any] = {"era": era, "form": form, "kind": m.kind, "item": m.item}
                    row.update(ours=m.ours, go=m.go, probe=probe.to_json())
                    f.write(json.dumps(row, default=str) + "\n")
            continue
        failed.append(f"c/image {era} ({form}):\n" + "\n".join(map(str, mismatches)))
    assert not failed, "\n".join(failed)


#: No shrinking: the era generators draw one seed each (support/strategies_eras.py), which does
#: not shrink; a failure prints the whole probe and every difference instead.
SETTINGS = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NAMES = st.lists(short_names, min_size=1, max_size=4, unique=True)


@st.composite
def plan_probes(draw: st.DrawFn) -> Probe:
    case, cache = draw(era_plan_cases())
    refs = draw(sample_lists(REF_POOL, REFS_PER_PLAN_CASE))
    return Probe(case, refs=refs, names=draw(NAMES), mode=draw(modes), cache=cache)


@st.composite
def probes(draw: st.DrawFn, cases: st.SearchStrategy[EraCase], nrefs: int) -> Probe:
    return Probe(draw(cases), refs=draw(sample_lists(REF_POOL, nrefs)), names=draw(NAMES))


@pytest.mark.property
@settings(SETTINGS, max_examples=PLAN_EXAMPLES)
@given(data=st.data(), probe=plan_probes())
def test_plans(data: st.DataObject, probe: Probe) -> None:
    check(probe, ERAS_UNDER_TEST, data)


@pytest.mark.property
@settings(SETTINGS, max_examples=LOAD_EXAMPLES)
@given(probe=probes(mixed_cases(), 6))
def test_loading(probe: Probe) -> None:
    check(probe, ERAS_UNDER_TEST)


@pytest.mark.property
@settings(SETTINGS, max_examples=ENV_EXAMPLES)
@given(probe=probes(era_env_cases(), 16))
def test_discovery(probe: Probe) -> None:
    check(probe, ERAS_UNDER_TEST)


@pytest.mark.parametrize("era", ALL_ERAS, ids=lambda e: f"c-image-{e}")
@pytest.mark.parametrize("name", sorted(FIXED_PROBES))
def test_fixed(era: str, name: str) -> None:
    check(FIXED_PROBES[name], (era,))


@pytest.mark.property
def test_counts() -> None:
    """Runs after the tests above (file order): reports and, at CI size, asserts the counts."""
    report: dict[str, Any] = {era: dict(sorted(COUNTS[era].items())) for era in ERAS_UNDER_TEST}
    print(f"\nera comparisons: {report}")
    assert not DIFFERENCES, f"probes that differ, per era: {dict(DIFFERENCES)} (see {REPORT})"
    if is_ci_size():
        for era in ERAS_UNDER_TEST:
            short = {k: n for k, n in MIN_CI.items() if COUNTS[era][k] < n}
            assert not short, f"c/image {era}: too few {short}: {report[era]}"
