"""Kubernetes admission: judge the images of a Pod or workload as the node's podman/CRI-O would.

:func:`review` is a pure function from an ``AdmissionReview`` (``admission.k8s.io/v1``) request,
as a dict decoded from JSON, to the ``AdmissionReview`` response dict.  It does no I/O: give it a
:class:`~regresolve.Resolver` built from the nodes' registries.conf once, and call it per request
(the resolver caches plans and is safe to share between threads).

What it checks, for every image of ``spec.containers``, ``spec.initContainers``,
``spec.ephemeralContainers`` and ``spec.volumes[].image.reference`` (Pods; the pod template of
Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, PodTemplates;
``spec.jobTemplate`` of CronJobs):

* **deny** when the reference does not parse (with the Go error text), when the docker transport
  refuses it (tag and digest together), when short-name resolution fails under the
  configuration's mode, when every source of its plan is blocked, or when ``policy`` rejects it;
* **warn** when it is a short name with more than one candidate (ambiguous: CRI-O 1.34 and
  enforcing mode refuse it), and when a source would be contacted without TLS verification;
* **mutate** (``mutate="pin"``) with a JSONPatch that replaces the image by the first source
  podman would contact, or (``mutate="qualify"``) by its fully qualified reference.

On ``UPDATE`` only images that are not already in ``oldObject`` are judged or changed, so a
label change on a running Pod is never refused because the configuration changed since.

Malformed input never raises.  A review that is not an ``AdmissionReview`` v1 request, or a
CREATE/UPDATE whose object is missing or whose pod spec has the wrong shape, is **denied** with
HTTP code 400 and a message naming the field: a real API server never sends those, so failing
closed costs nothing and keeps a hostile client from slipping an image past the check.  Objects
of other kinds and other operations (DELETE, CONNECT, subresources other than
``ephemeralcontainers``) are allowed untouched.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import RegresolveError
from regresolve._policy import Policy
from regresolve._resolve import Resolver
from regresolve.imageplan import ImagePlan, plan_image

__all__ = ["MAX_WARNING_LENGTH", "ImagePolicy", "ImageSite", "Mutate", "images_of", "review"]

#: Kubernetes asks that each admission warning stay within 120 characters.
MAX_WARNING_LENGTH: Final = 120
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
_WORKLOAD_TEMPLATE: Final = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}
_CONTAINER_LISTS: Final = ("initContainers", "containers", "ephemeralContainers")
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]", re.ASCII)


class _Malformed(Exception):
    """The review or the object does not have the shape Kubernetes gives it."""


@attrs.frozen
class ImageSite:
    """One place an image is named in an object.

    Attributes:
        pointer: the JSON pointer of the string (``/spec/containers/0/image``).
        label: how messages name it (``containers[0] "web"``).
        image: the string found there.
    """

    pointer: str
    label: str
    image: str


def images_of(kind: str, obj: Mapping[str, Any]) -> list[ImageSite]:
    """Every image named by an object of ``kind``, in spec order.

    Raises ``ValueError`` when the object does not have the shape Kubernetes gives it (a
    container list that is not a list, an image that is not a string).  Unknown kinds have
    no images.
    """
    try:
        return _images_of(kind, obj)
    except _Malformed as err:
        raise ValueError(str(err)) from None


def _images_of(kind: str, obj: Mapping[str, Any]) -> list[ImageSite]:
    path = _WORKLOAD_TEMPLATE.get(kind)
    if path is None:
        return []
    node: Any = obj
    walked: list[str] = []
    for key in path:
        if not isinstance(node, Mapping):
            raise _Malformed(f"{'.'.join(walked) or 'object'} is not an object")
        node = node.get(key)
        walked.append(key)
        if node is None:
            return []  # absent template/spec: nothing to judge (validation rejects it anyway)
    if not isinstance(node, Mapping):
        raise _Malformed(f"{'.'.join(walked)} is not an object")
    base = "/" + "/".join(path)
    sites: list[ImageSite] = []
    for list_name in _CONTAINER_LISTS:
        containers = node.get(list_name)
        if containers is None:
            continue
        if not isinstance(containers, list):
            raise _Malformed(f"{'.'.join(walked)}.{list_name} is not a list")
        for i, container in enumerate(containers):
            if not isinstance(container, Mapping):
                raise _Malformed(f"{'.'.join(walked)}.{list_name}[{i}] is not an object")
            image = container.get("image")
            if image is None or image == "":
                continue  # templates may leave it to config management; Pod validation refuses
            if not isinstance(image, str):
                raise _Malformed(f"{'.'.join(walked)}.{list_name}[{i}].image is not a string")
            name = container.get("name")
            label = f"{list_name}[{i}]"
            if isinstance(name, str) and name:
                label += f" {_quote(name, 63)}"
            sites.append(ImageSite(f"{base}/{list_name}/{i}/image", label, image))
    volumes = node.get("volumes")
    if volumes is not None:
        if not isinstance(volumes, list):
            raise _Malformed(f"{'.'.join(walked)}.volumes is not a list")
        for i, volume in enumerate(volumes):
            if not isinstance(volume, Mapping):
                raise _Malformed(f"{'.'.join(walked)}.volumes[{i}] is not an object")
            source = volume.get("image")
            if source is None:
                continue
            if not isinstance(source, Mapping):
                raise _Malformed(f"{'.'.join(walked)}.volumes[{i}].image is not an object")
            ref = source.get("reference")
            if ref is None or ref == "":
                continue
            if not isinstance(ref, str):
                raise _Malformed(f"{'.'.join(walked)}.volumes[{i}].image.reference is not a string")
            name = volume.get("name")
            label = f"volumes[{i}]" + (f" {_quote(name, 63)}" if isinstance(name, str) else "")
            sites.append(ImageSite(f"{base}/volumes/{i}/image/reference", label, ref))
    return sites


def review(
    admission_review: object,
    resolver: Resolver | RegistriesConf,
    *,
    mutate: Mutate = "off",
    policy: ImagePolicy | Policy | None = None,
    deny_ambiguous_short_names: bool = False,
    short_name_mode: str | None = None,
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
        short_name_mode: override the configuration's short-name mode.

    Returns:
        ``{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": {...}}``
        with ``uid`` echoed, ``allowed``, and when relevant ``status``, ``warnings``,
        ``patchType``/``patch`` and ``auditAnnotations``.  Never raises.
    """
    uid = ""
    try:
        if not isinstance(admission_review, Mapping):
            raise _Malformed("the body is not a JSON object")
        request = admission_review.get("request")
        if isinstance(request, Mapping):
            raw_uid = request.get("uid")
            if isinstance(raw_uid, str):
                uid = raw_uid[:256]
        if admission_review.get("apiVersion") != _API_VERSION:
            raise _Malformed(f"apiVersion is not {_API_VERSION}")
        if admission_review.get("kind") != "AdmissionReview":
            raise _Malformed("kind is not AdmissionReview")
        if not isinstance(request, Mapping):
            raise _Malformed("request is missing")
        if not uid:
            raise _Malformed("request.uid is missing")
        if isinstance(resolver, RegistriesConf):
            resolver = Resolver(resolver)
        response = _review_request(
            request,
            resolver,
            mutate=mutate,
            policy=policy,
            deny_ambiguous=deny_ambiguous_short_names,
            short_name_mode=short_name_mode,
        )
    except _Malformed as err:
        response = _deny(400, "BadRequest", f"malformed AdmissionReview: {err}")
    except Exception as err:
        response = _deny(500, "InternalError", f"regresolve failed: {type(err).__name__}")
    return {
        "apiVersion": _API_VERSION,
        "kind": "AdmissionReview",
        "response": {"uid": uid, **response},
    }


