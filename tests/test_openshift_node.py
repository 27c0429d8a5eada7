"""The rest of a node's pull configuration: trusted CAs, the pull secret, the API server's
validation of the Image, the warnings, and ``openshift plan`` per source; the seed scenario
(``examples/openshift/seed``) end to end."""

from __future__ import annotations

import base64
import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]

from regresolve._profiles import product_profile
from regresolve.openshift import (
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    image_validation_errors,
    load_objects,
    objects_from_data,
    objects_from_text,
    plan_in_root,
    plan_on_node,
    render,
    write_node_files,
)
from regresolve.openshift._cli import main
from regresolve.openshift._pullsecret import go_json_compact
from regresolve.openshift._trustedca import mco_directory, node_ca_directory, trusted_cas

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "openshift" / "seed"
DATA = yaml.safe_load((ROOT / "tests/data/openshift/api_and_certs.yaml").read_text())
HARBOR_PULL = "harbor.support.ocp.com:8443/library/redis:latest"
RELEASE = "quay.io/openshift-release-dev/ocp-release@sha256:" + "0" * 64

EXPECTED_CASES = {"ImageValidation": 14, "NodeCA": 9, "CertificateWriter": 6}


def test_upstream_case_count() -> None:
    assert {k: len(DATA[k]) for k in EXPECTED_CASES} == EXPECTED_CASES


# -- certs.d ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "directory"), DATA["NodeCA"], ids=str)
def test_node_ca_replaces_only_the_last_double_dot(key: str, directory: str) -> None:
    assert node_ca_directory(key) == directory


def test_mco_replaces_every_double_dot() -> None:
    assert mco_directory("this..is..not..valid..5000.crt") == "this:is:not:valid:5000.crt"
    assert mco_directory("harbor.dc1.ocp.poc..8443") == "harbor.dc1.ocp.poc:8443"


def _image_with_ca(name: str = "user-ca") -> dict[str, Any]:
    return {
        "apiVersion": "config.openshift.io/v1",
        "kind": "Image",
        "metadata": {"name": "cluster"},
        "spec": {"additionalTrustedCA": {"name": name}},
    }


def _config_map(name: str, namespace: str, data: Any, binary: Any = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }
    if binary:
        doc["binaryData"] = binary
    return doc


@pytest.mark.parametrize("case", DATA["CertificateWriter"], ids=lambda c: c["name"])
def test_certificate_writer(case: dict[str, Any]) -> None:
    objs = objects_from_data(
        [
            _image_with_ca(),
            _config_map("user-ca", "openshift-config", case["data"], case.get("binaryData")),
        ]
    )
    cas = trusted_cas(objs)
    assert [(f.directory, f.data.decode()) for f in cas.files] == [tuple(f) for f in case["files"]]
    for f in cas.files:
        assert f.path == f"/etc/docker/certs.d/{f.directory}/ca.crt"


def test_user_ca_written_after_the_internal_registry_ca() -> None:
    key = "image-registry.openshift-image-registry.svc..5000"
    objs = objects_from_data(
        [
            _image_with_ca(),
            _config_map("image-registry-ca", "openshift-config-managed", {key: "managed-ca"}),
            _config_map("user-ca", "openshift-config", {key: "user-ca"}),
        ]
    )
    cas = trusted_cas(objs)
    assert [f.user for f in cas.files] == [False, True]
    (final,) = cas.final().values()
    assert final.data == b"user-ca"
    assert final.directory == "image-registry.openshift-image-registry.svc:5000"


def test_missing_config_map_and_unreferenced_one_are_reported() -> None:
    objs = objects_from_data(
        [_image_with_ca("absent"), _config_map("other", "openshift-config", {"a.io": "x"})]
    )
    files = render(objs, release_image=RELEASE)
    assert files.ca_files == ()
    assert any(
        "could not find configmap specified in image.config.openshift.io/cluster with the name "
        "absent" in w
        for w in files.warnings
    )
    assert any("ConfigMap/openshift-config/other" in w and "ignored" in w for w in files.warnings)


