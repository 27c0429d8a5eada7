"""regresolve.webhook.review: AdmissionReview v1 in, AdmissionReview v1 out, never an exception.

Expected decisions follow the spec (blocked per physical source R-PULL-5, tag+digest R-PULL-4,
short names R-SN-3/5) and the admission conventions of peers-and-openshift.md §7; Go error
texts come from the oracle where the test is marked ``oracle``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import regresolve
from regresolve import webhook

CONF = """
unqualified-search-registries = ["registry.example.com", "docker.io"]

[[registry]]
prefix = "docker.io"
location = "docker.io"
[[registry.mirror]]
location = "mirror.example.net/dockerhub"
[[registry.mirror]]
location = "digests.example.net/dockerhub"
pull-from-mirror = "digest-only"

[[registry]]
location = "untrusted.example.org"
blocked = true

# NeverContactSource: the source is blocked, its mirror is not.
[[registry]]
location = "quay.io/secret"
blocked = true
[[registry.mirror]]
location = "airgap.example.com/secret"

# A mirror that is itself under a blocked entry is skipped at pull time.
[[registry]]
location = "ghcr.io"
[[registry.mirror]]
location = "untrusted.example.org/ghcr"

[[registry]]
location = "dev.example.com:5000"
insecure = true

[aliases]
"myapp" = "registry.example.com/team/myapp"
"""
PATH = "/etc/containers/registries.conf"
DIGEST = "sha256:" + "a" * 64


@pytest.fixture(scope="module")
def resolver() -> regresolve.Resolver:
    return regresolve.Resolver(regresolve.RegistriesConf.from_toml(CONF, path=PATH))


def admission(
    obj: Any,
    *,
    kind: str = "Pod",
    group: str = "",
    operation: str = "CREATE",
    old: Any = None,
    sub: str | None = None,
    uid: str = "uid-1",
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "uid": uid,
        "kind": {"group": group, "version": "v1", "kind": kind},
        "operation": operation,
        "namespace": "ns",
        "userInfo": {"username": "u"},
        "object": obj,
        "oldObject": old,
    }
    if sub is not None:
        request["subResource"] = sub
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def pod(
    *images: str, init: tuple[str, ...] = (), ephemeral: tuple[str, ...] = ()
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [{"name": f"c{i}", "image": x} for i, x in enumerate(images)]
    }
    if init:
        spec["initContainers"] = [{"name": f"i{i}", "image": x} for i, x in enumerate(init)]
    if ephemeral:
        spec["ephemeralContainers"] = [
            {"name": f"e{i}", "image": x} for i, x in enumerate(ephemeral)
        ]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def respond(review: Any, resolver: Any, **kw: Any) -> dict[str, Any]:
    answer = webhook.review(review, resolver, **kw)
    assert answer["apiVersion"] == "admission.k8s.io/v1"
    assert answer["kind"] == "AdmissionReview"
    response: dict[str, Any] = answer["response"]
    assert isinstance(response["allowed"], bool)
    assert isinstance(response["uid"], str)
    for warning in response.get("warnings", []):
        assert len(warning) <= webhook.MAX_WARNING_LENGTH
        assert warning.isprintable()
        assert warning.isascii()
    return response


def patch_of(response: dict[str, Any]) -> list[dict[str, Any]]:
    assert response["patchType"] == "JSONPatch"
    decoded: list[dict[str, Any]] = json.loads(base64.b64decode(response["patch"]))
    return decoded


# -- decisions ----------------------------------------------------------------------------------


def test_usable_images_are_allowed(resolver: regresolve.Resolver) -> None:
    """Images with at least one source that is not blocked pass; the uid is echoed."""
    response = respond(
        admission(pod("docker.io/library/nginx:1.25", "registry.example.com/a:1"), uid="abc"),
        resolver,
    )

    assert response == {"uid": "abc", "allowed": True}


def test_blocked_registry_is_denied_with_go_text(resolver: regresolve.Resolver) -> None:
    """R-PULL-5: the only source is under a blocked entry; the message is Go's."""
    response = respond(admission(pod("untrusted.example.org/tool:1")), resolver)

    assert response["allowed"] is False
    assert response["status"]["code"] == 403
    assert response["status"]["message"].startswith(
        'regresolve denied 1 image: containers[0] "c0" "untrusted.example.org/tool:1": '
        "registry untrusted.example.org is blocked in /etc/containers/registries.conf or "
    )


