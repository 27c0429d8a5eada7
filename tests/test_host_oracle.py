"""Differential tests: TLS, credentials and signature storage per pull source against Go.

Every example is a whole machine (``strategies_host.host_cases``: certs.d trees, auth files,
credential helpers, registries.d, registries.conf) laid out in a temporary directory that both
sides read: regresolve through ``load_host(root=tree, ...)`` and the Go oracle (containers/image
5.34.2, ``hostctx`` op) through links in its private root.  Every field and every error text
is compared (``support.host_compare``).  Three narrower generators push the error paths
harder: arbitrary auth-file bytes (Go's JSON and base64 errors), arbitrary lookaside URLs
(``net/url``) and registries.d documents (yaml.v3's decoding).

Each compared lookup counts once: per source, its credentials, its TLS set-up and its signature
storage (a registries.d error, which fails the pull, counts one signature lookup).
``REGRESOLVE_ORACLE_EXAMPLES=ci`` runs the CI sizes and asserts at least 20,000 lookups
(``test_lookup_count_report``); a developer run is about twenty times smaller.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.host_compare import compare, request_for
from support.oracle_size import examples, is_ci_size
from support.strategies_host import HostCase, host_cases, write_tree

pytestmark = [pytest.mark.oracle, pytest.mark.property]

MIN_CI_LOOKUPS = 20_000
COUNTS = {"credentials": 0, "tls": 0, "signatures": 0}


def _settings(default: int, ci: int) -> Any:
    return settings(
        max_examples=examples(default=default, ci=ci),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def check(oracle: Any, case: HostCase) -> None:
    with tempfile.TemporaryDirectory(prefix="regresolve-host-") as d:
        tree = Path(d)
        write_tree(case, tree)
        answer = oracle.request(request_for(case, tree))
        for k, v in compare(case, tree, answer).items():
            COUNTS[k] += v


@_settings(default=60, ci=1_000)
@given(case=host_cases())
def test_host_context_matches_oracle(oracle: Any, case: HostCase) -> None:
    """Whole machines: every source's credentials, certificates, lookaside and error."""
    check(oracle, case)


# ---------------------------------------------------------------------------------------------
# Narrower generators for the error texts
# ---------------------------------------------------------------------------------------------

_JSON_PIECES = [
    b"{",
    b"}",
    b"[",
    b"]",
    b'"auths"',
    b'"credHelpers"',
    b'"AUTHS"',
    b'"auth"',
    b'"identitytoken"',
    b":",
    b",",
    b" ",
    b"\n",
    b'"example.com"',
    b'"https://example.com"',
    b'"ZXhhbXBsZTpwdw=="',
    b'"eDp5"',
    b'"!!"',
    b'"abc"',
    b'"YWJj="',
    b"null",
    b"true",
    b"1",
    b"-0.5e3",
    b"01",
    b"1.",
    b"tru",
    b'"\\u00e9"',
    b'"\\x"',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\x01",
    b'"ex\\u0061mple.com"',
    b'"exampl\xc3\xa9.com"',
    b'"example.com/x"',
    b'"Auth\xc5\xbf"',
]


@st.composite
def auth_documents(draw: st.DrawFn) -> bytes:
    """Valid auth files with one mutation, or a sequence of JSON-ish pieces."""
    if draw(st.booleans()):
        return b"".join(draw(st.lists(st.sampled_from(_JSON_PIECES), max_size=14)))
    key = draw(
        st.sampled_from(["example.com", "example.com/x", "https://example.com/v1/", "EXAMPLE.com"])
    )
    auth = draw(
        st.sampled_from(
            [
                "ZXhhbXBsZTpwdw==",
                "ZXhh\nbXBsZTpwdw==",
                "ZXhhbXBsZQ==",
                "",
                "Og==",
                "ZXhhbXBsZTpwdw",
                "ZXhhbXBsZTpwdw===",
                "ZX=hbX",
                "\u00e9",
                "ZXhh bXBs",
            ]
        )
    )
    doc = ('{"auths": {"%s": {"auth": "%s"}}}' % (key, auth.replace("\n", "\\n"))).encode()  # noqa: UP031
    cut = draw(st.integers(0, len(doc)))
    mutation = draw(st.sampled_from(["none", "none", "truncate", "insert", "delete"]))
    if mutation == "truncate":
        return doc[:cut]
    if mutation == "insert":
        return doc[:cut] + draw(st.sampled_from(_JSON_PIECES)) + doc[cut:]
    if mutation == "delete":
        return doc[:cut] + doc[cut + 1 :]
    return doc


