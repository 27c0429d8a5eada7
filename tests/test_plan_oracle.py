"""Differential tests: every field of every pull plan and short-name resolution against Go.

Configurations come from ``strategies_config.config_cases`` (overlapping prefixes, wildcards,
ports, drop-ins, mirrors with every pull-from-mirror value); references come from the same small
host alphabet so that they hit, miss and tie.  Each example sends one configuration with many
references to the oracle, so CI reaches 100,000 (configuration, reference) pairs quickly.

``REGRESOLVE_ORACLE_EXAMPLES`` sets the number of configurations (default 200); the number of
pairs is printed at the end of the session (see ``PAIRS``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve import InvalidConfig, InvalidReference, PlanError, Resolver, ShortNameError
from strategies_config import ConfigCase, config_cases

pytestmark = pytest.mark.oracle

# "ci": the CI size, which compares at least MIN_CI_PAIRS (configuration, reference) pairs
# (about 60% of generated configurations load; the rest are compared as load errors).
_SIZE = os.environ.get("REGRESOLVE_ORACLE_EXAMPLES", "200")
CI_SIZE = _SIZE == "ci"
EXAMPLES = 2_000 if CI_SIZE else int(_SIZE)
REFS_PER_CONFIG = 96 if CI_SIZE else 48
MIN_CI_PAIRS = 100_000
PAIRS = {"plans": 0, "short_names": 0, "find": 0}

DIGEST = "sha256:" + "0123456789abcdef" * 4
# SPEC R-MATCH-2..4: hosts that collide on boundaries, suffixes, ports and first occurrences.
REF_HOSTS = (
    "a.com",
    "b.a.com",
    "c.b.a.com",
    "x.c.b.a.com",
    "a.com.a.com",
    "b.a.com.b.a.com",
    "a.com:5000",
    "b.a.com:5000",
    "a.com:6000",
    "docker.io",
    "index.docker.io",
    "localhost",
    "localhost:5000",
    "m.com",
    "quay.io",
    "A.com",
    "x.com",
    "com",
)
REF_PATHS = ("ns", "ns/x", "ns/x/y", "library/busybox", "busybox", "x", "mirror", "library")
REF_SUFFIXES = ("", ":1", ":latest", "@" + DIGEST, ":1@" + DIGEST, ":v1.2-rc")


@st.composite
def references(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.text(alphabet="abcm.:/@-_5A0*", max_size=30))
    host = draw(st.sampled_from(REF_HOSTS))
    path = draw(st.sampled_from(REF_PATHS))
    suffix = draw(st.sampled_from(REF_SUFFIXES))
    if kind == 1:
        return path + suffix  # familiar: docker.io
    return f"{host}/{path}{suffix}"


short_names = st.sampled_from(
    [
        "foo",
        "bar",
        "library/foo",
        "ns/bar",
        "busybox",
        "foo:1",
        "foo@" + DIGEST,
        "Foo/bar",
        "a.com/foo",
        "localhost/x",
        "x" * 250,
        "foo:1@" + DIGEST,
    ]
)


def _registry_json(reg: regresolve.Registry) -> dict[str, Any]:
    return {
        "prefix": reg.prefix,
        "location": reg.location,
        "insecure": reg.insecure,
        "blocked": reg.blocked,
        "mirror_by_digest_only": reg.mirror_by_digest_only,
        "mirrors": [
            {"location": m.location, "insecure": m.insecure, "pull_from_mirror": m.pull_from_mirror}
            for m in reg.mirrors
        ],
    }


def our_plan(resolver: Resolver, text: str, strip: Any) -> dict[str, Any]:
    try:
        plan = resolver.plan(text)
    except InvalidReference as e:
        return {"error": e.go_message, "sources": []}
    except PlanError as e:
        return {"error": strip(e.go_message), "sources": []}
    return {
        "error": None,
        "reference": str(plan.reference),
        "registry": None if plan.registry is None else _registry_json(plan.registry),
        "sources": [
            {
                "reference": s.reference,
                "location": s.location,
                "insecure": s.insecure,
                "mirror": s.mirror,
                "pull_from_mirror": s.pull_from_mirror,
                "blocked_error": None if s.blocked_error is None else strip(s.blocked_error),
            }
            for s in plan.sources
        ],
    }


def go_plan(answer: dict[str, Any]) -> dict[str, Any]:
    if answer["error"] is not None:
        return {"error": answer["error"], "sources": []}
    return {
        "error": None,
        "reference": answer["reference"],
        "registry": answer["registry"],
        "sources": answer["sources"],
    }


def our_short_name(resolver: Resolver, name: str, strip: Any) -> dict[str, Any]:
    try:
        res = resolver.resolve_short_name(name)
    except ShortNameError as e:
        return {"error": strip(e.go_message), "candidates": []}
    return {
        "error": None,
        "candidates": [
            {"value": str(c.reference), "description": strip(res.description)}
            for c in res.candidates
        ],
    }


def check_case(oracle: Any, case: ConfigCase, refs: list[str], names: list[str]) -> None:
    answer = oracle.request(case.oracle_request(refs=refs, short_names=names, find=refs[:8]))
    with tempfile.TemporaryDirectory(prefix="regresolve-") as tmp:
        root = Path(tmp) / "R"
        case.materialize(root)
        r = str(root)

        def strip(s: str) -> str:
            return s.replace(r, "")

        try:
            conf = regresolve.load_config(**case.load_kwargs(root))
        except InvalidConfig:
            assert answer["error"] is not None
            return  # loading errors are compared in test_config_oracle.py
        assert answer["error"] is None, answer["error"]
        resolver = Resolver(conf, cache_size=0)
        for text, go in zip(refs, answer["plans"], strict=True):
            assert our_plan(resolver, text, strip) == go_plan(go), text
        for name, go in zip(names, answer["short_names"], strict=True):
            assert our_short_name(resolver, name, strip) == {
                "error": go["error"],
                "candidates": go["candidates"],
            }, name
        for text, go in zip(refs[:8], answer["find"], strict=True):
            reg = resolver.find_registry(text)
            assert (None if reg is None else _registry_json(reg)) == go["registry"], text
    PAIRS["plans"] += len(refs)
    PAIRS["short_names"] += len(names)
    PAIRS["find"] += min(8, len(refs))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    case=config_cases(),
    refs=st.lists(references(), min_size=REFS_PER_CONFIG, max_size=REFS_PER_CONFIG),
    names=st.lists(short_names, min_size=1, max_size=4),
)
def test_plans_match_oracle(
    oracle: Any, case: ConfigCase, refs: list[str], names: list[str]
) -> None:
    """SPEC R-PULL-6, R-MATCH-*, R-RW-*, R-SN-3: every plan field and error equals Go's."""
    check_case(oracle, case, refs, names)


def test_pair_count_report() -> None:
    """Runs after the property test in file order: reports (and in CI checks) the pairs."""
    print(f"\noracle pairs compared: {PAIRS}")
    if CI_SIZE:
        assert PAIRS["plans"] >= MIN_CI_PAIRS, PAIRS