def test_blocked_source_with_mirror_is_allowed(resolver: regresolve.Resolver) -> None:
    """R-PULL-5: a blocked registry's mirrors are still tried (NeverContactSource)."""
    response = respond(admission(pod("quay.io/secret/app:1")), resolver, mutate="pin")

    assert response["allowed"] is True
    assert patch_of(response) == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "airgap.example.com/secret/app:1",
        }
    ]


def test_mirror_under_a_blocked_entry_is_skipped_when_pinning(
    resolver: regresolve.Resolver,
) -> None:
    """R-PULL-5: the ghcr.io mirror lives under a blocked host; the primary is pinned."""
    response = respond(admission(pod("ghcr.io/org/tool:1")), resolver, mutate="pin")

    assert response["allowed"] is True
    assert "patch" not in response  # the first usable source is the image itself


def test_tag_and_digest_is_pulled_by_digest(resolver: regresolve.Resolver) -> None:
    """The node drops the tag of a tagged and digested image (libimage, CRI-O) and pulls by
    digest; only the bare docker transport (skopeo) refuses it (R-PULL-4)."""
    response = respond(admission(pod(f"docker.io/library/nginx:1.25@{DIGEST}")), resolver)

    assert response["allowed"] is True


def test_tag_and_digest_is_pinned_by_digest(resolver: regresolve.Resolver) -> None:
    """R-PULL-1/2 after the tag is dropped (R-PULL-4): by digest, the first mirror serves it;
    a blocked registry stays blocked."""
    response = respond(
        admission(pod(f"docker.io/library/nginx:1.25@{DIGEST}")), resolver, mutate="pin"
    )
    blocked = respond(admission(pod(f"untrusted.example.org/x:1@{DIGEST}")), resolver)

    assert patch_of(response) == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": f"mirror.example.net/dockerhub/library/nginx@{DIGEST}",
        }
    ]
    assert blocked["allowed"] is False


@pytest.mark.oracle
@pytest.mark.parametrize("image", ["Docker.io/Nginx", "nginx:", "a" * 300, "x@sha256:12"])
def test_unparseable_image_is_denied_with_the_go_error(
    resolver: regresolve.Resolver, oracle: Any, image: str
) -> None:
    """The denial carries ParseNormalizedNamed's error text, as the oracle prints it."""
    expected = oracle.parse(image)["normalized_error"]
    response = respond(admission(pod(image)), resolver)

    assert expected
    assert response["allowed"] is False
    assert response["status"]["message"].endswith(": " + expected)


def test_every_denial_is_listed(resolver: regresolve.Resolver) -> None:
    """All offending images are named, each with its place in the spec."""
    obj = pod(
        "untrusted.example.org/a:1", "docker.io/library/ok:1", init=("untrusted.example.org/b:1",)
    )
    message = respond(admission(obj), resolver)["status"]["message"]

    assert message.startswith("regresolve denied 2 images: ")
    assert 'initContainers[0] "i0" "untrusted.example.org/b:1"' in message
    assert 'containers[0] "c0" "untrusted.example.org/a:1"' in message
    assert "ok:1" not in message


def test_policy_sees_the_logical_reference(resolver: regresolve.Resolver) -> None:
    """The policy hook judges the logical reference, never the mirror (peers §3)."""
    seen: list[str] = []

    def policy(ref: str) -> str | None:
        seen.append(ref)
        return "not signed" if ref.startswith("docker.io/library/bad") else None

    ok = respond(admission(pod("docker.io/library/nginx:1.25")), resolver, policy=policy)
    bad = respond(admission(pod("docker.io/library/bad:1")), resolver, policy=policy)

    assert ok["allowed"] is True
    assert bad["allowed"] is False
    assert "rejected by policy for docker.io/library/bad:1: not signed" in bad["status"]["message"]
    assert seen == ["docker.io/library/nginx:1.25", "docker.io/library/bad:1"]


def test_insecure_source_warns(resolver: regresolve.Resolver) -> None:
    """A first source without TLS verification is worth a warning."""
    response = respond(admission(pod("dev.example.com:5000/x:1")), resolver)

    assert response["allowed"] is True
    assert response["warnings"] == [
        'containers[0] "c0": dev.example.com:5000 is contacted without TLS verification'
    ]


# -- short names --------------------------------------------------------------------------------


