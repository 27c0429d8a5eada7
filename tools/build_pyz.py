"""Build ``dist/regresolve.pyz``: regresolve as one file that runs with a bare ``python3``.

Usage (in the development environment, where regresolve and its dependencies are installed)::

    python tools/build_pyz.py                  # writes dist/regresolve.pyz
    python tools/build_pyz.py -o /tmp/r.pyz    # somewhere else

    python3 dist/regresolve.pyz explain --root /host docker.io/library/nginx:1.25

The archive is a zipapp (PEP 441): ``__main__.py`` runs the ``regresolve`` command.  It holds
the package from ``src/regresolve`` and its runtime dependencies (the ``Requires-Dist`` of the
installed regresolve distribution without extras, and theirs), copied from the installed
distributions: their modules, their ``METADATA`` and their licence files, in their own
``*.dist-info`` directories.  A dependency that is not pure Python, or that does not support
the oldest Python regresolve supports, stops the build.  regresolve's own ``LICENSE`` is at the
top of the archive.  Optional extras are not included: reading YAML needs PyYAML, and without
it the commands that need YAML say so.

The archive is reproducible: entries sorted, every timestamp ``SOURCE_DATE_EPOCH`` (default
1980-01-01), permissions fixed.  It is written to a temporary file beside the target and moved
into place with ``os.replace``, so a reader never sees half an archive.

Standard library only; runs on every Python regresolve supports.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "regresolve"
DEFAULT_OUTPUT = ROOT / "dist" / "regresolve.pyz"
SHEBANG = b"#!/usr/bin/env python3\n"
#: The oldest Python the archive must run on (pyproject.toml's requires-python).
OLDEST_PYTHON = (3, 9)

MAIN = '''\
"""regresolve as a single file: ``python3 regresolve.pyz COMMAND ...``."""

import sys

if sys.version_info < (3, 9):
    sys.exit("regresolve needs Python 3.9 or later; this is " + sys.version.split()[0])

from regresolve._cli import main  # noqa: E402

sys.exit(main())
'''

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LICENCE = re.compile(r"(?i)(licen[cs]e|copying|notice|authors)")
_SKIP_DIRS = {"__pycache__"}
_SKIP_SUFFIXES = (".pyc", ".pyo")
_BINARY_SUFFIXES = (".so", ".pyd", ".dll", ".dylib")


class BuildError(Exception):
    """The archive cannot be built as asked (a message for the user)."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_requirements(dist: md.Distribution) -> list[str]:
    """Names of the distributions ``dist`` needs at run time (no extras)."""
    names = []
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        if "extra" in marker:
            continue
        if marker.strip() and not _marker_holds(marker):
            continue
        m = _NAME.match(spec.strip())
        if m is None:
            raise BuildError(f"cannot read the requirement {req!r} of {dist.metadata['Name']}")
        names.append(m.group(0))
    return names


def _marker_holds(marker: str) -> bool:
    """The few environment markers a pure-Python runtime dependency may carry."""
    m = re.fullmatch(r"\s*python_version\s*(<|<=|>|>=|==|!=)\s*['\"](\d+)\.(\d+)['\"]\s*", marker)
    if m is None:
        raise BuildError(f"unsupported environment marker in a runtime dependency: {marker!r}")
    op, want = m.group(1), (int(m.group(2)), int(m.group(3)))
    # The archive runs on every supported version: a marker true on any of them is kept.
    versions = [(3, minor) for minor in range(OLDEST_PYTHON[1], 14)]
    checks = {
        "<": lambda v: v < want,
        "<=": lambda v: v <= want,
        ">": lambda v: v > want,
        ">=": lambda v: v >= want,
        "==": lambda v: v == want,
        "!=": lambda v: v != want,
    }
    return any(checks[op](v) for v in versions)


def _supports_oldest_python(dist: md.Distribution) -> bool:
    spec = dist.metadata.get("Requires-Python") or ""
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        m = re.fullmatch(r"(>=|>|~=)\s*(\d+)\.(\d+)(?:\.\d+)*", clause)
        if m is None:
            continue
        floor = (int(m.group(2)), int(m.group(3)))
        if floor > OLDEST_PYTHON or (m.group(1) == ">" and floor == OLDEST_PYTHON):
            return False
    return True


