"""The only module that reads files: where containers/image v5.34.2 looks, and in which order.

It reproduces ``newConfigWrapperWithHomeDir``, ``dropInConfigs`` and ``tryUpdatingCache``
(``pkg/sysregistriesv2``) plus podman's handling of ``CONTAINERS_REGISTRIES_CONF``
(R-LOAD-1..4, R-LOAD-9), then hands the text to :mod:`regresolve._config`.

File-system errors carry Go's ``*PathError`` text (``open <path>: no such file or
directory``, ``read <path>: is a directory``...), so they compare equal to the oracle's.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Mapping, Sequence
from typing import Final, NoReturn

import attrs

from regresolve._aliases import parse_alias_cache
from regresolve._build import ParsedFile, parse_file
from regresolve._config import RegistriesConf, merge
from regresolve._configfile import SearchPaths, go_join, search_paths
from regresolve._errors import InvalidConfig
from regresolve._gotext import go_quote
from regresolve._model import Alias
from regresolve._profiles import DEFAULT_VERSION, canonical_version, parse_version, since

__all__ = [
    "ConfigFiles",
    "alias_cache_path",
    "config_files",
    "config_paths",
    "dropin_files",
    "load_alias_cache",
    "load_config",
]

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

PathArg = str | os.PathLike[str]


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
            os.set_blocking(fd, True)
            # Plain reads until the end (no buffered file object: most files are small and
            # read once).  A cap, so that /dev/zero or a runaway file cannot exhaust memory;
            # /dev/null (an empty configuration, a common idiom) still reads as empty.
            chunks = []
            left = MAX_FILE_SIZE + 1
            want = st.st_size + 1  # a regular file: all of it in one read, then the end
            while left > 0:
                chunk = os.read(fd, min(left, max(want, 1 << 16)))
                want = 0
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
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


class ConfigPaths:
    """Go's ``configWrapper``: what to read, and what ``ConfigPath``/``ConfigDirPath`` say.

    Attributes:
        config_path: the main file.
        explicit: the main path came from the caller or the environment (a missing file is
            then an error).
        dirs: the drop-in directories, in reading order.
        config_dir_path: what ``ConfigDirPath`` returns.
    """

    __slots__ = ("config_dir_path", "config_path", "dirs", "explicit")

    def __init__(
        self, config_path: str, *, explicit: bool, dirs: list[str], config_dir_path: str
    ) -> None:
        self.config_path = config_path
        self.explicit = explicit
        self.dirs = dirs
        self.config_dir_path = config_dir_path


def config_paths(
    path: PathArg | None = None,
    *,
    dropin_dirs: PathArg | Sequence[PathArg] | None = None,
    home: PathArg | None = None,
    env: Mapping[str, str] | None = None,
    root: PathArg | None = None,
) -> ConfigPaths:
    """Compute the main path and drop-in dirs exactly as containers/image does (R-LOAD-1/2/9)."""
    environ: Mapping[str, str] = os.environ if env is None else env
    sys_path = os.fspath(path) if path is not None else ""
    if not sys_path:
        # podman/buildah (libimage.setRegistriesConfPath) and skopeo: os.LookupEnv, so a
        # variable that is set but empty ends the search with no explicit path.
        for var in ("CONTAINERS_REGISTRIES_CONF", "REGISTRIES_CONFIG_PATH"):
            if var in environ:
                sys_path = environ[var]
                break
    explicit_dirs: list[str] | None = None
    sys_dir = ""
    if dropin_dirs is not None:
        if isinstance(dropin_dirs, (str, os.PathLike)):
            sys_dir = os.fspath(dropin_dirs)
        else:
            explicit_dirs = [os.fspath(d) for d in dropin_dirs]
    root_s = os.fspath(root) if root is not None else ""
    # The user's paths are computed only where they are used (an explicit file and explicit
    # drop-in directories need neither).
    user_file = "" if sys_path else _join(_home(home, environ), USER_REGISTRIES_CONF)

    if sys_path:
        config_path = sys_path
    elif os.path.exists(user_file):
        # The user's file hides the system file *and* the system drop-ins.
        if explicit_dirs is None:
            explicit_dirs = [sys_dir] if sys_dir else [_user_dir(home, environ)]
        dirs = explicit_dirs
        return ConfigPaths(
            user_file,
            explicit=False,
            dirs=dirs,
            config_dir_path=dirs[-1] if dirs else "",
        )
    elif root_s:
        config_path = _join(root_s, SYSTEM_REGISTRIES_CONF)
    else:
        config_path = SYSTEM_REGISTRIES_CONF

    if explicit_dirs is not None:
        dirs = explicit_dirs
    elif sys_dir:
        dirs = [sys_dir]
    elif root_s:
        dirs = [_join(root_s, SYSTEM_REGISTRIES_CONF_DIR), _user_dir(home, environ)]
    else:
        dirs = [SYSTEM_REGISTRIES_CONF_DIR, _user_dir(home, environ)]
    return ConfigPaths(
        config_path,
        explicit=bool(sys_path),
        dirs=dirs,
        config_dir_path=dirs[-1] if dirs else "",
    )


def dropin_files(directory: str) -> list[str]:
    """Go ``filepath.WalkDir`` as ``dropInConfigs`` uses it, for one directory.

    The directory itself is ``lstat``-ed: a missing one is ignored, a symlink to a directory
    is not entered, and a non-directory whose name ends in ``.conf`` is itself a drop-in.
    Entries are taken in byte order; sub-directories are skipped, everything else whose
    name ends in ``.conf`` (hidden files and symlinks included) is returned.
    """
    try:
        st = os.lstat(directory)
    except OSError as e:
        if e.errno == errno.ENOENT:
            return []
        raise InvalidConfig(
            "reading registries.conf.d: " + _go_os_error("lstat", directory, e), path=directory
        ) from None
    if not stat.S_ISDIR(st.st_mode):
        return [directory] if directory.endswith(".conf") else []
    try:
        with os.scandir(directory) as it:
            entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
    except OSError as e:
        raise InvalidConfig(
            "reading registries.conf.d: " + _go_os_error("open", directory, e), path=directory
        ) from None
    entries.sort(key=lambda e: os.fsencode(e[0]))
    return [
        _join(directory, name) for name, is_dir in entries if not is_dir and name.endswith(".conf")
    ]


@attrs.frozen
class ConfigFiles:
    """The files a configuration load reads, in the order it reads them.

    Attributes:
        main: the main registries.conf podman uses (it may not exist).
        main_explicit: the path was given (argument or environment): a missing file is an
            error, not an empty configuration.
        main_exists: whether something exists at ``main`` now.
        dropin_dirs: the drop-in directories searched, in order.
        dropins: the drop-in files found there, in merge order.
        skipped: ``(path, why)`` for files podman leaves out: the system file and drop-ins
            hidden by the user's own registries.conf, entries of a drop-in directory that
            are not ``.conf`` files or are directories.
    """

    main: str
    main_explicit: bool
    main_exists: bool
    dropin_dirs: tuple[str, ...]
    dropins: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()


def config_files(
    path: PathArg | None = None,
    *,
    dropin_dirs: PathArg | Sequence[PathArg] | None = None,
    home: PathArg | None = None,
    env: Mapping[str, str] | None = None,
    root: PathArg | None = None,
    version: str | None = None,
) -> ConfigFiles:
    """Which files :func:`load_config` reads with the same arguments, without parsing them.

    Raises:
        InvalidConfig: a drop-in directory cannot be listed.
        InvalidProfile: ``version`` is not a release regresolve models.
    """
    if version and since(parse_version(version)[0], "configfile-discovery"):
        return _configfile_files(path, dropin_dirs, home, env, root)
    paths = config_paths(path, dropin_dirs=dropin_dirs, home=home, env=env, root=root)
    dropins = [f for directory in paths.dirs for f in dropin_files(directory)]
    skipped: list[tuple[str, str]] = []
    environ: Mapping[str, str] = os.environ if env is None else env
    root_s = os.fspath(root) if root is not None else ""
    user_file = _join(_home(home, environ), USER_REGISTRIES_CONF)
    if not paths.explicit and paths.config_path == user_file:
        system = _join(root_s, SYSTEM_REGISTRIES_CONF) if root_s else SYSTEM_REGISTRIES_CONF
        if os.path.lexists(system):
            skipped.append((system, f"hidden by the user's own {user_file}"))
        if dropin_dirs is None:
            system_dir = (
                _join(root_s, SYSTEM_REGISTRIES_CONF_DIR) if root_s else SYSTEM_REGISTRIES_CONF_DIR
            )
            skipped.extend(
                (f, f"the user's own {user_file} hides the system drop-ins")
                for f in _listing(system_dir)
                if f.endswith(".conf")
            )
    for directory in paths.dirs:
        taken = set(dropin_files(directory)) if os.path.isdir(directory) else set()
        for f in _listing(directory):
            if f in taken:
                continue
            why = "a directory" if os.path.isdir(f) else "not a .conf file"
            skipped.append((f, why))
    return ConfigFiles(
        main=paths.config_path,
        main_explicit=paths.explicit,
        main_exists=os.path.lexists(paths.config_path),
        dropin_dirs=tuple(paths.dirs),
        dropins=tuple(dropins),
        skipped=tuple(skipped),
    )


def _configfile_files(
    path: PathArg | None,
    dropin_dirs: PathArg | Sequence[PathArg] | None,
    home: PathArg | None,
    env: Mapping[str, str] | None,
    root: PathArg | None,
) -> ConfigFiles:
    """:func:`config_files` for 5.40+ (containers-config(5) search)."""
    paths = _search_paths(path, dropin_dirs, home, env, root)
    exists = [p for p in paths.main_files if os.path.exists(p)]
    main = (exists or list(paths.main_files) or [""])[0]
    skipped = [(p, f"{main} is read instead") for p in exists[1:]]
    try:
        dropins = _configfile_dropins(paths.dropin_dirs)
    except _FileError as e:
        raise InvalidConfig(e.message, path=paths.dropin_dirs[0]) from None
    taken = set(dropins)
    for directory in paths.dropin_dirs:
        for f in _listing(directory):
            if f in taken:
                continue
            name = os.path.basename(f)
            if os.path.isdir(f) and not os.path.islink(f):
                why = "a directory"
            elif not name.endswith(".conf"):
                why = "not a .conf file"
            else:
                winner = next(d for d in dropins if os.path.basename(d) == name)
                why = f"masked by {winner}"
            skipped.append((f, why))
    if paths.override:
        dropins.append(paths.override)
    return ConfigFiles(
        main=main,
        main_explicit=paths.main_required,
        main_exists=bool(exists) or os.path.lexists(main),
        dropin_dirs=paths.dropin_dirs,
        dropins=tuple(dropins),
        skipped=tuple(skipped),
    )


def _listing(directory: str) -> list[str]:
    """Every entry of a directory, byte-sorted (nothing for a missing or unreadable one)."""
    try:
        with os.scandir(directory) as it:
            names = [e.name for e in it]
    except OSError:
        return []
    names.sort(key=os.fsencode)
    return [_join(directory, n) for n in names]


def load_config(
    path: PathArg | None = None,
    *,
    dropin_dirs: PathArg | Sequence[PathArg] | None = None,
    home: PathArg | None = None,
    env: Mapping[str, str] | None = None,
    root: PathArg | None = None,
    version: str | None = None,
) -> RegistriesConf:
    """Load registries.conf and its drop-ins the way podman 5.4 (containers/image 5.34.2) does,
    or as another containers/image release does (``version``).

    Args:
        path: the main file (``SystemContext.SystemRegistriesConfPath``).  None: take
            ``CONTAINERS_REGISTRIES_CONF``, then ``REGISTRIES_CONFIG_PATH`` from ``env``
            (set-but-empty stops the search), else the user's
            ``~/.config/containers/registries.conf`` if it exists, else
            ``[root]/etc/containers/registries.conf``.  An explicit path must exist.
        dropin_dirs: one directory (``SystemRegistriesConfDirPath``: only that one is read),
            or a sequence read in order; None applies Go's rules (system dir then user dir,
            or only the user dir when the user's main file is used).
        home: the home directory; None: ``$HOME`` from ``env``, else the passwd entry.
        env: environment variables; None: ``os.environ``.
        root: ``RootForImplicitAbsolutePaths`` (prefixes the implicit ``/etc`` paths).
        version: the containers/image release whose rules apply, 5.23 to 5.41 (``"5.23"``,
            ``"5.39.2"``); default 5.34.2.  From 5.40 the files are found as
            containers-config(5) says (:mod:`regresolve._configfile`).

    Raises:
        InvalidConfig: any file is unreadable or invalid; ``go_message`` is Go's full text.
        InvalidProfile: ``version`` is not a release regresolve models.
    """
    version = canonical_version(version) if version else DEFAULT_VERSION
    minor = parse_version(version)[0]
    if since(minor, "configfile-discovery"):
        return _load_configfile(path, dropin_dirs, home, env, root, version, minor)
    paths = config_paths(path, dropin_dirs=dropin_dirs, home=home, env=env, root=root)
    main: ParsedFile | None
    try:
        data = _read(paths.config_path)
    except _FileError as e:
        if e.missing and not paths.explicit:
            main = None
        else:
            raise InvalidConfig(
                f"loading registries configuration {go_quote(paths.config_path)}: {e.message}",
                path=paths.config_path,
            ) from None
    else:
        main = parse_file(data, paths.config_path, dropin=False, minor=minor)

    dropins: list[ParsedFile] = []
    files: list[str] = []
    for directory in paths.dirs:
        files.extend(dropin_files(directory))
    for f in files:
        try:
            data = _read(f)
        except _FileError as e:
            # Removed between listing and reading (or a dangling symlink): skipped from 5.34.
            if e.missing and since(minor, "vanished-dropin-skipped"):
                continue
            raise InvalidConfig(
                f"loading drop-in registries configuration {go_quote(f)}: {e.message}", path=f
            ) from None
        dropins.append(parse_file(data, f, dropin=True, minor=minor))
    return merge(
        main, dropins, path=paths.config_path, dir_path=paths.config_dir_path, version=version
    )


def _search_paths(
    path: PathArg | None,
    dropin_dirs: PathArg | Sequence[PathArg] | None,
    home: PathArg | None,
    env: Mapping[str, str] | None,
    root: PathArg | None,
) -> SearchPaths:
    """The 5.40+ search list for :func:`load_config`'s arguments."""
    environ: Mapping[str, str] = os.environ if env is None else env
    custom_dir = ""
    listed: tuple[str, ...] | None = None
    if isinstance(dropin_dirs, (str, os.PathLike)):
        custom_dir = os.fspath(dropin_dirs)
    elif dropin_dirs is not None:
        listed = tuple(os.fspath(d) for d in dropin_dirs)
    names = ("CONTAINERS_REGISTRIES_CONF", "CONTAINERS_REGISTRIES_CONF_OVERRIDE", "XDG_CONFIG_HOME")
    paths = search_paths(
        custom_path=os.fspath(path) if path is not None else "",
        custom_dir=custom_dir,
        env={k: environ[k] for k in names if k in environ},
        home=_home(home, environ),
        root=os.fspath(root) if root is not None else "",
        uid=_rootless_euid(environ),
    )
    if listed is not None:  # regresolve's own option: exactly these directories, in order
        paths = attrs.evolve(paths, dropin_dirs=listed, override="")
    return paths


