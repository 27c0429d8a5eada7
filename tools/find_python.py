"""Print the path of a Python interpreter of the given version, e.g. ``find_python.py 3.9``.

Looks, in this order, at ``$REGRESOLVE_PYTHON_<major>_<minor>`` (e.g. ``REGRESOLVE_PYTHON_3_9``),
pyenv's versions (``$PYENV_ROOT``, default ``~/.pyenv``: ``versions/3.9.*/bin/python``, the
newest patch release first), then ``python3.9`` in each directory of ``$PATH`` and in
``/usr/local/bin`` and ``/usr/bin``.  Every candidate is run once to check its version (a pyenv
shim for a version that is not active fails that check).  Exit status 1, with the places
looked at, when none is found.  Used by ``.ci/run`` and ``tests/test_pyz.py``; standard
library only, runs on any Python 3.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def _patch_key(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.parent.parent.name))


def candidates(version: str) -> list[Path]:
    """Where an interpreter of ``version`` ("3.9") may be, most likely first."""
    out: list[Path] = []
    override = os.environ.get("REGRESOLVE_PYTHON_" + version.replace(".", "_"))
    if override:
        out.append(Path(override))
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = [p for p in (pyenv / "versions").glob(f"{version}.*/bin/python") if p.is_file()]
    found = [p for p in found if re.fullmatch(rf"{re.escape(version)}\.\d+", p.parent.parent.name)]
    out.extend(sorted(found, key=_patch_key, reverse=True))
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    for d in [*dirs, "/usr/local/bin", "/usr/bin"]:
        p = Path(d) / f"python{version}"
        if p.is_file() and p not in out:
            out.append(p)
    return out


def runs_as(path: Path, version: str) -> bool:
    """Whether ``path`` starts and reports ``version``."""
    try:
        proc = subprocess.run(
            [str(path), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == version


def find(version: str) -> Path | None:
    for path in candidates(version):
        if runs_as(path, version):
            return path
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not re.fullmatch(r"3\.\d+", argv[0]):
        print("usage: find_python.py 3.N", file=sys.stderr)
        return 2
    version = argv[0]
    path = find(version)
    if path is None:
        looked = ", ".join(str(p) for p in candidates(version)) or "no candidate files"
        env = "REGRESOLVE_PYTHON_" + version.replace(".", "_")
        print(
            f"find_python.py: no working Python {version} found (looked at ${env}, "
            f"$PYENV_ROOT/versions/{version}.*, python{version} on PATH; candidates: {looked})."
            f" Install it (e.g. `pyenv install {version}`) or set {env}.",
            file=sys.stderr,
        )
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
