"""The OpenShift objects that shape a node's image configuration, read as ``oc get -o yaml``
(or ``-o json``) prints them.

Recognized kinds (any other kind in a ``List`` is ignored and reported in ``ignored``):

* ``config.openshift.io/v1`` ``Image`` named ``cluster``: ``spec.registrySources`` and
  ``spec.additionalTrustedCA``;
* ``config.openshift.io/v1`` ``ImageDigestMirrorSet`` / ``ImageTagMirrorSet``;
* ``operator.openshift.io/v1alpha1`` ``ImageContentSourcePolicy``;
* ``config.openshift.io/v1`` ``ClusterVersion`` named ``version``: ``status.desired.image``
  (the release payload; needed for the payload exception of ``blockedRegistries``);
* ``ConfigMap`` (CA certificates), the ``Secret`` ``pull-secret``, ``ClusterImagePolicy`` and
  ``ImagePolicy`` (see ``regresolve.openshift._kinds``).

Fields the API server does not know are reported in ``unknown_fields`` (it drops them).

Only the fields the Machine Config Operator reads are extracted; their types are checked as
the API server would (a wrong type is an
[`InvalidOpenShiftObject`][regresolve.InvalidOpenShiftObject] naming the file, the object and
the field).  Lists that are absent stay ``None``: the MCO distinguishes a missing list (Go nil)
from an empty one in a few places.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

import attrs

from regresolve._errors import InvalidOpenShiftObject
from regresolve._manifests import loads
from regresolve.openshift._ctx import OBJECT_FIELDS, Ctx, kind_of
from regresolve.openshift._kinds import (
    ConfigMapObject,
    ImagePolicyObject,
    PullSecretObject,
    config_map,
    image_policy,
    pull_secret,
)
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
        additional_trusted_ca: ``spec.additionalTrustedCA.name`` ("" when not set).
        origin: the file it came from.
    """

    insecure_registries: tuple[str, ...] | None = None
    blocked_registries: tuple[str, ...] | None = None
    allowed_registries: tuple[str, ...] | None = None
    container_runtime_search_registries: tuple[str, ...] | None = None
    additional_trusted_ca: str = ""
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
        config_maps: ConfigMaps, sorted by namespace and name.
        pull_secret: ``openshift-config/pull-secret`` (sealed), or ``None``.
        image_policies: ClusterImagePolicies then ImagePolicies, each sorted by
            (namespace, name).
        unknown_fields: one message per field the API server would drop.
    """

    image: ImageConfig | None = None
    idms: tuple[MirrorObject, ...] = ()
    itms: tuple[MirrorObject, ...] = ()
    icsp: tuple[MirrorObject, ...] = ()
    release_image: str | None = None
    ignored: tuple[str, ...] = ()
    config_maps: tuple[ConfigMapObject, ...] = ()
    pull_secret: PullSecretObject | None = None
    image_policies: tuple[ImagePolicyObject, ...] = ()
    unknown_fields: tuple[str, ...] = ()

    @property
    def cluster_image_policies(self) -> tuple[ImagePolicyObject, ...]:
        return tuple(p for p in self.image_policies if p.kind == "ClusterImagePolicy")

    @property
    def namespaced_image_policies(self) -> tuple[ImagePolicyObject, ...]:
        return tuple(p for p in self.image_policies if p.kind == "ImagePolicy")

    def config_map(self, namespace: str, name: str) -> ConfigMapObject | None:
        """The ConfigMap ``namespace/name`` (one without a namespace matches any)."""
        for cm in self.config_maps:
            if cm.name == name and cm.namespace in (namespace, ""):
                return cm
        return None

    def merged_with(self, other: ClusterImageObjects) -> ClusterImageObjects:
        """Combine two collections (``other`` wins for the singletons it sets)."""
        cms = {(c.namespace, c.name): c for c in (*self.config_maps, *other.config_maps)}
        pols = {
            (p.kind != "ClusterImagePolicy", p.namespace, p.name): p
            for p in (*self.image_policies, *other.image_policies)
        }
        return ClusterImageObjects(
            image=other.image if other.image is not None else self.image,
            idms=_by_name([*self.idms, *other.idms]),
            itms=_by_name([*self.itms, *other.itms]),
            icsp=_by_name([*self.icsp, *other.icsp]),
            release_image=(
                other.release_image if other.release_image is not None else self.release_image
            ),
            ignored=(*self.ignored, *other.ignored),
            config_maps=tuple(cms[k] for k in sorted(cms)),
            pull_secret=other.pull_secret if other.pull_secret is not None else self.pull_secret,
            image_policies=tuple(pols[k] for k in sorted(pols)),
            unknown_fields=(*self.unknown_fields, *other.unknown_fields),
        )


def _by_name(objs: Iterable[MirrorObject]) -> tuple[MirrorObject, ...]:
    # Listers return objects keyed by name; a later object with the same name replaces the
    # earlier one (as ``oc apply`` of the same name would).
    byname: dict[str, MirrorObject] = {}
    for o in objs:
        byname[o.name] = o
    return tuple(byname[n] for n in sorted(byname))


_MIRROR_FIELDS: Final[dict[str, str]] = {
    "ImageDigestMirrorSet": "imageDigestMirrors",
    "ImageTagMirrorSet": "imageTagMirrors",
    "ImageContentSourcePolicy": "repositoryDigestMirrors",
}


def _mirror_object(kind: MirrorKind, name: str, obj: Mapping[str, Any], ctx: Ctx) -> MirrorObject:
    ctx.known(obj, "", OBJECT_FIELDS)
    spec = ctx.mapping(obj.get("spec"), "spec")
    list_field = _MIRROR_FIELDS[kind]
    ctx.known(spec, "spec", {list_field})
    items = spec.get(list_field)
    base = f"spec.{list_field}"
    if items is None:
        items = []
    if not isinstance(items, list):
        raise ctx.error(f"{base} must be a list, got {kind_of(items)}", base)
    rules = []
    for i, item in enumerate(items):
        f = f"{base}[{i}]"
        entry = ctx.mapping(item, f)
        ctx.known(
            entry,
            f,
            ("source", "mirrors")
            if kind == "ImageContentSourcePolicy"
            else ("source", "mirrors", "mirrorSourcePolicy"),
        )
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
    for obj, where in _flatten(_go_strings(data), path):
        res = res.merged_with(_one_object(obj, path, where))
    return res


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _go_strings(value: Any) -> Any:
    """Strings as Go's decoders hold them: a lone surrogate (``"\\ud800"`` in JSON) is
    U+FFFD, so every string is valid UTF-8 (and can be written to a file)."""
    if isinstance(value, str):
        return value if value.isascii() else _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_go_strings(v) for v in value]
    if isinstance(value, Mapping):
        return {_go_strings(k): _go_strings(v) for k, v in value.items()}
    return value


def _flatten(data: Any, path: str, where: str = "") -> Iterable[tuple[Mapping[str, Any], str]]:
    if data is None:
        return
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _flatten(item, path, f"{where}[{i}]")
        return
    if not isinstance(data, Mapping):
        raise InvalidOpenShiftObject(
            f"expected a Kubernetes object or List, got {kind_of(data)}", path=path, field=where
        )
    kind = data.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and "items" in data:
        items = data.get("items") or []
        if not isinstance(items, list):
            raise InvalidOpenShiftObject(
                f"items must be a list, got {kind_of(items)}", path=path, object=kind,
                field=f"{where}.items".lstrip("."),
            )  # fmt: skip
        for i, item in enumerate(items):
            yield from _flatten(item, path, f"{where}.items[{i}]".lstrip("."))
        return
    yield data, where


_IMAGE_SPEC_FIELDS: Final = (
    "allowedRegistriesForImport",
    "externalRegistryHostnames",
    "additionalTrustedCA",
    "registrySources",
    "imageStreamImportMode",
)
_REGISTRY_SOURCES_FIELDS: Final = (
    "insecureRegistries",
    "blockedRegistries",
    "allowedRegistries",
    "containerRuntimeSearchRegistries",
)


def _one_object(obj: Mapping[str, Any], path: str, where: str) -> ClusterImageObjects:
    kind = obj.get("kind")
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    namespace = meta.get("namespace") if isinstance(meta, Mapping) else None
    ns = f"{namespace}/" if isinstance(namespace, str) and namespace else ""
    label = f"{kind}/{ns}{name}" if name is not None else f"{kind} {where}".strip()
    ctx = Ctx(path, label)
    if not isinstance(kind, str):
        raise ctx.error("Object 'Kind' is missing", "kind")
    res = _dispatch(kind, name, obj, ctx, label)
    if ctx.unknown_fields:
        res = attrs.evolve(res, unknown_fields=tuple(ctx.unknown_fields))
    return res


def _dispatch(
    kind: str, name: Any, obj: Mapping[str, Any], ctx: Ctx, label: str
) -> ClusterImageObjects:
    path = ctx.path
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
        ctx.known(obj, "", OBJECT_FIELDS)
        spec = ctx.mapping(obj.get("spec"), "spec")
        ctx.known(spec, "spec", _IMAGE_SPEC_FIELDS)
        rs = ctx.mapping(spec.get("registrySources"), "spec.registrySources")
        ctx.known(rs, "spec.registrySources", _REGISTRY_SOURCES_FIELDS)
        ca = ctx.mapping(spec.get("additionalTrustedCA"), "spec.additionalTrustedCA")
        ctx.known(ca, "spec.additionalTrustedCA", ("name",))
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
                additional_trusted_ca=ctx.string(ca.get("name"), "spec.additionalTrustedCA.name"),
                origin=path,
            )
        )
    if kind == "ClusterVersion" and name == "version":
        status = ctx.mapping(obj.get("status"), "status")
        desired = ctx.mapping(status.get("desired"), "status.desired")
        image = ctx.string(desired.get("image"), "status.desired.image")
        return ClusterImageObjects(release_image=image)
    if kind == "ConfigMap" and _group(obj, "") == "":
        return ClusterImageObjects(config_maps=(config_map(obj, ctx),))
    if kind == "Secret" and _group(obj, "") == "" and name == "pull-secret":
        secret = pull_secret(obj, ctx)
        if secret.namespace in ("", "openshift-config"):
            return ClusterImageObjects(pull_secret=secret)
    if kind in ("ClusterImagePolicy", "ImagePolicy") and _group(obj) == "config.openshift.io":
        return ClusterImageObjects(image_policies=(image_policy(kind, obj, ctx),))  # type: ignore[arg-type]
    return ClusterImageObjects(ignored=(label,))


def _group(obj: Mapping[str, Any], default: str = "config.openshift.io") -> str:
    api = obj.get("apiVersion")
    if not isinstance(api, str):
        return default  # tolerate hand-written objects without apiVersion
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


def _without_snippets(message: str) -> str:
    # PyYAML quotes the offending line of the file (indented by four spaces, then a caret
    # line).  The file may hold a Secret, so the quote is left out; line and column stay.
    return "\n".join(line for line in message.splitlines() if not line.startswith("    "))


def _objects_from_text(text: str, path: str) -> ClusterImageObjects:
    data = loads(
        text, lambda message: InvalidOpenShiftObject(_without_snippets(message), path=path)
    )
    return objects_from_data(data, path=path)
