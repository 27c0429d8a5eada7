"""``regresolve review``: manifests judged offline with the webhook's own function.

Inputs are the shapes platform teams have at hand: multi-document YAML as applied with
``kubectl apply -f``, ``kubectl get pods -A -o json`` output (a ``List``), typed lists
from the API, recorded AdmissionReviews, standard input.  Expected verdicts follow from the
example configuration (examples/registries.conf: ``untrusted.example.org`` and
``docker.io/untrusted`` are blocked, two unqualified-search registries, aliases) and the
rules cited; that the command and the server agree object by object is checked end to end
in tests/test_webhook_e2e.py.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from regresolve._cli import build_parser, main
from regresolve.webhook._commands import config_options
from regresolve.webhook._requests import admission_review, review_inputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MANIFESTS = EXAMPLES / "webhook" / "manifests"
CONFIG = [
    "--config",
    str(EXAMPLES / "registries.conf"),
    "--config-dir",
    str(EXAMPLES / "registries.conf.d"),
    "--home",
    str(ROOT / "nonexistent-home"),
]


@pytest.fixture(autouse=True)
def _no_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_CONTAINERS_ROOTLESS_UID", "1000")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("CONTAINERS_REGISTRIES_CONF", raising=False)


def review(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["review", *CONFIG, *args], out=out)
    return code, out.getvalue()


def review_json(*args: str) -> tuple[int, list[dict[str, Any]]]:
    code, text = review("--json", *args)
    return code, [json.loads(line) for line in text.splitlines()]


def pod(name: str, image: str, namespace: str | None = "team") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "image": image}]},
    }


# -- inputs -------------------------------------------------------------------------------------


def test_multi_document_yaml() -> None:
    """shop.yaml: the Namespace and Service have no pod spec; the Deployment's ambiguous
    short name warns (R-SN-3); the CronJob's image is in a blocked namespace (R-PULL-5)."""
    code, rows = review_json("-f", str(MANIFESTS / "shop.yaml"))

    assert code == 1
    assert [(r["kind"], r["name"], r["image"], r["verdict"]) for r in rows] == [
        ("Deployment", "shop", "myapp:3.1", "allowed"),
        ("Deployment", "shop", "nginx:1.25", "allowed"),
        ("Deployment", "shop", "busybox", "warned"),
        ("CronJob", "report", "docker.io/untrusted/reporter:1.0", "denied"),
    ]
    assert rows[3]["pointer"] == "/spec/jobTemplate/spec/template/spec/containers/0/image"
    assert "registry docker.io/untrusted is blocked" in rows[3]["reason"]
    assert "registry.example.com/busybox:latest" in rows[2]["reason"]
    assert "docker.io/library/busybox:latest" in rows[2]["reason"]


def test_kubectl_get_pods_output() -> None:
    """`kubectl get pods -A -o json`: a List of Pods, each judged in its namespace."""
    code, rows = review_json("-f", str(MANIFESTS / "pods.json"))

    assert code == 1
    assert [(r["namespace"], r["name"], r["verdict"]) for r in rows] == [
        ("shop", "shop-6d5f7c9b8-x2k4p", "allowed"),
        ("shop", "shop-6d5f7c9b8-x2k4p", "allowed"),
        ("tools", "debug-7b9c", "denied"),
        ("monitoring", "node-exporter-4xq9z", "allowed"),
    ]
    assert [r["source"].rsplit(" ", 1)[1] for r in rows] == [
        "items[0]",
        "items[0]",
        "items[1]",
        "items[2]",
    ]


def test_typed_list_items_take_the_kind_of_the_list(tmp_path: Path) -> None:
    """A PodList from the API: its items carry neither kind nor apiVersion."""
    items = [pod("a", "untrusted.example.org/x:1"), pod("b", "quay.io/a/b:1")]
    for item in items:
        del item["kind"], item["apiVersion"]
    path = tmp_path / "podlist.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "PodList", "items": items}))

    code, rows = review_json("-f", str(path))

    assert code == 1
    assert [(r["kind"], r["name"], r["verdict"]) for r in rows] == [
        ("Pod", "a", "denied"),
        ("Pod", "b", "allowed"),
    ]


