"""Render a node's image configuration the way the Machine Config Operator does.

This follows the MCO's container-runtime-config controller (``syncImageConfig`` →
``getValidBlockedAndAllowedRegistries`` → ``registriesConfigIgnition``):

1. The payload exception (V7): a blocked scope containing the release payload's repository
   stays blocked in registries.conf only if some digest mirror of the payload is not
   blocked; policy.json then allows the payload repository explicitly.  Otherwise the scope
   is dropped (and reported in ``warnings``, as the MCO logs it).
2. registries.conf is edited (validation V1-V4, then EditRegistriesConfig) only when
   ``insecureRegistries`` is set (even to ``[]``), something stays blocked, or any mirror
   object exists; otherwise the base file is kept byte for byte.
3. policy.json is edited (V5, V1, P1-P4) only when something is blocked or allowed;
   otherwise the base file is kept byte for byte (P5).
4. The search drop-in is written whenever ``containerRuntimeSearchRegistries`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig, InvalidReference, PlanError
from regresolve._gotext import go_quote
from regresolve._planner import Planner
from regresolve._reference import Reference, parse_reference
from regresolve.openshift._objects import (
    ClusterImageObjects,
    ImageConfig,
    InvalidOpenShiftObject,
    MirrorObject,
)
from regresolve.openshift._policy_json import (
    MCO_BASE_POLICY_JSON,
    PolicyEditError,
    update_policy_json,
)
from regresolve.openshift._registries import (
    MCO_BASE_REGISTRIES_CONF,
    ConfDecodeError,
    GoConf,
    MirrorRule,
    RegistriesEditError,
    decode_conf,
    edit_registries_config,
    encode_conf,
)
from regresolve.openshift._scopes import (
    MIRROR_RE,
    SOURCE_RE,
    is_valid_registries_conf_scope,
    scope_is_nested_inside_scope,
)

__all__ = [
    "POLICY_JSON_PATH",
    "REGISTRIES_CONF_PATH",
    "SEARCH_DROPIN_PATH",
    "BlockedAndAllowed",
    "NodeFiles",
    "render",
    "valid_blocked_and_allowed",
    "validate_registries_conf_scopes",
]

REGISTRIES_CONF_PATH: Final = "/etc/containers/registries.conf"
SEARCH_DROPIN_PATH: Final = "/etc/containers/registries.conf.d/01-image-searchRegistries.conf"
POLICY_JSON_PATH: Final = "/etc/containers/policy.json"

_ERR_PARSING_REFERENCE: Final = "error parsing reference of release image"


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
        warnings: what the MCO would log (dropped blocked scopes, ...).
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

    def files(self) -> dict[str, str]:
        """Node path → content, for every file written (the drop-in only when set)."""
        res = {REGISTRIES_CONF_PATH: self.registries_conf}
        if self.search_dropin is not None:
            res[SEARCH_DROPIN_PATH] = self.search_dropin
        res[POLICY_JSON_PATH] = self.policy_json
        return res


def _digest_rules(idms: Sequence[MirrorObject], icsp: Sequence[MirrorObject]) -> list[MirrorRule]:
    return [r for o in idms for r in o.rules] + [
        MirrorRule(r.source, r.mirrors) for o in icsp for r in o.rules
    ]


def _tag_rules(itms: Sequence[MirrorObject]) -> list[MirrorRule]:
    return [r for o in itms for r in o.rules]


def validate_registries_conf_scopes(
    insecure: Sequence[str],
    blocked: Sequence[str],
    allowed: Sequence[str],
    *,
    icsp: Sequence[MirrorObject] = (),
    idms: Sequence[MirrorObject] = (),
    itms: Sequence[MirrorObject] = (),
    image_origin: str = "",
) -> None:
    """MCO ``validateRegistriesConfScopes`` (V1-V4): the first problem, with the MCO text.

    ``image_origin`` names the file the Image object came from, for messages.

    Raises:
        InvalidOpenShiftObject: naming the object and field when one is at fault.
    """
    for what, scopes in (("insecure", insecure), ("blocked", blocked), ("allowed", allowed)):
        for i, scope in enumerate(scopes):
            if not is_valid_registries_conf_scope(scope):
                raise InvalidOpenShiftObject(
                    f"invalid entry for {what} registries {go_quote(scope)}",
                    object="Image/cluster",
                    field=f"spec.registrySources.{what}Registries[{i}]",
                    path=image_origin,
                )
    seen: dict[str, str] = {}
    ordered = [*idms, *icsp, *itms]  # ICSPs are converted to IDMSs and appended after them.
    for obj in ordered:
        list_field = {
            "ImageDigestMirrorSet": "imageDigestMirrors",
            "ImageTagMirrorSet": "imageTagMirrors",
            "ImageContentSourcePolicy": "repositoryDigestMirrors",
        }[obj.kind]
        for i, rule in enumerate(obj.rules):
            where = {"object": f"{obj.kind}/{obj.name}", "path": obj.origin}
            f = f"spec.{list_field}[{i}]"
            if not SOURCE_RE.fullmatch(rule.source):
                raise InvalidOpenShiftObject(
                    f"invalid format for source {go_quote(rule.source)}",
                    field=f + ".source",
                    **where,
                )
            policy = rule.mirror_source_policy or "AllowContactingSource"
            if rule.source in seen:
                if seen[rule.source] != policy:
                    raise InvalidOpenShiftObject(
                        "conflicting mirrorSourcePolicy is set for the same source "
                        f"{go_quote(rule.source)} in imagedigestmirrorsets, imagetagmirrorsets, "
                        "or imagecontentsourcepolicies",
                        field=f + ".mirrorSourcePolicy",
                        **where,
                    )
            else:
                seen[rule.source] = policy
            for j, mirror in enumerate(rule.mirrors):
                if not MIRROR_RE.fullmatch(mirror):
                    raise InvalidOpenShiftObject(
                        f"invalid format for mirror {go_quote(mirror)}",
                        field=f"{f}.mirrors[{j}]",
                        **where,
                    )
                if policy == "NeverContactSource" and mirror == rule.source:
                    raise InvalidOpenShiftObject(
                        "cannot set mirrorSourcePolicy: NeverContactSource if the source "
                        f"{go_quote(rule.source)} is one of the mirrors",
                        field=f"{f}.mirrors[{j}]",
                        **where,
                    )


@attrs.frozen
class BlockedAndAllowed:
    """The result of ``getValidBlockedAndAllowedRegistries`` (``None`` = Go nil slice).

    Attributes:
        registries_blocked: scopes blocked in registries.conf.
        policy_blocked: scopes rejected in policy.json.
        allowed: scopes accepted in policy.json.
        error: the error the MCO logs ("... skipping"), or ``None``.
        logs: the warnings the MCO logs along the way.
    """

    registries_blocked: tuple[str, ...] | None
    policy_blocked: tuple[str, ...] | None
    allowed: tuple[str, ...] | None
    error: str | None = None
    logs: tuple[str, ...] = ()


def _payload_repo(release_image: str) -> tuple[str, Reference]:
    try:
        ref = parse_reference(release_image, normalize=False)
    except InvalidReference:
        raise InvalidOpenShiftObject(
            _ERR_PARSING_REFERENCE, object="ClusterVersion/version", field="status.desired.image"
        ) from None
    return ref.name, ref


def valid_blocked_and_allowed(
    release_image: str,
    image: ImageConfig,
    icsp: Sequence[MirrorObject] = (),
    idms: Sequence[MirrorObject] = (),
) -> BlockedAndAllowed:
    """MCO ``getValidBlockedAndAllowedRegistries`` (V7).

    Raises:
        InvalidOpenShiftObject: the release image does not parse (the MCO then renders
            nothing: ``error parsing reference of release image``).
    """
    payload_repo, payload_ref = _payload_repo(release_image)
    reg_blocked: list[str] = []
    pol_blocked: list[str] = []
    allowed: list[str] = []
    block_err: list[str] = []
    logs: list[str] = []
    for reg in image.blocked_registries or ():
        if scope_is_nested_inside_scope(payload_repo, reg):
            try:
                has_mirror = _payload_has_unblocked_mirror(payload_ref, image, icsp, idms)
            except (RegistriesEditError, InvalidOpenShiftObject) as e:
                msg = e.go_message if isinstance(e, InvalidOpenShiftObject) else str(e)
                return BlockedAndAllowed(None, None, None, msg)
            if not has_mirror:
                block_err.append(reg)
                continue
            logs.append(
                f"{go_quote(reg)} matches the payload repository, but will add it to the list of "
                "blocked registries as there are mirror rules configured for it"
            )
            reg_blocked.append(reg)
            if payload_repo != reg:
                pol_blocked.append(reg)
            allowed.append(payload_repo)
            continue
        reg_blocked.append(reg)
        pol_blocked.append(reg)
    err = None
    if block_err:
        listed = "[" + " ".join(go_quote(r) for r in block_err) + "]"
        err = (
            f"error adding {listed} to blocked registries, cannot block the repository being "
            "used by the payload"
        )
    allowed.extend(image.allowed_registries or ())
    return BlockedAndAllowed(
        tuple(reg_blocked) or None,
        tuple(pol_blocked) or None,
        tuple(allowed) or None,
        err,
        tuple(logs),
    )


def _payload_has_unblocked_mirror(
    payload_ref: Reference,
    image: ImageConfig,
    icsp: Sequence[MirrorObject],
    idms: Sequence[MirrorObject],
) -> bool:
    """MCO ``payloadRepoHasUnblockedMirror``: is some digest pull source not blocked?"""
    conf = GoConf()
    edit_registries_config(
        conf,
        image.insecure_registries or (),
        image.blocked_registries or (),
        _digest_rules(idms, icsp),
        (),
    )
    blocked = image.blocked_registries or ()
    for source_name in _pull_source_names(conf, payload_ref):
        if not any(scope_is_nested_inside_scope(source_name, b) for b in blocked):
            return True
    return False


def _pull_source_names(conf: GoConf, ref: Reference) -> list[str]:
    """``FindRegistry`` + ``PullSourcesFromReference`` on a freshly edited configuration
    (the MCO writes it to a temporary file and loads it with containers/image), returning
    each pull source's repository name.

    Raises:
        RegistriesEditError: containers/image refuses the temporary file, no entry matches
            (Go dereferences a nil registry there), or a rewrite fails.
    """
    try:
        loaded = RegistriesConf.from_toml(encode_conf(conf))
    except InvalidConfig as e:
        raise RegistriesEditError(e.go_message) from e
    planner = Planner(loaded, cache_size=0)
    if planner.find_registry(ref.name) is None:
        raise RegistriesEditError(
            "internal error: no registries.conf entry for the payload repository " + ref.name
        )
    try:
        plan = planner.pull_sources(ref)
    except PlanError as e:
        raise RegistriesEditError(e.go_message) from e
    return [parse_reference(s.reference, normalize=False).name for s in plan.sources]


def render(
    objects: ClusterImageObjects,
    *,
    base_registries_conf: str | None = None,
    base_policy_json: str | None = None,
    release_image: str | None = None,
) -> NodeFiles:
    """Render registries.conf, the search drop-in and policy.json for these objects.

    Args:
        objects: the cluster objects (`load_objects` / ``objects_from_text``).
        base_registries_conf: the file the MCO starts from; default: the MCO template
            (``unqualified-search-registries = ['registry.access.redhat.com', 'docker.io']``).
        base_policy_json: likewise for policy.json (default: the MCO template).
        release_image: overrides ``ClusterVersion/version`` ``status.desired.image``.  With
            neither, the payload exception (V7) is not evaluated and a warning says so (the
            MCO itself renders nothing without a ClusterVersion).

    Raises:
        InvalidOpenShiftObject: the MCO would refuse the objects (validation errors, the
            allowed/blocked conflict, a wildcard source with nested scopes, ...).
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
    if release is None:
        warnings.append(
            "no release image (ClusterVersion 'version' or --release-image): the payload "
            "exception for blockedRegistries is not evaluated"
        )
        bna = BlockedAndAllowed(
            tuple(image.blocked_registries or ()) or None,
            tuple(image.blocked_registries or ()) or None,
            tuple(image.allowed_registries or ()) or None,
        )
    else:
        bna = valid_blocked_and_allowed(release, image, objects.icsp, objects.idms)
        warnings.extend(bna.logs)
        if bna.error is not None:
            warnings.append(f"{bna.error}, skipping....")

    insecure = image.insecure_registries
    reg_text = base_reg
    reg_edited = False
    if (
        insecure is not None
        or bna.registries_blocked is not None
        or objects.icsp
        or objects.idms
        or objects.itms
    ):
        reg_text = _update_registries_config(
            base_reg, insecure or (), bna.registries_blocked or (), objects, image.origin
        )
        reg_edited = True

    if reg_edited:
        problem = _node_refuses(reg_text)
        if problem is not None:
            warnings.append(
                f"containers/image on the node will refuse this registries.conf: {problem}"
            )

    pol_text = base_pol
    pol_edited = False
    if bna.policy_blocked is not None or bna.allowed is not None:
        payload_repo = _payload_repo(release)[0] if release is not None else None
        if (
            bna.allowed
            and bna.policy_blocked
            and not (len(bna.allowed) == 1 and bna.allowed[0] == payload_repo)
        ):
            raise InvalidOpenShiftObject(
                "invalid images config: only one of AllowedRegistries or BlockedRegistries may "
                "be specified",
                object="Image/cluster",
                field="spec.registrySources",
                path=image.origin,
            )
        validate_registries_conf_scopes(
            (), bna.policy_blocked or (), bna.allowed or (), image_origin=image.origin
        )
        try:
            pol_text = update_policy_json(base_pol, bna.policy_blocked, bna.allowed, payload_repo)
        except PolicyEditError as e:
            raise InvalidOpenShiftObject(str(e), field="base policy.json") from e
        pol_edited = True

    search = None
    if image.container_runtime_search_registries is not None:
        search = encode_conf(
            GoConf(unqualified_search_registries=list(image.container_runtime_search_registries))
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
    )


