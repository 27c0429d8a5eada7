"""Pull plans: upstream tables of pkg/sysregistriesv2 v5.34.2, the 5.34.2 quirks, the model.

Expected values are upstream test vectors (TestRewriteReference*, TestPullSourcesFromReference,
TestFindRegistry, TestMirrors) or follow from the spec rules cited; the property tests compare
the Resolver with ``model_go_scan.naive_plan``, which performs every Go step literally.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regresolve import (
    InvalidReference,
    Mirror,
    PlanError,
    PullPlan,
    RegistriesConf,
    Registry,
    Resolver,
    load_config,
)
from support.model_go_scan import naive_plan

DATA = Path(__file__).parent / "data" / "sysregistriesv2"
A64 = "a" * 64
DIGEST = "sha256:" + A64


def one(prefix: str, location: str, **kw: Any) -> Resolver:
    return Resolver(RegistriesConf(registries=(Registry(prefix=prefix, location=location, **kw),)))


def conf_text(text: str) -> RegistriesConf:
    return RegistriesConf.from_toml(text, path="/etc/containers/registries.conf")


# -- TestRewriteReferenceSuccess (input, prefix, location, expected) -------------------------

REWRITE_OK = [
    ("example.com/image", "example.com", "example.com", "example.com/image"),
    ("example.com/image:latest", "example.com", "example.com", "example.com/image:latest"),
    ("example.com:5000/image", "example.com:5000", "example.com:5000", "example.com:5000/image"),
    (
        "example.com:5000/image:latest",
        "example.com:5000",
        "example.com:5000",
        "example.com:5000/image:latest",
    ),
    (f"example.com/foo@{DIGEST}", "example.com", "example.com", f"example.com/foo@{DIGEST}"),
    ("example.com/foo/image:latest", "example.com/foo", "example.com", "example.com/image:latest"),
    (
        "example.com/foo/image:latest",
        "example.com/foo",
        "example.com/path",
        "example.com/path/image:latest",
    ),
    ("docker.io/library/image:latest", "docker.io", "docker.io", "docker.io/library/image:latest"),
    ("docker.io/library/image", "docker.io/library", "example.com", "example.com/image"),
    ("docker.io/library/image", "docker.io", "example.com", "example.com/library/image"),
    (
        "docker.io/library/prefix/image",
        "docker.io/library/prefix",
        "example.com",
        "example.com/image",
    ),
    ("docker.io/namespace/image", "*.io", "example.com", "example.com/namespace/image"),
    ("docker.io/library/prefix/image", "*.io", "example.com", "example.com/library/prefix/image"),
    (
        "sub.example.io/library/prefix/image",
        "*.example.io",
        "example.com",
        "example.com/library/prefix/image",
    ),
    (
        "another.sub.example.io:5000/library/prefix/image:latest",
        "*.sub.example.io",
        "example.com",
        "example.com:5000/library/prefix/image:latest",
    ),
    (
        "foo.bar.io/ns1/ns2/ns3/ns4",
        "*.bar.io",
        "omg.bbq.com/roflmao",
        "omg.bbq.com/roflmao/ns1/ns2/ns3/ns4",
    ),
    (
        "abc.internal.registry.com/foo:bar",
        "*.internal.registry.com",
        "",
        "abc.internal.registry.com/foo:bar",
    ),
    ("blah.foo.bar.com/omg:bbq", "*.com", "", "blah.foo.bar.com/omg:bbq"),
    (
        "alien.vs.predator.foobar.io:5000/omg",
        "*.foobar.io",
        "",
        "alien.vs.predator.foobar.io:5000/omg",
    ),
    (
        f"alien.vs.predator.foobar.io:5000/foo@{DIGEST}",
        "*.foobar.io",
        "",
        f"alien.vs.predator.foobar.io:5000/foo@{DIGEST}",
    ),
    (
        "alien.vs.predator.foobar.io:5000/omg:bbq",
        "*.foobar.io",
        "",
        "alien.vs.predator.foobar.io:5000/omg:bbq",
    ),
]


@pytest.mark.parametrize(("ref", "prefix", "location", "expected"), REWRITE_OK)
def test_rewrite_reference_success(ref: str, prefix: str, location: str, expected: str) -> None:
    """SPEC R-RW-1..3, R-RW-5 (upstream TestRewriteReferenceSuccess)."""
    plan = one(prefix, location).plan(ref)
    assert plan.registry is not None
    # Upstream feeds the reference as given; the plan adds :latest to untagged ones.
    want = (
        expected
        if (":" in expected.rsplit("/", 1)[-1] or "@" in expected)
        else expected + ":latest"
    )
    assert plan.sources[-1].reference == want
    assert plan.sources[-1].location == location


# -- TestRewriteReferenceFailedDuringParseNamed -------------------------------------------

REWRITE_FAIL = [
    (
        "example.com/foo/image:latest",
        "example.com/foo",
        "example.com/path/",
        "invalid reference format",
    ),
    (
        f"example.com/foo@{DIGEST}",
        "example.com/foo",
        "example.com",
        "repository name must be canonical",
    ),
    (
        "example.com:5000/image:latest",
        "example.com",
        "",
        "invalid prefix 'example.com' for empty location, should be in the format: *.example.com",
    ),
    (
        "example.com:5000/image:latest",
        "example.com",
        "example.com:5000",
        "invalid reference format",
    ),
]
# The rest of upstream's table has prefixes that do not match the reference: through
# FindRegistry the entry is simply not selected.
REWRITE_NO_MATCH = [
    ("example.com/foo/image:latest", "example.com//foo"),
    ("example.com/image:latest", "image"),
    ("example.com/foo/image:latest", "example.com/foo/"),
    ("example.com/foo/image", "example.com/f"),
    ("example.com/foo:latest", "example.com/f"),
    (f"example.com/foo@{DIGEST}", "example.com/f"),
    ("docker.io/library/image", "example.com"),
    ("docker.io/library/image", "*.com"),
    ("foo.docker.io/library/image", "*.example.com"),
    ("foo.docker.io/library/image", "*.docker.com"),
]


@pytest.mark.parametrize(("ref", "prefix", "location", "message"), REWRITE_FAIL)
def test_rewrite_reference_failure_fails_whole_plan(
    ref: str, prefix: str, location: str, message: str
) -> None:
    """SPEC R-RW-2, R-RW-4 (upstream TestRewriteReferenceFailedDuringParseNamed)."""
    with pytest.raises(PlanError) as info:
        one(prefix, location).plan(ref)
    want = message if message.startswith("invalid prefix") else f"rewriting reference: {message}"
    assert info.value.go_message == want


@pytest.mark.parametrize(("ref", "prefix"), REWRITE_NO_MATCH)
def test_rewrite_reference_prefix_not_selected(ref: str, prefix: str) -> None:
    """SPEC R-MATCH-2/3: these upstream failure rows never reach the rewrite in a pull."""
    plan = one(prefix, "example.com/path").plan(ref)
    assert plan.registry is None
    assert [s.reference for s in plan.sources] == [str(plan.reference)]


# -- TestPullSourcesFromReference -----------------------------------------------------------

PULL_SOURCES = [
    # (prefix, digest locations, digest insecure, tag locations, tag insecure)
    (
        "registry-a.com/foo",
        ["mirror-1.registry-a.com", "mirror-2.registry-a.com", "registry-a.com/bar"],
        [False, True, False],
        ["mirror-1.registry-a.com", "mirror-2.registry-a.com", "registry-a.com/bar"],
        [False, True, False],
    ),
    (
        "registry-b.com/foo",
        ["mirror-1.registry-b.com", "mirror-2.registry-b.com", "registry-b.com/bar"],
        [False, False, False],
        ["registry-b.com/bar"],
        [False],
    ),
    (
        "registry-a.com/baz",
        ["mirror-1.registry-a.com", "mirror-2.registry-a.com", "registry-a.com/bar"],
        [False, True, False],
        ["mirror-1.registry-a.com", "mirror-2.registry-a.com", "registry-a.com/bar"],
        [False, True, False],
    ),
    (
        "registry-b.com/baz",
        ["mirror-1.registry-b.com", "mirror-2.registry-b.com", "registry-b.com/bar"],
        [False, False, False],
        ["registry-b.com/bar"],
        [False],
    ),
    (
        "registry-c.com/baz",
        ["mirror-1.registry-c.com", "mirror-2.registry-c.com", "registry-c.com/bar"],
        [False, False, False],
        ["mirror-1.registry-c.com", "registry-c.com/bar"],
        [False, False],
    ),
    (
        "registry-d.com/baz",
        ["mirror-1.registry-d.com", "mirror-2.registry-d.com", "registry-d.com/bar"],
        [False, False, False],
        ["registry-d.com/bar"],
        [False],
    ),
    (
        "registry-e.com/baz",
        ["registry-e.com/bar"],
        [False],
        ["mirror-1.registry-e.com", "mirror-2.registry-e.com", "registry-e.com/bar"],
        [False, False, False],
    ),
    (
        "registry-f.com/baz",
        ["mirror-1.registry-f.com", "registry-f.com/bar"],
        [False, False],
        ["mirror-1.registry-f.com", "mirror-2.registry-f.com", "registry-f.com/bar"],
        [False, False, False],
    ),
    (
        "registry-g.com/baz",
        [
            "mirror-1.registry-g.com",
            "mirror-3.registry-g.com",
            "mirror-4.registry-g.com",
            "registry-g.com/bar",
        ],
        [False] * 4,
        [
            "mirror-2.registry-g.com",
            "mirror-3.registry-g.com",
            "mirror-4.registry-g.com",
            "registry-g.com/bar",
        ],
        [False] * 4,
    ),
]


@pytest.fixture(scope="module")
def pull_sources_resolver() -> Resolver:
    conf = load_config(
        DATA / "pull-sources-from-reference.conf", dropin_dirs=DATA / "this-does-not-exist"
    )
    assert len(conf.registries) == 9
    return Resolver(conf)


@pytest.mark.parametrize(("prefix", "dlocs", "dinsec", "tlocs", "tinsec"), PULL_SOURCES)
def test_pull_sources_from_reference(  # noqa: PLR0917 - parametrized columns
    pull_sources_resolver: Resolver,
    prefix: str,
    dlocs: list[str],
    dinsec: list[bool],
    tlocs: list[str],
    tinsec: list[bool],
) -> None:
    """SPEC R-PULL-1..3 (upstream TestPullSourcesFromReference)."""
    for suffix, locs, insec in ((f"@{DIGEST}", dlocs, dinsec), (":aaa", tlocs, tinsec)):
        plan = pull_sources_resolver.plan(f"{prefix}/image{suffix}")
        assert [s.location for s in plan.sources] == locs
        assert [s.reference for s in plan.sources] == [f"{loc}/image{suffix}" for loc in locs]
        assert [s.insecure for s in plan.sources] == insec
        assert [s.mirror for s in plan.sources] == [True] * (len(locs) - 1) + [False]


# -- TestFindRegistry / TestMirrors ---------------------------------------------------------


@pytest.fixture(scope="module")
def find_resolver() -> Resolver:
    conf = load_config(DATA / "find-registry.conf", dropin_dirs=DATA / "registries.conf.d")
    assert len(conf.registries) == 19
    return Resolver(conf)


FIND = [
    ("simple-prefix.com/foo/bar:latest", "simple-prefix.com", "registry.com:5000"),
    ("simple-prefix.com/", "simple-prefix.com", None),
    ("simple-prefix.com", "simple-prefix.com", None),
    ("not.so.simple-prefix.com/", None, "subdomain-prefix.com"),
    ("not.quite.simple-prefix.com/", None, "subdomain-prefix-2.com"),
    ("not.quite.simple-prefix.com:5000/with/path/and/beyond:tag", None, "subdomain-prefix-2.com"),
    (
        "really.not.quite.simple-prefix.com:5000/with/path/and/beyond:tag",
        None,
        "subdomain-prefix-1-overridden-by-dropin-location.com",
    ),
    ("foo.docker.io:5000/omg/wtf/bbq:foo", None, "subdomain-prefix-2.com"),
    (
        f"foo.bar.example.com:6000/omg/wtf/bbq@{DIGEST}",
        None,
        "subdomain-prefix-3-overridden-by-dropin-location.com",
    ),
    ("foo.bar.docker.io:5000/omg/wtf/bbq:foo", None, "subdomain-prefix-4.com"),
    ("foo.bar.example.com:5000/omg/wtf/bbq:foo", None, "subdomain-prefix-5.com"),
    (
        "complex-prefix.com:4000/with/path/and/beyond:tag",
        "complex-prefix.com:4000/with/path",
        "another-registry.com:5000",
    ),
    ("no-prefix.com/foo:tag", "no-prefix.com", "no-prefix.com"),
    ("empty-prefix.com/foo:tag", "empty-prefix.com", "empty-prefix.com"),
]


@pytest.mark.parametrize(("name", "prefix", "location"), FIND)
def test_find_registry(
    find_resolver: Resolver, name: str, prefix: str | None, location: str | None
) -> None:
    """SPEC R-MATCH-2..4 (upstream TestFindRegistry, with its drop-in overrides)."""
    reg = find_resolver.find_registry(name)
    assert reg is not None
    if prefix is not None:
        assert reg.prefix == prefix
    if location is not None:
        assert reg.location == location


def test_find_registry_no_match(find_resolver: Resolver) -> None:
    """SPEC R-MATCH-5 (upstream TestFindRegistry: "simple-prefix.comx")."""
    assert find_resolver.find_registry("simple-prefix.comx") is None


def test_mirrors() -> None:
    """Upstream TestMirrors: mirror order and per-mirror insecure."""
    r = Resolver(load_config(DATA / "mirrors.conf", dropin_dirs=DATA / "this-does-not-exist"))
    assert len(r.conf.registries) == 2
    reg = r.find_registry("registry.com/image:tag")
    assert reg is not None
    assert [(m.location, m.insecure) for m in reg.mirrors] == [
        ("mirror-1.registry.com", False),
        ("mirror-2.registry.com", True),
    ]
    plan = r.plan("registry.com/image:tag")
    assert [(s.reference, s.insecure) for s in plan.sources] == [
        ("mirror-1.registry.com/image:tag", False),
        ("mirror-2.registry.com/image:tag", True),
        ("registry.com/image:tag", False),
    ]
    blocked = r.plan("blocked.registry.com/x")
    assert blocked.blocked
    assert blocked.sources[0].blocked_by == "blocked.registry.com"


# -- 5.34.2 quirks (each is listed in docs/compat.md) ----------------------------------------


def test_quirk_wildcard_wins_tie() -> None:
    """SPEC R-MATCH-4, surprise 1: the wildcard sorts first and wins an equal-length tie."""
    conf = conf_text(
        '[[registry]]\nprefix = "a.example.com"\nlocation = "lit.com"\n'
        '[[registry]]\nprefix = "*.example.com"\nlocation = "wild.com"\n'
    )
    assert Resolver(conf).plan("a.example.com/x").sources[-1].reference == "wild.com/x:latest"


def test_quirk_port_leak_literal() -> None:
    """SPEC R-MATCH-2, surprise 3: `example.com` matches `example.com:5000`, port carried over."""
    plan = one("example.com", "other.com").plan("example.com:5000/x:1")
    assert plan.sources[-1].reference == "other.com:5000/x:1"


def test_quirk_port_leak_wildcard_mirrors() -> None:
    """SPEC R-RW-3: a wildcard rewrite keeps the port, on mirrors too."""
    r = one("*.example.com", "m.com", mirrors=(Mirror("mirror.com"),))
    plan = r.plan("foo.example.com:5000/a:1")
    assert [s.reference for s in plan.sources] == ["mirror.com:5000/a:1", "m.com:5000/a:1"]
    # m.com/ns + ":5000/a:1" is not a valid reference: the whole plan fails.
    with pytest.raises(PlanError) as info:
        one("*.example.com", "m.com/ns").plan("foo.example.com:5000/a:1")
    assert info.value.go_message == "rewriting reference: invalid reference format"
    assert (
        one("*.example.com", "m.com").plan("foo.example.com:5000/a:1").sources[-1].reference
        == "m.com:5000/a:1"
    )


def test_quirk_prefix_with_tag_never_applies() -> None:
    """SPEC R-MATCH-1, surprise 4: a prefix with :tag only matches full strings."""
    r = one("example.com/foo:bar", "other.com/foo")
    assert r.find_registry("example.com/foo:bar") is not None
    assert r.plan("example.com/foo:bar").registry is None


def test_quirk_canonical_rewrites() -> None:
    """SPEC R-RW-4, surprise 5: rewrites must be canonical."""
    with pytest.raises(PlanError) as info:
        one("example.com/foo", "docker.io").plan("example.com/foo/bar")
    assert info.value.go_message == "rewriting reference: repository name must be canonical"
    with pytest.raises(PlanError) as info:
        one("example.com", "index.docker.io/library").plan("example.com/bar")
    assert info.value.go_message == "rewriting reference: repository name must be canonical"
    ok = one("example.com", "docker.io/library").plan("example.com/bar")
    assert ok.sources[-1].reference == "docker.io/library/bar:latest"


def test_quirk_mirror_trailing_slash() -> None:
    """SPEC R-CONF-6.5, surprise 6: a 5.34.2 mirror location ending in '/' fails every plan."""
    conf = conf_text('[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "m.com/"\n')
    with pytest.raises(PlanError) as info:
        Resolver(conf).plan("a.com/x")
    assert info.value.go_message == "rewriting reference: invalid reference format"


def test_quirk_rewrite_too_long() -> None:
    """SPEC R-RW-4: the 255-character name limit applies to the rewritten name."""
    loc = "m.com/" + "a" * 240
    with pytest.raises(PlanError) as info:
        one("a.com", loc).plan("a.com/" + "b" * 20)
    assert (
        info.value.go_message
        == "rewriting reference: repository name must not be more than 255 characters"
    )
    fits = one("a.com", loc).plan("a.com/" + "b" * 8)
    assert fits.sources[-1].reference == f"{loc}/{'b' * 8}:latest"


def test_quirk_uppercase_location() -> None:
    """SPEC R-RW-4: uppercase in the location's path fails; in its host it is fine."""
    with pytest.raises(PlanError) as info:
        one("a.com", "m.com/NS").plan("a.com/x")
    assert (
        info.value.go_message
        == "rewriting reference: invalid reference format: repository name must be lowercase"
    )
    assert one("a.com", "M.com/ns").plan("a.com/x").sources[-1].reference == "M.com/ns/x:latest"


