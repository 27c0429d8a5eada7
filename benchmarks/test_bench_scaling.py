"""Scaling benchmark: the adversarial shapes of tests/support/scaling.py at each size.

One pytest-benchmark entry per (shape, size), so ``--benchmark-compare`` shows a regression in
the slope as well as in the constant.  The pass/fail slope check of the linear shapes lives in
``tests/test_linear_scaling.py``; this file only measures.  The shapes known to grow faster
than linearly (``KNOWN_SUPERLINEAR``: OpenShift rendering, quadratic in the number of mirror
rules) are measured here only, by ``test_superlinear_growth``, which prints the growth ratio
(time at the largest size / time at the smallest) next to the size ratio and records both in
the benchmark's ``extra_info``.  Run::

    python -m pytest benchmarks/test_bench_scaling.py
    python -m pytest benchmarks/test_bench_scaling.py -k "1024KiB"
    python -m pytest benchmarks/test_bench_scaling.py -k superlinear -s
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.scaling import CASES, KIB, KNOWN_SUPERLINEAR, growth, measure, sizes_of  # noqa: E402

PARAMS = [
    pytest.param(name, n, id=f"{name}-{n // KIB}KiB") for name in CASES for n in sizes_of(name)
]


@pytest.mark.parametrize(("name", "size"), PARAMS)
def test_bench_scaling(benchmark: Any, name: str, size: int) -> None:
    run = CASES[name](size)
    benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("name", sorted(KNOWN_SUPERLINEAR))
def test_superlinear_growth(benchmark: Any, name: str) -> None:
    """Measure a known super-linear case at each size and report how fast it grows."""
    times = benchmark.pedantic(measure, args=(name,), rounds=1, iterations=1)
    ratio, size_ratio = growth(name, times)
    sizes = [n // KIB for n in sizes_of(name)]
    benchmark.extra_info.update(
        {"sizes_kib": sizes, "seconds": times, "growth": ratio, "size_ratio": size_ratio}
    )
    shown = ", ".join(f"{n} KiB: {t * 1000:.1f} ms" for n, t in zip(sizes, times))
    print(
        f"\n{name}: {shown}; growth {ratio:.1f}x for {size_ratio:.0f}x the input "
        f"(linear {size_ratio:.0f}x, quadratic {size_ratio**2:.0f}x)"
    )
    assert all(t > 0 for t in times)
