"""The webhook with the nodes' pull context: ``decide(host=...)``, ``review --pull-context``
and the server's decision log.

The machine is ``support.cli_machine`` (why each verdict is expected is said there):
``broken.example.com``'s only source fails its credential lookup (its ``auth`` is not
base64), ``example.com``'s own sources fail their TLS set-up (a ``.cert`` without ``.key``)
while its first mirror works, and quay.io has credentials only for the original.  The
judgement must stay conservative: only an image whose *every* source fails gets a warning
(or a denial with ``deny_unpullable``); explicit credentials follow the pod's
``imagePullSecrets``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.client
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from regresolve import Host, Reloader, load_host
from regresolve._cli import main
from regresolve._host import host_paths
from regresolve.webhook._requests import admission_review
from regresolve.webhook._review import decide
from regresolve.webhook._server import Logger, ServeOptions, Webhook
from regresolve.webhook._watch import Watched
from support.cli_machine import cli_args, cli_env, write_machine

WAIT = 10.0


def pod(*images: str, pull_secrets: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]
    }
    if pull_secrets:
        spec["imagePullSecrets"] = [{"name": "regcred"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "t"},
            "spec": spec}  # fmt: skip


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    write_machine(tmp_path)
    return tmp_path


def host_of(tree: Path) -> Host:
    t = str(tree)
    return load_host(root=t, home=t + "/home/user", uid=0, env=cli_env(tree))


def test_without_host_nothing_changes(machine: Path) -> None:
    host = host_of(machine)
    decision = decide(admission_review(pod("broken.example.com/a:1"), "u1"), host.resolver)
    (image,) = decision.images
    assert (image.verdict, image.context) == ("allowed", None)


def test_every_source_failing_warns(machine: Path) -> None:
    host = host_of(machine)
    decision = decide(
        admission_review(pod("broken.example.com/a:1", "quay.io/a/b:1"), "u1"),
        host.resolver,
        host=host,
    )
    broken, quay = decision.images
    assert decision.allowed
    assert broken.verdict == "warned"
    assert broken.reason.startswith(
        "every source fails before any network access: broken.example.com/a:1: getting "
        "username and password: illegal base64 data at input byte"
    )
    (warning,) = decision.answer["response"]["warnings"]
    assert warning.startswith('containers[0] "c0": every source fails')
    # quay.io: its mirror has no credentials, which is not a failure (anonymous pulls work).
    assert quay.verdict == "allowed"
    assert quay.context is not None
    assert [s.credentials.kind for s in quay.context.sources] == ["none", "auth-file"]


def test_deny_unpullable(machine: Path) -> None:
    host = host_of(machine)
    decision = decide(
        admission_review(pod("broken.example.com/a:1"), "u1"),
        host.resolver,
        host=host,
        deny_unpullable=True,
    )
    assert not decision.allowed
    assert decision.images[0].verdict == "denied"
    assert (
        "every source fails before any network access"
        in (decision.answer["response"]["status"]["message"])
    )


def test_one_working_source_is_enough(machine: Path) -> None:
    """example.com's own sources fail (TLS), its first mirror does not."""
    host = host_of(machine)
    decision = decide(
        admission_review(pod("example.com/app:1"), "u1"), host.resolver, host=host,
        deny_unpullable=True,
    )  # fmt: skip
    (image,) = decision.images
    assert (image.verdict, image.reason) == ("allowed", "")
    assert image.context is not None
    assert [s.error is None for s in image.context.sources] == [True, False, False]


@pytest.mark.parametrize(
    ("secrets", "kinds"),
    [(False, ["auth-file"] * 3), (True, ["auth-file", "explicit", "explicit"])],
)
def test_pull_secrets_are_explicit_credentials(
    machine: Path, secrets: bool, kinds: list[str]
) -> None:
    """The kubelet hands a pod's pull secret to CRI-O as explicit credentials: they reach
    the sources on the image's host, never the mirror on another one."""
    host = host_of(machine)
    decision = decide(
        admission_review(pod("example.com/app:1", pull_secrets=secrets), "u1"),
        host.resolver,
        host=host,
    )
    context = decision.images[0].context
    assert context is not None
    assert [s.credentials.kind for s in context.sources] == kinds
    assert context.sources[0].credentials.explicit_dropped is secrets


