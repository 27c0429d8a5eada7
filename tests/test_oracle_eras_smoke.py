"""Sanity checks of the per-era Go oracles (tests/oracle/eras/): each is the library it claims
to be, and each shows the behaviour changes of issue 14 the way the Go sources say.

Expected values are facts: the issue's list of changes, the containers/image sources unpacked by
tests/oracle/eras/build.sh (file and function named at each test; see tests/oracle/eras/ERAS.md),
and BurntSushi/toml's sources.  None is copied from an oracle answer.  A missing era binary
fails under ``$CI`` and skips elsewhere (``support.oracle_eras.era_oracle``).
"""

from __future__ import annotations

from typing import Any

import pytest

from support.oracle import Oracle
from support.oracle_eras import CONTROL_ERA, ERA_VERSIONS, ERAS, EraOracle, era_oracle

pytestmark = pytest.mark.oracle

SYS = "/etc/containers/registries.conf"
DROPINS = "/etc/containers/registries.conf.d"
USER_CONF = "/home/user/.config/containers/registries.conf"
USER_DROPINS = "/home/user/.config/containers/registries.conf.d"
DIGEST = "sha256:d366a4665ab44f0648d7a00ae3fae139d55e32f9712c67accd604bb55df9d05a"
GO = {"5.23": "go1.23", "5.26": "go1.23", "5.34": "go1.23", "5.39": "go1.24", "5.41": "go1.24"}


def at_least(era: str, version: str) -> bool:
    """``era`` (``"5.26"``) is ``version`` (``"5.24"``) or newer."""
    return tuple(map(int, era.split("."))) >= tuple(map(int, version.split(".")))


@pytest.fixture(params=ERAS, ids=lambda e: f"c-image-{e}")
def era(request: pytest.FixtureRequest) -> EraOracle:
    return era_oracle(request.param)


def load(era: EraOracle, files: dict[str, str | None], **fields: Any) -> dict[str, Any]:
    return era.config(files=files, **fields)


def usr(*registries: str) -> str:
    """A registries.conf line setting unqualified-search-registries."""
    return "unqualified-search-registries = [" + ", ".join(f'"{r}"' for r in registries) + "]\n"


# ---------------------------------------------------------------------------- identity


def test_version(era: EraOracle) -> None:
    v = era.version()
    assert v["containers_image"] == ERA_VERSIONS[era.era]
    assert v["era"] == era.era
    assert v["go"].startswith(GO[era.era])
    # namespace-proxy is 5.41's; configfile discovery 5.40's; the ALS helper 5.32's.
    assert ("namespace_proxy" in v["features"]) == at_least(era.era, "5.41")
    assert ("configfile_discovery" in v["features"]) == at_least(era.era, "5.40")
    assert ("additional_layer_store_auth_helper" in v["features"]) == at_least(era.era, "5.32")
    assert "credentials" in v["features"]


def test_parse_is_the_same_in_every_era(era: EraOracle) -> None:
    # docker/reference did not change in grammar or normalization from 5.16 to 5.41.
    a = era.parse("busybox")
    assert a["normalized"]["tagged"] == "docker.io/library/busybox:latest"
    assert a["named_error"] == "repository name must be canonical"
    assert a["short"] is True
    bad = era.parse("Foo/bar")
    assert bad["normalized_error"] == "invalid reference format: repository name must be lowercase"


# ---------------------------------------------------------------------------- plans


def test_pull_from_mirror_digest_only(era: EraOracle) -> None:
    # pull-from-mirror exists since 5.21 (0642df25): every era honours it.
    # (system_registries_v2.go, Registry.PullSourcesFromReference: digest-only mirrors are
    # skipped for a tag pull.)
    conf = (
        '[[registry]]\nlocation = "example.com"\n'
        '[[registry.mirror]]\nlocation = "d.example.com"\npull-from-mirror = "digest-only"\n'
        '[[registry.mirror]]\nlocation = "t.example.com"\npull-from-mirror = "tag-only"\n'
    )
    a = load(era, {SYS: conf}, refs=["example.com/a/b:1", f"example.com/a/b@{DIGEST}"])
    tag, dig = a["plans"]
    assert [s["reference"] for s in tag["sources"]] == [
        "t.example.com/a/b:1",
        "example.com/a/b:1",
    ]
    assert [s["reference"] for s in dig["sources"]] == [
        f"d.example.com/a/b@{DIGEST}",
        f"example.com/a/b@{DIGEST}",
    ]


