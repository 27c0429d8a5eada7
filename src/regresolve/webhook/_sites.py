"""Where a Pod or workload names its images, and how messages quote untrusted text.

Pure functions: an object (a dict decoded from JSON) in, the places of its images out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

__all__ = [
    "UNPRINTABLE",
    "WORKLOAD_KINDS",
    "WORKLOAD_TEMPLATE",
    "ImageSite",
    "Malformed",
    "clip",
    "escape",
    "images_in",
    "images_of",
    "kind_of",
    "quote",
    "unique",
]

#: Where each kind keeps its pod spec.
WORKLOAD_TEMPLATE: Final = {
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
UNPRINTABLE = re.compile(r"[^\x20-\x7e]", re.ASCII)

#: The kinds whose objects hold a pod spec.
WORKLOAD_KINDS: Final = frozenset(WORKLOAD_TEMPLATE)


class Malformed(Exception):
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
        return images_in(kind, obj)
    except Malformed as err:
        raise ValueError(str(err)) from None


def images_in(kind: str, obj: Mapping[str, Any]) -> list[ImageSite]:
    path = WORKLOAD_TEMPLATE.get(kind)
    if path is None:
        return []
    node: Any = obj
    walked: list[str] = []
    for key in path:
        if not isinstance(node, Mapping):
            raise Malformed(f"{'.'.join(walked) or 'object'} is not an object")
        node = node.get(key)
        walked.append(key)
        if node is None:
            return []  # absent template/spec: nothing to judge (validation rejects it anyway)
    if not isinstance(node, Mapping):
        raise Malformed(f"{'.'.join(walked)} is not an object")
    base = "/" + "/".join(path)
    sites: list[ImageSite] = []
    for list_name in _CONTAINER_LISTS:
        containers = node.get(list_name)
        if containers is None:
            continue
        if not isinstance(containers, list):
            raise Malformed(f"{'.'.join(walked)}.{list_name} is not a list")
        for i, container in enumerate(containers):
            if not isinstance(container, Mapping):
                raise Malformed(f"{'.'.join(walked)}.{list_name}[{i}] is not an object")
            image = container.get("image")
            if image is None or image == "":
                continue  # templates may leave it to config management; Pod validation refuses
            if not isinstance(image, str):
                raise Malformed(f"{'.'.join(walked)}.{list_name}[{i}].image is not a string")
            name = container.get("name")
            label = f"{list_name}[{i}]"
            if isinstance(name, str) and name:
                label += f" {quote(name, 63)}"
            sites.append(ImageSite(f"{base}/{list_name}/{i}/image", label, image))
    volumes = node.get("volumes")
    if volumes is not None:
        if not isinstance(volumes, list):
            raise Malformed(f"{'.'.join(walked)}.volumes is not a list")
        for i, volume in enumerate(volumes):
            if not isinstance(volume, Mapping):
                raise Malformed(f"{'.'.join(walked)}.volumes[{i}] is not an object")
            source = volume.get("image")
            if source is None:
                continue
            if not isinstance(source, Mapping):
                raise Malformed(f"{'.'.join(walked)}.volumes[{i}].image is not an object")
            ref = source.get("reference")
            if ref is None or ref == "":
                continue
            if not isinstance(ref, str):
                raise Malformed(f"{'.'.join(walked)}.volumes[{i}].image.reference is not a string")
            name = volume.get("name")
            label = f"volumes[{i}]" + (f" {quote(name, 63)}" if isinstance(name, str) else "")
            sites.append(ImageSite(f"{base}/volumes/{i}/image/reference", label, ref))
    return sites


def kind_of(request: Mapping[str, Any], obj: Mapping[str, Any]) -> str:
    kind = request.get("kind")
    if isinstance(kind, Mapping) and isinstance(kind.get("kind"), str):
        return str(kind["kind"])
    obj_kind = obj.get("kind")
    return obj_kind if isinstance(obj_kind, str) else ""


def quote(text: str, limit: int) -> str:
    """Quote untrusted text for a message: control characters escaped, length bounded."""
    if len(text) > limit:
        text = text[:limit] + "..."
    return '"' + UNPRINTABLE.sub(escape, text) + '"'


def escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def clip(text: str, limit: int) -> str:
    text = UNPRINTABLE.sub(escape, text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
