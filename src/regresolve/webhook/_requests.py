"""Manifests to AdmissionReview requests, as the API server would build them on CREATE.

``regresolve review`` judges objects from files with the same function the webhook serves
(:func:`~regresolve.webhook._review.decide`), so each object is first turned into the
``AdmissionReview`` v1 request a ``kubectl create`` of it would make the API server send:
``kind`` and ``resource`` from ``apiVersion``/``kind`` (group, version, the lower-case plural
resource), ``name`` and ``namespace`` from ``metadata`` (``default`` when a namespaced object
names none), ``operation: CREATE``, the object itself, no ``oldObject``.

Accepted documents: single objects; ``List`` and ``<Kind>List`` objects (``kubectl get -o
json|yaml`` output, nested lists included; items of a typed list without ``kind`` get it from
the list); and recorded ``AdmissionReview`` requests, replayed as they are.  Pure functions.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from regresolve._gotext import go_lower

__all__ = ["ReviewInput", "admission_review", "review_inputs"]

#: The resource (plural) of each kind that holds a pod spec; every one is namespaced.
_RESOURCES: Final = {
    "Pod": "pods",
    "PodTemplate": "podtemplates",
    "ReplicationController": "replicationcontrollers",
    "Deployment": "deployments",
    "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets",
    "ReplicaSet": "replicasets",
    "Job": "jobs",
    "CronJob": "cronjobs",
}
_USER: Final = {"username": "regresolve-review", "groups": ["system:authenticated"]}
#: Deeper lists than this are refused: real ``kubectl`` output nests one level.
_MAX_LIST_DEPTH: Final = 32


@attrs.frozen
class ReviewInput:
    """One request to judge.

    Attributes:
        where: where the object is, for messages (``pods.json items[3]``).
        review: the AdmissionReview (built, or replayed from the input).
        problem: why the document could not be made into a request ("" when it could);
            ``review`` is then empty.
    """

    where: str
    review: dict[str, Any]
    problem: str = ""


def _group_version(api_version: object) -> tuple[str, str]:
    if not isinstance(api_version, str) or not api_version:
        return "", "v1"
    group, _, version = api_version.rpartition("/")
    return group, version


def _resource(kind: str) -> str:
    known = _RESOURCES.get(kind)
    if known is not None:
        return known
    lower = go_lower(kind)  # kinds that are not judged: a plausible plural is enough
    return lower + ("es" if lower.endswith("s") else "s")


def admission_review(obj: Mapping[str, Any], uid: str) -> dict[str, Any]:
    """The CREATE AdmissionReview the API server would send for ``obj``."""
    kind = obj.get("kind")
    kind = kind if isinstance(kind, str) else ""
    group, version = _group_version(obj.get("apiVersion"))
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    name = meta.get("name")
    namespace = meta.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        namespace = "default" if kind in _RESOURCES else ""
    gvk = {"group": group, "version": version, "kind": kind}
    gvr = {"group": group, "version": version, "resource": _resource(kind)}
    request: dict[str, Any] = {
        "uid": uid,
        "kind": gvk,
        "resource": gvr,
        "requestKind": gvk,
        "requestResource": gvr,
        "name": name if isinstance(name, str) else "",
        "namespace": namespace,
        "operation": "CREATE",
        "userInfo": _USER,
        "object": obj,
        "oldObject": None,
        "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    }
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}


def review_inputs(
    data: Any, origin: str, numbers: Iterator[int] | None = None
) -> Iterator[ReviewInput]:
    """The requests for decoded documents (a list of YAML documents, or one JSON value).

    ``numbers`` numbers the requests' uids (share one iterator across files to keep them
    unique); by default each call starts at 1.
    """
    yield from _walk(
        data, origin, "", counter=numbers or itertools.count(1), inherited=None, depth=0
    )


def _walk(
    data: Any,
    origin: str,
    where: str,
    *,
    counter: Iterator[int],
    inherited: tuple[str, Any] | None,
    depth: int,
) -> Iterator[ReviewInput]:
    label = origin if not where else f"{origin}{where}" if where[0] == "[" else f"{origin} {where}"
    if depth > _MAX_LIST_DEPTH:
        yield ReviewInput(label, {}, "lists nested too deeply")
        return
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _walk(
                item, origin, f"{where}[{i}]", counter=counter, inherited=inherited, depth=depth + 1
            )
        return
    if not isinstance(data, Mapping):
        yield ReviewInput(label, {}, "not a Kubernetes object")
        return
    kind = data.get("kind")
    if kind is None and inherited is not None:
        # Items of a typed list (PodList from the API) carry neither kind nor apiVersion.
        data = {"kind": inherited[0], "apiVersion": inherited[1], **data}
        kind = inherited[0]
    if not isinstance(kind, str) or not kind:
        yield ReviewInput(label, {}, "kind is missing")
        return
    if kind == "AdmissionReview":
        yield ReviewInput(label, dict(data))
        return
    if kind.endswith("List") and "items" in data:
        items = data.get("items") or []
        if not isinstance(items, list):
            yield ReviewInput(label, {}, "items is not a list")
            return
        item_kind = (kind[: -len("List")], data.get("apiVersion")) if kind != "List" else None
        for i, item in enumerate(items):
            yield from _walk(
                item,
                origin,
                f"{where}.items[{i}]".lstrip("."),
                counter=counter,
                inherited=item_kind,
                depth=depth + 1,
            )
        return
    yield ReviewInput(label, admission_review(data, f"regresolve-review-{next(counter):06d}"))