def _review_request(
    request: Mapping[str, Any],
    resolver: Resolver,
    *,
    mutate: Mutate,
    policy: ImagePolicy | Policy | None,
    deny_ambiguous: bool,
    short_name_mode: str | None,
) -> dict[str, Any]:
    operation = request.get("operation")
    if operation not in ("CREATE", "UPDATE"):
        return {"allowed": True}
    sub = request.get("subResource") or ""
    if sub not in ("", "ephemeralcontainers"):
        return {"allowed": True}
    obj = request.get("object")
    if not isinstance(obj, Mapping):
        raise _Malformed("request.object is missing")
    kind = _kind_of(request, obj)
    sites = _images_of(kind, obj)
    if len(sites) > MAX_IMAGES:
        return _deny(400, "BadRequest", f"{len(sites)} images in one object (at most {MAX_IMAGES})")
    if operation == "UPDATE":
        old = request.get("oldObject")
        if isinstance(old, Mapping):
            try:
                known = {s.image for s in _images_of(kind, old)}
            except _Malformed:
                known = set()
            sites = [s for s in sites if s.image not in known]

    denials: list[str] = []
    warnings: list[str] = []
    patch: list[dict[str, str]] = []
    pinned: dict[str, str] = {}
    plans: dict[str, ImagePlan] = {}
    for site in sites:
        where = f"{site.label} {_quote(site.image, 200)}"
        if len(site.image) > MAX_IMAGE_LENGTH:
            denials.append(f"{where}: not an image reference ({len(site.image)} characters)")
            continue
        image = plans.get(site.image)
        if image is None:
            image = plan_image(resolver, site.image, short_name_mode=short_name_mode)
            plans[site.image] = image
        verdict = _judge(image, policy, deny_ambiguous)
        if verdict.denial is not None:
            denials.append(f"{where}: {verdict.denial}")
            continue
        warnings.extend(f"{site.label}: {w}" for w in verdict.warnings)
        target = _target(image, mutate)
        if target is not None and target != site.image:
            patch.append({"op": "replace", "path": site.pointer, "value": target})
            pinned[site.pointer] = f"{site.image} -> {target}"

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
                "regresolve-pinned": _clip(json.dumps(pinned, sort_keys=True), MAX_MESSAGE_LENGTH)
            }
    if warnings:
        response["warnings"] = [_clip(w, MAX_WARNING_LENGTH) for w in _unique(warnings)]
    return response


