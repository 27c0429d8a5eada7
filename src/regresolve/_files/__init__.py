"""The only part of regresolve that reads files (a package: the reading primitives in
``_io``, registries.conf discovery and loading in ``_registries``).

Everything else is pure and takes text or bytes; the pull context (``regresolve._host``)
and the command line read through the functions exported here.
"""

from __future__ import annotations

from regresolve._files._io import (
    ALIAS_CACHE_FILE,
    MAX_FILE_SIZE,
    SYSTEM_REGISTRIES_CONF,
    SYSTEM_REGISTRIES_CONF_DIR,
    USER_REGISTRIES_CONF,
    USER_REGISTRIES_CONF_DIR,
    PathArg,
    _FileError,
    _go_os_error,
    _home,
    _join,
    _read,
    _rootless_euid,
    host_errno,
    host_errno_text,
    host_executable,
    host_list_raw,
    host_list_sorted,
    host_read,
    host_read_error,
    read_text,
)
from regresolve._files._registries import (
    ConfigFiles,
    ConfigPaths,
    alias_cache_path,
    config_files,
    config_paths,
    dropin_files,
    load_alias_cache,
    load_config,
)

__all__ = [
    "ALIAS_CACHE_FILE",
    "MAX_FILE_SIZE",
    "SYSTEM_REGISTRIES_CONF",
    "SYSTEM_REGISTRIES_CONF_DIR",
    "USER_REGISTRIES_CONF",
    "USER_REGISTRIES_CONF_DIR",
    "ConfigFiles",
    "ConfigPaths",
    "PathArg",
    "_FileError",
    "_go_os_error",
    "_home",
    "_join",
    "_read",
    "_rootless_euid",
    "alias_cache_path",
    "config_files",
    "config_paths",
    "dropin_files",
    "host_errno",
    "host_errno_text",
    "host_executable",
    "host_list_raw",
    "host_list_sorted",
    "host_read",
    "host_read_error",
    "load_alias_cache",
    "load_config",
    "read_text",
]
