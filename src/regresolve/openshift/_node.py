"""Everything the Machine Config Operator puts on a node for a pull, rendered from the objects.

``render`` follows the MCO (7ff337a4) in its order:

1. (optional) the API server's validation of the ``Image`` (`regresolve.openshift._apivalidate`);
2. the payload exception for ``blockedRegistries`` (``getValidBlockedAndAllowedRegistries``);
3. ClusterImagePolicy / ImagePolicy requirements (``getValidScopePolicies``);
4. ``/etc/containers/registries.conf`` (``updateRegistriesConfig``), only when insecure or
   blocked registries or mirror objects exist;
5. ``/etc/containers/policy.json`` (``updatePolicyJSON``), ``/etc/crio/policies/<ns>.json``
   (``updateNamespacedPolicyJSONs``) and ``/etc/containers/registries.d/
   sigstore-registries.yaml`` (``generateSigstoreRegistriesdConfig``), only when something is
   allowed or blocked or a policy object exists;
6. the search-registries drop-in;
7. ``/etc/docker/certs.d/<host[:port]>/ca.crt`` (certificate_writer.go) and
   ``/var/lib/kubelet/config.json`` (the pull-secret template, mode 0600).

CRI-O on the node reads all of them with the MCO's crio.conf: ``global_auth_file =
"/var/lib/kubelet/config.json"``, ``short_name_mode = "disabled"`` (the ``ocp-4.N``
profiles), and ``/etc/crio/policies/<namespace>.json`` before ``policy.json`` for a Pod of that
namespace (``signature_policy_dir``).
"""

from __future__ import annotations

from typing import Final

import attrs

from regresolve.openshift._apivalidate import validate_image
from regresolve.openshift._imagepolicy import valid_scope_policies, validate_with_allowed_blocked
from regresolve.openshift._kinds import SealedSecret
from regresolve.openshift._lint import lint
from regresolve.openshift._objects import ClusterImageObjects, ImageConfig, InvalidOpenShiftObject
from regresolve.openshift._policy_json import (
    MCO_BASE_POLICY_JSON,
    PolicyEditError,
    namespaced_policy_json,
    update_policy_json,
)
from regresolve.openshift._pullsecret import KUBELET_CONFIG_JSON, node_pull_secret
from regresolve.openshift._registries import MCO_BASE_REGISTRIES_CONF, GoConf, encode_conf
from regresolve.openshift._render import (
    POLICY_JSON_PATH,
    REGISTRIES_CONF_PATH,
    SEARCH_DROPIN_PATH,
    BlockedAndAllowed,
    node_refuses,
    payload_repo,
    update_registries_config,
    valid_blocked_and_allowed,
    validate_registries_conf_scopes,
)
from regresolve.openshift._sigstore_yaml import (
    SIGSTORE_REGISTRIES_PATH,
    attachment_scopes,
    sigstore_registries_yaml,
)
from regresolve.openshift._trustedca import CaFile, trusted_cas

__all__ = [
    "CRIO_POLICIES_DIR",
    "KUBELET_CONFIG_JSON",
    "POLICY_JSON_PATH",
    "REGISTRIES_CONF_PATH",
    "SEARCH_DROPIN_PATH",
    "SIGSTORE_REGISTRIES_PATH",
    "NodeFiles",
    "render",
]

#: CRI-O's ``signature_policy_dir`` (MCO ``constants.CrioPoliciesDir``).
CRIO_POLICIES_DIR: Final = "/etc/crio/policies"