def test_quirk_blocked_only_per_physical_attempt() -> None:
    """SPEC R-PULL-5, surprise 2: mirrors of a blocked entry are still tried."""
    conf = conf_text(
        '[[registry]]\nlocation = "evil.com"\nblocked = true\n'
        '[[registry.mirror]]\nlocation = "m.com/evil"\n'
    )
    plan = Resolver(conf).plan("evil.com/x")
    assert [(s.reference, s.blocked) for s in plan.sources] == [
        ("m.com/evil/x:latest", False),
        ("evil.com/x:latest", True),
    ]
    assert plan.sources[1].blocked_error == (
        "registry evil.com is blocked in /etc/containers/registries.conf or "
    )
    assert not plan.blocked


def test_quirk_blocked_with_other_location_blocks_nothing() -> None:
    """SPEC R-PULL-5: blocked with location != prefix blocks nothing in the pull path."""
    conf = conf_text('[[registry]]\nprefix = "evil.com"\nlocation = "good.com"\nblocked = true\n')
    plan = Resolver(conf).plan("evil.com/x")
    assert plan.registry is not None
    assert plan.registry.blocked
    assert [s.blocked for s in plan.sources] == [False]


def test_quirk_mirror_blocked_by_other_entry() -> None:
    """SPEC R-PULL-5: a mirror is refused when its own location is covered by a blocked entry."""
    conf = conf_text(
        '[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "bad.com/m"\n'
        '[[registry]]\nlocation = "bad.com"\nblocked = true\n'
    )
    plan = Resolver(conf).plan("a.com/x")
    assert [(s.blocked, s.blocked_by) for s in plan.sources] == [(True, "bad.com"), (False, None)]