def test_standard_input_and_nested_lists() -> None:
    data = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [{"apiVersion": "v1", "kind": "List", "items": [pod("deep", "quay.io/a/b:1")]}],
    }
    proc = subprocess.run(
        [sys.executable, "-m", "regresolve", "review", *CONFIG, "-f", "-"],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=60,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "<stdin> items[0].items[0]: Pod team/deep: allowed"


def test_directory_is_read_in_name_order_not_recursively(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(json.dumps(pod("second", "quay.io/a/b:1")))
    (tmp_path / "a.json").write_text(json.dumps(pod("first", "quay.io/a/b:1")))
    (tmp_path / "notes.txt").write_text("not a manifest")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text(json.dumps(pod("hidden", "untrusted.example.org/a")))

    code, rows = review_json("-f", str(tmp_path))

    assert code == 0
    assert [r["name"] for r in rows] == ["first", "second"]


def test_recorded_admission_reviews_are_replayed() -> None:
    """examples/webhook/pod-blocked.json is an AdmissionReview: judged as recorded."""
    code, rows = review_json("-f", str(EXAMPLES / "webhook" / "pod-blocked.json"))

    assert code == 1
    assert [(r["image"], r["verdict"]) for r in rows] == [
        ("untrusted.example.org/tools/fetch:2", "denied"),
        ("docker.io/library/nginx:1.25", "allowed"),
    ]


def test_update_replay(tmp_path: Path) -> None:
    """On UPDATE, images already in oldObject are not judged again (a label change on a
    running Pod is never refused)."""
    blocked = pod("p", "untrusted.example.org/a:1")
    update = {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": "u",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "operation": "UPDATE",
            "object": blocked,
            "oldObject": blocked,
        },
    }
    path = tmp_path / "update.json"
    path.write_text(json.dumps(update))

    code, text = review("-f", str(path))

    assert code == 0
    assert text.endswith(", 0 images: 0 allowed, 0 with warnings, 0 denied\n")


# -- judgement options --------------------------------------------------------------------------


def test_deny_ambiguous_short_names() -> None:
    """What CRI-O 1.34 does on every node: busybox's two candidates become a denial."""
    code, rows = review_json("--deny-ambiguous-short-names", "-f", str(MANIFESTS / "shop.yaml"))

    busybox = next(r for r in rows if r["image"] == "busybox")
    assert code == 1
    assert busybox["verdict"] == "denied"
    assert "is ambiguous" in busybox["reason"]


def test_enforcing_short_name_mode() -> None:
    """R-SN-3: enforcing without a terminal fails for more than one candidate."""
    code, rows = review_json("--short-name-mode", "enforcing", "-f", str(MANIFESTS / "shop.yaml"))

    busybox = next(r for r in rows if r["image"] == "busybox")
    assert code == 1
    assert busybox["verdict"] == "denied"
    assert "short-name resolution enforced but cannot prompt without a TTY" in busybox["reason"]


def test_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "default": [{"type": "insecureAcceptAnything"}],
                "transports": {"docker": {"quay.io/prometheus": [{"type": "reject"}]}},
            }
        )
    )

    code, rows = review_json("--policy", str(policy), "-f", str(MANIFESTS / "monitoring.yaml"))

    assert code == 1
    assert [r["verdict"] for r in rows] == ["warned", "denied"]
    assert "rejected by policy for quay.io/prometheus/prometheus:v2.53.0" in rows[1]["reason"]


# -- output and exit status ---------------------------------------------------------------------


def test_text_output() -> None:
    code, text = review("-f", str(MANIFESTS / "monitoring.yaml"))

    assert code == 0
    assert text.splitlines() == [
        f"{MANIFESTS / 'monitoring.yaml'}: StatefulSet monitoring/prometheus: allowed",
        '  initContainers[0] "config" "dev-registry.example.com:5000/tools/config-render:0.3": '
        "warning: dev-registry.example.com:5000 is contacted without TLS verification",
        '  containers[0] "prometheus" "quay.io/prometheus/prometheus:v2.53.0": allowed',
        "1 object judged (0 without a pod spec or not checked), 2 images: 1 allowed, "
        "1 with warnings, 0 denied",
    ]


