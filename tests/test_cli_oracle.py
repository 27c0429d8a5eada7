"""``regresolve resolve --json`` against the Go oracle's plans for the same files.

The files are laid out under a private root exactly as the oracle lays them out, the command
runs with ``--root``/``--home`` (and ``--config``/``--config-dir`` when the case names them),
and every object it prints must equal the oracle's plan for the same input: reference,
registry, sources (blocked meaning the oracle reported a ``blocked_error``) and error text.
Short names go through podman's short-name resolution in the command; their candidates are
compared with the oracle's ``shortnames.Resolve`` and each candidate's plan with the oracle's.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regresolve._cli import main
from support.oracle import Oracle
from support.pycompat import strict_zip
from support.strategies_config import HOME, QUALIFIED, ConfigCase, config_cases

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent
DIGEST = "sha256:" + "c" * 64
# REGRESOLVE_CLI_ORACLE_EXAMPLES sets the number of generated configurations; CI
# (REGRESOLVE_ORACLE_EXAMPLES=ci) runs 200, a developer's default run 60.
EXAMPLES = int(
    os.environ.get(
        "REGRESOLVE_CLI_ORACLE_EXAMPLES",
        "200" if os.environ.get("REGRESOLVE_ORACLE_EXAMPLES") == "ci" else "60",
    )
)

SHORT = ["busybox", "library/busybox:1", f"img@{DIGEST}", "ns/img:2"]


def cli_json(
    case: ConfigCase, root: Path, refs: list[str], *extra: str
) -> tuple[int, list[dict[str, Any]]]:
    """Run ``regresolve resolve --json`` on the materialized case, prefixes stripped."""
    r = str(root)
    argv = ["resolve", "--json", "--root", r, "--home", r + HOME, *extra]
    if case.system_registries_conf_path is not None:
        argv += ["--config", r + case.system_registries_conf_path]
    if case.system_registries_conf_dir_path is not None:
        argv += ["--config-dir", r + case.system_registries_conf_dir_path]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH")
    }
    out = io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        code = main([*argv, *refs], out=out)
    text = out.getvalue().replace(r, "")
    objs = [json.loads(line) for line in text.splitlines()]
    for obj in objs:
        del obj["context"]  # the pull context: test_cli_context.py
    return code, objs


def podman_input(text: str) -> str:
    """What podman hands the library: libimage drops the tag of a tagged and digested name
    (``normalizeTaggedDigestedString``); QUALIFIED has one such name, ``...:1@sha256:...``."""
    return text.replace(":1@sha256:", "@sha256:")


def expected_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """The oracle's plan in the shape ``resolve --json`` prints."""
    error = plan["error"]
    registry = plan["registry"]
    return {
        "input": plan["input"],
        "reference": None if error is not None else plan["reference"],
        "registry": None
        if error is not None or registry is None
        else {"prefix": registry["prefix"], "location": registry["location"]},
        "sources": []
        if error is not None
        else [
            {
                "reference": s["reference"],
                "location": s["location"],
                "insecure": s["insecure"],
                "mirror": s["mirror"],
                "pull_from_mirror": s["pull_from_mirror"],
                "blocked": s["blocked_error"] is not None,
                "blocked_error": s["blocked_error"],
            }
            for s in plan["sources"]
        ],
        "error": error,
    }


def go_comparable(obj: dict[str, Any]) -> dict[str, Any]:
    """Our JSON object without what Go does not report: skipped mirrors, the entry's file."""
    out = {k: v for k, v in obj.items() if k != "skipped"}
    if out.get("registry") is not None:
        out["registry"] = {k: out["registry"][k] for k in ("prefix", "location")}
    return out


def check_case(oracle: Oracle, case: ConfigCase, root: Path) -> None:
    case.materialize(root)
    answer = oracle.request(case.oracle_request(refs=[podman_input(r) for r in QUALIFIED]))
    code, objs = cli_json(case, root, QUALIFIED)
    if answer["error"] is not None:
        assert code == 2
        assert objs == []
        return
    expected = [expected_plan(p) | {"input": r} for r, p in strict_zip(QUALIFIED, answer["plans"])]

    assert [go_comparable(o) for o in objs] == expected
    failed = any(
        e["error"] is not None or (e["sources"] and all(s["blocked"] for s in e["sources"]))
        for e in expected
    )
    assert code == (1 if failed else 0)


@pytest.mark.property
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=config_cases())
def test_resolve_json_equals_oracle_plans(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, case: ConfigCase
) -> None:
    """Generated file sets: every object equals the oracle's plan for the same input."""
    check_case(oracle, case, tmp_path_factory.mktemp("root"))


def example_case() -> ConfigCase:
    files: dict[str, str | None] = {
        "/etc/containers/registries.conf": (ROOT / "examples" / "registries.conf").read_text(),
    }
    for dropin in sorted((ROOT / "examples" / "registries.conf.d").glob("*.conf")):
        files[f"/etc/containers/registries.conf.d/{dropin.name}"] = dropin.read_text()
    return ConfigCase(files=files)