# -- the API server's validation of the Image (openshift/api) --------------------------------


@pytest.mark.parametrize("case", DATA["ImageValidation"], ids=lambda c: c["name"])
def test_image_validation(case: dict[str, Any]) -> None:
    doc = {"apiVersion": "config.openshift.io/v1", "kind": "Image",
           "metadata": {"name": "cluster"}, "spec": case["spec"]}  # fmt: skip
    image = objects_from_data(doc).image
    assert image is not None
    errors = image_validation_errors(image)
    if case["expected_error"] is None:
        assert errors == []
    else:
        assert any(case["expected_error"] in e for e in errors), errors


def test_image_validation_messages_and_limits() -> None:
    image = ImageConfig(
        blocked_registries=("a.io/x:1", "", "b" * 257),
        allowed_registries=(),
        container_runtime_search_registries=("a.io", "a.io"),
    )
    assert image_validation_errors(image) == [
        'spec.registrySources.blockedRegistries[1]: Invalid value: "": '
        "spec.registrySources.blockedRegistries[1] in body should be at least 1 chars long",
        f'spec.registrySources.blockedRegistries[2]: Invalid value: "{"b" * 257}": '
        "spec.registrySources.blockedRegistries[2] in body should be at most 256 chars long",
        'spec.registrySources.containerRuntimeSearchRegistries[1]: Duplicate value: "a.io"',
        'spec.registrySources.blockedRegistries[0]: Invalid value: "string": each registry must '
        "be a valid hostname[:port][/path] or wildcard *.hostname format without tags or digests",
        'spec.registrySources.blockedRegistries[1]: Invalid value: "string": each registry must '
        "be a valid hostname[:port][/path] or wildcard *.hostname format without tags or digests",
        'spec.registrySources: Invalid value: "object": Only one of blockedRegistries or '
        "allowedRegistries may be set",
    ]
    many = ImageConfig(insecure_registries=("a.io",) * 1025)
    assert image_validation_errors(many) == [
        "spec.registrySources.insecureRegistries: Too many: 1025: must have at most 1024 items"
    ]
    empty = ImageConfig(container_runtime_search_registries=())
    assert image_validation_errors(empty) == [
        "spec.registrySources.containerRuntimeSearchRegistries: Invalid value: 0: "
        "spec.registrySources.containerRuntimeSearchRegistries in body should have at least 1 "
        "items"
    ]


def test_api_validation_option_refuses_the_seed_image() -> None:
    objs = load_objects(SEED)
    render(objs)  # the MCO renders it (older clusters accepted the object)
    with pytest.raises(InvalidOpenShiftObject) as info:
        render(objs, api_validation=True)
    assert info.value.go_message == (
        'Image.config.openshift.io "cluster" is invalid: '
        'spec.registrySources.allowedRegistries[4]: Invalid value: "string": each registry '
        "must be a valid hostname[:port][/path] or wildcard *.hostname format without tags or "
        "digests"
    )


# -- warnings ----------------------------------------------------------------------------------


def test_unknown_kinds_and_fields_are_reported() -> None:
    text = """
apiVersion: config.openshift.io/v1
kind: ImageDigestMirrorSet
metadata: {name: typo}
spec:
  imageDigestMirror:
  - source: quay.io/ns
    mirrors: [m.example.com/ns]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
"""
    files = render(objects_from_text(text, path="x.yaml"), release_image=RELEASE)
    assert any(
        "ImageDigestMirrorSet/typo: unknown field spec.imageDigestMirror (did you mean "
        "imageDigestMirrors?) in x.yaml" in w
        for w in files.warnings
    )
    assert any(w.startswith("Deployment/web is ignored") for w in files.warnings)