def test_ambiguous_short_name_warns(resolver: regresolve.Resolver) -> None:
    """Two unqualified-search registries: a warning naming both candidates in search order
    (R-SN-3), no denial (permissive)."""
    response = respond(admission(pod("busybox")), resolver)

    assert response["allowed"] is True
    [warning] = response["warnings"]
    assert warning.startswith('containers[0] "c0": short name "busybox" is ambiguous')
    first = warning.index("registry.example.com/busybox:latest")
    assert first < warning.index("docker.io/library/busybox:latest")


def search_conf(registries: list[str]) -> regresolve.Resolver:
    quoted = ", ".join(f'"{r}"' for r in registries)
    text = f"unqualified-search-registries = [{quoted}]\n"
    return regresolve.Resolver(regresolve.RegistriesConf.from_toml(text, path=PATH))


# Kubernetes' admission webhook documentation: a warning longer than 256 characters may be
# truncated by the API server, and after 4096 characters of warnings in total further ones
# are ignored.
K8S_WARNING_LIMIT = 256
K8S_WARNINGS_TOTAL = 4096


def test_every_candidate_is_listed_within_the_warning_limit() -> None:
    """R-SN-3: one candidate per search registry; too many for one warning: several warnings,
    each within Kubernetes' per-warning limit, together naming every candidate in order."""
    registries = [f"registry-{i:02d}.internal.example.com" for i in range(12)]
    candidates = [f"{r}/team/tool:1.0" for r in registries]
    response = respond(admission(pod("team/tool:1.0")), search_conf(registries))

    warnings = response["warnings"]
    assert len(warnings) > 1
    assert all(len(w) <= K8S_WARNING_LIMIT for w in warnings)
    assert sum(len(w) for w in warnings) <= K8S_WARNINGS_TOTAL
    assert all(w.startswith('containers[0] "c0": short name "team/tool:1.0"') for w in warnings)
    text = " ".join(warnings)
    positions = [text.index(c) for c in candidates]
    assert positions == sorted(positions)


def test_warnings_stay_within_the_total_limit() -> None:
    """Many ambiguous images: the warnings stop before 4096 characters and say so."""
    registries = [f"registry-{i:02d}.internal.example.com" for i in range(12)]
    images = [f"team/tool{i}:1.0" for i in range(40)]
    response = respond(admission(pod(*images)), search_conf(registries))

    warnings = response["warnings"]
    assert all(len(w) <= K8S_WARNING_LIMIT for w in warnings)
    assert sum(len(w) for w in warnings) <= K8S_WARNINGS_TOTAL
    assert "more regresolve warnings left out" in warnings[-1]
    assert webhook.MAX_WARNING_LENGTH == K8S_WARNING_LIMIT
    assert webhook.MAX_WARNINGS_TOTAL == K8S_WARNINGS_TOTAL


def test_ambiguous_short_name_can_be_denied(resolver: regresolve.Resolver) -> None:
    """deny_ambiguous_short_names: what CRI-O 1.34 would do on the node."""
    response = respond(admission(pod("busybox")), resolver, deny_ambiguous_short_names=True)

    assert response["allowed"] is False
    assert "is ambiguous" in response["status"]["message"]
    assert (
        "registry.example.com/busybox:latest, docker.io/library/busybox:latest"
        in (response["status"]["message"])
    )


def test_enforcing_mode_denies_ambiguous_short_names() -> None:
    """R-SN-3: enforcing without a TTY fails; the Go text is in the denial."""
    conf = regresolve.RegistriesConf.from_toml(
        CONF.replace("unqualified", 'short-name-mode = "enforcing"\nunqualified', 1), path=PATH
    )
    response = respond(admission(pod("busybox")), regresolve.Resolver(conf))

    assert response["allowed"] is False
    assert (
        "short-name resolution enforced but cannot prompt without a TTY"
        in (response["status"]["message"])
    )


def test_short_name_without_search_registries_is_denied() -> None:
    """R-SN-5: no alias and no search list; the message names the file."""
    conf = regresolve.RegistriesConf.from_toml("", path=PATH)
    response = respond(admission(pod("busybox")), regresolve.Resolver(conf))

    assert response["allowed"] is False
    assert (
        'short-name "busybox" did not resolve to an alias and no unqualified-search registries '
        'are defined in "/etc/containers/registries.conf"'
    ) in response["status"]["message"]


