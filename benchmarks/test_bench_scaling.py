"""Scaling benchmark: the adversarial shapes of tests/test_linear_scaling.py at each size.

One pytest-benchmark entry per (shape, size), so ``--benchmark-compare`` shows a regression in
the slope as well as in the constant.  The pass/fail slope check itself lives in
``tests/test_linear_scaling.py``; this file only measures.  Run::

    python -m pytest benchmarks/test_bench_scaling.py
    python -m pytest benchmarks/test_bench_scaling.py -k "1024KiB"
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_linear_scaling import CASES, KIB, sizes_of  # noqa: E402

PARAMS = [
    pytest.param(name, n, id=f"{name}-{n // KIB}KiB") for name in CASES for n in sizes_of(name)
]


@pytest.mark.parametrize(("name", "size"), PARAMS)
def test_bench_scaling(benchmark: Any, name: str, size: int) -> None:
    run = CASES[name](size)
    benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
