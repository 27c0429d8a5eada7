"""policy.json as the MCO writes it (``updatePolicyJSON``, rules P1-P6, V5).

The base file is decoded as containers/image's ``signature.Policy``, edited, and encoded with
Go's ``json.MarshalIndent(policy, "", "  ")``: maps come out sorted by key, ``<``, ``>``,
``&``, U+2028 and U+2029 are escaped, and there is no final newline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

__all__ = [
    "MCO_BASE_POLICY_JSON",
    "PolicyEditError",
    "go_json_marshal_indent",
    "update_policy_json",
]

#: ``templates/*/01-*-container-runtime/_base/files/policy.yaml`` (MCO): the exact bytes.
MCO_BASE_POLICY_JSON: Final = """{
    "default": [
        {
            "type": "insecureAcceptAnything"
        }
    ],
    "transports":
        {
            "docker-daemon":
                {
                    "": [{"type":"insecureAcceptAnything"}]
                }
        }
}"""


class PolicyEditError(Exception):
    """An error ``updatePolicyJSON`` returns (the text is the Go text)."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise PolicyEditError(f"error decoding policy json: Duplicate key {json.dumps(k)}")
        out[k] = v
    return out


def _decode_base(text: str) -> dict[str, Any]:
    """Decode the base the way ``signature.Policy.UnmarshalJSON`` would accept it."""
    # Imported here: _policy imports nothing from this package, but keep module load light.
    from regresolve._policy import InvalidPolicy, parse_policy  # noqa: PLC0415

    try:
        parse_policy(text)
    except InvalidPolicy as e:
        raise PolicyEditError(f"error decoding policy json: {e.go_message}") from e
    data = json.loads(text, object_pairs_hook=_reject_duplicates)
    assert isinstance(data, dict)  # parse_policy checked it
    data.setdefault("transports", {})
    return data


def update_policy_json(
    base: str,
    blocked: Sequence[str] | None,
    allowed: Sequence[str] | None,
    payload_repo: str | None,
) -> str:
    """MCO ``updatePolicyJSON`` without ClusterImagePolicy scopes.

    ``None`` stands for Go's nil slice: with both lists nil the base is returned unchanged
    (P5).  ``payload_repo`` is ``ParseNamed(releaseImage).Name()`` (or ``None`` when the
    caller has no release image; the V5 exception then never applies).
    """
    if allowed and blocked and not (len(allowed) == 1 and allowed[0] == payload_repo):
        raise PolicyEditError(
            "invalid images config: only one of AllowedRegistries or BlockedRegistries may be "
            "specified"
        )
    if allowed is None and blocked is None:
        return base
    # validateRegistriesConfScopes(nil, blocked, allowed, ...) is run by the caller (V1).
    policy = _decode_base(base)
    scopes: dict[str, list[Any]] = {}
    if allowed:
        policy["default"] = [{"type": "reject"}]
        for reg in allowed:
            scopes[reg] = [{"type": "insecureAcceptAnything"}]
    if blocked:
        policy["default"] = [{"type": "insecureAcceptAnything"}]
        for reg in blocked:
            scopes[reg] = [{"type": "reject"}]
    if scopes:
        policy["transports"]["docker"] = scopes
        policy["transports"]["atomic"] = {k: v for k, v in scopes.items() if k.count("/") < 3}
    return go_json_marshal_indent(
        {"default": policy["default"], "transports": policy["transports"]}
    )


_GO_ESCAPES: Final = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                      "\u2029": "\\u2029"}  # fmt: skip


def go_json_marshal_indent(value: Any) -> str:
    """``json.MarshalIndent(value, "", "  ")`` for maps (sorted), lists, strings and bools."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, separators=(",", ": "))
    # Go's encoder applies HTML-safe escaping inside strings; these characters can only occur
    # inside strings in JSON text, so a plain replacement is exact.
    for ch, esc in _GO_ESCAPES.items():
        text = text.replace(ch, esc)
    return text