def test_blocking_exactly_the_payload_repository_warns() -> None:
    repo = "quay.io/openshift-release-dev/ocp-release"
    objs = objects_from_data(
        [
            {"kind": "Image", "metadata": {"name": "cluster"},
             "spec": {"registrySources": {"blockedRegistries": [repo]}}},
            {"kind": "ImageDigestMirrorSet", "metadata": {"name": "m"},
             "spec": {"imageDigestMirrors": [{"source": repo, "mirrors": ["m.example.com/r"]}]}},
        ]
    )  # fmt: skip
    files = render(objs, release_image=f"{repo}@sha256:" + "1" * 64)
    assert json.loads(files.policy_json)["default"] == [{"type": "reject"}]
    assert any("release payload repository" in w and "default: reject" in w for w in files.warnings)


def test_contradicting_mirror_orders_warn() -> None:
    objs = objects_from_data(
        [
            {"kind": "ImageDigestMirrorSet", "metadata": {"name": n},
             "spec": {"imageDigestMirrors": [{"source": "q.io/ns", "mirrors": ms}]}}
            for n, ms in (("a", ["m1.io/ns", "m2.io/ns"]), ("b", ["m2.io/ns", "m1.io/ns"]))
        ]
    )  # fmt: skip
    files = render(objs, release_image=RELEASE)
    assert any(
        "mirror orders for q.io/ns contradict each other (ImageDigestMirrorSet/a, "
        "ImageDigestMirrorSet/b)" in w
        for w in files.warnings
    )


def test_tagged_scopes_warn_per_list() -> None:
    objs = objects_from_data(
        {"kind": "Image", "metadata": {"name": "cluster"},
         "spec": {"registrySources": {"insecureRegistries": ["a.io/x@sha256:" + "a" * 64],
                                      "blockedRegistries": ["b.io/x:1"]}}}
    )  # fmt: skip
    files = render(objs, release_image=RELEASE)
    tagged = [w for w in files.warnings if "has a tag" in w or "has a digest" in w]
    assert len(tagged) == 2
    assert "TLS stays verified" in tagged[0]
    assert "nothing is blocked there" in tagged[1]


# -- the pull secret ----------------------------------------------------------------------------


def test_go_json_compact() -> None:
    assert go_json_compact(b' {"a" : [1, 2],\n "b c": "x y"} \n') == b'{"a":[1,2],"b c":"x y"}'
    assert go_json_compact(b'{"q": "a\\" b"}') == b'{"q":"a\\" b"}'
    with pytest.raises(ValueError, match="unexpected end of JSON input"):
        go_json_compact(b"")
    with pytest.raises(ValueError) as info:
        go_json_compact(b'{"a": Z}')
    assert "'Z'" not in str(info.value)


def _secret(content: bytes, typ: str = "kubernetes.io/dockerconfigjson") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "pull-secret", "namespace": "openshift-config"},
        "type": typ,
        "data": {".dockerconfigjson": base64.b64encode(content).decode()},
    }


def test_pull_secret_is_written_compacted_with_mode_0600(tmp_path: Path) -> None:
    raw = b'{\n  "auths": {"m.example.com": {"auth": "dTpw"}}\n}\n'
    files = render(objects_from_data([_secret(raw)]), release_image=RELEASE)
    assert "pull_secret" not in repr(files) or "dTpw" not in repr(files)
    written = write_node_files(files, tmp_path)
    path = tmp_path / "var/lib/kubelet/config.json"
    assert str(path) in written
    assert path.read_bytes() == b'{"auths":{"m.example.com":{"auth":"dTpw"}}}\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_pull_secret_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(InvalidOpenShiftObject) as info:
        render(objects_from_data([_secret(b"{}", "Opaque")]))
    assert info.value.go_message == (
        "expected secret type kubernetes.io/dockerconfigjson found Opaque"
    )


