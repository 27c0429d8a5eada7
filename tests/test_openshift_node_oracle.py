"""Everything rendered for a node, read by the Go oracle (containers/image 5.34.2).

Hypothesis generates cluster objects (mirror sets, allowed or blocked registries,
ClusterImagePolicies and ImagePolicies, CA ConfigMaps, a pull secret); whatever the MCO would
render is written to a directory, and then:

* the ``config`` op loads its registries.conf and search drop-in and plans tag and digest
  references under every scope: the configuration and every plan equal regresolve's;
* the ``hostctx`` op reads the same directory as a node (``/etc/docker/certs.d``, the pull
  secret as the auth file, ``registries.d/sigstore-registries.yaml``): for every pull source the
  certificate directory, whether CAs load, the credentials (user and a hash of the password),
  ``use-sigstore-attachments`` and the lookaside equal what ``openshift plan`` reports;
* policy.json and every ``/etc/crio/policies/<ns>.json`` load with containers/image's rules
  (``regresolve._policy``; the oracle links no ``signature`` package).
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve._policy import parse_policy
from regresolve._profiles import product_profile
from regresolve.openshift import (
    InvalidOpenShiftObject,
    NodeFiles,
    load_objects,
    objects_from_data,
    plan_in_root,
    render,
    write_node_files,
)
from support.pycompat import strict_zip

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent
CONF = "/etc/containers/registries.conf"
DROPIN_DIR = "/etc/containers/registries.conf.d"
DROPIN = DROPIN_DIR + "/01-image-searchRegistries.conf"
AUTH = "/var/lib/kubelet/config.json"
DIGEST = "@sha256:" + "ab" * 32
CERT = "-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n"
RELEASE = "quay.io/openshift-release-dev/ocp-release@sha256:" + "0" * 64


def _sha12(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()[:12]


def _password(host: str) -> str:
    return f"pw-{host}"


def _user(host: str) -> str:
    return "u-" + host.replace(":", "_")  # a user name cannot hold ":" in an auth value


# -- generated clusters -------------------------------------------------------------------------

HOSTS = ["a.com", "b.com", "s.b.com", "m.net", "m.net:5000", "q.io"]
PATHS = ["", "/ns", "/ns/r"]
scopes = st.builds(lambda h, p: h + p, st.sampled_from(HOSTS), st.sampled_from(PATHS))
wild = st.sampled_from(["*.b.com", "*.net"])
KEY = base64.b64encode(
    b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
).decode()


def _mirror_doc(kind: str, field: str, name: str, rules: list[tuple[str, list[str]]]) -> Any:
    api = (
        "operator.openshift.io/v1alpha1"
        if kind == "ImageContentSourcePolicy"
        else ("config.openshift.io/v1")
    )
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name},
            "spec": {field: [{"source": s, "mirrors": m} for s, m in rules]}}  # fmt: skip


def _policy_doc(kind: str, name: str, ns: str, policy_scopes: list[str]) -> Any:
    meta = {"name": name, **({"namespace": ns} if kind == "ImagePolicy" else {})}
    return {"apiVersion": "config.openshift.io/v1", "kind": kind, "metadata": meta,
            "spec": {"scopes": policy_scopes, "policy": {"rootOfTrust": {
                "policyType": "PublicKey", "publicKey": {"keyData": KEY}}}}}  # fmt: skip


rules = st.lists(
    st.tuples(
        st.one_of(scopes, scopes, wild), st.lists(scopes, min_size=1, max_size=2, unique=True)
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def clusters(draw: Any) -> list[Any]:
    docs: list[Any] = []
    for i, r in enumerate(draw(st.lists(rules, max_size=2))):
        docs.append(_mirror_doc("ImageDigestMirrorSet", "imageDigestMirrors", f"d{i}", r))
    for i, r in enumerate(draw(st.lists(rules, max_size=1))):
        docs.append(_mirror_doc("ImageTagMirrorSet", "imageTagMirrors", f"t{i}", r))
    sources: dict[str, Any] = {}
    lists = draw(st.sampled_from(["none", "allowed", "blocked"]))
    if lists != "none":
        sources[f"{lists}Registries"] = draw(st.lists(st.one_of(scopes, wild), min_size=1,
                                                      max_size=3, unique=True))  # fmt: skip
    insecure = draw(st.lists(scopes, max_size=1))
    if insecure:
        sources["insecureRegistries"] = insecure
    ca_hosts = draw(st.lists(st.sampled_from(HOSTS), max_size=3, unique=True))
    spec: dict[str, Any] = {"registrySources": sources}
    if ca_hosts:
        spec["additionalTrustedCA"] = {"name": "cas"}
        docs.append({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "cas", "namespace": "openshift-config"},
                     "data": {h.replace(":", ".."): CERT for h in ca_hosts}})  # fmt: skip
    docs.append({"apiVersion": "config.openshift.io/v1", "kind": "Image",
                 "metadata": {"name": "cluster"}, "spec": spec})  # fmt: skip
    policy_scopes = st.lists(st.one_of(scopes, wild), min_size=1, max_size=2, unique=True)
    for i, ps in enumerate(draw(st.lists(policy_scopes, max_size=2))):
        kind = draw(st.sampled_from(["ClusterImagePolicy", "ImagePolicy"]))
        docs.append(_policy_doc(kind, f"p{i}", f"ns{i % 2}", ps))
    auth_hosts = draw(st.lists(st.sampled_from(HOSTS), max_size=3, unique=True))
    if auth_hosts:
        auths = {
            h: {"auth": base64.b64encode(f"{_user(h)}:{_password(h)}".encode()).decode()}
            for h in auth_hosts
        }
        data = base64.b64encode(json.dumps({"auths": auths}, indent=1).encode()).decode()
        docs.append({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
                     "metadata": {"name": "pull-secret", "namespace": "openshift-config"},
                     "data": {".dockerconfigjson": data}})  # fmt: skip
    return docs


def _refs(docs: list[Any]) -> list[str]:
    found = set()
    for d in docs:
        spec = d.get("spec") or {}
        for key in ("imageDigestMirrors", "imageTagMirrors"):
            for e in spec.get(key, []):
                found |= {e["source"], *e["mirrors"]}
        found |= set(spec.get("scopes", []))
        for v in (spec.get("registrySources") or {}).values():
            found |= set(v)
    refs = []
    for s in sorted(found):
        host = "x" + s[1:] if s.startswith("*.") else s
        refs += [f"{host}/img:1", f"{host}/img{DIGEST}"]
    return refs


# -- comparisons --------------------------------------------------------------------------------


def _config_agrees(oracle: Any, files: NodeFiles, refs: list[str]) -> int:
    node = files.files()
    sent = {p: node[p] for p in (CONF, DROPIN) if p in node}
    answer = oracle.config(files=sent, refs=refs, system_registries_conf_dir_path=DROPIN_DIR)
    assert answer["error"] is None, answer["error"]
    dropins = {"01-image-searchRegistries.conf": node[DROPIN]} if DROPIN in node else {}
    conf = regresolve.RegistriesConf.from_toml(
        node[CONF], dropins, path=CONF, dropin_dir=DROPIN_DIR
    )
    resolver = regresolve.Resolver(conf)
    for ref, go in strict_zip(refs, answer["plans"]):
        try:
            plan = resolver.plan(ref)
        except regresolve.RegresolveError as e:
            error: str | None = e.go_message
        else:
            error = None
        if error is not None or go["error"] is not None:
            assert go["error"] == error, ref
            continue
        assert go["error"] is None, (ref, go["error"])
        assert [str(s.reference) for s in plan.sources] == [s["reference"] for s in go["sources"]]
        assert [s.blocked_error for s in plan.sources] == [
            s["blocked_error"] for s in go["sources"]
        ]
    return len(refs)


def _hostctx_agrees(oracle: Any, tree: Path, files: NodeFiles, refs: list[str]) -> int:
    fields: dict[str, Any] = {}
    profile = None
    if files.pull_secret is not None:
        fields["auth_file"] = AUTH
        profile = product_profile("ocp-4.19")  # CRI-O 1.32: containers/image 5.34.1
    answer = oracle.hostctx(str(tree), refs, **fields)
    assert answer["config_error"] is None, answer["config_error"]
    compared = 0
    for ref, go in strict_zip(refs, answer["plans"]):
        ours = plan_in_root(str(tree), ref, profile=profile)
        if go["error"] is not None:
            assert ours.error is not None, (ref, go["error"])
            continue
        assert ours.pull_error == go["registries_d_error"], ref
        assert [s.reference for s in ours.sources] == [s["reference"] for s in go["sources"]], ref
        for mine, theirs in strict_zip(ours.sources, go["sources"]):
            w = (ref, theirs["reference"])
            assert mine.tls.cert_dir == theirs["cert_dir"], w
            assert mine.tls.error == theirs["certs_error"], w
            assert bool(mine.tls.ca_files) == theirs["certs"]["root_cas"], w
            assert mine.tls.verify == theirs["tls_verify"], w
            assert mine.signatures.use_sigstore_attachments == theirs["use_sigstore_attachments"], w
            assert mine.signatures.lookaside == theirs["lookaside"], w
            cred = mine.credentials
            if cred.kind == "auth-file":
                assert cred.key is not None
                assert theirs["credentials"] == {
                    "username": _user(cred.key),
                    "password_sha256_12": _sha12(_password(cred.key)),
                    "token_sha256_12": "",
                }, w
            else:
                assert theirs["credentials"] is None, w
            compared += 1
    return compared


def _policies_load(files: NodeFiles) -> None:
    parse_policy(files.policy_json, path="/etc/containers/policy.json")
    for ns, text in files.namespace_policies:
        parse_policy(text, path=f"/etc/crio/policies/{ns}.json")


def _check(oracle: Any, docs: list[Any], tree: Path) -> int:
    try:
        files = render(objects_from_data(docs), release_image=RELEASE)
    except InvalidOpenShiftObject:
        return 0  # the MCO (or the node) refuses these objects: nothing reaches a node
    write_node_files(files, tree)
    refs = _refs(docs) or ["docker.io/library/busybox:1"]
    _policies_load(files)
    _config_agrees(oracle, files, refs)
    return _hostctx_agrees(oracle, tree, files, refs)


@pytest.mark.property
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=clusters())
def test_rendered_node_agrees_with_go(oracle: Any, docs: list[Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="regresolve-node-") as tree:
        _check(oracle, docs, Path(tree))


def test_seed_node_agrees_with_go(oracle: Any, tmp_path: Path) -> None:
    """The article's objects: the Harbor pull and the payload pull, source by source."""
    files = render(load_objects(ROOT / "examples/openshift/seed"))
    write_node_files(files, tmp_path)
    refs = [
        "harbor.support.ocp.com:8443/library/redis:latest",
        "harbor.dc1.ocp.poc:8443/library/redis:latest",
        "quay.io/openshift-release-dev/ocp-release" + DIGEST,
    ]
    _config_agrees(oracle, files, refs)
    assert _hostctx_agrees(oracle, tmp_path, files, refs) == 4
    answer = oracle.hostctx(str(tmp_path), refs[:2])
    harbor, dc1 = (p["sources"][0] for p in answer["plans"])
    assert harbor["cert_dir"] == "/etc/docker/certs.d/harbor.support.ocp.com:8443"
    assert harbor["certs"]["root_cas"] is False
    assert dc1["cert_dir"] == "/etc/docker/certs.d/harbor.dc1.ocp.poc:8443"
    assert dc1["certs"]["root_cas"] is True
