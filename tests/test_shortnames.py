"""Short names: upstream tables of pkg/shortnames and sysregistriesv2 (v5.34.2) and R-SN rules.

The upstream tests use ``shortnames.Add`` to put entries into the user alias cache; here the
same entries are given to the Resolver as its ``user_aliases`` (what ``load_alias_cache``
returns for such a file).  The Docker-Hub-forcing podman flag is not modelled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from regresolve import (
    Alias,
    InvalidConfig,
    RegistriesConf,
    Resolver,
    ShortNameError,
    load_config,
)
from regresolve._shortnames import ERR_NO_TTY

DATA = Path(__file__).parent / "data" / "shortnames"
NOWHERE = DATA / "this-does-not-exist"
DIGEST = "@sha256:d366a4665ab44f0648d7a00ae3fae139d55e32f9712c67accd604bb55df9d05a"


def resolver(name: str, dropins: Path = NOWHERE, **kw: object) -> Resolver:
    return Resolver(load_config(DATA / name, dropin_dirs=dropins), **kw)  # type: ignore[arg-type]


def repo_of(text: str) -> str:
    """The repository part of a reference written without a port."""
    return text.split(":", maxsplit=1)[0].split("@", maxsplit=1)[0]


def values(r: Resolver, name: str, mode: str | None = None) -> list[str]:
    return [str(c.reference) for c in r.resolve_short_name(name, mode=mode).candidates]


# -- TestResolve ----------------------------------------------------------------------------

RESOLVE = [
    ("docker", "docker.io/library/foo:latest"),
    ("docker:tag", "docker.io/library/foo:tag"),
    ("docker" + DIGEST, "docker.io/library/foo" + DIGEST),
    ("quay/foo", "quay.io/library/foo:latest"),
    ("quay/foo:tag", "quay.io/library/foo:tag"),
    ("quay/foo" + DIGEST, "quay.io/library/foo" + DIGEST),
    ("example", "example.com/library/foo:latest"),
    ("example:tag", "example.com/library/foo:tag"),
    ("example" + DIGEST, "example.com/library/foo" + DIGEST),
    ("registry.com/repo/image", "registry.com/repo/image:latest"),
    ("registry.com/repo/image:tag", "registry.com/repo/image:tag"),
    ("registry.com/repo/image" + DIGEST, "registry.com/repo/image" + DIGEST),
]


@pytest.mark.parametrize(("name", "value"), RESOLVE)
def test_resolve(name: str, value: str) -> None:
    """SPEC R-SN-1, R-SN-3 (upstream TestResolve): aliases with tag/digest, FQNs as is."""
    r = resolver("aliases.conf")
    res = r.resolve_short_name(name)
    assert [str(c.reference) for c in res.candidates] == [value]
    if "/" in name and "." in name.split("/", maxsplit=1)[0]:
        assert res.rationale == "qualified"
        assert res.description == ""
    else:
        assert res.rationale == "alias"
        repo = name.split(":", maxsplit=1)[0].split("@", maxsplit=1)[0]
        assert res.description == f'Resolved "{repo}" as an alias ({DATA / "aliases.conf"})'
    # Each candidate carries its own pull plan (no registries: the reference itself).
    cand = res.candidates[0]
    assert cand.plan is not None
    assert [s.reference for s in cand.plan.sources] == [value]


def test_resolve_errors() -> None:
    """Upstream TestResolve: unknown names without a search list, empty and invalid input."""
    r = resolver("aliases.conf")
    with pytest.raises(ShortNameError) as info:
        r.resolve_short_name("doesnotexist")
    assert info.value.go_message == (
        'short-name "doesnotexist" did not resolve to an alias and no unqualified-search '
        f'registries are defined in "{DATA / "aliases.conf"}"'
    )
    with pytest.raises(ShortNameError) as info:
        r.resolve_short_name("")
    assert info.value.go_message == (
        'cannot parse input: "": repository name must have at least one component'
    )
    with pytest.raises(ShortNameError) as info:
        r.resolve_short_name("Invalid#$")
    assert info.value.go_message.startswith('cannot parse input: "Invalid#$": ')


def test_empty_alias_falls_through() -> None:
    """SPEC R-SN-6: `empty=""` is no alias."""
    with pytest.raises(ShortNameError, match="did not resolve to an alias"):
        resolver("aliases.conf").resolve_short_name("empty")


def test_no_config_at_all() -> None:
    """SPEC R-SN-5: no origin at all gives the 'no containers-registries.conf(5)' text."""
    with pytest.raises(ShortNameError) as info:
        Resolver(RegistriesConf()).resolve_short_name("foo")
    assert info.value.go_message == (
        'short-name "foo" did not resolve to an alias and no '
        "containers-registries.conf(5) was found"
    )


# -- TestResolveWithDropInConfigs -------------------------------------------------------------

ADDED = tuple(Alias(f"added{i}", f"aliases.conf/added{i}", origin="/cache") for i in (1, 2, 3))
DROPIN_CASES = [
    ("docker", "docker.io/library/config1:latest"),
    ("docker:tag", "docker.io/library/config1:tag"),
    ("docker" + DIGEST, "docker.io/library/config1" + DIGEST),
    ("quay/foo", "quay.io/library/foo:latest"),
    ("quay/foo:tag", "quay.io/library/foo:tag"),
    ("quay/foo" + DIGEST, "quay.io/library/foo" + DIGEST),
    ("config1", "config1.com/image:latest"),
    ("config1:tag", "config1.com/image:tag"),
    ("config1" + DIGEST, "config1.com/image" + DIGEST),
    ("barz", "barz.com/config2:latest"),
    ("barz:tag", "barz.com/config2:tag"),
    ("barz" + DIGEST, "barz.com/config2" + DIGEST),
    *((f"added{i}", f"aliases.conf/added{i}:latest") for i in (1, 2, 3)),
    *((f"added{i}:tag", f"aliases.conf/added{i}:tag") for i in (1, 2, 3)),
    *((f"added{i}" + DIGEST, f"aliases.conf/added{i}" + DIGEST) for i in (1, 2, 3)),
    ("doesnotexist", "example-overwrite.com/doesnotexist:latest"),
    ("quay.io/repo/fedora", "quay.io/repo/fedora:latest"),
    ("localhost/repo/fedora:sometag", "localhost/repo/fedora:sometag"),
]


@pytest.mark.parametrize(("name", "value"), DROPIN_CASES)
def test_resolve_with_dropin_configs(name: str, value: str) -> None:
    """SPEC R-SN-6 (upstream TestResolveWithDropInConfigs): drop-ins override, the cache wins."""
    r = resolver("aliases.conf", DATA / "registries.conf.d", user_aliases=ADDED)
    assert values(r, name) == [value]


def test_user_cache_alias_origin_and_masking() -> None:
    """SPEC R-SN-6: the user cache is consulted first; its "" masks registries.conf."""
    r = resolver("aliases.conf", DATA / "registries.conf.d", user_aliases=ADDED)
    res = r.resolve_short_name("added3")  # config-2.conf also has added3 = xxx.com/image
    assert res.alias is not None
    assert res.description == 'Resolved "added3" as an alias (/cache)'
    masked = resolver("two-reg.conf", user_aliases=(Alias("repo/image", "", origin="/cache"),))
    assert values(masked, "repo/image") == [
        "quay.io/repo/image:latest",
        "registry.com/repo/image:latest",
    ]


def test_corrupt_user_cache_fails_every_resolution() -> None:
    """SPEC R-SN-6: a corrupt user cache breaks every short-name resolution."""
    err = InvalidConfig('loading short-name aliases config file "/cache": bad', path="/cache")
    r = resolver("two-reg.conf", user_aliases=err)
    with pytest.raises(ShortNameError) as info:
        r.resolve_short_name("foo")
    assert info.value.go_message == err.go_message
    with pytest.raises(ShortNameError):
        r.resolve_locally("foo")
    # Qualified names never look at aliases.
    assert values(r, "quay.io/foo") == ["quay.io/foo:latest"]


# -- TestResolveWithVaryingShortNameModes ---------------------------------------------------

MODES = [
    ("no-reg.conf", "permissive", "repo/image", 1),
    ("one-reg.conf", "permissive", "repo/image", 1),
    ("two-reg.conf", "permissive", "repo/image", 1),
    ("no-reg.conf", "permissive", "doesnotexist", None),
    ("one-reg.conf", "permissive", "doesnotexist", 1),
    ("two-reg.conf", "permissive", "doesnotexist", 2),
    ("no-reg.conf", "disabled", "repo/image", 1),
    ("one-reg.conf", "disabled", "repo/image", 1),
    ("two-reg.conf", "disabled", "repo/image", 1),
    ("no-reg.conf", "disabled", "doesnotexist", None),
    ("one-reg.conf", "disabled", "doesnotexist", 1),
    ("two-reg.conf", "disabled", "doesnotexist", 2),
    ("no-reg.conf", "enforcing", "repo/image", 1),
    ("one-reg.conf", "enforcing", "repo/image", 1),
    ("two-reg.conf", "enforcing", "repo/image", 1),
    ("no-reg.conf", "enforcing", "doesnotexist", None),
    ("one-reg.conf", "enforcing", "doesnotexist", 1),
    ("two-reg.conf", "enforcing", "doesnotexist", None),
    ("no-reg.conf", "invalid", "repo/image", None),
    ("one-reg.conf", "invalid", "repo/image", None),
    ("two-reg.conf", "invalid", "repo/image", None),
]


@pytest.mark.parametrize(("conf", "mode", "name", "count"), MODES)
def test_resolve_with_varying_modes(conf: str, mode: str, name: str, count: int | None) -> None:
    """SPEC R-SN-2, R-SN-3 step 8 (upstream TestResolveWithVaryingShortNameModes)."""
    r = resolver(conf)
    if count is None:
        with pytest.raises(ShortNameError):
            r.resolve_short_name(name, mode=mode)
    else:
        assert len(r.resolve_short_name(name, mode=mode).candidates) == count


def test_enforcing_without_tty_message() -> None:
    """SPEC R-SN-3: enforcing with several candidates and no TTY."""
    with pytest.raises(ShortNameError) as info:
        resolver("two-reg.conf").resolve_short_name("foo", mode="enforcing")
    assert info.value.go_message == ERR_NO_TTY
    assert ERR_NO_TTY == "short-name resolution enforced but cannot prompt without a TTY"


def test_invalid_mode_message() -> None:
    with pytest.raises(ShortNameError) as info:
        resolver("two-reg.conf").resolve_short_name("foo", mode="bogus")
    assert info.value.go_message == "unsupported short-name mode (bogus)"


# -- TestResolveAndRecord (the resolution half) ---------------------------------------------

RECORD = [
    ("foo", ["quay.io/foo:latest", "registry.com/foo:latest"]),
    ("foo:tag", ["quay.io/foo:tag", "registry.com/foo:tag"]),
    ("foo" + DIGEST, ["quay.io/foo" + DIGEST, "registry.com/foo" + DIGEST]),
    ("repo/foo", ["quay.io/repo/foo:latest", "registry.com/repo/foo:latest"]),
    ("repo/foo:tag", ["quay.io/repo/foo:tag", "registry.com/repo/foo:tag"]),
    ("repo/foo" + DIGEST, ["quay.io/repo/foo" + DIGEST, "registry.com/repo/foo" + DIGEST]),
    ("repo/image", ["quay.io/repo/image:latest"]),
    ("repo/image:tag", ["quay.io/repo/image:tag"]),
    ("repo/image" + DIGEST, ["quay.io/repo/image" + DIGEST]),
]


@pytest.mark.parametrize(("name", "expected"), RECORD)
def test_resolve_candidates(name: str, expected: list[str]) -> None:
    """SPEC R-SN-3, R-SN-4 (upstream TestResolveAndRecord): search order, tags and digests kept."""
    r = resolver("two-reg.conf")
    res = r.resolve_short_name(name)
    assert [str(c.reference) for c in res.candidates] == expected
    if len(expected) > 1:
        repo = name.split(":", maxsplit=1)[0].split("@", maxsplit=1)[0]
        assert res.description == (
            f'Resolving "{repo}" using unqualified-search registries ({DATA / "two-reg.conf"})'
        )
    # Alias user-cache entries recorded by podman are plain aliases on the next run.
    recorded = resolver(
        "two-reg.conf",
        user_aliases=(
            Alias(
                name.split(":", maxsplit=1)[0].split("@", maxsplit=1)[0],
                expected[0].split(":")[0].split("@")[0],
            ),
        ),
    )
    assert values(recorded, name) == [expected[0]]


# -- TestResolveLocally ----------------------------------------------------------------------

LOCALLY = [
    (
        "repo/image",
        [
            "quay.io/repo/image:latest",
            "localhost/repo/image:latest",
            "quay.io/repo/image:latest",
            "registry.com/repo/image:latest",
        ],
    ),
    ("foo", ["localhost/foo:latest", "quay.io/foo:latest", "registry.com/foo:latest"]),
    ("foo:tag", ["localhost/foo:tag", "quay.io/foo:tag", "registry.com/foo:tag"]),
    (
        "foo" + DIGEST,
        ["localhost/foo" + DIGEST, "quay.io/foo" + DIGEST, "registry.com/foo" + DIGEST],
    ),
    ("localhost/foo", ["localhost/foo:latest"]),
    ("localhost/foo:tag", ["localhost/foo:tag"]),
    ("localhost/foo" + DIGEST, ["localhost/foo" + DIGEST]),
    ("registry.com/repo/image" + DIGEST, ["registry.com/repo/image" + DIGEST]),
]


@pytest.mark.parametrize(("name", "expected"), LOCALLY)
def test_resolve_locally(name: str, expected: list[str]) -> None:
    """SPEC R-SN-9 (upstream TestResolveLocally): duplicates are kept."""
    assert [str(x) for x in resolver("two-reg.conf").resolve_locally(name)] == expected


# -- TestResolveShortNameAlias (pkg/sysregistriesv2) -------------------------------------------


def test_resolve_short_name_alias() -> None:
    """SPEC R-SN-6/7: values normalized, origin is the file, "" resolves to nothing."""
    path = Path(__file__).parent / "data" / "sysregistriesv2" / "aliases.conf"
    r = Resolver(load_config(path, dropin_dirs=NOWHERE))
    for name, value in (
        ("docker", "docker.io/library/foo"),
        ("quay/foo", "quay.io/library/foo"),
        ("example", "example.com/library/foo"),
    ):
        alias = r.lookup_alias(name)
        assert alias is not None
        assert (alias.value, alias.origin) == (value, str(path))
    assert r.lookup_alias("idonotexist") is None
    empty = r.lookup_alias("empty")
    assert empty is not None
    assert (empty.value, empty.origin) == ("", str(path))


def test_lookup_alias_validates_name() -> None:
    """ResolveShortNameAlias validates the name first."""
    r = Resolver(RegistriesConf())
    with pytest.raises(ShortNameError) as info:
        r.lookup_alias("a.com/foo")
    assert info.value.go_message == 'invalid short name "a.com/foo": must not contain registry'


def test_alias_lookup_is_literal() -> None:
    """SPEC R-SN-3 step 5: `library/foo` does not hit the alias `foo`."""
    conf = RegistriesConf.from_toml(
        'unqualified-search-registries = ["q.io"]\n[aliases]\n"foo" = "a.com/foo"\n', path="/r"
    )
    r = Resolver(conf)
    assert values(r, "foo") == ["a.com/foo:latest"]
    assert values(r, "library/foo") == ["q.io/library/foo:latest"]


def test_search_entries_keep_their_case() -> None:
    """SPEC R-SN-3 step 7, surprise 15: `Docker.IO` is not normalized; `docker.io` is."""
    conf = RegistriesConf.from_toml(
        'unqualified-search-registries = ["Docker.IO", "docker.io", "index.docker.io"]\n',
        path="/r",
    )
    assert values(Resolver(conf), "foo") == [
        "Docker.IO/foo:latest",
        "docker.io/library/foo:latest",
        "docker.io/library/foo:latest",
    ]
