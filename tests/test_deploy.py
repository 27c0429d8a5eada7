"""deploy/: the manifests agree with each other and with the server they run.

No cluster is available here, so each reference one object makes to another is followed by
hand: names, namespaces, labels and selectors, ports, paths, the Secret cert-manager writes
and the one the Deployment mounts, the ``cert-manager.io/inject-ca-from`` reference, the
files the container's arguments name and the ConfigMap keys behind them, and every file
kustomization.yaml lists.  The container's arguments are parsed by the real command line.
"""

from __future__ import annotations

import argparse
import functools
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from regresolve.webhook._commands import register
from regresolve.webhook._requests import admission_review
from regresolve.webhook._sites import WORKLOAD_KINDS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


@functools.cache
def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    return data


@functools.cache
def objects() -> list[dict[str, Any]]:
    found = []
    for name in kustomization()["resources"]:
        for doc in yaml.safe_load_all((DEPLOY / name).read_text(encoding="utf-8")):
            if doc is not None:
                found.append(doc)
    return found


def one(kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [o for o in objects() if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(matches) == 1, (kind, name, len(matches))
    return matches[0]


def namespace() -> str:
    name: str = one("Namespace")["metadata"]["name"]
    return name


def container() -> dict[str, Any]:
    [c] = one("Deployment")["spec"]["template"]["spec"]["containers"]
    return c


def serve_args() -> argparse.Namespace:
    """The container's arguments, parsed by ``regresolve webhook serve`` itself."""
    parser = argparse.ArgumentParser(prog="regresolve")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["webhook", "serve", *container()["args"]])


def mount_of(path: str) -> tuple[dict[str, Any], str]:
    """The volume a file path is on, and the path inside it."""
    spec = one("Deployment")["spec"]["template"]["spec"]
    for mount in container()["volumeMounts"]:
        prefix = mount["mountPath"].rstrip("/") + "/"
        if path.startswith(prefix) or path == mount["mountPath"]:
            [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
            return volume, path[len(prefix) :] if path.startswith(prefix) else ""
    pytest.fail(f"{path} is on no volume")


# -- kustomization ------------------------------------------------------------------------------


def test_kustomization_lists_every_manifest() -> None:
    listed = kustomization()["resources"]
    on_disk = sorted(p.name for p in DEPLOY.glob("*.yaml") if p.name != "kustomization.yaml")

    assert sorted(listed) == on_disk
    assert len(set(listed)) == len(listed)


def test_the_expected_objects_are_there() -> None:
    kinds = sorted(o["kind"] for o in objects())

    assert kinds == sorted(
        [
            "Namespace",
            "ServiceAccount",
            "ConfigMap",
            "ConfigMap",
            "ConfigMap",
            "Issuer",
            "Issuer",
            "Certificate",
            "Certificate",
            "Deployment",
            "PodDisruptionBudget",
            "Service",
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
        ]
    )


def test_namespaced_objects_are_in_the_namespace() -> None:
    cluster_scoped = {"Namespace", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}
    for obj in objects():
        if obj["kind"] not in cluster_scoped:
            assert obj["metadata"].get("namespace") == namespace(), obj["metadata"]["name"]


def test_the_image_name_is_the_one_kustomize_replaces() -> None:
    [image] = kustomization()["images"]

    assert container()["image"] == image["name"]


# -- workload -----------------------------------------------------------------------------------


def test_deployment_selectors_and_labels() -> None:
    deployment = one("Deployment")
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]

    assert deployment["spec"]["replicas"] == 2
    assert selector.items() <= labels.items()
    assert one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == selector
    assert one("PodDisruptionBudget")["spec"]["minAvailable"] == 1
    assert one("Service")["spec"]["selector"].items() <= labels.items()
    spec = deployment["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == one("ServiceAccount")["metadata"]["name"]
    anti = spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert anti[0]["podAffinityTerm"]["labelSelector"]["matchLabels"] == selector


def test_ports_and_probes() -> None:
    args = serve_args()
    [port] = container()["ports"]
    [service_port] = one("Service")["spec"]["ports"]

    assert port["containerPort"] == args.port
    assert service_port["targetPort"] in (port["name"], port["containerPort"])
    assert container()["readinessProbe"]["httpGet"] == {
        "path": "/readyz",
        "port": port["name"],
        "scheme": "HTTPS",
    }
    assert container()["livenessProbe"]["httpGet"] == {
        "path": "/healthz",
        "port": port["name"],
        "scheme": "HTTPS",
    }
    assert args.address == "0.0.0.0"


def test_hardening_and_resources() -> None:
    spec = one("Deployment")["spec"]["template"]["spec"]
    security = container()["securityContext"]

    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] != 0
    assert spec["automountServiceAccountToken"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert set(container()["resources"]["requests"]) == {"cpu", "memory"}
    assert "memory" in container()["resources"]["limits"]
    args = serve_args()
    grace = spec["terminationGracePeriodSeconds"]
    assert grace > args.shutdown_delay + args.shutdown_grace


def test_the_certificate_secret_is_mounted_where_the_server_reads_it() -> None:
    args = serve_args()
    certificate = one("Certificate", "regresolve-webhook")
    for path, key in ((args.cert, "tls.crt"), (args.key, "tls.key")):
        volume, inside = mount_of(path)
        assert volume["secret"]["secretName"] == certificate["spec"]["secretName"]
        assert inside == key  # the keys cert-manager writes


def test_configuration_files_come_from_the_configmaps() -> None:
    args = serve_args()
    configmaps = {o["metadata"]["name"]: o for o in objects() if o["kind"] == "ConfigMap"}
    for path in (args.config, args.policy):
        volume, key = mount_of(path)
        data = configmaps[volume["configMap"]["name"]]["data"]
        assert key in data, path
    [dropins] = args.config_dir
    volume, inside = mount_of(dropins)
    assert inside == ""
    data = configmaps[volume["configMap"]["name"]]["data"]
    assert data
    assert all(name.endswith(".conf") for name in data)
    for mount in container()["volumeMounts"]:
        assert "subPath" not in mount  # subPath mounts never see updates


def test_the_sample_configuration_loads() -> None:
    """The ConfigMaps hold files regresolve (and so podman) accepts."""
    import regresolve

    configmaps = {o["metadata"]["name"]: o["data"] for o in objects() if o["kind"] == "ConfigMap"}
    args = serve_args()
    main = configmaps[mount_of(args.config)[0]["configMap"]["name"]]["registries.conf"]
    dropins = configmaps[mount_of(args.config_dir[0])[0]["configMap"]["name"]]
    conf = regresolve.RegistriesConf.from_toml(main, dropins)
    policy = configmaps[mount_of(args.policy)[0]["configMap"]["name"]]["policy.json"]

    assert regresolve.parse_policy(policy).evaluate("untrusted.example.org/a:1").verdict == (
        "rejected"
    )
    plan = regresolve.Resolver(conf).plan("untrusted.example.org/a:1")
    assert [s.blocked for s in plan.sources] == [True]


# -- webhooks -----------------------------------------------------------------------------------


WEBHOOK_KINDS = {
    "ValidatingWebhookConfiguration": "/validate",
    "MutatingWebhookConfiguration": "/mutate",
}


@pytest.mark.parametrize(("kind", "path"), WEBHOOK_KINDS.items())
def test_webhook_configuration(kind: str, path: str) -> None:
    configuration = one(kind)
    service = one("Service")
    [hook] = configuration["webhooks"]
    [port] = service["spec"]["ports"]

    assert hook["clientConfig"]["service"] == {
        "namespace": namespace(),
        "name": service["metadata"]["name"],
        "path": path,
        "port": port["port"],
    }
    assert hook["sideEffects"] == "None"
    assert hook["admissionReviewVersions"] == ["v1"]
    assert 1 <= hook["timeoutSeconds"] <= 30
    assert hook["failurePolicy"] in ("Fail", "Ignore")
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+){2,}", hook["name"])
    [expression] = hook["namespaceSelector"]["matchExpressions"]
    assert expression["key"] == "kubernetes.io/metadata.name"
    assert expression["operator"] == "NotIn"
    assert set(expression["values"]) == {namespace(), "kube-system"}


def test_failure_policies_are_explained() -> None:
    for name in ("validatingwebhookconfiguration.yaml", "mutatingwebhookconfiguration.yaml"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        policy = yaml.safe_load(text)["webhooks"][0]["failurePolicy"]
        assert f"failurePolicy: {policy} means" in text or f"failurePolicy: {policy}:" in text


@pytest.mark.parametrize("kind", WEBHOOK_KINDS)
def test_rules_cover_every_kind_the_webhook_judges(kind: str) -> None:
    """Each kind with a pod spec is sent to the webhook, with the resource the API server
    uses for it, and nothing else is."""
    [hook] = one(kind)["webhooks"]
    covered = {
        (group, resource)
        for rule in hook["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        if rule["operations"] == ["CREATE", "UPDATE"]
    }
    groups = {"Pod": "", "PodTemplate": "", "ReplicationController": "", "Job": "batch",
              "CronJob": "batch"}  # fmt: skip
    expected = {("", "pods/ephemeralcontainers")}
    for workload in WORKLOAD_KINDS:
        group = groups.get(workload, "apps")
        api = f"{group}/v1" if group else "v1"
        request = admission_review({"apiVersion": api, "kind": workload}, "u")["request"]
        expected.add((group, request["resource"]["resource"]))

    assert covered == expected


@pytest.mark.parametrize("kind", WEBHOOK_KINDS)
def test_ca_injection_names_the_serving_certificate(kind: str) -> None:
    reference = one(kind)["metadata"]["annotations"]["cert-manager.io/inject-ca-from"]
    ns, _, name = reference.partition("/")
    certificate = one("Certificate", name)
    service = one("Service")["metadata"]["name"]

    assert ns == namespace() == certificate["metadata"]["namespace"]
    assert f"{service}.{ns}.svc" in certificate["spec"]["dnsNames"]


def test_certificates_chain_to_issuers_that_exist() -> None:
    issuers = {o["metadata"]["name"]: o for o in objects() if o["kind"] == "Issuer"}
    certificates = {o["metadata"]["name"]: o for o in objects() if o["kind"] == "Certificate"}
    serving = certificates["regresolve-webhook"]
    ca_issuer = issuers[serving["spec"]["issuerRef"]["name"]]
    ca_certificate = next(
        c
        for c in certificates.values()
        if c["spec"]["secretName"] == ca_issuer["spec"]["ca"]["secretName"]
    )

    assert ca_certificate["spec"]["isCA"] is True
    assert "selfSigned" in issuers[ca_certificate["spec"]["issuerRef"]["name"]]["spec"]
    assert serving["spec"]["privateKey"]["rotationPolicy"] == "Always"


# -- the image ----------------------------------------------------------------------------------


def test_containerfile() -> None:
    lines = [
        line.strip()
        for line in (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    text = "\n".join(lines)
    user = re.search(r"^USER (\d+)(:\d+)?$", text, re.MULTILINE)

    assert lines[0].startswith("FROM ")
    assert "python:3.11-slim" in lines[0]
    assert user is not None
    assert int(user.group(1)) != 0
    assert (
        int(user.group(1))
        == one("Deployment")["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    )
    assert re.search(r"pip install .*regresolve-\*\.whl", text)
    assert 'ENTRYPOINT ["regresolve", "webhook", "serve"]' in lines
    expose = re.search(r"^EXPOSE (\d+)$", text, re.MULTILINE)
    assert expose is not None
    assert int(expose.group(1)) == serve_args().port
    cmd = re.search(r"^CMD (\[.*\])$", text, re.MULTILINE)
    assert cmd is not None
    defaults = yaml.safe_load(cmd.group(1))
    assert posixpath.dirname(defaults[defaults.index("--cert") + 1]) == posixpath.dirname(
        serve_args().cert
    )
