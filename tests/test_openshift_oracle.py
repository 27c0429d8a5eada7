"""Rendered OpenShift configuration against the Go oracle (containers/image 5.34.2).

* every registries.conf rendered for a transcribed upstream case loads in Go without error
  (the upstream tests' own last check) and loads to the same configuration in regresolve;
* a property test over generated mirror objects and registry lists: whatever the MCO would
  render loads in Go, and the pull plans computed by :class:`regresolve.Resolver` from it agree
  with Go's for digest and tag references under every scope;
* the seed scenario in ``examples/openshift`` end to end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve.openshift import (
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    MirrorObject,
    MirrorRule,
    load_objects,
    plan_on_node,
    render,
)
from regresolve.openshift._registries import (
    MCO_BASE_REGISTRIES_CONF,
    decode_conf,
    edit_registries_config,
    encode_conf,
)
from regresolve.openshift._render import _pull_source_names, update_registries_config
from support.pycompat import strict_zip

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent
EDIT = yaml.safe_load((ROOT / "tests/data/openshift/edit_registries_config.yaml").read_text())[
    "cases"
]
CONF = "/etc/containers/registries.conf"
DROPIN_DIR = "/etc/containers/registries.conf.d"
DROPIN = DROPIN_DIR + "/01-image-searchRegistries.conf"
DIGEST = "@sha256:" + "ab" * 32


def _registry_dict(r: regresolve.Registry) -> dict[str, Any]:
    return {
        "prefix": r.prefix,
        "location": r.location,
        "insecure": r.insecure,
        "blocked": r.blocked,
        "mirror_by_digest_only": r.mirror_by_digest_only,
        "mirrors": [
            {"location": m.location, "insecure": m.insecure, "pull_from_mirror": m.pull_from_mirror}
            for m in r.mirrors
        ],
    }


def _ours_conf(files: dict[str, str]) -> regresolve.RegistriesConf:
    dropins = {}
    if DROPIN in files:
        dropins["01-image-searchRegistries.conf"] = files[DROPIN]
    return regresolve.RegistriesConf.from_toml(
        files[CONF], dropins, path=CONF, dropin_dir=DROPIN_DIR
    )


def _plan_dict(resolver: Any, ref: str) -> dict[str, Any]:
    try:
        plan = resolver.plan(ref)
    except regresolve.RegresolveError as e:
        return {"error": e.go_message}
    return {
        "error": None,
        "reference": str(plan.reference),
        "sources": [
            {
                "reference": str(s.reference),
                "location": s.location,
                "insecure": s.insecure,
                "mirror": s.mirror,
                "pull_from_mirror": s.pull_from_mirror,
                "blocked_error": s.blocked_error,
            }
            for s in plan.sources
        ],
    }


def _go_plan(p: dict[str, Any]) -> dict[str, Any]:
    if p["error"] is not None:
        return {"error": p["error"]}
    return {"error": None, "reference": p["reference"], "sources": p["sources"]}


def _payload_sources_agree(text: str, refs: list[str], plans: list[dict[str, Any]]) -> None:
    """The MCO's payload check plans with its own FindRegistry/PullSourcesFromReference
    (``_pull_source_names``); it must name the same sources as Go."""
    conf = decode_conf(text)
    for ref, go in strict_zip(refs, plans):
        if go["error"] is not None or go["registry"] is None:
            continue  # no entry: Go's MCO code would dereference nil (see compat.md)
        parsed = regresolve.parse_reference(ref)
        want = [regresolve.parse_reference(s["reference"]).name for s in go["sources"]]
        assert _pull_source_names(conf, parsed) == want, ref


def _agree(oracle: Any, files: dict[str, str], refs: list[str]) -> int:
    """Assert Go and regresolve agree on the configuration and on every plan; return the
    number of plans compared."""
    answer = oracle.config(files=files, refs=refs, system_registries_conf_dir_path=DROPIN_DIR)
    if answer["error"] is not None:
        # The MCO wrote a file the node refuses (possible only with a --base file): both
        # sides must refuse it with the same message.
        with pytest.raises(regresolve.InvalidConfig) as info:
            _ours_conf(files)
        assert answer["error"].endswith(info.value.go_message)
        return 0
    _payload_sources_agree(files[CONF], refs, answer["plans"])
    conf = _ours_conf(files)
    assert [_registry_dict(r) for r in conf.registries] == answer["config"]["registries"]
    assert list(conf.unqualified_search_registries or ()) == (
        answer["config"]["unqualified_search_registries"] or []
    )
    resolver = regresolve.Resolver(conf)
    for ref, go in strict_zip(refs, answer["plans"]):
        assert _plan_dict(resolver, ref) == _go_plan(go), ref
    return len(refs)


def _objs(case: dict[str, Any]) -> ClusterImageObjects:
    def objs(kind: str, key: str) -> tuple[MirrorObject, ...]:
        return tuple(
            MirrorObject(
                kind,  # type: ignore[arg-type]
                f"{key}-{i}",
                tuple(
                    MirrorRule(
                        e["source"],
                        tuple(e["mirrors"]),
                        "" if key == "icsp" else e.get("policy", ""),
                    )
                    for e in obj
                ),
            )
            for i, obj in enumerate(case.get(key) or [])
        )

    return ClusterImageObjects(
        idms=objs("ImageDigestMirrorSet", "idms"),
        itms=objs("ImageTagMirrorSet", "itms"),
        icsp=objs("ImageContentSourcePolicy", "icsp"),
    )


def _refs_for(scopes: list[str]) -> list[str]:
    refs = []
    for s in scopes:
        host = "x" + s[1:] if s.startswith("*.") else s
        refs += [f"{host}/img:1", f"{host}/img{DIGEST}"]
    return refs


@pytest.mark.parametrize("case", EDIT, ids=lambda c: f"{c['test']}/{c['name']}")
def test_upstream_rendered_configs_load_in_go(oracle: Any, case: dict[str, Any]) -> None:
    """The upstream tests' last check: the rendered file loads in containers/image."""
    insecure, blocked = case.get("insecure") or [], case.get("blocked") or []
    objects = _objs(case)
    if case["test"] == "TestEditRegistriesConfig":
        # runtime-utils alone (no MCO validation), as the upstream test runs it.
        conf = decode_conf(MCO_BASE_REGISTRIES_CONF)
        digest = [r for o in (*objects.idms, *objects.icsp) for r in o.rules]
        edit_registries_config(
            conf, insecure, blocked, digest, [r for o in objects.itms for r in o.rules]
        )
        text = encode_conf(conf)
    else:
        text = update_registries_config(MCO_BASE_REGISTRIES_CONF, insecure, blocked, objects)
    scopes = [r.get("location") or r.get("prefix") for r in _flat(case["want"] or [])]
    refs = [*_refs_for([s for s in scopes if s]), "docker.io/library/busybox:1"]
    assert _agree(oracle, {CONF: text}, refs) == len(refs)


