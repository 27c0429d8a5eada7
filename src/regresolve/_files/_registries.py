"""Where containers/image looks for registries.conf, and in which order; loading it.

Up to 5.39 this reproduces ``newConfigWrapperWithHomeDir``, ``dropInConfigs`` and
``tryUpdatingCache`` (``pkg/sysregistriesv2``) plus podman's handling of
``CONTAINERS_REGISTRIES_CONF`` (R-LOAD-1..4, R-LOAD-9); from 5.40 the containers-config(5)
search of :mod:`regresolve._configfile`.  The text goes to :mod:`regresolve._config`.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping, Sequence
from typing import NoReturn

import attrs

from regresolve._aliases import parse_alias_cache
from regresolve._build import ParsedFile, parse_file
from regresolve._config import RegistriesConf, merge
from regresolve._configfile import SearchPaths, search_paths
from regresolve._errors import InvalidConfig
from regresolve._files._io import (
    ALIAS_CACHE_FILE,
    SYSTEM_REGISTRIES_CONF,
    SYSTEM_REGISTRIES_CONF_DIR,
    USER_REGISTRIES_CONF,
    PathArg,
    _FileError,
    _go_os_error,
    _home,
    _join,
    _read,
    _rootless_euid,
    _user_dir,
)
from regresolve._gotext import go_quote
from regresolve._model import Alias
from regresolve._profiles import DEFAULT_VERSION, canonical_version, parse_version, since
from regresolve._tomldecode import toml_for_containers_image

__all__ = [
    "ConfigFiles",
    "ConfigPaths",
    "alias_cache_path",
    "config_files",
    "config_paths",
    "dropin_files",
    "load_alias_cache",
    "load_config",
]


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
    toml: str | None = None,
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
        toml: the BurntSushi/toml dialect (``"1.2"`` ... ``"1.6"``) when the build differs
            from the one the release's go.mod asks for (Debian's 5.39.2 links 1.6, not 1.5).

    Raises:
        InvalidConfig: any file is unreadable or invalid; ``go_message`` is Go's full text.
        InvalidProfile: ``version`` is not a release regresolve models.
    """
    version = canonical_version(version) if version else DEFAULT_VERSION
    minor = parse_version(version)[0]
    toml = toml or toml_for_containers_image(minor)
    if since(minor, "configfile-discovery"):
        return _load_configfile(path, dropin_dirs, home, env, root, version, minor, toml)
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
        main = parse_file(data, paths.config_path, dropin=False, minor=minor, toml=toml)

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
        dropins.append(parse_file(data, f, dropin=True, minor=minor, toml=toml))
    return merge(
        main,
        dropins,
        path=paths.config_path,
        dir_path=paths.config_dir_path,
        version=version,
        toml=toml,
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
    custom: tuple[str, ...] | None = None
    if isinstance(dropin_dirs, (str, os.PathLike)):
        custom = (os.fspath(dropin_dirs),) if os.fspath(dropin_dirs) else None
    elif dropin_dirs is not None:
        custom = tuple(os.fspath(d) for d in dropin_dirs)
    names = ("CONTAINERS_REGISTRIES_CONF", "CONTAINERS_REGISTRIES_CONF_OVERRIDE", "XDG_CONFIG_HOME")
    return search_paths(
        custom_path=os.fspath(path) if path is not None else "",
        custom_dirs=custom,
        env={k: environ[k] for k in names if k in environ},
        home=_home(home, environ),
        root=os.fspath(root) if root is not None else "",
        uid=_rootless_euid(environ),
    )


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
    toml: str,
) -> RegistriesConf:
    """5.40+: the first existing main file, the drop-ins, the override file, merged in order.

    Opening errors are Go's raw ``open <path>: ...``; errors in a file's content are wrapped
    ``loading registries configuration "<path>": ...`` for every file alike.
    """
    paths = _search_paths(path, dropin_dirs, home, env, root)
    parsed: list[ParsedFile] = []

    def take(f: str, data: bytes, *, main: bool) -> None:
        parsed.append(parse_file(data, f, dropin=not main, minor=minor, toml=toml))

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
        toml=toml,
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
    toml: str | None = None,
) -> tuple[Alias, ...]:
    """Read and validate the user alias cache; a missing file means no aliases.

    Unlike Go this creates nothing (Go makes the parent directory and a ``.lock`` file).
    ``version``: the containers/image release (it decides how several errors are joined and
    the TOML dialect); ``toml``: the dialect when the build differs (see :func:`load_config`).

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
    return parse_alias_cache(
        data,
        p,
        file_order=since(minor, "alias-errors-in-file-order"),
        toml=toml or toml_for_containers_image(minor),
    )
