"""Replay the fuzz corpus: the seeds and every earlier finding (tests/fuzz/corpus/<target>/).

Each input goes through the same target function atheris runs (tests/support/fuzz_targets.py); the
property is that only :class:`regresolve.RegresolveError` escapes (the targets swallow those)
and that no input takes long.  A finding not fixed yet is listed in ``KNOWN`` with the reason,
as a strict xfail.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.fuzz_targets import TARGETS

CORPUS = Path(__file__).resolve().parent / "fuzz" / "corpus"
# Generous "does not hang" bound for one corpus input (the slowest seed takes milliseconds).
HANG_SECONDS = 10.0

_HANG_TOML = (
    "hang in regresolve._toml._Scanner._value: a '}' directly inside an array is never "
    "consumed, and the redefinition scanner (go_redefinition) runs whenever tomllib reports "
    "'Cannot overwrite a value'; minimal input 'a = 1\\na = 2\\nb = [}\\n'"
)
_RECURSION_TOML = (
    "RecursionError escapes RegistriesConf.from_toml: tomllib recurses once per nesting level "
    "of arrays / inline tables (about 500 levels at the default limit; fewer on a deep stack); "
    "Go's BurntSushi decoder accepts such a file (the unknown key is ignored)"
)
_RECURSION_OPENSHIFT = (
    "RecursionError escapes openshift.objects_from_text: json.loads / yaml.safe_load_all "
    "recurse per nesting level (about 500 levels of [ or {a: ...})"
)
_LAUGHS = (
    "openshift.objects_from_text on 497 bytes of YAML with nested aliases (10^7 expanded "
    "objects) does not finish: yaml aliases are shared, but objects_from_data/_flatten walk "
    "every copy and ClusterImageObjects.merged_with re-sorts per object (quadratic)"
)
# file name -> why it still fails (routed to the owner of the code); strict xfail.  These run
# in a subprocess with a time limit, since a hang cannot be interrupted in-process.
KNOWN: dict[str, str] = {
    # Every earlier finding is fixed; the inputs stay in the corpus as regression tests.
    # (Was: the TOML line locator's hang on a stray "}" in an array, RecursionError from
    # tomllib/json/yaml on deep nesting, and YAML alias expansion: _HANG_TOML,
    # _RECURSION_TOML, _RECURSION_OPENSHIFT, _LAUGHS above.)
}
ROOT = Path(__file__).resolve().parent.parent


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
    if path.name in KNOWN:
        _replay_in_subprocess(target, path)
        return
    data = path.read_bytes()
    t0 = time.monotonic()
    TARGETS[target](data)
    assert time.monotonic() - t0 < HANG_SECONDS


def _replay_in_subprocess(target: str, path: Path) -> None:
    code = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from support.fuzz_targets import TARGETS\n"
        "TARGETS[sys.argv[3]](open(sys.argv[4], 'rb').read())\n"
    )
    args = [sys.executable, "-c", code, str(ROOT / "tests"), str(ROOT / "src"), target, str(path)]
    try:
        proc = subprocess.run(args, check=False, capture_output=True, text=True, timeout=4)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{path.name}: still running after 4 s") from None
    assert proc.returncode == 0, proc.stderr[-2000:]