def test_mirror_location_trailing_slash(era: EraOracle) -> None:
    # 5.35 (445cbd40): postProcessRegistries stores the trimmed mirror location (the loop takes
    # &reg.Mirrors[j]); before, "m.example.com/" stayed and rewriting the reference failed.
    conf = (
        '[[registry]]\nlocation = "example.com"\n[[registry.mirror]]\nlocation = "m.example.com/"'
    )
    a = load(era, {SYS: conf}, refs=["example.com/x:1"])
    [reg] = a["config"]["registries"]
    [plan] = a["plans"]
    if at_least(era.era, "5.35"):
        assert reg["mirrors"][0]["location"] == "m.example.com"
        assert plan["error"] is None
        assert plan["sources"][0]["reference"] == "m.example.com/x:1"
    else:
        assert reg["mirrors"][0]["location"] == "m.example.com/"
        assert plan["error"] == "rewriting reference: invalid reference format"


def test_blocked_source_message(era: EraOracle) -> None:
    # docker/docker_client.go, newDockerClient: "registry %s is blocked in %s or %s" (ConfigPath,
    # ConfigDirPath) up to 5.39; "registry %s is blocked in one of %s"
    # (ConfigurationSourceDescription) in 5.41.
    conf = '[[registry]]\nlocation = "a.io"\nblocked = true\n'
    a = load(era, {SYS: conf}, refs=["a.io/x"])
    message = a["plans"][0]["sources"][0]["blocked_error"]
    if at_least(era.era, "5.40"):
        assert message == f"registry a.io is blocked in one of {a['config_source_description']}"
    else:
        assert message == f"registry a.io is blocked in {SYS} or {USER_DROPINS}"


def test_namespace_proxy(era: EraOracle) -> None:
    # 5.41: Endpoint.NamespaceProxy (toml "namespace-proxy") on the registry and each mirror;
    # older versions ignore the unknown key.
    conf = (
        '[[registry]]\nlocation = "proxy.example.com"\nnamespace-proxy = "docker.io"\n'
        '[[registry.mirror]]\nlocation = "m.example.com"\nnamespace-proxy = "quay.io"\n'
    )
    a = load(era, {SYS: conf}, refs=["proxy.example.com/x:1"])
    assert a["error"] is None
    [reg] = a["config"]["registries"]
    sources = a["plans"][0]["sources"]
    if at_least(era.era, "5.41"):
        assert reg["namespace_proxy"] == "docker.io"
        assert reg["mirrors"][0]["namespace_proxy"] == "quay.io"
        assert [s["namespace_proxy"] for s in sources] == ["quay.io", "docker.io"]
    else:
        assert "namespace_proxy" not in reg
        assert all("namespace_proxy" not in s for s in sources)


# ---------------------------------------------------------------------------- loading


def test_v1_v2_mixing_with_empty_v1_tables(era: EraOracle) -> None:
    # 5.24 (77356a9b): loadConfigFile tests V1RegistriesConf.hasSetField() (an empty v1 array
    # counts) and adds the %#v dump; before, Nonempty() ignored empty v1 arrays.  5.40
    # (6d8b59c522): any v1 table is the hard error "registries.conf must be in v2 format but
    # is in v1".
    conf = '[registries.search]\nregistries = []\n[[registry]]\nlocation = "a.example.com"\n'
    a = load(era, {SYS: conf})
    prefix = f'loading registries configuration "{SYS}": '
    if at_least(era.era, "5.40"):
        assert a["error"] == prefix + "registries.conf must be in v2 format but is in v1"
    elif at_least(era.era, "5.24"):
        assert a["error"].startswith(
            prefix + "mixing sysregistry v1/v2 is not supported: sysregistriesv2.tomlConfig{"
        )
    else:
        assert a["error"] is None
        assert a["config"]["registries"][0]["location"] == "a.example.com"


