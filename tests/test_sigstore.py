"""registries.d lookups (``regresolve._sigstore``) against containers/image 5.34.2's own tests.

Expected values are transcribed from ``docker/registries_d_test.go``
(``TestRegistryConfigurationSignatureTopLevel``, ``TestRegistryNamespaceSignatureTopLevel``)
and ``docker/policyconfiguration/naming.go``; the differential tests against Go are in
``tests/test_host_oracle.py``.
"""

from __future__ import annotations

import pytest

from regresolve import parse_reference
from regresolve._sigstore import Namespace, RegistriesD, _namespace, signature_context

NAMESPACES = [
    "localhost",
    "localhost:5000",
    "example.com",
    "example.com/ns1",
    "example.com/ns1/ns2",
    "example.com/ns1/ns2/repo",
    "example.com/ns1/ns2/repo:notlatest",
]
CONFIG = RegistriesD(
    "/registries.d",
    default_docker=_namespace({"lookaside": "https://default.example/", "lookaside-staging": "w"}),
    docker={
        ns: _namespace({"lookaside": f"https://{ns.replace(':', '-')}.example/"})
        for ns in NAMESPACES
    },
    origins={},
)


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("example.com/ns1/ns2/repo:notlatest", "example.com/ns1/ns2/repo:notlatest"),
        ("example.com/ns1/ns2/repo:unmatched", "example.com/ns1/ns2/repo"),
        ("example.com/ns1/ns2/notrepo:notlatest", "example.com/ns1/ns2"),
        ("example.com/ns1/notns2/repo:notlatest", "example.com/ns1"),
        ("example.com/notns1/ns2/repo:notlatest", "example.com"),
        ("unknown.example.com/busybox", "default-docker"),
        ("localhost:5000/busybox", "localhost:5000"),
        ("localhost/busybox", "localhost"),
        ("localhost:9999/busybox", "default-docker"),
    ],
)
def test_signature_top_level(image: str, expected: str) -> None:
    """TestRegistryConfigurationSignatureTopLevel: the first candidate with a lookaside wins."""
    ref = parse_reference(image)
    tag = ref.tag or "latest"
    ctx = signature_context(
        CONFIG, name=ref.name, identity=f"{ref.name}:{tag}", repo_path=ref.path, euid=0, home="/h"
    )
    assert ctx.scope == expected
    assert ctx.error is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"lookaside-staging": "a", "lookaside": "b"}, "b"),
        ({"lookaside": "b"}, "b"),
        ({"lookaside-staging": "a"}, ""),
        ({}, ""),
        (
            {"lookaside-staging": "a", "lookaside": "b", "sigstore-staging": "c", "sigstore": "d"},
            "b",
        ),
        ({"lookaside": "b", "sigstore-staging": "c", "sigstore": "d"}, "b"),
        ({"lookaside": "b", "sigstore": "d"}, "b"),
        ({"sigstore": "d"}, "d"),
    ],
)
def test_namespace_top_level_for_reading(fields: dict[str, str], expected: str) -> None:
    """TestRegistryNamespaceSignatureTopLevel, the forWriting=false rows."""
    assert _namespace(fields).top_level() == expected


def test_builtin_default_and_password_redaction() -> None:
    """No lookaside: file:///var/lib/containers/sigstore for euid 0, else the home directory;
    a password in a configured URL is shown as URL.Redacted() shows it."""
    empty = RegistriesD("/registries.d")
    ctx = signature_context(
        empty,
        name="example.com/a/b",
        identity="example.com/a/b:1",
        repo_path="a/b",
        euid=0,
        home="/home/u",
    )
    assert ctx.lookaside == "file:///var/lib/containers/sigstore/a/b"
    ctx = signature_context(
        empty,
        name="example.com/a/b",
        identity="example.com/a/b:1",
        repo_path="a/b",
        euid=1000,
        home="/home/u",
    )
    assert ctx.lookaside == "file:///home/u/.local/share/containers/sigstore/a/b"
    with_pw = RegistriesD(
        "/d", docker={"example.com": _namespace({"lookaside": "https://u:pw@h/x"})}
    )
    ctx = signature_context(
        with_pw, name="example.com/a", identity="example.com/a:1", repo_path="a", euid=0, home="/h"
    )
    assert ctx.lookaside == "https://u:xxxxx@h/x/a"
    assert "pw" not in repr(with_pw)
    assert isinstance(with_pw.docker["example.com"], Namespace)