def test_quirk_namespace_blocking() -> None:
    """SPEC R-PULL-5: blocking `quay.io/evil` works only below that namespace."""
    conf = conf_text('[[registry]]\nlocation = "quay.io/evil"\nblocked = true\n')
    r = Resolver(conf)
    assert r.plan("quay.io/evil/x").blocked
    assert not r.plan("quay.io/good/x").blocked
    assert not r.plan("quay.io/evilx/y").blocked


def test_no_match_uses_reference_itself() -> None:
    """SPEC R-MATCH-5: no entry: one source, the reference itself, TLS verified."""
    plan = Resolver(RegistriesConf()).plan("busybox")
    assert plan.registry is None
    assert str(plan.reference) == "docker.io/library/busybox:latest"
    assert [(s.reference, s.location, s.insecure, s.mirror) for s in plan.sources] == [
        ("docker.io/library/busybox:latest", "docker.io/library/busybox:latest", False, False)
    ]


def test_tag_and_digest_refused() -> None:
    """SPEC R-PULL-4: the docker transport refuses tag+digest before anything else."""
    with pytest.raises(PlanError) as info:
        Resolver(RegistriesConf()).plan(f"busybox:1@{DIGEST}")
    assert (
        info.value.go_message
        == "Docker references with both a tag and digest are currently not supported"
    )


