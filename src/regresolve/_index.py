"""The prefix index: Go's ``FindRegistry`` in time independent of the number of entries.

Theory of operation
-------------------
containers/image v5.34.2 (``findRegistryWithParsedConfig``) walks every ``[[registry]]`` in
prefix-sorted order, keeps each entry whose prefix matches, and replaces the best one only
when ``len(prefix)`` is *strictly* greater.  So the winner is the matching entry with the
longest prefix string, ties going to the entry that sorts first, and an entry whose prefix is
the empty string can never win (its length 0 is never greater than the initial 0).

Which prefixes can match a string ``s``?

* A literal prefix ``P`` (anything not starting with ``*.``) matches iff ``s == P`` or ``s``
  starts with ``P`` followed by ``/``, ``:`` or ``@`` (``refMatchingPrefix``).  So ``P`` is
  ``s[:k]`` for some *boundary* ``k``: ``k == len(s)`` or ``s[k]`` in ``/:@``.  One dict
  lookup per boundary finds every literal candidate.
* A wildcard ``*.S`` matches iff the *first* occurrence of ``.S`` in ``s`` has no ``/``
  before it and is followed by the end or by ``/``, ``:`` or ``@``
  (``refMatchingSubdomainPrefix``).  Validation guarantees ``S`` contains none of ``/:@``,
  so an occurrence starting at a ``.`` at position ``j`` can only end at the first boundary
  after ``j``: the candidate key is ``s[j:e]``, one per ``.`` before the first ``/``, and the
  first-occurrence rule is checked with ``s.find(key) == j``.

Each candidate carries its length and its position in the sorted order, and the best
``(length, -position)`` wins, which is exactly the linear scan's answer.  The cost depends
on the number of ``/ : @ .`` characters in ``s``, never on the number of entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from regresolve._model import Registry

__all__ = ["PrefixIndex", "go_scan"]

_BOUNDARY: Final = frozenset("/:@")


class PrefixIndex:
    """An immutable lookup structure over prefix-sorted registries (built once per config)."""

    __slots__ = ("_literal", "_registries", "_wild")

    def __init__(self, registries: Sequence[Registry]) -> None:
        literal: dict[str, tuple[int, Registry]] = {}
        wild: dict[str, tuple[int, Registry]] = {}
        for pos, reg in enumerate(registries):
            p = reg.prefix
            if p.startswith("*."):
                # The suffix ".S"; the first entry in sorted order wins a duplicate (dedup by
                # prefix makes duplicates impossible after loading, but be exact regardless).
                wild.setdefault(p[1:], (pos, reg))
            elif p:
                literal.setdefault(p, (pos, reg))
        self._literal = literal
        self._wild = wild
        self._registries = tuple(registries)

    @property
    def registries(self) -> tuple[Registry, ...]:
        return self._registries

    def find(self, s: str) -> Registry | None:
        """Go ``FindRegistry`` on the raw string ``s``."""
        best: Registry | None = None
        best_len = 0
        best_pos = 0
        literal = self._literal
        if literal:
            # Longest first: the first literal hit is the best literal.
            k = len(s)
            while k > 0:
                hit = literal.get(s[:k])
                if hit is not None:
                    best_pos, best = hit
                    best_len = k
                    break
                k = max(s.rfind("/", 0, k), s.rfind(":", 0, k), s.rfind("@", 0, k))
        wild = self._wild
        if wild:
            slash = s.find("/")
            end = len(s) if slash < 0 else slash
            j = s.find(".", 0, end)
            while j >= 0:
                # The only place a ".S" starting at j can end: the next boundary (S has none).
                e = end
                c = s.find(":", j, e)
                if c >= 0:
                    e = c
                c = s.find("@", j, e)
                if c >= 0:
                    e = c
                key = s[j:e]
                hit = wild.get(key)
                if hit is not None and s.find(key) == j:
                    length = len(key) + 1
                    pos = hit[0]
                    if length > best_len or (length == best_len and pos < best_pos):
                        best_pos, best = hit
                        best_len = length
                j = s.find(".", j + 1, end)
        return best


def _matching_prefix_len(s: str, prefix: str) -> int:
    """Go ``refMatchingPrefix`` (a plain transcription of the rule, for tests and rewrites)."""
    if prefix.startswith("*."):
        sub = prefix[1:]
        i = s.find(sub)
        if i < 0 or "/" in s[:i]:
            return -1
        i += len(sub)
        if i == len(s) or s[i] in _BOUNDARY:
            return i
        return -1
    if len(s) < len(prefix) or not s.startswith(prefix):
        return -1
    if len(s) == len(prefix) or s[len(prefix)] in _BOUNDARY:
        return len(prefix)
    return -1


def go_scan(registries: Sequence[Registry], s: str) -> Registry | None:
    """The linear scan exactly as Go writes it: the reference model for the index."""
    best: Registry | None = None
    best_len = 0
    for reg in registries:
        if _matching_prefix_len(s, reg.prefix) != -1 and len(reg.prefix) > best_len:
            best = reg
            best_len = len(reg.prefix)
    return best


matching_prefix_len = _matching_prefix_len