@attrs.frozen
class NodeFiles:
    """The files the MCO puts on every node for these objects.

    Attributes:
        registries_conf: ``/etc/containers/registries.conf``.
        registries_conf_edited: False when the MCO leaves the base file untouched.
        search_dropin: ``/etc/containers/registries.conf.d/01-image-searchRegistries.conf``,
            or ``None`` when ``containerRuntimeSearchRegistries`` is not set.
        policy_json: ``/etc/containers/policy.json``.
        policy_json_edited: False when the MCO leaves the base file untouched.
        registries_blocked: the blocked scopes written to registries.conf (after V7).
        policy_blocked: the scopes rejected in policy.json.
        policy_allowed: the scopes accepted in policy.json.
        warnings: what the MCO would log, and inputs that are ignored or do not do what
            they seem to (see ``regresolve.openshift._lint``).
        sigstore_registries: ``/etc/containers/registries.d/sigstore-registries.yaml``, or
            ``None`` without ClusterImagePolicy / ImagePolicy.
        namespace_policies: ``(namespace, text)`` of ``/etc/crio/policies/<namespace>.json``,
            sorted by namespace.
        ca_files: the ``/etc/docker/certs.d/<host[:port]>/ca.crt`` files, by path (the last
            write of each path).
        pull_secret: ``/var/lib/kubelet/config.json`` (sealed: only `write_node_files`
            reveals it), or ``None`` without the pull secret.
    """

    registries_conf: str
    registries_conf_edited: bool
    search_dropin: str | None
    policy_json: str
    policy_json_edited: bool
    registries_blocked: tuple[str, ...] = ()
    policy_blocked: tuple[str, ...] = ()
    policy_allowed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    sigstore_registries: str | None = None
    namespace_policies: tuple[tuple[str, str], ...] = ()
    ca_files: tuple[CaFile, ...] = ()
    pull_secret: SealedSecret | None = attrs.field(default=None, eq=False, repr=False)

    def files(self) -> dict[str, str]:
        """Node path → content of every text file (never the pull secret, never CAs)."""
        res = {REGISTRIES_CONF_PATH: self.registries_conf}
        if self.search_dropin is not None:
            res[SEARCH_DROPIN_PATH] = self.search_dropin
        res[POLICY_JSON_PATH] = self.policy_json
        if self.sigstore_registries is not None:
            res[SIGSTORE_REGISTRIES_PATH] = self.sigstore_registries
        for namespace, text in self.namespace_policies:
            res[f"{CRIO_POLICIES_DIR}/{namespace}.json"] = text
        return res

    def binary_files(self) -> dict[str, bytes]:
        """Node path → bytes of the CA certificates (public; the pull secret is not here)."""
        return {f.path: f.data for f in self.ca_files}

    def namespace_policy_path(self, namespace: str) -> str | None:
        """``/etc/crio/policies/<namespace>.json`` when one was rendered for it."""
        if any(ns == namespace for ns, _ in self.namespace_policies):
            return f"{CRIO_POLICIES_DIR}/{namespace}.json"
        return None


def _blocked_and_allowed(
    objects: ClusterImageObjects, image: ImageConfig, release: str | None, warnings: list[str]
) -> BlockedAndAllowed:
    if release is None:
        warnings.append(
            "no release image (ClusterVersion 'version' or --release-image): the payload "
            "exception for blockedRegistries is not evaluated"
        )
        return BlockedAndAllowed(
            tuple(image.blocked_registries or ()) or None,
            tuple(image.blocked_registries or ()) or None,
            tuple(image.allowed_registries or ()) or None,
        )
    bna = valid_blocked_and_allowed(release, image, objects.icsp, objects.idms)
    warnings.extend(bna.logs)
    if bna.error is not None:
        warnings.append(f"{bna.error}, skipping....")
    return bna