def test_invalid_reference() -> None:
    with pytest.raises(InvalidReference) as info:
        Resolver(RegistriesConf()).plan("UPPER/x")
    assert info.value.go_message == "invalid reference format: repository name must be lowercase"


def test_skipped_mirrors_have_reasons() -> None:
    """SPEC R-PULL-1: skipped mirrors are reported with the rule that skipped them."""
    conf = conf_text(
        '[[registry]]\nlocation = "a.com"\n'
        '[[registry.mirror]]\nlocation = "d.com"\npull-from-mirror = "digest-only"\n'
        '[[registry.mirror]]\nlocation = "t.com"\npull-from-mirror = "tag-only"\n'
    )
    r = Resolver(conf)
    tagged = r.plan("a.com/x:1")
    assert [s.location for s in tagged.sources] == ["t.com", "a.com"]
    assert [(m.mirror.location, "digest-only" in m.reason) for m in tagged.skipped] == [
        ("d.com", True)
    ]
    digested = r.plan(f"a.com/x@{DIGEST}")
    assert [s.location for s in digested.sources] == ["d.com", "a.com"]
    assert [m.mirror.location for m in digested.skipped] == ["t.com"]
    text = tagged.explain()
    assert "skipped mirror d.com" in text
    assert "digest-only" in text


