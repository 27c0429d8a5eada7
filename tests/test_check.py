"""``regresolve check``: one real file per warning class, ``--strict`` and ``--json``.

Each file below loads in containers/image (the oracle test at the end confirms it), so podman
gives no error; the warnings say why it still does not do what its author meant.  Expected
kinds, entries and lines come from the files themselves (BurntSushi records the line of a
key's last occurrence), never from regresolve's output.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from regresolve._cli import main

CASES: dict[str, tuple[str, list[tuple[str, str | None, int | None]]]] = {
    # kind -> (file, [(kind, entry, line)])
    "unknown-key": (
        '[[registry]]\nlocation = "quay.io"\n\n[[registry.mirror]]\n'
        'location = "mirror.example.com/quay"\npull-from-mirrors = "digest-only"\n',
        [("unknown-key", "registry[0].mirror[0]", 6)],
    ),
    "unknown-top-key": (
        'unqualified-search-registry = ["quay.io"]\n',
        [("unknown-key", "unqualified-search-registry", 1)],
    ),
    "misplaced-key": (
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\n'
        'location = "mirror.example.com/quay"\nblocked = true\n',
        [("misplaced-key", "registry[0].mirror[0]", 5)],
    ),
    "misplaced-top-key": (
        '[[registry]]\nlocation = "quay.io"\nshort-name-mode = "enforcing"\n',
        [("misplaced-key", "registry[0]", 3)],
    ),
    "failing-entry": (
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\n'
        'location = "mirror.example.com/Quay"\n',
        [("failing-entry", 'registry[prefix="quay.io"]', None)],
    ),
    "shadowed-prefix": (
        # Equal length: "*.example.com" sorts before "a.example.com" and wins the tie.
        '[[registry]]\nprefix = "*.example.com"\nlocation = "mirror.example.net/all"\n'
        '[[registry]]\nlocation = "a.example.com"\n',
        [("shadowed-prefix", 'registry[prefix="a.example.com"]', None)],
    ),
    "dead-prefix": (
        '[[registry]]\nprefix = "quay.io/Team"\nlocation = "quay.io/team"\n',
        [("dead-prefix", 'registry[prefix="quay.io/Team"]', None)],
    ),
    "mirror-is-primary": (
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "quay.io"\n',
        [("mirror-is-primary", 'registry[prefix="quay.io"].mirror[0]', None)],
    ),
    "duplicate-mirror": (
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "m.example.com"\n'
        '[[registry.mirror]]\nlocation = "m.example.com"\n',
        [("duplicate-mirror", 'registry[prefix="quay.io"].mirror[1]', None)],
    ),
}


def hermetic(tmp_path: Path) -> list[str]:
    """No file of this host in the pull-context warnings: an empty machine as --root."""
    return ["--root", str(tmp_path / "empty-machine")]


def _check(tmp_path: Path, text: str, *extra: str) -> tuple[int, dict[str, Any]]:
    conf = tmp_path / "registries.conf"
    conf.write_text(text, encoding="utf-8")
    out = io.StringIO()
    code = main(
        [
            "check",
            "--config",
            str(conf),
            "--config-dir",
            str(tmp_path / "none"),
            "--json",
            *hermetic(tmp_path),
            *extra,
        ],
        out=out,
    )
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_warning_class(tmp_path: Path, name: str) -> None:
    text, expected = CASES[name]
    code, report = _check(tmp_path, text)
    assert code == 0
    assert report["problems"] == []
    got = [(w["kind"], w["entry"], w["line"]) for w in report["warnings"]]
    assert got == expected
    assert all(w["file"] == str(tmp_path / "registries.conf") for w in report["warnings"])
    code, _report = _check(tmp_path, text, "--strict")
    assert code == 1


def test_did_you_mean(tmp_path: Path) -> None:
    _code, report = _check(tmp_path, CASES["unknown-key"][0])
    assert report["warnings"][0]["message"].endswith('did you mean "pull-from-mirror"?')
    _code, report = _check(tmp_path, CASES["unknown-top-key"][0])
    assert report["warnings"][0]["message"].endswith(
        'did you mean "unqualified-search-registries"?'
    )


def test_a_clean_file_has_no_warnings(tmp_path: Path) -> None:
    code, report = _check(
        tmp_path,
        'unqualified-search-registries = ["quay.io"]\n[[registry]]\nlocation = "quay.io"\n'
        '[[registry.mirror]]\nlocation = "mirror.example.com/quay"\n',
        "--strict",
    )
    assert code == 0
    assert report["ok"] is True
    assert report["warnings"] == []
    assert report["files"] == [str(tmp_path / "registries.conf")]


def test_problems_exit_2_and_name_the_entry(tmp_path: Path) -> None:
    code, report = _check(tmp_path, '[[registry]]\nlocation = "https://quay.io"\n')
    assert code == 2
    assert report["problems"] == [
        {
            "file": str(tmp_path / "registries.conf"),
            "entry": "registry[0]",
            "message": f'loading registries configuration "{tmp_path / "registries.conf"}": '
            "invalid location 'https://quay.io': URI schemes are not supported",
        }
    ]


def test_a_directory_given_as_the_main_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    out = io.StringIO()
    code = main(
        ["check", "--config", str(tmp_path / "conf.d"), "--config-dir", str(tmp_path)], out=out
    )
    assert code == 2
    assert "is a directory" in out.getvalue()


def test_files_read_and_skipped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user = home / ".config" / "containers"
    user.mkdir(parents=True)
    (user / "registries.conf").write_text('unqualified-search-registries = ["quay.io"]\n')
    etc = tmp_path / "etc" / "containers"
    (etc / "registries.conf.d").mkdir(parents=True)
    (etc / "registries.conf").write_text("")
    (etc / "registries.conf.d" / "10-x.conf").write_text("")
    (user / "registries.conf.d").mkdir()
    (user / "registries.conf.d" / "README").write_text("not a drop-in")
    out = io.StringIO()
    code = main(["check", "--root", str(tmp_path), "--home", str(home), "--json"], out=out)
    report = json.loads(out.getvalue())
    assert code == 0
    assert report["files"] == [str(user / "registries.conf")]
    reasons = {Path(s["file"]).name: s["reason"] for s in report["skipped"]}
    # R-LOAD-2: the user's file hides the system file and the system drop-ins.
    assert set(reasons) == {"registries.conf", "10-x.conf", "README"}
    assert "hidden" in reasons["registries.conf"]
    assert reasons["README"] == "not a .conf file"


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_warning_file_loads_in_go(oracle: Any, name: str) -> None:
    path = "/etc/containers/registries.conf"
    answer = oracle.config(files={path: CASES[name][0]}, system_registries_conf_path=path)
    assert answer["error"] is None


def test_dropin_override_is_a_warning_and_strict_fails(tmp_path: Path) -> None:
    conf = tmp_path / "registries.conf"
    conf.write_text(
        '[[registry]]\nlocation = "quay.io"\n[[registry.mirror]]\nlocation = "m.example.com"\n'
    )
    d = tmp_path / "d"
    d.mkdir()
    (d / "50-quay.conf").write_text('[[registry]]\nlocation = "quay.io"\ninsecure = true\n')
    argv = ["check", "--config", str(conf), "--config-dir", str(d), "--json", *hermetic(tmp_path)]
    out = io.StringIO()
    assert main(argv, out=out) == 0
    (warning,) = json.loads(out.getvalue())["warnings"]
    assert (warning["kind"], warning["file"]) == ("dropin-override", str(d / "50-quay.conf"))
    assert "dropping its 1 mirror" in warning["message"]
    assert main([*argv, "--strict"], out=io.StringIO()) == 1
