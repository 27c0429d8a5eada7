"""The only module that writes files: atomically, so readers never see a partial file.

A temporary file is created in the destination's directory (same file system, so the
rename is atomic), written, flushed and ``fsync``-ed, renamed over the destination with
``os.replace``, and finally the directory itself is ``fsync``-ed so the rename survives a
crash.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` atomically (str is written as UTF-8).

    Raises:
        OSError: the directory is not writable, the disk is full, ...; the destination is
            then untouched and no temporary file is left behind.
    """
    dest = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(dest))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(dest) + ".", suffix=".tmp",
                               dir=directory)  # fmt: skip
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        with contextlib.suppress(OSError):  # some file systems refuse fsync on directories
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
