"""No secret read from a machine ever appears in what regresolve returns, prints or keeps.

A machine is laid out with known passwords, identity tokens, ``auth`` values (base64 of
``user:password``), a private key, a CA and a lookaside URL with a password; then every
public entry point is run over it and everything it produces is searched for each secret,
raw and in base64 (standard and URL-safe):

* the library: ``load_host``, ``repr``/``str`` of the ``Host`` and its snapshots (and every
  attribute value reachable from them), ``pull_context``/``context_of`` for mirrors and
  originals with and without explicit credentials, ``repr``/``str`` of each context,
  ``pull_context_to_dict`` as JSON, ``check``'s findings, ``explain``'s text, the webhook's
  ``decide``, and the messages of the exceptions these raise;
* every command that reads the machine, standard output and standard error: ``explain``
  (text and JSON), ``resolve --json``, ``check`` (text and JSON), ``dump``, ``review`` (text
  and JSON, with the pull context), each given ``--creds`` with a real password on its
  command line;
* the webhook server: its HTTP answers (``/validate``, ``/mutate``, ``/metrics``) and its log.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import http.client
import io
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest

from regresolve import Host, RegresolveError, Reloader, load_host, pull_context_to_dict
from regresolve._cli import build_parser, main
from regresolve._contexttext import describe_context
from regresolve._host import host_paths
from regresolve._lint_host import lint_host
from regresolve.webhook._requests import admission_review
from regresolve.webhook._review import decide
from regresolve.webhook._server import Logger, ServeOptions, Webhook
from regresolve.webhook._watch import Watched
from support import cli_machine as machine
from support.strategies_host import CLIENT_KEY, HostCase, write_tree

PASSWORD = "Pa55-w0rd-NEVER-SHOWN"
PASSWORD2 = "second-Secret-pw"
TOKEN = "identity-token-NEVER-SHOWN"
URL_PASSWORD = "url-Secret-pw"
HELPER_SECRET = "helper-secret-NEVER"
AUTH_VALUE = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
LEGACY_AUTH = base64.b64encode(f"bob:{PASSWORD2}".encode()).decode()
KEY_LINES = [line for line in CLIENT_KEY.splitlines() if "-----" not in line]

SECRETS = [
    PASSWORD,
    PASSWORD2,
    TOKEN,
    URL_PASSWORD,
    HELPER_SECRET,
    AUTH_VALUE,
    LEGACY_AUTH,
    *KEY_LINES,
]


def _machine(tmp_path: Path) -> tuple[Host, Path]:
    case = HostCase()
    case.files["/etc/containers/registries.conf"] = (
        b'credential-helpers = ["containers-auth.json", "vault"]\n'
        b'[[registry]]\nprefix = "example.com"\nlocation = "example.com"\n'
        b'[[registry.mirror]]\nlocation = "mirror.example.com:5000"\n'
        b'[[registry.mirror]]\nlocation = "example.com/cache"\n'
    )
    case.files["/run/containers/0/auth.json"] = json.dumps(
        {
            "auths": {
                "mirror.example.com:5000": {"auth": AUTH_VALUE},
                "https://index.docker.io/v1/": {
                    "auth": base64.b64encode(b":").decode(),
                    "identitytoken": TOKEN,
                },
                "broken.example.com": {"auth": AUTH_VALUE[:-3] + "!!!"},
            },
            "credHelpers": {"helped.example.com": "vault"},
        }
    ).encode()
    case.files["/home/user/.dockercfg"] = json.dumps({"quay.io": {"auth": LEGACY_AUTH}}).encode()
    case.executables["/bin/docker-credential-vault"] = (
        f'#!/bin/sh\necho \'{{"Username":"v","Secret":"{HELPER_SECRET}"}}\'\n'.encode()
    )
    for d in ("/etc/containers/certs.d/mirror.example.com:5000", "/etc/docker/certs.d/example.com"):
        case.files[f"{d}/client.cert"] = (
            b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        )
        case.files[f"{d}/client.key"] = CLIENT_KEY.encode()
        case.files[f"{d}/ca.crt"] = b"ca"
    case.files["/etc/containers/registries.d/sig.yaml"] = (
        f"docker:\n  example.com:\n    lookaside: https://user:{URL_PASSWORD}@sig.example.com/x\n"
        f"  mirror.example.com:5000:\n    lookaside: https://u:{URL_PASSWORD}@bad host/\n"
    ).encode()
    write_tree(case, tmp_path)
    t = str(tmp_path)
    host = load_host(
        root=t, home=t + "/home/user", uid=0, env={"PATH": t + "/bin", "HOME": t + "/home/user"}
    )
    return host, tmp_path


def _walk(value: Any, seen: set[int], out: list[str]) -> None:
    """Every string reachable from an attrs object, mapping or sequence."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (str, bytes)):
        out.append(value if isinstance(value, str) else value.decode("latin-1"))
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            _walk(getattr(value, field.name), seen, out)
    elif isinstance(value, dict) or hasattr(value, "items"):
        for k, v in value.items():
            _walk(k, seen, out)
            _walk(v, seen, out)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            _walk(v, seen, out)