def dependency_closure(top: str = "regresolve") -> list[md.Distribution]:
    """The installed distributions regresolve needs at run time, sorted by name."""
    try:
        root = md.distribution(top)
    except md.PackageNotFoundError:
        raise BuildError(
            f"{top} is not installed in this environment ({sys.executable}): "
            "run `python -m pip install -e .` first"
        ) from None
    found: dict[str, md.Distribution] = {}
    todo = _runtime_requirements(root)
    while todo:
        name = todo.pop()
        key = _canonical(name)
        if key in found:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            raise BuildError(f"{top} needs {name}, which is not installed here") from None
        if not _supports_oldest_python(dist):
            raise BuildError(
                f"{name} {dist.version} needs Python {dist.metadata['Requires-Python']}, but "
                f"the archive must run on {'.'.join(map(str, OLDEST_PYTHON))}: install a "
                "version that supports it"
            )
        found[key] = dist
        todo.extend(_runtime_requirements(dist))
    return [found[k] for k in sorted(found)]


def _distribution_entries(dist: md.Distribution) -> Iterator[tuple[str, Path]]:
    """(archive name, installed file) for a dependency's modules, METADATA and licences."""
    name = dist.metadata["Name"]
    if not dist.files:
        raise BuildError(f"{name} lists no installed files (no RECORD): cannot vendor it")
    licences = 0
    for f in dist.files:
        parts = f.parts
        if any(p in _SKIP_DIRS for p in parts) or f.name.endswith(_SKIP_SUFFIXES):
            continue
        if f.name.endswith(_BINARY_SUFFIXES):
            raise BuildError(f"{name} is not pure Python ({f}): it cannot go into a .pyz")
        if parts[0].startswith(".."):
            continue  # console scripts and the like, outside site-packages
        if parts[0].endswith(".dist-info"):
            if f.name == "METADATA" or _LICENCE.search(str(f)):
                licences += f.name != "METADATA"
                yield str(f.as_posix()), Path(str(f.locate()))
            continue
        if parts[0].endswith((".data", ".egg-info")):
            continue
        yield str(f.as_posix()), Path(str(f.locate()))
    if licences == 0:
        raise BuildError(f"{name} {dist.version} has no licence file in its dist-info")


def _package_entries() -> Iterator[tuple[str, Path]]:
    if not (PACKAGE_DIR / "__init__.py").is_file():
        raise BuildError(f"no package source at {PACKAGE_DIR}")
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR.parent)
        if not path.is_file() or any(p in _SKIP_DIRS for p in rel.parts):
            continue
        if path.suffix in (".py", ".typed"):
            yield rel.as_posix(), path


def _timestamp() -> tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))  # 1980-01-01, zip's first
    return time.gmtime(max(epoch, 315532800))[:6]


def _zipinfo(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_timestamp())
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so that the permission bits below are what readers see
    info.external_attr = (0o100000 | mode) << 16
    return info


def archive_entries() -> dict[str, bytes]:
    """Every file of the archive, by name."""
    entries: dict[str, bytes] = {"__main__.py": MAIN.encode()}
    entries["LICENSE"] = (ROOT / "LICENSE").read_bytes()
    for name, path in _package_entries():
        entries[name] = path.read_bytes()
    for dist in dependency_closure():
        for name, path in _distribution_entries(dist):
            if name in entries:
                raise BuildError(f"two distributions install {name}")
            entries[name] = path.read_bytes()
    return entries


def build(output: Path, shebang: bytes = SHEBANG) -> Path:
    """Write the archive to ``output`` (atomically) and return its path."""
    entries = archive_entries()
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            raw.write(shebang)
            with zipfile.ZipFile(raw, "w") as zf:
                for name in sorted(entries):
                    zf.writestr(_zipinfo(name, 0o644), entries[name], compresslevel=9)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, 0o755)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="build_pyz.py", description="Build regresolve as a single-file zipapp."
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}"
    )
    parser.add_argument(
        "--python",
        default="/usr/bin/env python3",
        help="the interpreter of the #! line (default: /usr/bin/env python3)",
    )
    args = parser.parse_args(argv)
    try:
        path = build(args.output, f"#!{args.python}\n".encode())
    except BuildError as e:
        print(f"build_pyz: {e}", file=sys.stderr)
        return 1
    vendored = ", ".join(f"{d.metadata['Name']} {d.version}" for d in dependency_closure())
    print(f"{path} ({path.stat().st_size} bytes; vendored: {vendored})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
