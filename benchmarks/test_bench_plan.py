"""Plan and load benchmarks at N = 10 .. 100,000 entries, side by side with Go.

Workloads (``benchmarks/_data.py``): an oc-mirror-shaped registries.conf with N entries; a
reference that hits the *last* entry by tag and by digest, one that misses every entry, one
that matches a wildcard, a Docker Hub short name planned as a reference, and short-name
resolution through an alias.  For each N this measures:

* ``plan`` (no cache), ``plan`` with a warm cache, ``resolve_short_name``;
* loading the file (``load_config``, reading included) and Go's cold ``GetRegistries``;
* memory per entry (tracemalloc: the loaded configuration plus the compiled Resolver);
* Go: the oracle's ``bench_plan`` (ParseNormalizedNamed, TagNameOnly, FindRegistry,
  PullSourcesFromReference and the per-source blocked check, timed in-process).

Run::

    python -m pytest benchmarks/test_bench_plan.py
    REGRESOLVE_UPDATE_PERF_DOCS=1 python -m pytest benchmarks/test_bench_plan.py

The second form (its last test) rewrites the ``plan-bench`` section of docs/performance.md
and the plot ``docs/img/plan-vs-n.png`` (needs matplotlib) from this run's medians.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import regresolve
from regresolve import RegistriesConf, Resolver

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _data import SIZES, registries_conf, workloads  # noqa: E402

from support.oracle import Oracle, find_oracle  # noqa: E402

PLAN_WORKLOADS = ("hit-tag", "hit-digest", "miss", "wildcard", "short")
CONF_PATH = "/etc/containers/registries.conf"

# results[(N, row)] = ns per operation (median); rows: "plan:<w>", "go:<w>", "cached",
# "short-name", "load", "go-load", "bytes-per-entry".
results: dict[tuple[int, str], float] = {}
_texts: dict[int, str] = {}
_resolvers: dict[int, Resolver] = {}


def _text(n: int) -> str:
    if n not in _texts:
        _texts[n] = registries_conf(n)
    return _texts[n]


def _resolver(n: int, cache_size: int = 0) -> Resolver:
    if n not in _resolvers:
        _resolvers[n] = Resolver(RegistriesConf.from_toml(_text(n), path=CONF_PATH), cache_size=0)
    base = _resolvers[n]
    return base if cache_size == 0 else Resolver(base.conf, cache_size=cache_size)


def _median_ns(benchmark: Any) -> float | None:
    return None if benchmark.stats is None else float(benchmark.stats.stats.median) * 1e9


def _keep(n: int, row: str, benchmark: Any) -> None:
    ns = _median_ns(benchmark)
    if ns is not None:
        results[(n, row)] = ns


@pytest.mark.parametrize("workload", PLAN_WORKLOADS)
@pytest.mark.parametrize("n", SIZES)
def test_plan(benchmark: Any, n: int, workload: str) -> None:
    resolver = _resolver(n)
    ref = workloads(n)[workload][0]
    plan = benchmark(resolver.plan, ref)
    assert plan.sources
    _keep(n, f"plan:{workload}", benchmark)


@pytest.mark.parametrize("n", SIZES)
def test_plan_cached(benchmark: Any, n: int) -> None:
    resolver = _resolver(n, cache_size=1024)
    ref = workloads(n)["hit-tag"][0]
    first = resolver.plan(ref)
    assert benchmark(resolver.plan, ref) is first
    _keep(n, "cached", benchmark)


@pytest.mark.parametrize("n", SIZES)
def test_short_name(benchmark: Any, n: int) -> None:
    resolver = _resolver(n)
    res = benchmark(resolver.resolve_short_name, "app")
    assert res.rationale == "alias"
    _keep(n, "short-name", benchmark)


@pytest.mark.parametrize("n", SIZES)
def test_load(benchmark: Any, n: int, tmp_path: Path) -> None:
    path = tmp_path / "registries.conf"
    path.write_text(_text(n))
    kwargs: dict[str, Any] = {
        "path": str(path),
        "dropin_dirs": [],
        "home": str(tmp_path),
        "env": {},
    }
    conf = benchmark.pedantic(
        regresolve.load_config, kwargs=kwargs, rounds=5 if n >= 10_000 else 10, iterations=1
    )
    assert len(conf.registries) == n
    if benchmark.stats is not None:  # loading: best of the rounds, as for Go below
        results[(n, "load")] = float(benchmark.stats.stats.min) * 1e9


@pytest.mark.parametrize("n", [n for n in SIZES if n >= 1_000])
def test_memory_per_entry(n: int) -> None:
    text = _text(n)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    resolver = Resolver(RegistriesConf.from_toml(text, path=CONF_PATH))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(resolver.conf.registries) == n
    results[(n, "bytes-per-entry")] = (after - before) / n


@pytest.fixture(scope="module")
def oracle() -> Any:
    if find_oracle() is None:
        if os.environ.get("CI"):
            pytest.fail("Go oracle not built: bash tests/oracle/build.sh")
        pytest.skip("Go oracle not built: bash tests/oracle/build.sh")
    with Oracle() as o:
        yield o


@pytest.mark.parametrize("n", SIZES)
def test_go(oracle: Any, n: int) -> None:
    """Go's numbers for the same file and references (timed inside the oracle)."""
    files = {CONF_PATH: _text(n)}
    iterations = max(50, 200_000 // n)
    loads = []  # every call loads the file once (cold): Go's loading is the best of them
    for workload in PLAN_WORKLOADS:
        ref = workloads(n)[workload][0]
        runs = []
        for _ in range(5):
            ans = oracle.bench_plan([ref], iterations, files=files, load_runs=1)
            assert ans["error"] is None
            runs.append(ans["ns_per_op"])
            loads.append(ans["load_ns"])
        results[(n, f"go:{workload}")] = statistics.median(runs)
    results[(n, "go-load")] = min(loads)


# -- report --------------------------------------------------------------------------------


def _fmt_ns(ns: float | None) -> str:
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:,.1f} ms"
    return f"{ns / 1e3:,.2f} µs"


