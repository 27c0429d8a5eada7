"""The prefix index against the naive Go scan (support/model_go_scan.py) and upstream vectors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regresolve import RegistriesConf, Registry, Resolver
from regresolve._index import PrefixIndex
from support.model_go_scan import go_scan, match_len, subdomain_match_len

A64 = "a" * 64
B64 = "b" * 64

# Upstream TestRefMatchingPrefix (pkg/sysregistriesv2, v5.34.2): (ref, prefix, expected).
REF_MATCHING_PREFIX = [
    ("docker.io", "docker.io", len("docker.io")),
    ("docker.io", "example.com", -1),
    ("example.com:5000", "example.com:5000", len("example.com:5000")),
    ("example.com:50000", "example.com:5000", -1),
    ("example.com:5000", "example.com", len("example.com")),  # the port quirk
    ("example.com/foo", "example.com", len("example.com")),
    ("example.com/foo/bar", "example.com", len("example.com")),
    ("example.com/foo/bar:baz", "example.com", len("example.com")),
    (f"example.com/foo/bar@sha256:{A64}", "example.com", len("example.com")),
    ("docker.io", "docker.io/library", -1),
    ("docker.io/library", "docker.io/library", len("docker.io/library")),
    ("example.com/library", "docker.io/library", -1),
    ("docker.io/libraryy", "docker.io/library", -1),
    ("docker.io/library/busybox", "docker.io/library", len("docker.io/library")),
    ("docker.io", "docker.io/library/busybox", -1),
    ("docker.io/library/busybox", "docker.io/library/busybox", len("docker.io/library/busybox")),
    ("example.com/library/busybox", "docker.io/library/busybox", -1),
    ("docker.io/library/busybox2", "docker.io/library/busybox", -1),
    ("example.com", "example.com/foo:bar", -1),
    ("example.com/foo", "example.com/foo:bar", -1),
    ("example.com/foo:bar", "example.com/foo:bar", len("example.com/foo:bar")),
    ("example.com/foo:bar2", "example.com/foo:bar", -1),
    ("example.com", f"example.com/foo@sha256:{A64}", -1),
    ("example.com/foo", f"example.com/foo@sha256:{A64}", -1),
    (
        f"example.com/foo@sha256:{A64}",
        f"example.com/foo@sha256:{A64}",
        len(f"example.com/foo@sha256:{A64}"),
    ),
    (f"example.com/foo@sha256:{B64}", f"example.com/foo@sha256:{A64}", -1),
    ("example.com/foo", "*", -1),
]

# Upstream TestRefMatchingSubdomainPrefix: these call the wildcard rule directly.
REF_MATCHING_SUBDOMAIN = [
    ("docker.io", "*.io", len("docker.io")),
    ("docker.io/foo", "*.com", -1),
    ("example.com/foo", "*.co", -1),
    ("example.com/foo", "*.example.com", -1),
    ("example.com/foo", "*.com", len("example.com")),
    ("example.com/foo:bar", "*.com", len("example.com")),
    ("example.com/foo/bar:baz", "*.com", len("example.com")),
    ("yet.another.example.com/foo", "**.example.com", -1),
    ("yet.another.example.com/foo", "***.another.example.com", -1),
    ("yet.another.example.com/foo", "**********.another.example.com", -1),
    ("yet.another.example.com/foo/bar", "**********.another.example.com", -1),
    ("yet.another.example.com/foo/bar", "*.another.example.com", len("yet.another.example.com")),
    (
        "another.example.com/namespace.com/foo/bar/bbq:baz",
        "*.example.com",
        len("another.example.com"),
    ),
    ("example.net/namespace-ends-in.com/foo/bar/bbq:baz", "*.com", -1),
    ("another.example.com/namespace.com/foo/bar/bbq:baz", "*.namespace.com", -1),
    ("sub.example.com/foo/bar", "*.com", len("sub.example.com")),
    ("sub.example.com/foo/bar", "*.example.com", len("sub.example.com")),
    ("another.sub.example.com/foo/bar/bbq:baz", "*.example.com", len("another.sub.example.com")),
    (
        "another.sub.example.com/foo/bar/bbq:baz",
        "*.sub.example.com",
        len("another.sub.example.com"),
    ),
    (
        f"yet.another.example.com/foo/bar@sha256:{A64}",
        "*.example.com",
        len("yet.another.example.com"),
    ),
    (
        f"yet.another.sub.example.com/foo/bar@sha256:{A64}",
        "*.sub.example.com",
        len("yet.another.sub.example.com"),
    ),
]


@pytest.mark.parametrize(("ref", "prefix", "expected"), REF_MATCHING_PREFIX)
def test_ref_matching_prefix_model(ref: str, prefix: str, expected: int) -> None:
    """SPEC R-MATCH-2: the model reproduces upstream's table."""
    assert match_len(ref, prefix) == expected