def _node_refuses(text: str) -> str | None:
    """The error containers/image gives loading ``text`` as the node's registries.conf."""
    try:
        RegistriesConf.from_toml(text, path=REGISTRIES_CONF_PATH)
    except InvalidConfig as e:
        return e.go_message
    return None


def _update_registries_config(
    base: str,
    insecure: Sequence[str],
    blocked: Sequence[str],
    objects: ClusterImageObjects,
    image_origin: str = "",
) -> str:
    """MCO ``updateRegistriesConfig``: decode, validate (V1-V4), edit (E1-E7), encode."""
    try:
        conf = decode_conf(base)
    except ConfDecodeError as e:
        raise InvalidOpenShiftObject(
            f"error unmarshalling registries config: {e}", field="base registries.conf"
        ) from e
    validate_registries_conf_scopes(
        insecure,
        blocked,
        (),
        icsp=objects.icsp,
        idms=objects.idms,
        itms=objects.itms,
        image_origin=image_origin,
    )
    try:
        edit_registries_config(
            conf,
            insecure,
            blocked,
            _digest_rules(objects.idms, objects.icsp),
            _tag_rules(objects.itms),
        )
    except RegistriesEditError as e:
        raise InvalidOpenShiftObject(str(e)) from e
    return encode_conf(conf)
