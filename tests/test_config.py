# ruff: noqa: E501 - upstream vectors and error texts are long lines
"""registries.conf parsing: upstream tables (pkg/sysregistriesv2 v5.34.2) and spec rules.

Expected values come from the upstream tests of containers/image v5.34.2
(``system_registries_v2_test.go``, ``shortnames_test.go``) run on the testdata files copied
into ``tests/data/sysregistriesv2`` and from the numbered rules of the spec; never from our
own output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regresolve import Alias, InvalidConfig, Mirror, RegistriesConf, Registry
from regresolve._aliases import parse_alias_cache, short_name_error, short_name_value
from regresolve._build import parse_file, parse_location
from support.strategies_config import registries_conf_texts, toml_documents
from support.strategies_toml import decoded_answer

DATA = Path(__file__).parent / "data" / "sysregistriesv2"


def load(name: str, dropin_dir: str | None = None) -> RegistriesConf:
    """Like upstream: SystemRegistriesConfPath=testdata/<name>, a drop-in dir (or none)."""
    text = (DATA / name).read_text()
    dropins = {}
    if dropin_dir is not None:
        for f in sorted((DATA / dropin_dir).iterdir()):
            if f.name.endswith(".conf"):
                dropins[f.name] = f.read_text()
    return RegistriesConf.from_toml(
        text,
        dropins,
        path=f"testdata/{name}",
        dropin_dir=f"testdata/{dropin_dir}" if dropin_dir else "",
    )


def load_error(name: str) -> InvalidConfig:
    with pytest.raises(InvalidConfig) as info:
        load(name)
    return info.value


# -- TestParseLocation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("example.com", "example.com"),
        ("example.com/", "example.com"),
        ("example.com//////", "example.com"),
        ("example.com:5000/with/path", "example.com:5000/with/path"),
        ("john.doe@example.com", "john.doe@example.com"),
    ],
)
def test_parse_location(given: str, expected: str) -> None:  # SPEC R-CONF-5
    assert parse_location(given) == expected


def test_parse_location_rejects_schemes() -> None:  # SPEC R-CONF-5
    with pytest.raises(Exception, match="URI schemes are not supported") as info:
        parse_location("https://example.com")
    assert str(info.value) == (
        "invalid location 'https://example.com': URI schemes are not supported"
    )


# -- TestEmptyConfig / TestUnmarshalConfig / TestMirrors -----------------------------------


def test_empty_config() -> None:
    conf = load("empty.conf")
    assert conf.registries == ()
    assert conf.credential_helpers == ("containers-auth.json",)  # TestCredentialHelpers


def test_unmarshal_config() -> None:
    conf = load("unmarshal.conf")
    assert len(conf.registries) == 4
    # R-CONF-9: sorted by prefix.
    assert [r.prefix for r in conf.registries] == sorted(r.prefix for r in conf.registries)


def test_mirrors() -> None:
    conf = load("mirrors.conf")
    assert len(conf.registries) == 2
    reg = next(r for r in conf.registries if r.prefix == "registry.com")
    assert reg.mirrors == (
        Mirror("mirror-1.registry.com", insecure=False),
        Mirror("mirror-2.registry.com", insecure=True),
    )


def test_find_unqualified_search_registries() -> None:
    conf = load("unqualified-search.conf")
    assert len(conf.registries) == 4
    assert conf.unqualified_search_registries == (
        "registry-a.com",
        "registry-c.com",
        "registry-d.com",
    )
    assert conf.unqualified_search_registries_origin == "testdata/unqualified-search.conf"
    err = load_error("invalid-search.conf")
    assert err.go_message == (
        'loading registries configuration "testdata/invalid-search.conf": Invalid'
        ' unqualified-search-registries entry "registry-a.com/namespace-is-forbidden"'
    )
    assert err.entry == "unqualified-search-registries[0]"


# -- TestInvalidV2Configs / TestInvalidMirrorConfig ----------------------------------------

INVALID = {
    "insecure-conflicts.conf": (
        "registry 'registry.com' is defined multiple times with conflicting 'insecure' setting"
    ),
    "blocked-conflicts.conf": (
        "registry 'registry.com' is defined multiple times with conflicting 'blocked' setting"
    ),
    "missing-mirror-location.conf": "invalid condition: mirror location is unset",
    "invalid-prefix.conf": (
        "invalid location 'http://schema-is-invalid.com': URI schemes are not supported"
    ),
    "invalid-config-level-mirror.conf": (
        'pull-from-mirror must not be set for a non-mirror registry "registry-a.com/foo"'
    ),
    "invalid-conflict-mirror.conf": (
        'cannot set mirror usage mirror-by-digest-only for the registry ("registry-a.com/foo")'
        ' and pull-from-mirror for per-mirror ("mirror-1.registry-a.com") at the same time'
    ),
    "invalid-value-mirror.conf": (
        'unsupported pull-from-mirror value "notvalid" for mirror "mirror-1.registry-a.com"'
    ),
    "invalid-short-name-mode.conf": 'invalid short-name mode: "invalid"',
    "v1-invalid-block.conf": (
        "invalid location 'http://schema-is-invalid.com': URI schemes are not supported"
    ),
    "v1-invalid-insecure.conf": (
        "invalid location 'http://schema-is-invalid.com': URI schemes are not supported"
    ),
    "v1-invalid-search.conf": (
        "invalid location 'http://schema-is-invalid.com': URI schemes are not supported"
    ),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_configs(name: str) -> None:  # SPEC R-CONF-6, R-CONF-7, R-CONF-10
    err = load_error(name)
    assert err.go_message == f'loading registries configuration "testdata/{name}": {INVALID[name]}'
    assert err.path == f"testdata/{name}"
    assert err.entry is not None
    assert f"testdata/{name}" in str(err)
    assert err.entry in str(err)


def test_invalid_config_entries_name_the_entry() -> None:
    assert load_error("missing-mirror-location.conf").entry == "registry[1].mirror[1]"
    assert load_error("invalid-value-mirror.conf").entry == "registry[0].mirror[0]"
    assert load_error("v1-invalid-insecure.conf").entry == "registries.insecure.registries[4]"


# -- TestV1BackwardsCompatibility / TestMixingV1andV2 --------------------------------------


def test_v1_backwards_compatibility() -> None:  # SPEC R-V1-3
    conf = load("v1-compatibility.conf")
    assert len(conf.registries) == 4
    assert conf.unqualified_search_registries == (
        "registry-a.com",
        "registry-c.com",
        "registry-d.com",
    )
    reg = next(r for r in conf.registries if r.prefix == "registry-b.com")
    assert reg.insecure
    assert reg.blocked


@pytest.mark.parametrize("name", ["mixing-v1-v2.conf", "mixing-v1-v2-empty.conf"])
def test_mixing_v1_and_v2(name: str) -> None:  # SPEC R-V1-1
    err = load_error(name)
    assert err.go_message.startswith(
        f'loading registries configuration "testdata/{name}": mixing sysregistry v1/v2 is not'
        " supported: sysregistriesv2.tomlConfig{"
    )


def test_v1_dropin_is_rejected() -> None:  # SPEC R-V1-2
    with pytest.raises(InvalidConfig) as info:
        RegistriesConf.from_toml(
            "", {"a.conf": "[registries.search]\nregistries = []\n"}, dropin_dir="/d"
        )
    assert info.value.go_message == (
        'loading drop-in registries configuration "/d/a.conf": registry must be in v2 format'
        " but is in v1"
    )


# -- TestRegistriesConfDirectory / TestCredentialHelpers / TestGetShortNameMode ------------


def test_registries_conf_directory() -> None:  # SPEC R-LOAD-5, R-LOAD-6
    conf = load("base-for-registries.d.conf", "registries.conf.d")
    assert conf.unqualified_search_registries == ("example-overwrite.com",)
    assert conf.unqualified_search_registries_origin == "testdata/registries.conf.d/config-1.conf"
    assert sorted(r.location for r in conf.registries) == sorted(
        [
            "subdomain-prefix-3-overridden-by-dropin-location.com",
            "subdomain-prefix-2-overridden-by-dropin-location.com",
            "subdomain-prefix-1-overridden-by-dropin-location.com",
            "1.com",
            "2.com",
            "base.com",
        ]
    )
    base = next(r for r in conf.registries if r.prefix == "base.com")
    assert base.blocked
    assert not base.insecure  # replaced as a whole by config-2
    assert base.origin == "testdata/registries.conf.d/config-2.conf"


def test_unqualified_search_merge() -> None:  # SPEC R-LOAD-5
    assert load(
        "unqualified-search.conf", "registries.conf.d-usr1"
    ).unqualified_search_registries == (
        "registry-a.com",
        "registry-c.com",
        "registry-d.com",
    )
    conf = load("unqualified-search.conf", "registries.conf.d-usr2")
    assert conf.unqualified_search_registries == ()
    assert conf.unqualified_search_registries_origin == (
        "testdata/registries.conf.d-usr2/empty-usr.conf"
    )


@pytest.mark.parametrize(
    ("conf", "dropins", "helpers"),
    [
        ("cred-helper.conf", None, ("helper-1", "helper-2")),
        ("empty.conf", None, ("containers-auth.json",)),
        ("cred-helper.conf", "registries.conf.d-empty-helpers", ("containers-auth.json",)),
        ("cred-helper.conf", "registries.conf.d", ("dropin-1", "dropin-2")),
    ],
)
def test_credential_helpers(conf: str, dropins: str | None, helpers: tuple[str, ...]) -> None:
    assert load(conf, dropins).credential_helpers == helpers


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("aliases.conf", "enforcing"),
        ("registries.conf.d/config-2.conf", "permissive"),
        ("registries.conf.d/config-3.conf", "permissive"),
    ],
)
def test_get_short_name_mode(name: str, mode: str) -> None:
    assert load(name).effective_short_name_mode == mode


# -- aliases: TestAliasesWithDropInConfigs, TestInvalidAliases, R-SN-7/8 ---------------------


def test_aliases_with_dropin_configs() -> None:  # SPEC R-LOAD-5
    conf = load("aliases.conf", "registries.conf.d")
    got = {a.name: (a.value, a.origin) for a in conf.aliases}
    assert got == {
        "docker": ("docker.io/library/config1", "testdata/registries.conf.d/config-1.conf"),
        "quay/foo": ("quay.io/library/foo", "testdata/aliases.conf"),
        "example": ("", "testdata/registries.conf.d/config-2.conf"),
        "empty": ("", "testdata/aliases.conf"),
        "config1": ("config1.com/image", "testdata/registries.conf.d/config-1.conf"),
        "barz": ("barz.com/config2", "testdata/registries.conf.d/config-2.conf"),
        "config2": ("config2.com/image", "testdata/registries.conf.d/config-2.conf"),
        "added3": ("xxx.com/image", "testdata/registries.conf.d/config-2.conf"),
    }
    assert conf.effective_short_name_mode == "permissive"  # aliases.conf overridden by config-2


def test_invalid_aliases() -> None:  # SPEC R-SN-7, R-SN-8
    err = load_error("invalid-aliases.conf")
    head = 'loading registries configuration "testdata/invalid-aliases.conf": validating short-name aliases: '
    assert err.go_message.startswith(head)
    assert set(err.go_message[len(head) :].split("\n")) == {
        'invalid alias "quay.io/repo/image:1": must not contain tag',
        'invalid alias "image:1": must not contain tag',
    }


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("docker.io/library/fedora", True),
        ("localhost/fedora", True),
        ("localhost:5000/fedora", True),
        ("localhost:5000/namespace/fedora", True),
        ("docker.io/library/fedora:latest", False),
        (
            "docker.io/library/fedora@sha256:b87dd5f837112a9e1e9882963a6406387597698268c0ad371b187151a5dfe6bf",
            False,
        ),
        ("fedora", False),
        ("fedora:latest", False),
        ("library/fedora", False),
        ("library/fedora:latest", False),
        ("$$4455%%", False),
        ("docker://foo", False),
        ("docker-archive://foo", False),
        ("", False),
    ],
)
def test_parse_short_name_value(value: str, valid: bool) -> None:  # TestParseShortNameValue
    normalized, err = short_name_value(value)
    if valid:
        assert err is None
        assert normalized == value
    else:
        assert err is not None
        assert normalized is None


def test_parse_short_name_value_normalizes() -> None:
    assert short_name_value("docker.io/fedora") == ("docker.io/library/fedora", None)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("fedora", 'invalid alias "fedora": must contain registry and repository'),
        ("a.com/x:1", 'invalid alias "a.com/x:1": must not contain tag'),
        (
            "a.com/x@sha256:" + "a" * 64,
            'invalid alias "a.com/x@sha256:' + "a" * 64 + '": must not contain digest',
        ),
        ("$$4455%%", 'parsing alias "$$4455%%": invalid reference format'),
        ("a.com/Foo", 'parsing alias "a.com/Foo": repository name must be lowercase'),
        ("", 'parsing alias "": repository name must have at least one component'),
        (
            "a.com/x@md5:" + "a" * 32,
            'parsing alias "a.com/x@md5:' + "a" * 32 + '": unsupported digest algorithm',
        ),
    ],
)
def test_alias_value_messages(value: str, message: str) -> None:  # SPEC R-SN-7, R-REF-3
    assert short_name_value(value) == (None, message)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("library/fedora", True),
        ("fedora", True),
        ("1234567489", True),
        ("docker.io/library/fedora:latest", False),
        (
            "docker.io/library/fedora@sha256:b87dd5f837112a9e1e9882963a6406387597698268c0ad371b187151a5dfe6bf",
            False,
        ),
        ("fedora:latest", False),
        ("library/fedora:latest", False),
        ("$$4455%%", False),
        ("docker://foo", False),
        ("docker-archive://foo", False),
        ("", False),
    ],
)
def test_validate_short_name(name: str, valid: bool) -> None:  # TestValidateShortName
    assert (short_name_error(name) is None) is valid


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a.com/foo", 'invalid short name "a.com/foo": must not contain registry'),
        ("localhost/foo", 'invalid short name "localhost/foo": must not contain registry'),
        ("foo:1", 'invalid short name "foo:1": must not contain tag'),
        ("", 'cannot parse short name: "": repository name must have at least one component'),
        ("Foo", 'cannot parse short name: "Foo": repository name must be lowercase'),
    ],
)
def test_short_name_messages(name: str, message: str) -> None:  # SPEC R-SN-8
    assert short_name_error(name) == message


# -- TOML decoding quirks (R-CONF-4) -------------------------------------------------------


def test_type_error_message_names_line_and_key() -> None:  # SPEC R-CONF-4
    text = '[[registry]]\nlocation = "a.com"\ninsecure = "true"\n'
    with pytest.raises(InvalidConfig) as info:
        parse_file(text, "/etc/containers/registries.conf", dropin=False)
    assert info.value.go_message == (
        'loading registries configuration "/etc/containers/registries.conf": toml: line 3'
        ' (last key "registry.insecure"): incompatible types: TOML value has type string;'
        " destination has type boolean"
    )
    assert info.value.entry == "registry[0].insecure"


def test_type_error_line_is_last_occurrence() -> None:  # BurntSushi keyInfo quirk
    text = '[[registry]]\nlocation = "a.com"\ninsecure = "x"\n[[registry]]\nlocation = "b"\ninsecure = true\n'
    with pytest.raises(InvalidConfig, match=r"toml: line 6 \(last key \"registry.insecure\"\)"):
        parse_file(text, "p", dropin=False)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            '[registry]\nlocation = "a.com"\n',
            'toml: line 1 (last key "registry"): incompatible types: TOML value has type map[string]any; destination has type slice',
        ),
        (
            'unqualified-search-registries = "a.com"\n',
            'toml: line 1 (last key "unqualified-search-registries"): incompatible types: TOML value has type string; destination has type slice',
        ),
        (
            "unqualified-search-registries = [1]\n",
            'toml: line 1 (last key "unqualified-search-registries"): incompatible types: TOML value has type int64; destination has type string',
        ),
        (
            'registry = ["a"]\n',
            'toml: line 1 (last key "registry"): type mismatch for sysregistriesv2.Registry: expected table but found string',
        ),
        (
            '[aliases]\n"a b" = 1\n',
            'toml: line 2 (last key "aliases.\\"a b\\""): incompatible types: TOML value has type int64; destination has type string',
        ),
    ],
)
def test_type_errors(text: str, body: str) -> None:  # SPEC R-CONF-4
    with pytest.raises(InvalidConfig) as info:
        parse_file(text, "p", dropin=False)
    assert info.value.go_message == 'loading registries configuration "p": ' + body


@pytest.mark.parametrize("text", ["[[aliases]]\nfoo = 1\n", 'aliases = "x"\n', "aliases = [1]\n"])
def test_non_table_aliases_are_ignored(text: str) -> None:  # BurntSushi 1.4.0 unifyMap quirk
    conf = RegistriesConf.from_toml(text)
    assert conf.aliases == ()
    # ... and the key does not count as "v2 set": a v1 file with it still converts.
    conf = RegistriesConf.from_toml(text + '[registries.search]\nregistries = ["a.com"]\n')
    assert conf.unqualified_search_registries == ("a.com",)


def test_same_field_twice_is_deterministic() -> None:
    # Go walks a map here, so its answer is random; we let the later key in the file win
    # (docs/compat.md, deviation).
    conf = RegistriesConf.from_toml('[[registry]]\nlocation = "a.com"\nLOCATION = "b.com"\n')
    assert [r.location for r in conf.registries] == ["b.com"]


def test_to_toml_refuses_cross_file_conflicts() -> None:
    conf = RegistriesConf.from_toml(
        '[[registry]]\nprefix = "p.com"\nlocation = "a.com"\n',
        {"x.conf": '[[registry]]\nprefix = "q.com"\nlocation = "a.com"\ninsecure = true\n'},
    )
    with pytest.raises(InvalidConfig, match="cannot write as one file"):
        conf.to_toml()


def test_keys_match_case_insensitively() -> None:  # SPEC R-CONF-4
    text = '[[Registry]]\nLOCATION = "a.com"\n"bloc\u212aed" = true\n"in\u017fecure" = true\nunknown = 1\n'
    conf = RegistriesConf.from_toml(text)
    assert conf.registries == (Registry("a.com", "a.com", insecure=True, blocked=True),)


def test_top_level_key_after_table_is_trapped() -> None:  # SPEC R-CONF-4
    conf = RegistriesConf.from_toml(
        '[[registry]]\nlocation = "a.com"\nunqualified-search-registries = ["x.io"]\n'
    )
    assert conf.unqualified_search_registries is None
    with pytest.raises(InvalidConfig, match="validating short-name aliases"):
        RegistriesConf.from_toml('[aliases]\nshort-name-mode = "enforcing"\n')


def test_mirror_location_is_not_trimmed() -> None:  # SPEC R-CONF-6.5 (5.34.2 bug)
    conf = RegistriesConf.from_toml(
        '[[registry]]\nlocation = "a.com/"\n[[registry.mirror]]\nlocation = "m.com/"\n'
    )
    assert conf.registries[0].location == "a.com"
    assert conf.registries[0].mirrors[0].location == "m.com/"


def test_duplicate_prefix_keeps_first() -> None:  # SPEC R-CONF-9
    conf = RegistriesConf.from_toml(
        '[[registry]]\nprefix = "p.com"\nlocation = "a.com"\n[[registry]]\nprefix = "p.com/"\nlocation = "b.com"\n'
    )
    assert [(r.prefix, r.location) for r in conf.registries] == [("p.com", "a.com")]


def test_conflict_in_wildcard_group_prints_empty_location() -> None:  # SPEC R-CONF-7
    with pytest.raises(InvalidConfig) as info:
        RegistriesConf.from_toml(
            '[[registry]]\nprefix = "*.a.com"\n[[registry]]\nprefix = "*.a.com/"\ninsecure = true\n'
        )
    assert info.value.go_message.endswith(
        "registry '' is defined multiple times with conflicting 'insecure' setting"
    )


def test_wildcard_format() -> None:  # SPEC R-CONF-10.5
    with pytest.raises(InvalidConfig) as info:
        RegistriesConf.from_toml('[[registry]]\nprefix = "*.a.com:5000"\n')
    assert info.value.go_message.endswith(
        'Wildcarded prefix should be in the format: *.example.com. Current prefix "*.a.com:5000" is incorrectly formatted'
    )
    assert info.value.entry == "registry[0].prefix"


def test_toml_syntax_error_is_invalid_config() -> None:
    # BurntSushi reads "invalid\n" as a key, then the newline where "=" should be: the
    # error is on line 2 (the oracle's answer for this file).
    err = load_error("try-update-cache-invalid.conf")
    assert err.go_message == (
        'loading registries configuration "testdata/try-update-cache-invalid.conf": '
        "toml: line 2: expected '.' or '=', but got '\\n' instead"
    )


def test_dropins_merge_in_byte_order() -> None:  # SPEC R-LOAD-3
    conf = RegistriesConf.from_toml(
        "",
        {"2-b.conf": 'short-name-mode = "disabled"', "10-a.conf": 'short-name-mode = "enforcing"'},
    )
    assert conf.short_name_mode == "disabled"
    assert conf.files == ("", "10-a.conf", "2-b.conf")


def test_empty_strings_do_not_reset() -> None:  # SPEC R-LOAD-5, surprise 16
    conf = RegistriesConf.from_toml(
        'short-name-mode = "enforcing"\nadditional-layer-store-auth-helper = "h"\ncredential-helpers = ["x"]',
        {
            "a.conf": 'short-name-mode = ""\nadditional-layer-store-auth-helper = ""\ncredential-helpers = []'
        },
    )
    assert conf.short_name_mode == "enforcing"
    assert conf.additional_layer_store_auth_helper == "h"
    assert conf.credential_helpers == ("containers-auth.json",)


# -- alias cache (R-SN-6) ------------------------------------------------------------------


def test_alias_cache() -> None:
    aliases = parse_alias_cache('[aliases]\nfoo = "docker.io/foo"\nbar = ""\n', "/c.conf")
    assert aliases == (Alias("bar", ""), Alias("foo", "docker.io/library/foo"))
    assert aliases[1].origin == "/c.conf"


def test_alias_cache_error() -> None:
    with pytest.raises(InvalidConfig) as info:
        parse_alias_cache('[aliases]\n"a.com/x" = "b.com/x"\n', "/c.conf")
    assert info.value.go_message == (
        'loading short-name aliases config file "/c.conf": invalid short name "a.com/x":'
        " must not contain registry"
    )


# -- round trip (to_toml) ------------------------------------------------------------------


def test_to_toml_round_trip_upstream() -> None:
    conf = load("aliases.conf", "registries.conf.d")
    assert RegistriesConf.from_toml(conf.to_toml()) == conf


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(texts=registries_conf_texts())
def test_to_toml_round_trip(texts: tuple[str, dict[str, str]]) -> None:
    main, dropins = texts
    try:
        conf = RegistriesConf.from_toml(main, dropins)
    except InvalidConfig:
        return
    try:
        dumped = conf.to_toml()
    except ValueError:
        return  # cross-file conflicts cannot be written as one file (docs/compat.md)
    assert RegistriesConf.from_toml(dumped) == conf


@pytest.mark.property
@settings(max_examples=500, deadline=None)
@given(texts=registries_conf_texts())
def test_no_foreign_exceptions(texts: tuple[str, dict[str, str]]) -> None:
    main, dropins = texts
    err: InvalidConfig | None = None
    try:
        RegistriesConf.from_toml(main, dropins)
    except InvalidConfig as e:
        err = e
    assert err is None or err.go_message.startswith("loading ")


# -- the TOML fast path never changes results ----------------------------------------------

FAST_PATH_SAMPLES = [
    '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "m.com"\n',
    'a = ["x", "y",]\n# comment\n\n[aliases]\n"a b" = ""\n',
    "a = 1\n",  # not in the subset: the general path
    "[aliases]\n[aliases]\n",  # a table defined twice
    'a = "x"\na = "y"\n',  # a key defined twice
    'a = ["x"]\na = "y"\n',  # an array-valued key may be assigned again
    "[[registry]]\n[registry]\n",
    "registry = []\n[[registry]]\n",
    "[[registry.mirror]]\n",
    "[x]\n[[x.y]]\n",
    "a.b = 1\n[[a.c]]\n[[a.c]]\n",
    'k = "\\u00e9"\n',  # escapes: the general path
    'k = "é" # ü\n',
    'k = "a"\r\n',
    "a = 'x'\n'k' = \"v\"\nb = ['x', \"y\", '']\n",
    "a = 'x'\r\nb = 1\r\n",
    'a = "x"\rb="y"\n',
    "a = [,]\n",
    "a = '\"'\nb = \"'\"\n",
    'a = "x"\n  ',
    "[[a]]\nb = true\n[[a]]\nb = true\nb = false\n",
]


@pytest.mark.parametrize("text", FAST_PATH_SAMPLES)
def test_fast_path_agrees_with_the_decoder(text: str) -> None:
    """The decoder's per-line fast path gives what its general path gives: values, their Go
    types, key positions, or the error (both are compared with Go in test_toml_oracle)."""
    data = text.encode()
    assert decoded_answer(data, fast=True) == decoded_answer(data, fast=False)


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(texts=registries_conf_texts())
def test_fast_path_agrees_with_the_decoder_generated(texts: tuple[str, dict[str, str]]) -> None:
    for text in (texts[0], *texts[1].values()):
        data = text.encode()
        assert decoded_answer(data, fast=True) == decoded_answer(data, fast=False)


# -- redefinitions get BurntSushi's text (checked against the oracle) ---------------------


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("a = 1\na = 2\n", "toml: line 2 (last key \"a\"): Key 'a' has already been defined."),
        (
            '[aliases]\nfoo = "a.com/x"\nfoo = "b.com/x"\n',
            "toml: line 3 (last key \"aliases.foo\"): Key 'aliases.foo' has already been defined.",
        ),
        ("[aliases]\n[aliases]\n", "toml: line 2: Key 'aliases' has already been defined."),
        ("[a.b]\n[a.b]\n", "toml: line 2 (last key \"a\"): Key 'a.b' has already been defined."),
        ("registry = 1\n[registry]\n", "toml: line 2: Key 'registry' has already been defined."),
        (
            "[[registry]]\nmirror = []\n[[registry.mirror]]\n",
            "toml: line 3 (last key \"registry\"): Key 'registry.mirror' was already created and"
            " cannot be used as an array.",
        ),
        (
            "k = {a = 1, a = 2}\n",
            "toml: line 1 (last key \"k.a\"): Key 'k.a' has already been defined.",
        ),
    ],
)
def test_redefinition_messages(text: str, body: str) -> None:  # SPEC R-CONF-4
    with pytest.raises(InvalidConfig) as info:
        parse_file(text, "p", dropin=False)
    assert info.value.go_message == 'loading registries configuration "p": ' + body


# -- robustness: any TOML document, any text --------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(doc=toml_documents)
def test_any_toml_document_gives_config_or_invalid_config(doc: dict[str, object]) -> None:
    import tomli_w

    text = tomli_w.dumps(doc)
    message = 'loading registries configuration "p": '
    try:
        parse_file(text, "p", dropin=False)
    except InvalidConfig as e:
        message = e.go_message
    assert message.startswith('loading registries configuration "p": ')


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_gives_config_or_invalid_config(text: str) -> None:
    message = "loading "
    try:
        parse_file(text, "p", dropin=True)
        parse_alias_cache(text, "p")
    except InvalidConfig as e:
        message = e.go_message
    assert message.startswith("loading ")