def test_short_name_allowed_while_one_candidate_works() -> None:
    """Podman moves on when a candidate cannot be planned: allowed, with the ambiguity warning."""
    conf = regresolve.RegistriesConf.from_toml(
        'unqualified-search-registries = ["bad.example.com", "good.example.com"]\n'
        '[[registry]]\nlocation = "bad.example.com"\n'
        '[[registry.mirror]]\nlocation = "m.example.com/"\n',
        path=PATH,
    )
    response = respond(admission(pod("tool")), regresolve.Resolver(conf))

    assert response["allowed"] is True
    assert "is ambiguous" in response["warnings"][0]


def test_aliased_short_name_is_not_ambiguous(resolver: regresolve.Resolver) -> None:
    """R-SN-3 step 6: an alias gives exactly one candidate, in every mode."""
    response = respond(admission(pod("myapp:2")), resolver, mutate="qualify")

    assert "warnings" not in response
    assert patch_of(response) == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "registry.example.com/team/myapp:2",
        }
    ]


# -- mutation -----------------------------------------------------------------------------------


def test_pin_uses_the_first_source(resolver: regresolve.Resolver) -> None:
    """R-PULL-1/2: by tag the digest-only mirror is skipped; by digest it is not the first."""
    obj = pod("docker.io/library/nginx:1.25", f"docker.io/library/nginx@{DIGEST}")
    response = respond(admission(obj), resolver, mutate="pin")

    assert patch_of(response) == [
        {
            "op": "replace",
            "path": "/spec/containers/0/image",
            "value": "mirror.example.net/dockerhub/library/nginx:1.25",
        },
        {
            "op": "replace",
            "path": "/spec/containers/1/image",
            "value": f"mirror.example.net/dockerhub/library/nginx@{DIGEST}",
        },
    ]
    assert "regresolve-pinned" in response["auditAnnotations"]


def test_short_name_with_one_search_registry_is_pinned() -> None:
    """One candidate (a single search registry): pinning keeps podman's only choice."""
    conf = regresolve.RegistriesConf.from_toml(
        'unqualified-search-registries = ["docker.io"]\n' + CONF.split("\n", 2)[2], path=PATH
    )
    response = respond(admission(pod("nginx")), regresolve.Resolver(conf), mutate="pin")

    assert patch_of(response)[0]["value"] == "mirror.example.net/dockerhub/library/nginx:latest"


def test_ambiguous_short_names_are_not_pinned(resolver: regresolve.Resolver) -> None:
    """Pinning one of several candidates would drop podman's fallbacks: left alone."""
    response = respond(admission(pod("busybox")), resolver, mutate="pin")

    assert "patch" not in response


def test_validating_mode_never_patches(resolver: regresolve.Resolver) -> None:
    """mutate="off" (the default) answers without a patch."""
    response = respond(admission(pod("docker.io/library/nginx:1.25")), resolver)

    assert "patch" not in response
    assert "patchType" not in response


# -- where images are ---------------------------------------------------------------------------

TEMPLATE = {"spec": {"containers": [{"name": "a", "image": "untrusted.example.org/x:1"}]}}


@pytest.mark.parametrize(
    ("kind", "group", "obj", "pointer"),
    [
        (
            "Deployment",
            "apps",
            {"spec": {"template": TEMPLATE}},
            "/spec/template/spec/containers/0/image",
        ),
        (
            "StatefulSet",
            "apps",
            {"spec": {"template": TEMPLATE}},
            "/spec/template/spec/containers/0/image",
        ),
        (
            "DaemonSet",
            "apps",
            {"spec": {"template": TEMPLATE}},
            "/spec/template/spec/containers/0/image",
        ),
        (
            "ReplicaSet",
            "apps",
            {"spec": {"template": TEMPLATE}},
            "/spec/template/spec/containers/0/image",
        ),
        (
            "Job",
            "batch",
            {"spec": {"template": TEMPLATE}},
            "/spec/template/spec/containers/0/image",
        ),
        (
            "CronJob",
            "batch",
            {"spec": {"jobTemplate": {"spec": {"template": TEMPLATE}}}},
            "/spec/jobTemplate/spec/template/spec/containers/0/image",
        ),
    ],
)
def test_workload_kinds(
    resolver: regresolve.Resolver, kind: str, group: str, obj: dict[str, Any], pointer: str
) -> None:
    """Workloads are judged through their pod template."""
    response = respond(admission(obj, kind=kind, group=group), resolver)
    sites = webhook.images_of(kind, obj)

    assert response["allowed"] is False
    assert [s.pointer for s in sites] == [pointer]


