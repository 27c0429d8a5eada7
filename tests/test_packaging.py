"""The distributions: what the sdist and the wheel carry, and that both work once unpacked.

Builds both in-process with flit_core's PEP 517 hooks (no network, no isolated build env),
then:

* the wheel's METADATA declares the license (PEP 639 ``License-Expression`` and the
  ``License-File``) and the classifiers;
* the sdist holds the license, the changelog, the tests, the docs and the examples, and none
  of the local build output (the Go oracle's build tree, caches);
* the wheel installs into a fresh virtual environment (``--no-index --no-deps``: the runtime
  dependencies come from this environment through a ``.pth`` line, so nothing is downloaded),
  imports from there, and ``pip show`` reports the license;
* a part of the sdist's own test suite passes when run from the unpacked sdist.
"""

from __future__ import annotations

import email.parser
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300


def _run(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        args, env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"sdist": path, "wheel": path}``, built from this checkout."""
    buildapi = pytest.importorskip("flit_core.buildapi")
    out = tmp_path_factory.mktemp("dist")
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        sdist = out / buildapi.build_sdist(str(out))
        wheel = out / buildapi.build_wheel(str(out))
    finally:
        os.chdir(old)
    return {"sdist": sdist, "wheel": wheel}


def _version() -> str:
    import regresolve

    return regresolve.__version__


def test_wheel_metadata_has_license_and_classifiers(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as whl:
        names = whl.namelist()
        [meta_name] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = email.parser.Parser().parsestr(whl.read(meta_name).decode("utf-8"))
        dist_info = meta_name.rsplit("/", 1)[0]
        license_text = whl.read(f"{dist_info}/licenses/LICENSE").decode("utf-8")

    assert meta["Name"] == "regresolve"
    assert meta["Version"] == _version()
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert "Apache License" in license_text
    assert "Version 2.0, January 2004" in license_text
    classifiers = meta.get_all("Classifier")
    assert "Operating System :: OS Independent" in classifiers
    assert "Programming Language :: Python :: 3.11" in classifiers
    assert "Typing :: Typed" in classifiers
    assert meta["Requires-Python"] == ">=3.9"
    assert "regresolve/py.typed" in names


def test_sdist_contents(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as tar:
        top = f"regresolve-{_version()}/"
        names = {m.name.removeprefix(top) for m in tar.getmembers()}

    for required in (
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "pyproject.toml",
        "src/regresolve/__init__.py",
        "src/regresolve/py.typed",
        "tests/conftest.py",
        "tests/test_reference.py",
        "tests/support/__init__.py",
        "tests/oracle/main.go",
        "docs/index.md",
        "examples/registries.conf",
    ):
        assert required in names, required
    assert any(n.startswith("tests/corpus/") for n in names)
    assert not any(n.startswith("tests/oracle/build/") for n in names)
    assert not any("__pycache__" in n or ".hypothesis" in n for n in names)


def test_wheel_installs_and_pip_show_reports_the_license(
    dists: dict[str, Path], tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # No pip inside: this environment's pip (new enough to show License-Expression) drives it.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    _run([*pip, "install", "--no-index", "--no-deps", "--no-cache-dir", str(dists["wheel"])])

    # attrs and tomli-w from this environment, appended after the venv's own site-packages.
    import attrs
    import tomli_w

    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    deps = {str(Path(m.__file__).resolve().parent.parent) for m in (attrs, tomli_w)}
    (site / "regresolve-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    probe = "import regresolve; print(regresolve.__file__); print(regresolve.__version__)"
    where, version = _run([str(python), "-c", probe], env=env, cwd=tmp_path).stdout.split()
    assert Path(where).is_relative_to(venv)
    assert version == _version()
    script = _run([str(venv / "bin" / "regresolve"), "--version"], env=env, cwd=tmp_path)
    assert script.stdout.strip() == version

    show = _run([*pip, "show", "regresolve"], env=env).stdout.splitlines()
    assert "Name: regresolve" in show
    assert f"Version: {version}" in show
    assert "License-Expression: Apache-2.0" in show


def test_sdist_test_suite_runs_from_the_unpacked_sdist(
    dists: dict[str, Path], tmp_path: Path
) -> None:
    with tarfile.open(dists["sdist"]) as tar:
        tar.extractall(tmp_path, filter="data")
    tree = tmp_path / f"regresolve-{_version()}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(tree / "src")

    where = _run(
        [sys.executable, "-c", "import regresolve; print(regresolve.__file__)"], env=env, cwd=tree
    )
    assert Path(where.stdout.strip()).is_relative_to(tree)
    proc = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_reference.py"],
        env=env,
        cwd=tree,
    )
    assert " passed" in proc.stdout
    assert "failed" not in proc.stdout
