"""Reading files, the way Go's ``os`` and ``toml.DecodeFile`` do it.

Every byte regresolve takes from the file system comes through here: configuration files
(:func:`_read`: never blocks on a FIFO, caps the size), directory listings and ``stat``
calls for the pull context.  File-system errors carry Go's ``*PathError`` text
(``open <path>: no such file or directory``, ``read <path>: is a directory``...), so they
compare equal to the oracle's.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Mapping
from typing import Final, Union

from regresolve._configfile import go_join

SYSTEM_REGISTRIES_CONF: Final = "/etc/containers/registries.conf"
SYSTEM_REGISTRIES_CONF_DIR: Final = "/etc/containers/registries.conf.d"
USER_REGISTRIES_CONF: Final = ".config/containers/registries.conf"
USER_REGISTRIES_CONF_DIR: Final = ".config/containers/registries.conf.d"
ALIAS_CACHE_FILE: Final = "containers/short-name-aliases.conf"

# Go's syscall error strings (zerrors_linux.go) for the errnos a loader can meet.
_GO_ERRNO: Final = {
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "not a directory",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENAMETOOLONG: "file name too long",
    errno.EPERM: "operation not permitted",
    errno.EIO: "input/output error",
    errno.ENXIO: "no such device or address",
}

PathArg = Union[str, os.PathLike[str]]  # a runtime alias: no "X | Y" before Python 3.10


def _go_os_error(op: str, path: str, e: OSError) -> str:
    """Go's ``*fs.PathError`` text: ``<op> <path>: <errno text>``."""
    text = _GO_ERRNO.get(e.errno or 0)
    if text is None:
        text = os.strerror(e.errno) if e.errno else str(e)
        text = text[:1].lower() + text[1:]
    return f"{op} {path}: {text}"


