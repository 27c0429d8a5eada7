"""The ``regresolve`` command: subcommands, configuration options, output and exit codes.

Expected plans follow the spec (R-PULL-1/2 mirror selection and order, R-RW rewriting,
R-PULL-5 blocking, R-SN short names, R-LOAD paths); the JSON output is also compared with the
Go oracle in ``test_cli_oracle.py``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import regresolve
from regresolve._cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "registries.conf")
EXAMPLE_DIR = str(ROOT / "examples" / "registries.conf.d")
DIGEST = "sha256:" + "b" * 64


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No host configuration leaks in: empty HOME, no CONTAINERS_REGISTRIES_CONF."""
    monkeypatch.delenv("CONTAINERS_REGISTRIES_CONF", raising=False)
    monkeypatch.delenv("REGISTRIES_CONFIG_PATH", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    # Look for the short-name alias cache below HOME, as for a rootless user, rather than in
    # the machine's /var/cache/containers (podman's own switch for this).
    monkeypatch.setenv("_CONTAINERS_ROOTLESS_UID", "1000")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def example(*argv: str) -> list[str]:
    return [*argv[:1], "--config", EXAMPLE, "--config-dir", EXAMPLE_DIR, *argv[1:]]


def resolve_json(*argv: str) -> tuple[int, list[dict[str, Any]]]:
    """The image objects of ``resolve --json``, without their pull ``context`` (whose own
    tests are in ``test_cli_context.py``)."""
    code, text = run(*example("resolve", "--json", *argv))
    objs = [json.loads(line) for line in text.splitlines()]
    for obj in objs:
        assert "context" in obj
        del obj["context"]
    return code, objs


# -- resolve ------------------------------------------------------------------------------------


def test_resolve_json_by_tag() -> None:
    """R-PULL-1/2: by tag, the digest-only mirror is skipped; the primary comes last."""
    code, [obj] = resolve_json("docker.io/library/nginx:1.25")

    assert code == 0
    assert obj == {
        "input": "docker.io/library/nginx:1.25",
        "reference": "docker.io/library/nginx:1.25",
        # The first [[registry]] table of examples/registries.conf.
        "registry": {
            "prefix": "docker.io",
            "location": "docker.io",
            "file": EXAMPLE,
            "entry": "registry[0]",
        },
        "sources": [
            {
                "reference": "mirror.example.net/dockerhub/library/nginx:1.25",
                "location": "mirror.example.net/dockerhub",
                "insecure": False,
                "mirror": True,
                "pull_from_mirror": "",
                "blocked": False,
                "blocked_error": None,
            },
            {
                "reference": "docker.io/library/nginx:1.25",
                "location": "docker.io",
                "insecure": False,
                "mirror": False,
                "pull_from_mirror": "",
                "blocked": False,
                "blocked_error": None,
            },
        ],
        "skipped": [
            {
                "location": "backup-mirror.example.org/dockerhub",
                "reason": 'pull-from-mirror = "digest-only" and the reference has no digest',
            }
        ],
        "error": None,
    }


def test_resolve_json_by_digest_uses_every_mirror() -> None:
    """R-PULL-1: a digest reference uses the digest-only mirror too, in file order."""
    code, [obj] = resolve_json(f"docker.io/library/nginx@{DIGEST}")

    assert code == 0
    assert [s["reference"] for s in obj["sources"]] == [
        f"mirror.example.net/dockerhub/library/nginx@{DIGEST}",
        f"backup-mirror.example.org/dockerhub/library/nginx@{DIGEST}",
        f"docker.io/library/nginx@{DIGEST}",
    ]


def test_resolve_name_only_gets_latest() -> None:
    """R-PULL-6: the docker transport adds :latest (TagNameOnly)."""
    _, [obj] = resolve_json("quay.io/prometheus/prometheus")

    assert obj["reference"] == "quay.io/prometheus/prometheus:latest"
    assert [s["reference"] for s in obj["sources"]] == ["quay.io/prometheus/prometheus:latest"]


def test_resolve_unmatched_registry_is_null() -> None:
    """No entry matches: registry null, the reference itself is the only source."""
    _, [obj] = resolve_json("ghcr.io/org/tool:1")

    assert obj["registry"] is None
    assert obj["sources"] == [
        {
            "reference": "ghcr.io/org/tool:1",
            "location": "ghcr.io/org/tool:1",
            "insecure": False,
            "mirror": False,
            "pull_from_mirror": "",
            "blocked": False,
            "blocked_error": None,
        }
    ]


def test_resolve_insecure() -> None:
    """R-PULL-3: the endpoint's own insecure flag."""
    _, [obj] = resolve_json("dev-registry.example.com:5000/x:1")

    assert obj["sources"][0]["insecure"] is True


def test_resolve_blocked_exits_1() -> None:
    """R-PULL-5: every source blocked: the plan exists, the pull cannot succeed (exit 1)."""
    code, [obj] = resolve_json("untrusted.example.org/tool:1")

    assert code == 1
    assert obj["error"] is None
    assert [s["blocked"] for s in obj["sources"]] == [True]


def test_resolve_namespace_block_from_a_dropin() -> None:
    """A longer prefix from a drop-in wins and, having no mirrors, blocks the pull."""
    code, [obj, other] = resolve_json("docker.io/untrusted/x:1", "docker.io/trusted/x:1")

    assert code == 1
    assert obj["registry"] == {
        "prefix": "docker.io/untrusted",
        "location": "docker.io/untrusted",
        "file": f"{EXAMPLE_DIR}/50-no-hub-untrusted.conf",
        "entry": "registry[0]",
    }
    assert [s["blocked"] for s in obj["sources"]] == [True]
    assert other["registry"]["prefix"] == "docker.io"


def test_resolve_error_exits_1_and_continues() -> None:
    """Every reference gets its object; one failure makes the exit status 1."""
    # skopeo's docker transport refuses a tag and a digest together (podman would drop the tag).
    code, objs = resolve_json(
        "--consumer", "skopeo", f"docker.io/library/nginx:1@{DIGEST}", "quay.io/a/b:1"
    )

    assert code == 1
    assert (
        objs[0]["error"]
        == "Docker references with both a tag and digest are currently not supported"
    )
    assert objs[0]["sources"] == []
    assert objs[1]["error"] is None


def test_resolve_short_name_alias() -> None:
    """R-SN-3 step 6: an alias gives one candidate; tag re-attached."""
    code, [obj] = resolve_json("myapp:3.1")

    assert code == 0
    assert obj["reference"] == "registry.example.com/team/myapp:3.1"
    assert obj["short_name"]["mode"] == "permissive"
    [cand] = obj["short_name"]["candidates"]
    assert cand["reference"] == "registry.example.com/team/myapp:3.1"
    assert cand["description"].startswith('Resolved "myapp" as an alias (')
    assert cand["description"].endswith("10-aliases.conf)")


def test_resolve_short_name_search_registries() -> None:
    """R-SN-3 step 7: one candidate per search registry; sources concatenate in order."""
    code, [obj] = resolve_json("busybox")

    assert code == 0
    assert [c["reference"] for c in obj["short_name"]["candidates"]] == [
        "registry.example.com/busybox:latest",
        "docker.io/library/busybox:latest",
    ]
    assert [s["reference"] for s in obj["sources"]] == [
        "registry.example.com/busybox:latest",
        "mirror.example.net/dockerhub/library/busybox:latest",
        "docker.io/library/busybox:latest",
    ]


def test_resolve_short_name_enforcing_fails() -> None:
    """R-SN-3 step 8: enforcing and no TTY: the Go error, exit 1."""
    code, [obj] = resolve_json("--short-name-mode", "enforcing", "busybox")

    assert code == 1
    assert obj["error"] == "short-name resolution enforced but cannot prompt without a TTY"
    assert obj["sources"] == []


def test_short_name_with_one_unplannable_candidate(tmp_path: Path) -> None:
    """R-CONF-6.5: a trailing-slash mirror breaks candidate 1; podman moves on to candidate 2."""
    conf = tmp_path / "r.conf"
    conf.write_text(
        'unqualified-search-registries = ["bad.example.com", "good.example.com"]\n'
        '[[registry]]\nlocation = "bad.example.com"\n'
        '[[registry.mirror]]\nlocation = "m.example.com/"\n'
    )
    code, text = run(
        "resolve", "--json", "--config", str(conf), "--config-dir", str(tmp_path), "tool"
    )
    obj = json.loads(text)

    assert code == 0
    assert obj["error"] is None
    assert obj["reference"] == "bad.example.com/tool:latest"
    assert [c["error"] for c in obj["short_name"]["candidates"]] == [
        "rewriting reference: invalid reference format",
        None,
    ]
    assert [s["reference"] for s in obj["sources"]] == ["good.example.com/tool:latest"]


def test_resolve_text() -> None:
    """The human listing numbers the sources and flags mirrors and blocks."""
    code, text = run(
        *example("resolve", "docker.io/library/nginx:1.25", "untrusted.example.org/a:1")
    )

    assert code == 1
    assert text.splitlines() == [
        "docker.io/library/nginx:1.25",
        "  1. mirror.example.net/dockerhub/library/nginx:1.25  (mirror)",
        "  2. docker.io/library/nginx:1.25  (primary)",
        "untrusted.example.org/a:1",
        "  1. untrusted.example.org/a:1  (primary, BLOCKED)",
        "  every source is blocked: the pull fails",
    ]


# -- configuration options ----------------------------------------------------------------------


def test_no_configuration_at_all(tmp_path: Path) -> None:
    """R-LOAD-4: nothing on the machine is an empty configuration, as in podman."""
    root = tmp_path / "root"
    root.mkdir()
    code, text = run(
        "resolve", "--json", "--root", str(root), "--home", str(tmp_path / "home"), "busybox:1"
    )

    assert code == 1  # short name, no search registries: R-SN-5
    obj = json.loads(text)
    assert obj["error"] == (
        'short-name "busybox:1" did not resolve to an alias and no '
        "containers-registries.conf(5) was found"
    )
    code, text = run("resolve", "--json", "--root", str(root), "docker.io/library/busybox:1")
    assert code == 0
    assert json.loads(text)["registry"] is None


def test_root_finds_the_system_file(tmp_path: Path) -> None:
    """R-LOAD-1 step 3: --root prefixes /etc/containers/registries.conf and its drop-ins."""
    etc = tmp_path / "etc" / "containers"
    (etc / "registries.conf.d").mkdir(parents=True)
    (etc / "registries.conf").write_text(
        '[[registry]]\nlocation = "a.example.com"\nblocked = true\n'
    )
    (etc / "registries.conf.d" / "x.conf").write_text('[aliases]\n"t" = "b.example.com/t"\n')
    code, text = run("resolve", "--json", "--root", str(tmp_path), "a.example.com/x:1", "t")
    objs = [json.loads(line) for line in text.splitlines()]

    assert code == 1
    assert objs[0]["sources"][0]["blocked"] is True
    assert objs[1]["reference"] == "b.example.com/t:latest"


def test_config_dirs_replace_the_defaults(tmp_path: Path) -> None:
    """--config-dir (repeatable) reads only the given directories, in order."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x.conf").write_text('[aliases]\n"t" = "one.example.com/t"\n')
    (b / "x.conf").write_text('[aliases]\n"t" = "two.example.com/t"\n')
    code, text = run(
        "resolve",
        "--json",
        "--config",
        os.devnull,
        "--config-dir",
        str(a),
        "--config-dir",
        str(b),
        "t",
    )

    assert code == 0
    assert json.loads(text)["reference"] == "two.example.com/t:latest"


def test_environment_variable_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """R-LOAD-9: CONTAINERS_REGISTRIES_CONF names the main file, as for podman."""
    conf = tmp_path / "r.conf"
    conf.write_text('[[registry]]\nlocation = "a.example.com"\ninsecure = true\n')
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(conf))
    code, text = run(
        "resolve", "--json", "--config-dir", str(tmp_path / "none"), "a.example.com/x:1"
    )

    assert code == 0
    assert json.loads(text)["sources"][0]["insecure"] is True


def test_missing_explicit_config_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-LOAD-4: an explicit main path must exist (exit 2, Go's message)."""
    missing = tmp_path / "nope.conf"
    code, text = run("resolve", "--config", str(missing), "a.example.com/x")

    assert code == 2
    assert text == ""
    assert (
        f'loading registries configuration "{missing}": open {missing}: no such file or directory'
        in (capsys.readouterr().err)
    )


def test_invalid_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file podman refuses is a configuration error for every command."""
    bad = tmp_path / "bad.conf"
    bad.write_text('short-name-mode = "sometimes"\n')

    assert run("resolve", "--config", str(bad), "a.example.com/x")[0] == 2
    assert "sometimes" in capsys.readouterr().err
    assert run("dump", "--config", str(bad))[0] == 2


def test_usage_errors_exit_2() -> None:
    """argparse refuses unknown commands and missing arguments with status 2."""
    for argv in ([], ["frobnicate"], ["resolve"], ["explain"], ["dump", "--format", "yaml"]):
        with pytest.raises(SystemExit) as exc:
            main(argv, out=io.StringIO())
        assert exc.value.code == 2


# -- explain ------------------------------------------------------------------------------------


def test_explain_tells_the_story() -> None:
    """Files read, the entry, the skipped digest-only mirror, the order."""
    code, text = run(*example("explain", "docker.io/library/nginx:1.25"))

    assert code == 0
    assert text.startswith(f"Configuration: {EXAMPLE}\n")
    assert f"+ drop-in {EXAMPLE_DIR}/10-aliases.conf" in text
    assert "backup-mirror.example.org/dockerhub" in text
    assert "digest-only" in text
    assert "mirror.example.net/dockerhub/library/nginx:1.25" in text


def test_explain_short_name_lists_candidates() -> None:
    """Short names: the mode and every candidate with its description, then each plan."""
    code, text = run(*example("explain", "busybox"))

    assert code == 0
    assert "'busybox' is a short name; short-name-mode is permissive." in text
    assert (
        '1. registry.example.com/busybox:latest: Resolving "busybox" using '
        "unqualified-search registries"
    ) in text
    assert "Candidate 2: docker.io/library/busybox:latest" in text


def test_explain_blocked_and_errors_exit_1() -> None:
    """The story is told, and the status says the pull cannot work."""
    code, text = run(*example("explain", "untrusted.example.org/a:1"))

    assert code == 1
    assert "every source is blocked" in text
    code, text = run(*example("explain", "UPPER/case"))
    assert code == 1
    assert "repository name must be lowercase" in text


# -- check --------------------------------------------------------------------------------------


def test_check_the_example() -> None:
    """The shipped example is valid: every file listed as ok."""
    code, text = run(*example("check"))

    assert code == 0
    assert text.splitlines() == [
        f"ok: {EXAMPLE}",
        f"ok: {EXAMPLE_DIR}/10-aliases.conf",
        f"ok: {EXAMPLE_DIR}/50-no-hub-untrusted.conf",
    ]


def test_check_lists_every_problem(tmp_path: Path) -> None:
    """Each broken file is reported with its path and entry, not only the first."""
    main_conf = tmp_path / "registries.conf"
    main_conf.write_text(
        '[[registry]]\nlocation = "a.example.com"\n[[registry.mirror]]\nlocation = ""\n'
    )
    d = tmp_path / "d"
    d.mkdir()
    (d / "1.conf").write_text('short-name-mode = "sometimes"\n')
    (d / "2.conf").write_text('[aliases]\n"x" = "notqualified"\n')
    (d / "3.conf").write_text("unqualified-search-registries = []\n")
    code, text = run("check", "--config", str(main_conf), "--config-dir", str(d))
    lines = text.splitlines()

    assert code == 2
    assert len(lines) == 4
    assert lines[0].startswith(f"{main_conf}")
    assert lines[1].startswith(f"{d}/1.conf")
    assert "sometimes" in lines[1]
    assert lines[2].startswith(f"{d}/2.conf")
    assert "notqualified" in lines[2]
    assert lines[3] == "3 problems found"


def test_check_given_files(tmp_path: Path) -> None:
    """check FILE... validates each file on its own."""
    good = tmp_path / "good.conf"
    good.write_text('unqualified-search-registries = ["docker.io"]\n')
    bad = tmp_path / "bad.conf"
    bad.write_text("[[registry]\n")
    code, text = run("check", str(good), str(bad))

    assert code == 2
    assert text.splitlines()[0].startswith(f"{bad}: ")
    assert text.splitlines()[-1] == "1 problem found"
    assert run("check", str(good)) == (0, f"ok: {good}\n")


def test_check_warns_about_surprises(tmp_path: Path) -> None:
    """Valid but surprising: R-CONF-6.5 trailing slash, R-PULL-5 blocked elsewhere, R-LOAD-5."""
    main_conf = tmp_path / "registries.conf"
    main_conf.write_text(
        '[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n'
        '[[registry.mirror]]\nlocation = "m.example.com/hub/"\n'
        '[[registry]]\nprefix = "q.example.com"\nlocation = "r.example.com"\nblocked = true\n'
    )
    d = tmp_path / "d"
    d.mkdir()
    (d / "2.conf").write_text('[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n')
    code, text = run("check", "--config", str(main_conf), "--config-dir", str(d))
    warnings = [line for line in text.splitlines() if line.startswith("warning: ")]

    assert code == 0
    assert len(warnings) == 3
    assert warnings[0].startswith(f'warning: {main_conf}: registry[prefix="docker.io"].mirror[0]: ')
    assert "ends with '/'" in warnings[0]
    assert warnings[1].startswith(f'warning: {main_conf}: registry[prefix="q.example.com"]: ')
    assert "does not block them" in warnings[1]
    assert warnings[2].startswith(f'warning: {d}/2.conf: registry[prefix="docker.io"]: ')
    assert f"replaces the whole entry from {main_conf}, dropping its 1 mirror" in warnings[2]


def test_check_nothing_to_check(tmp_path: Path) -> None:
    """No file anywhere is valid: podman uses the empty configuration."""
    code, text = run("check", "--root", str(tmp_path))

    assert code == 0
    assert text == "ok: no configuration file found (podman uses an empty configuration)\n"


# -- parse and dump -----------------------------------------------------------------------------


def test_parse_json() -> None:
    """R-REF normalization: docker.io and library/ are added, the tag kept."""
    code, text = run("parse", "--json", "nginx:1.25")

    assert code == 0
    assert json.loads(text) == {
        "input": "nginx:1.25",
        "string": "docker.io/library/nginx:1.25",
        "name": "docker.io/library/nginx",
        "domain": "docker.io",
        "path": "library/nginx",
        "tag": "1.25",
        "digest": None,
        "familiar": "nginx:1.25",
        "with_default_tag": "docker.io/library/nginx:1.25",
        "short_name": True,
        "error": None,
    }


def test_parse_errors_exit_1() -> None:
    """An invalid reference is status 1 with Go's text."""
    code, text = run("parse", "--json", "UPPER/case")

    assert code == 1
    assert json.loads(text)["error"].endswith("repository name must be lowercase")
    assert run("parse", "--no-normalize", "nginx")[0] == 1  # ParseNamed wants canonical


def test_parse_text() -> None:
    """The human form lists the fields, '-' for absent ones."""
    code, text = run("parse", "quay.io/a/b@" + DIGEST)

    assert code == 0
    assert re.search(r"^digest +" + DIGEST + "$", text, re.MULTILINE)
    assert re.search(r"^tag +-$", text, re.MULTILINE)
    assert re.search(r"^short_name +false$", text, re.MULTILINE)


def test_dump_toml_round_trips() -> None:
    """The merged configuration printed as TOML loads back to an equal configuration."""
    code, text = run(*example("dump"))
    loaded = regresolve.load_config(EXAMPLE, dropin_dirs=[EXAMPLE_DIR], env={})

    assert code == 0
    assert regresolve.RegistriesConf.from_toml(text) == loaded


def test_dump_json() -> None:
    """JSON with registries.conf's key names: registries sorted by prefix, origins kept."""
    code, text = run(*example("dump", "--format", "json"))
    data = json.loads(text)

    assert code == 0
    assert [r["prefix"] for r in data["registry"]] == sorted(r["prefix"] for r in data["registry"])
    assert data["unqualified-search-registries"] == ["registry.example.com", "docker.io"]
    assert data["aliases"]["myapp"] == {
        "value": "registry.example.com/team/myapp",
        "origin": f"{EXAMPLE_DIR}/10-aliases.conf",
    }
    assert data["files"] == [
        EXAMPLE,
        f"{EXAMPLE_DIR}/10-aliases.conf",
        f"{EXAMPLE_DIR}/50-no-hub-untrusted.conf",
    ]


# -- the command itself -------------------------------------------------------------------------


def test_python_dash_m(tmp_path: Path) -> None:
    """``python -m regresolve`` is the same command, exit status included."""
    env = {k: v for k, v in os.environ.items() if k != "CONTAINERS_REGISTRIES_CONF"}
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "regresolve",
            "resolve",
            "--root",
            str(tmp_path),
            "--home",
            str(tmp_path),
            "Bad",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 1
    assert proc.stdout.startswith("Bad: error: ")


def test_every_option_is_documented() -> None:
    """docs/reference/cli.md names every subcommand and every option of the parser."""
    doc = (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name, subparser in sub.choices.items():  # type: ignore[union-attr]
        if f"regresolve {name}" not in doc:
            missing.append(name)
        for action in subparser._actions:
            missing.extend(
                o
                for o in action.option_strings
                if o.startswith("--") and o not in doc and o != "--help"
            )

    assert missing == []


def test_openshift_subcommands_are_reachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``regresolve openshift ...`` runs through the main command (exit codes shared)."""
    missing = tmp_path / "missing.yaml"
    code, text = run("openshift", "plan", str(missing), "docker.io/library/busybox:1")

    assert code == 2
    assert text == ""
    assert str(missing) in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["openshift", "render", "--help"], out=io.StringIO())
    assert exc.value.code == 0


def test_unprintable_input_is_escaped() -> None:
    """Terminal control characters in a reference are never echoed raw."""
    code, text = run("resolve", "--root", "/nonexistent", "x\x1b[2m", "")

    assert code == 1
    assert text == (
        '"x\\u001b[2m": error: invalid reference format\n"": error: invalid reference format\n'
    )
