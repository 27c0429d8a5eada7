"""``regresolve check``: the warnings about the pull context (``regresolve._lint_host``).

Each test lays out a small machine below ``tmp_path`` (read with ``--root``/``--home``/
``--uid``, so nothing of this host leaks in) whose problem follows from containers/image's
rules (docs/pull-context.md): credentials and signature storage are looked up for the
mirror's own name, a certificate directory is named after the host as the reference writes
it and only the first existing one is read, a client pair needs both halves, an auth file
that does not parse ends the lookup.  Expected kinds, files and entries come from those
rules, never from regresolve's output.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from regresolve._cli import main
from support.cli_machine import cli_args, cli_env, write_machine

CONF = "/etc/containers/registries.conf"


def check(tree: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with mock.patch.dict(os.environ, env or cli_env(tree), clear=True):
        code = main(["check", *cli_args(tree), "--json", *extra], out=out)
    return code, json.loads(out.getvalue())


def write(tree: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = tree / rel.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def found(tree: Path, doc: dict[str, Any], kind: str) -> list[tuple[str, str | None]]:
    """``(file relative to the tree, entry)`` of every warning of ``kind``."""
    return sorted(
        (w["file"].replace(str(tree), ""), w["entry"]) for w in doc["warnings"] if w["kind"] == kind
    )


POLICY = json.dumps({"default": [{"type": "insecureAcceptAnything"}]})


def test_the_whole_machine(tmp_path: Path) -> None:
    """Every kind at once (support/cli_machine.py says why each is expected)."""
    write_machine(tmp_path)
    code, doc = check(tmp_path)
    assert code == 0
    assert doc["problems"] == []
    assert found(tmp_path, doc, "mirror-without-credentials") == [
        (CONF, 'registry[prefix="docker.io"].mirror[0]'),
        (CONF, 'registry[prefix="quay.io"].mirror[0]'),
    ]
    assert found(tmp_path, doc, "mirror-signatures-not-configured") == [
        (CONF, 'registry[prefix="example.com"].mirror[0]'),
    ]
    assert found(tmp_path, doc, "unused-cert-dir") == [
        ("/etc/containers/certs.d/example.com:443", None),
        ("/etc/docker/certs.d/registry-1.docker.io", None),
    ]
    assert found(tmp_path, doc, "shadowed-cert-dir") == [("/etc/containers/certs.d/quay.io", None)]
    assert found(tmp_path, doc, "unpaired-client-cert") == [
        ("/etc/docker/certs.d/example.com/client.cert", None)
    ]
    assert found(tmp_path, doc, "auth-file-error") == [
        ("/run/containers/0/auth.json", '"broken.example.com"')
    ]
    code, _ = check(tmp_path, "--strict")
    assert code == 1


def test_mirror_without_credentials(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            CONF: '[[registry]]\nlocation = "registry.example.com/team"\n'
            '[[registry.mirror]]\nlocation = "cache.example.net/team"\n'
            '[[registry.mirror]]\nlocation = "keyed.example.net/team"\n'
            '[[registry.mirror]]\nlocation = "registry.example.com/copy"\n',
            "/etc/containers/policy.json": POLICY,
            # Keyed under the original (and its namespace) only, as `podman login` of the
            # original writes it; keyed.example.net has its own entry.
            "/run/containers/0/auth.json": json.dumps(
                {
                    "auths": {
                        "registry.example.com/team": {"auth": "dTpw"},
                        "keyed.example.net": {"auth": "dTpw"},
                    }
                }
            ),
        },
    )
    _, doc = check(tmp_path)
    warnings = [w for w in doc["warnings"] if w["kind"] == "mirror-without-credentials"]
    # registry.example.com/copy is on the original's host, but its keys are
    # registry.example.com/copy/... down to registry.example.com: the entry for
    # registry.example.com/team is not among them.
    assert [w["entry"] for w in warnings] == [
        'registry[prefix="registry.example.com/team"].mirror[0]',
        'registry[prefix="registry.example.com/team"].mirror[2]',
    ]
    assert (
        "cache.example.net gets no credentials while registry.example.com has them"
        in (warnings[0]["message"])
    )
    assert "explicit credentials" in warnings[0]["message"]
    assert "explicit credentials" not in warnings[1]["message"]  # the same host keeps them


def test_a_mirror_with_its_own_credentials_is_fine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            CONF: '[[registry]]\nlocation = "registry.example.com"\n'
            '[[registry.mirror]]\nlocation = "cache.example.net"\n',
            "/etc/containers/policy.json": POLICY,
            "/run/containers/0/auth.json": json.dumps(
                {
                    "auths": {
                        "registry.example.com": {"auth": "dTpw"},
                        "cache.example.net": {"auth": "dTpw"},
                    }
                }
            ),
        },
    )
    code, doc = check(tmp_path, "--strict")
    assert (code, doc["warnings"]) == (0, [])


@pytest.mark.parametrize(
    ("location", "directory", "near"),
    [
        # podman#26567: the reference writes no port, the directory has one.
        ("registry.example.com", "registry.example.com:443", "registry.example.com"),
        # The reverse: the reference writes a port, the directory has none.
        ("registry.example.com:5000", "registry.example.com", "registry.example.com:5000"),
        # Another port.
        ("registry.example.com:5000", "registry.example.com:5001", "registry.example.com:5000"),
    ],
)
def test_unused_cert_dir(tmp_path: Path, location: str, directory: str, near: str) -> None:
    write(
        tmp_path,
        {
            CONF: f'[[registry]]\nprefix = "example.com"\nlocation = "{location}/x"\n',
            "/etc/containers/policy.json": POLICY,
            f"/etc/containers/certs.d/{directory}/ca.crt": "x",
        },
    )
    _, doc = check(tmp_path)
    (warning,) = doc["warnings"]
    assert warning["kind"] == "unused-cert-dir"
    assert warning["file"] == str(tmp_path / "etc/containers/certs.d" / directory)
    assert f"they connect to {near}" in warning["message"]


def test_a_directory_for_an_unrelated_host_is_not_reported(tmp_path: Path) -> None:
    """A pull of that host's images would read it: no configured source is needed."""
    write(
        tmp_path,
        {
            CONF: '[[registry]]\nlocation = "registry.example.com"\n',
            "/etc/containers/policy.json": POLICY,
            "/etc/containers/certs.d/localhost:5000/ca.crt": "x",
            "/etc/containers/certs.d/registry.example.com/ca.crt": "x",
        },
    )
    code, doc = check(tmp_path, "--strict")
    assert (code, doc["warnings"]) == (0, [])