def test_mixing_dump_names_the_fields_of_its_version(era: EraOracle) -> None:
    # The %#v dump prints V2RegistriesConf's fields: AdditionalLayerStoreAuthHelper exists from
    # 5.32 (6ddd9548).
    conf = 'unqualified-search-registries = ["a.io"]\n[registries.search]\nregistries = ["b.io"]\n'
    a = load(era, {SYS: conf})
    if at_least(era.era, "5.40"):
        assert a["error"].endswith("registries.conf must be in v2 format but is in v1")
        return
    assert "mixing sysregistry v1/v2 is not supported" in a["error"]
    if at_least(era.era, "5.24"):
        has_helper = 'AdditionalLayerStoreAuthHelper:""' in a["error"]
        assert has_helper == at_least(era.era, "5.32")


def test_v1_file(era: EraOracle) -> None:
    # Up to 5.39 a v1 file is converted (ConvertToV2: search registries become
    # unqualified-search-registries); 5.40 refuses it.
    a = load(era, {SYS: '[registries.search]\nregistries = ["quay.io"]\n'})
    if at_least(era.era, "5.40"):
        assert a["error"] == (
            f'loading registries configuration "{SYS}": '
            "registries.conf must be in v2 format but is in v1"
        )
    else:
        assert a["error"] is None
        assert a["config"]["unqualified_search_registries"] == ["quay.io"]


def test_v1_dropin(era: EraOracle) -> None:
    # Up to 5.39 tryUpdatingCache loads drop-ins with forceV2 ("registry must be in v2 format
    # but is in v1", wrapped "loading drop-in registries configuration %q"); 5.40 has one text.
    path = f"{DROPINS}/a.conf"
    a = load(era, {path: '[registries.search]\nregistries = ["quay.io"]\n'})
    if at_least(era.era, "5.40"):
        expected = f'loading registries configuration "{path}": registries.conf must be in v2'
    else:
        expected = f'loading drop-in registries configuration "{path}": registry must be in v2'
    assert a["error"] == expected + " format but is in v1"


def test_alias_errors_separator(era: EraOracle) -> None:
    # newShortNameAliasCache: up to 5.30 the errors are chained with "%v\n: %w"; from 5.31
    # (70e9530b) multierr.Format("", "\n", "", errs).  The order is Go map order either way.
    conf = '[aliases]\na = "quay.io/a:1"\nb = "b:1"\n'
    a = load(era, {SYS: conf})
    lines = {
        'invalid alias "quay.io/a:1": must not contain tag',
        'invalid alias "b:1": must not contain tag',
    }
    head = f'loading registries configuration "{SYS}": validating short-name aliases: '
    assert a["error"].startswith(head)
    body = a["error"][len(head) :]
    sep = "\n" if at_least(era.era, "5.31") else "\n: "
    assert set(body.split(sep)) == lines


def test_vanished_dropin_is_skipped(era: EraOracle) -> None:
    # 5.34 (c9771a80): a drop-in whose open fails with ENOENT is skipped (a dangling symlink
    # reproduces it); before, the load failed.
    a = era.config(files={DROPINS: None}, symlinks={f"{DROPINS}/x.conf": "nowhere.conf"})
    if at_least(era.era, "5.34"):
        assert a["error"] is None
    else:
        path = f"{DROPINS}/x.conf"
        assert a["error"] == (
            f'loading drop-in registries configuration "{path}": '
            f"open {path}: no such file or directory"
        )


