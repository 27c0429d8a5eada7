"""The OpenShift package's only file access: reading object files, writing node files.

Reading mirrors ``regresolve._files`` (the rest of the package is sans-I/O); ``-`` reads
standard input.  Writing goes through `_atomic.write_atomic`: every file is complete or
absent, and the pull secret is created with mode 0600 from its first byte (the temporary
file is private until renamed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator

from regresolve._atomic import write_atomic
from regresolve._files import read_text
from regresolve.openshift._node import KUBELET_CONFIG_JSON, NodeFiles
from regresolve.openshift._objects import (
    ClusterImageObjects,
    InvalidOpenShiftObject,
    objects_from_text,
)
from regresolve.openshift._pullsecret import PULL_SECRET_MODE

__all__ = ["load_objects", "node_root", "write_node_files"]

_SUFFIXES = (".yaml", ".yml", ".json")
_STDIN = "-"


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    files: list[str] = []
    for p in paths:
        path = os.fspath(p)
        if path != _STDIN and os.path.isdir(path):
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
    and ``*.json`` files (not recursive, in name order); ``-`` is standard input.

    Raises:
        InvalidOpenShiftObject: a file cannot be read or holds a malformed object.
    """
    res = ClusterImageObjects()
    for path in _expand(paths):
        try:
            text = sys.stdin.read() if path == _STDIN else read_text(path)
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidOpenShiftObject(f"cannot read {path}: {e}", path=path) from e
        res = res.merged_with(objects_from_text(text, path="<stdin>" if path == _STDIN else path))
    return res


def _dest(root: str | os.PathLike[str], node_path: str) -> str:
    return os.path.join(os.fspath(root), node_path.lstrip("/"))


def write_node_files(files: NodeFiles, root: str | os.PathLike[str]) -> list[str]:
    """Write the node's files under ``root`` at their node paths; return what was written.

    Text files and certificates get mode 0644, ``var/lib/kubelet/config.json`` 0600.
    """
    written = []
    items: list[tuple[str, str | bytes, int]] = [
        (path, text, 0o644) for path, text in files.files().items()
    ]
    items.extend((path, data, 0o644) for path, data in files.binary_files().items())
    if files.pull_secret is not None:
        items.append((KUBELET_CONFIG_JSON, files.pull_secret.reveal(), PULL_SECRET_MODE))
    for node_path, data, mode in items:
        dest = _dest(root, node_path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        write_atomic(dest, data, mode=mode)
        written.append(dest)
    return written


@contextlib.contextmanager
def node_root(files: NodeFiles) -> Iterator[str]:
    """A private temporary directory holding the node's files (removed afterwards)."""
    root = tempfile.mkdtemp(prefix="regresolve-node-")
    try:
        write_node_files(files, root)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)
