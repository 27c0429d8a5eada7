# ruff: noqa: E501 - upstream vectors and error texts are long lines
"""Where the loader looks (R-LOAD-1..4, R-LOAD-9, R-SN-6), on real temporary directories.

Expected values: upstream ``TestNewConfigWrapper``, ``TestEmptyConfig``,
``TestInvalidV2Configs``, ``TestRegistriesConfDirectory`` (pkg/sysregistriesv2 v5.34.2) and
the spec's R-LOAD rules, all of which the oracle differential test also checks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import regresolve
from regresolve import InvalidConfig
from regresolve._atomic import write_atomic
from regresolve._files import alias_cache_path, config_paths, load_alias_cache

DATA = Path(__file__).parent / "data" / "sysregistriesv2"
USER_FILE = ".config/containers/registries.conf"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# -- TestNewConfigWrapper --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "user_file", "expected"),
    [
        ({}, False, "/etc/containers/registries.conf"),
        (
            {"path": "/this/is/not/the/default/registries.conf"},
            False,
            "/this/is/not/the/default/registries.conf",
        ),
        ({"root": "/root/prefix"}, False, "/root/prefix/etc/containers/registries.conf"),
        ({"root": "/root/prefix", "path": "/nondefault.conf"}, False, "/nondefault.conf"),
        ({}, True, "<home>/" + USER_FILE),
        ({"path": "/nondefault.conf"}, True, "/nondefault.conf"),
        ({"root": "/root/prefix", "path": "/nondefault.conf"}, True, "/nondefault.conf"),
        ({"path": "$HOME"}, False, "$HOME"),  # no expansion
    ],
)
def test_new_config_wrapper(
    tmp_path: Path, kwargs: dict[str, str], user_file: bool, expected: str
) -> None:
    if user_file:
        write(tmp_path / USER_FILE, "")
    paths = config_paths(home=tmp_path, env={}, **kwargs)
    assert paths.config_path == expected.replace("<home>", str(tmp_path))


def test_dirs_default(tmp_path: Path) -> None:  # SPEC R-LOAD-2
    paths = config_paths(home=tmp_path, env={}, root="/r")
    assert paths.dirs == [
        "/r/etc/containers/registries.conf.d",
        f"{tmp_path}/.config/containers/registries.conf.d",
    ]
    assert paths.config_dir_path == f"{tmp_path}/.config/containers/registries.conf.d"


def test_dirs_with_explicit_path_still_read_both(tmp_path: Path) -> None:  # SPEC R-LOAD-2
    paths = config_paths("/x.conf", home=tmp_path, env={})
    assert paths.dirs == [
        "/etc/containers/registries.conf.d",
        f"{tmp_path}/.config/containers/registries.conf.d",
    ]


def test_dirs_with_user_file(tmp_path: Path) -> None:  # SPEC R-LOAD-2
    write(tmp_path / USER_FILE, "")
    assert config_paths(home=tmp_path, env={}).dirs == [
        f"{tmp_path}/.config/containers/registries.conf.d"
    ]
    paths = config_paths(home=tmp_path, env={}, dropin_dirs="/d")
    assert paths.dirs == ["/d"]
    assert paths.config_dir_path == "/d"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CONTAINERS_REGISTRIES_CONF": "/a.conf", "REGISTRIES_CONFIG_PATH": "/b.conf"}, "/a.conf"),
        ({"REGISTRIES_CONFIG_PATH": "/b.conf"}, "/b.conf"),
        # Set but empty: the search stops, the default applies (os.LookupEnv semantics).
        (
            {"CONTAINERS_REGISTRIES_CONF": "", "REGISTRIES_CONFIG_PATH": "/b.conf"},
            "/etc/containers/registries.conf",
        ),
    ],
)
def test_environment(tmp_path: Path, env: dict[str, str], expected: str) -> None:  # SPEC R-LOAD-9
    assert config_paths(home=tmp_path, env=env).config_path == expected


def test_explicit_argument_beats_environment(tmp_path: Path) -> None:  # SPEC R-LOAD-9
    env = {"CONTAINERS_REGISTRIES_CONF": "/a.conf"}
    assert config_paths("/cli.conf", home=tmp_path, env=env).config_path == "/cli.conf"


def test_home_from_env(tmp_path: Path) -> None:
    write(tmp_path / USER_FILE, "")
    assert config_paths(env={"HOME": str(tmp_path)}).config_path == f"{tmp_path}/{USER_FILE}"


# -- loading ---------------------------------------------------------------------------------


def test_empty_config_missing_files(tmp_path: Path) -> None:  # TestEmptyConfig
    conf = regresolve.load_config(root=tmp_path / "does-not-exist", home=tmp_path, env={})
    assert conf.registries == ()
    assert conf.unqualified_search_registries is None
    assert conf.unqualified_search_registries_origin == ""
    assert conf.files == ()
    assert conf.path == f"{tmp_path}/does-not-exist/etc/containers/registries.conf"


def test_explicit_missing_file(tmp_path: Path) -> None:  # TestInvalidV2Configs, SPEC R-LOAD-4
    p = f"{tmp_path}/this-does-not-exist.conf"
    with pytest.raises(InvalidConfig) as info:
        regresolve.load_config(p, dropin_dirs=(), env={}, home=tmp_path)
    assert (
        info.value.go_message
        == f'loading registries configuration "{p}": open {p}: no such file or directory'
    )
    assert info.value.path == p


def test_main_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "etc/containers/registries.conf").mkdir(parents=True)
    p = f"{tmp_path}/etc/containers/registries.conf"
    with pytest.raises(InvalidConfig) as info:
        regresolve.load_config(root=tmp_path, home=tmp_path / "h", env={})
    assert (
        info.value.go_message == f'loading registries configuration "{p}": read {p}: is a directory'
    )


def test_registries_conf_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # TestRegistriesConfDirectory, with upstream's relative paths.
    shutil.copytree(DATA, tmp_path / "testdata")
    monkeypatch.chdir(tmp_path)
    conf = regresolve.load_config(
        "testdata/base-for-registries.d.conf", dropin_dirs="testdata/registries.conf.d", env={}
    )
    assert conf.unqualified_search_registries == ("example-overwrite.com",)
    assert conf.unqualified_search_registries_origin == "testdata/registries.conf.d/config-1.conf"
    assert len(conf.registries) == 6
    assert conf.files == (
        "testdata/base-for-registries.d.conf",
        "testdata/registries.conf.d/config-1.conf",
        "testdata/registries.conf.d/config-2.conf",
        "testdata/registries.conf.d/config-3.conf",
        "testdata/registries.conf.d/subdomain-override-1.conf",
        "testdata/registries.conf.d/subdomain-override-2.conf",
        "testdata/registries.conf.d/subdomain-override-3.conf",
    )
    assert conf.dir_path == "testdata/registries.conf.d"


def test_dropin_selection_and_order(tmp_path: Path) -> None:  # SPEC R-LOAD-3
    d = tmp_path / "etc/containers/registries.conf.d"
    for name in (
        "2-b.conf",
        "10-a.conf",
        "Z.conf",
        "a.conf",
        ".hidden.conf",
        "X.CONF",
        "y.conf.bak",
    ):
        write(d / name, f'credential-helpers = ["{name}"]\n')
    (d / "sub.conf").mkdir()
    write(d / "nested/n.conf", "not toml [")
    target = write(tmp_path / "elsewhere.txt", "")
    (d / "link.conf").symlink_to(target)
    (d / "dangling.conf").symlink_to(tmp_path / "nowhere")
    conf = regresolve.load_config(root=tmp_path, home=tmp_path / "h", env={})
    names = [Path(f).name for f in conf.files]
    assert names == [".hidden.conf", "10-a.conf", "2-b.conf", "Z.conf", "a.conf", "link.conf"]
    assert conf.credential_helpers == ("a.conf",)


def test_dropin_dir_given_as_conf_file(tmp_path: Path) -> None:  # SPEC R-LOAD-3
    f = write(tmp_path / "one.conf", 'short-name-mode = "disabled"\n')
    conf = regresolve.load_config(
        write(tmp_path / "main.conf", ""), dropin_dirs=str(f), env={}, home=tmp_path
    )
    assert conf.short_name_mode == "disabled"
    assert conf.files[1:] == (str(f),)


def test_dropin_dir_symlink_is_not_entered(tmp_path: Path) -> None:  # filepath.WalkDir lstat
    real = tmp_path / "real"
    write(real / "a.conf", 'short-name-mode = "disabled"\n')
    (tmp_path / "link").symlink_to(real)
    conf = regresolve.load_config(
        write(tmp_path / "m.conf", ""), dropin_dirs=str(tmp_path / "link"), env={}, home=tmp_path
    )
    assert conf.short_name_mode == ""


def test_dropin_symlink_loop(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "x.conf").symlink_to("x.conf")
    with pytest.raises(InvalidConfig) as info:
        regresolve.load_config(
            write(tmp_path / "m.conf", ""), dropin_dirs=str(d), env={}, home=tmp_path
        )
    p = f"{d}/x.conf"
    assert info.value.go_message == (
        f'loading drop-in registries configuration "{p}": open {p}: too many levels of symbolic links'
    )


def test_non_utf8(tmp_path: Path) -> None:
    p = tmp_path / "m.conf"
    p.write_bytes(b'a = "\xff"\n')
    with pytest.raises(InvalidConfig) as info:
        regresolve.load_config(p, dropin_dirs=(), env={}, home=tmp_path)
    assert info.value.go_message.startswith(f'loading registries configuration "{p}": toml: line 1')
    assert "invalid UTF-8 byte: 0xff" in info.value.go_message


def test_user_file_hides_system_file_and_dropins(tmp_path: Path) -> None:  # SPEC R-LOAD-1/2
    home = tmp_path / "home"
    write(home / USER_FILE, "")
    write(tmp_path / "etc/containers/registries.conf", 'short-name-mode = "enforcing"\n')
    write(tmp_path / "etc/containers/registries.conf.d/a.conf", 'short-name-mode = "disabled"\n')
    write(home / ".config/containers/registries.conf.d/b.conf", 'credential-helpers = ["x"]\n')
    conf = regresolve.load_config(root=tmp_path, home=home, env={})
    assert conf.short_name_mode == ""
    assert conf.credential_helpers == ("x",)
    assert conf.path == f"{home}/{USER_FILE}"
    assert conf.dir_path == f"{home}/.config/containers/registries.conf.d"


# -- alias cache (R-SN-6) ------------------------------------------------------------------


def test_alias_cache_path_rules(tmp_path: Path) -> None:
    assert alias_cache_path("/x.conf") == "/x.conf"
    assert alias_cache_path(env={}, euid=0) == "/var/cache/containers/short-name-aliases.conf"
    assert alias_cache_path(env={"_CONTAINERS_ROOTLESS_UID": "0"}, home=tmp_path) == (
        "/var/cache/containers/short-name-aliases.conf"
    )
    assert (
        alias_cache_path(env={"XDG_CACHE_HOME": "/c"}, euid=1000)
        == "/c/containers/short-name-aliases.conf"
    )
    assert alias_cache_path(env={}, euid=1000, home=tmp_path) == (
        f"{tmp_path}/.cache/containers/short-name-aliases.conf"
    )


def test_alias_cache_missing_is_empty(tmp_path: Path) -> None:
    assert load_alias_cache(tmp_path / "nope.conf") == ()


def test_alias_cache_load(tmp_path: Path) -> None:
    p = write(tmp_path / "a.conf", '[aliases]\nfoo = "a.com/foo"\n')
    (alias,) = load_alias_cache(p)
    assert (alias.name, alias.value, alias.origin) == ("foo", "a.com/foo", str(p))


def test_alias_cache_invalid(tmp_path: Path) -> None:
    p = write(tmp_path / "a.conf", '[aliases]\nfoo = "foo"\n')
    with pytest.raises(InvalidConfig) as info:
        load_alias_cache(p)
    assert info.value.go_message == (
        f'loading short-name aliases config file "{p}": invalid alias "foo": must contain registry and repository'
    )


# -- atomic writes ---------------------------------------------------------------------------


def test_write_atomic(tmp_path: Path) -> None:
    p = tmp_path / "out.conf"
    write_atomic(p, "a = 1\n")
    write_atomic(p, b"b = 2\n", mode=0o600)
    assert p.read_text() == "b = 2\n"
    assert p.stat().st_mode & 0o777 == 0o600
    assert [x.name for x in tmp_path.iterdir()] == ["out.conf"]


def test_write_atomic_failure_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing-dir" / "x", "x")
    assert list(tmp_path.iterdir()) == []


def test_round_trip_through_files(tmp_path: Path) -> None:
    conf = regresolve.RegistriesConf.from_toml(
        (DATA / "pull-sources-from-reference.conf").read_text()
    )
    p = tmp_path / "r.conf"
    write_atomic(p, conf.to_toml())
    assert regresolve.load_config(p, dropin_dirs=(), env={}, home=tmp_path) == conf