def test_explain_and_to_dict() -> None:
    conf = RegistriesConf.from_toml(
        '[[registry]]\nprefix = "a.com"\nlocation = "b.com"\ninsecure = true\n'
        '[[registry.mirror]]\nlocation = "m.com"\n',
        path="/etc/containers/registries.conf",
    )
    plan = Resolver(conf).plan("a.com/x")
    d = plan.to_dict()
    assert d["input"] == "a.com/x"
    assert d["reference"] == "a.com/x:latest"
    assert d["registry"]["prefix"] == "a.com"
    assert d["registry"]["location"] == "b.com"
    assert [
        (s["reference"], s["location"], s["insecure"], s["mirror"], s["blocked"])
        for s in d["sources"]
    ] == [
        ("m.com/x:latest", "m.com", False, True, False),
        ("b.com/x:latest", "b.com", True, False, False),
    ]
    assert d["error"] is None
    text = plan.explain()
    assert "/etc/containers/registries.conf" in text
    assert "m.com/x:latest" in text
    assert "b.com/x:latest" in text
    none = Resolver(RegistriesConf()).plan("quay.io/x").explain()
    assert "no [[registry]]" in none


# -- cache -------------------------------------------------------------------------------


def test_cache_returns_same_plan_and_is_bounded() -> None:
    r = Resolver(conf_text('[[registry]]\nlocation = "a.com"\n'), cache_size=16)
    p1 = r.plan("a.com/x")
    assert r.plan("a.com/x") is p1
    for i in range(100):
        r.plan(f"a.com/x{i}")
    assert len(r._cache) <= 16
    assert r.plan("a.com/x") == p1


