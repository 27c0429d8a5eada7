"""ClusterImagePolicy / ImagePolicy as the MCO renders them: the upstream test tables
(``tests/data/openshift/image_policies.yaml``) replayed with counts asserted, the JSON layout
of containers/image's types, and the sigstore registries.d file's YAML layout (yaml.v2)."""

from __future__ import annotations

import base64
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
    objects_from_data,
    render,
)
from regresolve.openshift._imagepolicy import (
    ScopePolicies,
    requirement_from_spec,
    valid_scope_policies,
    validate_with_allowed_blocked,
)
from regresolve.openshift._node import CRIO_POLICIES_DIR
from regresolve.openshift._objects import ImageConfig
from regresolve.openshift._policy_json import namespaced_policy_json, update_policy_json
from regresolve.openshift._registries import MCO_BASE_REGISTRIES_CONF
from regresolve.openshift._render import update_registries_config
from regresolve.openshift._sigstore_yaml import (
    attachment_scopes,
    sigstore_registries_yaml,
    yaml_v2_key,
    yaml_v2_less,
)

DATA = yaml.safe_load(
    (Path(__file__).parent / "data" / "openshift" / "image_policies.yaml").read_text()
)
OBJS = DATA["objects"]
REQS = DATA["requirements"]
# The template the MCO tests encode with json.Encoder: the MCO's own policy.json template.
CERTS = '"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJBVEE9Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0="'
TEMPLATE = json.dumps(
    {
        "default": [{"type": "insecureAcceptAnything"}],
        "transports": {"docker-daemon": {"": [{"type": "insecureAcceptAnything"}]}},
    }
)

EXPECTED_CASES = {
    "TestGetValidScopePolicies": 2,
    "TestGenerateSigstoreRegistriesConfig": 8,
    "TestGeneratePolicyJSON": 1,
    "TestUpdateNamespacedPolicyJSONs": 2,
    "TestValidateClusterImagePolicyWithAllowedBlockedRegistries": 7,
    "TestImagePolicyConfigFileListDeterministicOrder": 1,
    "Controller": 3,
}


def test_upstream_case_count() -> None:
    assert {k: len(DATA[k]) for k in EXPECTED_CASES} == EXPECTED_CASES
    assert sum(EXPECTED_CASES.values()) == 24


def _policy_obj(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if kind == "ImagePolicy":
        meta["namespace"] = spec["namespace"]
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": kind,
        "metadata": meta,
        "spec": {"scopes": spec["scopes"], "policy": spec["policy"]},
    }


def _objects(
    cips: list[str] | None = None, ips: list[str] | None = None, **mirrors: Any
) -> ClusterImageObjects:
    docs = [
        _policy_obj("ClusterImagePolicy", n, OBJS["clusterimagepolicies"][n]) for n in cips or []
    ]
    docs += [_policy_obj("ImagePolicy", n, OBJS["imagepolicies"][n]) for n in ips or []]
    res = objects_from_data(docs)
    kinds = {
        "idms": "ImageDigestMirrorSet",
        "itms": "ImageTagMirrorSet",
        "icsp": "ImageContentSourcePolicy",
    }
    extra: dict[str, tuple[MirrorObject, ...]] = {}
    for key, kind in kinds.items():
        extra[key] = tuple(
            MirrorObject(
                kind,  # type: ignore[arg-type]
                f"{key}-{i}",
                tuple(MirrorRule(e["source"], tuple(e["mirrors"])) for e in entries),
            )
            for i, entries in enumerate(mirrors.get(key) or [])
        )
    return ClusterImageObjects(
        idms=extra["idms"],
        itms=extra["itms"],
        icsp=extra["icsp"],
        image_policies=res.image_policies,
    )


def _expand(value: Any) -> Any:
    """Replace requirement names by the requirements of the data file."""
    if isinstance(value, str) and value in REQS:
        return REQS[value]
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", DATA["TestGetValidScopePolicies"], ids=lambda c: c["name"])
def test_get_valid_scope_policies(case: dict[str, Any]) -> None:
    objs = _objects(case["cips"], case["ips"])
    got = valid_scope_policies(objs.image_policies)
    assert got.cluster == _expand(case["cluster"])
    assert got.namespaced == _expand(case["namespaced"])


