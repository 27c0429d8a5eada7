"""Replay the fuzz corpus: the seeds and every earlier finding (tests/fuzz/corpus/<target>/).

Each input goes through the same target function atheris runs (tests/fuzz/targets.py); the
property is that only :class:`regresolve.RegresolveError` escapes (the targets swallow those)
and that no input takes long.  A finding not fixed yet is listed in ``KNOWN`` with the reason,
as a strict xfail.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fuzz.targets import TARGETS

CORPUS = Path(__file__).resolve().parent / "fuzz" / "corpus"
# Generous "does not hang" bound for one corpus input (the slowest seed takes milliseconds).
HANG_SECONDS = 10.0

# file name -> why it still fails (routed to the owner of the code); strict xfail.
KNOWN: dict[str, str] = {}


def _cases() -> list[object]:
    cases: list[object] = []
    for target in sorted(TARGETS):
        d = CORPUS / target
        if not d.is_dir():
            continue
        for p in sorted(d.iterdir()):
            marks = []
            if p.name in KNOWN:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[p.name]))
            cases.append(pytest.param(target, p, id=f"{target}/{p.name}", marks=marks))
    return cases


def test_corpus_is_present() -> None:
    assert set(TARGETS) <= {p.name for p in CORPUS.iterdir()}
    assert all(any((CORPUS / t).iterdir()) for t in TARGETS)


@pytest.mark.parametrize(("target", "path"), _cases())
def test_replay(target: str, path: Path) -> None:
    data = path.read_bytes()
    t0 = time.monotonic()
    TARGETS[target](data)
    assert time.monotonic() - t0 < HANG_SECONDS
