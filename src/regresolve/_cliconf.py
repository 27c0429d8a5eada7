"""The options every command that reads configuration shares, and what they build.

``--config``, ``--config-dir``, ``--home`` and ``--root`` say which files podman would read;
``--as``, ``--containers-image``, ``--consumer`` and ``--crio-short-name-mode`` say which
program reads them.  Every command (``resolve``, ``explain``, ``check``, ``dump``, ``review``,
``webhook serve``, ``diff``) takes them from here, so they mean the same everywhere; ``diff``
takes them twice, with ``--before-`` and ``--after-`` prefixes.

The pull-context options (``--authfile``, ``--cert-dir``, ``--registries-d``, ``--policy``,
``--creds``, ``--tls-verify``) say what else a pull consults; :func:`host_from_args` hands
them to [`load_host`][regresolve.load_host] with the same ``--root``/``--home`` and profile,
so every rule stays in the core.  ``--creds`` takes a value as podman's does, but only
*whether* it was given matters: the value is dropped by the parser and never stored.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

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
from regresolve._host import Host, load_host, program_auth_file
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
    "add_host_options",
    "add_profile_options",
    "alias_cache_file",
    "config_parent",
    "files_from_args",
    "home_of",
    "host_from_args",
    "load_from_args",
    "profile_from_args",
    "pull_options",
    "resolver_from_args",
    "uses_host_options",
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


class _DropValue(argparse.Action):
    """``--creds USER[:PASSWORD]``: records that credentials were given, never their value."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        del values  # the secret is not kept, not even in the namespace
        setattr(namespace, self.dest, True)


def _tls_verify(text: str) -> bool:
    """podman's ``--tls-verify=true|false`` (Go's ``strconv.ParseBool`` spellings)."""
    value = text.strip()
    if value in ("1", "t", "T", "true", "TRUE", "True"):
        return True
    if value in ("0", "f", "F", "false", "FALSE", "False"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r}: expected true or false")


def add_host_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, prefix: str = ""
) -> None:
    """The pull-context options: what a pull consults besides registries.conf."""
    parser.add_argument(
        f"--{prefix}authfile",
        dest=_dest(prefix, "authfile"),
        metavar="FILE",
        help="the auth file (podman --authfile); default as the program does: "
        "$REGISTRY_AUTH_FILE, for podman then $DOCKER_CONFIG/config.json, for CRI-O its "
        "global_auth_file (below --root)",
    )
    parser.add_argument(
        f"--{prefix}cert-dir",
        dest=_dest(prefix, "cert_dir"),
        metavar="DIR",
        help="one certificate directory for every registry (podman --cert-dir)",
    )
    parser.add_argument(
        f"--{prefix}registries-d",
        f"--{prefix}registries.d",
        dest=_dest(prefix, "registries_d"),
        metavar="DIR",
        help="the registries.d directory (signature storage)",
    )
    parser.add_argument(
        f"--{prefix}policy",
        f"--{prefix}signature-policy",
        dest=_dest(prefix, "policy"),
        metavar="FILE",
        help="containers-policy.json (default ~/.config/containers/policy.json, "
        "else /etc/containers/policy.json below --root)",
    )
    parser.add_argument(
        f"--{prefix}creds",
        dest=_dest(prefix, "creds"),
        metavar="USER[:PASSWORD]",
        action=_DropValue,
        default=False,
        help="explicit credentials are given (podman --creds, a pull secret); any value "
        "works and it is dropped unread: they reach only sources on the image's host",
    )
    parser.add_argument(
        f"--{prefix}uid",
        dest=_dest(prefix, "uid"),
        metavar="UID",
        type=int,
        help="the uid the program runs as (/run/containers/UID/auth.json, the default "
        "lookaside); default: this process's, 0 with --root alone",
    )
    parser.add_argument(
        f"--{prefix}tls-verify",
        dest=_dest(prefix, "tls_verify"),
        metavar="true|false",
        nargs="?",
        const=True,
        type=_tls_verify,
        help="podman --tls-verify[=true|false]: override every source's insecure setting",
    )


