"""Everything regresolve writes survives a crash mid-write: the old file or the new, whole.

Writers: :func:`regresolve._atomic.write_atomic` (``to_toml`` output is written through it)
and :func:`regresolve.openshift.write_node_files`.  A child process rewrites a file in a loop,
alternating between versions; the parent kills it with SIGKILL after a random delay, then
checks that the file is exactly one of the versions.  A control run with a plain
``open(path, "w")`` writer shows that the same kills do tear files, so the check has teeth.
regresolve never writes the alias cache (it only reads it), so there is nothing to test there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regresolve import RegistriesConf
from regresolve._atomic import write_atomic

# Kill loops in child processes: seconds per test, so outside the default lane.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("ATOMIC_KILLS", "15"))


def _versions() -> list[bytes]:
    """Two large to_toml outputs (a few hundred KiB) so that a write takes a while."""
    out = []
    for v in range(2):
        regs = "".join(
            f'[[registry]]\nprefix = "r{i}.v{v}.example/ns"\nlocation = "m{i}.v{v}.example"\n'
            f'[[registry.mirror]]\nlocation = "mm{i}.example/v{v}"\n'
            for i in range(3000)
        )
        out.append(RegistriesConf.from_toml(regs).to_toml().encode())
    assert out[0] != out[1]
    return out


_WRITER = r"""
import os, sys
sys.path.insert(0, sys.argv[1])
from regresolve._atomic import write_atomic
path, mode = sys.argv[2], sys.argv[3]
versions = [open(p, "rb").read() for p in sys.argv[4:]]
print("ready", flush=True)
i = 0
while True:
    data = versions[i % len(versions)]
    if mode == "atomic":
        write_atomic(path, data)
    else:
        with open(path, "wb") as f:
            for k in range(0, len(data), 4096):
                f.write(data[k:k + 4096])
                f.flush()
    i += 1
"""


def _kill_loop(tmp_path: Path, mode: str, kills: int) -> tuple[int, int]:
    """Return (checks, torn): how many kills, and how many left a file that is no version."""
    versions = _versions()
    vfiles = []
    for i, v in enumerate(versions):
        p = tmp_path / f"v{i}"
        p.write_bytes(v)
        vfiles.append(str(p))
    target = tmp_path / "registries.conf"
    write_atomic(target, versions[0])
    rng = random.Random(8)
    torn = 0
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(ROOT / "src"), str(target), mode, *vfiles],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        data = target.read_bytes()
        if data not in versions:
            torn += 1
            if mode == "atomic":
                raise AssertionError(f"torn file after SIGKILL: {len(data)} bytes")
        else:
            # A complete version also loads: the reader sees a valid configuration.
            RegistriesConf.from_toml(data.decode())
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A kill between mkstemp and rename may leave a hidden temporary file behind; it is
    # never the destination and never ends in ".conf" (drop-in readers ignore it).
    assert all(n.startswith(".registries.conf.") for n in leftovers)
    return kills, torn


def test_write_atomic_survives_sigkill(tmp_path: Path) -> None:
    checks, torn = _kill_loop(tmp_path, "atomic", KILLS)
    assert (checks, torn) == (KILLS, 0)


def test_control_plain_writes_do_tear(tmp_path: Path) -> None:
    # The same kills against a plain writer leave partial files: the harness detects tearing.
    _checks, torn = _kill_loop(tmp_path, "plain", 12)
    assert torn > 0


_NODE_WRITER = r"""
import sys
sys.path.insert(0, sys.argv[1])
from regresolve.openshift import objects_from_text, render, write_node_files
root = sys.argv[2]
docs = sys.argv[3:]
files = [render(objects_from_text(d)) for d in docs]
print("ready", flush=True)
i = 0
while True:
    write_node_files(files[i % len(files)], root)
    i += 1
"""


def _objects(n: int, tag: str) -> str:
    rules = "".join(
        f"    - source: r{i}.{tag}.example/ns\n      mirrors: [m{i}.{tag}.example/ns]\n"
        for i in range(n)
    )
    return (
        "apiVersion: config.openshift.io/v1\nkind: ImageDigestMirrorSet\n"
        f"metadata: {{name: {tag}}}\nspec:\n  imageDigestMirrors:\n{rules}"
        "---\napiVersion: config.openshift.io/v1\nkind: Image\nmetadata: {name: cluster}\n"
        f"spec:\n  registrySources:\n    blockedRegistries: [blocked.{tag}.example]\n"
        f"    containerRuntimeSearchRegistries: [search.{tag}.example]\n"
    )


def test_write_node_files_survives_sigkill(tmp_path: Path) -> None:
    from regresolve.openshift import objects_from_text, render

    docs = [_objects(400, "a"), _objects(400, "b")]
    rendered = [render(objects_from_text(d)).files() for d in docs]
    root = tmp_path / "node"
    rng = random.Random(8)
    for _ in range(max(5, KILLS // 2)):
        proc = subprocess.Popen(
            [sys.executable, "-c", _NODE_WRITER, str(ROOT / "src"), str(root), *docs],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        for node_path in rendered[0]:
            f = root / node_path.lstrip("/")
            if not f.exists():  # killed before the first write of this file
                continue
            text = f.read_text()
            assert text in {r[node_path] for r in rendered}, node_path


def test_write_atomic_fsyncs_file_then_renames_then_fsyncs_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync-dir" if os.path.isdir(f"/proc/self/fd/{fd}") else "fsync-file")
        real_fsync(fd)

    def replace(a: str, b: str) -> None:
        events.append("replace")
        real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "x.conf", "a = 1\n")
    assert events == ["fsync-file", "replace", "fsync-dir"]
    assert (tmp_path / "x.conf").read_text() == "a = 1\n"


def test_write_atomic_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "x.conf"
    dest.write_text("old\n")

    def replace(a: str, b: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space"):
        write_atomic(dest, "new\n")
    assert dest.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.conf"]