def test_all_image_places_of_a_pod() -> None:
    """Init, regular and ephemeral containers and image volumes, in that order."""
    obj = pod("b", init=("a",), ephemeral=("c",))
    obj["spec"]["volumes"] = [
        {"name": "v", "image": {"reference": "d"}},
        {"name": "w", "emptyDir": {}},
    ]

    assert [(s.pointer, s.image) for s in webhook.images_of("Pod", obj)] == [
        ("/spec/initContainers/0/image", "a"),
        ("/spec/containers/0/image", "b"),
        ("/spec/ephemeralContainers/0/image", "c"),
        ("/spec/volumes/0/image/reference", "d"),
    ]


def test_unknown_kinds_are_allowed(resolver: regresolve.Resolver) -> None:
    """Objects without pod specs are not this webhook's business."""
    response = respond(admission({"spec": {"containers": "nonsense"}}, kind="ConfigMap"), resolver)

    assert response == {"uid": "uid-1", "allowed": True}


def test_update_judges_only_new_images(resolver: regresolve.Resolver) -> None:
    """A label change on a Pod whose image became blocked later is not refused."""
    old = pod("untrusted.example.org/x:1")
    same = respond(
        admission(pod("untrusted.example.org/x:1"), operation="UPDATE", old=old), resolver
    )
    new = respond(
        admission(pod("untrusted.example.org/y:1"), operation="UPDATE", old=old), resolver
    )

    assert same["allowed"] is True
    assert new["allowed"] is False


def test_ephemeral_container_subresource(resolver: regresolve.Resolver) -> None:
    """UPDATE pods/ephemeralcontainers adds a debug container: it is judged."""
    old = pod("docker.io/library/nginx:1")
    obj = pod("docker.io/library/nginx:1", ephemeral=("untrusted.example.org/debug:1",))
    response = respond(
        admission(obj, operation="UPDATE", old=old, sub="ephemeralcontainers"), resolver
    )

    assert response["allowed"] is False
    assert 'ephemeralContainers[0] "e0"' in response["status"]["message"]


@pytest.mark.parametrize(
    ("operation", "sub"), [("DELETE", None), ("CONNECT", None), ("UPDATE", "status")]
)
def test_other_operations_are_allowed(
    resolver: regresolve.Resolver, operation: str, sub: str | None
) -> None:
    """DELETE, CONNECT and status updates are never judged."""
    response = respond(
        admission(pod("untrusted.example.org/x:1"), operation=operation, sub=sub), resolver
    )

    assert response["allowed"] is True


def test_empty_image_in_a_template_is_skipped(resolver: regresolve.Resolver) -> None:
    """Workload templates may leave the image to config management."""
    obj = {
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": ""}, {"name": "b"}]}}}
    }

    assert respond(admission(obj, kind="Deployment"), resolver)["allowed"] is True


# -- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review", "fragment"),
    [
        (None, "the body is not a JSON object"),
        ([], "the body is not a JSON object"),
        ({}, "apiVersion is not admission.k8s.io/v1"),
        (
            {
                "apiVersion": "admission.k8s.io/v1beta1",
                "kind": "AdmissionReview",
                "request": {"uid": "u"},
            },
            "apiVersion",
        ),
        (
            {"apiVersion": "admission.k8s.io/v1", "kind": "Nope", "request": {"uid": "u"}},
            "kind is not AdmissionReview",
        ),
        ({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}, "request is missing"),
        (
            {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 7}},
            "request.uid is missing",
        ),
    ],
)
def test_malformed_reviews_are_denied(
    resolver: regresolve.Resolver, review: Any, fragment: str
) -> None:
    """Not an AdmissionReview v1 request: denied with code 400, never an exception."""
    response = respond(review, resolver)

    assert response["allowed"] is False
    assert response["status"]["code"] == 400
    assert fragment in response["status"]["message"]


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ("a string", "request.object is missing"),
        ({"spec": []}, "spec is not an object"),
        ({"spec": {"containers": {"a": 1}}}, "spec.containers is not a list"),
        ({"spec": {"containers": ["nginx"]}}, "spec.containers[0] is not an object"),
        ({"spec": {"containers": [{"image": 5}]}}, "spec.containers[0].image is not a string"),
        (
            {"spec": {"volumes": [{"image": {"reference": []}}]}},
            "spec.volumes[0].image.reference is not a string",
        ),
    ],
)
def test_malformed_pods_are_denied(resolver: regresolve.Resolver, obj: Any, fragment: str) -> None:
    """A pod spec of the wrong shape cannot come from the API server: denied, field named."""
    response = respond(admission(obj), resolver)

    assert response["allowed"] is False
    assert response["status"]["code"] == 400
    assert fragment in response["status"]["message"]


