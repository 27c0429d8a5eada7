"""The prefix index: Go's ``FindRegistry`` in time independent of the number of entries.

Theory of operation
-------------------
containers/image v5.34.2 (``findRegistryWithParsedConfig``) walks every ``[[registry]]`` in
its stored (prefix-sorted) order, keeps each entry whose prefix matches, and replaces the
best one only when ``len(prefix)`` is *strictly* greater.  So the winner is the matching
entry with the longest prefix string, ties going to the entry stored first, and an entry
whose prefix is the empty string can never win (0 is never greater than the initial 0).

Which prefixes can match a string ``s``?

* A literal prefix ``P`` (anything not starting with ``*.``) matches iff ``s == P`` or ``s``
  starts with ``P`` followed by ``/``, ``:`` or ``@`` (``refMatchingPrefix``).  So ``P`` is
  ``s[:k]`` for some *boundary* ``k``: ``k == len(s)`` or ``s[k]`` in ``/:@``.  One dict
  lookup per boundary, longest first, finds the best literal; literal keys are distinct, so
  there is at most one literal candidate per length.
* A wildcard ``*.S`` matches iff the *first* occurrence of ``.S`` in ``s`` has no ``/``
  before it and is followed by the end or by ``/``, ``:`` or ``@``.  When ``S`` contains
  none of ``/:@`` (which validation guarantees), an occurrence starting at position ``j``
  (a ``.``) can only end at the first boundary after ``j``.  So keys end at the ``:``/``@``
  boundaries of the host part (or at its end), and only the key lengths present in the
  index need trying: ``s[e - L:e]`` for each such end ``e`` and length ``L``, accepted when
  it starts with ``.`` and ``s.find(key) == j`` (the first-occurrence rule).
  Wildcards that contain ``/:@`` (only possible for a hand-built, unvalidated
  [`RegistriesConf`][regresolve.RegistriesConf]) are kept in a short list and checked directly.

Each candidate carries its length and its stored position; the best ``(length,
-position)`` is exactly the linear scan's answer.  The cost depends on the number of
``/ : @ .`` characters in ``s``, never on the number of entries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from regresolve._model import Registry

__all__ = ["PrefixIndex"]

# (position in stored order, entry)
_Hit = tuple[int, Registry]


def _odd_wildcard_end(s: str, sub: str) -> int:
    """``refMatchingSubdomainPrefix`` for a suffix that may contain ``/:@`` (rare)."""
    i = s.find(sub)
    if i < 0 or "/" in s[:i]:
        return -1
    i += len(sub)
    if i == len(s) or s[i] in "/:@":
        return i
    return -1


_HOST_BOUNDARY: Final = re.compile(r"[:@]")


class PrefixIndex:
    """An immutable lookup structure over a configuration's registries (built once)."""

    __slots__ = ("_literal", "_max_literal", "_odd", "_registries", "_wild", "_wild_lengths")

    def __init__(self, registries: Sequence[Registry]) -> None:
        literal: dict[str, _Hit] = {}
        wild: dict[str, _Hit] = {}
        odd: list[tuple[str, int, Registry]] = []
        for pos, reg in enumerate(registries):
            p = reg.prefix
            if p.startswith("*."):
                sub = p[1:]
                if "/" in sub or ":" in sub or "@" in sub:
                    odd.append((sub, pos, reg))
                else:
                    # setdefault: of two equal prefixes the one stored first wins the tie.
                    wild.setdefault(sub, (pos, reg))
            elif p:
                literal.setdefault(p, (pos, reg))
        self._literal = literal
        self._max_literal = max(map(len, literal), default=0)
        self._wild = wild
        self._wild_lengths = tuple(sorted({len(k) for k in wild}))
        self._odd = tuple(odd)
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
            # Boundaries in descending order; the first hit is the best literal.
            colon = ":" in s
            at = "@" in s
            k = len(s)
            if k > self._max_literal:
                k = self._max_literal + 1  # a boundary must be at or below the longest key
                k = _prev_boundary(s, k, colon, at)
            while k > 0:
                hit = literal.get(s[:k])
                if hit is not None:
                    best_pos, best = hit
                    best_len = k
                    break
                k = _prev_boundary(s, k, colon, at)
        wild = self._wild
        if wild and "." in s:
            slash = s.find("/")
            host_end = len(s) if slash < 0 else slash
            # A key ".S" has none of "/:@", so it lies inside one segment of the host part
            # between ':'/'@' boundaries and ends exactly at the segment's end.  Only the
            # key lengths present in the index are tried: linear in len(s), however many
            # dots an adversarial host has.
            if ":" in s or "@" in s:
                ends = [m.start() for m in _HOST_BOUNDARY.finditer(s, 0, host_end)]
                ends.append(host_end)
            else:
                ends = [host_end]
            seg_start = 0
            for e in ends:
                for length in self._wild_lengths:
                    j = e - length
                    if j < seg_start or s[j] != ".":
                        continue
                    key = s[j:e]
                    hit = wild.get(key)
                    if hit is None or s.find(key) != j:
                        continue
                    total = length + 1  # len("*" + key)
                    pos = hit[0]
                    if total > best_len or (total == best_len and pos < best_pos):
                        best_pos, best = hit
                        best_len = total
                seg_start = e + 1
        for sub, pos, reg in self._odd:
            if _odd_wildcard_end(s, sub) >= 0:
                length = len(sub) + 1
                if length > best_len or (length == best_len and pos < best_pos):
                    best, best_len, best_pos = reg, length, pos
        return best


def _prev_boundary(s: str, k: int, colon: bool, at: bool) -> int:
    """The largest boundary position below ``k`` (``-1`` when there is none)."""
    b = s.rfind("/", 0, k)
    if colon:
        c = s.rfind(":", 0, k)
        b = max(b, c)
    if at:
        c = s.rfind("@", 0, k)
        b = max(b, c)
    return b
