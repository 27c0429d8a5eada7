"""containers-policy.json evaluation for the docker transport (``regresolve._policy``).

Expected values are transcribed from containers/image v5.34.2:
``docker/policyconfiguration/naming_test.go`` (TestDockerReference),
``signature/policy_eval_test.go`` (TestPolicyContextRequirementsForImageRef) and the error
texts of ``signature/policy_config.go``.  SPEC: peers-and-openshift.md §3.
"""

from __future__ import annotations

import json

import pytest

from regresolve import InvalidPolicy, PlanError, parse_policy, parse_reference
from regresolve._policy import docker_policy_scopes

SHA = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

# naming_test.go TestDockerReference: input name -> [identity base, *namespaces...]
DOCKER_REFERENCE = {
    "example.com/ns/repo": ["example.com/ns/repo", "example.com/ns", "example.com", "*.com"],
    "example.com/repo": ["example.com/repo", "example.com", "*.com"],
    "localhost/ns/repo": ["localhost/ns/repo", "localhost/ns", "localhost"],
    "localhost/repo": ["localhost/repo", "localhost"],
    "notlocalhost/repo": [
        "docker.io/notlocalhost/repo", "docker.io/notlocalhost", "docker.io", "*.io"
    ],
    "docker.io/ns/repo": ["docker.io/ns/repo", "docker.io/ns", "docker.io", "*.io"],
    "docker.io/library/repo": ["docker.io/library/repo", "docker.io/library", "docker.io", "*.io"],
    "docker.io/repo": ["docker.io/library/repo", "docker.io/library", "docker.io", "*.io"],
    "ns/repo": ["docker.io/ns/repo", "docker.io/ns", "docker.io", "*.io"],
    "library/repo": ["docker.io/library/repo", "docker.io/library", "docker.io", "*.io"],
    "repo": ["docker.io/library/repo", "docker.io/library", "docker.io", "*.io"],
    "yet.another.example.com:8443/ns/repo": [
        "yet.another.example.com:8443/ns/repo",
        "yet.another.example.com:8443/ns",
        "yet.another.example.com:8443",
        "*.another.example.com",
        "*.example.com",
        "*.com",
    ],
}  # fmt: skip


@pytest.mark.parametrize("suffix", [":tag", SHA])
@pytest.mark.parametrize(("name", "expected"), DOCKER_REFERENCE.items())
def test_docker_reference_namespaces(name: str, expected: list[str], suffix: str) -> None:
    ref = parse_reference(name + suffix)
    assert docker_policy_scopes(ref.name) == expected
    # The identity is the first namespace plus the tag or digest.
    policy = parse_policy(json.dumps({"default": [{"type": "reject"}]}))
    assert policy.evaluate(ref).identity == expected[0] + suffix


# policy_eval_test.go TestPolicyContextRequirementsForImageRef (docker rows)
EVAL_SCOPES = [
    "", "unmatched", "deep.com", "*.very.deep.com", "*.deep.com", "deep.com/n1",
    "deep.com/n1/n2", "deep.com/n1/n2/n3", "deep.com/n1/n2/n3/repo",
    "deep.com/n1/n2/n3/repo:tag2",
]  # fmt: skip
EVAL_CASES = [
    ("deep.com/n1/n2/n3/repo:tag2", "deep.com/n1/n2/n3/repo:tag2"),
    ("deep.com/n1/n2/n3/repo:nottag2", "deep.com/n1/n2/n3/repo"),
    ("deep.com/n1/n2/n3/notrepo:tag2", "deep.com/n1/n2/n3"),
    ("deep.com/n1/n2/notn3/repo:tag2", "deep.com/n1/n2"),
    ("deep.com/n1/notn2/n3/repo:tag2", "deep.com/n1"),
    ("deep.com/notn1/n2/n3/repo:tag2", "deep.com"),
    ("very.deep.com/n1/n2/n3/repo:tag2", "*.deep.com"),
    ("not.very.deep.com/n1/n2/n3/repo:tag2", "*.very.deep.com"),
    ("this.does-not/match:anything", ""),
]


