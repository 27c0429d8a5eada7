"""Property test against podman and skopeo themselves (issue 20).

Hypothesis generates registries.conf files and drop-ins whose every host is a loopback
endpoint of the test registry (``e2e_property_gen``), which serves the image on some
listeners, answers 404 on the others and refuses connections on ports nobody listens on;
and a reference (tags, digests, tag+digest, short names).  Each case runs ``podman pull``
and, for a fully qualified reference, ``skopeo inspect`` in the loopback-only namespace, and
compares what they logged with ``regresolve.plan_image`` under the ``podman-4.3`` and
``skopeo-1.9`` profiles (containers/image 5.23.1): see ``e2e_property`` for every check.

A disagreement shrinks to a minimal case, reported with a ready-to-paste entry for
``tests/support/e2e_scenarios.py``.  Sizes: ``REGRESOLVE_E2E_EXAMPLES`` (a number, or ``ci``);
with ``CI`` set the CI size (400 cases) runs with a fixed seed and its count is asserted by
``test_case_count``.  ``REGRESOLVE_E2E_REPLAY=FILE`` replays one saved scenario entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, seed, settings

from support.e2e_harness import (
    Sandbox,
    Trace,
    check_loopback_config,
    check_loopback_reference,
)
from support.e2e_property import (
    CI_CASES,
    Outcome,
    Run,
    Runner,
    events_of,
    examples,
    is_ci_size,
    predict,
)
from support.e2e_property_gen import (
    Case,
    cases,
    d,
)
from support.e2e_property_report import load_entry, report, scenario_entry
from support.e2e_registry import IMAGE_DIGEST
from support.e2e_scenarios import SCENARIOS, expected_events

REPLAY_ENV = "REGRESOLVE_E2E_REPLAY"
T = TypeVar("T")

IN_CI = bool(os.environ.get("CI"))
#: CI runs the same cases every time (this seed, no example database); locally each run
#: draws a new seed, and Hypothesis's database in .hypothesis/ replays a failure first.
CI_SEED = 20261201

SETTINGS = settings(
    max_examples=examples(),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    **({"database": None} if IN_CI else {}),
)


def fixed_seed_in_ci(test: T) -> T:
    return seed(CI_SEED)(test) if IN_CI else test


@pytest.fixture(scope="module")
def runner(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    """One registry for the whole module; each case rewrites what it serves."""
    root = tmp_path_factory.mktemp("e2e-property")
    serve_file = root / "serve.txt"
    serve_file.write_text("")
    log = root / "requests.jsonl"
    with sandbox.registry(log, serve_file=serve_file):
        yield Runner(sandbox, root / "cases", serve_file, log)


def _check(runner: Runner, case: Case) -> Outcome:
    outcome = runner.run(case)
    if outcome.problems:
        raise AssertionError(report(outcome))
    runner.clean(outcome)
    return outcome


@pytest.mark.e2e
@pytest.mark.slow
@fixed_seed_in_ci
@SETTINGS
@given(case=cases())
def test_binaries_agree_with_regresolve(runner: Runner, case: Case) -> None:
    """SPEC R-PULL-1..6, R-MATCH-*, R-RW-*, R-SN-*: podman and skopeo do what regresolve plans."""
    _check(runner, case)


@pytest.mark.e2e
@pytest.mark.slow
def test_case_count(runner: Runner) -> None:
    """Runs after the property test (file order): reports the cases and asserts the CI size."""
    print(f"\ne2e property cases: {dict(sorted(runner.counts.items()))}")
    if is_ci_size():
        assert runner.counts["cases"] >= CI_CASES, runner.counts


def _scenario_cases() -> list[tuple[str, Case]]:
    """The hand-written scenarios' pulls as cases (all of them: regresolve loads as 5.23.1)."""
    out = []
    for sc in SCENARIOS:
        for i, pull in enumerate(sc.pulls):
            out.append((f"{sc.name}-{i}", Case(sc.main, pull.ref, dict(sc.dropins), sc.serve)))
    return out


def _replayed() -> list[tuple[str, Case]]:
    path = os.environ.get(REPLAY_ENV)
    if not path:
        return _scenario_cases()
    sc = load_entry(Path(path).read_text())
    return [
        (f"{sc.name}-{i}", Case(sc.main, p.ref, dict(sc.dropins), sc.serve))
        for i, p in enumerate(sc.pulls)
    ]


@pytest.mark.e2e
@pytest.mark.slow
def test_replay(runner: Runner) -> None:
    """The property test's checks on recorded entries: ``REGRESOLVE_E2E_REPLAY=FILE`` (one
    entry printed by a failure), else every hand-written scenario's pull, which keeps the
    property test's model of the binaries honest against the checked expectations."""
    failures = []
    for name, case in _replayed():
        outcome = runner.run(case)
        print(f"{name}: {case.ref}")
        for tool, run in outcome.runs.items():
            print(f"  {tool}: {run.events}\n  regresolve: {outcome.predictions[tool].events}")
        if outcome.problems:
            failures.append(f"{name}:\n{report(outcome)}")
        else:
            runner.clean(outcome)
    assert not failures, "\n\n".join(failures)