def test_only_empty_v1_arrays(era: EraOracle) -> None:
    # <=5.23: V1RegistriesConf.Nonempty() treats the empty array as absent (the file is v2,
    # unqualified-search-registries stays nil); 5.24-5.39: hasSetField() counts it and
    # ConvertToV2 yields an empty, non-nil list; 5.40: v1 is refused.
    a = load(era, {SYS: "[registries.search]\nregistries = []\n"})
    if at_least(era.era, "5.40"):
        assert a["error"].endswith("registries.conf must be in v2 format but is in v1")
    elif at_least(era.era, "5.24"):
        assert a["config"]["unqualified_search_registries"] == []
    else:
        assert a["config"]["unqualified_search_registries"] is None


# ---------------------------------------------------------------------------- discovery (5.40)


def test_containers_registries_conf_and_override(era: EraOracle) -> None:
    # 5.40: storage's configfile reads CONTAINERS_REGISTRIES_CONF (then no drop-in is read) and
    # CONTAINERS_REGISTRIES_CONF_OVERRIDE (read last); before, the library ignored both.
    files: dict[str, str | None] = {
        "/custom.conf": 'unqualified-search-registries = ["custom.io"]\n',
        "/override.conf": 'unqualified-search-registries = ["override.io"]\n',
        SYS: 'unqualified-search-registries = ["etc.io"]\n',
        f"{DROPINS}/x.conf": 'short-name-mode = "disabled"\n',
    }
    env = {
        "CONTAINERS_REGISTRIES_CONF": "/custom.conf",
        "CONTAINERS_REGISTRIES_CONF_OVERRIDE": "/override.conf",
    }
    c = load(era, files, env=env)["config"]
    if at_least(era.era, "5.40"):
        assert c["unqualified_search_registries"] == ["override.io"]
        assert c["unqualified_search_registries_origin"] == "/override.conf"
        assert c["short_name_mode"] == "permissive"  # the drop-in is not read: the default
    else:
        assert c["unqualified_search_registries"] == ["etc.io"]
        assert c["short_name_mode"] == "disabled"


def test_missing_override_file(era: EraOracle) -> None:
    # configfile.Read does not ignore ENOENT for the _OVERRIDE file, and tryUpdatingCache
    # returns the iterator's error as it is.
    a = load(era, {}, env={"CONTAINERS_REGISTRIES_CONF_OVERRIDE": "/missing.conf"})
    if at_least(era.era, "5.40"):
        assert a["error"] == "open /missing.conf: no such file or directory"
    else:
        assert a["error"] is None


def test_usr_share_main_file(era: EraOracle) -> None:
    # 5.40: the main file is the first existing of ~/.config, /etc, /usr/share/containers.
    a = load(era, {"/usr/share/containers/registries.conf": usr("usr.io")})
    found = a["config"]["unqualified_search_registries"]
    assert found == (["usr.io"] if at_least(era.era, "5.40") else None)


def test_user_file_and_system_dropins(era: EraOracle) -> None:
    # Up to 5.39 (newConfigWrapperWithHomeDir): when ~/.config/containers/registries.conf
    # exists only the user drop-in directory is read; 5.40 reads every drop-in directory.
    files: dict[str, str | None] = {
        USER_CONF: 'unqualified-search-registries = ["user.io"]\n',
        f"{DROPINS}/x.conf": 'short-name-mode = "disabled"\n',
    }
    c = load(era, files)["config"]
    assert c["unqualified_search_registries"] == ["user.io"]
    # (permissive: defaultShortNameMode in pkg/sysregistriesv2/shortnames.go)
    assert c["short_name_mode"] == ("disabled" if at_least(era.era, "5.40") else "permissive")


def test_dropin_basename_masking(era: EraOracle) -> None:
    # 5.40 (configfile.readDropInsFromPaths): a basename in a higher-priority directory masks the
    # same basename below it; up to 5.39 both files are read, /etc first, then the user's.
    files: dict[str, str | None] = {
        f"{DROPINS}/50.conf": usr("etc.io") + 'short-name-mode = "disabled"\n',
        f"{USER_DROPINS}/50.conf": usr("user.io"),
    }
    c = load(era, files)["config"]
    assert c["unqualified_search_registries"] == ["user.io"]
    assert c["short_name_mode"] == ("permissive" if at_least(era.era, "5.40") else "disabled")


