"""The registries.conf half of the MCO's container-runtime-config controller, and the
payload exception (``regresolve.openshift._node.render`` puts everything together).

This follows ``syncImageConfig`` → ``getValidBlockedAndAllowedRegistries`` →
``registriesConfigIgnition``:

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
from regresolve.openshift._registries import (
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
    "node_refuses",
    "payload_repo",
    "update_registries_config",
    "valid_blocked_and_allowed",
    "validate_registries_conf_scopes",
]

REGISTRIES_CONF_PATH: Final = "/etc/containers/registries.conf"
SEARCH_DROPIN_PATH: Final = "/etc/containers/registries.conf.d/01-image-searchRegistries.conf"
POLICY_JSON_PATH: Final = "/etc/containers/policy.json"

_ERR_PARSING_REFERENCE: Final = "error parsing reference of release image"


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


def payload_repo(release_image: str) -> tuple[str, Reference]:
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
    repo, payload_ref = payload_repo(release_image)
    reg_blocked: list[str] = []
    pol_blocked: list[str] = []
    allowed: list[str] = []
    block_err: list[str] = []
    logs: list[str] = []
    for reg in image.blocked_registries or ():
        if scope_is_nested_inside_scope(repo, reg):
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
            if repo != reg:
                pol_blocked.append(reg)
            allowed.append(repo)
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


def node_refuses(text: str) -> str | None:
    """The error containers/image gives loading ``text`` as the node's registries.conf."""
    try:
        RegistriesConf.from_toml(text, path=REGISTRIES_CONF_PATH)
    except InvalidConfig as e:
        return e.go_message
    return None


def update_registries_config(
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
