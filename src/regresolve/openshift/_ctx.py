"""Reading one decoded Kubernetes object: typed field access with the field path in errors,
and the list of fields each kind knows (anything else is reported, never silently dropped).

The API server prunes fields its schema does not know before anything else sees the object,
so an unknown field (``imageDigestMirror`` for ``imageDigestMirrors``) does nothing on a
cluster.  `Ctx.unknown` records such fields with the closest known name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Final

from regresolve._creds import go_base64_decode
from regresolve._errors import InvalidOpenShiftObject
from regresolve._gojson import GoJSONError

__all__ = ["Ctx", "kind_of"]

#: Top-level fields of every object.
OBJECT_FIELDS: Final = frozenset({"apiVersion", "kind", "metadata", "spec", "status"})


def kind_of(value: Any) -> str:
    """A JSON type name for messages (never the value itself: it may be a secret)."""
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


class Ctx:
    """Where we are (file, ``Kind/name``) while reading one object."""

    def __init__(self, path: str, obj: str) -> None:
        self.path = path
        self.obj = obj
        self.unknown_fields: list[str] = []

    def error(self, msg: str, field: str = "") -> InvalidOpenShiftObject:
        return InvalidOpenShiftObject(msg, path=self.path, object=self.obj, field=field)

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.error(f"{field} must be an object, got {kind_of(value)}", field)
        return value

    def strings(self, value: Any, field: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.error(f"{field} must be a list of strings, got {kind_of(value)}", field)
        for i, v in enumerate(value):
            if not isinstance(v, str):
                raise self.error(
                    f"{field}[{i}] must be a string, got {kind_of(v)}", f"{field}[{i}]"
                )
        return tuple(value)

    def string(self, value: Any, field: str, *, required: bool = False) -> str:
        if value is None:
            if required:
                raise self.error(f"Required value: {field}", field)
            return ""
        if not isinstance(value, str):
            raise self.error(f"{field} must be a string, got {kind_of(value)}", field)
        return value

    def data(self, value: Any, field: str) -> bytes | None:
        """A Go ``[]byte`` field: base64 text in JSON/YAML (``None``: absent or null)."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"{field} must be base64 text, got {kind_of(value)}", field)
        try:
            return go_base64_decode(value.encode("utf-8"))
        except GoJSONError as e:
            raise self.error(f"{field}: {e}", field) from None

    def known(self, obj: Mapping[str, Any], field: str, names: Iterable[str]) -> None:
        """Record every key of ``obj`` (at ``field``) that is not in ``names``."""
        allowed = list(names)
        for key in obj:
            if key in allowed:
                continue
            where = f"{field}.{key}" if field else str(key)
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            self.unknown_fields.append(
                f"{self.obj}: unknown field {where}{hint}"
                + (f" in {self.path}" if self.path else "")
                + ": the API server drops it, so it does nothing"
            )
