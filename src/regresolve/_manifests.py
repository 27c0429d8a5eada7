"""Kubernetes manifests as text: JSON, or YAML with any number of documents.

Both the OpenShift reader (``oc get -o yaml``) and ``regresolve review`` (``kubectl get -o
yaml``, hand-written manifests) decode their input here, with one set of safety rules:

* JSON needs nothing beyond the standard library; YAML needs PyYAML, imported only when the
  text is not JSON;
* YAML is read with the safe loader and **without anchors or aliases**: ``kubectl`` and
  ``oc`` never write them, and expanding them is the "billion laughs" attack;
* nesting deeper than the parsers can recurse is an error, not a crash.

Nothing here reads a file: callers pass the text (read through :mod:`regresolve._files`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from regresolve._errors import RegresolveError

__all__ = ["loads"]

#: Builds the caller's exception from a message (each front end has its own error type).
MakeError = Callable[[str], RegresolveError]


def loads(text: str, make_error: MakeError) -> Any:
    """Decode manifest text.

    Returns:
        for JSON text, the decoded value; for YAML, the list of its documents (empty
        documents left out).

    Raises:
        RegresolveError: what ``make_error`` builds, for invalid JSON/YAML, YAML aliases,
            excessive nesting, or YAML without PyYAML installed.
    """
    try:
        return _loads(text, make_error)
    except RecursionError:
        raise make_error("objects are nested too deeply") from None


def _loads(text: str, make_error: MakeError) -> Any:
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style also starts with { or [; let the YAML parser decide.
    try:
        import yaml  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415 - optional
    except ImportError:
        raise make_error(
            "reading YAML needs PyYAML (pip install pyyaml); JSON (-o json) works without it"
        ) from None

    class _NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases are not supported", event.start_mark
                )
            return super().compose_node(parent, index)

    try:
        docs = list(yaml.load_all(text, Loader=_NoAliasLoader))
    except yaml.YAMLError as e:
        raise make_error(f"invalid YAML: {e}") from e
    return [d for d in docs if d is not None]
