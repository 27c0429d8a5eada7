"""regresolve.openshift: reading objects, rendering as the MCO does, quirks Q1-Q4.

Expected values come from the spec (peers-and-openshift.md §1, rules cited as ``# SPEC``), from
the MCO templates, or from the encoders' documented rules (BurntSushi/toml v1.5.0 encode.go,
Go encoding/json); upstream tables are in test_openshift_upstream.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from regresolve.openshift import (
    MCO_BASE_POLICY_JSON,
    MCO_BASE_REGISTRIES_CONF,
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    MirrorObject,
    MirrorRule,
    objects_from_data,
    objects_from_text,
    render,
)
from regresolve.openshift._cli import main
from regresolve.openshift._registries import decode_conf, encode_conf
from regresolve.openshift._scopes import MIRROR_RE, SOURCE_RE

ROOT = Path(__file__).resolve().parent.parent
RELEASE = "quay.io/openshift-release-dev/ocp-release@sha256:" + "01" * 32


def idms(name: str, *rules: MirrorRule) -> MirrorObject:
    return MirrorObject("ImageDigestMirrorSet", name, rules)


# -- reading objects ---------------------------------------------------------------------

LIST_YAML = """\
apiVersion: v1
kind: List
items:
- apiVersion: config.openshift.io/v1
  kind: ImageDigestMirrorSet
  metadata: {name: b}
  spec:
    imageDigestMirrors:
    - source: quay.io/ns
      mirrors: [mirror.example.com/ns]
      mirrorSourcePolicy: NeverContactSource
- apiVersion: config.openshift.io/v1
  kind: ImageDigestMirrorSet
  metadata: {name: a}
  spec:
    imageDigestMirrors: []
- apiVersion: v1
  kind: Deployment
  metadata: {name: other}
---
apiVersion: operator.openshift.io/v1alpha1
kind: ImageContentSourcePolicy
metadata: {name: legacy}
spec:
  repositoryDigestMirrors:
  - source: registry.example.com
    mirrors: [mirror.example.com]