def _assert_clean(texts: list[str], where: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{where}: a secret leaked: ...{secret[:6]}..."


def test_the_machine_really_holds_the_secrets(tmp_path: Path) -> None:
    """The search below can fail: the files on disk do contain every secret."""
    _machine(tmp_path)
    blob = "".join(p.read_bytes().decode("latin-1") for p in tmp_path.rglob("*") if p.is_file())
    for secret in SECRETS:
        if secret in (URL_PASSWORD, HELPER_SECRET, PASSWORD, PASSWORD2):
            continue  # only inside base64, a URL or a helper program: checked below
        assert secret in blob


@pytest.mark.parametrize("explicit", [False, True])
@pytest.mark.parametrize("tls_verify", [None, False])
def test_no_secret_in_any_output(tmp_path: Path, explicit: bool, tls_verify: bool | None) -> None:
    host, _ = _machine(tmp_path)
    texts = [repr(host), str(host)]
    for part in (host.creds, host.certs, host.registries_d):
        texts += [repr(part), str(part)]
    _walk(host.creds, set(), texts)
    _walk(host.certs, set(), texts)
    _walk(host.registries_d, set(), texts)
    images = [
        "example.com/app:1",
        "quay.io/org/x",
        "docker.io/library/nginx",
        "helped.example.com/a",
        "broken.example.com/a",
        "mirror.example.com:5000/app",
    ]
    kinds = set()
    for image in images:
        ctx = host.pull_context(image, explicit_credentials=explicit, tls_verify=tls_verify)
        texts += [repr(ctx), str(ctx), json.dumps(pull_context_to_dict(ctx))]
        _walk(ctx, set(), texts)
        kinds.update(s.credentials.kind for s in ctx.sources)
    _assert_clean(texts, "load_host/pull_context")
    # The lookups did find the entries that hold the secrets (the test is not vacuous).
    assert "auth-file" in kinds or explicit
    assert any("xxxxx@sig.example.com" in t for t in texts)


# -- every command, the webhook server, the rest of the API (support/cli_machine.py) ---------

CREDS_ON_THE_COMMAND_LINE = "alice:cmdline-Secret-NEVER"
ALL_SECRETS = [*machine.SECRETS, CREDS_ON_THE_COMMAND_LINE.split(":")[1]]


def _forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
    ]


def _assert_no_secret(texts: list[str], where: str) -> None:
    blob = "\n".join(texts)
    assert blob.strip(), f"{where}: nothing was produced, the search would be vacuous"
    for secret in ALL_SECRETS:
        for form in _forms(secret):
            assert form not in blob, f"{where}: a secret leaked: ...{secret[:6]}..."


IMAGES = [
    "example.com/app:1",
    "quay.io/a/b:1",
    "docker.io/library/nginx",
    "helped.example.com/a",
    "broken.example.com/a",
    "mirror.example.com:5000/app",
]


@pytest.fixture(params=[False, True], ids=["valid-auth", "malformed-auth"])
def tree(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    machine.write_machine(tmp_path, malformed_auth=request.param)
    return tmp_path


def _run(tree: Path, argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.dict(os.environ, machine.cli_env(tree), clear=True), redirect_stderr(err):
        code = main(argv, out=out)
    return code, out.getvalue() + err.getvalue()


def _commands(tree: Path) -> list[list[str]]:
    opts = [*machine.cli_args(tree), "--creds", CREDS_ON_THE_COMMAND_LINE]
    manifest = tree / "pods.json"
    containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(IMAGES)]
    manifest.write_text(
        json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                    "spec": {"containers": containers, "imagePullSecrets": [{"name": "s"}]}})
    )  # fmt: skip
    out = [
        ["resolve", "--json", *opts, *IMAGES],
        ["resolve", *opts, *IMAGES],
        ["check", *opts],
        ["check", "--json", *opts],
        ["dump", *machine.cli_args(tree)],
        ["dump", "--format", "json", *machine.cli_args(tree)],
        ["review", *opts, "-f", str(manifest)],
        ["review", "--json", *opts, "-f", str(manifest)],
        ["review", "--json", "--pull-context", "--deny-unpullable", *machine.cli_args(tree),
         "-f", str(manifest)],
    ]  # fmt: skip
    for image in IMAGES:
        out.append(["explain", *opts, image])
        out.append(["explain", *machine.cli_args(tree), image])
        out.append(["explain", "--json", *opts, "--tls-verify=false", image])
        out.append(["explain", "--json", *machine.cli_args(tree), image])
    return out


def test_no_secret_in_any_command(tree: Path) -> None:
    texts = []
    for argv in _commands(tree):
        code, text = _run(tree, argv)
        assert code in (0, 1), (argv, text)
        _assert_no_secret([text], " ".join(argv[:2]))
        texts.append(text)
    blob = "\n".join(texts)
    # The outputs do show what the machine holds (the search is not vacuous): user names,
    # keys, the redacted lookaside, Go's base64 error.
    malformed = (tree / "home/user/.docker/config.json").exists()
    shown = ['"alice"', "xxxxx@sig.example.com", "illegal base64 data"]
    shown.append("invalid character 't' after top-level value" if malformed else '"bob"')
    for text in shown:
        assert text in blob


