"""The upstream OpenShift test tables (runtime-utils, MCO), transcribed as data and replayed.

Data: ``tests/data/openshift/*.yaml`` (see its README).  Each row is one parametrized case
whose id names the upstream test.  ``test_upstream_case_count`` states how many there are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]

from regresolve.openshift import (
    ClusterImageObjects,
    InvalidOpenShiftObject,
    MirrorObject,
    MirrorRule,
)
from regresolve.openshift._objects import ImageConfig
from regresolve.openshift._policy_json import update_policy_json
from regresolve.openshift._registries import (
    MCO_BASE_REGISTRIES_CONF,
    GoConf,
    GoEndpoint,
    MergedMirrorSet,
    RegistriesEditError,
    decode_conf,
    edit_registries_config,
    encode_conf,
    merged_mirror_sets,
    mirrors_adjusted_for_nested_scope,
)
from regresolve.openshift._render import (
    update_registries_config,
    valid_blocked_and_allowed,
    validate_registries_conf_scopes,
)
from regresolve.openshift._scopes import (
    is_valid_registries_conf_scope,
    scope_is_nested_inside_scope,
)
from regresolve.openshift._topo import TopoGraph

DATA = Path(__file__).parent / "data" / "openshift"
RU = yaml.safe_load((DATA / "runtime_utils.yaml").read_text())
EDIT = yaml.safe_load((DATA / "edit_registries_config.yaml").read_text())["cases"]
MCO = yaml.safe_load((DATA / "mco_helpers.yaml").read_text())

# The number of upstream cases replayed below (mergedMirrorsetsTestcases runs three times,
# minus the one ICSP run upstream skips because ICSP has no mirrorSourcePolicy).
EXPECTED_CASES = {
    "TestScopeIsNestedInsideScope": 23,
    "TestIsValidRegistriesConfScope": 12,
    "TestMirrorsContainsARealMirror": 7,
    "TestMerged{ICSP,Digest,Tag}MirrorSets": 23,
    "TestMirrorsAdjustedForNestedScope": 3,
    "TestTopoGraph": 6,
    "TestEditRegistriesConfig": 11,
    "TestUpdateRegistriesConfig": 7,
    "TestUpdatePolicyJSON": 8,
    "TestValidateRegistriesConfScopes": 12,
    "TestGetValidBlockAndAllowedRegistries": 6,
}


def _merged_params() -> list[Any]:
    out = []
    for case in RU["mergedMirrorsetsTestcases"]:
        for kind in ("ICSP", "Digest", "Tag"):
            has_policy = any(e.get("policy") for obj in case["input"] for e in obj)
            if kind == "ICSP" and has_policy:
                continue  # upstream: t.Skip("skip icsp test with mirrorSourcePolicy")
            out.append(pytest.param(kind, case, id=f"TestMerged{kind}MirrorSets/{case['name']}"))
    return out


MERGED_PARAMS = _merged_params()


def test_upstream_case_count() -> None:
    counts = {
        "TestScopeIsNestedInsideScope": len(RU["TestScopeIsNestedInsideScope"]),
        "TestIsValidRegistriesConfScope": len(RU["TestIsValidRegistriesConfScope"]),
        "TestMirrorsContainsARealMirror": len(RU["TestMirrorsContainsARealMirror"]),
        "TestMerged{ICSP,Digest,Tag}MirrorSets": len(MERGED_PARAMS),
        "TestMirrorsAdjustedForNestedScope": len(RU["TestMirrorsAdjustedForNestedScope"]["invalid"])
        + 1,
        "TestTopoGraph": len(RU["TestTopoGraph"]),
        "TestEditRegistriesConfig": sum(c["test"] == "TestEditRegistriesConfig" for c in EDIT),
        "TestUpdateRegistriesConfig": sum(c["test"] == "TestUpdateRegistriesConfig" for c in EDIT),
        "TestUpdatePolicyJSON": len(MCO["TestUpdatePolicyJSON"]),
        "TestValidateRegistriesConfScopes": len(MCO["TestValidateRegistriesConfScopes"]),
        "TestGetValidBlockAndAllowedRegistries": len(MCO["TestGetValidBlockAndAllowedRegistries"]),
    }
    total = sum(counts.values())
    print(f"\nupstream OpenShift cases transcribed: {total} {counts}")
    assert counts == EXPECTED_CASES
    assert total == 118


# -- runtime-utils registries_test.go ---------------------------------------------------------


@pytest.mark.parametrize(("sub", "sup", "expected"), RU["TestScopeIsNestedInsideScope"])
def test_scope_is_nested_inside_scope(sub: str, sup: str, expected: bool) -> None:
    assert scope_is_nested_inside_scope(sub, sup) is expected


@pytest.mark.parametrize(("scope", "expected"), RU["TestIsValidRegistriesConfScope"])
def test_is_valid_registries_conf_scope(scope: str, expected: bool) -> None:
    assert is_valid_registries_conf_scope(scope) is expected


@pytest.mark.parametrize(("mirrors", "expected"), RU["TestMirrorsContainsARealMirror"])
def test_mirrors_contains_a_real_mirror(mirrors: list[str], expected: bool) -> None:
    # mirrorsContainsARealMirror is the M2 filter of merged_mirror_sets.
    source = "source.example.com"
    merged = merged_mirror_sets([MirrorRule(source, tuple(mirrors))])
    assert bool(merged) is expected


def _rule(entry: dict[str, Any], *, icsp: bool = False) -> MirrorRule:
    return MirrorRule(
        entry["source"], tuple(entry.get("mirrors") or ()), "" if icsp else entry.get("policy", "")
    )


@pytest.mark.parametrize(("kind", "case"), MERGED_PARAMS)
def test_merged_mirror_sets(kind: str, case: dict[str, Any]) -> None:
    rules = [_rule(e, icsp=kind == "ICSP") for obj in case["input"] for e in obj]
    want = [
        MergedMirrorSet(r["source"], tuple(r["mirrors"]), r.get("policy", ""))
        for r in case["result"]
    ]
    assert merged_mirror_sets(rules) == want


@pytest.mark.parametrize(("mirrored", "sub"), RU["TestMirrorsAdjustedForNestedScope"]["invalid"])
def test_mirrors_adjusted_for_nested_scope_invalid(mirrored: str, sub: str) -> None:
    with pytest.raises(RegistriesEditError, match="internal error"):
        mirrors_adjusted_for_nested_scope(mirrored, sub, [])


def test_mirrors_adjusted_for_nested_scope_valid() -> None:
    case = RU["TestMirrorsAdjustedForNestedScope"]["valid"]
    res = mirrors_adjusted_for_nested_scope(
        case["mirrored"], case["sub"], [GoEndpoint(m) for m in case["mirrors"]]
    )
    assert [m.location for m in res] == case["result"]


@pytest.mark.parametrize(("name", "edges", "result"), RU["TestTopoGraph"], ids=lambda x: x)
def test_topo_graph(name: str, edges: list[str], result: str) -> None:
    for offset in range(max(1, len(edges))):
        graph = TopoGraph()
        for i in range(len(edges)):
            e = edges[(offset + i) % len(edges)]
            graph.add_edge(e[0], e[1])
        assert "".join(graph.sorted()) == result, f"pass {offset}"


# -- EditRegistriesConfig / updateRegistriesConfig --------------------------------------------


def _flatten(items: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for it in items:
        if isinstance(it, list):
            out.extend(_flatten(it))
        else:
            out.append(it)
    return out


def _want_conf(want: list[Any] | None) -> GoConf:
    conf = GoConf(unqualified_search_registries=["registry.access.redhat.com", "docker.io"])
    if want is None:
        return conf
    from regresolve.openshift._registries import GoRegistry

    conf.registries = [
        GoRegistry(
            prefix=r.get("prefix", ""),
            location=r.get("location", ""),
            insecure=r.get("insecure", False),
            blocked=r.get("blocked", False),
            mirrors=[
                GoEndpoint(m[0], m[2] if len(m) > 2 else False, m[1]) for m in r.get("mirrors", [])
            ],
        )
        for r in _flatten(want)
    ]
    return conf


def _objects(case: dict[str, Any]) -> ClusterImageObjects:
    def objs(kind: str, key: str) -> tuple[MirrorObject, ...]:
        return tuple(
            MirrorObject(kind, f"{key}-{i}", tuple(_rule(e, icsp=key == "icsp") for e in obj))  # type: ignore[arg-type]
            for i, obj in enumerate(case.get(key) or [])
        )

    return ClusterImageObjects(
        idms=objs("ImageDigestMirrorSet", "idms"),
        itms=objs("ImageTagMirrorSet", "itms"),
        icsp=objs("ImageContentSourcePolicy", "icsp"),
    )


def _edit_id(case: dict[str, Any]) -> str:
    return f"{case['test']}/{case['name']}"


@pytest.mark.parametrize("case", EDIT, ids=_edit_id)
def test_edit_registries_config(case: dict[str, Any]) -> None:
    insecure = case.get("insecure") or []
    blocked = case.get("blocked") or []
    objects = _objects(case)
    want = _want_conf(case["want"])
    if case["test"] == "TestEditRegistriesConfig":
        conf = decode_conf(encode_conf(decode_conf(MCO_BASE_REGISTRIES_CONF)))
        digest = [r for o in objects.idms for r in o.rules] + [
            r for o in objects.icsp for r in o.rules
        ]
        edit_registries_config(
            conf, insecure, blocked, digest, [r for o in objects.itms for r in o.rules]
        )
    else:
        text = update_registries_config(MCO_BASE_REGISTRIES_CONF, insecure, blocked, objects)
        conf = decode_conf(text)
    assert conf == want


# -- MCO helpers_test.go ------------------------------------------------------------------------

_REQ = {"accept": {"type": "insecureAcceptAnything"}, "reject": {"type": "reject"}}


@pytest.mark.parametrize("case", MCO["TestUpdatePolicyJSON"], ids=lambda c: c["name"])
def test_update_policy_json(case: dict[str, Any]) -> None:
    template = json.dumps(
        {
            "default": [{"type": "insecureAcceptAnything"}],
            "transports": {"docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}},
        }
    )
    blocked, allowed = case.get("blocked"), case.get("allowed")
    if case.get("error"):
        with pytest.raises(Exception, match="only one of AllowedRegistries or BlockedRegistries"):
            update_policy_json(template, blocked, allowed, "release-reg.io/image/release")
        return
    got = update_policy_json(template, blocked, allowed, "release-reg.io/image/release")
    if case["want"] is None:
        assert got == template
        return
    w = case["want"]
    assert json.loads(got) == {
        "default": [_REQ[w["default"]]],
        "transports": {
            "atomic": {k: [_REQ[v]] for k, v in w["atomic"].items()},
            "docker": {k: [_REQ[v]] for k, v in w["docker"].items()},
            "docker-daemon": {"": [{"type": "insecureAcceptAnything"}]},
        },
    }
    # The generated policy is valid for containers/image (the upstream test's last check).
    from regresolve._policy import parse_policy

    parse_policy(got)


@pytest.mark.parametrize("case", MCO["TestValidateRegistriesConfScopes"])
def test_validate_registries_conf_scopes(case: dict[str, Any]) -> None:
    objects = _objects(case)
    insecure, blocked = case.get("insecure") or [], case.get("blocked") or []
    allowed = case.get("allowed") or []
    if case["error"] is None:
        validate_registries_conf_scopes(
            insecure, blocked, allowed, icsp=objects.icsp, idms=objects.idms
        )
        return
    with pytest.raises(InvalidOpenShiftObject) as info:
        validate_registries_conf_scopes(
            insecure, blocked, allowed, icsp=objects.icsp, idms=objects.idms
        )
    assert info.value.go_message == case["error"]


@pytest.mark.parametrize(
    "case", MCO["TestGetValidBlockAndAllowedRegistries"], ids=lambda c: c["name"]
)
def test_get_valid_block_and_allowed_registries(case: dict[str, Any]) -> None:
    objects = _objects(case)
    res = valid_blocked_and_allowed(
        case["release"], ImageConfig(blocked_registries=tuple(case["blocked"])), (), objects.idms
    )
    assert (res.error is not None) is case["error"]

    def norm(v: list[str] | None) -> tuple[str, ...] | None:
        return None if v is None else tuple(v)

    assert res.registries_blocked == norm(case["registries_blocked"])
    assert res.policy_blocked == norm(case["policy_blocked"])
    assert res.allowed == norm(case["allowed"])