class _FileError(Exception):
    """``missing``: ENOENT at open; ``opened``: the error came after a successful open."""

    def __init__(self, message: str, *, missing: bool, opened: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing
        self.opened = opened


#: The largest file regresolve reads (a 100,000-entry registries.conf is about 25 MiB).
MAX_FILE_SIZE: Final = 256 << 20


def _read(path: str) -> bytes:
    """Read a file as Go's ``toml.DecodeFile`` does (open, then read everything).

    The bytes go to the TOML decoder as they are (it handles byte-order marks, NUL bytes and
    bytes that are not UTF-8 as BurntSushi does).
    """
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (Go's open would; a webhook
        # must never hang, so this is a deliberate deviation, docs/compat.md).
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as e:
        raise _FileError(
            _go_os_error("open", path, e), missing=e.errno == errno.ENOENT, opened=False
        ) from None
    try:
        try:
            st = os.fstat(fd)
            if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):
                raise _FileError(
                    f"read {path}: not a regular file (a FIFO or socket)", missing=False
                )
            if not stat.S_ISREG(st.st_mode):
                os.set_blocking(fd, True)  # O_NONBLOCK changes nothing for a regular file
            # Plain reads until the end (no buffered file object: most files are small and
            # read once).  A cap, so that /dev/zero or a runaway file cannot exhaust memory;
            # /dev/null (an empty configuration, a common idiom) still reads as empty.
            # A regular file of known size is read in one call of its size plus one byte: a
            # shorter answer is its end (Linux reads a regular file short only there), which
            # saves the second read.  Everything else (pipes, devices, /proc files of size 0)
            # is read in 64 KiB steps until a read returns nothing.
            chunks = []
            left = MAX_FILE_SIZE + 1
            sized = stat.S_ISREG(st.st_mode) and st.st_size > 0
            want = st.st_size + 1 if sized else 1 << 16
            while left > 0:
                ask = min(left, want)
                chunk = os.read(fd, ask)
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
                if sized and len(chunk) < ask:
                    break
                want = 1 << 16
        finally:
            os.close(fd)
    except OSError as e:
        raise _FileError(_go_os_error("read", path, e), missing=False) from None
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > MAX_FILE_SIZE:
        raise _FileError(
            f"read {path}: larger than {MAX_FILE_SIZE >> 20} MiB, refusing to load it",
            missing=False,
        )
    return data


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file for the other parts of regresolve (OpenShift objects, bases).

    Same rules as the configuration files: never blocks on a FIFO, names the path.

    Raises:
        OSError: with a message naming the path (``open <path>: ...``, ``read <path>: ...``,
            or the UTF-8 problem).
    """
    try:
        data = _read(os.fspath(path))
    except _FileError as e:
        raise OSError(e.message) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise OSError(f"toml: line {line}: invalid UTF-8 byte: 0x{data[e.start]:02x}") from None


_join = go_join


def _home(home: PathArg | None, env: Mapping[str, str]) -> str:
    if home is not None:
        return os.fspath(home)
    h = env.get("HOME", "")
    if h:
        return h
    # containers/storage unshare.HomeDir: the passwd entry of the rootless UID.
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        return pwd.getpwuid(_rootless_euid(env)).pw_dir
    except (ImportError, KeyError):
        return ""


def _user_dir(home: PathArg | None, env: Mapping[str, str]) -> str:
    return _join(_home(home, env), USER_REGISTRIES_CONF_DIR)


def _rootless_euid(env: Mapping[str, str]) -> int:
    """``_CONTAINERS_ROOTLESS_UID`` if set (Go's ``Atoi`` failure gives 0), else the euid."""
    value = env.get("_CONTAINERS_ROOTLESS_UID", "")
    if value:
        # strconv.Atoi: optional sign and ASCII digits only (Python's int() accepts more).
        if re.fullmatch(r"[+-]?[0-9]+", value, re.ASCII) is None:
            return 0
        return int(value)
    return os.geteuid()


# =============================================================================================
# Host context (issue 12): certs.d directories, auth files, registries.d, policy.json, PATH.
# Appended block owned by the host-context work (_certs, _creds, _sigstore, _host hold the
# rules; these functions only read, and return plain values).  Secrets: auth files are returned
# as bytes to the caller, which keeps only which entry applies; certificate and key files are
# never opened, only stat-ed.
# =============================================================================================


def host_errno(path: str) -> int:
    """``fileutils.Exists``: 0 when ``path`` exists (symlinks followed), else the errno."""
    try:
        os.stat(path)
    except OSError as e:
        return e.errno or errno.EIO
    return 0


def host_errno_text(op: str, path: str, code: int) -> str:
    """Go's ``*PathError`` text for an errno."""
    return _go_os_error(op, path, OSError(code, os.strerror(code)))


def host_read_error(path: str) -> tuple[str | None, bool]:
    """What ``os.ReadFile(path)`` would fail with, found without reading the file.

    Returns ``(error text or None, missing)``; ``missing`` is True for ENOENT (a dangling
    symlink or a file removed since the listing).
    """
    try:
        st = os.stat(path)
    except OSError as e:
        code = e.errno or errno.EIO
        return host_errno_text("open", path, code), code == errno.ENOENT
    if stat.S_ISDIR(st.st_mode):
        return f"read {path}: is a directory", False
    if not os.access(path, os.R_OK):
        return host_errno_text("open", path, errno.EACCES), False
    return None, False


def host_list_sorted(path: str) -> tuple[list[str] | None, int]:
    """``os.ReadDir``: the names in byte order, or ``(None, errno)``."""
    try:
        with os.scandir(path) as it:
            names = [e.name for e in it]
    except OSError as e:
        return None, e.errno or errno.EIO
    names.sort(key=os.fsencode)
    return names, 0


def host_list_raw(path: str) -> tuple[list[str] | None, str | None, int]:
    """``os.Open`` + ``Readdirnames``: the names in directory order, or the error.

    Returns ``(names, None, 0)`` or ``(None, Go error text, errno)``.
    """
    try:
        st = os.stat(path)
    except OSError as e:
        code = e.errno or errno.EIO
        return None, host_errno_text("open", path, code), code
    if not stat.S_ISDIR(st.st_mode):
        return None, host_errno_text("readdirent", path, errno.ENOTDIR), errno.ENOTDIR
    try:
        return os.listdir(path), None, 0
    except OSError as e:
        code = e.errno or errno.EIO
        return None, host_errno_text("open", path, code), code


def host_read(path: str) -> tuple[bytes | None, str | None]:
    """``os.ReadFile``: ``(data, None)``, ``(None, None)`` when missing, or ``(None, error)``."""
    try:
        return _read(path), None
    except _FileError as e:
        if e.missing:
            return None, None
        return None, e.message


def host_executable(name: str, path_env: str) -> bool:
    """Whether Go's ``exec.LookPath(name)`` finds ``name`` in ``path_env`` (absolute dirs)."""
    if "/" in name:
        candidates = [name]
    else:
        candidates = [_join(d or ".", name) for d in path_env.split(":")] if path_env else []
    for c in candidates:
        try:
            st = os.stat(c)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) and st.st_mode & 0o111:
            return True
    return False
