"""Unit tests of the e2e machinery itself (no binaries, no root needed).

The log lines are in the exact shape podman 4.3.1 / skopeo 1.9.3 print them (logrus text
format, Go ``%q`` quoting); the retry notice is containers/common 0.50.1's ``pkg/retry``.
"""

from __future__ import annotations

import pytest

from support.e2e_harness import (
    NotLoopback,
    check_loopback_config,
    check_loopback_reference,
    parse_log,
)
from support.e2e_scenarios import SCENARIOS, podman_candidate


def _line(msg: str, level: str = "debug") -> str:
    quoted = msg.replace("\\", "\\\\").replace('"', '\\"')
    return f'time="2026-01-01T00:00:00Z" level={level} msg="{quoted}"'


def test_parse_log_orders_attempts_and_marks_outcomes() -> None:
    blocked = (
        "registry 127.0.0.2:5000/bad is blocked in /etc/containers/registries.conf"
        " or /root/.config/containers/registries.conf.d"
    )
    log = "\n".join(
        [
            _line("Attempting to pull candidate 127.0.0.1:5000/a:1 for 127.0.0.1:5000/a:1"),
            "Trying to pull 127.0.0.1:5000/a:1...",
            _line('Trying to access "127.0.0.2:5000/bad/a:1"'),
            _line(f'Accessing "127.0.0.2:5000/bad/a:1" failed: {blocked}'),
            _line('Trying to access "127.0.0.3:5000/m/a:1"'),
            _line(
                'Accessing "127.0.0.3:5000/m/a:1" failed: reading manifest 1 in x: manifest unknown'
            ),
            _line('Trying to access "127.0.0.1:5000/a:1"'),
            _line("Pulled candidate 127.0.0.1:5000/a:1 successfully"),
        ]
    )
    trace = parse_log(log)
    assert trace.events == [
        "candidate 127.0.0.1:5000/a:1",
        "127.0.0.2:5000/bad/a:1 blocked",
        "127.0.0.3:5000/m/a:1",
        "127.0.0.1:5000/a:1 ok",
    ]
    assert trace.errors["127.0.0.2:5000/bad/a:1"] == blocked
    assert not trace.retried


def test_parse_log_stops_at_first_retry() -> None:
    log = "\n".join(
        [
            _line('Trying to access "127.0.0.1:5000/a:1"'),
            _line('Accessing "127.0.0.1:5000/a:1" failed: dial tcp: connection refused'),
            _line("Failed, retrying in 1s ... (1/3). Error: connection refused", level="warning"),
            _line('Trying to access "127.0.0.1:5000/a:1"'),
        ]
    )
    trace = parse_log(log)
    assert trace.events == ["127.0.0.1:5000/a:1"]
    assert trace.retried


def test_parse_log_reads_short_name_descriptions() -> None:
    desc = 'Resolving "app" using unqualified-search registries (/etc/containers/registries.conf)'
    trace = parse_log(_line(desc) + "\n" + desc)
    assert trace.descriptions == [desc]


_WITH_MIRROR = '[[registry]]\nlocation = "127.0.0.1:5000"\n[[registry.mirror]]\n'


@pytest.mark.parametrize(
    "text",
    [
        '[[registry]]\nlocation = "quay.io/x"\n',
        _WITH_MIRROR + 'location = "10.0.0.1:5000"\n',
        _WITH_MIRROR + 'location = "127.0.0.2/m"\n',  # a mirror needs a port
        'unqualified-search-registries = ["docker.io"]\n',
        '[aliases]\n"x" = "example.com/x"\n',
        '[registries.search]\nregistries = ["registry.fedoraproject.org"]\n',
        '[[registry]]\nprefix = "*.example.com"\nlocation = "127.0.0.1:5000"\n',
    ],
)
def test_refuses_non_loopback_configuration(text: str) -> None:
    with pytest.raises(NotLoopback):
        check_loopback_config({"registries.conf": text})


@pytest.mark.parametrize("ref", ["quay.io/x:1", "127.0.0.1/x:1", "[::1]:5000/x", "10.1.1.1:5000/x"])
def test_refuses_non_loopback_reference(ref: str) -> None:
    with pytest.raises(NotLoopback):
        check_loopback_reference(ref)


def test_every_scenario_is_loopback_only() -> None:
    names = [sc.name for sc in SCENARIOS]
    assert len(names) == len(set(names))
    assert len(SCENARIOS) >= 25
    for sc in SCENARIOS:
        check_loopback_config(sc.files())
        for pull in sc.pulls:
            check_loopback_reference(pull.ref)


def test_podman_candidate_rules() -> None:
    assert podman_candidate("127.0.0.1:5000/a") == "127.0.0.1:5000/a:latest"
    assert podman_candidate("127.0.0.1:5000/a:1") == "127.0.0.1:5000/a:1"
    digest = "sha256:" + "b" * 64
    assert podman_candidate(f"127.0.0.1:5000/a:1@{digest}") == f"127.0.0.1:5000/a@{digest}"
    assert podman_candidate(f"127.0.0.1:5000/a@{digest}") == f"127.0.0.1:5000/a@{digest}"