def _configfile_dropins(dirs: Sequence[str]) -> list[str]:
    """``readDropInsFromPaths``: ``*.conf`` non-directories of every directory, a name in a
    higher directory masking the same name below, all in name order.

    Raises:
        _FileError: a directory exists but cannot be listed (Go's raw error).
    """
    by_name: dict[str, str] = {}
    for directory in reversed(dirs):
        try:
            with os.scandir(directory) as it:
                entries = [(e.name, e.is_dir(follow_symlinks=False)) for e in it]
        except OSError as e:
            if e.errno == errno.ENOENT:
                continue
            raise _FileError(_go_os_error("open", directory, e), missing=False) from None
        for name, is_dir in entries:
            if not is_dir and name.endswith(".conf"):
                by_name[name] = _join(directory, name)
    return [by_name[n] for n in sorted(by_name, key=os.fsencode)]


def _load_configfile(  # noqa: PLR0917 - load_config's arguments, passed on
    path: PathArg | None,
    dropin_dirs: PathArg | Sequence[PathArg] | None,
    home: PathArg | None,
    env: Mapping[str, str] | None,
    root: PathArg | None,
    version: str,
    minor: int,
) -> RegistriesConf:
    """5.40+: the first existing main file, the drop-ins, the override file, merged in order.

    Opening errors are Go's raw ``open <path>: ...``; errors in a file's content are wrapped
    ``loading registries configuration "<path>": ...`` for every file alike.
    """
    paths = _search_paths(path, dropin_dirs, home, env, root)
    parsed: list[ParsedFile] = []

    def take(f: str, data: bytes, *, main: bool) -> None:
        parsed.append(parse_file(data, f, dropin=not main, minor=minor))

    def fail(f: str, e: _FileError) -> NoReturn:
        if not e.opened:
            raise InvalidConfig(e.message, path=f) from None
        raise InvalidConfig(
            f"loading registries configuration {go_quote(f)}: {e.message}", path=f
        ) from None

    for candidate in paths.main_files:
        try:
            data = _read(candidate)
        except _FileError as e:
            if e.missing and not paths.main_required:
                continue
            fail(candidate, e)
        take(candidate, data, main=True)
        break
    try:
        dropins = _configfile_dropins(paths.dropin_dirs)
    except _FileError as e:
        raise InvalidConfig(e.message, path=paths.dropin_dirs[0]) from None
    for f in dropins:
        try:
            data = _read(f)
        except _FileError as e:
            if e.missing:  # vanished (a dangling symlink, or removed meanwhile)
                continue
            fail(f, e)
        take(f, data, main=False)
    if paths.override:
        try:
            data = _read(paths.override)
        except _FileError as e:
            fail(paths.override, e)
        take(paths.override, data, main=False)
    exists = [p for p in paths.main_files if os.path.exists(p)]
    config_path = (exists or list(paths.main_files) or [""])[0]
    return merge(
        None,
        parsed,
        path=config_path,
        dir_path=paths.config_dir_path,
        version=version,
        source_description=paths.description,
    )


