"""The options every command that reads configuration shares, and what they build.

``--config``, ``--config-dir``, ``--home`` and ``--root`` say which files podman would read;
``--as``, ``--containers-image``, ``--consumer`` and ``--crio-short-name-mode`` say which
program reads them.  Every command (``resolve``, ``explain``, ``check``, ``dump``, ``review``,
``webhook serve``, ``diff``) takes them from here, so they mean the same everywhere; ``diff``
takes them twice, with ``--before-`` and ``--after-`` prefixes.
"""

from __future__ import annotations

import argparse
import os

import attrs

from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig
from regresolve._files import (
    ConfigFiles,
    alias_cache_path,
    config_files,
    load_alias_cache,
    load_config,
)
from regresolve._model import Alias
from regresolve._profiles import (
    CONSUMERS,
    DEFAULT_PROFILE,
    Profile,
    make_profile,
    product_profile,
)
from regresolve._resolve import Resolver

__all__ = [
    "UsageError",
    "add_config_options",
    "add_profile_options",
    "alias_cache_file",
    "config_parent",
    "files_from_args",
    "home_of",
    "load_from_args",
    "profile_from_args",
    "resolver_from_args",
]


class UsageError(Exception):
    """A problem with the command line that argparse cannot see (exit status 2)."""


def _dest(prefix: str, name: str) -> str:
    return f"{prefix.replace('-', '_')}{name}"


def add_config_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, prefix: str = ""
) -> None:
    """``--[PREFIX]config``, ``--[PREFIX]config-dir``, ``--[PREFIX]home``, ``--[PREFIX]root``."""
    parser.add_argument(
        f"--{prefix}config",
        dest=_dest(prefix, "config"),
        metavar="FILE",
        help="the main registries.conf (like $CONTAINERS_REGISTRIES_CONF); "
        "a missing FILE is an error",
    )
    parser.add_argument(
        f"--{prefix}config-dir",
        dest=_dest(prefix, "config_dir"),
        metavar="DIR",
        action="append",
        help="a drop-in directory; repeatable; replaces the default directories",
    )
    parser.add_argument(
        f"--{prefix}home",
        dest=_dest(prefix, "home"),
        metavar="DIR",
        help="use DIR as $HOME (user configuration and alias cache)",
    )
    parser.add_argument(
        f"--{prefix}root",
        dest=_dest(prefix, "root"),
        metavar="DIR",
        help="look for /etc/containers/... below DIR (a node's root mounted elsewhere)",
    )


def add_profile_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, prefix: str = ""
) -> None:
    """``--[PREFIX]as``, ``--[PREFIX]containers-image``, ``--[PREFIX]consumer``, CRI-O mode."""
    parser.add_argument(
        f"--{prefix}as",
        dest=_dest(prefix, "product"),
        metavar="PRODUCT",
        help="a product shorthand: podman-4.3, debian-12, rhel-9.4, ubuntu-24.04, crio-1.31, "
        "ocp-4.18, skopeo, ... (docs/versions.md lists them all)",
    )
    parser.add_argument(
        f"--{prefix}containers-image",
        dest=_dest(prefix, "containers_image"),
        metavar="VERSION",
        help="the containers/image release whose semantics apply (5.23 ... 5.41)",
    )
    parser.add_argument(
        f"--{prefix}consumer",
        dest=_dest(prefix, "consumer"),
        choices=CONSUMERS,
        help="the program around the library (tag+digest, short names, auth file)",
    )
    parser.add_argument(
        f"--{prefix}crio-short-name-mode",
        dest=_dest(prefix, "crio_short_name_mode"),
        choices=("enforcing", "disabled"),
        help="CRI-O 1.34+: short_name_mode from crio.conf (default enforcing)",
    )


