"""Where containers/image 5.40+ looks for registries.conf: the containers-config search list.

From 5.40 the library no longer finds its files itself: containers/storage's
``pkg/configfile`` (``GetSearchPaths``, ``Read``) does, for every configuration file of the
containers family alike.  This module computes the lists; it reads nothing (``_files`` opens
the files in the order given here).

Main files, first existing one wins (a missing one is skipped):

* ``SystemRegistriesConfPath`` if set (it must exist);
* else ``$CONTAINERS_REGISTRIES_CONF`` if non-empty (it must exist, and **no drop-in is read**;
  never prefixed with the root);
* else ``<user config dir>/registries.conf`` (``$XDG_CONFIG_HOME/containers`` when the
  variable is set, even to ``""``; else ``$HOME/.config/containers``), then
  ``R/etc/containers/registries.conf``, then ``R/usr/share/containers/registries.conf``
  (R: ``RootForImplicitAbsolutePaths``).

Drop-in directories, highest priority first: ``<user config dir>/registries.conf.d``; then for
``R/etc/containers`` and after it ``R/usr/share/containers``: as root (uid 0)
``registries.rootful.conf.d``, as uid N > 0 ``registries.rootless.conf.d/N`` and
``registries.rootless.conf.d``; then ``registries.conf.d``.  ``SystemRegistriesConfDirPath``
replaces the whole list.  A file name in a higher directory masks the same name below it, and
all drop-ins are read in name order whatever their directory.
``$CONTAINERS_REGISTRIES_CONF_OVERRIDE`` (non-empty, and no ``SystemRegistriesConfDirPath``)
is read last and must exist.
"""

from __future__ import annotations

import posixpath

import attrs

from regresolve._gotext import go_quote

__all__ = ["SearchPaths", "go_join", "search_paths"]

_ENV: str = "CONTAINERS_REGISTRIES_CONF"
_USR_SHARE: str = "/usr/share/containers"
_ETC: str = "/etc/containers"
_NAME: str = "registries.conf"


def go_join(*parts: str) -> str:
    """Go ``filepath.Join``: join the non-empty parts, then ``Clean``."""
    joined = "/".join(p for p in parts if p)
    if not joined:
        return ""
    cleaned = posixpath.normpath(joined)
    # POSIX keeps exactly two leading slashes; Go's Clean does not.
    return cleaned[1:] if cleaned.startswith("//") else cleaned


@attrs.frozen
class SearchPaths:
    """What ``configfile.GetSearchPaths`` returns for registries.conf.

    Attributes:
        main_files: candidates for the main file, in order (the first that exists is read).
        main_required: the main file was named (option or environment): it must exist.
        dropin_dirs: the drop-in directories, highest priority first.
        override: ``$CONTAINERS_REGISTRIES_CONF_OVERRIDE``, read last; ``""`` when unset.
    """

    main_files: tuple[str, ...]
    main_required: bool
    dropin_dirs: tuple[str, ...]
    override: str

    @property
    def description(self) -> str:
        """Go ``ConfigurationSourceDescription``: ``%q`` of main files + drop-in dirs."""
        return "[" + " ".join(go_quote(p) for p in (*self.main_files, *self.dropin_dirs)) + "]"

    @property
    def config_dir_path(self) -> str:
        """Go ``ConfigDirPath`` (5.41): the first drop-in directory, or ``""``."""
        return self.dropin_dirs[0] if self.dropin_dirs else ""


def _under_main(main: str, uid: int) -> list[str]:
    """``getDropInPathsUnderMain`` for ``<dir>/registries.conf``."""
    stem = main[: -len(".conf")]
    special = f"{stem}.{'rootless' if uid > 0 else 'rootful'}.conf.d"
    dirs = [go_join(special, str(uid))] if uid > 0 else []
    dirs.append(special)
    dirs.append(main + ".d")
    return dirs


def search_paths(
    *,
    custom_path: str,
    custom_dirs: tuple[str, ...] | None,
    env: dict[str, str] | None,
    home: str,
    root: str,
    uid: int,
) -> SearchPaths:
    """The search list for the given ``SystemContext`` fields and process environment.

    ``custom_path``: ``SystemRegistriesConfPath`` ("" if unset); ``custom_dirs``:
    ``SystemRegistriesConfDirPath`` as a one-element tuple (regresolve also takes several, or
    none), None if unset; ``env``: the environment (only the variables named above are
    read); ``home``: the home directory (``unshare.HomeDir``); ``root``:
    ``RootForImplicitAbsolutePaths``; ``uid``: the rootless UID (``unshare.GetRootlessUID``).
    """
    environ = env or {}
    default = go_join(root, _USR_SHARE, _NAME) if root else go_join(_USR_SHARE, _NAME)
    admin = go_join(root, _ETC, _NAME) if root else go_join(_ETC, _NAME)
    config_home = environ.get("XDG_CONFIG_HOME")
    user_dir = (
        go_join(config_home, "containers")
        if config_home is not None
        else go_join(home, ".config", "containers")
    )
    user = go_join(user_dir, _NAME)
    required = False
    load_dropins = True
    if custom_path:
        mains: tuple[str, ...] = (custom_path,)
        required = True
    elif environ.get(_ENV, ""):
        mains = (environ[_ENV],)
        required = True
        load_dropins = False
    else:
        mains = tuple(p for p in (user, admin, default) if p)
    dirs: tuple[str, ...] = ()
    if load_dropins:
        if custom_dirs is not None:
            dirs = custom_dirs
        else:
            dirs = (user + ".d", *_under_main(admin, uid), *_under_main(default, uid))
    override = "" if custom_dirs is not None else environ.get(_ENV + "_OVERRIDE", "")
    return SearchPaths(mains, required, dirs, override)