@attrs.frozen
class _Verdict:
    denial: str | None
    warnings: tuple[str, ...] = ()


def _judge(image: ImagePlan, policy: ImagePolicy | Policy | None, deny_ambiguous: bool) -> _Verdict:
    failure = image.failure
    if failure is not None:
        return _Verdict(failure)
    if image.all_blocked:
        blocked = next((s.blocked_error for s in reversed(image.sources) if s.blocked_error), None)
        return _Verdict(blocked or "every source is blocked")
    warnings: list[str] = []
    if image.short_name and len(image.candidates) > 1:
        names = ", ".join(c.reference for c in image.candidates)
        text = (
            f"short name {_quote(image.input, 60)} is ambiguous ({len(image.candidates)} "
            f"candidates: {names}); enforcing mode and CRI-O 1.34 refuse it"
        )
        if deny_ambiguous:
            return _Verdict(text)
        warnings.append(
            f"short name {_quote(image.input, 40)} is ambiguous "
            f"({len(image.candidates)} candidates); use {image.candidates[0].reference}"
        )
    if policy is not None:
        for cand in image.candidates:
            denial, warning = _apply_policy(policy, cand.reference)
            if denial is not None:
                return _Verdict(f"rejected by policy for {cand.reference}: {denial}")
            if warning is not None:
                warnings.append(warning)
    first = image.first_source
    if first is not None and first.insecure:
        warnings.append(f"{first.location} is contacted without TLS verification")
    return _Verdict(None, tuple(warnings))


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


def _kind_of(request: Mapping[str, Any], obj: Mapping[str, Any]) -> str:
    kind = request.get("kind")
    if isinstance(kind, Mapping) and isinstance(kind.get("kind"), str):
        return str(kind["kind"])
    obj_kind = obj.get("kind")
    return obj_kind if isinstance(obj_kind, str) else ""


def _deny(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "allowed": False,
        "status": {"code": code, "reason": reason, "message": _clip(message, MAX_MESSAGE_LENGTH)},
    }


def _quote(text: str, limit: int) -> str:
    """Quote untrusted text for a message: control characters escaped, length bounded."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return '"' + _UNPRINTABLE.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def _clip(text: str, limit: int) -> str:
    text = _UNPRINTABLE.sub(_escape, text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
