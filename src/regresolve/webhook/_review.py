"""The pure admission function: AdmissionReview v1 in, AdmissionReview v1 out.

The package docstring (:mod:`regresolve.webhook`) says what is judged and how.  Besides the
public :func:`review`, :func:`decide` returns the same answer together with one verdict per
image, for the server's decision log and ``regresolve review`` (both call it, so the offline
audit and the webhook cannot disagree).  No I/O here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any, Final, Literal

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import RegresolveError
from regresolve._host import Host, PullContext
from regresolve._policy import Policy
from regresolve._profiles import Profile
from regresolve._resolve import Resolver
from regresolve.imageplan import ImagePlan, plan_image
from regresolve.webhook._context import has_pull_secrets, unpullable
from regresolve.webhook._sites import (
    UNPRINTABLE,
    WORKLOAD_TEMPLATE,
    ImageSite,
    Malformed,
    clip,
    escape,
    images_in,
    images_of,
    kind_of,
    quote,
    unique,
)

__all__ = [
    "MAX_WARNINGS_TOTAL",
    "MAX_WARNING_LENGTH",
    "Decision",
    "ImagePolicy",
    "ImageSite",
    "ImageVerdict",
    "Mutate",
    "decide",
    "fit_warnings",
    "images_of",
    "review",
]

#: Kubernetes' admission webhook documentation: the API server may truncate a warning longer
#: than 256 characters before the client sees it.
MAX_WARNING_LENGTH: Final = 256
#: The same page: once 4096 characters of warnings have been added to a request (all webhooks
#: together), the API server ignores any further warning.
MAX_WARNINGS_TOTAL: Final = 4096
#: The status message of a denial is cut here (the API server shows it to kubectl users).
MAX_MESSAGE_LENGTH: Final = 4000
#: Images judged per object at most; a real Pod has a handful, a hostile one may have millions.
MAX_IMAGES: Final = 1000
#: Longer strings cannot be references (the name limit is 255, a digest adds < 140).
MAX_IMAGE_LENGTH: Final = 4096

#: A policy hook: given the logical reference podman pulls (fully qualified, after short-name
#: resolution, e.g. ``docker.io/library/nginx:1.25``), return ``None`` to accept or a message
#: saying why it is rejected.  The policy sees the logical reference, never a mirror, as
#: containers-policy.json does.
ImagePolicy = Callable[[str], "str | None"]

#: What the mutating answer rewrites: nothing, each image to its first usable source, or short
#: and familiar names to their fully qualified form.
Mutate = Literal["off", "pin", "qualify"]

_API_VERSION: Final = "admission.k8s.io/v1"


def review(
    admission_review: object,
    resolver: Resolver | RegistriesConf,
    *,
    mutate: Mutate = "off",
    policy: ImagePolicy | Policy | None = None,
    deny_ambiguous_short_names: bool = False,
    short_name_mode: str | None = None,
    profile: Profile | None = None,
    host: Host | None = None,
    explicit_credentials: bool | None = None,
    tls_verify: bool | None = None,
    deny_unpullable: bool = False,
) -> dict[str, Any]:
    """Answer one AdmissionReview request.

    Args:
        admission_review: the decoded JSON body the API server sent.
        resolver: a :class:`~regresolve.Resolver` for the nodes' configuration (a
            :class:`~regresolve.RegistriesConf` is accepted and wrapped, without caching
            across calls).
        mutate: ``"off"`` (a validating webhook), ``"pin"`` (replace each image by the first
            source podman would contact, a mirror when one is used) or ``"qualify"`` (replace
            short and familiar names by the fully qualified reference podman pulls).
        policy: a parsed containers-policy.json (:class:`~regresolve.Policy`: ``reject``
            denies, a signature requirement warns, since only the node can verify it), or an
            :data:`ImagePolicy` callable (a message it returns denies the object).
        deny_ambiguous_short_names: deny, rather than warn about, short names with more than
            one candidate (what CRI-O 1.34 does on every node).
        short_name_mode: override the configuration's (and the program's) short-name mode.
        profile: the program and release the nodes run (default: podman with containers/image
            5.34.2); for a Kubernetes node, CRI-O of the cluster's version, e.g.
            ``regresolve.product_profile("crio-1.31")``: tag+digest images are pulled by
            digest, short names resolved with CRI-O's mode.
        host: the nodes' pull context (``regresolve.load_host``; its files
            only, the plans come from ``resolver``): an image whose every source fails
            before any network access is warned about (denied with ``deny_unpullable``).
        explicit_credentials: whether the pulls carry explicit credentials; None: when the
            pod spec lists ``imagePullSecrets``.
        tls_verify: podman's ``--tls-verify`` (None: each source's ``insecure``).
        deny_unpullable: deny rather than warn about an image no source can serve.

    Returns:
        ``{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": {...}}``
        with ``uid`` echoed, ``allowed``, and when relevant ``status``, ``warnings``,
        ``patchType``/``patch`` and ``auditAnnotations``.  Never raises.
    """
    return decide(
        admission_review,
        resolver,
        mutate=mutate,
        policy=policy,
        deny_ambiguous_short_names=deny_ambiguous_short_names,
        short_name_mode=short_name_mode,
        profile=profile,
        host=host,
        explicit_credentials=explicit_credentials,
        tls_verify=tls_verify,
        deny_unpullable=deny_unpullable,
    ).answer


Verdict = Literal["allowed", "warned", "denied"]


@attrs.frozen
class ImageVerdict:
    """What :func:`decide` concluded about one image of the object.

    Attributes:
        site: where the image is named.
        verdict: ``allowed``, ``warned`` (allowed, with warnings) or ``denied``.
        reason: the denial, or what the warnings say, joined with ``"; "`` ("" when allowed).
        target: the value the mutating answer writes in its place, or None.
        context: the pull context of every source, when the judgement had the nodes' files.
    """

    site: ImageSite
    verdict: Verdict
    reason: str = ""
    target: str | None = None
    context: PullContext | None = None


@attrs.frozen
class Decision:
    """The answer to one AdmissionReview, and what it is made of.

    Attributes:
        answer: the AdmissionReview response, exactly as :func:`review` returns it.
        images: one verdict per judged image, in spec order (images already present in
            ``oldObject`` on UPDATE are not judged and not listed).
        operation, kind, namespace, name: taken from the request ("" when absent).
        note: why no image was judged (an operation or kind that is not checked, a
            malformed request), "" otherwise.
    """

    answer: dict[str, Any]
    images: tuple[ImageVerdict, ...] = ()
    operation: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    note: str = ""

    @property
    def allowed(self) -> bool:
        """Whether the object is admitted."""
        return bool(self.answer["response"]["allowed"])


def decide(
    admission_review: object,
    resolver: Resolver | RegistriesConf,
    *,
    mutate: Mutate = "off",
    policy: ImagePolicy | Policy | None = None,
    deny_ambiguous_short_names: bool = False,
    short_name_mode: str | None = None,
    profile: Profile | None = None,
    plans: MutableMapping[str, ImagePlan] | None = None,
    host: Host | None = None,
    explicit_credentials: bool | None = None,
    tls_verify: bool | None = None,
    deny_unpullable: bool = False,
) -> Decision:
    """:func:`review`, with a verdict per image (same arguments; never raises).

    ``plans`` may carry image plans from one call to the next (a server's hot path): it maps
    an image string to its plan under this ``resolver`` and ``short_name_mode``, so the
    caller must start a new one when any of them (or ``profile``) changes.  Entries are only added.
    """
    uid = ""
    facts: dict[str, str] = {}
    try:
        if not isinstance(admission_review, Mapping):
            raise Malformed("the body is not a JSON object")
        request = admission_review.get("request")
        if isinstance(request, Mapping):
            raw_uid = request.get("uid")
            if isinstance(raw_uid, str):
                uid = raw_uid[:256]
            facts = _facts(request)
        if admission_review.get("apiVersion") != _API_VERSION:
            raise Malformed(f"apiVersion is not {_API_VERSION}")
        if admission_review.get("kind") != "AdmissionReview":
            raise Malformed("kind is not AdmissionReview")
        if not isinstance(request, Mapping):
            raise Malformed("request is missing")
        if not uid:
            raise Malformed("request.uid is missing")
        if isinstance(resolver, RegistriesConf):
            resolver = Resolver(resolver)
        response, images, note = _review_request(
            request,
            resolver,
            mutate=mutate,
            policy=policy,
            deny_ambiguous=deny_ambiguous_short_names,
            short_name_mode=short_name_mode,
            profile=profile,
            plans={} if plans is None else plans,
            context=_ContextOptions(host, explicit_credentials, tls_verify, deny_unpullable),
        )
    except Malformed as err:
        note = f"malformed AdmissionReview: {err}"
        response, images = _deny(400, "BadRequest", note), ()
    except Exception as err:
        note = f"regresolve failed: {type(err).__name__}"
        response, images = _deny(500, "InternalError", note), ()
    answer = {
        "apiVersion": _API_VERSION,
        "kind": "AdmissionReview",
        "response": {"uid": uid, **response},
    }
    return Decision(answer, images, note=note, **facts)


def _facts(request: Mapping[str, Any]) -> dict[str, str]:
    """Operation, kind, namespace and name of a request, for logs (bounded, "" if absent)."""
    obj = request.get("object")
    meta = obj.get("metadata") if isinstance(obj, Mapping) else None
    name = request.get("name")
    if not isinstance(name, str) or not name:
        name = ""
        if isinstance(meta, Mapping):
            given = meta.get("name") or meta.get("generateName")
            name = given if isinstance(given, str) else ""
    namespace = request.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        namespace = meta.get("namespace") if isinstance(meta, Mapping) else ""
    operation = request.get("operation")
    kind = kind_of(request, obj if isinstance(obj, Mapping) else {})
    return {
        "operation": operation[:32] if isinstance(operation, str) else "",
        "kind": kind[:64],
        "namespace": namespace[:253] if isinstance(namespace, str) else "",
        "name": name[:253],
    }


def _review_request(
    request: Mapping[str, Any],
    resolver: Resolver,
    *,
    mutate: Mutate,
    policy: ImagePolicy | Policy | None,
    deny_ambiguous: bool,
    short_name_mode: str | None,
    profile: Profile | None,
    plans: MutableMapping[str, ImagePlan],
    context: _ContextOptions,
) -> tuple[dict[str, Any], tuple[ImageVerdict, ...], str]:
    operation = request.get("operation")
    if operation not in ("CREATE", "UPDATE"):
        return {"allowed": True}, (), "operation not checked"
    sub = request.get("subResource") or ""
    if sub not in ("", "ephemeralcontainers"):
        return {"allowed": True}, (), "subresource not checked"
    obj = request.get("object")
    if not isinstance(obj, Mapping):
        raise Malformed("request.object is missing")
    kind = kind_of(request, obj)
    if kind not in WORKLOAD_TEMPLATE:
        return {"allowed": True}, (), "kind not checked"
    sites = images_in(kind, obj)
    if len(sites) > MAX_IMAGES:
        note = f"{len(sites)} images in one object (at most {MAX_IMAGES})"
        return _deny(400, "BadRequest", note), (), note
    if operation == "UPDATE":
        old = request.get("oldObject")
        if isinstance(old, Mapping):
            try:
                known = {s.image for s in images_in(kind, old)}
            except Malformed:
                known = set()
            sites = [s for s in sites if s.image not in known]

    explicit = context.explicit_credentials
    if explicit is None:
        explicit = context.host is not None and has_pull_secrets(kind, obj)
    verdicts: list[ImageVerdict] = []
    denials: list[str] = []
    warnings: list[str] = []
    patch: list[dict[str, str]] = []
    pinned: dict[str, str] = {}
    for site in sites:
        where = f"{site.label} {quote(site.image, 200)}"
        if len(site.image) > MAX_IMAGE_LENGTH:
            reason = f"not an image reference ({len(site.image)} characters)"
            denials.append(f"{where}: {reason}")
            verdicts.append(ImageVerdict(site, "denied", reason))
            continue
        image = plans.get(site.image)
        if image is None:
            image = plan_image(
                resolver, site.image, short_name_mode=short_name_mode, profile=profile
            )
            plans[site.image] = image
        ctx = None
        if context.host is not None:
            ctx = context.host.context_of(
                image, explicit_credentials=explicit, tls_verify=context.tls_verify
            )
        verdict = _judge(image, site.label, policy, deny_ambiguous)
        if verdict.denial is None and ctx is not None:
            verdict = _with_context(verdict, ctx, site.label, context.deny_unpullable)
        if verdict.denial is not None:
            denials.append(f"{where}: {verdict.denial}")
            verdicts.append(ImageVerdict(site, "denied", verdict.denial, context=ctx))
            continue
        warnings.extend(verdict.warnings)
        target = _target(image, mutate)
        if target is not None and target != site.image:
            patch.append({"op": "replace", "path": site.pointer, "value": target})
            pinned[site.pointer] = f"{site.image} -> {target}"
        else:
            target = None
        verdicts.append(
            ImageVerdict(
                site,
                "warned" if verdict.warnings else "allowed",
                clip("; ".join(verdict.reasons), MAX_MESSAGE_LENGTH),
                target,
                ctx,
            )
        )

    if denials:
        count = len(denials)
        head = f"regresolve denied {count} image{'s' if count != 1 else ''}: "
        response = _deny(403, "Forbidden", head + "; ".join(denials))
    else:
        response = {"allowed": True}
        if patch:
            response["patchType"] = "JSONPatch"
            response["patch"] = base64.b64encode(
                json.dumps(patch, separators=(",", ":")).encode()
            ).decode("ascii")
            response["auditAnnotations"] = {
                "regresolve-pinned": clip(json.dumps(pinned, sort_keys=True), MAX_MESSAGE_LENGTH)
            }
    if warnings:
        response["warnings"] = fit_warnings(warnings)
    return response, tuple(verdicts), ""


@attrs.frozen
class _Verdict:
    denial: str | None
    warnings: tuple[str, ...] = ()  # as sent: prefixed with the site's label, within limits
    reasons: tuple[str, ...] = ()  # the same findings, one each, for logs and reports


@attrs.frozen
class _ContextOptions:
    host: Host | None
    explicit_credentials: bool | None
    tls_verify: bool | None
    deny_unpullable: bool


def _with_context(verdict: _Verdict, ctx: PullContext, label: str, deny: bool) -> _Verdict:
    """The verdict with what the pull context adds: an image no source can serve."""
    why = unpullable(ctx, MAX_MESSAGE_LENGTH)
    if why is None:
        return verdict
    if deny:
        return _Verdict(why)
    return _Verdict(
        None,
        (*verdict.warnings, clip(f"{label}: {why}", MAX_WARNING_LENGTH)),
        (*verdict.reasons, why),
    )


def _judge(
    image: ImagePlan, label: str, policy: ImagePolicy | Policy | None, deny_ambiguous: bool
) -> _Verdict:
    """The denial, or the warnings (each already prefixed with ``label`` and within limits)."""
    failure = image.failure
    if failure is not None:
        return _Verdict(failure)
    if image.all_blocked:
        blocked = next((s.blocked_error for s in reversed(image.sources) if s.blocked_error), None)
        return _Verdict(blocked or "every source is blocked")
    warnings: list[str] = []
    reasons: list[str] = []
    if image.short_name and len(image.candidates) > 1:
        names = [c.reference for c in image.candidates]
        if deny_ambiguous:
            return _Verdict(
                f"short name {quote(image.input, 60)} is ambiguous ({len(names)} "
                f"candidates: {', '.join(names)}); enforcing mode and CRI-O 1.34 refuse it"
            )
        warnings.extend(_ambiguity_warnings(label, image.input, names))
        reasons.append(
            f"short name {quote(image.input, 60)} is ambiguous, {len(names)} candidates in "
            f"order: {', '.join(names)}"
        )
    if policy is not None:
        for cand in image.candidates:
            denial, warning = _apply_policy(policy, cand.reference)
            if denial is not None:
                return _Verdict(f"rejected by policy for {cand.reference}: {denial}")
            if warning is not None:
                warnings.append(clip(f"{label}: {warning}", MAX_WARNING_LENGTH))
                reasons.append(warning)
    first = image.first_source
    if first is not None and first.insecure:
        text = f"{first.location} is contacted without TLS verification"
        warnings.append(clip(f"{label}: {text}", MAX_WARNING_LENGTH))
        reasons.append(text)
    return _Verdict(None, tuple(warnings), tuple(reasons))


def _ambiguity_warnings(label: str, text: str, names: Sequence[str]) -> list[str]:
    """Every candidate of an ambiguous short name, in as few warnings as the limit allows.

    One warning when it fits in :data:`MAX_WARNING_LENGTH`; otherwise the candidates are
    spread over several, each saying which of them it lists.  A single candidate too long for
    a warning of its own is cut (a name is at most 255 characters, a tag 128).
    """
    names = [UNPRINTABLE.sub(escape, n) for n in names]
    subject = f"{label}: short name {quote(text, 60)} is ambiguous"
    whole = f"{subject}, {len(names)} candidates in order: {', '.join(names)}"
    if len(whole) <= MAX_WARNING_LENGTH:
        return [whole]
    total = len(names)
    parts: list[str] = []
    i = 0
    while i < total:
        # The longest run of candidates from i whose warning fits (at least one).
        j = i + 1
        while j < total:
            head = f"{subject}, candidates {i + 1}-{j + 1} of {total}: "
            if len(head) + len(", ".join(names[i : j + 1])) > MAX_WARNING_LENGTH:
                break
            j += 1
        span = f"{i + 1}" if j == i + 1 else f"{i + 1}-{j}"
        parts.append(
            clip(f"{subject}, candidates {span} of {total}: {', '.join(names[i:j])}",
                  MAX_WARNING_LENGTH)
        )  # fmt: skip
        i = j
    return parts


def fit_warnings(warnings: Sequence[str]) -> list[str]:
    """Warnings as Kubernetes keeps them: unique, printable, each within
    :data:`MAX_WARNING_LENGTH`, together within :data:`MAX_WARNINGS_TOTAL`.

    When they do not all fit, the last one says how many were left out.
    """
    cut = [clip(w, MAX_WARNING_LENGTH) for w in unique(warnings)]
    if sum(len(w) for w in cut) <= MAX_WARNINGS_TOTAL:
        return cut
    kept: list[str] = []
    used = 0
    for k, warning in enumerate(cut):
        rest = len(cut) - k
        note = f"{rest} more regresolve warnings left out (Kubernetes keeps 4096 characters)"
        if used + len(warning) + len(note) > MAX_WARNINGS_TOTAL:
            kept.append(note)
            break
        kept.append(warning)
        used += len(warning)
    return kept


def _apply_policy(policy: ImagePolicy | Policy, reference: str) -> tuple[str | None, str | None]:
    """(denial, warning) for one logical reference."""
    if isinstance(policy, Policy):
        try:
            verdict = policy.evaluate(reference)
        except RegresolveError as err:
            return err.go_message, None
        if verdict.verdict == "rejected":
            return verdict.describe(), None
        if verdict.verdict == "signature-required":
            # Only the node can verify signatures; say what it will demand.
            scope = "default" if verdict.scope is None else (verdict.scope or '""')
            return None, f"{reference} needs a signature (policy scope {scope})"
        return None, None
    return policy(reference), None


def _target(image: ImagePlan, mutate: Mutate) -> str | None:
    if mutate == "off" or len(image.candidates) != 1:
        return None  # several candidates: pinning the first would drop podman's fallbacks
    if mutate == "qualify":
        return image.candidates[0].reference
    first = image.first_source
    return None if first is None else str(first.reference)


def _deny(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "allowed": False,
        "status": {"code": code, "reason": reason, "message": clip(message, MAX_MESSAGE_LENGTH)},
    }
