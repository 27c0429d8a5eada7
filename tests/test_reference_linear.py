"""Parsing never backtracks badly: any input up to 64 KiB (UTF-8) is answered quickly.

Python's ``re`` backtracks, and the verbatim Go separator ``(?:[._]|__|[-]*)`` is exponential
on ``"a" * n + "!"``.  These tests run every entry point on adversarial shapes of 64 KiB and
assert a generous bound (250 ms; typical inputs take about a microsecond, the slowest linear
shapes about 20 ms, and a backtracking pattern would take seconds or more).  The bound is on
the best of three runs, so a busy machine does not make the test flaky.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regresolve import InvalidReference, is_short_name, parse_reference
from regresolve._reference import parse_any_reference, parse_raw
from support.strategies_reference import ODD_CHARS, reference_texts

LIMIT_BYTES = 64 * 1024
BOUND_SECONDS = 0.250

ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "ParseNormalizedNamed": parse_reference,
    "ParseNamed": lambda s: parse_reference(s, normalize=False),
    "Parse": parse_raw,
    "ParseAnyReference": parse_any_reference,
    "IsShortName": is_short_name,
}


def _fit(unit: str, head: str = "", tail: str = "") -> str:
    """``head + unit * k + tail`` with k as large as fits in 64 KiB of UTF-8."""
    room = LIMIT_BYTES - len((head + tail).encode())
    k = max(0, room // max(1, len(unit.encode())))
    return head + unit * k + tail


def _worst_seconds(text: str) -> tuple[float, str]:
    worst, which = 0.0, ""
    for name, func in ENTRY_POINTS.items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with contextlib.suppress(InvalidReference):
                func(text)
            best = min(best, time.perf_counter() - start)
            if best < BOUND_SECONDS / 10:
                break
        if best > worst:
            worst, which = best, name
    return worst, which


@pytest.fixture(autouse=True, scope="module")
def _warm_up() -> None:
    # Lazily built tables (the %q escaper) are not part of the per-input cost.
    for func in ENTRY_POINTS.values():
        with contextlib.suppress(InvalidReference):
            func("\x00\u0378A")


H = "0123456789abcdef"
SHAPES = {
    "alnum-bang": _fit("a", tail="!"),
    "dash": _fit("a-"),
    "dot": _fit("a."),
    "double-underscore": _fit("a__"),
    "triple-underscore": _fit("a___"),
    "dash-run": _fit("-", head="a", tail="a!"),
    "slash": _fit("a/"),
    "slash-bang": _fit("a/", tail="a!"),
    "domain-labels": _fit("a.", tail="a/b!"),
    "domain-dashes": _fit("a-", tail="a.b/c!"),
    "uppercase-domain": _fit("A-", tail="A/a!"),
    "uppercase-last": _fit("a", tail="A"),
    "long-port": _fit("1", head="a:", tail="/b!"),
    "port-then-colon": _fit("1", head="a.b:", tail=":"),
    "long-tag": _fit("t", head="a:", tail="!"),
    "long-digest": _fit("a", head="a@sha256:", tail="!"),
    "long-valid-hex": _fit("a", head="a@sha256:"),
    "long-algorithm": _fit("a.", head="a@", tail="a:" + H * 3 + "!"),
    "digest-at-end-of-path": _fit("a/", tail="a@sha256:" + H * 4),
    "hex": _fit("f"),
    "colons": _fit(":"),
    "ats": _fit("@"),
    "mixed-separators": _fit("a-_."),
    "kelvin": _fit("\u212a"),
    "dotted-capital-i": _fit("\u0130"),
    "distinct-non-printable": "".join(chr(0xE0000 + i) for i in range(LIMIT_BYTES // 4)),
    "distinct-bmp": "".join(chr(0x378 + i) for i in range(LIMIT_BYTES // 3)),
    "controls": _fit('\x00\n\t"\\'),
    "newline-tail": _fit("a", tail="\n"),
    "sha-lookalike": _fit("sha256:"),
}


@pytest.mark.parametrize("text", list(SHAPES.values()), ids=list(SHAPES))
def test_adversarial_shape_is_fast(text: str) -> None:
    assert len(text.encode()) <= LIMIT_BYTES
    seconds, which = _worst_seconds(text)
    assert seconds < BOUND_SECONDS, f"{which} took {seconds * 1000:.1f} ms"


@st.composite
def _big_inputs(draw: st.DrawFn) -> str:
    unit = draw(st.one_of(reference_texts(), st.text(alphabet=ODD_CHARS, min_size=1, max_size=6)))
    head = draw(st.one_of(st.just(""), reference_texts()))
    tail = draw(st.one_of(st.just(""), st.text(alphabet=ODD_CHARS, max_size=3), reference_texts()))
    if not unit:
        unit = "a"
    return _fit(unit, head=head[:200], tail=tail[:200])


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=_big_inputs())
def test_any_64k_input_is_fast(text: str) -> None:
    assert len(text.encode()) <= LIMIT_BYTES
    seconds, which = _worst_seconds(text)
    assert seconds < BOUND_SECONDS, f"{which} took {seconds * 1000:.1f} ms on {text[:60]!r}..."
