"""The single-file build (``tools/build_pyz.py``) runs on a bare Python 3.9 as the package does.

The test builds ``regresolve.pyz`` from this checkout and the installed dependencies, copies
it and ``examples/`` into a scratch directory, and runs a set of commands twice: with
``python3.9 -I -S regresolve.pyz`` (isolated mode, no site-packages: nothing but the archive and
the standard library) and with ``python -m regresolve`` of this environment.  Exit status,
standard output and standard error must be the same, byte for byte.  Every command reads a
scratch root (``--root``) and home, so that the host's own files (say, a registries.d with
YAML, which the archive cannot read without PyYAML) do not enter the comparison.  Reading YAML
is checked apart: the archive must say that it needs PyYAML.

Python 3.9 is found by ``tools/find_python.py``; without it the test is skipped, and fails
under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DIGEST = "sha256:" + "9b2a1c3d4e5f60718293a4b5c6d7e8f9" * 2
TIMEOUT = 120

pytestmark = pytest.mark.slow

CONF = ["--root", "root", "--home", "home"]
EXAMPLE_CONF = [*CONF, "--config", "examples/registries.conf"]
EXAMPLE_DIRS = [*EXAMPLE_CONF, "--config-dir", "examples/registries.conf.d"]

COMMANDS: list[list[str]] = [
    # Not --help: argparse's own words change between Python versions ("optional arguments"
    # became "options" in 3.10).
    ["--version"],
    ["explain", *EXAMPLE_CONF, "docker.io/library/nginx:1.25"],
    ["explain", *EXAMPLE_CONF, f"quay.io/prometheus/node-exporter@{DIGEST}"],
    ["explain", *CONF, "--json", "busybox"],
    ["explain", *CONF, "--as", "rhel-9.4", "ubi9/ubi-minimal"],
    ["resolve", *EXAMPLE_DIRS, "--json", "busybox", "nginx:1.25", f"alpine@{DIGEST}"],
    ["resolve", *CONF, "quay.io/app:1", "untrusted.example.org/tools/fetch:2", "Busybox"],
    ["resolve", *CONF, "--short-name-mode", "enforcing", "--as", "ocp-4.18", "nginx"],
    ["check", *CONF],
    ["check", *EXAMPLE_DIRS, "--json"],
    ["check", "--strict", "examples/registries.conf", "examples/registries.conf.d/10-aliases.conf"],
    ["parse", "docker.io/library/nginx:1.25"],
    ["parse", "--json", "\u0130mage"],
    ["parse", "--no-normalize", "a" * 300],
    # Unicode 14/15 characters, which Python 3.9's own tables do not know: U+2C2F lower-cases
    # in Go 1.23, U+0CF3 is printable there.
    ["parse", "x\u2c2f"],
    ["resolve", *CONF, "a\u0cf3", "x\u2c2f/app", "\U00010570"],
    ["dump", *CONF],
    ["dump", *EXAMPLE_DIRS, "--format", "json"],
    ["review", *CONF, "-f", "examples/webhook/pod-blocked.json"],
    ["review", *CONF, "--json", "-f", "examples/webhook/deployment.json"],
    ["diff", "--before-root", "root", "--after-config", "examples/registries.conf",
     "--before-home", "home", "--after-home", "home", "--after-root", "root",
     "busybox", "nginx:1.25", "quay.io/prometheus/node-exporter:v1.8.2"],
]  # fmt: skip

# The OpenShift objects of examples/openshift, as JSON (readable without PyYAML).  Rendering
# needs no YAML; `openshift plan` does (it reads the node's registries.d, see below).
OPENSHIFT_COMMANDS: list[list[str]] = [
    ["openshift", "render", "openshift-json", "--output", "rendered"],
]


def _python39() -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "find_python.py"), "3.9"],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(proc.stderr, pytrace=False)
        pytest.skip(proc.stderr)
    return proc.stdout.strip()


def _yaml_to_json(sources: list[Path], target: Path) -> None:
    yaml = pytest.importorskip("yaml")
    target.mkdir()
    for path in sources:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        if not docs:
            continue
        name = "-".join(path.relative_to(EXAMPLES).with_suffix(".json").parts)
        doc = docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs}
        (target / name).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pyz")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_pyz.py"), "-o", str(work / "regresolve.pyz")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    shutil.copytree(EXAMPLES, work / "examples")
    etc = work / "root" / "etc" / "containers"
    etc.mkdir(parents=True)
    shutil.copy(EXAMPLES / "registries.conf", etc / "registries.conf")
    shutil.copytree(EXAMPLES / "registries.conf.d", etc / "registries.conf.d")
    (work / "home").mkdir()
    cluster = sorted((EXAMPLES / "openshift").glob("*.yaml"))
    _yaml_to_json(cluster, work / "openshift-json")
    # Sigstore policies render a registries.d file, which is YAML: reading it needs PyYAML.
    sigstore = sorted((EXAMPLES / "openshift" / "sigstore").glob("*.yaml"))
    _yaml_to_json(cluster + sigstore, work / "openshift-sigstore-json")
    return work


def _env(work: Path) -> dict[str, str]:
    # Nothing of the caller's environment that regresolve reads (CONTAINERS_*, REGISTRY_AUTH_FILE,
    # DOCKER_CONFIG, XDG_*): a fixed, minimal one.
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work / "home"),
        "LANG": "C.UTF-8",
        "COLUMNS": "100",
    }


def _run(argv: list[str], work: Path) -> tuple[int, bytes, bytes]:
    proc = subprocess.run(
        argv, cwd=work, env=_env(work), capture_output=True, timeout=TIMEOUT, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_archive_holds_the_package_its_dependencies_and_their_licences(scratch: Path) -> None:
    with zipfile.ZipFile(scratch / "regresolve.pyz") as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "__main__.py" in names
    assert "LICENSE" in names
    assert "regresolve/__init__.py" in names
    for package in ("attr", "attrs", "tomli_w"):
        assert f"{package}/__init__.py" in names
    dist_infos = {n.split("/")[0] for n in names if ".dist-info/" in n}
    assert {d.split("-")[0] for d in dist_infos} == {"attrs", "tomli_w"}
    for d in dist_infos:
        assert any(n.startswith(d) and "LICENSE" in n for n in names), d
    assert not [n for n in names if n.endswith((".pyc", ".so")) or "__pycache__" in n]
    assert (scratch / "regresolve.pyz").read_bytes().startswith(b"#!/usr/bin/env python3\n")


@pytest.mark.parametrize("args", COMMANDS + OPENSHIFT_COMMANDS, ids=lambda a: " ".join(a)[:60])
def test_pyz_on_python39_answers_as_the_installed_package(scratch: Path, args: list[str]) -> None:
    python39 = _python39()
    ours = _run([python39, "-I", "-S", "regresolve.pyz", *args], scratch)
    installed = _run([sys.executable, "-m", "regresolve", *args], scratch)
    assert ours == installed
    assert ours[1] or ours[2]  # every command says something


def test_pyz_without_pyyaml_says_so(scratch: Path) -> None:
    python39 = _python39()
    code, _out, err = _run(
        [python39, "-I", "-S", "regresolve.pyz", "openshift", "plan", "examples/openshift",
         "quay.io/openshift-release-dev/ocp-release:4.18.1"],
        scratch,
    )  # fmt: skip
    assert code == 2
    assert b"PyYAML" in err, err
    assert b"Traceback" not in err


def test_pyz_without_pyyaml_says_so_for_sigstore_policies(scratch: Path) -> None:
    python39 = _python39()
    code, _out, err = _run(
        [python39, "-I", "-S", "regresolve.pyz", "openshift", "plan", "openshift-sigstore-json",
         "quay.io/openshift-release-dev/ocp-release:4.18.1"],
        scratch,
    )  # fmt: skip
    assert code == 2
    assert b"needs PyYAML" in err, err
    assert b"Traceback" not in err


def test_pyz_reports_a_missing_pyyaml_for_registries_d(scratch: Path) -> None:
    python39 = _python39()
    root = scratch / "yaml-root"
    shutil.copytree(scratch / "root", root)
    (root / "etc" / "containers" / "registries.d").mkdir()
    (root / "etc" / "containers" / "registries.d" / "default.yaml").write_text(
        "default-docker:\n  lookaside: file:///var/lib/containers/sigstore\n", encoding="utf-8"
    )
    code, out, err = _run(
        [python39, "-I", "-S", "regresolve.pyz", "explain", "--root", "yaml-root", "--home",
         "home", "docker.io/library/nginx:1.25"],
        scratch,
    )  # fmt: skip
    assert code == 0  # the pull plan does not need the signature configuration
    assert b"mirror.example.net/dockerhub/library/nginx:1.25" in out
    assert b"PyYAML" in err, err
    assert b"Traceback" not in err