def test_example_configuration_equals_oracle(oracle: Oracle, tmp_path: Path) -> None:
    """The shipped example, through the default system paths under --root."""
    check_case(oracle, example_case(), tmp_path)


@pytest.mark.parametrize("mode", [None, "disabled", "permissive", "enforcing"])
def test_short_names_equal_oracle(oracle: Oracle, tmp_path: Path, mode: str | None) -> None:
    """Short names: candidates from shortnames.Resolve, then each candidate's plan."""
    case = example_case()
    case.materialize(tmp_path)
    names = [*SHORT, "myapp:3", "nginx", "prometheus@" + DIGEST]
    extra = {} if mode is None else {"short_name_mode": mode}
    answer = oracle.request(case.oracle_request(short_names=names, **extra))
    code, objs = cli_json(
        case, tmp_path, names, *([] if mode is None else ["--short-name-mode", mode])
    )
    assert answer["error"] is None

    for obj, resolved in strict_zip(objs, answer["short_names"]):
        assert obj["input"] == resolved["input"]
        if resolved["error"] is not None:
            assert obj["error"] == resolved["error"]
            assert obj["short_name"]["candidates"] == []
            continue
        values = [c["value"] for c in resolved["candidates"]]
        cands = obj["short_name"]["candidates"]
        assert [c["reference"] for c in cands] == values
        assert [c["description"] for c in cands] == [
            c["description"] for c in resolved["candidates"]
        ]
        plans = oracle.request(case.oracle_request(refs=values))["plans"]
        for cand, plan in strict_zip(cands, plans):
            exp = expected_plan(plan)
            assert (go_comparable(cand)["registry"], cand["sources"], cand["error"]) == (
                exp["registry"],
                exp["sources"],
                exp["error"],
            )
        assert obj["sources"] == [s for c in cands for s in c["sources"]]
    assert code in (0, 1)


@settings(
    max_examples=max(EXAMPLES // 3, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    case=config_cases(), names=st.lists(st.sampled_from(SHORT), min_size=1, max_size=2, unique=True)
)
def test_generated_short_names_equal_oracle(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, case: ConfigCase, names: list[str]
) -> None:
    """Generated configurations: the command's candidates equal shortnames.Resolve's."""
    root = tmp_path_factory.mktemp("root")
    case.materialize(root)
    answer = oracle.request(case.oracle_request(short_names=names))
    code, objs = cli_json(case, root, names)
    if answer["error"] is not None:
        assert code == 2
        return
    for obj, resolved in strict_zip(objs, answer["short_names"]):
        if resolved["error"] is not None:
            assert obj["error"] == resolved["error"]
        else:
            assert [c["reference"] for c in obj["short_name"]["candidates"]] == [
                c["value"] for c in resolved["candidates"]
            ]


@settings(
    max_examples=max(EXAMPLES // 3, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=config_cases())
def test_dump_json_equals_oracle_config(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, case: ConfigCase
) -> None:
    """``dump --format json`` prints the merged configuration the oracle reports."""
    root = tmp_path_factory.mktemp("root")
    case.materialize(root)
    answer = oracle.request(case.oracle_request())
    r = str(root)
    argv = ["dump", "--format", "json", "--root", r, "--home", r + HOME]
    if case.system_registries_conf_path is not None:
        argv += ["--config", r + case.system_registries_conf_path]
    if case.system_registries_conf_dir_path is not None:
        argv += ["--config-dir", r + case.system_registries_conf_dir_path]
    env = {k: v for k, v in os.environ.items() if k != "CONTAINERS_REGISTRIES_CONF"}
    out = io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        code = main(argv, out=out)
    if answer["error"] is not None:
        assert code == 2
        return
    ours = json.loads(out.getvalue().replace(r, ""))
    theirs = answer["config"]

    assert code == 0
    # dump --format json uses registries.conf's key names; the oracle reports Go's fields.
    assert [
        {
            "prefix": reg["prefix"],
            "location": reg["location"],
            "insecure": reg["insecure"],
            "blocked": reg["blocked"],
            "mirror_by_digest_only": reg["mirror-by-digest-only"],
            "mirrors": [
                {
                    "location": m["location"],
                    "insecure": m["insecure"],
                    "pull_from_mirror": m["pull-from-mirror"],
                }
                for m in reg["mirror"]
            ],
        }
        for reg in ours["registry"]
    ] == theirs["registries"]
    assert ours["unqualified-search-registries"] == theirs["unqualified_search_registries"]
    assert (ours["unqualified-search-registries-origin"] or "") == (
        theirs["unqualified_search_registries_origin"]
    )
    assert ours["credential-helpers"] == theirs["credential_helpers"]
    assert (
        ours["additional-layer-store-auth-helper"] == (theirs["additional_layer_store_auth_helper"])
    )
    assert {k: v["value"] for k, v in ours["aliases"].items()} == theirs["aliases"]
    if theirs["short_name_mode_error"] is None:
        assert ours["short-name-mode"] == theirs["short_name_mode"]