def test_rootless_dropin_directories(era: EraOracle) -> None:
    # 5.40 (configfile.getDropInPathsUnderMain): uid 0 also reads registries.rootful.conf.d, a
    # rootless uid N reads registries.rootless.conf.d/N and registries.rootless.conf.d.
    files: dict[str, str | None] = {
        "/etc/containers/registries.rootful.conf.d/a.conf": usr("rootful.io"),
        "/etc/containers/registries.rootless.conf.d/1000/a.conf": usr("u1000.io"),
    }
    root = load(era, files)["config"]["unqualified_search_registries"]
    rootless = load(era, files, env={"_CONTAINERS_ROOTLESS_UID": "1000"})["config"]
    if at_least(era.era, "5.40"):
        assert root == ["rootful.io"]
        assert rootless["unqualified_search_registries"] == ["u1000.io"]
    else:
        assert root is None
        assert rootless["unqualified_search_registries"] is None


def test_search_registries_origin(era: EraOracle) -> None:
    # <=5.39 the main file's parsed configuration is the base (its path is the origin even when
    # it sets no unqualified-search-registries); 5.40 merges every file into an empty one.
    # shortnames.Resolve words the "no search registries" error after the origin.
    a = load(era, {SYS: 'short-name-mode = "enforcing"\n'}, short_names=["busybox"])
    [res] = a["short_names"]
    head = 'short-name "busybox" did not resolve to an alias and no '
    if at_least(era.era, "5.40"):
        assert a["config"]["unqualified_search_registries_origin"] == ""
        assert res["error"] == head + "containers-registries.conf(5) was found"
    else:
        assert a["config"]["unqualified_search_registries_origin"] == SYS
        assert res["error"] == head + f'unqualified-search registries are defined in "{SYS}"'


def test_config_paths(era: EraOracle) -> None:
    # 5.41 ConfigPath: the first existing main file, else the first candidate; ConfigDirPath: the
    # first drop-in directory, "" when CONTAINERS_REGISTRIES_CONF turns drop-ins off.  <=5.39:
    # the /etc file and, with RootForImplicitAbsolutePaths set, the user drop-in directory.
    a = load(era, {})
    assert a["config_dir_path"] == USER_DROPINS
    assert a["config_path"] == (USER_CONF if at_least(era.era, "5.40") else SYS)
    b = load(era, {"/c.conf": ""}, env={"CONTAINERS_REGISTRIES_CONF": "/c.conf"})
    if at_least(era.era, "5.40"):
        assert (b["config_path"], b["config_dir_path"]) == ("/c.conf", "")
    else:
        assert (b["config_path"], b["config_dir_path"]) == (SYS, USER_DROPINS)


def test_dropin_directory_is_a_file(era: EraOracle) -> None:
    # 5.40 (configfile.readDropInsFromPaths): a ReadDir error other than ENOENT is returned as
    # it is; <=5.39 filepath.WalkDir on a file yields no *.conf and no error.
    a = load(era, {DROPINS: "not a directory"})
    if at_least(era.era, "5.40"):
        assert a["error"] == f"open {DROPINS}: not a directory"
    else:
        assert a["error"] is None


# ---------------------------------------------------------------------------- credentials


def test_auth_file_given_skips_home_fallbacks(era: EraOracle) -> None:
    # 5.24 (b3748aab): pkg/docker/config getAuthFilePaths appends the home files
    # (~/.config/containers/auth.json, ~/.docker/config.json, ~/.dockercfg) only when the auth
    # file was not given by the caller.
    files: dict[str, str | None] = {
        "/home/user/.docker/config.json": '{"auths": {"quay.io": {"auth": "dTpw"}}}',
        "/auth.json": '{"auths": {}}',
    }
    a = load(era, files, auth_file_path="/auth.json", credentials=["quay.io/a/b"])
    [cred] = a["credentials"]
    assert cred["error"] is None
    expected = ("", "") if at_least(era.era, "5.24") else ("u", "p")
    assert (cred["username"], cred["password"]) == expected


