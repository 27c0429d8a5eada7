"""Values built from files and rebuilt when the files change, keeping the last good one.

:class:`regresolve.Reloader` does this for registries.conf; the server needs the same for two
more inputs: policy.json and the certificate/key pair (cert-manager and the kubelet replace
both files of a Secret volume at once, through a symlink swap).  A change is noticed from the
files' metadata (``os.stat``: device, inode, size, modification and change times), as the
Reloader notices its own; the contents are read by the ``load`` function the caller gives
(``regresolve._files`` for policy.json, OpenSSL for the certificate).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Watched"]

T = TypeVar("T")
_Stamp = tuple[tuple[int, int, int, int, int], ...]


def _stamp(paths: Sequence[str]) -> _Stamp:
    out: list[tuple[int, int, int, int, int]] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError as e:
            out.append((-1, e.errno or 0, 0, 0, 0))
        else:
            out.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


class Watched(Generic[T]):
    """The current value built from ``paths`` by ``load``.

    The first ``load`` happens in the constructor and its exception propagates (there is no
    good value to keep yet).  :meth:`check` reloads when the files' metadata changed since
    the last attempt; a failing reload keeps the previous value and returns the exception.
    """

    def __init__(self, paths: Sequence[str], load: Callable[[], T]) -> None:
        self.paths = tuple(paths)
        self._load = load
        self._stamp = _stamp(self.paths)
        self.value: T = load()
        self.error: Exception | None = None

    def check(self) -> tuple[bool, Exception | None] | None:
        """None when nothing changed; else ``(True, None)`` after a successful reload or
        ``(False, error)`` when the new files could not be loaded."""
        stamp = _stamp(self.paths)
        if stamp == self._stamp:
            return None
        self._stamp = stamp  # taken before loading: a change during the load re-triggers
        try:
            value = self._load()
        except Exception as err:
            self.error = err
            return False, err
        self.value = value
        self.error = None
        return True, None
