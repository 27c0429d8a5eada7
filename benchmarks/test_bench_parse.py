"""Parsing benchmark: regresolve vs docker-image-py vs Go (containers/image 5.34.2).

All three parse the same realistic references (``INPUTS``: Docker Hub short names, tags,
digests, registries with ports, a few invalid ones) with ``ParseNormalizedNamed`` semantics:

* regresolve: ``parse_reference``;
* docker-image-py: ``docker_image.reference.Reference.parse_normalized_named``;
* Go: the oracle's ``bench_parse`` op, which times ``reference.ParseNormalizedNamed`` in-process
  (no pipe overhead in its number).

Run::

    python -m pytest benchmarks/test_bench_parse.py
    REGRESOLVE_UPDATE_PERF_DOCS=1 python -m pytest benchmarks/test_bench_parse.py

The second form rewrites the section between ``<!-- parse-bench:start -->`` and
``<!-- parse-bench:end -->`` in ``docs/performance.md`` with the numbers of this run.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from regresolve import InvalidReference, parse_reference

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.oracle import Oracle, find_oracle  # noqa: E402

D = "sha256:" + "9b2a1c3d4e5f60718293a4b5c6d7e8f9" * 2

INPUTS: list[str] = [
    # Docker Hub familiar names, as typed on the command line
    "busybox",
    "alpine:3.20",
    "nginx:1.27-alpine",
    "library/redis:7",
    "bitnami/postgresql:16.4.0",
    "grafana/grafana",
    "python:3.12-slim-bookworm",
    "docker.io/library/ubuntu:24.04",
    "index.docker.io/library/debian:bookworm",
    f"busybox@{D}",
    f"docker.io/library/alpine:3.20@{D}",
    # other registries
    "quay.io/prometheus/node-exporter:v1.8.2",
    "registry.k8s.io/pause:3.10",
    "gcr.io/distroless/static-debian12:nonroot",
    "ghcr.io/fluxcd/source-controller:v1.4.1",
    "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
    f"quay.io/openshift-release-dev/ocp-v4.0-art-dev@{D}",
    "registry.example.com:5000/team/app/component:v1.2.3",
    "localhost/my-image:dev",
    "localhost:5000/my_image__x:1",
    "127.0.0.1:5000/test",
    "mcr.microsoft.com/dotnet/aspnet:8.0",
    "public.ecr.aws/docker/library/nginx:stable",
    f"my-registry.internal:8443/a/b/c/d@{D}",
    # invalid input, which a webhook or CLI sees too
    "Busybox",
    "quay.io/Org/app:1",
    "foo:bar:baz",
    "https://quay.io/app",
]

_results: dict[str, float] = {}


def _regresolve_all() -> int:
    ok = 0
    for s in INPUTS:
        try:
            parse_reference(s)
            ok += 1
        except InvalidReference:
            pass
    return ok


def _docker_image_py_all() -> int:
    from docker_image.reference import Reference  # type: ignore[import-untyped]

    ok = 0
    for s in INPUTS:
        try:
            Reference.parse_normalized_named(s)
            ok += 1
        except Exception:
            pass
    return ok


def _best_seconds(benchmark: Any) -> float | None:
    """The fastest round, or None under ``--benchmark-disable`` (the code ran once, untimed)."""
    return None if benchmark.stats is None else float(benchmark.stats.stats.min)


def _record(key: str, benchmark: Any) -> None:
    best = _best_seconds(benchmark)
    if best is not None:
        _results[key] = best / len(INPUTS) * 1e9


def test_regresolve(benchmark: Any) -> None:
    assert benchmark(_regresolve_all) == 24
    _record("regresolve", benchmark)


def test_docker_image_py(benchmark: Any) -> None:
    pytest.importorskip("docker_image")
    benchmark(_docker_image_py_all)
    _record("docker-image-py", benchmark)


def test_go(benchmark: Any) -> None:
    if find_oracle() is None:
        pytest.skip("Go oracle not built: bash tests/oracle/build.sh")
    with Oracle() as oracle:
        oracle.bench_parse(INPUTS, 2_000)  # warm up
        answers: list[float] = []

        def run() -> None:
            answers.append(oracle.bench_parse(INPUTS, 20_000)["ns_per_op"])

        benchmark.pedantic(run, rounds=5, iterations=1)
    # Go's own timer, best of the rounds (same statistic as the Python rows).
    _results["go"] = min(answers)
    benchmark.extra_info["go_ns_per_op"] = _results["go"]


# Adversarial input of 64 KiB: the linear-time guarantee (tests/test_reference_linear.py
# asserts < 50 ms; the Go separator written verbatim would take hours on the first one).
ADVERSARIAL = {
    "a*n + '!'": "a" * (64 * 1024 - 1) + "!",
    "'a-'*n": "a-" * (32 * 1024),
    "'a__'*n": "a__" * (64 * 1024 // 3),
    "'a/'*n": "a/" * (32 * 1024),
    "'a.'*n + 'a/b!'": "a." * (32 * 1024 - 2) + "a/b!",
    "long port": "a:" + "1" * (64 * 1024 - 6) + "/b!",
}


@pytest.mark.parametrize("shape", list(ADVERSARIAL))
def test_regresolve_adversarial_64k(benchmark: Any, shape: str) -> None:
    text = ADVERSARIAL[shape]

    def run() -> None:
        with contextlib.suppress(InvalidReference):
            parse_reference(text)

    benchmark(run)
    best = _best_seconds(benchmark)
    if best is not None:
        _adversarial[shape] = best * 1e3


_adversarial: dict[str, float] = {}


def _section() -> str:
    ours = _results["regresolve"]
    rows = [("regresolve (`parse_reference`)", ours)]
    if "go" in _results:
        rows.append(("Go containers/image 5.34.2 (`ParseNormalizedNamed`)", _results["go"]))
    if "docker-image-py" in _results:
        rows.append(("docker-image-py (`parse_normalized_named`)", _results["docker-image-py"]))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    lines = [
        "## Parsing",
        "",
        f"`benchmarks/test_bench_parse.py`, {len(INPUTS)} realistic references (short names,",
        "tags, digests, registries with ports, 4 invalid), parsed with `ParseNormalizedNamed`",
        "semantics; time per reference, best round.  Go is timed inside the oracle process.",
        "",
        "| implementation | ns per reference | relative to regresolve |",
        "|---|---:|---:|",
    ]
    for label, ns in rows:
        lines.append(f"| {label} | {ns:,.0f} | {ns / ours:.2f}x |")
    if _adversarial:
        worst = max(_adversarial, key=lambda k: _adversarial[k])
        lines += [
            "",
            f'Adversarial 64 KiB inputs ({len(_adversarial)} shapes, e.g. `"a" * n + "!"`):',
            f"the slowest, {worst}, takes {_adversarial[worst]:.1f} ms (linear time; the",
            "verbatim Go separator pattern would backtrack exponentially).",
        ]
    lines += [
        "",
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())} at commit `{commit}`, "
        f"CPython {platform.python_version()}, {platform.machine()} "
        f"({os.cpu_count()} CPUs, {platform.system()}).",
    ]
    return "\n".join(lines)


def test_write_performance_docs() -> None:
    """Runs last in this module; rewrites the docs section when asked to."""
    if not os.environ.get("REGRESOLVE_UPDATE_PERF_DOCS"):
        pytest.skip("set REGRESOLVE_UPDATE_PERF_DOCS=1 to rewrite docs/performance.md")
    if "regresolve" not in _results:
        pytest.skip("the regresolve benchmark did not run (--benchmark-disable?)")
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- parse-bench:start -->", "<!-- parse-bench:end -->"
    before, _, rest = text.partition(start)
    _, found, after = rest.partition(end)
    assert found, f"{path} lacks the {start} ... {end} markers"
    path.write_text(f"{before}{start}\n{_section()}\n{end}{after}", encoding="utf-8")
