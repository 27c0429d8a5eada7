"""What the tests need from Python versions newer than 3.9, the oldest one they run on.

``strict_zip(a, b, ...)`` is ``zip(a, b, ..., strict=True)`` (Python 3.10+): it raises
``ValueError`` when one iterable ends before the others, so a comparison with an oracle
answer that is shorter or longer than the question fails instead of passing on a prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["strict_zip"]

_END = object()


def strict_zip(*iterables: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """``zip(*iterables, strict=True)`` on every Python version."""
    iterators = [iter(it) for it in iterables]
    if not iterators:
        return
    while True:
        items = tuple(next(it, _END) for it in iterators)
        ended = [item is _END for item in items]
        if all(ended):
            return
        if any(ended):
            first = ended.index(True) + 1
            raise ValueError(f"strict_zip: argument {first} ended before the others")
        yield items