def test_q3_mco_refuses_what_runtime_utils_renders() -> None:
    """Q3: the runtime-utils case "mirrorSourcePolicy" is refused by the MCO (V3)."""
    case = next(c for c in EDIT if c["name"] == "mirrorSourcePolicy")
    with pytest.raises(InvalidOpenShiftObject, match="conflicting mirrorSourcePolicy"):
        update_registries_config(MCO_BASE_REGISTRIES_CONF, [], [], _objs(case))


def _flat(items: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for it in items:
        out.extend(_flat(it) if isinstance(it, list) else [it])
    return out


# -- property test ------------------------------------------------------------------------------

HOSTS = ["a.com", "b.com", "s.b.com", "m.net", "m.net:5000", "q.io"]
PATHS = ["", "/ns", "/ns/r", "/x"]
scopes = st.builds(lambda h, p: h + p, st.sampled_from(HOSTS), st.sampled_from(PATHS))
wild = st.sampled_from(["*.b.com", "*.net", "*.com"])
rule = st.builds(
    lambda s, ms, p: MirrorRule(s, tuple(ms), p),
    st.one_of(scopes, scopes, wild),
    st.lists(scopes, min_size=0, max_size=3, unique=True),
    st.sampled_from(["", "", "NeverContactSource", "AllowContactingSource"]),
)


def _mobj(kind: str, icsp: bool = False) -> Any:
    return st.lists(
        st.lists(rule, min_size=1, max_size=3).map(
            lambda rs: tuple(MirrorRule(r.source, r.mirrors) for r in rs) if icsp else tuple(rs)
        ),
        max_size=2,
    ).map(lambda objs: tuple(MirrorObject(kind, f"o{i}", r) for i, r in enumerate(objs)))  # type: ignore[arg-type]


cluster = st.builds(
    lambda idms, itms, icsp, ins, blk: ClusterImageObjects(
        image=ImageConfig(insecure_registries=tuple(ins), blocked_registries=tuple(blk)),
        idms=idms,
        itms=itms,
        icsp=icsp,
    ),
    _mobj("ImageDigestMirrorSet"),
    _mobj("ImageTagMirrorSet"),
    _mobj("ImageContentSourcePolicy", icsp=True),
    st.lists(st.one_of(scopes, wild), max_size=2, unique=True),
    st.lists(st.one_of(scopes, wild), max_size=2, unique=True),
)


BASES = [
    MCO_BASE_REGISTRIES_CONF,
    # A base with its own entries (kept first, E7) and keys the MCO's struct drops.
    'unqualified-search-registries = ["q.io"]\n[[registry]]\nlocation = "a.com"\n'
    '[[registry.mirror]]\nlocation = "m.net/a"\n[[registry]]\nprefix = "*.b.com"\n'
    'location = "m.net/b"\n[aliases]\n"x/y" = "q.io/x/y"\n',
    '[[registry]]\nlocation = "s.b.com/ns"\nmirror-by-digest-only = true\n'
    '[[registry.mirror]]\nlocation = "q.io/ns"\n',
]


@pytest.mark.property
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=cluster, base=st.sampled_from(BASES))
def test_rendered_configs_agree_with_go(
    oracle: Any, objects: ClusterImageObjects, base: str
) -> None:
    try:
        files = render(objects, base_registries_conf=base, release_image=None)
    except InvalidOpenShiftObject:
        return  # the MCO refuses these objects: nothing reaches a node
    conf_text = files.registries_conf
    scopes_seen = {
        s
        for o in (*objects.idms, *objects.itms, *objects.icsp)
        for r in o.rules
        for s in (r.source, *r.mirrors)
    }
    assert objects.image is not None
    scopes_seen |= set(objects.image.insecure_registries or ())
    scopes_seen |= set(objects.image.blocked_registries or ())
    refs = _refs_for(sorted(scopes_seen))
    refs += [f"{s}/deeper/img:2" for s in sorted(scopes_seen) if not s.startswith("*.")]
    _agree(oracle, {CONF: conf_text}, refs)