# ---------------------------------------------------------------------------- TOML


def test_toml_bom(era: EraOracle) -> None:
    # BurntSushi/toml 1.2.0 (bookworm, era 5.23) skips only UTF-16 byte-order marks in
    # parse(); 1.3+ also skips the UTF-8 one.
    a = load(era, {SYS: '\ufeff[[registry]]\nlocation = "a.com"\n'})
    if era.era == "5.23":
        assert a["error"] == (
            f'loading registries configuration "{SYS}": '
            "toml: line 1: expected '.' or '=', but got '\\ufeff' instead"
        )
    else:
        assert a["error"] is None


def test_toml_array_key_redefined(era: EraOracle) -> None:
    # BurntSushi/toml up to 1.4 (parser.setValue) lets an array-valued key be assigned again;
    # 1.6.0 (Debian forky/sid: eras 5.39, 5.41) panics "Key '%s' has already been defined.".
    conf = 'unqualified-search-registries = ["a.io"]\nunqualified-search-registries = ["b.io"]\n'
    a = load(era, {SYS: conf})
    if era.era in ("5.39", "5.41"):
        assert a["error"] == (
            f'loading registries configuration "{SYS}": toml: line 2 (last key '
            "\"unqualified-search-registries\"): Key 'unqualified-search-registries' "
            "has already been defined."
        )
    else:
        assert a["config"]["unqualified_search_registries"] == ["b.io"]


def test_toml_dotted_key_in_inline_table(era: EraOracle) -> None:
    # BurntSushi/toml 1.2.0 and 1.3.2 store a dotted key of an inline table without its prefix
    # (so foo.location sets location); 1.4+ nests it under foo, an unknown key.
    a = load(era, {SYS: 'registry = [{prefix = "a.io", foo.location = "b.io"}]\n'})
    if era.era in ("5.23", "5.26"):
        assert a["error"] is None
        assert a["config"]["registries"][0]["location"] == "b.io"
    else:
        assert a["error"] == (
            f'loading registries configuration "{SYS}": invalid condition: '
            "location is unset and prefix is not in the format: *.example.com"
        )


# ---------------------------------------------------------------------------- the control era


def test_control_era_answers_like_the_main_oracle(oracle: Oracle) -> None:
    """Era 5.34 is the main oracle's library through this protocol: the shared fields agree."""
    control = era_oracle(CONTROL_ERA)
    requests = [
        {
            "files": {
                SYS: (
                    'unqualified-search-registries = ["quay.io", "docker.io"]\n'
                    '[[registry]]\nprefix = "example.com/a"\nlocation = "l.example.com"\n'
                    '[[registry.mirror]]\nlocation = "m.example.com/"\n'
                    '[[registry]]\nlocation = "blocked.io"\nblocked = true\n'
                    '[aliases]\nfoo = "quay.io/foo"\n'
                ),
                f"{USER_DROPINS}/a.conf": 'short-name-mode = "enforcing"\n',
            },
            "refs": ["example.com/a/b:1", "blocked.io/x", "busybox", f"x.io/y:1@{DIGEST}"],
            "short_names": ["foo", "busybox"],
            "local_names": ["foo"],
            "find": ["example.com/a", "nothing.io"],
        },
        {"files": {SYS: "[aliases]\nfoo = 1\n"}, "refs": ["foo"]},
    ]
    main_only = {"aliases", "alias_origins", "aliases_error"}
    era_only = {"config_source_description", "credentials", "credential_keys"}
    for req in requests:
        want = oracle.config(**req)
        got = control.config(**req)
        for key in era_only:
            got.pop(key)
        if want["config"] is not None:
            for key in main_only:
                want["config"].pop(key)
        assert got == want