def test_malformed_pod_spec_is_denied_as_a_whole(tmp_path: Path) -> None:
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": 5}}
    (tmp_path / "bad.json").write_text(json.dumps(bad))

    code, rows = review_json("-f", str(tmp_path / "bad.json"))

    assert code == 1
    assert rows == [
        {
            "source": str(tmp_path / "bad.json"),
            "kind": "Pod",
            "namespace": "default",
            "name": "x",
            "allowed": False,
            "container": None,
            "pointer": None,
            "image": None,
            "verdict": "denied",
            "reason": "malformed AdmissionReview: spec.containers is not a list",
        }
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a: [unclosed", "invalid YAML"),
        ("base: &b {x: 1}\nother: *b\n", "YAML aliases are not supported"),
        ("just a string\n", "not a Kubernetes object"),
        ('{"metadata": {"name": "x"}}', "kind is missing"),
        ('{"kind": "List", "items": 5}', "items is not a list"),
    ],
)
def test_unusable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(content)

    code, text = review("-f", str(path))

    assert code == 2
    assert text == ""
    err = capsys.readouterr().err
    assert message in err
    assert str(path) in err


def test_missing_file_and_bad_configuration_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review("-f", str(tmp_path / "missing.yaml"))[0] == 2
    assert "missing.yaml" in capsys.readouterr().err

    conf = tmp_path / "registries.conf"
    conf.write_text("[[registry]\n")
    out = io.StringIO()
    code = main(["review", "--config", str(conf), "-f", str(MANIFESTS / "shop.yaml")], out=out)
    assert code == 2
    assert str(conf) in capsys.readouterr().err

    (tmp_path / "policy.json").write_text("{}")
    assert review("--policy", str(tmp_path / "policy.json"), "-f", str(MANIFESTS))[0] == 2
    assert "policy.json" in capsys.readouterr().err


# -- the requests themselves --------------------------------------------------------------------


def test_admission_review_as_the_api_server_builds_it() -> None:
    """CREATE, kind and resource from apiVersion/kind, namespace defaulted for a
    namespaced kind, no oldObject."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {},
    }
    request = admission_review(deployment, "uid-1")["request"]

    assert request["uid"] == "uid-1"
    assert request["operation"] == "CREATE"
    assert request["kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert request["resource"] == {"group": "apps", "version": "v1", "resource": "deployments"}
    assert request["namespace"] == "default"
    assert request["name"] == "web"
    assert request["object"] is deployment
    assert request["oldObject"] is None
    core = admission_review(pod("p", "x", namespace="ns"), "u")["request"]
    assert core["kind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert core["resource"]["resource"] == "pods"
    assert core["namespace"] == "ns"


def test_uids_are_unique_across_inputs() -> None:
    import itertools

    numbers = itertools.count(1)
    first = list(review_inputs([pod("a", "x"), pod("b", "y")], "one", numbers))
    second = list(review_inputs(pod("c", "z"), "two", numbers))
    uids = [item.review["request"]["uid"] for item in [*first, *second]]

    assert len(set(uids)) == 3
    assert [item.where for item in [*first, *second]] == ["one[0]", "one[1]", "two"]


def test_configuration_options_match_the_main_command() -> None:
    """review and webhook serve take --config, --config-dir, --home and --root exactly as
    every other command does."""
    main_parser = build_parser()
    sub = next(a for a in main_parser._actions if a.dest == "command")
    resolve = sub.choices["resolve"]  # type: ignore[index]

    def options(parser: Any) -> dict[str, tuple[str | None, str | None]]:
        wanted = {"--config", "--config-dir", "--home", "--root"}
        return {
            o: (a.help, a.metavar) for a in parser._actions for o in a.option_strings if o in wanted
        }

    assert options(config_options()) == options(resolve)
    assert len(options(resolve)) == 4


def test_python_dash_m_webhook_is_the_server() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "regresolve.webhook", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=60,
        check=False,
    )

    assert proc.returncode == 0
    assert "--cert" in proc.stdout
    assert "--policy" in proc.stdout
    assert "--short-name-mode" in proc.stdout