# -- the seed scenario ----------------------------------------------------------------------------

SEED_DIGEST = "registry.access.redhat.com/ubi8/ubi-minimal" + DIGEST
SEED_TAG = "registry.access.redhat.com/ubi8/ubi-minimal:8.10"


def test_seed_scenario_end_to_end(oracle: Any, tmp_path: Path) -> None:
    from regresolve.openshift._cli import main

    objects = load_objects(ROOT / "examples/openshift")
    files = render(objects)
    assert files.registries_conf_edited
    assert files.policy_json_edited
    node = files.files()
    # Both plans agree with Go, on the same files the node gets.
    assert _agree(oracle, {CONF: node[CONF], DROPIN: node[DROPIN]}, [SEED_DIGEST, SEED_TAG]) == 2
    answer = oracle.config(
        files={CONF: node[CONF], DROPIN: node[DROPIN]},
        refs=[SEED_DIGEST, SEED_TAG],
        system_registries_conf_dir_path=DROPIN_DIR,
    )
    by_digest, by_tag = answer["plans"]
    # Digest: both mirrors (the lab one insecure), then the source.
    assert [(s["location"], s["insecure"], s["mirror"]) for s in by_digest["sources"]] == [
        ("mirror.example.com/ubi8/ubi-minimal", False, True),
        ("mirror-lab.example.net:5000/ubi8/ubi-minimal", True, True),
        ("registry.access.redhat.com/ubi8/ubi-minimal", False, False),
    ]
    # Tag: IDMS mirrors are digest-only; only the source is tried.
    assert [s["location"] for s in by_tag["sources"]] == [
        "registry.access.redhat.com/ubi8/ubi-minimal"
    ]
    assert answer["config"]["unqualified_search_registries"] == [
        "registry.access.redhat.com",
        "registry.redhat.io",
    ]
    # policy.json: the logical name is allowed; docker.io is not.
    plan = plan_on_node(files, SEED_DIGEST)
    assert plan.accepted
    assert plan.verdicts[0].scope == "registry.access.redhat.com"
    denied = plan_on_node(files, "docker.io/library/busybox:1")
    assert not denied.accepted
    assert denied.verdicts[0].verdict == "rejected"
    # The CLI writes the node's files at their node paths.
    assert main(["openshift", "render", str(ROOT / "examples/openshift"), "--output",
                 str(tmp_path)]) == 0  # fmt: skip
    for path, text in node.items():
        assert (tmp_path / path.lstrip("/")).read_text() == text


def test_blocked_variant_agrees_with_go(oracle: Any) -> None:
    ex = ROOT / "examples/openshift"
    files = render(
        load_objects(
            ex / "blocked/image.yaml", ex / "imagedigestmirrorsets.yaml", ex / "clusterversion.yaml"
        )
    )
    # SPEC V7: quay.io holds the payload and has no mirror, so only docker.io stays blocked.
    assert files.registries_blocked == ("docker.io",)
    refs = ["docker.io/library/busybox:1", "quay.io/openshift-release-dev/ocp-release:4.18",
            "registry.legacy.example.com/app" + DIGEST, SEED_DIGEST]  # fmt: skip
    assert _agree(oracle, {CONF: files.registries_conf}, refs) == len(refs)