def test_cache_disabled() -> None:
    r = Resolver(RegistriesConf(), cache_size=0)
    assert r.plan("busybox") is not r.plan("busybox")
    assert r.plan("busybox") == r.plan("busybox")


def test_resolver_shared_between_threads() -> None:
    r = Resolver(
        conf_text('[[registry]]\nlocation = "a.com"\n[[registry.mirror]]\nlocation = "m.com"\n'),
        cache_size=8,
    )
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(300):
                p = r.plan(f"a.com/x{(i * k) % 37}")
                assert [s.location for s in p.sources] == ["m.com", "a.com"]
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# -- the resolver against the literal model ------------------------------------------------

HOSTS = ("a.com", "b.a.com", "a.com:5000", "docker.io", "m.com", "localhost", "q.io")
LOCATIONS = (
    "a.com",
    "b.a.com",
    "a.com:5000",
    "m.com/ns",
    "m.com/ns/x",
    "m.com/NS",
    "M.com/ns",
    "docker.io",
    "docker.io/library",
    "index.docker.io",
    "m.com/",
    "m.com:6000",
    "localhost/x",
    "m.com/" + "n" * 230,
    "foo_bar.com",
    "m.com/ns:tag",
    "m.com/a__b",
    "m.com/a-b.c_d",
)
PREFIXES = (
    *HOSTS,
    "a.com/ns",
    "a.com/ns/x",
    "docker.io/library",
    "*.a.com",
    "*.com",
    "*.io",
    "a.com/ns:1",
)


