"""ClusterImagePolicy / ImagePolicy → sigstore requirements, as the MCO builds them.

machine-config-operator 7ff337a4, ``pkg/controller/container-runtime-config``:

* ``policyItemFromSpec``: one ``sigstoreSigned`` requirement per object, built with
  containers/image's constructors (v5.35.0), whose checks and messages apply: exactly one
  key source, Rekor rules, the Fulcio and PKI fields, the signed identity (default
  ``matchRepoDigestOrExact``);
* ``getValidScopePolicies``: ClusterImagePolicy scopes collect the requirements of every
  object naming them; an ImagePolicy scope equal to or nested in a ClusterImagePolicy scope
  is skipped (the MCO records it in the ImagePolicy's status: regresolve warns);
* ``validateImagePolicyWithAllowedBlockedRegistries`` (V6): with ``allowedRegistries`` every
  scope must be nested in one of them; no scope may be nested in a policy-blocked one.

Listers return objects in no fixed order, so when two ClusterImagePolicies name one scope
the order of their requirements is not fixed upstream; regresolve takes them by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from regresolve._errors import InvalidOpenShiftObject, InvalidReference
from regresolve._grammar import ANCHORED_NAME, DOMAIN
from regresolve._reference import parse_reference
from regresolve.openshift._gopolicy import go_requirement
from regresolve.openshift._kinds import ImagePolicyObject, SigstorePolicySpec
from regresolve.openshift._scopes import go_quote, scope_is_nested_inside_scope

__all__ = [
    "ScopePolicies",
    "requirement_from_spec",
    "valid_scope_policies",
    "validate_with_allowed_blocked",
]


class _PolicyFormatError(Exception):
    """containers/image ``InvalidPolicyFormatError`` (its text is Go's)."""


def _domain_prefix(s: str) -> bool:
    """``^DomainRegexp/``: a domain is followed by ``/`` (a domain cannot hold ``/``, so the
    longest domain match is the only one that can be)."""
    m = DOMAIN.match(s)
    return m is not None and s[m.end() : m.end() + 1] == "/"


def _valid_remap_prefix(s: str) -> None:
    """``validateIdentityRemappingPrefix``."""
    if DOMAIN.fullmatch(s) or (ANCHORED_NAME.fullmatch(s) and _domain_prefix(s)):
        return
    raise _PolicyFormatError(f"prefix {go_quote(s)} is not valid")


def _identity(spec: SigstorePolicySpec) -> dict[str, Any]:
    if spec.match_policy is None:
        return {"type": "matchRepoDigestOrExact"}
    if spec.match_policy == "RemapIdentity":
        if spec.remap_prefix is None or spec.remap_signed_prefix is None:
            raise _PolicyFormatError(
                "remapIdentity is required when matchPolicy is RemapIdentity, and forbidden "
                "otherwise"
            )
        try:
            _valid_remap_prefix(spec.remap_prefix)
            _valid_remap_prefix(spec.remap_signed_prefix)
        except _PolicyFormatError as e:
            raise _PolicyFormatError(
                f"error getting signedIdentity for RemapIdentity: {e}"
            ) from None
        return {
            "type": "remapIdentity",
            "prefix": spec.remap_prefix,
            "signedPrefix": spec.remap_signed_prefix,
        }
    if spec.match_policy == "ExactRepository":
        if spec.exact_repository is None:
            raise _PolicyFormatError(
                "exactRepository is required when matchPolicy is ExactRepository, and "
                "forbidden otherwise"
            )
        try:
            parse_reference(spec.exact_repository)
        except InvalidReference as e:
            raise _PolicyFormatError(
                "error getting signedIdentity for ExactRepository: Invalid format of "
                f"dockerRepository {go_quote(spec.exact_repository)}: {e.go_message}"
            ) from None
        return {"type": "exactRepository", "dockerRepository": spec.exact_repository}
    if spec.match_policy == "MatchRepository":
        return {"type": "matchRepository"}
    if spec.match_policy == "MatchRepoDigestOrExact":
        return {"type": "matchRepoDigestOrExact"}
    raise _PolicyFormatError(f"unknown signedIdentity match policy: {spec.match_policy}")


def _requirement(spec: SigstorePolicySpec) -> dict[str, Any]:
    req: dict[str, Any] = {"type": "sigstoreSigned"}
    rekor: list[bytes | None] = []
    key_sources = 0
    if spec.policy_type == "PublicKey":
        if not spec.public_key:
            raise _PolicyFormatError(
                "publicKey is required when policyType is PublicKey, and forbidden otherwise"
            )
        if spec.key_data is not None:
            req["keyData"] = spec.key_data
            key_sources += 1
        if spec.public_key_rekor:
            rekor.append(spec.public_key_rekor)
    elif spec.policy_type == "FulcioCAWithRekor":
        if not spec.fulcio:
            raise _PolicyFormatError(
                "fulcioCAWithRekor is required when policyType is FulcioCAWithRekor, and "
                "forbidden otherwise"
            )
        if spec.fulcio_ca_data is None:
            raise _PolicyFormatError("At least one of caPath and caData must be specified")
        if spec.oidc_issuer == "":
            raise _PolicyFormatError("oidcIssuer not specified")
        if spec.signed_email == "":
            raise _PolicyFormatError("subjectEmail not specified")
        req["fulcio"] = {
            "caData": spec.fulcio_ca_data,
            "oidcIssuer": spec.oidc_issuer,
            "subjectEmail": spec.signed_email,
        }
        key_sources += 1
        rekor.append(spec.fulcio_rekor)
    elif spec.policy_type == "PKI":
        if not spec.pki:
            raise _PolicyFormatError(
                "pki is required when policyType is PKI, and forbidden otherwise"
            )
        if spec.ca_roots_data is None:
            raise _PolicyFormatError(
                "At least one of caRootsPath and caRootsData must be specified"
            )
        if spec.pki_email == "" and spec.pki_hostname == "":
            raise _PolicyFormatError(
                "At least one of subjectEmail, subjectHostname must be specified"
            )
        pki: dict[str, Any] = {"caRootsData": spec.ca_roots_data}
        if spec.ca_intermediates_data:
            pki["caIntermediatesData"] = spec.ca_intermediates_data
        if spec.pki_email:
            pki["subjectEmail"] = spec.pki_email
        if spec.pki_hostname:
            pki["subjectHostname"] = spec.pki_hostname
        req["pki"] = pki
        key_sources += 1
    identity = _identity(spec)
    if key_sources != 1:
        raise _PolicyFormatError(
            "exactly one of keyPath, keyPaths, keyData, keyDatas, fulcio, and pki must be specified"
        )
    rekor_sources = [r for r in rekor if r is not None]
    if rekor_sources:
        req["rekorPublicKeyData"] = rekor_sources[0]
    if "fulcio" in req and not rekor_sources:
        raise _PolicyFormatError(
            "At least one of rekorPublickeyPath, rekorPublicKeyPaths, rekorPublickeyData and "
            "rekorPublicKeyDatas must be specified if fulcio is used"
        )
    req["signedIdentity"] = identity
    return go_requirement(req)


def requirement_from_spec(obj: ImagePolicyObject) -> dict[str, Any]:
    """``policyItemFromSpec``: the object's ``sigstoreSigned`` requirement, in Go's field order.

    Raises:
        InvalidOpenShiftObject: containers/image refuses the requirement (the MCO then
            renders nothing for any pool).
    """
    try:
        return _requirement(obj.policy)
    except _PolicyFormatError as e:
        raise InvalidOpenShiftObject(
            str(e), object=obj.label, field="spec.policy", path=obj.origin
        ) from None


@attrs.frozen
class ScopePolicies:
    """``getValidScopePolicies``.

    Attributes:
        cluster: scope → requirements from ClusterImagePolicies (insertion = scope order of
            the objects, by name).
        namespaced: scope → namespace → requirements from ImagePolicies.
        skipped: (ImagePolicy label, scopes skipped because a ClusterImagePolicy covers them).
    """

    cluster: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    namespaced: dict[str, dict[str, list[dict[str, Any]]]] = attrs.field(factory=dict)
    skipped: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def by_namespace(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """namespace → scope → requirements (``updateNamespacedPolicyJSONs``'s regrouping)."""
        out: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for scope, per_ns in self.namespaced.items():
            for ns, reqs in per_ns.items():
                out.setdefault(ns, {}).setdefault(scope, []).extend(reqs)
        return out

    def scopes(self) -> list[str]:
        """Every policy scope, cluster ones first (``generateSigstoreRegistriesdConfig``)."""
        return [*self.cluster, *(s for s in self.namespaced if s not in self.cluster)]


def valid_scope_policies(policies: Sequence[ImagePolicyObject]) -> ScopePolicies:
    """``getValidScopePolicies`` over ClusterImagePolicies and ImagePolicies.

    Raises:
        InvalidOpenShiftObject: a policy containers/image refuses.
    """
    cluster: dict[str, list[dict[str, Any]]] = {}
    for obj in policies:
        if obj.kind != "ClusterImagePolicy":
            continue
        req = requirement_from_spec(obj)
        for scope in obj.scopes:
            cluster.setdefault(scope, []).append(req)
    namespaced: dict[str, dict[str, list[dict[str, Any]]]] = {}
    skipped = []
    for obj in policies:
        if obj.kind != "ImagePolicy":
            continue
        req = requirement_from_spec(obj)
        conflicts = []
        for scope in obj.scopes:
            if any(scope_is_nested_inside_scope(scope, c) for c in cluster):
                conflicts.append(scope)
                continue
            namespaced.setdefault(scope, {}).setdefault(obj.namespace, []).append(req)
        if conflicts:
            skipped.append((obj.label, tuple(conflicts)))
    return ScopePolicies(cluster, namespaced, tuple(skipped))


def validate_with_allowed_blocked(
    policies: ScopePolicies,
    allowed: Sequence[str] | None,
    blocked: Sequence[str] | None,
    *,
    cluster: bool = True,
    namespaced: bool = True,
) -> None:
    """``validateImagePolicyWithAllowedBlockedRegistries`` (V6).

    Raises:
        InvalidOpenShiftObject: with the MCO's message.
    """
    allowed = allowed or ()
    blocked = blocked or ()
    if not allowed and not blocked:
        return
    groups: list[tuple[str, list[str]]] = []
    if cluster:
        groups.append(("clusterimagePolicy", list(policies.cluster)))
    if namespaced:
        groups.append(("imagePolicy", list(policies.namespaced)))
    for what, scopes in groups:
        for scope in scopes:
            if allowed and not any(scope_is_nested_inside_scope(scope, r) for r in allowed):
                raise InvalidOpenShiftObject(
                    f"{what} configured for the scope {scope} is not nested inside "
                    "allowedRegistries"
                )
        for scope in scopes:
            if any(scope_is_nested_inside_scope(scope, r) for r in blocked):
                raise InvalidOpenShiftObject(
                    f"{what} configured for the scope {scope} is nested inside blockedRegistries"
                )