def alias_cache_path(
    path: PathArg | None = None,
    *,
    home: PathArg | None = None,
    env: Mapping[str, str] | None = None,
    euid: int | None = None,
) -> str:
    """Where containers/image keeps the user's short-name alias cache (R-SN-6)."""
    if path is not None and os.fspath(path):
        return os.fspath(path)
    environ: Mapping[str, str] = os.environ if env is None else env
    if euid is None:
        euid = _rootless_euid(environ)
    if euid == 0:
        return "/var/cache/" + ALIAS_CACHE_FILE
    cache = environ.get("XDG_CACHE_HOME", "")
    if not cache:
        h = _home(home, environ)
        if not h:
            raise InvalidConfig("could not get either XDG_CACHE_HOME or HOME")
        cache = _join(h, ".cache")
    return _join(cache, ALIAS_CACHE_FILE)


def load_alias_cache(
    path: PathArg | None = None,
    *,
    home: PathArg | None = None,
    env: Mapping[str, str] | None = None,
    euid: int | None = None,
    version: str | None = None,
) -> tuple[Alias, ...]:
    """Read and validate the user alias cache; a missing file means no aliases.

    Unlike Go this creates nothing (Go makes the parent directory and a ``.lock`` file).
    ``version``: the containers/image release (it decides how several errors are joined).

    Raises:
        InvalidConfig: ``loading short-name aliases config file "<path>": ...``.
    """
    p = alias_cache_path(path, home=home, env=env, euid=euid)
    try:
        data = _read(p)
    except _FileError as e:
        if e.missing:
            return ()
        raise InvalidConfig(
            f"loading short-name aliases config file {go_quote(p)}: {e.message}", path=p
        ) from None
    minor = parse_version(version)[0] if version else parse_version(DEFAULT_VERSION)[0]
    return parse_alias_cache(data, p, file_order=since(minor, "alias-errors-in-file-order"))


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