# -- the machinery itself (no binaries, no root) --------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_generated_cases_are_loopback_only(case: Case) -> None:
    check_loopback_config(case.files())
    check_loopback_reference(d(case.ref))
    for line in case.serve:
        check_loopback_reference(line)


def _run(tool: str, events: list[str], *, rc: int = 1, stderr: str = "") -> Run:
    return Run(tool, events, {}, [], [], rc, False, stderr, [])


CONF = """
[[registry]]
prefix = "127.0.0.1:5000/app"
location = "127.0.0.1:5000/app"
insecure = true

[[registry.mirror]]
location = "127.0.0.2:5002/m"
insecure = true

[[registry.mirror]]
location = "127.0.0.3:5000/m"
"""


def test_prediction_models_refusal_tls_and_retries() -> None:
    served = Case(CONF, "127.0.0.1:5000/app:1", serve=("127.0.0.3:5000/*",))
    pred = predict(served, "skopeo")
    # refused mirror, secure mirror (untrusted certificate even though it serves), primary
    assert pred.events == [
        "127.0.0.2:5002/m:1",
        "127.0.0.3:5000/m:1",
        "127.0.0.1:5000/app:1",
    ]
    assert not pred.succeeded
    assert not pred.retried
    both = Case(CONF, "127.0.0.1:5000/app@D", serve=("127.0.0.1:5000/*",))
    assert predict(both, "podman").events[-1] == f"127.0.0.1:5000/app@{IMAGE_DIGEST} ok"
    # the primary on a port nobody listens on: podman retries, skopeo (--retry-times 0) not
    refused = Case(
        CONF.replace('location = "127.0.0.1:5000', 'location = "127.0.0.1:5002'),
        "127.0.0.1:5000/app:1",
    )
    assert predict(refused, "podman").retried
    assert not predict(refused, "skopeo").retried


def test_scenario_entry_round_trips() -> None:
    case = Case(
        CONF,
        "127.0.0.1:5000/app:1@D",
        dropins={"10-a.conf": 'unqualified-search-registries = ["127.0.0.2:5000"]\n'},
        serve=("127.0.0.1:5000/*",),
    )
    ok = f"127.0.0.1:5000/app@{IMAGE_DIGEST} ok"
    runs = {
        "podman": _run(
            "podman",
            [
                f"candidate 127.0.0.1:5000/app@{IMAGE_DIGEST}",
                f"127.0.0.2:5002/m@{IMAGE_DIGEST}",
                f"127.0.0.3:5000/m@{IMAGE_DIGEST}",
                ok,
            ],
            rc=0,
        ),
        "skopeo": _run(
            "skopeo",
            [],
            stderr='level=fatal msg="Error parsing image name \\"docker://x\\": Docker references'
            ' with both a tag and digest are currently not supported"',
        ),
    }
    entry = scenario_entry(case, runs, "example")
    assert "# CHECK" not in entry
    assert "# a port nobody listens on was tried" in entry  # 127.0.0.2:5002
    sc = load_entry(entry)
    assert {k: v.lstrip() for k, v in sc.files().items()} == {
        k: v.lstrip() for k, v in case.files().items()
    }
    assert sc.serve == ("127.0.0.1:5000/app",)
    (pull,) = sc.pulls
    for tool, run in runs.items():
        assert [d(e) for e in expected_events(pull, tool)] == run.events
    assert pull.tool_error == {
        "skopeo": "Docker references with both a tag and digest are currently not supported"
    }


def test_events_of_names_the_blocking_prefix() -> None:
    trace = Trace(
        ["127.0.0.2:5000/bad/a:1 blocked"],
        [],
        {"127.0.0.2:5000/bad/a:1": "registry 127.0.0.2:5000/bad is blocked in /a or /b"},
        False,
    )
    assert events_of(trace.events, trace.errors) == [
        "127.0.0.2:5000/bad/a:1 blocked by 127.0.0.2:5000/bad"
    ]


def test_sizes_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("REGRESOLVE_E2E_EXAMPLES", "CI", "REGRESOLVE_ORACLE_EXAMPLES"):
        monkeypatch.delenv(var, raising=False)
    assert not is_ci_size()
    assert examples() < CI_CASES
    monkeypatch.setenv("CI", "1")
    assert is_ci_size()
    assert examples() == CI_CASES
    monkeypatch.setenv("REGRESOLVE_E2E_EXAMPLES", "2000")
    assert not is_ci_size()
    assert examples() == 2000