def test_the_parsed_command_line_drops_the_credentials() -> None:
    args = build_parser().parse_args(["explain", "--creds", CREDS_ON_THE_COMMAND_LINE, "x"])
    _assert_no_secret([repr(vars(args)), "x"], "argparse namespace")
    assert args.creds is True


def _host(tree: Path) -> Host:
    t = str(tree)
    return load_host(root=t, home=t + "/home/user", uid=0, env=machine.cli_env(tree))


def test_no_secret_in_the_rest_of_the_api(tree: Path) -> None:
    host = _host(tree)
    texts = [repr(host), str(host)]
    _walk(host, set(), texts)
    for explicit in (False, True):
        for image in IMAGES:
            ctx = host.pull_context(image, explicit_credentials=explicit, tls_verify=False)
            again = host.context_of(ctx.plan, explicit_credentials=explicit)
            texts += [repr(ctx), str(again), json.dumps(pull_context_to_dict(ctx))]
            texts.append(describe_context(ctx, policy_path=host.policy_path))
            for source in ctx.sources:
                texts += [repr(source), str(source.credentials), str(source.tls)]
            _walk(ctx, set(), texts)
    for finding in lint_host(host):
        texts += [str(finding), repr(finding), json.dumps(finding.to_dict())]
    review = admission_review(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
         "spec": {"containers": [{"name": f"c{i}", "image": image}
                                 for i, image in enumerate(IMAGES)]}}, "uid-1",
    )  # fmt: skip
    decision = decide(review, host.resolver, host=host)
    texts += [repr(decision), json.dumps(decision.answer)]
    _walk(decision, set(), texts)
    _assert_no_secret(texts, "API")


def test_no_secret_in_exception_messages(tmp_path: Path) -> None:
    """Files that make the API raise, each with a secret inside: the messages are clean."""
    machine.write_machine(tmp_path)
    conf = tmp_path / "etc/containers/registries.conf"
    conf.write_text(f'credential-helpers = ["{machine.AUTH_VALUE}" = 1]\n')
    with pytest.raises(RegresolveError) as err:
        _host(tmp_path)
    conf.write_text(f'[[registry]]\nlocation = "{machine.PASSWORD}@x"\nbad = "{machine.TOKEN}\n')
    with pytest.raises(RegresolveError) as err2:
        _host(tmp_path)
    texts = [str(err.value), repr(err.value), str(err2.value), repr(err2.value)]
    _assert_no_secret(texts, "exceptions")


@contextlib.contextmanager
def _serving(tree: Path) -> Iterator[tuple[Webhook, io.StringIO]]:
    make = functools.partial(
        Reloader,
        str(tree / "etc/containers/registries.conf"),
        dropin_dirs=[],
        env=machine.cli_env(tree),
    )
    host = Watched(host_paths(_host(tree)), functools.partial(_host, tree))
    options = ServeOptions(cert="", key="", address="127.0.0.1", port=0, plaintext=True,
                           reload_interval=0.1)  # fmt: skip
    log = io.StringIO()
    hook = Webhook(make, options, host=host, log=Logger(log))
    thread = threading.Thread(target=lambda: asyncio.run(hook.run(signals=False)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while hook.address is None or not hook.app.ready:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield hook, log
    finally:
        hook.request_stop()
        thread.join(30)


def _http(hook: Webhook, method: str, path: str, body: Any = None) -> str:
    assert hook.address is not None
    conn = http.client.HTTPConnection("127.0.0.1", hook.address[1], timeout=10)
    try:
        data = None if body is None else json.dumps(body)
        conn.request(method, path, data, {"Content-Type": "application/json"})
        reply = conn.getresponse()
        return f"{reply.status} {reply.getheaders()} {reply.read().decode()}"
    finally:
        conn.close()


def test_no_secret_in_the_webhook_server(tree: Path) -> None:
    pods = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}"},
         "spec": {"containers": [{"name": "c", "image": image}],
                  **({"imagePullSecrets": [{"name": "s"}]} if i % 2 else {})}}
        for i, image in enumerate(IMAGES)
    ]  # fmt: skip
    texts = []
    with _serving(tree) as (hook, log):
        for i, obj in enumerate(pods):
            texts.append(_http(hook, "POST", "/validate", admission_review(obj, f"u{i}")))
            texts.append(_http(hook, "POST", "/mutate", admission_review(obj, f"m{i}")))
        # A change of the host's files: reloaded, logged.
        auth = tree / "run/containers/0/auth.json"
        auth.write_text(auth.read_text() + " ")
        deadline = time.monotonic() + 10
        while '"source":"host"' not in log.getvalue():
            assert time.monotonic() < deadline, "no reload"
            time.sleep(0.02)
        texts.append(_http(hook, "GET", "/metrics"))
    texts.append(log.getvalue())
    _assert_no_secret(texts, "webhook server")
    assert '"context"' in log.getvalue()
    assert "every source fails" in "\n".join(texts)