@pytest.mark.parametrize(("ref", "prefix", "expected"), REF_MATCHING_SUBDOMAIN)
def test_ref_matching_subdomain_model(ref: str, prefix: str, expected: int) -> None:
    """SPEC R-MATCH-3: the model reproduces upstream's table."""
    assert subdomain_match_len(ref, prefix) == expected


@pytest.mark.parametrize(
    ("ref", "prefix", "expected"), REF_MATCHING_PREFIX + REF_MATCHING_SUBDOMAIN
)
def test_index_single_entry_agrees_with_upstream_table(
    ref: str, prefix: str, expected: int
) -> None:
    """SPEC R-MATCH-2/3: a one-entry index matches exactly when upstream's function does."""
    reg = Registry(prefix=prefix, location="x.com")
    found = PrefixIndex([reg]).find(ref)
    if prefix.startswith("**"):
        # refMatchingPrefix (what FindRegistry calls) treats "**..." as a literal prefix.
        assert found is None
    else:
        assert (found is reg) == (expected != -1)


def test_wildcard_wins_equal_length_tie() -> None:
    """SPEC R-MATCH-4: `*.example.com` (sorted first) beats `a.example.com` of equal length."""
    wild = Registry(prefix="*.example.com", location="w.com")
    lit = Registry(prefix="a.example.com", location="l.com")
    idx = PrefixIndex(sorted([lit, wild], key=lambda r: r.prefix))
    assert idx.find("a.example.com/x") is wild
    longer = Registry(prefix="foo.example.com", location="f.com")
    idx = PrefixIndex(sorted([longer, wild], key=lambda r: r.prefix))
    assert idx.find("foo.example.com/x") is longer


def test_first_occurrence_rule() -> None:
    """SPEC R-MATCH-3: only the first occurrence of `.S` counts."""
    wild = Registry(prefix="*.example.com", location="w.com")
    idx = PrefixIndex([wild])
    assert idx.find("a.example.com.example.com/x") is None
    assert idx.find("a.example.com:5000/x") is wild
    assert idx.find("example.com/x") is None


def test_empty_prefix_never_wins() -> None:
    """SPEC R-MATCH-4: a zero-length prefix is never strictly longer than nothing."""
    idx = PrefixIndex([Registry(prefix="", location="x.com")])
    assert idx.find("/x") is None
    assert idx.find("") is None


# -- property test against the naive scan ---------------------------------------------------

LABELS = ("a", "b", "com", "io", "x")
CHARS = "ab.:/@*-x5"


@st.composite
def hosts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4))
    host = ".".join(labels)
    if draw(st.integers(0, 4)) == 0:
        host += ":" + draw(st.sampled_from(["5000", "50", "5"]))
    return host


@st.composite
def prefixes(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(alphabet=CHARS, max_size=12))  # anything, even unvalidated
    if kind <= 3:
        return "*." + ".".join(draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3)))
    host = draw(hosts())
    path = draw(st.lists(st.sampled_from(["a", "b", "x"]), max_size=2))
    p = "/".join([host, *path])
    if draw(st.integers(0, 6)) == 0:
        p += draw(st.sampled_from([":t", "@sha256:" + A64]))
    return p


