"""The OpenShift package's only file access: reading object files, writing node files.

Reading mirrors ``regresolve._files`` (the rest of the package is sans-I/O); writing goes
through `_atomic.write_atomic`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from regresolve._atomic import write_atomic
from regresolve._files import read_text
from regresolve.openshift._objects import (
    ClusterImageObjects,
    InvalidOpenShiftObject,
    objects_from_text,
)
from regresolve.openshift._render import NodeFiles

__all__ = ["load_objects", "write_node_files"]

_SUFFIXES = (".yaml", ".yml", ".json")


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    files: list[str] = []
    for p in paths:
        path = os.fspath(p)
        if os.path.isdir(path):
            files.extend(
                os.path.join(path, n)
                for n in sorted(os.listdir(path))
                if n.endswith(_SUFFIXES) and os.path.isfile(os.path.join(path, n))
            )
        else:
            files.append(path)
    return files


def load_objects(*paths: str | os.PathLike[str]) -> ClusterImageObjects:
    """Read ``oc get -o yaml|json`` files; a directory contributes its ``*.yaml``, ``*.yml``
    and ``*.json`` files (not recursive, in name order).

    Raises:
        InvalidOpenShiftObject: a file cannot be read or holds a malformed object.
    """
    res = ClusterImageObjects()
    for path in _expand(paths):
        try:
            text = read_text(path)
        except OSError as e:
            raise InvalidOpenShiftObject(f"cannot read {path}: {e}", path=path) from e
        res = res.merged_with(objects_from_text(text, path=path))
    return res


def write_node_files(files: NodeFiles, root: str | os.PathLike[str]) -> list[str]:
    """Write the node's files under ``root`` at their node paths; return what was written."""
    written = []
    for node_path, text in files.files().items():
        dest = os.path.join(os.fspath(root), node_path.lstrip("/"))
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        write_atomic(dest, text)
        written.append(dest)
    return written