def config_parent(*, host: bool = True) -> argparse.ArgumentParser:
    """A parent parser with both groups (and the pull-context options unless ``host`` is
    false), for ``parents=[...]``."""
    common = argparse.ArgumentParser(add_help=False)
    add_config_options(
        common.add_argument_group("configuration (default: the files podman reads on this host)")
    )
    add_profile_options(
        common.add_argument_group(
            "the program that pulls (default: podman with containers/image 5.34.2)"
        )
    )
    if host:
        add_host_options(
            common.add_argument_group(
                "pull context: TLS, credentials, signatures and policy (default: the files "
                "podman reads)"
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
    profile = profile_from_args(args, prefix)
    return load_config(
        _get(args, prefix, "config"),  # type: ignore[arg-type]
        dropin_dirs=_get(args, prefix, "config_dir"),  # type: ignore[arg-type]
        home=home_of(args, prefix),
        env=os.environ,
        root=_get(args, prefix, "root"),  # type: ignore[arg-type]
        version=profile.containers_image,
        toml=profile.toml,
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
    profile = profile_from_args(args, prefix)
    try:
        return load_alias_cache(
            alias_cache_file(args, prefix),
            home=home_of(args, prefix),
            env=os.environ,
            version=profile.containers_image,
            toml=profile.toml,
        )
    except InvalidConfig as err:
        return err


def resolver_from_args(args: argparse.Namespace, prefix: str = "") -> Resolver:
    """The configuration and the user's alias cache, as podman would see them."""
    return Resolver(load_from_args(args, prefix), user_aliases=_user_aliases(args, prefix))


def uses_host_options(args: argparse.Namespace, prefix: str = "") -> bool:
    """Whether any pull-context option was given (``--policy`` aside)."""
    return any(
        _get(args, prefix, name) not in (None, False)
        for name in ("authfile", "cert_dir", "registries_d", "creds", "tls_verify")
    )


def host_from_args(
    args: argparse.Namespace, prefix: str = "", *, resolver: Resolver | None = None
) -> Host:
    """The machine's pull context as the options describe it (registries.conf through
    ``resolver``, or :func:`resolver_from_args`).

    With ``--root`` alone the node is read as its root user would (uid 0, unless ``--uid``
    says otherwise), as `home_of` picks the root user's home.

    Raises:
        InvalidConfig: registries.conf does not load.
        MissingDependency: registries.d has YAML files and PyYAML is not installed.
    """
    profile = profile_from_args(args, prefix)
    root = _get(args, prefix, "root")
    authfile = _get(args, prefix, "authfile")
    return load_host(
        root=str(root) if root else None,
        home=home_of(args, prefix),
        uid=_uid(args, prefix),
        env=os.environ,
        auth_file=str(authfile) if authfile else program_auth_file(profile, os.environ),
        cert_dir=_get(args, prefix, "cert_dir"),  # type: ignore[arg-type]
        registries_d=_get(args, prefix, "registries_d"),  # type: ignore[arg-type]
        policy_path=_get(args, prefix, "policy"),  # type: ignore[arg-type]
        profile=profile,
        resolver=resolver if resolver is not None else resolver_from_args(args, prefix),
    )


def _uid(args: argparse.Namespace, prefix: str) -> int | None:
    uid = _get(args, prefix, "uid")
    if isinstance(uid, int):
        return uid
    return 0 if _get(args, prefix, "root") and not _get(args, prefix, "home") else None


def pull_options(args: argparse.Namespace, prefix: str = "") -> dict[str, Any]:
    """``explicit_credentials`` and ``tls_verify`` for ``Host.pull_context``."""
    return {
        "explicit_credentials": bool(_get(args, prefix, "creds")),
        "tls_verify": _get(args, prefix, "tls_verify"),
    }
