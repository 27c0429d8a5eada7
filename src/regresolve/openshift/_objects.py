"""The OpenShift objects that shape a node's image configuration, read as ``oc get -o yaml``
(or ``-o json``) prints them.

Recognized kinds (any other kind in a ``List`` is ignored and reported in ``ignored``):

* ``config.openshift.io/v1`` ``Image`` named ``cluster``: ``spec.registrySources``;
* ``config.openshift.io/v1`` ``ImageDigestMirrorSet`` / ``ImageTagMirrorSet``;
* ``operator.openshift.io/v1alpha1`` ``ImageContentSourcePolicy``;
* ``config.openshift.io/v1`` ``ClusterVersion`` named ``version``: ``status.desired.image``
  (the release payload; needed for the payload exception of ``blockedRegistries``).

Only the fields the Machine Config Operator reads are extracted; their types are checked as
the API server would (a wrong type is an
[`InvalidOpenShiftObject`][regresolve.InvalidOpenShiftObject] naming the file, the object and
the field).  Lists that are absent stay ``None``: the MCO distinguishes a missing list (Go nil)
from an empty one in a few places.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs

from regresolve._errors import InvalidOpenShiftObject
from regresolve._manifests import loads
from regresolve.openshift._registries import MirrorRule

__all__ = [
    "ClusterImageObjects",
    "ImageConfig",
    "InvalidOpenShiftObject",
    "MirrorObject",
    "objects_from_data",
    "objects_from_text",
]

MirrorKind = Literal["ImageDigestMirrorSet", "ImageTagMirrorSet", "ImageContentSourcePolicy"]

_POLICIES: Final = ("NeverContactSource", "AllowContactingSource")


@attrs.frozen
class ImageConfig:
    """``images.config.openshift.io/cluster`` ``spec.registrySources`` (``None`` = absent).

    Attributes:
        insecure_registries: ``insecureRegistries``.
        blocked_registries: ``blockedRegistries``.
        allowed_registries: ``allowedRegistries``.
        container_runtime_search_registries: ``containerRuntimeSearchRegistries``.
        origin: the file it came from.
    """

    insecure_registries: tuple[str, ...] | None = None
    blocked_registries: tuple[str, ...] | None = None
    allowed_registries: tuple[str, ...] | None = None
    container_runtime_search_registries: tuple[str, ...] | None = None
    origin: str = attrs.field(default="", eq=False)


@attrs.frozen
class MirrorObject:
    """One ImageDigestMirrorSet, ImageTagMirrorSet or ImageContentSourcePolicy.

    Attributes:
        kind: the object's kind.
        name: ``metadata.name``.
        rules: its entries in order (an ICSP entry never carries a ``mirrorSourcePolicy``).
        origin: the file it came from.
    """

    kind: MirrorKind
    name: str
    rules: tuple[MirrorRule, ...]
    origin: str = attrs.field(default="", eq=False)


@attrs.frozen
class ClusterImageObjects:
    """Everything the MCO reads to render a node's registries.conf and policy.json.

    Attributes:
        image: the ``Image`` named ``cluster`` (``None`` when not given).
        idms: ImageDigestMirrorSets, sorted by name.
        itms: ImageTagMirrorSets, sorted by name.
        icsp: ImageContentSourcePolicies, sorted by name.
        release_image: ``ClusterVersion/version`` ``status.desired.image`` (or ``None``).
        ignored: ``Kind/name`` of objects that were read but play no part.
    """

    image: ImageConfig | None = None
    idms: tuple[MirrorObject, ...] = ()
    itms: tuple[MirrorObject, ...] = ()
    icsp: tuple[MirrorObject, ...] = ()
    release_image: str | None = None
    ignored: tuple[str, ...] = ()

    def merged_with(self, other: ClusterImageObjects) -> ClusterImageObjects:
        """Combine two collections (``other`` wins for the singletons it sets)."""
        return ClusterImageObjects(
            image=other.image if other.image is not None else self.image,
            idms=_by_name([*self.idms, *other.idms]),
            itms=_by_name([*self.itms, *other.itms]),
            icsp=_by_name([*self.icsp, *other.icsp]),
            release_image=(
                other.release_image if other.release_image is not None else self.release_image
            ),
            ignored=(*self.ignored, *other.ignored),
        )


def _by_name(objs: Iterable[MirrorObject]) -> tuple[MirrorObject, ...]:
    # Listers return objects keyed by name; a later object with the same name replaces the
    # earlier one (as ``oc apply`` of the same name would).
    byname: dict[str, MirrorObject] = {}
    for o in objs:
        byname[o.name] = o
    return tuple(byname[n] for n in sorted(byname))


class _Ctx:
    def __init__(self, path: str, obj: str) -> None:
        self.path = path
        self.obj = obj

    def error(self, msg: str, field: str = "") -> InvalidOpenShiftObject:
        return InvalidOpenShiftObject(msg, path=self.path, object=self.obj, field=field)

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.error(f"{field} must be an object, got {_kind(value)}", field)
        return value

    def strings(self, value: Any, field: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(f"{field} must be a list of strings, got {_kind(value)}", field)
        for i, v in enumerate(value):
            if not isinstance(v, str):
                raise self.error(f"{field}[{i}] must be a string, got {_kind(v)}", f"{field}[{i}]")
        return tuple(value)

    def string(self, value: Any, field: str, *, required: bool = False) -> str:
        if value is None:
            if required:
                raise self.error(f"Required value: {field}", field)
            return ""
        if not isinstance(value, str):
            raise self.error(f"{field} must be a string, got {_kind(value)}", field)
        return value


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


_MIRROR_FIELDS: Final[dict[str, str]] = {
    "ImageDigestMirrorSet": "imageDigestMirrors",
    "ImageTagMirrorSet": "imageTagMirrors",
    "ImageContentSourcePolicy": "repositoryDigestMirrors",
}


def _mirror_object(kind: MirrorKind, name: str, obj: Mapping[str, Any], ctx: _Ctx) -> MirrorObject:
    spec = ctx.mapping(obj.get("spec"), "spec")
    list_field = _MIRROR_FIELDS[kind]
    items = spec.get(list_field)
    base = f"spec.{list_field}"
    if items is None:
        items = []
    if not isinstance(items, list):
        raise ctx.error(f"{base} must be a list, got {_kind(items)}", base)
    rules = []
    for i, item in enumerate(items):
        f = f"{base}[{i}]"
        entry = ctx.mapping(item, f)
        source = ctx.string(entry.get("source"), f + ".source", required=True)
        mirrors = ctx.strings(entry.get("mirrors"), f + ".mirrors") or ()
        policy = ""
        if kind != "ImageContentSourcePolicy":
            policy = ctx.string(entry.get("mirrorSourcePolicy"), f + ".mirrorSourcePolicy")
            if policy and policy not in _POLICIES:
                raise ctx.error(
                    f'Unsupported value: "{policy}": supported values: "NeverContactSource", '
                    '"AllowContactingSource"',
                    f + ".mirrorSourcePolicy",
                )
        rules.append(MirrorRule(source, mirrors, policy))  # type: ignore[arg-type]
    return MirrorObject(kind, name, tuple(rules), origin=ctx.path)


def objects_from_data(data: Any, *, path: str = "") -> ClusterImageObjects:
    """Collect the objects in a decoded document: one object, a ``List``, or a list of them.

    Raises:
        InvalidOpenShiftObject: a malformed object.
    """
    res = ClusterImageObjects()
    for obj, where in _flatten(data, path):
        res = res.merged_with(_one_object(obj, path, where))
    return res


def _flatten(data: Any, path: str, where: str = "") -> Iterable[tuple[Mapping[str, Any], str]]:
    if data is None:
        return
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _flatten(item, path, f"{where}[{i}]")
        return
    if not isinstance(data, Mapping):
        raise InvalidOpenShiftObject(
            f"expected a Kubernetes object or List, got {_kind(data)}", path=path, field=where
        )
    kind = data.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and "items" in data:
        items = data.get("items") or []
        if not isinstance(items, list):
            raise InvalidOpenShiftObject(
                f"items must be a list, got {_kind(items)}", path=path, object=kind,
                field=f"{where}.items".lstrip("."),
            )  # fmt: skip
        for i, item in enumerate(items):
            yield from _flatten(item, path, f"{where}.items[{i}]".lstrip("."))
        return
    yield data, where


def _one_object(obj: Mapping[str, Any], path: str, where: str) -> ClusterImageObjects:
    kind = obj.get("kind")
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    label = f"{kind}/{name}" if name is not None else f"{kind} {where}".strip()
    ctx = _Ctx(path, label)
    if not isinstance(kind, str):
        raise ctx.error("Object 'Kind' is missing", "kind")
    if kind in _MIRROR_FIELDS:
        if not isinstance(name, str) or not name:
            raise ctx.error("metadata.name: Required value: name is required", "metadata.name")
        mo = _mirror_object(kind, name, obj, ctx)  # type: ignore[arg-type]
        if kind == "ImageDigestMirrorSet":
            return ClusterImageObjects(idms=(mo,))
        if kind == "ImageTagMirrorSet":
            return ClusterImageObjects(itms=(mo,))
        return ClusterImageObjects(icsp=(mo,))
    if kind == "Image" and name == "cluster" and _group(obj) == "config.openshift.io":
        spec = ctx.mapping(obj.get("spec"), "spec")
        rs = ctx.mapping(spec.get("registrySources"), "spec.registrySources")
        f = "spec.registrySources."
        return ClusterImageObjects(
            image=ImageConfig(
                insecure_registries=ctx.strings(
                    rs.get("insecureRegistries"), f + "insecureRegistries"
                ),
                blocked_registries=ctx.strings(
                    rs.get("blockedRegistries"), f + "blockedRegistries"
                ),
                allowed_registries=ctx.strings(
                    rs.get("allowedRegistries"), f + "allowedRegistries"
                ),
                container_runtime_search_registries=ctx.strings(
                    rs.get("containerRuntimeSearchRegistries"),
                    f + "containerRuntimeSearchRegistries",
                ),
                origin=path,
            )
        )
    if kind == "ClusterVersion" and name == "version":
        status = ctx.mapping(obj.get("status"), "status")
        desired = ctx.mapping(status.get("desired"), "status.desired")
        image = ctx.string(desired.get("image"), "status.desired.image")
        return ClusterImageObjects(release_image=image)
    return ClusterImageObjects(ignored=(label,))


def _group(obj: Mapping[str, Any]) -> str:
    api = obj.get("apiVersion")
    if not isinstance(api, str):
        return "config.openshift.io"  # tolerate hand-written objects without apiVersion
    return api.split("/", 1)[0] if "/" in api else ""


def objects_from_text(text: str, *, path: str = "") -> ClusterImageObjects:
    """Parse ``oc get -o yaml`` / ``-o json`` output (several YAML documents allowed).

    JSON needs nothing beyond the standard library.  YAML needs PyYAML, imported only when
    the text is not JSON; without it an
    [`InvalidOpenShiftObject`][regresolve.InvalidOpenShiftObject] says so.  YAML anchors and
    aliases are refused (``oc`` never writes them, and expanding them is the "billion laughs"
    attack), and so is nesting deeper than the parsers can recurse.
    """
    try:
        return _objects_from_text(text, path)
    except RecursionError:
        raise InvalidOpenShiftObject("objects are nested too deeply", path=path) from None


def _objects_from_text(text: str, path: str) -> ClusterImageObjects:
    data = loads(text, lambda message: InvalidOpenShiftObject(message, path=path))
    return objects_from_data(data, path=path)