def review(machine: Path, *argv: str, manifest: dict[str, Any]) -> tuple[int, str]:
    path = machine / "pod.json"
    path.write_text(json.dumps(manifest))
    out = io.StringIO()
    with mock.patch.dict(os.environ, cli_env(machine), clear=True):
        code = main(["review", *cli_args(machine), *argv, "-f", str(path)], out=out)
    return code, out.getvalue()


def test_review_json_carries_the_context(machine: Path) -> None:
    code, text = review(machine, "--json", "--pull-context", manifest=pod("quay.io/a/b:1"))
    assert code == 0
    (line,) = (json.loads(x) for x in text.splitlines())
    sources = line["context"]["sources"]
    assert [s["reference"] for s in sources] == ["quaymirror.example.net/a/b:1", "quay.io/a/b:1"]
    assert sources[1]["credentials"]["username"] == "bob"
    assert line["context"]["policy"]["verdict"] == "allowed"


def test_review_without_pull_context_is_unchanged(machine: Path) -> None:
    code, text = review(machine, "--json", manifest=pod("broken.example.com/a:1"))
    (line,) = (json.loads(x) for x in text.splitlines())
    assert (code, line["verdict"], "context" in line) == (0, "allowed", False)


@pytest.mark.parametrize(
    ("argv", "code", "verdict"),
    [
        (["--pull-context"], 0, "warning"),
        (["--tls-verify=true"], 0, "warning"),  # implies the pull context
        (["--pull-context", "--deny-unpullable"], 1, "denied"),
    ],
)
def test_review_text(machine: Path, argv: list[str], code: int, verdict: str) -> None:
    got, text = review(machine, *argv, manifest=pod("broken.example.com/a:1"))
    assert got == code
    assert f'containers[0] "c0" "broken.example.com/a:1": {verdict}: every source fails' in text


# -- the server ----------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(machine: Path, *, deny: bool = False) -> Iterator[tuple[Webhook, io.StringIO]]:
    t = str(machine)
    make = functools.partial(
        Reloader, t + "/etc/containers/registries.conf", dropin_dirs=[], env=cli_env(machine)
    )
    host = Watched(host_paths(host_of(machine)), functools.partial(host_of, machine))
    options = ServeOptions(
        cert="", key="", address="127.0.0.1", port=0, plaintext=True, reload_interval=0.1,
        judgement={"deny_unpullable": deny},
    )  # fmt: skip
    log = io.StringIO()
    hook = Webhook(make, options, host=host, log=Logger(log))
    thread = threading.Thread(target=lambda: asyncio.run(hook.run(signals=False)), daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while hook.address is None or not hook.app.ready:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield hook, log
    finally:
        hook.request_stop()
        thread.join(WAIT * 3)


def post(hook: Webhook, body: Any, path: str = "/validate") -> Any:
    assert hook.address is not None
    conn = http.client.HTTPConnection("127.0.0.1", hook.address[1], timeout=WAIT)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def decisions(log: io.StringIO) -> list[dict[str, Any]]:
    lines = (json.loads(line) for line in log.getvalue().splitlines())
    return [line for line in lines if line["msg"] == "decision"]


def test_server_answers_and_logs_the_context(machine: Path) -> None:
    with serving(machine) as (hook, log):
        answer = post(hook, admission_review(pod("broken.example.com/a:1"), "u1"))
    response = answer["response"]
    assert response["allowed"] is True
    assert response["warnings"][0].startswith('containers[0] "c0": every source fails')
    (line,) = decisions(log)
    (source,) = line["context"]["sources"]
    assert source["reference"] == "broken.example.com/a:1"
    assert source["credentials"]["error"].startswith("illegal base64 data at input byte")


def test_server_follows_the_host_files(machine: Path) -> None:
    """Fixing the auth file is noticed like a registries.conf change: no restart."""
    with serving(machine, deny=True) as (hook, log):
        first = post(hook, admission_review(pod("broken.example.com/a:1"), "u1"))
        auth = machine / "run/containers/0/auth.json"
        doc = json.loads(auth.read_text())
        del doc["auths"]["broken.example.com"]
        auth.write_text(json.dumps(doc))
        deadline = time.monotonic() + WAIT
        while '"source":"host"' not in log.getvalue():
            assert time.monotonic() < deadline, "the host files were not reloaded"
            time.sleep(0.02)
        second = post(hook, admission_review(pod("broken.example.com/a:1"), "u2"))
    assert first["response"]["allowed"] is False
    assert second["response"]["allowed"] is True