def config_parent() -> argparse.ArgumentParser:
    """A parent parser with both groups, for ``parents=[...]``."""
    common = argparse.ArgumentParser(add_help=False)
    add_config_options(
        common.add_argument_group("configuration (default: the files podman reads on this host)")
    )
    add_profile_options(
        common.add_argument_group(
            "the program that pulls (default: podman with containers/image 5.34.2)"
        )
    )
    return common


def _get(args: argparse.Namespace, prefix: str, name: str) -> object:
    return getattr(args, _dest(prefix, name), None)


def home_of(args: argparse.Namespace, prefix: str = "") -> str | None:
    """``--home``; with ``--root`` alone, the root user's home below it (``ROOT/root``).

    A node's filesystem mounted at ``/host`` is read as that node's root user would read it:
    the invoking user's own ``~/.config/containers`` must not leak in.
    """
    home = _get(args, prefix, "home")
    if home:
        return str(home)
    root = _get(args, prefix, "root")
    if root:
        return os.path.join(str(root), "root")
    return None


def profile_from_args(args: argparse.Namespace, prefix: str = "") -> Profile:
    """The profile the options name: ``--as`` first, then the single options on top.

    Raises:
        InvalidProfile: an unknown product, version or consumer.
    """
    product = _get(args, prefix, "product")
    base = product_profile(str(product)) if product else DEFAULT_PROFILE
    version = _get(args, prefix, "containers_image")
    consumer = _get(args, prefix, "consumer")
    mode = _get(args, prefix, "crio_short_name_mode")
    if not (version or consumer or mode):
        return base
    return attrs.evolve(
        make_profile(
            str(version or base.containers_image),
            str(consumer or base.consumer),
            crio_short_name_mode=str(mode) if mode else base.crio_short_name_mode,
            auth_file=base.auth_file,
        ),
        product=base.product,
    )


def load_from_args(args: argparse.Namespace, prefix: str = "") -> RegistriesConf:
    """The configuration the options name, loaded as podman loads it.

    Raises:
        InvalidConfig: a file podman would refuse.
    """
    return load_config(
        _get(args, prefix, "config"),  # type: ignore[arg-type]
        dropin_dirs=_get(args, prefix, "config_dir"),  # type: ignore[arg-type]
        home=home_of(args, prefix),
        env=os.environ,
        root=_get(args, prefix, "root"),  # type: ignore[arg-type]
        version=profile_from_args(args, prefix).containers_image,
    )


def files_from_args(args: argparse.Namespace, prefix: str = "") -> ConfigFiles:
    """Which files the options make podman read, and which it skips."""
    return config_files(
        _get(args, prefix, "config"),  # type: ignore[arg-type]
        dropin_dirs=_get(args, prefix, "config_dir"),  # type: ignore[arg-type]
        home=home_of(args, prefix),
        env=os.environ,
        root=_get(args, prefix, "root"),  # type: ignore[arg-type]
        version=profile_from_args(args, prefix).containers_image,
    )


def alias_cache_file(args: argparse.Namespace, prefix: str = "") -> str:
    """The short-name alias cache podman consults (below ``--root`` for the root user's)."""
    home = home_of(args, prefix)
    root = _get(args, prefix, "root")
    path = alias_cache_path(home=home, env=os.environ)
    if root and path.startswith("/var/"):
        # The root user's cache is a system path: below --root, like /etc/containers.
        path = os.path.join(str(root), path.lstrip("/"))
    return path


def _user_aliases(args: argparse.Namespace, prefix: str) -> tuple[Alias, ...] | InvalidConfig:
    # A corrupt cache is not fatal here: as in Go, it fails every short-name resolution.
    try:
        return load_alias_cache(
            alias_cache_file(args, prefix),
            home=home_of(args, prefix),
            env=os.environ,
            version=profile_from_args(args, prefix).containers_image,
        )
    except InvalidConfig as err:
        return err


def resolver_from_args(args: argparse.Namespace, prefix: str = "") -> Resolver:
    """The configuration and the user's alias cache, as podman would see them."""
    return Resolver(load_from_args(args, prefix), user_aliases=_user_aliases(args, prefix))