@pytest.mark.parametrize(
    "case", DATA["TestGenerateSigstoreRegistriesConfig"], ids=lambda c: c["name"]
)
def test_generate_sigstore_registries_config(case: dict[str, Any]) -> None:
    objs = _objects(
        case.get("cips"), case.get("ips"), **{k: case.get(k) for k in ("idms", "itms", "icsp")}
    )
    toml = update_registries_config(MCO_BASE_REGISTRIES_CONF, [], [], objs)
    policies = valid_scope_policies(objs.image_policies)
    keys = attachment_scopes(policies.scopes(), toml)
    assert sorted(keys) == sorted(case["keys"])
    # The file itself: every key once, each with use-sigstore-attachments: true.
    text = sigstore_registries_yaml(keys)
    assert yaml.safe_load(text) == {
        "docker": {k: {"use-sigstore-attachments": True} for k in case["keys"]}
    }


@pytest.mark.parametrize("case", DATA["TestGeneratePolicyJSON"], ids=lambda c: c["name"])
def test_generate_policy_json(case: dict[str, Any]) -> None:
    objs = _objects(case["cips"])
    policies = valid_scope_policies(objs.image_policies)
    got = update_policy_json(TEMPLATE, [], [], "release-reg.io/image/release", policies.cluster)
    assert json.loads(got) == _expand(case["policy"])


def test_generate_policy_json_bytes() -> None:
    """The same case, byte for byte: json.MarshalIndent of signature.Policy (maps sorted,
    struct fields in declaration order, two-space indent, no final newline)."""
    objs = _objects(["test-cr0", "test-cr3"])
    got = update_policy_json(
        TEMPLATE, [], [], "release-reg.io/image/release", valid_scope_policies(
            objs.image_policies
        ).cluster
    )  # fmt: skip
    fulcio = """[
        {
          "type": "sigstoreSigned",
          "fulcio": {
            "caData": "dGVzdC1jYS1kYXRhLWRhdGE=",
            "oidcIssuer": "https://OIDC.example.com",
            "subjectEmail": "test-user@example.com"
          },
          "rekorPublicKeyData": "dGVzdC1yZWtvci1rZXktZGF0YQ==",
          "signedIdentity": {
            "type": "remapIdentity",
            "prefix": "test-remap-prefix",
            "signedPrefix": "test-remap-signed-prefix"
          }
        }
      ]"""
    pki = f"""[
        {{
          "type": "sigstoreSigned",
          "pki": {{
            "caRootsData": {CERTS},
            "caIntermediatesData": {CERTS},
            "subjectEmail": "test-user@example.com",
            "subjectHostname": "my-host.example.com"
          }},
          "signedIdentity": {{
            "type": "matchRepoDigestOrExact"
          }}
        }}
      ]"""
    want = (
        '{\n  "default": [\n    {\n      "type": "insecureAcceptAnything"\n    }\n  ],\n'
        '  "transports": {\n    "atomic": {\n'
        f'      "test0.com": {fulcio},\n      "test3.com/ns/repo": {pki}\n    }},\n'
        '    "docker": {\n'
        f'      "test0.com": {fulcio},\n      "test3.com/ns/repo": {pki}\n    }},\n'
        '    "docker-daemon": {\n      "": [\n        {\n'
        '          "type": "insecureAcceptAnything"\n        }\n      ]\n    }\n  }\n}'
    )
    assert got == want


@pytest.mark.parametrize("case", DATA["TestUpdateNamespacedPolicyJSONs"], ids=lambda c: c["name"])
def test_update_namespaced_policy_jsons(case: dict[str, Any]) -> None:
    objs = _objects(case["cips"], case["ips"])
    policies = valid_scope_policies(objs.image_policies)
    cluster = update_policy_json(TEMPLATE, [], [], "release-reg.io/image/release", policies.cluster)
    if "cluster" in case:
        assert json.loads(cluster) == _expand(case["cluster"])
    got = {
        ns: json.loads(namespaced_policy_json(cluster, reqs))
        for ns, reqs in policies.by_namespace().items()
    }
    assert got == _expand(case["namespaces"])


def _scope_policies(cluster: list[str], namespaced: list[str]) -> ScopePolicies:
    return ScopePolicies(
        {s: [] for s in cluster}, {s: {"ns": []} for s in namespaced}
    )  # fmt: skip


@pytest.mark.parametrize(
    "case",
    DATA["TestValidateClusterImagePolicyWithAllowedBlockedRegistries"],
    ids=lambda c: c["name"],
)
def test_validate_with_allowed_blocked(case: dict[str, Any]) -> None:
    policies = _scope_policies(case.get("cluster") or [], case.get("namespaced") or [])
    if case["error"]:
        with pytest.raises(InvalidOpenShiftObject, match="nested inside"):
            validate_with_allowed_blocked(policies, case.get("allowed"), case.get("blocked"))
    else:
        validate_with_allowed_blocked(policies, case.get("allowed"), case.get("blocked"))


