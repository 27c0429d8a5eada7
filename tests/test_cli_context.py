"""The pull context through the command line: options, ``resolve --json``, ``explain``.

The command must not decide anything itself: with ``--root``/``--home``/``--uid`` and the
pull-context options it hands the same values to ``load_host`` as a library caller would.
``test_corpus_through_the_command_line`` replays every machine of
``tests/corpus/hostctx.jsonl`` (recorded from the Go oracle; the library is compared with it
in ``test_host_corpus.py``) through ``resolve --json`` and asserts that each ``context`` is
the library's, field for field.  The other tests check the options against the rules of the
programs (podman's and skopeo's default auth file, CRI-O's ``global_auth_file``, podman's
``--creds`` and ``--tls-verify``) and what ``explain`` says on a machine whose expected
verdicts follow from containers/image's rules (``support.cli_machine``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from regresolve import load_host, pull_context_to_dict
from regresolve._cli import build_parser, main
from regresolve._host import program_auth_file
from regresolve._profiles import product_profile
from support.cli_machine import cli_args, cli_env, write_machine
from support.host_compare import host_for
from support.strategies_host import HostCase, write_tree

CORPUS = Path(__file__).parent / "corpus" / "hostctx.jsonl"


def run(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        code = main(argv, out=out)
    return code, out.getvalue()


def _corpus() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as f:
        f.readline()
        return [json.loads(line) for line in f if line.strip()]


CASES = _corpus()
COMPARED = {"direct": 0, "podman-rule": 0, "sources": 0}


def _argv(case: HostCase, t: str) -> list[str]:
    argv = ["resolve", "--json", "--root", t, "--home", t + "/home/user", "--uid", "0"]
    for option, value in (
        ("--config", case.registries_conf),
        ("--authfile", case.auth_file),
        ("--cert-dir", case.cert_dir),
        ("--registries-d", case.registries_d),
    ):
        if value is not None:
            argv += [option, t + value]
    if case.explicit:
        argv += ["--creds", "explicit-user:explicit-password"]
    if case.tls_verify is not None:
        argv.append(f"--tls-verify={'true' if case.tls_verify else 'false'}")
    return argv


@pytest.mark.parametrize("entry", CASES, ids=[c["name"] for c in CASES])
def test_corpus_through_the_command_line(entry: dict[str, Any], tmp_path: Path) -> None:
    case = HostCase.from_json(entry["case"])
    write_tree(case, tmp_path)
    t = str(tmp_path)
    env = {k: t + v for k, v in case.env.items()}
    env["PATH"] = t + "/bin"
    env["HOME"] = t + "/home/user"
    code, text = run([*_argv(case, t), *case.refs], env)
    if entry["answer"]["config_error"] is not None:
        assert code == 2
        return
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == len(case.refs)
    given = program_auth_file(None, env)
    if case.auth_file is None and given is not None:
        # podman hands $DOCKER_CONFIG/config.json to the library as the auth file
        # (containers/common auth.GetDefaultAuthFile); the library is asked the same.
        host = load_host(
            root=t,
            home=t + "/home/user",
            uid=0,
            env=env,
            registries_conf=None if case.registries_conf is None else t + case.registries_conf,
            auth_file=given,
            cert_dir=None if case.cert_dir is None else t + case.cert_dir,
            registries_d=None if case.registries_d is None else t + case.registries_d,
        )
        COMPARED["podman-rule"] += 1
    else:
        host = host_for(case, tmp_path)  # the call test_host_corpus.py compares with Go
        COMPARED["direct"] += 1
    for ref, line in zip(case.refs, lines):
        ctx = host.pull_context(ref, explicit_credentials=case.explicit, tls_verify=case.tls_verify)
        expected = pull_context_to_dict(ctx)
        assert line["context"]["sources"] == expected["sources"], ref
        assert line["context"]["error"] == expected["error"], ref
        assert line["context"]["policy_error"] == expected["policy_error"], ref
        COMPARED["sources"] += len(expected["sources"])


def test_corpus_count() -> None:
    """Runs after the replay (file order): the corpus was compared, mostly without the
    podman auth-file rule in the way."""
    if sum(COMPARED.values()):
        assert COMPARED["direct"] >= 200, COMPARED
        assert COMPARED["sources"] >= 1000, COMPARED


# -- the options ------------------------------------------------------------------------------


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["explain", *argv, "x"])


def test_creds_value_is_dropped_at_parse_time() -> None:
    args = _parse("--creds", "alice:Pa55-w0rd-NEVER-SHOWN")
    assert args.creds is True
    assert "Pa55" not in repr(vars(args))
    assert _parse().creds is False


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("1", True), ("F", False), ("TRUE", True)],
)
def test_tls_verify_takes_go_booleans(text: str, value: bool) -> None:
    assert _parse(f"--tls-verify={text}").tls_verify is value


def test_tls_verify_alone_means_true_and_junk_is_refused() -> None:
    assert _parse("--tls-verify", "--json").tls_verify is True
    assert _parse().tls_verify is None
    with pytest.raises(SystemExit):
        _parse("--tls-verify=yes")


@pytest.mark.parametrize(
    ("product", "env", "expected"),
    [
        # containers/common auth.GetDefaultAuthFile: REGISTRY_AUTH_FILE, then DOCKER_CONFIG.
        ("podman", {"REGISTRY_AUTH_FILE": "/a.json", "DOCKER_CONFIG": "/d"}, "/a.json"),
        ("podman", {"DOCKER_CONFIG": "/d"}, "/d/config.json"),
        ("buildah", {"DOCKER_CONFIG": "/d"}, "/d/config.json"),
        ("podman", {}, None),
        # skopeo: the --authfile flag defaults to $REGISTRY_AUTH_FILE only.
        ("skopeo", {"REGISTRY_AUTH_FILE": "/a.json"}, "/a.json"),
        ("skopeo", {"DOCKER_CONFIG": "/d"}, None),
        # CRI-O: global_auth_file from crio.conf, never the environment.
        ("crio-1.31", {"REGISTRY_AUTH_FILE": "/a.json"}, None),
    ],
)
def test_program_auth_file(product: str, env: dict[str, str], expected: str | None) -> None:
    assert program_auth_file(product_profile(product), env) == expected


def _creds_from(
    tmp_path: Path, with_creds: list[str], *argv: str, env: dict[str, str] | None = None
) -> str | None:
    """Which auth file the command takes quay.io's credentials from (relative to the tree),
    when the files ``with_creds`` hold some and the others exist without any."""
    t = str(tmp_path)
    for rel in (
        "run/containers/0/auth.json",
        "home/user/.dockercfg",
        "var/lib/kubelet/config.json",
        "given.json",
        "docker-config/config.json",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        doc: dict[str, Any]
        if rel in with_creds:
            auth = {"auth": "dTpw"}  # u:p
            doc = {"quay.io": auth} if rel.endswith(".dockercfg") else {"auths": {"quay.io": auth}}
        else:
            doc = {} if rel.endswith(".dockercfg") else {"auths": {}}
        path.write_text(json.dumps(doc))
    base = {"PATH": t + "/bin", "HOME": t + "/home/user", **(env or {})}
    code, text = run(["explain", "--json", *cli_args(tmp_path), *argv, "quay.io/a/b:1"], base)
    assert code == 0
    creds = json.loads(text)["context"]["sources"][0]["credentials"]
    return None if creds["file"] is None else creds["file"].replace(t + "/", "")


HOME_ONLY = ["home/user/.dockercfg"]


def test_the_home_files_are_searched_without_a_given_file(tmp_path: Path) -> None:
    assert _creds_from(tmp_path, HOME_ONLY) == "home/user/.dockercfg"
    both = ["run/containers/0/auth.json", *HOME_ONLY]
    assert _creds_from(tmp_path, both) == "run/containers/0/auth.json"


def test_authfile_turns_off_the_home_files_from_5_24(tmp_path: Path) -> None:
    """getAuthFilePaths (b3748aab, 5.24): a given file replaces the home files."""
    given = str(tmp_path / "given.json")
    assert _creds_from(tmp_path, HOME_ONLY, "--authfile", given) is None
    assert _creds_from(tmp_path, ["given.json", *HOME_ONLY], "--authfile", given) == "given.json"
    # containers/image 5.23 (podman 4.3) still searched them after the given file.
    assert _creds_from(tmp_path, HOME_ONLY, "--authfile", given, "--as", "podman-4.3") == (
        "home/user/.dockercfg"
    )


def test_registry_auth_file_and_docker_config_are_given_files(tmp_path: Path) -> None:
    t = str(tmp_path)
    registry_auth_file = {"REGISTRY_AUTH_FILE": t + "/given.json"}
    assert _creds_from(tmp_path, HOME_ONLY, env=registry_auth_file) is None
    assert _creds_from(tmp_path, ["given.json"], env=registry_auth_file) == "given.json"
    docker_config = {"DOCKER_CONFIG": t + "/docker-config"}
    assert _creds_from(tmp_path, HOME_ONLY, env=docker_config) is None
    # skopeo only reads REGISTRY_AUTH_FILE: DOCKER_CONFIG stays the library's (it replaces
    # ~/.docker among the home files), so the home files are searched.
    assert _creds_from(tmp_path, HOME_ONLY, "--as", "skopeo", env=docker_config) == (
        "home/user/.dockercfg"
    )
    # An explicit --authfile wins over the environment.
    assert (
        _creds_from(tmp_path, ["given.json"], "--authfile", t + "/given.json", env=docker_config)
        == "given.json"
    )


def test_crio_global_auth_file_is_below_the_root(tmp_path: Path) -> None:
    """OpenShift's crio.conf sets global_auth_file to the kubelet's pull secret; on a node
    mounted at --root it is read there, and (5.24+) it replaces the home files."""
    kubelet = "var/lib/kubelet/config.json"
    assert _creds_from(tmp_path, [kubelet, *HOME_ONLY], "--as", "ocp-4.18") == kubelet
    assert _creds_from(tmp_path, HOME_ONLY, "--as", "ocp-4.18") is None
    assert _creds_from(tmp_path, HOME_ONLY, "--as", "crio-1.31") == "home/user/.dockercfg"


def test_root_alone_reads_as_the_root_user(tmp_path: Path) -> None:
    (tmp_path / "run/containers/0").mkdir(parents=True)
    (tmp_path / "run/containers/0/auth.json").write_text(
        json.dumps({"auths": {"quay.io": {"auth": "dTpw"}}})  # u:p
    )
    code, text = run(
        ["explain", "--json", "--root", str(tmp_path), "quay.io/a/b:1"], {"PATH": "/nonexistent"}
    )
    assert code == 0
    source = json.loads(text)["context"]["sources"][0]
    assert source["credentials"]["file"] == str(tmp_path / "run/containers/0/auth.json")
    assert source["credentials"]["username"] == "u"
    # euid 0: the system lookaside default.
    assert source["signatures"]["lookaside"] == "file:///var/lib/containers/sigstore/a/b"


# -- explain and resolve on a whole machine ------------------------------------------------------


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    write_machine(tmp_path)
    return tmp_path


def explain(machine: Path, *argv: str) -> tuple[int, str]:
    return run(["explain", *cli_args(machine), *argv], cli_env(machine))


def test_explain_tells_each_source(machine: Path) -> None:
    code, text = explain(machine, "--creds", "x", "example.com/app:1")
    t = str(machine)
    assert code == 0
    context = text[text.index("Pull context") :]
    one, two, three = (
        context[context.index(f"  {i}. ") : context.find(f"  {i + 1}. ")] for i in (1, 2, 3)
    )
    # The mirror on another host: its own credentials and certificates; --creds is dropped.
    assert "mirror.example.com:5000/app:1  [mirror]" in one
    assert "TLS: verified (system CAs + 1 CA file + 1 client certificate)" in one
    assert f"CA file {t}/etc/containers/certs.d/mirror.example.com:5000/ca.crt" in one
    assert (
        f'credentials: auth file {t}/run/containers/0/auth.json, key "mirror.example.com:5000", '
        'user "alice"' in one
    )
    assert "explicit credentials are NOT sent here: another host than example.com" in one
    # registries.d names example.com only: the mirror gets the built-in default.
    assert "lookaside file:///var/lib/containers/sigstore/app (the built-in default" in one
    assert "FAILS" not in one
    # The same host keeps --creds; /etc/docker/certs.d/example.com has a .cert without key.
    for part in (two, three):
        assert "credentials: the explicit credentials" in part
        assert "lookaside https://user:xxxxx@sig.example.com/x/" in part
        assert "sigstore attachments read from the registry (scope example.com)" in part
        assert (
            "FAILS before any network access: missing key client.key for client certificate "
            "client.cert. Note that CA certificates should use the extension .crt" in part
        )
    assert (
        f"Policy ({t}/etc/containers/policy.json): signature-required: example.com/app:1 "
        'matches transports.docker["example.com"] (signedBy)' in context
    )
    assert '  requirement {"keyPath": "/etc/pki/example.gpg"' in context


def test_explain_tls_verify_overrides_every_source(machine: Path) -> None:
    _, text = explain(machine, "--tls-verify=false", "quay.io/a/b:1")
    assert text.count("TLS: NOT verified") == 2
    assert text.count(", by --tls-verify") == 2


def test_explain_says_when_every_source_fails(machine: Path) -> None:
    code, text = explain(machine, "broken.example.com/a:1")
    assert code == 0  # the context does not change the exit status
    assert "every source fails before any network access: the pull fails" in text
    assert "getting username and password: illegal base64 data at input byte" in text


def test_resolve_json_context(machine: Path) -> None:
    code, text = run(
        ["resolve", "--json", *cli_args(machine), "quay.io/a/b:1", "nginx"], cli_env(machine)
    )
    assert code == 0
    quay, nginx = (json.loads(line) for line in text.splitlines())
    sources = quay["context"]["sources"]
    assert [s["reference"] for s in sources] == [
        "quaymirror.example.net/a/b:1",
        "quay.io/a/b:1",
    ]
    assert sources[0]["credentials"]["kind"] == "none"
    assert sources[1]["credentials"] == {
        "kind": "auth-file",
        "helper": None,
        "file": str(machine / "home/user/.dockercfg"),
        "key": "quay.io",
        "username": "bob",
        "explicit_dropped": False,
        "errors": [],
        "error": None,
        "fallback": None,
    }
    # The home certs.d/quay.io exists, so it is the one read (the /etc one is ignored).
    assert sources[1]["tls"]["cert_dir"] == str(
        machine / "home/user/.config/containers/certs.d/quay.io"
    )
    assert quay["context"]["policy"]["verdict"] == "allowed"
    assert quay["context"]["policy_file"] == str(machine / "etc/containers/policy.json")
    # A short name: the sources of its candidate (quay.io from unqualified-search-registries).
    assert [s["logical"] for s in nginx["context"]["sources"]] == ["quay.io/nginx:latest"] * 2


def test_helper_and_its_fallback(machine: Path) -> None:
    _code, text = run(
        ["resolve", "--json", *cli_args(machine), "helped.example.com/a:1"], cli_env(machine)
    )
    (source,) = json.loads(text)["context"]["sources"]
    creds = source["credentials"]
    assert (creds["kind"], creds["helper"], creds["key"]) == (
        "helper",
        "vault",
        "helped.example.com",
    )
    assert creds["file"] == str(machine / "run/containers/0/auth.json")
    # If vault has nothing for the host, the search goes on in the next files: none there.
    assert creds["fallback"]["kind"] == "none"


def test_missing_policy_fails_the_pull(tmp_path: Path) -> None:
    """NewPolicyFromFile: os.ReadFile's error."""
    _code, text = run(
        ["resolve", "--json", *cli_args(tmp_path), "quay.io/a:1"], {"PATH": "/nonexistent"}
    )
    policy_file = str(tmp_path / "etc/containers/policy.json")
    context = json.loads(text)["context"]
    assert context["policy"] is None
    assert context["policy_error"] == f"open {policy_file}: no such file or directory"
