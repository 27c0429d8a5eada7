"""The API server's validation of ``images.config.openshift.io`` (openshift/api 2a3d7391,
``config/v1/types_image.go`` and its generated CRD).

Current clusters refuse an ``Image`` before the Machine Config Operator sees it when:

* ``spec.registrySources`` sets both ``blockedRegistries`` and ``allowedRegistries``
  (the CEL rule ``has(self.blockedRegistries) ? !has(self.allowedRegistries) : true``; a list
  that is present but empty counts as set);
* ``insecureRegistries``, ``blockedRegistries`` or ``allowedRegistries`` has more than 1024
  items, or an item that is empty, longer than 256 characters, or not
  ``host[:port][/path]`` / ``*.domain`` (so no tag or digest: the pattern the mirror sets
  use for their sources);
* ``containerRuntimeSearchRegistries`` is present but empty, or repeats an item
  (``x-kubernetes-list-type: set``).  Its ``format: hostname`` sits on the list, not on the
  items, so it checks nothing.

Messages are the API server's (``<field>: Invalid value: ...``), and the whole refusal reads
``Image.config.openshift.io "cluster" is invalid: ...``.  Validation ratcheting (an update
that keeps an invalid value already stored is accepted) is not modelled: objects are checked
as if created.
"""

from __future__ import annotations

from typing import Final

from regresolve._errors import InvalidOpenShiftObject
from regresolve.openshift._objects import ImageConfig
from regresolve.openshift._scopes import SOURCE_RE, go_quote

__all__ = ["image_validation_errors", "validate_image"]

_MAX_ITEMS: Final = 1024
_MAX_LENGTH: Final = 256
_ITEM_MESSAGE: Final = (
    "each registry must be a valid hostname[:port][/path] or wildcard *.hostname format "
    "without tags or digests"
)
_BOTH: Final = "Only one of blockedRegistries or allowedRegistries may be set"


def image_validation_errors(image: ImageConfig) -> list[str]:
    """Every error the API server reports for this ``Image`` (empty: accepted)."""
    errors: list[str] = []
    base = "spec.registrySources"
    lists = (
        ("insecureRegistries", image.insecure_registries),
        ("blockedRegistries", image.blocked_registries),
        ("allowedRegistries", image.allowed_registries),
    )
    cel: list[str] = []
    for name, items in lists:
        if items is None:
            continue
        field = f"{base}.{name}"
        if len(items) > _MAX_ITEMS:
            errors.append(f"{field}: Too many: {len(items)}: must have at most {_MAX_ITEMS} items")
        for i, item in enumerate(items):
            f = f"{field}[{i}]"
            if len(item) < 1:
                errors.append(
                    f"{f}: Invalid value: {go_quote(item)}: {f} in body should be at least 1 "
                    "chars long"
                )
            if len(item) > _MAX_LENGTH:
                errors.append(
                    f"{f}: Invalid value: {go_quote(item)}: {f} in body should be at most "
                    f"{_MAX_LENGTH} chars long"
                )
            if not SOURCE_RE.fullmatch(item):
                cel.append(f'{f}: Invalid value: "string": {_ITEM_MESSAGE}')
    search = image.container_runtime_search_registries
    if search is not None:
        field = f"{base}.containerRuntimeSearchRegistries"
        if len(search) < 1:
            errors.append(
                f"{field}: Invalid value: 0: {field} in body should have at least 1 items"
            )
        seen: set[str] = set()
        for i, item in enumerate(search):
            if item in seen:
                errors.append(f"{field}[{i}]: Duplicate value: {go_quote(item)}")
            seen.add(item)
    if image.blocked_registries is not None and image.allowed_registries is not None:
        cel.append(f'{base}: Invalid value: "object": {_BOTH}')
    return errors + cel


def validate_image(image: ImageConfig) -> None:
    """Refuse the ``Image`` as the API server would.

    Raises:
        InvalidOpenShiftObject: ``Image.config.openshift.io "cluster" is invalid: ...``
            (several errors in brackets, separated by ``, ``).
    """
    errors = image_validation_errors(image)
    if not errors:
        return
    detail = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    raise InvalidOpenShiftObject(
        f'Image.config.openshift.io "cluster" is invalid: {detail}',
        object="Image/cluster",
        field="spec.registrySources",
        path=image.origin,
    )