def test_shadowed_cert_dir(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "/etc/containers/policy.json": POLICY,
            "/etc/containers/certs.d/registry.example.com/ca.crt": "x",
            "/etc/docker/certs.d/registry.example.com/ca.crt": "x",
        },
    )
    _, doc = check(tmp_path)
    assert found(tmp_path, doc, "shadowed-cert-dir") == [
        ("/etc/docker/certs.d/registry.example.com", None)
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "client.cert",
            "missing key client.key for client certificate client.cert. Note that CA "
            "certificates should use the extension .crt",
        ),
        ("client.key", "missing client certificate client.cert for key client.key"),
    ],
)
def test_unpaired_client_cert(tmp_path: Path, name: str, message: str) -> None:
    write(
        tmp_path,
        {
            "/etc/containers/policy.json": POLICY,
            f"/etc/containers/certs.d/registry.example.com/{name}": "x",
            "/etc/containers/certs.d/other.example.com/good.cert": "x",
            "/etc/containers/certs.d/other.example.com/good.key": "x",
        },
    )
    _, doc = check(tmp_path)
    (warning,) = doc["warnings"]
    assert warning["kind"] == "unpaired-client-cert"
    assert warning["file"] == str(tmp_path / "etc/containers/certs.d/registry.example.com" / name)
    assert warning["message"].startswith(message + ": every pull")


SIGNED = json.dumps(
    {
        "default": [{"type": "insecureAcceptAnything"}],
        "transports": {
            "docker": {"registry.example.com": [{"type": "sigstoreSigned", "keyPath": "/k.pub"}]}
        },
    }
)


@pytest.mark.parametrize(
    ("registries_d", "expected"),
    [
        # The original only: the mirror's signatures are looked for in the default lookaside
        # and its attachments are not read (MCO#4446).
        (
            "docker:\n  registry.example.com:\n    use-sigstore-attachments: true\n",
            ["sigstore attachments are not read from it"],
        ),
        (
            "docker:\n  registry.example.com:\n    lookaside: https://sig.example.com\n",
            ["the built-in default lookaside"],
        ),
        # Both named: nothing to say.
        (
            "docker:\n  registry.example.com:\n    use-sigstore-attachments: true\n"
            "  mirror.example.net:\n    use-sigstore-attachments: true\n",
            [],
        ),
    ],
)
def test_mirror_signatures_not_configured(
    tmp_path: Path, registries_d: str, expected: list[str]
) -> None:
    write(
        tmp_path,
        {
            CONF: '[[registry]]\nlocation = "registry.example.com"\n'
            '[[registry.mirror]]\nlocation = "mirror.example.net"\n',
            "/etc/containers/policy.json": SIGNED,
            "/etc/containers/registries.d/sigs.yaml": registries_d,
        },
    )
    _, doc = check(tmp_path)
    warnings = [w for w in doc["warnings"] if w["kind"] == "mirror-signatures-not-configured"]
    assert len(warnings) == len(expected)
    for warning, text in zip(warnings, expected):
        assert warning["entry"] == 'registry[prefix="registry.example.com"].mirror[0]'
        assert text in warning["message"]


