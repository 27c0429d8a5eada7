"""Where containers/image v5.34.2 differs from distribution/reference v0.6 and docker-image-py.

Each test pins one difference listed in docs/references.md.  Our side is what the Go oracle
answers (the same inputs are in tests/corpus/reference.jsonl); for docker-image-py the test
also shows that library answering differently, so the page stays true if it changes.
distribution/reference v0.6 is Go and not run here; its behaviour is stated in the page.
"""

from __future__ import annotations

import pytest

from regresolve import InvalidReference, is_short_name, parse_reference
from regresolve import _grammar as G

H64 = "0123456789abcdef" * 4
LOWERCASE = "invalid reference format: repository name must be lowercase"


def _docker_image_py(text: str) -> str:
    dr = pytest.importorskip("docker_image.reference")
    try:
        ref = dr.Reference.parse_normalized_named(text)
    except Exception as e:
        return f"error: {e}"
    out = str(ref["name"])
    if ref.get("tag"):
        out += ":" + ref["tag"]
    if ref.get("digest"):
        out += "@" + ref["digest"]
    return out


def _ours(text: str) -> str:
    try:
        return str(parse_reference(text))
    except InvalidReference as e:
        return f"error: {e.go_message}"


# -- distribution/reference v0.6 ----------------------------------------------------------


@pytest.mark.parametrize("text", ["Foo/bar", "LOCALHOST/foo", "Quay/app:1"])
def test_uppercase_first_component_is_not_a_domain(text: str) -> None:
    # v0.6 splitDockerDomain takes a first component with upper case as a domain.
    assert _ours(text) == f"error: {LOWERCASE}"
    assert _docker_image_py(text) == text  # docker-image-py follows v0.6 here


@pytest.mark.parametrize("text", ["[::1]:5000/foo", "[::1]/foo", "[fe80::1%eth0]:5000/foo"])
def test_no_ipv6_hosts(text: str) -> None:
    # The fork predates distribution's IPv6 support.
    assert _ours(text) == "error: invalid reference format"
    assert G.DOMAIN.fullmatch("[::1]:5000") is None


def test_ipv6_accepted_by_docker_image_py() -> None:
    assert _docker_image_py("[::1]:5000/foo") == "[::1]:5000/foo"


def test_lowercase_error_wording() -> None:
    # v0.6 and docker-image-py: "repository name (library/Foo) must be lowercase".
    assert _ours("Foo") == f"error: {LOWERCASE}"
    assert _docker_image_py("Foo") == (
        "error: invalid reference format: repository name (library/Foo) must be lowercase"
    )


def test_separator_language_is_unchanged() -> None:
    # Fork: `(?:[._]|__|[-]*)`; v0.6: `(?:[._]|__|[-]+)`.  Same strings; we use the latter.
    for ok in ("a-b", "a--b", "a__b", "a.b", "a_b"):
        assert parse_reference(ok).path == "library/" + ok
    for bad in ("a___b", "a..b", "a.-b", "a-", "-a", "a_"):
        assert _ours(bad) == "error: invalid reference format"


# -- docker-image-py ----------------------------------------------------------------------


def test_trailing_newline_rejected() -> None:
    # Python's `$` matches before a final newline; Go's does not.
    assert _ours("foo\n") == "error: invalid reference format"
    assert _docker_image_py("foo\n") == "docker.io/library/foo"


def test_normalized_name_length_limit() -> None:
    # 238 characters become 256 once "docker.io/library/" is added.
    assert _ours("a" * 238) == "error: repository name must not be more than 255 characters"
    assert _docker_image_py("a" * 238) == "docker.io/library/" + "a" * 238


def test_underscore_host_is_a_path() -> None:
    # "foo_bar.com" is no domain (underscore), so the whole name is a path, domain "".
    ref = parse_reference("foo_bar.com/x")
    assert (ref.domain, ref.path, str(ref)) == ("", "foo_bar.com/x", "foo_bar.com/x")
    assert _docker_image_py("foo_bar.com/x") == "error: invalid reference format"


def test_digest_error_texts() -> None:
    assert _ours("foo@sha256:" + H64.upper()) == "error: invalid checksum digest format"
    assert _docker_image_py("foo@sha256:" + H64.upper()) == "error: invalid digest"


def test_uppercase_algorithm_without_tag_is_a_lowercase_error() -> None:
    # The lowercase check spans up to the first ":", i.e. into "@SHA256".
    assert _ours("foo@SHA256:" + H64) == f"error: {LOWERCASE}"
    assert _ours("foo:t@SHA256:" + H64) == "error: invalid checksum digest format"


# -- Go vs Python string functions --------------------------------------------------------


def test_dotted_capital_i_lowercases_like_go() -> None:
    # Go strings.ToLower("İ") is "i"; Python's "İ".lower() is "i̇" (two code points).
    with pytest.raises(InvalidReference) as info:
        is_short_name("İmage")
    assert info.value.go_message == 'cannot parse input: "İmage": repository name must be lowercase'


def test_kelvin_sign_in_tag() -> None:
    # Go lowers U+212A to "k", so the lowercased retry matches: an "uppercase" error that
    # ParseNormalizedNamed returns bare (no "invalid reference format: " prefix).
    assert _ours("foo:\u212a") == "error: repository name must be lowercase"


def test_sha256_hex_is_a_tag_not_a_digest() -> None:
    ref = parse_reference("sha256:" + H64)
    assert (ref.name, ref.tag, ref.digest) == ("docker.io/library/sha256", H64, None)


def test_short_name_quirks() -> None:
    # The doc comment of IsShortName says a digest name is not short; the code says it is.
    assert is_short_name("foo@sha256:" + H64) is True
    assert is_short_name("Foo/bar") is True  # Parse's domain is "Foo": no "." or ":"
    assert is_short_name(H64) is True
