"""The pull secret's contents reach ``/var/lib/kubelet/config.json`` and nothing else.

A known token (and its base64 forms) goes through every OpenShift path: parsing, rendering,
``repr`` of the values, warnings, ``openshift plan`` text and JSON, the command line's
output and error streams, the error messages of malformed secrets; then every output and
every file written is searched for it.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import pytest

from regresolve._profiles import product_profile
from regresolve.openshift import (
    InvalidOpenShiftObject,
    load_objects,
    objects_from_data,
    objects_from_text,
    plan_on_node,
    render,
    write_node_files,
)
from regresolve.openshift._cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "openshift" / "seed"
TOKEN = "s3cr3t-T0KEN-4f9a1c"
USER = "robot"
AUTH = base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
CONFIG = json.dumps(
    {
        "auths": {
            "harbor.support.ocp.com:8443": {"auth": AUTH},
            "quay.io": {"auth": AUTH, "email": "x@example.com"},
            "registry.example.com": {"username": USER, "password": TOKEN},
        }
    },
    indent=2,
).encode()
ENCODED = base64.b64encode(CONFIG).decode()
NEEDLES = (TOKEN, AUTH, ENCODED, ENCODED[:40], AUTH[:16])


def _assert_clean(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{where} holds secret material"


def _secret_doc(data: str = ENCODED, typ: str = "kubernetes.io/dockerconfigjson") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "pull-secret", "namespace": "openshift-config"},
        "type": typ,
        "data": {".dockerconfigjson": data},
    }


def _write_secret(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "pull-secret.json"
    path.write_text(json.dumps(doc))
    return path


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(argv, out, err), out.getvalue(), err.getvalue()


def test_values_never_show_the_secret() -> None:
    objs = load_objects(SEED).merged_with(objects_from_data(_secret_doc()))
    assert objs.pull_secret is not None
    _assert_clean(repr(objs), "ClusterImageObjects repr")
    _assert_clean(str(objs.pull_secret.content), "SealedSecret str")
    files = render(objs)
    _assert_clean(repr(files), "NodeFiles repr")
    _assert_clean("\n".join(files.warnings), "warnings")
    _assert_clean(json.dumps(files.files()), "text files")
    for profile in (None, product_profile("ocp-4.18")):
        for image in (
            "harbor.support.ocp.com:8443/library/redis:latest",
            "quay.io/openshift-release-dev/ocp-release@sha256:" + "c" * 64,
            "registry.example.com/app:1",
        ):
            plan = plan_on_node(files, image, profile=profile)
            _assert_clean(plan.explain(), "plan text")
            _assert_clean(json.dumps(plan.to_dict()), "plan JSON")
            _assert_clean(repr(plan), "NodePlan repr")


def test_the_secret_reaches_only_its_file(tmp_path: Path) -> None:
    objs = objects_from_data(_secret_doc())
    files = render(objs, release_image="quay.io/x/y:1")
    out = tmp_path / "node"
    written = write_node_files(files, out)
    holding = [p for p in written if TOKEN.encode() in Path(p).read_bytes()]
    assert holding == [str(out / "var/lib/kubelet/config.json")]
    assert json.loads(Path(holding[0]).read_bytes()) == json.loads(CONFIG)


def test_command_line_streams_are_clean(tmp_path: Path) -> None:
    secret = _write_secret(tmp_path, _secret_doc())
    code, out, err = _run(["openshift", "render", str(SEED), str(secret), "--output",
                           str(tmp_path / "node")])  # fmt: skip
    assert code == 0
    _assert_clean(out + err, "render output")
    for extra in ([], ["--json"], ["--ocp", "4.18"], ["--ocp", "4.18", "--json"]):
        code, out, err = _run(["openshift", "plan", *extra, str(SEED), str(secret),
                               "quay.io/openshift-release-dev/ocp-release:4.18"])  # fmt: skip
        _assert_clean(out + err, f"plan {extra} output")
        code, out, err = _run(["openshift", "plan", *extra, "--root", str(tmp_path / "node"),
                               "harbor.support.ocp.com:8443/x/y:1"])  # fmt: skip
        _assert_clean(out + err, f"plan --root {extra} output")


@pytest.mark.parametrize(
    "doc",
    [
        _secret_doc(base64.b64encode(CONFIG[:-5]).decode()),  # truncated JSON
        _secret_doc(base64.b64encode(b"x" + CONFIG).decode()),  # a stray byte first
        _secret_doc(typ="Opaque"),
        _secret_doc(ENCODED[:-3] + "!!!"),  # not base64
    ],
    ids=["truncated", "stray-byte", "wrong-type", "bad-base64"],
)
def test_errors_about_the_secret_are_clean(tmp_path: Path, doc: dict[str, Any]) -> None:
    with pytest.raises(InvalidOpenShiftObject) as info:
        render(objects_from_data(doc), release_image="quay.io/x/y:1")
    _assert_clean(str(info.value), "error message")
    _assert_clean(repr(info.value), "error repr")
    secret = _write_secret(tmp_path, doc)
    code, out, err = _run(["openshift", "render", str(secret), "--output", str(tmp_path / "o")])
    assert code == 2
    _assert_clean(out + err, "render error output")


def test_yaml_syntax_errors_do_not_quote_the_file() -> None:
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: pull-secret}\n"
        f"data:\n  .dockerconfigjson: {ENCODED}: broken\n"
    )
    with pytest.raises(InvalidOpenShiftObject) as info:
        objects_from_text(text, path="secret.yaml")
    assert "line 5" in str(info.value)
    _assert_clean(str(info.value), "YAML error")
