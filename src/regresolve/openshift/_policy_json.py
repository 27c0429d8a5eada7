"""policy.json as the MCO writes it (``updatePolicyJSON``, rules P1-P6, V5), and the
per-namespace copies for ImagePolicy (``updateNamespacedPolicyJSONs``).

The base file is decoded as containers/image's ``signature.Policy``, edited, and encoded with
Go's ``json.MarshalIndent(policy, "", "  ")``: maps come out sorted by key, requirements in
their struct's field order (`regresolve.openshift._gopolicy`), ``<``, ``>``, ``&``, U+2028
and U+2029 are escaped, and there is no final newline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from regresolve.openshift._gopolicy import go_requirement, marshal_indent, sorted_map

__all__ = [
    "MCO_BASE_POLICY_JSON",
    "PolicyEditError",
    "go_json_marshal_indent",
    "namespaced_policy_json",
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


def _decoded(base: str) -> dict[str, Any]:
    """The base as ``signature.Policy``: requirements in struct shape, maps sorted."""
    policy = _decode_base(base)
    try:
        return {
            "default": [go_requirement(r) for r in policy["default"]],
            "transports": {
                t: {scope: [go_requirement(r) for r in reqs] for scope, reqs in scopes.items()}
                for t, scopes in (policy.get("transports") or {}).items()
            },
        }
    except ValueError as e:  # a []byte field that is not base64
        raise PolicyEditError(f"error decoding policy json: {e}") from e


def _encode(policy: dict[str, Any]) -> str:
    transports = sorted_map({t: sorted_map(scopes) for t, scopes in policy["transports"].items()})
    return marshal_indent({"default": policy["default"], "transports": transports})


def update_policy_json(
    base: str,
    blocked: Sequence[str] | None,
    allowed: Sequence[str] | None,
    payload_repo: str | None,
    cluster_scope_policies: Mapping[str, Sequence[dict[str, Any]]] | None = None,
) -> str:
    """MCO ``updatePolicyJSON``.

    ``None`` stands for Go's nil slice: with both lists nil and no ClusterImagePolicy
    scopes the base is returned unchanged (P5).  ``payload_repo`` is
    ``ParseNamed(releaseImage).Name()`` (or ``None`` when the caller has no release image;
    the V5 exception then never applies).  ``cluster_scope_policies`` maps each
    ClusterImagePolicy scope to its sigstore requirements (P1, P3); the caller has checked
    them against the allowed and blocked lists (V6).
    """
    cluster = cluster_scope_policies or {}
    if allowed and blocked and not (len(allowed) == 1 and allowed[0] == payload_repo):
        raise PolicyEditError(
            "invalid images config: only one of AllowedRegistries or BlockedRegistries may be "
            "specified"
        )
    if allowed is None and blocked is None and not cluster:
        return base
    # validateRegistriesConfScopes(nil, blocked, allowed, ...) is run by the caller (V1).
    policy = _decoded(base)
    scopes: dict[str, list[Any]] = {}
    if allowed:
        policy["default"] = [{"type": "reject"}]
        for reg in allowed:
            if reg in cluster:
                continue  # the ClusterImagePolicy's requirement replaces the accept (P1)
            scopes[reg] = [{"type": "insecureAcceptAnything"}]
    if blocked:
        policy["default"] = [{"type": "insecureAcceptAnything"}]
        for reg in blocked:
            scopes[reg] = [{"type": "reject"}]
    for scope, reqs in cluster.items():
        scopes[scope] = [*scopes.get(scope, []), *reqs]
    if scopes:
        policy["transports"]["docker"] = scopes
        policy["transports"]["atomic"] = {k: v for k, v in scopes.items() if k.count("/") < 3}
    return _encode(policy)


def namespaced_policy_json(
    cluster_policy: str, requirements: Mapping[str, Sequence[dict[str, Any]]]
) -> str:
    """One namespace's ``/etc/crio/policies/<namespace>.json`` (``updateNamespacedPolicyJSONs``):
    the cluster policy.json with that namespace's ImagePolicy requirements appended per scope,
    under ``docker`` and (scopes with fewer than three ``/``) ``atomic``."""
    policy = _decoded(cluster_policy)
    transports = policy["transports"]
    docker = transports.setdefault("docker", {})
    for scope, reqs in requirements.items():
        docker[scope] = [*docker.get(scope, []), *reqs]
    atomic = transports.setdefault("atomic", {})
    for scope, reqs in requirements.items():
        if scope.count("/") >= 3:
            continue
        atomic[scope] = [*atomic.get(scope, []), *reqs]
    return _encode(policy)


def go_json_marshal_indent(value: Any) -> str:
    """``json.MarshalIndent(value, "", "  ")`` for maps (sorted), lists, strings and bools."""
    return marshal_indent(json.loads(json.dumps(value, sort_keys=True)))