def test_hostile_strings_are_quoted(resolver: regresolve.Resolver) -> None:
    """Control characters and huge strings never reach messages raw."""
    response = respond(admission(pod("evil\n\x1b[31mred", "x" * 100_000)), resolver)
    message = response["status"]["message"]

    assert response["allowed"] is False
    assert "\n" not in message
    assert "\x1b" not in message
    assert "\\x0a" in message
    assert len(message) <= webhook.MAX_MESSAGE_LENGTH


def test_too_many_images_are_refused(resolver: regresolve.Resolver) -> None:
    """More images than any real Pod: refused without planning each one."""
    response = respond(
        admission(pod(*["docker.io/library/a:1"] * (webhook.MAX_IMAGES + 1))), resolver
    )

    assert response["allowed"] is False
    assert response["status"]["code"] == 400


def test_a_configuration_object_is_accepted() -> None:
    """A RegistriesConf is wrapped in a Resolver."""
    conf = regresolve.RegistriesConf.from_toml(CONF, path=PATH)

    assert respond(admission(pod("untrusted.example.org/a:1")), conf)["allowed"] is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)
specs = st.fixed_dictionaries(
    {},
    optional={
        "containers": st.lists(
            st.fixed_dictionaries(
                {}, optional={"name": json_values, "image": json_values | st.text()}
            ),
            max_size=3,
        )
        | json_values,
        "initContainers": json_values,
        "volumes": json_values,
    },
)


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["Pod", "Deployment", "CronJob", "Job", "Other", 5]),
            "operation": st.sampled_from(["CREATE", "UPDATE", "DELETE", None, 3]),
            "spec": specs | json_values,
            "old": json_values,
            "uid": st.text(max_size=40) | json_values,
            "mutate": st.sampled_from(["off", "pin", "qualify"]),
        }
    )
)
def test_never_raises(resolver: regresolve.Resolver, data: dict[str, Any]) -> None:
    """Random shapes everywhere: always a well-formed response, never an exception."""
    kind, operation, spec = data["kind"], data["operation"], data["spec"]
    old, uid, mutate = data["old"], data["uid"], data["mutate"]
    review = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"kind": kind},
            "operation": operation,
            "object": {"spec": spec, "template": {"spec": spec}},
            "oldObject": old,
        },
    }
    response = respond(review, resolver, mutate=mutate)

    if not response["allowed"]:
        assert response["status"]["code"] in (400, 403)


def test_containers_policy_json(resolver: regresolve.Resolver) -> None:
    """A parsed policy.json: reject denies, signedBy warns, judged on the logical name."""
    from regresolve._policy import parse_policy

    policy = parse_policy(
        json.dumps(
            {
                "default": [{"type": "insecureAcceptAnything"}],
                "transports": {
                    "docker": {
                        "docker.io/library/bad": [{"type": "reject"}],
                        "mirror.example.net": [{"type": "reject"}],
                        "registry.example.com": [
                            {"type": "signedBy", "keyType": "GPGKeys", "keyPath": "/k.gpg"}
                        ],
                    }
                },
            }
        )
    )
    bad = respond(admission(pod("docker.io/library/bad:1")), resolver, policy=policy)
    mirrored = respond(admission(pod("docker.io/library/nginx:1")), resolver, policy=policy)
    signed = respond(admission(pod("registry.example.com/app:1")), resolver, policy=policy)

    assert bad["allowed"] is False
    assert "rejected by policy for docker.io/library/bad:1: rejected:" in bad["status"]["message"]
    assert mirrored["allowed"] is True  # the mirror's reject scope is never consulted
    assert signed["allowed"] is True
    assert signed["warnings"] == [
        'containers[0] "c0": registry.example.com/app:1 needs a signature '
        "(policy scope registry.example.com)"
    ]
