"""Linear time up to 1 MiB: parsing, loading, planning and OpenShift loading on adversarial
inputs of growing size (64 KiB, 256 KiB, 1 MiB).

For each shape the best of a few runs is taken at each size; the test fails when
``time(1 MiB) / time(64 KiB)`` exceeds ``16 * SLACK`` (linear is 16; SLACK = 4 absorbs noise,
caches and allocator effects; a quadratic algorithm gives about 256).  Times under
``FLOOR`` seconds are raised to it, so that microsecond timings do not make noisy ratios, and
every 1 MiB input must also finish within ``CAP`` seconds.  ``python tests/test_linear_scaling.py``
prints the table that docs/reliability.md quotes.

The input shapes live in ``tests/support/scaling.py``.  The cases listed there as
``KNOWN_SUPERLINEAR`` (OpenShift rendering is quadratic in the number of mirror rules) are not
checked here, since a timing ratio near its limit flips under load: ``benchmarks/
test_bench_scaling.py`` measures them and reports their growth ratio.
"""

from __future__ import annotations

import sys
import time

import pytest

from regresolve import RegresolveError, parse_reference
from support.scaling import CASES, FLOOR, KIB, KNOWN_SUPERLINEAR, SIZES, measure, sizes_of

# Pass/fail bounds: a ratio up to 16 * SLACK is linear enough; every 1 MiB run under CAP s.
SLACK = 4.0
CAP = 20.0
# Known super-linear cases are measured by benchmarks/test_bench_scaling.py, not checked here.
LINEAR = [name for name in CASES if name not in KNOWN_SUPERLINEAR]


@pytest.mark.slow
@pytest.mark.parametrize("name", LINEAR)
def test_linear(name: str) -> None:
    times = measure(name)
    sizes = sizes_of(name)
    t_small, t_big = max(times[0], FLOOR), times[-1]
    assert t_big < CAP, f"{name}: {t_big:.2f} s at {sizes[-1] // KIB} KiB"
    ratio = t_big / t_small
    limit = sizes[-1] / sizes[0] * SLACK
    assert ratio <= limit, f"{name}: super-linear, {ratio:.0f}x for {sizes} (times {times})"


def test_oversized_reference_is_rejected_with_gos_message() -> None:
    # SPEC R-REF: a name longer than 255 bytes that matches the grammar is refused with
    # ErrNameTooLong; one that does not match is "invalid reference format" (Go matches the
    # grammar first).  Both take well under the bound at 1 MiB.
    for text, message in (
        ("a" * (1024 * KIB), "repository name must not be more than 255 characters"),
        ("a" * 256, "repository name must not be more than 255 characters"),
        ("a" * (1024 * KIB) + "!", "invalid reference format"),
        ("a:" + "b" * (1024 * KIB), "invalid reference format"),
    ):
        t0 = time.perf_counter()
        with pytest.raises(RegresolveError) as info:
            parse_reference(text)
        assert time.perf_counter() - t0 < 1.0
        assert info.value.go_message == message


if __name__ == "__main__":
    print(f"{'case':45} " + " ".join(f"{n // KIB:>8} KiB" for n in SIZES) + "   ratio")
    for case in CASES if len(sys.argv) < 2 else sys.argv[1:]:
        ts = measure(case)
        r = ts[-1] / max(ts[0], FLOOR)
        sz = (
            "" if sizes_of(case) == SIZES else f"  (sizes {[n // KIB for n in sizes_of(case)]} KiB)"
        )
        print(f"{case:45} " + " ".join(f"{t * 1000:10.1f} ms" for t in ts) + f"   {r:6.1f}x{sz}",
              flush=True)  # fmt: skip