@st.composite
def inputs(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.text(alphabet=CHARS, max_size=20))
    host = draw(hosts())
    path = draw(st.lists(st.sampled_from(["a", "b", "x", "a.com"]), max_size=3))
    s = "/".join([host, *path])
    s += draw(st.sampled_from(["", "", ":t", "@sha256:" + A64, ":t@sha256:" + A64, "/"]))
    return s


@pytest.mark.property
@settings(max_examples=1000)
@given(
    prefix_list=st.lists(prefixes(), max_size=12),
    probes=st.lists(inputs(), min_size=1, max_size=10),
)
def test_index_equals_linear_scan(prefix_list: list[str], probes: list[str]) -> None:
    """SPEC R-MATCH-1..4: the index returns the very entry Go's linear scan returns."""
    regs = sorted(
        (Registry(prefix=p, location=f"loc{i}.com") for i, p in enumerate(prefix_list)),
        key=lambda r: r.prefix,
    )
    idx = PrefixIndex(regs)
    for s in probes:
        assert idx.find(s) is go_scan(regs, s), s
        for reg in regs:  # every prefix also as a probe (exact matches, ties)
            assert idx.find(reg.prefix) is go_scan(regs, reg.prefix), reg.prefix


@pytest.mark.property
@settings(max_examples=200)
@given(
    prefix_list=st.lists(prefixes(), max_size=12),
    probes=st.lists(inputs(), min_size=1, max_size=10),
)
def test_unsorted_entries_use_stored_order(prefix_list: list[str], probes: list[str]) -> None:
    """The tie-break is the stored order, whatever it is (Go walks the slice as stored)."""
    regs = [Registry(prefix=p, location=f"loc{i}.com") for i, p in enumerate(prefix_list)]
    idx = PrefixIndex(regs)
    for s in probes:
        assert idx.find(s) is go_scan(regs, s), s


def test_resolver_find_registry_uses_index() -> None:
    regs = (Registry(prefix="*.a.com", location=""), Registry(prefix="b.a.com", location="x.com"))
    r = Resolver(RegistriesConf(registries=regs))
    assert r.find_registry("b.a.com/x") is regs[0]
    assert r.find_registry("c.b.a.com/x") is regs[0]
    assert r.find_registry("a.com/x") is None


class _CountingDict(dict[str, Any]):
    """A dict that counts lookups through ``get`` (the index's only access on the hot path)."""

    probes = 0

    def get(self, key: str, default: Any = None) -> Any:
        type(self).probes += 1
        return super().get(key, default)


def _probes(n: int, probes: list[str]) -> tuple[int, list[Registry | None]]:
    regs = [
        Registry(prefix=f"r{i}.example.com/ns{i}", location=f"m{i}.example.net") for i in range(n)
    ]
    regs += [
        Registry(prefix="*.example.com", location="w.example.net"),
        Registry(prefix="quay.io", location="quay.io"),
    ]
    regs.sort(key=lambda r: r.prefix)
    idx = PrefixIndex(regs)
    idx._literal = _CountingDict(idx._literal)
    idx._wild = _CountingDict(idx._wild)
    _CountingDict.probes = 0
    found = [idx.find(s) for s in probes]
    assert found == [go_scan(regs, s) for s in probes[:3]] + found[3:]
    return _CountingDict.probes, found


def test_lookup_cost_does_not_grow_with_entries() -> None:
    """Issue 4: dict probes per lookup are bounded by the input, at 10 or 100,000 entries."""
    probes = [
        "r5.example.com/ns5/app",
        "x.y.example.com:5000/a/b/c",
        "quay.io/org/app",
        "docker.io/library/busybox",
        "r7.example.com/other/app",
    ]
    small, found_small = _probes(10, probes)
    large, found_large = _probes(100_000, probes)
    # At most one literal probe per possible boundary and one wildcard probe per '.' of the
    # host: a bound set by the inputs alone, whatever the number of entries.
    bound = sum(sum(s.count(c) for c in "/:@") + 1 + s.split("/", 1)[0].count(".") for s in probes)
    assert small <= bound
    assert large <= bound
    assert [r.prefix if r else None for r in found_small] == [
        r.prefix if r else None for r in found_large
    ]