@pytest.fixture(scope="module")
def deep_policy() -> object:
    scopes = {
        s: [{"type": "signedBy", "keyType": "GPGKeys", "keyData": s or "empty",
             "signedIdentity": {"type": "matchRepoDigestOrExact"}}]
        for s in EVAL_SCOPES
    }  # fmt: skip
    return parse_policy(
        json.dumps(
            {
                "default": [{"type": "reject"}],
                "transports": {"docker": scopes, "atomic": {"unmatched": [{"type": "reject"}]}},
            }
        )
    )


@pytest.mark.parametrize(("ref", "scope"), EVAL_CASES)
def test_requirements_for_image_ref(deep_policy: object, ref: str, scope: str) -> None:
    verdict = deep_policy.evaluate(ref)  # type: ignore[attr-defined]
    assert verdict.scope == scope
    assert verdict.verdict == "signature-required"


def test_no_docker_transport_uses_default() -> None:
    policy = parse_policy('{"default": [{"type": "insecureAcceptAnything"}],'
                          ' "transports": {"atomic": {"": [{"type": "reject"}]}}}')  # fmt: skip
    v = policy.evaluate("what/ever")
    assert (v.scope, v.verdict, v.identity) == (None, "allowed", "docker.io/what/ever:latest")


def test_most_specific_scope_wins_and_others_are_ignored() -> None:
    # SPEC §3: the repository scope accepts even though its registry is rejected.
    policy = parse_policy(
        json.dumps(
            {
                "default": [{"type": "reject"}],
                "transports": {
                    "docker": {
                        "release-reg.io": [{"type": "reject"}],
                        "release-reg.io/image/release": [{"type": "insecureAcceptAnything"}],
                    }
                },
            }
        )
    )
    assert policy.evaluate("release-reg.io/image/release" + SHA).verdict == "allowed"
    other = policy.evaluate("release-reg.io/image/other:1")
    assert (other.verdict, other.scope) == ("rejected", "release-reg.io")
    assert policy.evaluate("quay.io/x:1").scope is None


def test_all_requirements_must_accept() -> None:
    policy = parse_policy('{"default": [{"type": "insecureAcceptAnything"}, {"type": "reject"}]}')
    assert policy.evaluate("busybox").verdict == "rejected"


def test_port_is_stripped_for_wildcards() -> None:
    policy = parse_policy(
        '{"default": [{"type": "reject"}], "transports": {"docker": '
        '{"*.example.com": [{"type": "insecureAcceptAnything"}]}}}'
    )
    assert policy.evaluate("a.example.com:5000/x:1").scope == "*.example.com"
    # The host itself as a wildcard is not a candidate: *.example.com never matches
    # example.com.
    assert policy.evaluate("example.com/x:1").scope is None


def test_tag_and_digest_is_refused() -> None:
    policy = parse_policy('{"default": [{"type": "reject"}]}')
    with pytest.raises(PlanError, match="both a tag and digest"):
        policy.evaluate("busybox:1" + SHA)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "Default policy is missing"),
        ('{"default": []}', "List of verification policy requirements must not be empty"),
        ('{"default": [{"type": "nope"}]}', 'Unknown policy requirement type "nope"'),
        ('{"default": [{"type": "reject"}], "other": 1}', 'Unknown key "other"'),
        ('{"default": [{"type": "reject"}], "default": [{"type": "reject"}]}',
         'Duplicate key "default"'),
        ('{"default": [{"type": "reject", "x": 1}]}', 'Unknown key "x"'),
        ('{"default": [{"type": "reject"}], "transports": {"docker": {"a": []}}}',
         "List of verification policy requirements must not be empty"),
    ],
)  # fmt: skip
def test_invalid_policies(text: str, message: str) -> None:
    with pytest.raises(InvalidPolicy) as info:
        parse_policy(text, path="/etc/containers/policy.json")
    assert info.value.go_message == message
    assert "/etc/containers/policy.json" in str(info.value)


def test_verdict_to_dict_and_describe() -> None:
    policy = parse_policy(
        '{"default": [{"type": "reject"}], "transports": {"docker": '
        '{"quay.io": [{"type": "sigstoreSigned", "keyPath": "/k"}]}}}'
    )
    v = policy.evaluate("quay.io/a/b@" + SHA[1:])
    assert v.to_dict()["requirements"] == [{"type": "sigstoreSigned", "keyPath": "/k"}]
    assert v.describe().startswith("signature-required: quay.io/a/b@sha256:")
    assert 'transports.docker["quay.io"]' in v.describe()