@st.composite
def confs(draw: st.DrawFn) -> RegistriesConf:
    regs: dict[str, Registry] = {}
    for prefix in draw(st.lists(st.sampled_from(PREFIXES), max_size=6, unique=True)):
        loc = draw(st.sampled_from(("", *LOCATIONS) if prefix.startswith("*.") else LOCATIONS))
        mirrors = tuple(
            Mirror(
                draw(st.sampled_from(LOCATIONS)),
                draw(st.booleans()),
                draw(st.sampled_from(["", "all", "digest-only", "tag-only"])),
            )
            for _ in range(draw(st.integers(0, 3)))
        )
        regs[prefix] = Registry(
            prefix=prefix,
            location=loc,
            insecure=draw(st.booleans()),
            blocked=draw(st.integers(0, 3)) == 0,
            mirror_by_digest_only=draw(st.integers(0, 4)) == 0,
            mirrors=mirrors,
        )
    return RegistriesConf(registries=tuple(regs[p] for p in sorted(regs)), path="/p", dir_path="/d")


@st.composite
def refs(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(HOSTS))
    path = "/".join(
        draw(st.lists(st.sampled_from(["ns", "x", "y", "n" * 60]), min_size=1, max_size=4))
    )
    suffix = draw(st.sampled_from(["", ":1", f"@{DIGEST}", f":1@{DIGEST}"]))
    return draw(st.sampled_from([f"{host}/{path}{suffix}", f"{path}{suffix}"]))


def as_model(r: Resolver, text: str) -> dict[str, Any]:
    try:
        plan: PullPlan = r.plan(text)
    except (InvalidReference, PlanError) as e:
        return {"error": e.go_message}
    return {
        "error": None,
        "reference": str(plan.reference),
        "registry": plan.registry,
        "sources": [
            (s.reference, s.location, s.insecure, s.mirror, s.pull_from_mirror, s.blocked_by)
            for s in plan.sources
        ],
    }


@pytest.mark.property
@settings(max_examples=600)
@given(conf=confs(), texts=st.lists(refs(), min_size=1, max_size=12))
def test_resolver_equals_literal_model(conf: RegistriesConf, texts: list[str]) -> None:
    """SPEC R-PULL-6: the compiled plan equals the step-by-step model (shortcuts included)."""
    r = Resolver(conf, cache_size=0)
    for text in texts:
        got = as_model(r, text)
        assert got == naive_plan(conf, text), text
        if got["error"] is None:
            for s in r.plan(text).sources:
                if s.blocked:
                    assert s.blocked_error == f"registry {s.blocked_by} is blocked in /p or /d"
