"""Hostile files: directories, FIFOs, dangling symlinks, symlink loops and non-UTF-8 text
where regresolve expects a configuration, alias cache or OpenShift object file.

The property: a typed error (:class:`regresolve.RegresolveError`) whose text names the path,
or -- where containers/image skips the entry (a directory or dangling symlink among the
drop-ins) -- the same skip; never a hang, never another exception.  The tests run as root, so
permission bits cannot make a file unreadable; these shapes can.  Each case runs in a child
process with a time limit, since a blocking ``open`` cannot be interrupted in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5.0

FIFO_HANG = (
    "open() of a FIFO blocks until a writer appears (regresolve._files._read and "
    "regresolve.openshift._files.load_objects open without O_NONBLOCK and never check the "
    "file type): a webhook or reloader pointed at a named pipe hangs forever"
)


def _make(kind: str, path: Path) -> None:
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling-symlink":
        path.symlink_to(path.parent / "does-not-exist")
    elif kind == "symlink-loop":
        other = path.parent / ("loop-" + path.name)
        path.symlink_to(other)
        other.symlink_to(path)
    elif kind == "non-utf8":
        path.write_bytes(b'[[registry]]\nlocation = "a.example\xff"\n')
    elif kind == "non-utf8-bom":
        path.write_bytes(b"\xff\xfe[\x00[\x00")
    else:  # pragma: no cover
        raise AssertionError(kind)


# The child runs one call and prints a JSON verdict: the exception type, whether it is a
# RegresolveError, its text and its ``path`` attribute -- or the result.
_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import regresolve
from regresolve.openshift import load_objects
what, path = sys.argv[2], sys.argv[3]
try:
    if what == "main":
        r = regresolve.load_config(path, dropin_dirs=[], env={})
    elif what == "dropin":
        r = regresolve.load_config(sys.argv[4], dropin_dirs=path, env={})
    elif what == "alias_cache":
        r = regresolve.load_alias_cache(path)
    elif what == "openshift":
        r = load_objects(path)
    print(json.dumps({"ok": True, "result": repr(r)}))
except BaseException as e:
    print(json.dumps({"ok": False, "type": type(e).__name__,
                      "typed": isinstance(e, regresolve.RegresolveError),
                      "text": str(e), "path": getattr(e, "path", None)}))
"""


def _call(what: str, path: Path, extra: str = "") -> dict[str, object]:
    args = [sys.executable, "-c", _CHILD, str(ROOT / "src"), what, str(path)]
    if extra:
        args.append(extra)
    try:
        proc = subprocess.run(args, check=False, capture_output=True, text=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{what} on {path}: still running after {LIMIT} s") from None
    assert proc.returncode == 0, proc.stderr[-2000:]
    verdict: dict[str, object] = json.loads(proc.stdout)
    return verdict


def _typed_naming(v: dict[str, object], path: Path) -> None:
    assert v["ok"] is False, v
    assert v["typed"] is True, v
    assert str(path) in str(v["text"]), v
    assert v["path"] == str(path), v


KINDS = ["directory", "fifo", "dangling-symlink", "symlink-loop", "non-utf8", "non-utf8-bom"]


def _marks(kind: str) -> list[pytest.MarkDecorator]:
    # The FIFO hang (FIFO_HANG) is fixed: files are opened with O_NONBLOCK and anything but
    # a regular file or a directory is refused with an error naming the path.
    del kind
    return []


@pytest.mark.parametrize("kind", [pytest.param(k, marks=_marks(k)) for k in KINDS])
def test_main_file(tmp_path: Path, kind: str) -> None:
    p = tmp_path / "registries.conf"
    _make(kind, p)
    _typed_naming(_call("main", p), p)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=_marks(k)) for k in KINDS])
def test_alias_cache(tmp_path: Path, kind: str) -> None:
    p = tmp_path / "short-name-aliases.conf"
    _make(kind, p)
    v = _call("alias_cache", p)
    if kind == "dangling-symlink":
        assert v == {"ok": True, "result": "()"}  # a missing cache means no aliases (as Go)
    else:
        _typed_naming(v, p)


@pytest.mark.parametrize("kind", [pytest.param(k, marks=_marks(k)) for k in KINDS])
def test_dropin(tmp_path: Path, kind: str) -> None:
    d = tmp_path / "registries.conf.d"
    d.mkdir()
    main = tmp_path / "registries.conf"
    main.write_text('unqualified-search-registries = ["a.example"]\n')
    p = d / "50-hostile.conf"
    _make(kind, p)
    v = _call("dropin", d, str(main))
    if kind in ("directory", "dangling-symlink"):
        # SPEC R-LOAD-2: WalkDir lists directories (skipped) and a symlink that vanished
        # between listing and reading is skipped like a removed file.
        assert v["ok"] is True, v
    else:
        _typed_naming(v, p)


def test_dropin_dir_is_a_file(tmp_path: Path) -> None:
    main = tmp_path / "registries.conf"
    main.write_text("")
    notdir = tmp_path / "registries.conf.d"
    notdir.write_text("")
    v = _call("dropin", notdir, str(main))
    # Go's WalkDir on a file visits the file itself, which does not end in ".conf": nothing.
    assert v["ok"] is True or (v["typed"] is True and str(notdir) in str(v["text"])), v


@pytest.mark.parametrize(
    "kind",
    [pytest.param(k, marks=_marks(k)) for k in KINDS if k != "directory"],
)
def test_openshift_object_file(tmp_path: Path, kind: str) -> None:
    p = tmp_path / "objects.yaml"
    _make(kind, p)
    v = _call("openshift", p)
    assert v["ok"] is False, v
    assert v["typed"] is True, v
    assert str(p) in str(v["text"]), v
    assert v["path"] == str(p), v


def test_openshift_directory_skips_what_is_not_a_file(tmp_path: Path) -> None:
    d = tmp_path / "objs"
    d.mkdir()
    _make("directory", d / "sub.yaml")
    _make("dangling-symlink", d / "gone.yaml")
    _make("symlink-loop", d / "loop.yaml")
    v = _call("openshift", d)
    assert v["ok"] is True, v