def test_validation_messages() -> None:
    """The MCO's texts (helpers.go), for a cluster and a namespaced scope."""
    with pytest.raises(InvalidOpenShiftObject) as info:
        validate_with_allowed_blocked(_scope_policies(["a.io/x"], []), ["b.io"], None)
    assert info.value.go_message == (
        "clusterimagePolicy configured for the scope a.io/x is not nested inside allowedRegistries"
    )
    with pytest.raises(InvalidOpenShiftObject) as info:
        validate_with_allowed_blocked(_scope_policies([], ["b.io/x"]), None, ["b.io"])
    assert info.value.go_message == (
        "imagePolicy configured for the scope b.io/x is nested inside blockedRegistries"
    )


@pytest.mark.parametrize(
    "case", DATA["TestImagePolicyConfigFileListDeterministicOrder"], ids=["order"]
)
def test_namespace_policy_files_in_namespace_order(case: dict[str, Any]) -> None:
    docs = [
        _policy_obj(
            "ImagePolicy",
            f"p-{ns}",
            {**OBJS["imagepolicies"]["test-cr0"], "namespace": ns, "scopes": [f"{ns}.example"]},
        )
        for ns in case["namespaces"]
    ]
    files = render(objects_from_data(docs), release_image="quay.io/x/y:1")
    paths = [p for p in files.files() if p.startswith(CRIO_POLICIES_DIR)]
    assert paths == case["paths"]


def _controller_objects(case: dict[str, Any]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = [
        {
            "apiVersion": "config.openshift.io/v1",
            "kind": "Image",
            "metadata": {"name": "cluster"},
            "spec": {
                "registrySources": {
                    "insecureRegistries": ["blah.io"],
                    "allowedRegistries": ["example.com"],
                    "containerRuntimeSearchRegistries": ["search-reg.io"],
                }
            },
        },
        {
            "apiVersion": "config.openshift.io/v1",
            "kind": "ClusterVersion",
            "metadata": {"name": "version"},
            "status": {"desired": {"image": "test.io/myuser/myimage:test"}},
        },
    ]
    key = case.get("cip") or case.get("ip")
    assert key is not None
    policy = {"rootOfTrust": {"policyType": "PublicKey", "publicKey": {"keyData": key["keyData"]}}}
    if "cip" in case:
        docs.append(
            _policy_obj(
                "ClusterImagePolicy", key["name"], {"scopes": key["scopes"], "policy": policy}
            )
        )
    else:
        docs.append(_policy_obj("ImagePolicy", key["name"], {**key, "policy": policy}))
    if "idms" in case:
        docs.append(
            {
                "apiVersion": "config.openshift.io/v1",
                "kind": "ImageDigestMirrorSet",
                "metadata": {"name": "built-in"},
                "spec": {"imageDigestMirrors": case["idms"]},
            }
        )
    return docs


@pytest.mark.parametrize("case", DATA["Controller"], ids=lambda c: c["name"])
def test_controller_cases(case: dict[str, Any]) -> None:
    files = render(objects_from_data(_controller_objects(case)))
    assert len(files.files()) == case["files"]
    assert files.sigstore_registries is not None
    keys = yaml.safe_load(files.sigstore_registries)["docker"]
    assert "example.com" in keys
    policy = json.loads(files.policy_json)
    key_b64 = (case.get("cip") or case["ip"])["keyData"]
    if "cip" in case:
        # P1: the ClusterImagePolicy's requirement replaces the allowed scope's accept.
        assert policy["transports"]["docker"]["example.com"] == [
            {"type": "sigstoreSigned", "keyData": key_b64,
             "signedIdentity": {"type": "matchRepoDigestOrExact"}}
        ]  # fmt: skip
        assert files.namespace_policies == ()
    else:
        assert policy["transports"]["docker"]["example.com"] == [{"type": "insecureAcceptAnything"}]
        ((ns, text),) = files.namespace_policies
        assert ns == "testnamespace"
        assert json.loads(text)["transports"]["docker"]["example.com"] == [
            {"type": "insecureAcceptAnything"},
            {"type": "sigstoreSigned", "keyData": key_b64,
             "signedIdentity": {"type": "matchRepoDigestOrExact"}},
        ]  # fmt: skip
    assert base64.b64decode(key_b64)  # the key round-trips as the same base64 text


# -- policyItemFromSpec refusals (containers/image constructors' messages) -------------------


def _one(policy: dict[str, Any]) -> Any:
    (obj,) = objects_from_data(
        _policy_obj("ClusterImagePolicy", "p", {"scopes": ["a.io"], "policy": policy})
    ).image_policies
    return obj


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"rootOfTrust": {"policyType": "Other"}},
         "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified"),
        ({"rootOfTrust": {"policyType": "PublicKey", "publicKey": {}}},
         "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified"),
        ({"rootOfTrust": {"policyType": "FulcioCAWithRekor", "fulcioCAWithRekor": {
            "fulcioCAData": "eA==", "fulcioSubject": {"signedEmail": "a@b"}}}},
         "oidcIssuer not specified"),
        ({"rootOfTrust": {"policyType": "FulcioCAWithRekor", "fulcioCAWithRekor": {
            "fulcioCAData": "eA==",
            "fulcioSubject": {"oidcIssuer": "https://i", "signedEmail": "a@b"}}}},
         "At least one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and "
         "rekorPublicKeyDatas must be specified if fulcio is used"),
        ({"rootOfTrust": {"policyType": "PKI", "pki": {"caRootsData": "eA==",
                                                       "pkiCertificateSubject": {}}}},
         "At least one of subjectEmail, subjectHostname must be specified"),
        ({"rootOfTrust": {"policyType": "PublicKey", "publicKey": {"keyData": "eA=="}},
          "signedIdentity": {"matchPolicy": "Nope"}},
         "unknown signedIdentity match policy: Nope"),
        ({"rootOfTrust": {"policyType": "PublicKey", "publicKey": {"keyData": "eA=="}},
          "signedIdentity": {"matchPolicy": "RemapIdentity",
                             "remapIdentity": {"prefix": "a.io/UP", "signedPrefix": "a.io"}}},
         'error getting signedIdentity for RemapIdentity: prefix "a.io/UP" is not valid'),
    ],
)  # fmt: skip
def test_policy_item_refusals(policy: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOpenShiftObject) as info:
        requirement_from_spec(_one(policy))
    assert info.value.go_message == message
    assert info.value.object == "ClusterImagePolicy/p"


