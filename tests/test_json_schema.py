"""Every JSON document the command prints validates against docs/schema/output.schema.json.

The commands run on the repository's examples and on inputs chosen to reach every branch of
the output: short names (with and without candidates, enforcing without a terminal), errors,
blocked and insecure sources, skipped mirrors, warnings, problems, diffs, OpenShift node plans,
and the pull context of ``resolve``, ``explain``, ``check`` and ``review`` on a whole machine
(credentials from files and helpers, certificates, registries.d, policy.json).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import jsonschema
import pytest

from regresolve._cli import main
from support.cli_machine import cli_args, cli_env, write_machine

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "schema" / "output.schema.json").read_text())
EXAMPLE = str(ROOT / "examples" / "registries.conf")
EXAMPLE_DIR = str(ROOT / "examples" / "registries.conf.d")
OPENSHIFT = str(ROOT / "examples" / "openshift")
DIGEST = "sha256:" + "0123456789abcdef" * 4
CONF = ["--config", EXAMPLE, "--config-dir", EXAMPLE_DIR]
IMAGES = [
    "docker.io/library/nginx:1.25",
    f"docker.io/library/nginx@{DIGEST}",
    f"docker.io/library/nginx:1.25@{DIGEST}",
    "myapp:3.1",
    "nginx",
    "untrusted.example.org/tool:1",
    "dev-registry.example.com:5000/x:1",
    "quay.io/prometheus/prometheus:v2.53.0",
    "NOT/valid",
    "",
]


def _documents(argv: list[str]) -> list[Any]:
    out = io.StringIO()
    code = main(argv, out=out)
    assert code in (0, 1), (argv, out.getvalue())
    text = out.getvalue()
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines()]


def _validate(doc: Any) -> None:
    jsonschema.validate(doc, SCHEMA)


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("extra", [[], ["--as", "crio-1.34"], ["--as", "skopeo"]])
def test_resolve(extra: list[str]) -> None:
    docs = _documents(["resolve", *CONF, "--json", *extra, *IMAGES])
    assert len(docs) == len(IMAGES)
    for doc in docs:
        _validate(doc)


@pytest.mark.parametrize("image", IMAGES)
def test_explain(image: str) -> None:
    (doc,) = _documents(["explain", *CONF, "--json", image])
    _validate(doc)
    assert doc["image"]["input"] == image


def test_enforcing_prompt(tmp_path: Path) -> None:
    conf = tmp_path / "r.conf"
    conf.write_text(
        'unqualified-search-registries = ["a.com", "b.com"]\nshort-name-mode = "enforcing"\n'
    )
    (doc,) = _documents(
        ["explain", "--config", str(conf), "--config-dir", str(tmp_path), "--json", "x"]
    )
    _validate(doc)
    assert doc["image"]["short_name"]["prompt"] == ["a.com/x:latest", "b.com/x:latest"]


@pytest.mark.parametrize(
    "text",
    [
        '[[registry]]\nlocation = "quay.io"\n'
        '[[registry.mirror]]\nlocation = "m.com/Q"\nblocked = true\n',
        '[[registry]]\nlocation = "https://quay.io"\n',
        "x = [\n",
        "",
    ],
)
def test_check(tmp_path: Path, text: str) -> None:
    conf = tmp_path / "r.conf"
    conf.write_text(text)
    out = io.StringIO()
    main(["check", "--config", str(conf), "--config-dir", str(tmp_path / "d"), "--json"], out=out)
    _validate(json.loads(out.getvalue()))


def test_check_examples() -> None:
    (doc,) = _documents(["check", *CONF, "--json"])
    _validate(doc)


def test_diff(tmp_path: Path) -> None:
    after = tmp_path / "after.conf"
    after.write_text(
        Path(EXAMPLE).read_text() + '\n[[registry]]\nlocation = "ghcr.io"\nblocked = true\n'
    )
    (doc,) = _documents(
        [
            "diff",
            "--before-config", EXAMPLE,
            "--after-config", str(after),
            "--after-as", "ocp-4.18",
            "--json",
            *IMAGES, "ghcr.io/a/b:1",
        ]
    )  # fmt: skip
    _validate(doc)
    assert doc["changed"] >= 1


@pytest.mark.parametrize("image", ["ubi8/ubi-minimal", f"quay.io/a/b@{DIGEST}", "docker.io/x:1"])
def test_openshift_plan(image: str) -> None:
    (doc,) = _documents(["openshift", "plan", "--json", OPENSHIFT, image])
    _validate(doc)


def test_dump() -> None:
    (doc,) = _documents(["dump", *CONF, "--format", "json"])
    _validate(doc)


def test_library_to_dict_has_the_same_shapes() -> None:
    import regresolve

    resolver = regresolve.Resolver(regresolve.load_config(EXAMPLE, dropin_dirs=[EXAMPLE_DIR]))
    plan = resolver.plan("docker.io/library/nginx:1.25").to_dict()
    _validate(plan)
    _validate(regresolve.image_plan_to_dict(regresolve.plan_image(resolver, "nginx")))
    _validate(resolver.conf.to_dict())


@pytest.mark.parametrize("extra", [[], ["--as", "crio-1.34"]])
def test_review(extra: list[str]) -> None:
    manifests = str(ROOT / "examples" / "webhook" / "manifests")
    docs = _documents(["review", *CONF, "--json", *extra, "-f", manifests])
    assert docs
    for doc in docs:
        _validate(doc)


# -- the pull context (support/cli_machine.py: credentials, certificates, registries.d) -------

MACHINE_IMAGES = [
    "example.com/app:1",
    "quay.io/a/b:1",
    "docker.io/library/nginx",
    "helped.example.com/a",
    "broken.example.com/a",
    "mirror.example.com:5000/app",
    "nginx",
    "NOT/valid",
]


def _machine_documents(tree: Path, argv: list[str]) -> list[Any]:
    with mock.patch.dict(os.environ, cli_env(tree), clear=True):
        return _documents(argv)


@pytest.mark.parametrize(
    "extra", [[], ["--creds", "x", "--tls-verify=false"], ["--as", "ocp-4.18"]]
)
def test_resolve_with_context(tmp_path: Path, extra: list[str]) -> None:
    write_machine(tmp_path)
    docs = _machine_documents(
        tmp_path, ["resolve", "--json", *cli_args(tmp_path), *extra, *MACHINE_IMAGES]
    )
    assert len(docs) == len(MACHINE_IMAGES)
    kinds: set[str] = set()
    for doc in docs:
        _validate(doc)
        kinds.update(s["credentials"]["kind"] for s in doc["context"]["sources"])
    if "ocp-4.18" in extra:
        # CRI-O's global_auth_file (missing here) replaces every other auth file.
        assert kinds == {"none"}
    else:
        assert {"auth-file", "none"} <= kinds


@pytest.mark.parametrize("image", MACHINE_IMAGES)
def test_explain_with_context(tmp_path: Path, image: str) -> None:
    write_machine(tmp_path)
    (doc,) = _machine_documents(tmp_path, ["explain", "--json", *cli_args(tmp_path), image])
    _validate(doc)
    assert doc["context"] is not None


def test_context_when_registries_d_does_not_load(tmp_path: Path) -> None:
    write_machine(tmp_path)
    (tmp_path / "etc/containers/registries.d/bad.yaml").write_text("default-docker: [\n")
    (doc,) = _machine_documents(tmp_path, ["explain", "--json", *cli_args(tmp_path), "quay.io/a:1"])
    _validate(doc)
    assert doc["context"]["error"].startswith("parsing ")


def test_check_with_host_warnings(tmp_path: Path) -> None:
    write_machine(tmp_path, malformed_auth=True)
    (doc,) = _machine_documents(tmp_path, ["check", "--json", *cli_args(tmp_path)])
    _validate(doc)
    assert {w["kind"] for w in doc["warnings"]} >= {"auth-file-error", "unused-cert-dir"}


def test_review_with_context(tmp_path: Path) -> None:
    write_machine(tmp_path)
    manifest = tmp_path / "pods.json"
    containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(MACHINE_IMAGES)]
    manifest.write_text(
        json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                    "spec": {"containers": containers, "imagePullSecrets": [{"name": "s"}]}})
    )  # fmt: skip
    out = io.StringIO()
    with mock.patch.dict(os.environ, cli_env(tmp_path), clear=True):
        main(["review", "--json", "--pull-context", *cli_args(tmp_path), "-f", str(manifest)],
             out=out)  # fmt: skip
    docs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(docs) == len(MACHINE_IMAGES)
    for doc in docs:
        _validate(doc)
    assert sum(1 for d in docs if d.get("context")) >= len(MACHINE_IMAGES) - 1
