"""Image references: the upstream Go test tables, the spec's rules, and the object API.

The tables live in ``tests/data/reference_upstream.json`` (containers/image v5.34.2
``docker/reference/*_test.go`` and ``pkg/shortnames/shortnames_test.go``, case by case) and
``tests/data/reference_spec.json`` (examples from spec sections 2 and 9, by rule id).  Each case
names the Go function it exercises; ``_run`` maps it to ours.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

import regresolve
from regresolve import InvalidReference, Reference, is_short_name, parse_reference
from regresolve import _grammar as G
from regresolve import _reference as R
from regresolve._gotext import go_lower, go_quote, is_go_lowercase
from support.strategies_reference import reference_texts

DATA = Path(__file__).parent / "data"
H64 = "0123456789abcdef" * 4


def _load(name: str, key: str) -> list[Any]:
    cases = json.loads((DATA / name).read_text(encoding="utf-8"))["cases"]
    counters: dict[str, int] = {}
    params = []
    for case in cases:
        n = counters[case[key]] = counters.get(case[key], 0) + 1
        shown = case["input"] if len(case["input"]) <= 40 else case["input"][:37] + "..."
        params.append(pytest.param(case, id=f"{case[key]}[{n}]-{case['func']}({shown!r})"))
    return params


UPSTREAM = _load("reference_upstream.json", "test")
SPEC = _load("reference_spec.json", "rule")

_FIELDS = ("name", "domain", "path", "tag", "digest", "familiar_name", "familiar")


def _check_ref(ref: Reference, case: dict[str, Any]) -> None:
    for field in _FIELDS:
        if field in case:
            assert getattr(ref, field) == case[field], field
    if "string" in case:
        assert str(ref) == case["string"]


def _call(case: dict[str, Any]) -> Any:
    func, text = case["func"], case["input"]
    if func == "parse_raw":
        return R.parse_raw(text)
    if func == "parse_normalized":
        return parse_reference(text)
    if func == "parse_named":
        return parse_reference(text, normalize=False)
    if func == "parse_docker_ref":
        return R.parse_docker_ref(text)
    if func == "parse_any":
        return R.parse_any_reference(text)
    if func == "default_tag":
        return parse_reference(text).with_default_tag()
    if func == "with_name":
        return R.with_name(text)
    if func == "with_tag":
        base = R.with_name(text)
        if "digest" in case:
            base = base.with_digest(case["digest"])
        return base.with_tag(case["tag"])
    if func == "with_digest":
        base = R.with_name(text)
        if "tag" in case:
            base = base.with_tag(case["tag"])
        return base.with_digest(case["digest"])
    if func == "is_short_name":
        return is_short_name(text)
    if func == "split_user_input":
        return R.parse_unnormalized_short_name(text)
    raise AssertionError(f"unknown func {func}")


def _run(case: dict[str, Any]) -> None:
    func = case["func"]
    if func.startswith("regex_"):
        _run_regex(case)
        return
    if "error" in case:
        with pytest.raises(InvalidReference) as info:
            _call(case)
        if case["error"] is not True:
            assert info.value.go_message == case["error"]
            assert str(info.value) == case["error"]
        return
    result = _call(case)
    if func == "is_short_name":
        assert result is case["short"]
    elif func == "split_user_input":
        _, ref = result
        assert str(ref.name_only()) == case["repo"]
        assert (ref.tag is not None) is case["is_tagged"]
        assert (ref.digest is not None) is case["is_digested"]
        assert str(ref) == case["input"]
    elif func == "parse_any":
        assert str(result) == case["string"]
        assert isinstance(result, str if case["kind"] == "digest" else Reference)
    else:
        assert isinstance(result, Reference)
        _check_ref(result, case)


def _run_regex(case: dict[str, Any]) -> None:
    pattern = {
        "regex_domain": G.DOMAIN,
        "regex_anchored_name": G.ANCHORED_NAME,
        "regex_reference": G.REFERENCE,
        "regex_identifier": G.IDENTIFIER,
    }[case["func"]]
    m = pattern.fullmatch(case["input"])
    assert (m is not None) is case["match"]
    if m is None or "subs" not in case:
        return
    if case["func"] == "regex_reference":
        domain, path, tag, digest = m.groups()
        name = path if domain is None else f"{domain}/{path}"
        assert [name, tag or "", digest or ""] == case["subs"]
    else:
        assert [g or "" for g in m.groups()] == case["subs"]


@pytest.mark.parametrize("case", UPSTREAM)
def test_upstream_table(case: dict[str, Any]) -> None:
    _run(case)


@pytest.mark.parametrize("case", SPEC)
def test_spec_rule(case: dict[str, Any]) -> None:
    _run(case)


def test_upstream_tables_complete() -> None:
    tests = {c.values[0]["test"] for c in UPSTREAM}
    assert tests >= {
        "TestReferenceParse",
        "TestParseNamed",
        "TestParseDockerRef",
        "TestParseAnyReference",
        "TestValidateReferenceName",
        "TestValidateRemoteName",
        "TestParseRepositoryInfo",
        "TestNormalizedSplitHostname",
        "TestDomainRegexp",
        "TestFullNameRegexp",
        "TestReferenceRegexp",
        "TestIdentifierRegexp",
        "TestIsShortName",
        "TestSplitUserInput",
        "TestWithTag",
        "TestWithDigest",
    }


# -- the Reference object ---------------------------------------------------------------------


class TestReferenceObject:
    """Reference is a frozen, hashable value; its derived forms follow Go's String/Familiar*."""

    def test_frozen(self) -> None:
        ref = parse_reference("busybox")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            ref.tag = "x"  # type: ignore[misc]

    def test_slots(self) -> None:
        assert not hasattr(parse_reference("busybox"), "__dict__")

    def test_equality_and_hash(self) -> None:
        a = parse_reference("busybox:1")
        b = parse_reference("docker.io/library/busybox:1")
        assert a == b
        assert hash(a) == hash(b)
        assert a != parse_reference("busybox:2")
        assert Reference("docker.io", "library/busybox", "1") == a

    def test_pickle_round_trip(self) -> None:
        ref = parse_reference("quay.io/a/b:c@sha256:" + H64)
        copy = pickle.loads(pickle.dumps(ref))
        assert copy == ref
        assert copy.name == "quay.io/a/b"

    def test_repr_and_str(self) -> None:
        ref = parse_reference("busybox:1")
        assert str(ref) == "docker.io/library/busybox:1"
        assert repr(ref) == "Reference('docker.io/library/busybox:1')"

    def test_string_forms(self) -> None:  # SPEC R-REF-11
        assert str(parse_reference("a")) == "docker.io/library/a"
        assert str(parse_reference("a:t")) == "docker.io/library/a:t"
        assert str(parse_reference("a@sha256:" + H64)) == "docker.io/library/a@sha256:" + H64
        assert str(parse_reference("a:t@sha256:" + H64)) == "docker.io/library/a:t@sha256:" + H64

    def test_familiar(self) -> None:  # SPEC R-REF-12
        ref = parse_reference("docker.io/library/busybox:1@sha256:" + H64)
        assert ref.familiar_name == "busybox"
        assert ref.familiar == "busybox:1@sha256:" + H64
        assert parse_reference("library/a/b").familiar_name == "library/a/b"
        assert parse_reference("ns/x").familiar == "ns/x"
        assert parse_reference("localhost/x").familiar == "localhost/x"

    def test_with_default_tag(self) -> None:  # SPEC R-REF-10
        ref = parse_reference("busybox")
        tagged = ref.with_default_tag()
        assert tagged.tag == "latest"
        assert tagged.name == ref.name
        same = parse_reference("busybox@sha256:" + H64)
        assert same.with_default_tag() is same

    def test_with_tag_keeps_digest(self) -> None:
        ref = parse_reference("busybox@sha256:" + H64).with_tag("v1")
        assert str(ref) == "docker.io/library/busybox:v1@sha256:" + H64

    def test_with_digest_keeps_tag(self) -> None:
        ref = parse_reference("busybox:v1").with_digest("sha256:" + H64)
        assert str(ref) == "docker.io/library/busybox:v1@sha256:" + H64

    def test_name_only(self) -> None:
        ref = parse_reference("busybox:v1@sha256:" + H64)
        assert str(ref.name_only()) == "docker.io/library/busybox"
        bare = parse_reference("busybox")
        assert bare.name_only() is bare

    def test_constructor_validates(self) -> None:
        assert Reference("", "foo_bar.com/x").name == "foo_bar.com/x"
        assert Reference("quay.io", "a").name == "quay.io/a"
        with pytest.raises(InvalidReference, match=r"^invalid reference format$"):
            Reference("quay.io", "A")
        with pytest.raises(InvalidReference, match=r"^invalid reference format$"):
            Reference("", "quay.io/a")  # the first component is a domain: not this split
        with pytest.raises(InvalidReference, match=r"^repository name must not be more than"):
            Reference("quay.io", "a" * 250)
        with pytest.raises(InvalidReference, match=r"^invalid tag format$"):
            Reference("quay.io", "a", tag="-x")
        with pytest.raises(InvalidReference, match=r"^invalid digest format$"):
            Reference("quay.io", "a", digest="sha256:x")

    def test_exported(self) -> None:
        for name in ("Reference", "parse_reference", "is_short_name", "InvalidReference"):
            assert name in regresolve.__all__

    def test_error_is_value_error(self) -> None:
        with pytest.raises(ValueError, match="must be lowercase") as info:
            parse_reference("Foo")
        assert isinstance(info.value, regresolve.RegresolveError)
        assert info.value.input == "Foo"  # type: ignore[attr-defined]


