"""Scope predicates of openshift/runtime-utils ``pkg/registries`` and the MCO's format checks.

A *scope* is what OpenShift's lists and mirror sources hold: ``host[:port][/ns...]`` or a
``*.domain`` wildcard.  These predicates are the OpenShift side of the story; note that
`scope_is_nested_inside_scope` uses a plain suffix test for wildcards, which is *not*
how containers/image matches ``*.`` prefixes on the node (R-MATCH: first occurrence of the
domain).  Both behaviours are reproduced where each applies.
"""

from __future__ import annotations

import re
from typing import Final

from regresolve._gotext import go_quote  # Go's %q (also %#v for a string)

__all__ = [
    "MIRROR_RE",
    "SOURCE_RE",
    "go_quote",
    "is_valid_registries_conf_scope",
    "scope_is_nested_inside_scope",
]


def scope_is_nested_inside_scope(sub: str, sup: str) -> bool:
    """runtime-utils ``ScopeIsNestedInsideScope``: is ``sub`` inside ``sup``?

    Equal scopes nest; ``sub`` nests in a non-wildcard ``sup`` when it continues it with
    ``/``; for ``sup = "*.d"`` the *host* of ``sub`` must end with ``.d`` (the host is the
    part before ``:`` when ``sub`` has a ``:`` and that part has no ``/``, else the part
    before the first ``/``).
    """
    if sub == sup:
        return True
    if len(sub) > len(sup) and sub.startswith(sup) and sub[len(sup)] == "/":
        return True
    if sup.startswith("*."):
        if ":" in sub:
            host = sub.split(":", 1)[0]
            return host.endswith(sup[1:]) and "/" not in host
        return sub.split("/", 1)[0].endswith(sup[1:])
    return False


def is_valid_registries_conf_scope(scope: str) -> bool:
    """runtime-utils ``IsValidRegistriesConfScope`` (rule V1)."""
    if not scope:
        return False
    if "*" not in scope:
        return True
    return scope.startswith("*.") and not any(c in scope[2:] for c in "/@:*")


# The MCO's ``sourceRegex`` / ``mirrorRegex`` (copies of the IDMS/ITMS CRD patterns).  Two
# rewrites keep Python's backtracking engine linear without changing the language: a label
# ``[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`` is written ``[a-zA-Z0-9](?:[a-zA-Z0-9-]*
# [a-zA-Z0-9])?``, and the path separator ``(?:[._]|__|[-]*)`` is written with ``[-]+`` (an
# empty separator only splits a run of ``[a-z0-9]`` that the component already matches).
_LABEL: Final = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
_HOST: Final = rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]+)?"
_PATH: Final = r"(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*"
_WILDCARD: Final = rf"\*(?:\.{_LABEL})+"

#: ``mirrorRegex``: ``host[:port][/path]``.
MIRROR_RE: Final = re.compile(_HOST + _PATH, re.ASCII)
#: ``sourceRegex``: a ``*.domain`` wildcard, or what ``MIRROR_RE`` accepts.
SOURCE_RE: Final = re.compile(rf"{_WILDCARD}|{_HOST}{_PATH}", re.ASCII)