def _ratio(go: float | None, ours: float | None) -> str:
    if go is None or ours is None:
        return "—"
    return f"{go / ours:,.1f}×"


def _report() -> str:
    get = results.get
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    lines = [
        "## Plans and loading",
        "",
        "`benchmarks/test_bench_plan.py`: an oc-mirror-shaped registries.conf with N entries",
        "(`benchmarks/_data.py`), medians of one run (loading: the best of several loads on",
        "each side).  *Go* is containers/image 5.34.2 timed inside the oracle on the same file",
        "and references; *speed-up* is Go's time divided by ours (above 1 means regresolve is",
        "faster).  `plan()` is timed without the cache.",
        "",
        "| N | workload | regresolve | Go | speed-up |",
        "|---:|---|---:|---:|---:|",
    ]
    for n in SIZES:
        for w in PLAN_WORKLOADS:
            ours, go = get((n, f"plan:{w}")), get((n, f"go:{w}"))
            lines.append(f"| {n:,} | {w} | {_fmt_ns(ours)} | {_fmt_ns(go)} | {_ratio(go, ours)} |")
    lines += [
        "",
        "| N | plan, warm cache | short name (alias) | load file | Go load | load speed-up "
        "| memory per entry |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in SIZES:
        mem = get((n, "bytes-per-entry"))
        lines.append(
            f"| {n:,} | {_fmt_ns(get((n, 'cached')))} | {_fmt_ns(get((n, 'short-name')))} "
            f"| {_fmt_ns(get((n, 'load')))} | {_fmt_ns(get((n, 'go-load')))} "
            f"| {_ratio(get((n, 'go-load')), get((n, 'load')))} "
            f"| {'—' if mem is None else f'{mem:,.0f} B'} |"
        )
    hit10, hit100k = get((10, "plan:hit-tag")), get((100_000, "plan:hit-tag"))
    if hit10 and hit100k:
        lines += [
            "",
            f"Flatness: plan(hit-tag) at 100,000 entries / at 10 entries = {hit100k / hit10:.2f}.",
        ]
    lines += [
        "",
        "![time per plan against N, both libraries, log-log](img/plan-vs-n.png)",
        "",
        f"Measured at commit `{commit}`, CPython {platform.python_version()}, "
        f"{platform.machine()} ({os.cpu_count()} CPUs, {platform.system()}).",
    ]
    return "\n".join(lines)


def _plot(path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for w, marker in (("hit-tag", "o"), ("miss", "s"), ("wildcard", "^")):
        xs = [n for n in SIZES if (n, f"plan:{w}") in results]
        ax.plot(
            xs,
            [results[(n, f"plan:{w}")] / 1e3 for n in xs],
            marker=marker,
            ls="-",
            label=f"regresolve {w}",
        )
        xs = [n for n in SIZES if (n, f"go:{w}") in results]
        ax.plot(
            xs,
            [results[(n, f"go:{w}")] / 1e3 for n in xs],
            marker=marker,
            alpha=0.5,
            ls="--",
            label=f"Go {w}",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("registries.conf entries (N)")
    ax.set_ylabel("µs per plan")
    ax.set_title("Time per plan against configuration size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def test_write_performance_docs() -> None:
    """Last in this file: rewrites the docs section from this run (opt-in)."""
    if not os.environ.get("REGRESOLVE_UPDATE_PERF_DOCS"):
        pytest.skip("set REGRESOLVE_UPDATE_PERF_DOCS=1 to rewrite docs/performance.md")
    assert results, "no results: run the whole file"
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text()
    start, end = "<!-- plan-bench:start -->", "<!-- plan-bench:end -->"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    doc.write_text(f"{head}{start}\n{_report()}\n{end}{tail}")
    _plot(ROOT / "docs" / "img" / "plan-vs-n.png")