@_settings(default=150, ci=2_500)
@given(doc=auth_documents(), legacy=st.booleans())
def test_auth_file_errors_match_oracle(oracle: Any, doc: bytes, legacy: bool) -> None:
    """Go's JSON syntax and type errors, base64 errors and key matching, word for word."""
    case = HostCase(refs=["example.com/x:1"])
    case.files["/etc/containers/registries.conf"] = b""
    if legacy:
        case.files["/home/user/.dockercfg"] = doc
    else:
        case.auth_file = "/auth.json"
        case.files["/auth.json"] = doc
    # Credentials in such a file are not checked by user name: their secrets are unknown here.
    with tempfile.TemporaryDirectory(prefix="regresolve-auth-") as d:
        tree = Path(d)
        write_tree(case, tree)
        answer = oracle.request(request_for(case, tree))
        from support.host_compare import python_contexts

        ours = python_contexts(case, tree)[0].sources[0].credentials
        go = answer["plans"][0]["sources"][0]
        got_err = None if go["credentials_error"] is None else go["credentials_error"]
        want_err = None if ours.error is None else ours.error.replace(str(tree), "")
        assert got_err == want_err, (doc, ours, go)
        if ours.kind == "auth-file":
            assert go["credentials"] is not None
            assert go["credentials"]["username"] == ours.username
        else:
            assert go["credentials"] is None, (doc, ours, go)
        COUNTS["credentials"] += 1


_URL_PIECES = [
    "https://",
    "http://",
    "file://",
    "/",
    "sig.example.com",
    ":8443",
    ":x",
    "@",
    "u:p@",
    "%20",
    "%zz",
    "%2",
    " ",
    "#frag",
    "?q=1",
    "[::1]",
    "[fe80::1%25en0]",
    "a:b",
    ".",
    "~",
    "é",
    "\\",
    "\t",
    "HTTP://",
    "opaque:",
    "//",
    ":",
    "%25",
    "*",
]


@_settings(default=150, ci=2_500)
@given(pieces=st.lists(st.sampled_from(_URL_PIECES), min_size=1, max_size=6), attach=st.booleans())
def test_lookaside_urls_match_oracle(oracle: Any, pieces: list[str], attach: bool) -> None:
    """``url.Parse`` errors and ``URL.Redacted()`` of the lookaside, word for word."""
    url = "".join(pieces)
    case = HostCase(refs=["example.com/ns/app:1"])
    case.files["/etc/containers/registries.conf"] = b""
    yaml_doc = f"docker:\n  example.com:\n    lookaside: {_yaml_quote(url)}\n"
    if attach:
        yaml_doc += "    use-sigstore-attachments: true\n"
    case.files["/etc/containers/registries.d/a.yaml"] = yaml_doc.encode()
    check(oracle, case)


def _yaml_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t") + '"'


_YAML_VALUES = [
    "x",
    "https://s.example.com",
    "",
    "~",
    "null",
    "true",
    "yes",
    "Off",
    "1",
    "0x10",
    "1.5",
    "1e3",
    ".inf",
    "2001-02-03",
    "'quoted'",
    '"yes"',
    "[a, b]",
    "{a: b}",
    "[]",
    "|\n      block",
    "08",
    "-0b1",
    "0o7",
    "+1",
    "1_0",
    ".5",
    "y",
]
_NS_KEYS = [
    "lookaside",
    "lookaside-staging",
    "sigstore",
    "sigstore-staging",
    "use-sigstore-attachments",
    "other",
]


@st.composite
def registries_documents(draw: st.DrawFn) -> str:
    lines = []
    for top in draw(
        st.lists(st.sampled_from(["docker", "default-docker", "other", "docker"]), max_size=3)
    ):
        if draw(st.integers(0, 6)) == 0:
            lines.append(f"{top}: {draw(st.sampled_from(_YAML_VALUES))}")
            continue
        lines.append(f"{top}:")
        indent = "  "
        if top == "docker":
            for scope in draw(
                st.lists(
                    st.sampled_from(
                        ["example.com", "example.com/ns", '"*.com"', "1", "~", "example.com"]
                    ),
                    max_size=3,
                )
            ):
                lines.append(f"  {scope}:")
                lines += _ns(draw, "    ")
        else:
            lines += _ns(draw, indent)
    return "\n".join(lines) + "\n"


def _ns(draw: st.DrawFn, indent: str) -> list[str]:
    if draw(st.integers(0, 8)) == 0:
        return [indent[:-2] + "  " + draw(st.sampled_from(["- a", "[1]"]))]
    out = []
    for key in draw(st.lists(st.sampled_from(_NS_KEYS), max_size=3)):
        out.append(f"{indent}{key}: {draw(st.sampled_from(_YAML_VALUES))}")
    return out


@_settings(default=150, ci=2_500)
@given(doc=registries_documents(), second=st.booleans())
def test_registries_d_yaml_matches_oracle(oracle: Any, doc: str, second: bool) -> None:
    """yaml.v3's decoding: type errors, duplicate keys, null, YAML 1.1 booleans."""
    case = HostCase(refs=["example.com/ns/app:1"])
    case.files["/etc/containers/registries.conf"] = b""
    case.files["/etc/containers/registries.d/a.yaml"] = doc.encode()
    if second:
        case.files["/etc/containers/registries.d/b.yaml"] = (
            b"docker:\n  example.com/ns:\n    lookaside: https://b\n"
        )
    check(oracle, case)


def test_lookup_count_report() -> None:
    """Runs after the property tests in file order: reports (and in CI asserts) the count."""
    total = sum(COUNTS.values())
    print(f"\nhost-context lookups compared with Go: {COUNTS} (total {total})")
    if is_ci_size():
        assert total >= MIN_CI_LOOKUPS, COUNTS
