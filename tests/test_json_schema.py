"""Every JSON document the command prints validates against docs/schema/output.schema.json.

The commands run on the repository's examples and on inputs chosen to reach every branch of
the output: short names (with and without candidates, enforcing without a terminal), errors,
blocked and insecure sources, skipped mirrors, warnings, problems, diffs, OpenShift node plans.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from regresolve._cli import main

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