def test_no_signature_warning_without_a_signature_requirement(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            CONF: '[[registry]]\nlocation = "registry.example.com"\n'
            '[[registry.mirror]]\nlocation = "mirror.example.net"\n',
            "/etc/containers/policy.json": POLICY,
            "/etc/containers/registries.d/sigs.yaml": (
                "docker:\n  registry.example.com:\n    use-sigstore-attachments: true\n"
            ),
        },
    )
    code, doc = check(tmp_path, "--strict")
    assert (code, doc["warnings"]) == (0, [])


def test_malformed_auth_file(tmp_path: Path) -> None:
    write_machine(tmp_path, malformed_auth=True)
    _, doc = check(tmp_path)
    path = str(tmp_path / "home/user/.docker/config.json")
    (warning,) = [
        w for w in doc["warnings"] if w["kind"] == "auth-file-error" and w["file"] == path
    ]
    # Go's encoding/json text, wrapped as pkg/docker/config does.
    assert warning["message"].startswith(
        f'reading JSON file "{path}": unmarshaling JSON at "{path}": invalid character \'t\' '
        "after top-level value"
    )


def test_unreadable_auth_file(tmp_path: Path) -> None:
    """A directory where the file should be: os.ReadFile fails, and so does the lookup."""
    write(tmp_path, {"/etc/containers/policy.json": POLICY})
    (tmp_path / "run/containers/0/auth.json").mkdir(parents=True)
    _, doc = check(tmp_path)
    (warning,) = doc["warnings"]
    path = str(tmp_path / "run/containers/0/auth.json")
    assert warning["kind"] == "auth-file-error"
    assert warning["message"].startswith(f'reading JSON file "{path}": read {path}: is a directory')


def test_given_auth_file_missing(tmp_path: Path) -> None:
    write(tmp_path, {"/etc/containers/policy.json": POLICY})
    missing = str(tmp_path / "nowhere.json")
    _, doc = check(tmp_path, "--authfile", missing)
    (warning,) = doc["warnings"]
    assert (warning["kind"], warning["file"]) == ("auth-file-error", missing)
    assert "does not exist" in warning["message"]


def test_xdg_runtime_dir_missing(tmp_path: Path) -> None:
    """Without a root, $XDG_RUNTIME_DIR/containers/auth.json comes first; a set but missing
    directory is only logged by Go, and its file skipped."""
    (tmp_path / "home").mkdir()
    conf = tmp_path / "r.conf"
    conf.write_text("")
    env = {"PATH": "/nonexistent", "HOME": str(tmp_path / "home"), "XDG_RUNTIME_DIR": "/nowhere"}
    out = io.StringIO()
    with mock.patch.dict(os.environ, env, clear=True):
        main(
            ["check", "--config", str(conf), "--config-dir", str(tmp_path / "d"), "--home",
             str(tmp_path / "home"), "--json"],
            out=out,
        )  # fmt: skip
    doc = json.loads(out.getvalue())
    (warning,) = [w for w in doc["warnings"] if w["kind"] == "auth-file-error"]
    assert warning["message"].startswith(
        '"/nowhere" directory set by $XDG_RUNTIME_DIR does not exist.'
    )


def test_check_of_given_files_does_not_read_the_host(tmp_path: Path) -> None:
    """``check FILE``: only that file's own rules."""
    write_machine(tmp_path)
    out = io.StringIO()
    with mock.patch.dict(os.environ, cli_env(tmp_path), clear=True):
        code = main(
            ["check", *cli_args(tmp_path), "--json", str(tmp_path / CONF.lstrip("/"))], out=out
        )
    assert code == 0
    assert json.loads(out.getvalue())["warnings"] == []


def test_text_output_names_the_kind_of_problem(tmp_path: Path) -> None:
    write_machine(tmp_path)
    out = io.StringIO()
    with mock.patch.dict(os.environ, cli_env(tmp_path), clear=True):
        main(["check", *cli_args(tmp_path)], out=out)
    text = out.getvalue()
    assert "warning: " + str(tmp_path / "etc/containers/certs.d/quay.io") + ": never read" in text
    assert "the mirror quaymirror.example.net gets no credentials while quay.io has them" in text