def test_mirror_without_pull_secret_entry_warns() -> None:
    objs = objects_from_data(
        [
            _secret(b'{"auths": {"quay.io": {"auth": "dTpw"}}}'),
            {"kind": "ImageDigestMirrorSet", "metadata": {"name": "m"},
             "spec": {"imageDigestMirrors": [{"source": "quay.io/x",
                                              "mirrors": ["m.example.com:5000/x"]}]}},
        ]
    )  # fmt: skip
    files = render(objs, release_image=RELEASE)
    assert any("no entry for the mirror registry m.example.com:5000" in w for w in files.warnings)


# -- the seed scenario --------------------------------------------------------------------------


def test_seed_render(tmp_path: Path) -> None:
    files = render(load_objects(SEED))
    cert = yaml.safe_load((SEED / "configmap.yaml").read_text())["data"]["harbor.dc1.ocp.poc..8443"]
    assert files.binary_files() == {
        "/etc/docker/certs.d/harbor.dc1.ocp.poc:8443/ca.crt": cert.encode()
    }
    assert files.registries_conf_edited
    assert files.policy_json_edited
    ca_warning = [w for w in files.warnings if "harbor.dc1.ocp.poc:8443" in w]
    assert len(ca_warning) == 1
    assert "the closest one named is harbor.support.ocp.com:8443" in ca_warning[0]
    assert any('"docker.io/library/busybox:1.36" has a tag' in w for w in files.warnings)
    write_node_files(files, tmp_path)
    assert (tmp_path / "etc/docker/certs.d/harbor.dc1.ocp.poc:8443/ca.crt").read_text() == cert


def test_seed_plan_explains_the_verification_pull(tmp_path: Path) -> None:
    files = render(load_objects(SEED))
    for profile in (None, product_profile("ocp-4.18")):
        plan = plan_on_node(files, HARBOR_PULL, profile=profile)
        assert not plan.accepted
        assert plan.verdicts[0].verdict == "rejected"
        assert plan.verdicts[0].scope is None  # the default: reject
        (src,) = plan.sources
        assert src.tls.ca_files == ()
        assert src.tls.cert_dir == "/etc/docker/certs.d/harbor.support.ocp.com:8443"
        assert plan.ca_directories == ("harbor.dc1.ocp.poc:8443",)
        text = plan.explain()
        assert (
            "TLS: no CA directory /etc/docker/certs.d/harbor.support.ocp.com:8443: system roots "
            "only (certs.d has harbor.dc1.ocp.poc:8443)" in text
        )
        assert "policy.json: rejected, by the default policy (reject)" in text
        assert text.endswith("=> the pull fails")
    # The same from the rendered directory (`openshift plan --root`).
    write_node_files(files, tmp_path)
    again = plan_in_root(str(tmp_path), HARBOR_PULL)
    assert again.explain() == plan_on_node(files, HARBOR_PULL).explain()
    assert str(tmp_path) not in json.dumps(again.to_dict())


def test_seed_payload_pull_uses_the_harbor_mirror_with_its_missing_ca() -> None:
    files = render(load_objects(SEED))
    plan = plan_on_node(
        files, RELEASE.replace("0" * 64, "a" * 64), profile=product_profile("ocp-4.18")
    )
    assert plan.accepted
    mirror, source = plan.sources
    assert mirror.reference.startswith("harbor.support.ocp.com:8443/ocp4/openshift4@")
    assert mirror.tls.ca_files == ()
    assert mirror.credentials.kind == "none"
    assert "credentials: none (/var/lib/kubelet/config.json has no entry" in plan.explain()
    assert source.reference.startswith("quay.io/")


def test_pull_secret_key_is_reported_per_source() -> None:
    objs = load_objects(SEED).merged_with(
        objects_from_data(_secret(b'{"auths": {"harbor.support.ocp.com:8443": {"auth": "dTpw"}}}'))
    )
    files = render(objs)
    plan = plan_on_node(
        files, RELEASE.replace("0" * 64, "b" * 64), profile=product_profile("ocp-4.18")
    )
    mirror = plan.sources[0]
    assert (mirror.credentials.kind, mirror.credentials.file, mirror.credentials.key) == (
        "auth-file",
        "/var/lib/kubelet/config.json",
        "harbor.support.ocp.com:8443",
    )
    # podman on the node reads no pull secret.
    podman = plan_on_node(files, RELEASE.replace("0" * 64, "b" * 64))
    assert podman.sources[0].credentials.kind == "none"