def test_identity_kinds() -> None:
    base = {"rootOfTrust": {"policyType": "PublicKey", "publicKey": {"keyData": "eA=="}}}
    identity = {"matchPolicy": "ExactRepository", "exactRepository": {"repository": "quay.io/x/y"}}
    exact = requirement_from_spec(_one({**base, "signedIdentity": identity}))
    assert exact["signedIdentity"] == {"type": "exactRepository", "dockerRepository": "quay.io/x/y"}
    repo = requirement_from_spec(
        _one({**base, "signedIdentity": {"matchPolicy": "MatchRepository"}})
    )
    assert repo["signedIdentity"] == {"type": "matchRepository"}
    assert list(exact) == ["type", "keyData", "signedIdentity"]


# -- the sigstore registries.d file: yaml.v2 layout -------------------------------------------


def test_yaml_v2_natural_key_order() -> None:
    """sorter.go: digit runs compare as numbers; a letter sorts after a non-letter."""
    assert yaml_v2_less("a2.io", "a10.io")
    assert not yaml_v2_less("a10.io", "a2.io")
    assert yaml_v2_less("a-a1-a2-a3-1.mirror", "a-a1-a2-a3.mirror")
    assert yaml_v2_less("*.example.com", "a.com")
    assert yaml_v2_less("1.io", "a.io")
    assert yaml_v2_less("a.com/a1/a2", "a.com/a1/a2@sha256:0")


@pytest.mark.parametrize(
    ("key", "written"),
    [
        ("a.com/x", "a.com/x"),
        ("*.example.com", "'*.example.com'"),
        ("a.com/a1/a2@sha256:00", "a.com/a1/a2@sha256:00"),
        ("1e5", '"1e5"'),
        ("true", '"true"'),
        ("10.0.0.1:5000/ns", "10.0.0.1:5000/ns"),
        ("2024-1-2", '"2024-1-2"'),
    ],
)
def test_yaml_v2_key_style(key: str, written: str) -> None:
    assert yaml_v2_key(key) == written


def test_sigstore_file_layout() -> None:
    long = "r.example.com/" + "n" * 130
    text = sigstore_registries_yaml(["b.io", "*.a.io", long])
    assert text == (
        "docker:\n"
        "  '*.a.io':\n    use-sigstore-attachments: true\n"
        "  b.io:\n    use-sigstore-attachments: true\n"
        f"  ? {long}\n  : use-sigstore-attachments: true\n"
    )
    assert yaml.safe_load(text)["docker"][long] == {"use-sigstore-attachments": True}


def test_scope_nested_in_cluster_policy_is_skipped_with_a_warning() -> None:
    objs = _objects(["test-cr0"], ["test-cr0"])
    files = render(
        ClusterImageObjects(image=ImageConfig(), image_policies=objs.image_policies),
        release_image="quay.io/x/y:1",
    )
    assert any(
        'ImagePolicy/testnamespace/test-cr0 has conflicting scope(s) ["test0.com"]' in w
        for w in files.warnings
    )