def render(
    objects: ClusterImageObjects,
    *,
    base_registries_conf: str | None = None,
    base_policy_json: str | None = None,
    release_image: str | None = None,
    api_validation: bool = False,
) -> NodeFiles:
    """Render every file the MCO writes for these objects.

    Args:
        objects: the cluster objects (`load_objects` / ``objects_from_text``).
        base_registries_conf: the file the MCO starts from; default: the MCO template
            (``unqualified-search-registries = ['registry.access.redhat.com', 'docker.io']``).
        base_policy_json: likewise for policy.json (default: the MCO template).
        release_image: overrides ``ClusterVersion/version`` ``status.desired.image``.  With
            neither, the payload exception (V7) is not evaluated and a warning says so (the
            MCO itself renders nothing without a ClusterVersion).
        api_validation: first refuse an ``Image`` the API server of current releases
            refuses (tags or digests in the lists, allowed and blocked together, limits).

    Raises:
        InvalidOpenShiftObject: the API server (with ``api_validation``) or the MCO would
            refuse the objects; the message is theirs.  It never contains the pull secret.
    """
    base_reg = MCO_BASE_REGISTRIES_CONF if base_registries_conf is None else base_registries_conf
    base_pol = MCO_BASE_POLICY_JSON if base_policy_json is None else base_policy_json
    image = objects.image if objects.image is not None else ImageConfig()
    release = release_image if release_image is not None else objects.release_image
    warnings: list[str] = []
    if objects.image is None:
        warnings.append(
            "no Image 'cluster' given: rendering with an empty spec.registrySources "
            "(the MCO does nothing until images.config.openshift.io/cluster exists)"
        )
    elif api_validation:
        validate_image(image)
    bna = _blocked_and_allowed(objects, image, release, warnings)
    policies = valid_scope_policies(objects.image_policies)

    insecure = image.insecure_registries
    reg_text = base_reg
    reg_edited = (
        insecure is not None
        or bna.registries_blocked is not None
        or bool(objects.icsp or objects.idms or objects.itms)
    )
    if reg_edited:
        reg_text = update_registries_config(
            base_reg, insecure or (), bna.registries_blocked or (), objects, image.origin
        )
        problem = node_refuses(reg_text)
        if problem is not None:
            warnings.append(
                f"containers/image on the node will refuse this registries.conf: {problem}"
            )

    pol_text, pol_edited = base_pol, False
    sigstore: str | None = None
    namespaced: list[tuple[str, str]] = []
    repo = payload_repo(release)[0] if release is not None else None
    if (
        bna.policy_blocked is not None
        or bna.allowed is not None
        or policies.cluster
        or policies.namespaced
    ):
        if (
            bna.allowed
            and bna.policy_blocked
            and not (len(bna.allowed) == 1 and bna.allowed[0] == repo)
        ):
            raise InvalidOpenShiftObject(
                "invalid images config: only one of AllowedRegistries or BlockedRegistries may "
                "be specified",
                object="Image/cluster",
                field="spec.registrySources",
                path=image.origin,
            )
        validate_with_allowed_blocked(policies, bna.allowed, bna.policy_blocked, namespaced=False)
        if bna.policy_blocked is not None or bna.allowed is not None or policies.cluster:
            validate_registries_conf_scopes(
                (), bna.policy_blocked or (), bna.allowed or (), image_origin=image.origin
            )
            try:
                pol_text = update_policy_json(
                    base_pol, bna.policy_blocked, bna.allowed, repo, policies.cluster
                )
            except PolicyEditError as e:
                raise InvalidOpenShiftObject(str(e), field="base policy.json") from e
            pol_edited = True
        validate_with_allowed_blocked(policies, bna.allowed, bna.policy_blocked, cluster=False)
        try:
            for namespace, reqs in sorted(policies.by_namespace().items()):
                namespaced.append((namespace, namespaced_policy_json(pol_text, reqs)))
        except PolicyEditError as e:
            raise InvalidOpenShiftObject(str(e), field="base policy.json") from e
        scopes = policies.scopes()
        if scopes:
            keys = attachment_scopes(scopes, reg_text if reg_edited else None)
            sigstore = sigstore_registries_yaml(keys)

    search = None
    if image.container_runtime_search_registries is not None:
        search = encode_conf(
            GoConf(unqualified_search_registries=list(image.container_runtime_search_registries))
        )
    cas = trusted_cas(objects)
    warnings.extend(cas.warnings)
    secret = node_pull_secret(objects)
    final_cas = tuple(sorted(cas.final().values(), key=lambda f: f.path))
    warnings.extend(
        lint(
            objects,
            ca_files=final_cas,
            payload_repo=repo,
            policy_allowed=bna.allowed or (),
            policy_blocked=bna.policy_blocked or (),
            skipped_scopes=policies.skipped,
            pull_secret=secret,
        )
    )
    return NodeFiles(
        registries_conf=reg_text,
        registries_conf_edited=reg_edited,
        search_dropin=search,
        policy_json=pol_text,
        policy_json_edited=pol_edited,
        registries_blocked=bna.registries_blocked or (),
        policy_blocked=bna.policy_blocked or (),
        policy_allowed=bna.allowed or (),
        warnings=tuple(warnings),
        sigstore_registries=sigstore,
        namespace_policies=tuple(namespaced),
        ca_files=final_cas,
        pull_secret=secret,
    )