# -- Go string helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("abc", '"abc"'),
        ("", '""'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("a\nb\tc\rd\ae\bf\fg\vh", '"a\\nb\\tc\\rd\\ae\\bf\\fg\\vh"'),
        ("\x00\x1f\x7f", '"\\x00\\x1f\\x7f"'),
        ("\u00a0\u00ad\u00e9", '"\\u00a0\\u00ad\u00e9"'),
        ("İ\u212a\uff21", '"İ\u212a\uff21"'),
        ("\u200b\u2028\ufeff", '"\\u200b\\u2028\\ufeff"'),
        ("\U0001f433\U000e0001", '"\U0001f433\\U000e0001"'),
        ("\u3000", '"\\u3000"'),
        ("\u0378", '"\\u0378"'),  # unassigned
        ("\U00031350\U0001fae8", '"\U00031350\U0001fae8"'),  # new in Unicode 15.0 (Go 1.23)
        ("\ud800", '"\ufffd"'),  # a lone surrogate reaches Go as U+FFFD
        (
            "x" * 20 + "\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10",
            '"' + "x" * 20 + "\\x01\\x02\\x03\\x04\\x05\\x06\\a\\x0e\\x0f\\x10" + '"',
        ),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


@pytest.mark.parametrize(
    ("text", "lowered"),
    [
        ("ABC", "abc"),
        ("İmage", "image"),  # Python: "i̇mage" (two code points)
        ("\u212a", "k"),  # Kelvin sign
        ("ΑΣ", "ασ"),  # no final-sigma rule in Go
        ("ß", "ß"),
        ("Ａ", "ａ"),
    ],
)
def test_go_lower(text: str, lowered: str) -> None:
    assert go_lower(text) == lowered
    assert is_go_lowercase(text) is (text == lowered)


def test_separator_is_not_exponential() -> None:
    # The verbatim Go separator `(?:[._]|__|[-]*)` takes seconds here in Python.
    for n in (24, 1000):
        assert G.REFERENCE.fullmatch("a" * n + "!") is None


# -- properties (no oracle needed) ------------------------------------------------------------


class TestProperties:
    """Invariants that hold in Go for every parseable input (checked there by the oracle)."""

    @settings(max_examples=300, deadline=None, database=None)
    @given(text=reference_texts())
    def test_string_form_is_canonical(self, text: str) -> None:
        # SPEC R-REF-7: ParseNamed(ParseNormalizedNamed(s).String()) succeeds, same value.
        try:
            ref = parse_reference(text)
        except InvalidReference:
            return
        again = parse_reference(str(ref), normalize=False)
        assert again == ref
        assert (again.name, again.domain, again.path) == (ref.name, ref.domain, ref.path)

    @settings(max_examples=300, deadline=None, database=None)
    @given(text=reference_texts())
    def test_constructor_accepts_parsed_parts(self, text: str) -> None:
        try:
            ref = parse_reference(text)
        except InvalidReference:
            return
        built = Reference(ref.domain, ref.path, ref.tag, ref.digest)
        assert built == ref
        assert built.name == ref.name
        assert hash(built) == hash(ref)

    @settings(max_examples=300, deadline=None, database=None)
    @given(text=reference_texts())
    def test_default_tag_is_idempotent(self, text: str) -> None:  # SPEC R-REF-10
        try:
            ref = parse_reference(text)
        except InvalidReference:
            return
        tagged = ref.with_default_tag()
        assert tagged.with_default_tag() == tagged
        assert tagged.tag == (ref.tag if ref.tag or ref.digest else "latest")
        assert tagged.digest == ref.digest


@pytest.mark.parametrize(
    ("text", "familiar", "reparsed"),
    [
        # Go quirk: FamiliarString drops "docker.io/", and what is left can look like a
        # registry (or no longer be one), so it does not always parse back to the same name.
        ("docker.io/a.b/c:1", "a.b/c:1", "a.b/c:1"),
        ("docker.io/localhost/x", "localhost/x", "localhost/x"),
        ("docker.io/foo_bar.com/x", "foo_bar.com/x", "foo_bar.com/x"),
        ("docker.io/library/busybox:1", "busybox:1", "docker.io/library/busybox:1"),
    ],
)
def test_familiar_form_does_not_always_round_trip(text: str, familiar: str, reparsed: str) -> None:
    ref = parse_reference(text)
    assert ref.familiar == familiar
    assert str(parse_reference(familiar)) == reparsed