# -- the command line ---------------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(argv, out, err), out.getvalue(), err.getvalue()


def test_cli_plan_without_ref_is_a_usage_error() -> None:
    code, out, err = _run(["openshift", "plan", str(SEED / "image.yaml"), str(SEED / "icsp.yaml")])
    assert code == 2
    assert out == ""
    assert "missing REF" in err
    code, _, err = _run(["openshift", "plan", str(SEED)])
    assert code == 2
    assert "missing REF" in err


def test_cli_render_and_plan_root(tmp_path: Path) -> None:
    code, out, err = _run(["openshift", "render", str(SEED), "--output", str(tmp_path)])
    assert code == 0
    assert f"{tmp_path}/etc/docker/certs.d/harbor.dc1.ocp.poc:8443/ca.crt" in out.splitlines()
    assert "warning: ConfigMap/openshift-config/registry-harbor" in err
    code, out, _ = _run(
        ["openshift", "plan", "--ocp", "4.18", "--root", str(tmp_path), HARBOR_PULL]
    )
    assert code == 1
    assert "no CA directory /etc/docker/certs.d/harbor.support.ocp.com:8443" in out
    code, out, _ = _run(["openshift", "plan", "--json", str(SEED), HARBOR_PULL])
    assert code == 1
    doc = json.loads(out)
    assert doc["accepted"] is False
    assert doc["node"]["sources"][0]["tls"]["ca_files"] == []
    assert doc["node"]["ca_directories"] == ["harbor.dc1.ocp.poc:8443"]


def test_cli_reads_stdin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    text = (SEED / "configmap.yaml").read_text() + "---\n" + (SEED / "image.yaml").read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, _, _ = _run(["openshift", "render", "-", "--output", str(tmp_path)])
    assert code == 0
    assert os.path.exists(tmp_path / "etc/docker/certs.d/harbor.dc1.ocp.poc:8443/ca.crt")


def test_cli_api_validation_flag() -> None:
    code, _, err = _run(
        ["openshift", "render", "--api-validation", str(SEED), "--output", "/nonexistent"]
    )
    assert code == 2
    assert 'error: Image.config.openshift.io "cluster" is invalid' in err


def test_objects_without_image_render_the_managed_ca_only() -> None:
    objs = ClusterImageObjects(
        config_maps=objects_from_data(
            _config_map("image-registry-ca", "openshift-config-managed", {"r.svc..5000": "pem"})
        ).config_maps
    )
    files = render(objs, release_image=RELEASE)
    assert list(files.binary_files()) == ["/etc/docker/certs.d/r.svc:5000/ca.crt"]


@pytest.mark.parametrize("key", ["../../evil", "a/b", "..x", ".", "..", "x y"])
def test_config_map_keys_that_are_not_file_names_are_refused(key: str) -> None:
    with pytest.raises(InvalidOpenShiftObject) as info:
        objects_from_data(_config_map("user-ca", "openshift-config", {key: "pem"}))
    assert info.value.field == "data"


@pytest.mark.parametrize("namespace", ["../x", "UPPER", "a/b"])
def test_image_policy_namespaces_that_are_not_labels_are_refused(namespace: str) -> None:
    doc = {"apiVersion": "config.openshift.io/v1", "kind": "ImagePolicy",
           "metadata": {"name": "p", "namespace": namespace},
           "spec": {"scopes": ["a.io"], "policy": {}}}  # fmt: skip
    with pytest.raises(InvalidOpenShiftObject, match="RFC 1123"):
        objects_from_data(doc)