"""


def test_reads_lists_and_multiple_documents() -> None:
    objs = objects_from_text(LIST_YAML, path="objs.yaml")
    assert [o.name for o in objs.idms] == ["a", "b"]  # sorted by name, like a lister
    assert objs.idms[1].rules == (
        MirrorRule("quay.io/ns", ("mirror.example.com/ns",), "NeverContactSource"),
    )
    assert objs.icsp[0].rules == (MirrorRule("registry.example.com", ("mirror.example.com",)),)
    assert objs.ignored == ("Deployment/other",)


def test_reads_json_without_yaml() -> None:
    doc = {
        "apiVersion": "config.openshift.io/v1",
        "kind": "Image",
        "metadata": {"name": "cluster"},
        "spec": {"registrySources": {"insecureRegistries": [], "allowedRegistries": ["q.io"]}},
    }
    objs = objects_from_text(json.dumps(doc))
    assert objs.image == ImageConfig(insecure_registries=(), allowed_registries=("q.io",))


def test_release_image_from_cluster_version() -> None:
    objs = objects_from_data(
        {"kind": "ClusterVersion", "metadata": {"name": "version"},
         "status": {"desired": {"image": RELEASE}}}
    )  # fmt: skip
    assert objs.release_image == RELEASE


@pytest.mark.parametrize(
    ("obj", "field", "message"),
    [
        (
            {"kind": "ImageDigestMirrorSet", "metadata": {"name": "x"},
             "spec": {"imageDigestMirrors": [{"source": "a.com", "mirrors": "b.com"}]}},
            "spec.imageDigestMirrors[0].mirrors",
            "must be a list of strings",
        ),
        (
            {"kind": "ImageTagMirrorSet", "metadata": {"name": "x"},
             "spec": {"imageTagMirrors": [{"mirrors": ["b.com"]}]}},
            "spec.imageTagMirrors[0].source",
            "Required value",
        ),
        (
            {"kind": "ImageDigestMirrorSet", "metadata": {"name": "x"},
             "spec": {"imageDigestMirrors": [
                 {"source": "a.com", "mirrors": ["b.com"], "mirrorSourcePolicy": "Never"}]}},
            "spec.imageDigestMirrors[0].mirrorSourcePolicy",
            'Unsupported value: "Never"',
        ),
        (
            {"kind": "Image", "apiVersion": "config.openshift.io/v1",
             "metadata": {"name": "cluster"},
             "spec": {"registrySources": {"blockedRegistries": [1]}}},
            "spec.registrySources.blockedRegistries[0]",
            "must be a string",
        ),
    ],
)  # fmt: skip
def test_malformed_objects_name_file_object_and_field(obj: dict, field: str, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidOpenShiftObject) as info:
        objects_from_data(obj, path="in.yaml")
    err = info.value
    assert (err.path, err.field) == ("in.yaml", field)
    assert err.object.endswith("/x") or err.object == "Image/cluster"
    assert message in str(err)
    assert "in.yaml" in str(err)


# -- rendering ---------------------------------------------------------------------------


def test_nothing_configured_keeps_the_base_files_byte_for_byte() -> None:
    # SPEC P5, and registriesConfigIgnition's gate: no list and no mirror object.
    files = render(ClusterImageObjects(image=ImageConfig()), release_image=RELEASE)
    assert files.registries_conf == MCO_BASE_REGISTRIES_CONF
    assert files.policy_json == MCO_BASE_POLICY_JSON
    assert not files.registries_conf_edited
    assert files.search_dropin is None
    assert set(files.files()) == {"/etc/containers/registries.conf", "/etc/containers/policy.json"}


def test_empty_insecure_list_still_re_encodes_the_base() -> None:
    # Go: insecureRegs != nil triggers updateRegistriesConfig even for an empty list.
    files = render(ClusterImageObjects(image=ImageConfig(insecure_registries=())),
                   release_image=RELEASE)  # fmt: skip
    assert files.registries_conf_edited
    # BurntSushi/toml v1.5.0: direct values in struct field order, strings double-quoted,
    # fields without omitempty (short-name-mode, additional-layer-store-auth-helper) written.
    assert files.registries_conf == (
        'unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]\n'
        'short-name-mode = ""\n'
        'additional-layer-store-auth-helper = ""\n'
    )


def test_toml_layout_of_registries_and_mirrors() -> None:
    # encode.go: a blank line before each [[table]], two-space indentation per level, the
    # Prefix field (no omitempty) always written, Endpoint fields omitted when empty.
    objs = ClusterImageObjects(
        image=ImageConfig(insecure_registries=("m.example.com",)),
        idms=(idms("x", MirrorRule("src.example.com/ns", ("m.example.com/ns",))),),
    )
    text = render(objs, release_image=RELEASE).registries_conf
    assert text == (
        'unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]\n'
        'short-name-mode = ""\n'
        'additional-layer-store-auth-helper = ""\n'
        "\n"
        "[[registry]]\n"
        '  prefix = ""\n'
        '  location = "src.example.com/ns"\n'
        "\n"
        "  [[registry.mirror]]\n"
        '    location = "m.example.com/ns"\n'
        "    insecure = true\n"
        '    pull-from-mirror = "digest-only"\n'
        "\n"
        "[[registry]]\n"
        '  prefix = ""\n'
        '  location = "m.example.com"\n'
        "  insecure = true\n"
    )


def test_given_base_keeps_its_entries_first_and_drops_unknown_keys() -> None:
    # SPEC E7: pre-existing entries first; Go decodes into V2RegistriesConf, so keys it does
    # not have are lost, and aliases come out as a [aliases] table with sorted keys.
    base = (
        'unqualified-search-registries = ["q.io"]\nshort-name-mode = "enforcing"\n'
        'unknown = 1\n[aliases]\nzz = "q.io/zz"\n"a/b" = "q.io/a/b"\n'
        '[[registry]]\nlocation = "keep.example.com"\n'
    )
    objs = ClusterImageObjects(image=ImageConfig(blocked_registries=("bad.example.com",)))
    text = render(objs, base_registries_conf=base, release_image=RELEASE).registries_conf
    conf = decode_conf(text)
    assert [r.location for r in conf.registries or []] == ["keep.example.com", "bad.example.com"]
    assert "unknown" not in text
    assert text.endswith('[aliases]\n  "a/b" = "q.io/a/b"\n  zz = "q.io/zz"\n')
    assert 'short-name-mode = "enforcing"' in text
    assert encode_conf(decode_conf(text)) == text


def test_search_dropin_replaces_the_base_list() -> None:
    objs = ClusterImageObjects(
        image=ImageConfig(container_runtime_search_registries=("q.io", "r.io"))
    )
    files = render(objs, release_image=RELEASE)
    assert files.search_dropin == (
        'unqualified-search-registries = ["q.io", "r.io"]\n'
        'short-name-mode = ""\n'
        'additional-layer-store-auth-helper = ""\n'
    )
    assert not files.registries_conf_edited


def test_policy_json_worked_example() -> None:
    # SPEC P6 through the whole controller path: quay.io blocked, the payload has a mirror.
    objs = ClusterImageObjects(
        image=ImageConfig(blocked_registries=("block.com", "quay.io")),
        idms=(idms("p", MirrorRule("quay.io/openshift-release-dev", ("mirror.example.com/ocp",))),),
    )
    files = render(objs, release_image=RELEASE)
    assert files.registries_blocked == ("block.com", "quay.io")
    assert files.policy_blocked == ("block.com", "quay.io")
    assert files.policy_allowed == ("quay.io/openshift-release-dev/ocp-release",)
    assert files.warnings == (
        '"quay.io" matches the payload repository, but will add it to the list of blocked '
        "registries as there are mirror rules configured for it",
    )
    accept, reject = [{"type": "insecureAcceptAnything"}], [{"type": "reject"}]
    scopes = {"block.com": reject, "quay.io": reject,
              "quay.io/openshift-release-dev/ocp-release": accept}  # fmt: skip
    assert json.loads(files.policy_json) == {
        "default": accept,
        "transports": {"atomic": scopes, "docker": scopes, "docker-daemon": {"": accept}},
    }
    # json.MarshalIndent: two-space indent, sorted keys, no final newline.
    assert files.policy_json.startswith('{\n  "default": [\n    {\n      "type": ')
    assert not files.policy_json.endswith("\n")


def test_blocking_the_payload_without_a_mirror_drops_the_scope() -> None:
    # SPEC V7: the entry is dropped and the MCO logs why.
    objs = ClusterImageObjects(image=ImageConfig(blocked_registries=("quay.io", "docker.io")))
    files = render(objs, release_image=RELEASE)
    assert files.registries_blocked == ("docker.io",)
    assert any(
        'error adding ["quay.io"] to blocked registries, cannot block the repository being used '
        "by the payload" in w
        for w in files.warnings
    )


def test_allowed_and_blocked_together_is_refused() -> None:
    # SPEC V5.
    objs = ClusterImageObjects(
        image=ImageConfig(blocked_registries=("b.io",), allowed_registries=("a.io",))
    )
    with pytest.raises(InvalidOpenShiftObject, match="only one of AllowedRegistries or Blocked"):
        render(objs, release_image=RELEASE)


def test_release_image_must_parse() -> None:
    with pytest.raises(InvalidOpenShiftObject, match="error parsing reference of release image"):
        render(ClusterImageObjects(image=ImageConfig()), release_image="Not A Ref")


def test_q1_never_contact_source_does_not_propagate() -> None:
    # SPEC Q1: the nested insecure scope gets the mirrors but not blocked=true.
    objs = ClusterImageObjects(
        image=ImageConfig(insecure_registries=("primary.com/top/x",)),
        idms=(idms("n", MirrorRule("primary.com/top", ("mirror.com/p",), "NeverContactSource")),),
    )
    conf = decode_conf(render(objs, release_image=RELEASE).registries_conf)
    top, nested = conf.registries or []
    assert (top.location, top.blocked) == ("primary.com/top", True)
    assert (nested.location, nested.blocked, nested.insecure) == ("primary.com/top/x", False, True)
    assert [m.location for m in nested.mirrors] == ["mirror.com/p/x"]


def test_q2_wildcard_source_with_nested_scope_fails() -> None:
    # SPEC Q2.
    objs = ClusterImageObjects(
        image=ImageConfig(insecure_registries=("foo.example.com",)),
        idms=(idms("w", MirrorRule("*.example.com", ("mirror.com/x",))),),
    )
    with pytest.raises(InvalidOpenShiftObject) as info:
        render(objs, release_image=RELEASE)
    assert info.value.go_message == (
        'internal error: mirrorsAdjustedForNestedScope for a wildcard scope "*.example.com"'
    )


def test_digest_mirrors_before_tag_mirrors_and_never_contact_blocks_all() -> None:
    # SPEC E2 (V3 requires the same policy on both kinds).
    objs = ClusterImageObjects(
        idms=(idms("d", MirrorRule("r.com", ("d.com",), "NeverContactSource")),),
        itms=(MirrorObject("ImageTagMirrorSet", "t",
                           (MirrorRule("r.com", ("t.com",), "NeverContactSource"),)),),
    )  # fmt: skip
    files = render(objs, release_image=None)
    (reg,) = decode_conf(files.registries_conf).registries or []
    assert reg.blocked
    assert [(m.location, m.pull_from_mirror) for m in reg.mirrors] == [
        ("d.com", "digest-only"),
        ("t.com", "tag-only"),
    ]
    assert any("payload exception" in w for w in files.warnings)


def test_regexes_do_not_hang() -> None:
    # DEVELOPING: linear on adversarial input (Go's [-]* separator would be exponential).
    evil = "a.com/" + "a" * 40 + "-" * 5000 + "!"
    start = time.monotonic()
    assert not SOURCE_RE.fullmatch(evil)
    assert not MIRROR_RE.fullmatch("a" + "-" * 20000 + "!")
    assert not SOURCE_RE.fullmatch("*." + "a-" * 5000 + "!")
    assert time.monotonic() - start < 5


# -- command line ------------------------------------------------------------------------


def test_cli_render_writes_node_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["openshift", "render", str(ROOT / "examples/openshift"), "--output", str(tmp_path)]
    )
    assert code == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "etc/containers/policy.json",
        "etc/containers/registries.conf",
        "etc/containers/registries.conf.d/01-image-searchRegistries.conf",
    ]
    assert "policy.json" in capsys.readouterr().out


def test_cli_reports_invalid_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: ImageDigestMirrorSet\nmetadata: {name: bad}\nspec:\n  imageDigestMirrors:\n"
        "  - source: 'a.com/ns '\n    mirrors: [b.com]\n"
    )
    code = main(["openshift", "render", str(bad), "--output", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert 'invalid format for source "a.com/ns "' in err
    assert "ImageDigestMirrorSet/bad" in err


def test_base_keys_match_fields_case_insensitively() -> None:
    # BurntSushi/toml decode: exact tag, else strings.EqualFold (K is the Kelvin sign).
    conf = decode_conf('[[Registry]]\nLocation = "a.com"\n"bloc\u212aed" = true\n')
    (reg,) = conf.registries or []
    assert (reg.location, reg.blocked) == ("a.com", True)


def test_warns_when_the_node_will_refuse_the_file() -> None:
    # The MCO does not check: a --base entry with mirror-by-digest-only plus an IDMS for the
    # same source gives a file containers/image refuses (R-CONF: mirror-by-digest-only and
    # pull-from-mirror together).
    base = '[[registry]]\nlocation = "a.com/ns"\nmirror-by-digest-only = true\n'
    objs = ClusterImageObjects(idms=(idms("x", MirrorRule("a.com/ns", ("m.com/ns",))),))
    files = render(objs, base_registries_conf=base, release_image=RELEASE)
    assert any(
        "will refuse this registries.conf" in w
        and "cannot set mirror usage mirror-by-digest-only" in w
        for w in files.warnings
    )


# -- planning on the node -----------------------------------------------------------------------

DIGEST_REF = "registry.access.redhat.com/ubi8/ubi-minimal@sha256:" + "ab" * 32


def test_plan_short_name_uses_the_dropin_search_list() -> None:
    # SPEC §1.2: the drop-in replaces the base search list (docker.io is gone).
    from regresolve.openshift import load_objects, plan_on_node

    files = render(load_objects(ROOT / "examples/openshift"))
    plan = plan_on_node(files, "ubi8/ubi-minimal")
    assert [c.reference for c in plan.image_plan.candidates] == [
        "registry.access.redhat.com/ubi8/ubi-minimal:latest",
        "registry.redhat.io/ubi8/ubi-minimal:latest",
    ]
    assert [v.scope for v in plan.verdicts] == ["registry.access.redhat.com", "registry.redhat.io"]
    assert plan.accepted


def test_cli_plan_exit_codes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    objs = str(ROOT / "examples/openshift")
    assert main(["openshift", "plan", "--json", objs, DIGEST_REF]) == 0
    data = json.loads(capsys.readouterr().out)
    (cand,) = data["candidates"]
    assert [s["mirror"] for s in cand["sources"]] == [True, True, False]
    assert cand["policy"]["verdict"] == "allowed"
    # Rejected by policy.json (not in allowedRegistries): exit status 1.
    assert main(["openshift", "plan", objs, "docker.io/library/busybox:1"]) == 1
    assert "rejected, by the default policy (reject)" in capsys.readouterr().out
    # A NeverContactSource registry by tag: the only source is blocked.
    assert main(["openshift", "plan", "--json", objs, "registry.legacy.example.com/a:1"]) == 1
    (cand,) = json.loads(capsys.readouterr().out)["candidates"]
    assert [s["blocked"] for s in cand["sources"]] == [True]


def test_output_does_not_depend_on_object_or_entry_order() -> None:
    # SPEC M4: edges form a set and ties are broken by sorting.
    rules = [
        MirrorRule("src.com/a", ("m1.com/a", "m2.com/a")),
        MirrorRule("src.com/a", ("m3.com/a", "m1.com/a")),
        MirrorRule("src.com/b", ("m2.com/b",)),
        MirrorRule("src.com/a", ("m2.com/a", "m3.com/a")),  # a cycle m1 -> m2 -> m3 -> m1
    ]
    outputs = set()
    for shift in range(len(rules)):
        rotated = rules[shift:] + rules[:shift]
        objs = ClusterImageObjects(
            idms=tuple(idms(f"o{i}", r) for i, r in enumerate(rotated)),
        )
        outputs.add(render(objs, release_image=RELEASE).registries_conf)
    assert len(outputs) == 1
