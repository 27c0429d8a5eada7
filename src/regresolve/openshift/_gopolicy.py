"""policy.json values as containers/image's ``signature`` types marshal them.

The MCO decodes policy.json into ``signature.Policy`` and writes it back with
``json.MarshalIndent(policy, "", "  ")``.  Maps (``transports``, the scopes of a transport)
come out with sorted keys, but each requirement is a Go struct: its fields come out in
declaration order, empty ones with ``omitempty`` left out, ``[]byte`` fields as padded
standard base64, and a missing ``signedIdentity`` as the default the decoder put there
(``matchRepoDigestOrExact``).  This module puts a decoded requirement into that shape
(`go_requirement`) and writes the document (`marshal_indent`).

Field order: containers/image v5.35.0 ``signature/policy_types.go`` (vendored by the MCO).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Final

from regresolve._creds import go_base64_decode

__all__ = ["go_identity", "go_requirement", "marshal_indent", "sorted_map"]

_SIMPLE: Final = frozenset({"insecureAcceptAnything", "reject"})
_IDENTITY_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "matchExact": (),
    "matchRepoDigestOrExact": (),
    "matchRepository": (),
    "exactReference": ("dockerReference",),
    "exactRepository": ("dockerRepository",),
    "remapIdentity": ("prefix", "signedPrefix"),
}
_DEFAULT_IDENTITY: Final = {"type": "matchRepoDigestOrExact"}
#: (name, kind): kind "s" string, "ss" []string, "b" []byte, "bb" [][]byte, "o" nested.
_SIGSTORE: Final = (
    ("keyPath", "s"),
    ("keyPaths", "ss"),
    ("keyData", "b"),
    ("keyDatas", "bb"),
    ("fulcio", "fulcio"),
    ("rekorPublicKeyPath", "s"),
    ("rekorPublicKeyPaths", "ss"),
    ("rekorPublicKeyData", "b"),
    ("rekorPublicKeyDatas", "bb"),
    ("pki", "pki"),
)
_FULCIO: Final = (("caPath", "s"), ("caData", "b"), ("oidcIssuer", "s"), ("subjectEmail", "s"))
_PKI: Final = (
    ("caRootsPath", "s"),
    ("caRootsData", "b"),
    ("caIntermediatesPath", "s"),
    ("caIntermediatesData", "b"),
    ("subjectEmail", "s"),
    ("subjectHostname", "s"),
)
_SIGNED_BY: Final = (("keyPath", "s"), ("keyPaths", "ss"), ("keyData", "b"))


def _b64(value: Any) -> str:
    """A ``[]byte`` field after a Go decode/encode round trip (canonical base64)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return base64.b64encode(go_base64_decode(str(value).encode("utf-8"))).decode("ascii")


def _fields(src: Mapping[str, Any], spec: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, kind in spec:
        value = src.get(name)
        if value is None:
            continue
        if kind == "s":
            if value != "":
                out[name] = value
        elif kind == "ss":
            if len(value) > 0:
                out[name] = list(value)
        elif kind == "b":
            if len(value) > 0:
                out[name] = _b64(value)
        elif kind == "bb":
            if len(value) > 0:
                out[name] = [_b64(v) for v in value]
        elif kind == "fulcio":
            out[name] = _fields(value, _FULCIO)
        elif kind == "pki":
            out[name] = _fields(value, _PKI)
    return out


def go_identity(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """A ``PolicyReferenceMatch`` in struct order (None: the decoder's default)."""
    if value is None:
        return dict(_DEFAULT_IDENTITY)
    typ = value.get("type", "")
    out: dict[str, Any] = {"type": typ}
    for name in _IDENTITY_FIELDS.get(typ, ()):
        out[name] = value.get(name, "")
    return out


def go_requirement(value: Mapping[str, Any]) -> dict[str, Any]:
    """A ``PolicyRequirement`` in the shape ``json.Marshal`` gives it."""
    typ = value.get("type", "")
    if typ in _SIMPLE:
        return {"type": typ}
    if typ == "signedBy":
        out: dict[str, Any] = {"type": typ, "keyType": value.get("keyType", "")}
        out.update(_fields(value, _SIGNED_BY))
        out["signedIdentity"] = go_identity(value.get("signedIdentity"))
        return out
    if typ == "sigstoreSigned":
        out = {"type": typ}
        out.update(_fields(value, _SIGSTORE))
        out["signedIdentity"] = go_identity(value.get("signedIdentity"))
        return out
    if typ == "signedBaseLayer":
        return {"type": typ, "baseLayerIdentity": go_identity(value.get("baseLayerIdentity"))}
    return dict(value)


def sorted_map(value: Mapping[str, Any]) -> dict[str, Any]:
    """A Go map: keys in byte order (code-point order agrees with UTF-8 byte order)."""
    return {k: value[k] for k in sorted(value)}


_GO_ESCAPES: Final = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                      "\u2029": "\\u2029"}  # fmt: skip


def marshal_indent(value: Any) -> str:
    """``json.MarshalIndent(value, "", "  ")`` for values whose dicts are already in Go's
    order (use `sorted_map` for maps); no final newline."""
    text = json.dumps(value, indent=2, ensure_ascii=False, separators=(",", ": "))
    # Go's encoder applies HTML-safe escaping inside strings; these characters can only occur
    # inside strings in JSON text, so a plain replacement is exact.
    for ch, esc in _GO_ESCAPES.items():
        text = text.replace(ch, esc)
    return text
