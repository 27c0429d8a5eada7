"""Loading and planning per containers/image release (issue 14), without Go.

Each test states one behaviour change between releases the way the Go sources of each era
say it (tests/oracle/eras/ERAS.md names the file, function and commit); the same facts are
checked against the era oracles themselves in tests/test_oracle_eras_smoke.py and, on
generated inputs, in tests/test_eras_differential.py.  Here regresolve answers them for the
five modelled releases, each through ``load_config(..., version=...)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import regresolve
from regresolve import InvalidConfig, RegistriesConf, Resolver

ERAS = ("5.23.1", "5.26.1", "5.34.2", "5.39.2", "5.41.1")
SYS = "/etc/containers/registries.conf"
DROPINS = "/etc/containers/registries.conf.d"
USER_CONF = "/home/user/.config/containers/registries.conf"
USER_DROPINS = "/home/user/.config/containers/registries.conf.d"


def at_least(era: str, version: str) -> bool:
    have = tuple(int(x) for x in era.split(".")[:2])
    return have >= tuple(int(x) for x in version.split("."))


@pytest.fixture(params=ERAS, ids=lambda e: f"c-image-{e}")
def era(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Loaded:
    """One load below a private root R, with R taken out of every path it reports."""

    def __init__(
        self,
        tmp: Path,
        era: str,
        files: dict[str, str | None],
        *,
        symlinks: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        path: str | None = None,
    ) -> None:
        self.root = str(tmp / "R")
        os.makedirs(self.root + "/home/user")
        for name, text in files.items():
            full = self.root + name
            if text is None:
                os.makedirs(full, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                Path(full).write_text(text)
        for name, target in (symlinks or {}).items():
            os.makedirs(os.path.dirname(self.root + name), exist_ok=True)
            os.symlink(target, self.root + name)
        environ = {k: (self.root + v if v.startswith("/") else v) for k, v in (env or {}).items()}
        environ.setdefault("_CONTAINERS_ROOTLESS_UID", "0")
        self.conf: RegistriesConf | None = None
        self.error: str | None = None
        try:
            self.conf = regresolve.load_config(
                self.root + path if path else None,
                home=self.root + "/home/user",
                env=environ,
                root=self.root,
                version=era,
            )
        except InvalidConfig as e:
            self.error = self.strip(e.go_message)

    def strip(self, text: str) -> str:
        return text.replace(self.root, "")

    @property
    def c(self) -> RegistriesConf:
        assert self.conf is not None, self.error
        return self.conf

    def plan(self, ref: str) -> Any:
        return Resolver(self.c).plan(ref)


def usr(*registries: str) -> str:
    return "unqualified-search-registries = [" + ", ".join(f'"{r}"' for r in registries) + "]\n"


# ---------------------------------------------------------------------------- the API


def test_the_release_is_visible_on_the_configuration() -> None:
    assert RegistriesConf.from_toml("").containers_image == "5.34.2"
    assert RegistriesConf.from_toml("", version="v5.23.1").containers_image == "5.23.1"
    assert RegistriesConf.from_toml("", version=" 5.41 ").containers_image == "5.41"
    with pytest.raises(regresolve.InvalidProfile, match=r"5\.23 to 5\.41"):
        RegistriesConf.from_toml("", version="5.22")


# ---------------------------------------------------------------------------- plans


def test_mirror_location_trailing_slash(tmp_path: Path, era: str) -> None:
    # 5.35 (445cbd40): postProcessRegistries keeps the trimmed mirror location; before, the
    # location stayed as written and rewriting through it failed.
    conf = (
        '[[registry]]\nlocation = "example.com"\n[[registry.mirror]]\nlocation = "m.example.com/"'
    )
    x = Loaded(tmp_path, era, {SYS: conf})
    [reg] = x.c.registries
    if at_least(era, "5.35"):
        assert reg.mirrors[0].location == "m.example.com"
        assert x.plan("example.com/x:1").sources[0].reference == "m.example.com/x:1"
    else:
        assert reg.mirrors[0].location == "m.example.com/"
        with pytest.raises(regresolve.PlanError, match=r"^rewriting reference: invalid reference"):
            x.plan("example.com/x:1")


def test_blocked_source_message(tmp_path: Path, era: str) -> None:
    # newDockerClient: "blocked in %s or %s" (ConfigPath, ConfigDirPath) up to 5.39, "blocked in
    # one of %s" (ConfigurationSourceDescription, a %q list) from 5.40.
    x = Loaded(tmp_path, era, {SYS: '[[registry]]\nlocation = "a.io"\nblocked = true\n'})
    message = x.strip(x.plan("a.io/x").sources[0].blocked_error)
    if at_least(era, "5.40"):
        searched = [
            USER_CONF,
            SYS,
            "/usr/share/containers/registries.conf",
            USER_DROPINS,
            "/etc/containers/registries.rootful.conf.d",
            DROPINS,
            "/usr/share/containers/registries.rootful.conf.d",
            "/usr/share/containers/registries.conf.d",
        ]
        assert (
            message
            == "registry a.io is blocked in one of [" + " ".join(f'"{p}"' for p in searched) + "]"
        )
    else:
        assert message == f"registry a.io is blocked in {SYS} or {USER_DROPINS}"


def test_namespace_proxy(tmp_path: Path, era: str) -> None:
    # 5.41: Endpoint.NamespaceProxy on the registry and each mirror, carried to the sources.
    conf = (
        '[[registry]]\nlocation = "proxy.example.com"\nnamespace-proxy = "docker.io"\n'
        '[[registry.mirror]]\nlocation = "m.example.com"\nnamespace-proxy = "quay.io"\n'
    )
    x = Loaded(tmp_path, era, {SYS: conf})
    sources = x.plan("proxy.example.com/x:1").sources
    expected = ["quay.io", "docker.io"] if at_least(era, "5.41") else ["", ""]
    assert [s.namespace_proxy for s in sources] == expected


def test_namespace_proxy_type_error(tmp_path: Path, era: str) -> None:
    conf = '[[registry]]\nlocation = "a.io"\nnamespace-proxy = 1\n'
    x = Loaded(tmp_path, era, {SYS: conf})
    if at_least(era, "5.41"):
        assert x.error == (
            f'loading registries configuration "{SYS}": toml: line 3 (last key '
            '"registry.namespace-proxy"): incompatible types: TOML value has type int64; '
            "destination has type string"
        )
    else:
        assert x.error is None


def test_additional_layer_store_auth_helper(tmp_path: Path, era: str) -> None:
    # 5.32 (6ddd9548) adds the field; before, the key is unknown and its type does not matter.
    x = Loaded(tmp_path, era, {SYS: "additional-layer-store-auth-helper = 1\n"})
    if at_least(era, "5.32"):
        assert x.error == (
            f'loading registries configuration "{SYS}": toml: line 1 (last key '
            '"additional-layer-store-auth-helper"): incompatible types: TOML value has type '
            "int64; destination has type string"
        )
    else:
        assert x.error is None
        assert x.c.additional_layer_store_auth_helper == ""


# ---------------------------------------------------------------------------- v1 and v2


def test_v1_v2_mixing_with_empty_v1_tables(tmp_path: Path, era: str) -> None:
    # <=5.23 Nonempty(): an empty v1 list is absent, so the file is plain v2; 5.24 (77356a9b)
    # hasSetField(): mixing, with the %#v dump; 5.40: v1 in any form is refused.
    text = usr("a.io") + "[registries.search]\nregistries = []\n"
    x = Loaded(tmp_path, era, {SYS: text})
    head = f'loading registries configuration "{SYS}": '
    if at_least(era, "5.40"):
        assert x.error == head + "registries.conf must be in v2 format but is in v1"
    elif at_least(era, "5.24"):
        assert x.error is not None
        assert x.error.startswith(
            head + "mixing sysregistry v1/v2 is not supported: sysregistriesv2.tomlConfig{"
        )
        # the dump names the struct fields of its release (5.32 added one)
        assert ("AdditionalLayerStoreAuthHelper:" in x.error) == at_least(era, "5.32")
        assert 'UnqualifiedSearchRegistries:[]string{"a.io"}' in x.error
        assert "Search:sysregistriesv2.V1TOMLregistries{Registries:[]string{}}" in x.error
    else:
        assert x.c.unqualified_search_registries == ("a.io",)


def test_mixing_message_before_5_24(tmp_path: Path, era: str) -> None:
    text = usr("a.io") + '[registries.search]\nregistries = ["b.io"]\n'
    x = Loaded(tmp_path, era, {SYS: text})
    if not at_least(era, "5.24"):
        assert x.error == (
            f'loading registries configuration "{SYS}": mixing sysregistry v1/v2 is not supported'
        )


def test_only_empty_v1_arrays(tmp_path: Path, era: str) -> None:
    x = Loaded(tmp_path, era, {SYS: "[registries.search]\nregistries = []\n"})
    if at_least(era, "5.40"):
        assert x.error is not None
        assert x.error.endswith("registries.conf must be in v2 format but is in v1")
    elif at_least(era, "5.24"):
        assert x.c.unqualified_search_registries == ()
    else:
        assert x.c.unqualified_search_registries is None


def test_v1_dropin(tmp_path: Path, era: str) -> None:
    # A drop-in must be v2: "registry must be in v2 format but is in v1" up to 5.39 (<=5.23 only
    # for non-empty lists), the 5.40 text for every file.
    x = Loaded(tmp_path, era, {f"{DROPINS}/a.conf": "[registries.block]\nregistries = []\n"})
    if at_least(era, "5.40"):
        assert x.error == (
            f'loading registries configuration "{DROPINS}/a.conf": registries.conf must be in'
            " v2 format but is in v1"
        )
    elif at_least(era, "5.24"):
        assert x.error == (
            f'loading drop-in registries configuration "{DROPINS}/a.conf": registry must be in'
            " v2 format but is in v1"
        )
    else:
        assert x.error is None


# ---------------------------------------------------------------------------- errors


def test_alias_errors_separator(tmp_path: Path, era: str) -> None:
    # newShortNameAliasCache: "%v\n: %w" chaining up to 5.30; multierr "\n" from 5.31.
    x = Loaded(tmp_path, era, {SYS: '[aliases]\na = "quay.io/a:1"\nb = "b:1"\n'})
    head = f'loading registries configuration "{SYS}": validating short-name aliases: '
    assert x.error is not None
    assert x.error.startswith(head)
    sep = "\n" if at_least(era, "5.31") else "\n: "
    assert set(x.error[len(head) :].split(sep)) == {
        'invalid alias "quay.io/a:1": must not contain tag',
        'invalid alias "b:1": must not contain tag',
    }


def test_vanished_dropin(tmp_path: Path, era: str) -> None:
    # 5.34 (c9771a80): a drop-in that fails to open with ENOENT is skipped.
    x = Loaded(tmp_path, era, {DROPINS: None}, symlinks={f"{DROPINS}/x.conf": "nowhere.conf"})
    if at_least(era, "5.34"):
        assert x.error is None
    else:
        path = f"{DROPINS}/x.conf"
        assert x.error == (
            f'loading drop-in registries configuration "{path}": '
            f"open {path}: no such file or directory"
        )


# ---------------------------------------------------------------------------- discovery (5.40)


def test_containers_registries_conf_and_override(tmp_path: Path) -> None:
    files: dict[str, str | None] = {
        "/custom.conf": usr("custom.io"),
        "/override.conf": usr("override.io"),
        SYS: usr("etc.io"),
        f"{DROPINS}/x.conf": 'short-name-mode = "disabled"\n',
    }
    env = {
        "CONTAINERS_REGISTRIES_CONF": "/custom.conf",
        "CONTAINERS_REGISTRIES_CONF_OVERRIDE": "/override.conf",
    }
    x = Loaded(tmp_path, "5.41", files, env=env)
    assert x.c.unqualified_search_registries == ("override.io",)
    assert x.strip(x.c.unqualified_search_registries_origin) == "/override.conf"
    assert x.c.effective_short_name_mode == "permissive"  # no drop-in read
    assert (x.strip(x.c.path), x.c.dir_path) == ("/custom.conf", "")


def test_missing_files_named_by_the_environment(tmp_path: Path) -> None:
    x = Loaded(tmp_path, "5.41", {}, env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": "/missing.conf"})
    assert x.error == "open /missing.conf: no such file or directory"
    y = Loaded(tmp_path / "b", "5.41", {}, env={"CONTAINERS_REGISTRIES_CONF": "/gone.conf"})
    assert y.error == "open /gone.conf: no such file or directory"


def test_main_file_search_order(tmp_path: Path, era: str) -> None:
    x = Loaded(tmp_path, era, {"/usr/share/containers/registries.conf": usr("usr.io")})
    found = x.c.unqualified_search_registries
    assert found == (("usr.io",) if at_least(era, "5.40") else None)


def test_user_file_and_system_dropins(tmp_path: Path, era: str) -> None:
    files: dict[str, str | None] = {
        USER_CONF: usr("user.io"),
        f"{DROPINS}/x.conf": 'short-name-mode = "disabled"\n',
    }
    x = Loaded(tmp_path, era, files)
    assert x.c.unqualified_search_registries == ("user.io",)
    assert x.c.effective_short_name_mode == ("disabled" if at_least(era, "5.40") else "permissive")


def test_dropin_basename_masking(tmp_path: Path, era: str) -> None:
    files: dict[str, str | None] = {
        f"{DROPINS}/50.conf": usr("etc.io") + 'short-name-mode = "disabled"\n',
        f"{USER_DROPINS}/50.conf": usr("user.io"),
    }
    x = Loaded(tmp_path, era, files)
    assert x.c.unqualified_search_registries == ("user.io",)
    assert x.c.effective_short_name_mode == ("permissive" if at_least(era, "5.40") else "disabled")


def test_rootless_dropin_directories(tmp_path: Path, era: str) -> None:
    files: dict[str, str | None] = {
        "/etc/containers/registries.rootful.conf.d/a.conf": usr("rootful.io"),
        "/etc/containers/registries.rootless.conf.d/1000/a.conf": usr("u1000.io"),
    }
    root = Loaded(tmp_path / "a", era, files).c.unqualified_search_registries
    rootless = Loaded(tmp_path / "b", era, files, env={"_CONTAINERS_ROOTLESS_UID": "1000"})
    if at_least(era, "5.40"):
        assert root == ("rootful.io",)
        assert rootless.c.unqualified_search_registries == ("u1000.io",)
    else:
        assert root is None
        assert rootless.c.unqualified_search_registries is None


def test_search_registries_origin(tmp_path: Path, era: str) -> None:
    x = Loaded(tmp_path, era, {SYS: 'short-name-mode = "enforcing"\n'})
    result = regresolve.plan_image(Resolver(x.c), "busybox")
    head = 'short-name "busybox" did not resolve to an alias and no '
    assert result.error is not None
    if at_least(era, "5.40"):
        assert x.c.unqualified_search_registries_origin == ""
        assert result.error == head + "containers-registries.conf(5) was found"
    else:
        assert x.strip(x.c.unqualified_search_registries_origin) == SYS
        assert (
            x.strip(result.error) == head + f'unqualified-search registries are defined in "{SYS}"'
        )


def test_config_paths(tmp_path: Path, era: str) -> None:
    x = Loaded(tmp_path, era, {})
    assert x.strip(x.c.dir_path) == USER_DROPINS
    assert x.strip(x.c.path) == (USER_CONF if at_least(era, "5.40") else SYS)


def test_dropin_directory_is_a_file(tmp_path: Path, era: str) -> None:
    x = Loaded(tmp_path, era, {DROPINS: "not a directory"})
    if at_least(era, "5.40"):
        assert x.error == f"open {DROPINS}: not a directory"
    else:
        assert x.error is None


def test_config_files_lists_what_5_40_reads(tmp_path: Path) -> None:
    files: dict[str, str | None] = {
        SYS: "",
        f"{DROPINS}/50.conf": "",
        f"{USER_DROPINS}/50.conf": "",
        "/usr/share/containers/registries.conf.d/10.conf": "",
    }
    x = Loaded(tmp_path, "5.41", files)
    listed = regresolve.config_files(
        home=x.root + "/home/user",
        env={"_CONTAINERS_ROOTLESS_UID": "0"},
        root=x.root,
        version="5.41",
    )
    assert x.strip(listed.main) == SYS
    assert [x.strip(f) for f in listed.dropins] == [
        "/usr/share/containers/registries.conf.d/10.conf",
        f"{USER_DROPINS}/50.conf",
    ]
    assert [(x.strip(p), x.strip(why)) for p, why in listed.skipped] == [
        (f"{DROPINS}/50.conf", f"masked by {USER_DROPINS}/50.conf")
    ]
