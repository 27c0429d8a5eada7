"""The ``regresolve`` command: ``resolve``, ``explain``, ``check``, ``parse`` and ``dump``.

Exit codes (the same for every subcommand):

* ``0``: success;
* ``1``: a reference could not be planned: it does not parse, the docker transport refuses it
  (tag and digest together, a rewrite that yields an invalid reference), short-name resolution
  fails or none of its candidates can be planned, or every source is blocked, so the pull
  cannot succeed;
* ``2``: a usage error (argparse) or a configuration error (a file podman would refuse).

The configuration options mirror podman's: with none, the files podman reads on this host
(``$HOME/.config/containers/registries.conf`` or ``/etc/containers/registries.conf``, their
drop-in directories, ``$CONTAINERS_REGISTRIES_CONF``).  ``--config FILE`` replaces the main
file, ``--config-dir DIR`` (repeatable) replaces the drop-in directories, ``--home DIR`` stands
for ``$HOME`` and ``--root DIR`` for a filesystem mounted elsewhere (a node's ``/`` at ``/host``).
A machine without any file gets the empty configuration, as podman does.

Short names (``nginx``, ``team/tool:1``) are resolved the way podman resolves them before it
pulls: an alias, else every unqualified-search registry in order, with the short-name mode
applied as podman applies it without a terminal (regresolve never prompts).  Each candidate
is then planned like a fully qualified reference, and the sources podman tries are those of
every candidate in order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final, TextIO

import attrs

import regresolve
from regresolve import _files
from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig, InvalidProfile, RegresolveError
from regresolve._lint import lint
from regresolve._model import SHORT_NAME_MODES
from regresolve._profiles import (
    CONSUMERS,
    DEFAULT_PROFILE,
    Profile,
    make_profile,
    product_profile,
)
from regresolve.imageplan import ImagePlan, image_plan_to_dict, plan_image

__all__ = ["build_parser", "main"]

EXIT_OK: Final = 0
EXIT_UNPLANNABLE: Final = 1
EXIT_USAGE: Final = 2


# --------------------------------------------------------------------------------------------
# Configuration options
# --------------------------------------------------------------------------------------------


class _UsageError(Exception):
    """A problem with the command line that argparse cannot see (exit 2)."""


def _resolver(args: argparse.Namespace) -> regresolve.Resolver:
    """The configuration and the user's short-name alias cache, as podman would see them."""
    return regresolve.Resolver(_load(args), user_aliases=_user_aliases(args))


def _alias_cache_path(args: argparse.Namespace) -> str:
    path = _files.alias_cache_path(home=args.home, env=os.environ)
    if args.root and path.startswith("/var/"):
        # The root user's cache is a system path: below --root, like /etc/containers.
        path = os.path.join(args.root, path.lstrip("/"))
    return path


def _user_aliases(args: argparse.Namespace) -> tuple[regresolve.Alias, ...] | InvalidConfig:
    # A corrupt cache is not fatal here: as in Go, it fails every short-name resolution.
    try:
        return regresolve.load_alias_cache(_alias_cache_path(args), home=args.home, env=os.environ)
    except InvalidConfig as err:
        return err


def _load(args: argparse.Namespace) -> RegistriesConf:
    return regresolve.load_config(
        args.config,
        dropin_dirs=args.config_dir,
        home=args.home,
        env=os.environ,
        root=args.root,
    )


def _config_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group(
        "configuration (default: the files podman reads on this host)"
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        help="the main registries.conf (like $CONTAINERS_REGISTRIES_CONF); "
        "a missing FILE is an error",
    )
    group.add_argument(
        "--config-dir",
        metavar="DIR",
        action="append",
        help="a drop-in directory; repeatable; replaces the default directories",
    )
    group.add_argument(
        "--home", metavar="DIR", help="use DIR as $HOME (user configuration and alias cache)"
    )
    group.add_argument(
        "--root",
        metavar="DIR",
        help="look for /etc/containers/... below DIR (a node's root mounted elsewhere)",
    )
    program = common.add_argument_group(
        "the program that pulls (default: podman with containers/image 5.34.2)"
    )
    program.add_argument(
        "--as",
        dest="product",
        metavar="PRODUCT",
        help="a product shorthand: podman-4.3, debian-12, rhel-9.4, ubuntu-24.04, crio-1.31, "
        "ocp-4.18, skopeo, ... (docs/versions.md lists them all)",
    )
    program.add_argument(
        "--containers-image",
        metavar="VERSION",
        help="the containers/image release whose semantics apply (5.23 ... 5.41)",
    )
    program.add_argument(
        "--consumer",
        choices=CONSUMERS,
        help="the program around the library (tag+digest, short names, auth file)",
    )
    program.add_argument(
        "--crio-short-name-mode",
        choices=("enforcing", "disabled"),
        help="CRI-O 1.34+: short_name_mode from crio.conf (default enforcing)",
    )
    return common


def _profile(args: argparse.Namespace) -> Profile:
    """The profile the options name: ``--as`` first, then the single options on top."""
    base = product_profile(args.product) if args.product else DEFAULT_PROFILE
    if not (args.containers_image or args.consumer or args.crio_short_name_mode):
        return base
    return attrs.evolve(
        make_profile(
            args.containers_image or base.containers_image,
            args.consumer or base.consumer,
            crio_short_name_mode=args.crio_short_name_mode or base.crio_short_name_mode,
            auth_file=base.auth_file,
        ),
        product=base.product,
    )


def _mode_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--short-name-mode",
        choices=SHORT_NAME_MODES,
        help="override the configuration's short-name-mode",
    )


# --------------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------------


def _cmd_resolve(args: argparse.Namespace, out: TextIO) -> int:
    resolver = _resolver(args)
    profile = _profile(args)
    plans = [
        plan_image(resolver, ref, short_name_mode=args.short_name_mode, profile=profile)
        for ref in args.ref
    ]
    if args.json:
        for image in plans:
            out.write(json.dumps(image_plan_to_dict(image), ensure_ascii=False) + "\n")
    else:
        for image in plans:
            _write_resolve_text(image, out)
    return EXIT_UNPLANNABLE if any(p.failed or p.all_blocked for p in plans) else EXIT_OK


def _show(text: str) -> str:
    """User input as it is safe to print on a terminal: escaped when unprintable, "" if empty."""
    if text and text.isprintable():
        return text
    return json.dumps(text)


def _write_resolve_text(image: ImagePlan, out: TextIO) -> None:
    if image.error is not None:
        out.write(f"{_show(image.input)}: error: {image.detail}\n")
        return
    if image.short_name:
        count = len(image.candidates)
        out.write(
            f"{_show(image.input)}: short name, {count} candidate{'s' if count != 1 else ''}"
            f" (short-name-mode {image.mode})\n"
        )
    n = 0
    for cand in image.candidates:
        indent = "  " if image.short_name else ""
        if not image.short_name and cand.plan is None:
            out.write(f"{_show(image.input)}: error: {cand.detail}\n")
            continue
        if image.short_name:
            out.write(f"  {cand.reference}: {cand.description}\n")
        else:
            out.write(f"{cand.reference}\n")
        if cand.plan is None:
            out.write(f"{indent}  error: {cand.detail}\n")
            continue
        for source in cand.plan.sources:
            n += 1
            flags = ["mirror" if source.mirror else "primary"]
            if source.insecure:
                flags.append("insecure")
            if source.blocked:
                flags.append("BLOCKED")
            out.write(f"{indent}  {n}. {source.reference}  ({', '.join(flags)})\n")
    if image.all_blocked:
        out.write("  every source is blocked: the pull fails\n")


def _cmd_explain(args: argparse.Namespace, out: TextIO) -> int:
    resolver = _resolver(args)
    conf = resolver.conf
    profile = _profile(args)
    image = plan_image(resolver, args.ref, short_name_mode=args.short_name_mode, profile=profile)
    out.write(_describe_files(conf))
    out.write(f"Program: {profile.describe()}\n")
    if image.error is not None:
        out.write(f"\n{_show(image.input)}: {image.detail}\n")
        return EXIT_UNPLANNABLE
    if image.short_name:
        count = len(image.candidates)
        out.write(
            f"\n{image.input!r} is a short name; short-name-mode is {image.mode}.\n"
            + (
                "podman tries 1 candidate:\n"
                if count == 1
                else f"podman tries {count} candidates in order, each with its own sources:\n"
            )
        )
        for i, cand in enumerate(image.candidates, 1):
            out.write(f"  {i}. {cand.reference}: {cand.description}\n")
    for i, cand in enumerate(image.candidates, 1):
        out.write("\n")
        if image.short_name:
            out.write(f"Candidate {i}: {cand.reference}\n")
        if cand.plan is None:
            out.write(f"{_show(cand.reference)}: {cand.detail}\n")
            continue
        text = cand.plan.explain()
        out.write(text if text.endswith("\n") else text + "\n")
    if image.short_name and len(image.candidates) > 1 and image.all_blocked:
        out.write("\nEvery source of every candidate is blocked: the pull fails.\n")
    return EXIT_UNPLANNABLE if image.failed or image.all_blocked else EXIT_OK


def _describe_files(conf: RegistriesConf) -> str:
    if not conf.files:
        return "Configuration: none found (empty configuration, as podman uses).\n"
    lines = [f"Configuration: {conf.files[0]}"]
    lines.extend(f"  + drop-in {f}" for f in conf.files[1:])
    return "\n".join(lines) + "\n"


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    problems: list[str] = []
    checked: list[str] = []
    loaded: list[tuple[str, RegistriesConf]] = []

    def validate(label: str, load: Callable[[], object]) -> None:
        try:
            conf = load()
        except InvalidConfig as err:
            problems.append(_problem(err, label))
        else:
            checked.append(label)
            if isinstance(conf, RegistriesConf):
                loaded.append((label, conf))

    if args.files:
        # Each FILE on its own, with the rules of a main file; a directory: each of its
        # drop-ins, as podman would list them.
        for path in args.files:
            if os.path.isdir(path):
                for dropin in _files.dropin_files(path):
                    validate(dropin, _dropin_loader(dropin))
            else:
                validate(path, _main_loader(path))
    else:
        # The files podman would read, each validated on its own as podman does before
        # merging, so one broken drop-in does not hide the problems of the next one.
        paths = _files.config_paths(
            args.config,
            dropin_dirs=args.config_dir,
            home=args.home,
            env=os.environ,
            root=args.root,
        )
        if os.path.lexists(paths.config_path) or paths.explicit:
            validate(paths.config_path, _main_loader(paths.config_path))
        for directory in paths.dirs:
            try:
                dropins = _files.dropin_files(directory)
            except InvalidConfig as err:
                problems.append(_problem(err, directory))
                continue
            for dropin in dropins:
                validate(dropin, _dropin_loader(dropin))
        if not problems:
            # Everything valid on its own: merging cannot fail, but load it as podman does.
            validate("(merged configuration)", lambda: _load(args))
            if checked and checked[-1] == "(merged configuration)":
                checked.pop()
                loaded.pop()
        try:
            cache = _alias_cache_path(args)
        except InvalidConfig as err:
            problems.append(_problem(err, "short-name alias cache"))
        else:
            if os.path.lexists(cache):
                validate(
                    cache,
                    lambda: _files.load_alias_cache(cache, home=args.home, env=os.environ),
                )
    for problem in problems:
        out.write(problem + "\n")
    if problems:
        out.write(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found\n")
        return EXIT_USAGE
    for warning in lint(loaded):
        out.write(f"warning: {warning}\n")
    if checked:
        out.write("".join(f"ok: {f}\n" for f in checked))
    else:
        out.write("ok: no configuration file found (podman uses an empty configuration)\n")
    return EXIT_OK


def _main_loader(path: str) -> Callable[[], object]:
    return lambda: regresolve.load_config(path, dropin_dirs=[], env={})


def _dropin_loader(path: str) -> Callable[[], object]:
    # An empty main file plus this one drop-in: the drop-in's own rules and messages.
    return lambda: regresolve.load_config(os.devnull, dropin_dirs=[path], env={})


def _problem(err: InvalidConfig, fallback_path: str) -> str:
    path = err.path or fallback_path or "<configuration>"
    where = f"{path}: {err.entry}" if err.entry else path
    return f"{where}: {err.go_message}"


def _cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    try:
        ref = regresolve.parse_reference(args.ref, normalize=not args.no_normalize)
    except RegresolveError as err:
        if args.json:
            out.write(json.dumps({"input": args.ref, "error": err.go_message}) + "\n")
        else:
            out.write(f"{args.ref}: error: {err}\n")
        return EXIT_UNPLANNABLE
    try:
        short: bool | None = regresolve.is_short_name(args.ref)
    except RegresolveError:
        short = None
    fields: dict[str, Any] = {
        "input": args.ref,
        "string": str(ref),
        "name": ref.name,
        "domain": ref.domain,
        "path": ref.path,
        "tag": ref.tag,
        "digest": ref.digest,
        "familiar": ref.familiar,
        "with_default_tag": str(ref.with_default_tag()),
        "short_name": short,
        "error": None,
    }
    if args.json:
        out.write(json.dumps(fields, ensure_ascii=False) + "\n")
    else:
        width = max(len(k) for k in fields)
        for key, value in fields.items():
            if key in ("input", "error"):
                continue
            shown = (
                "-" if value is None else str(value).lower() if isinstance(value, bool) else value
            )
            out.write(f"{key:<{width}}  {shown}\n")
    return EXIT_OK


def _cmd_dump(args: argparse.Namespace, out: TextIO) -> int:
    conf = _load(args)
    if args.format == "json":
        out.write(json.dumps(conf.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write("".join(f"# from {f}\n" for f in conf.files))
        out.write(conf.to_toml())
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# Parser and entry point
# --------------------------------------------------------------------------------------------

_Command = Callable[[argparse.Namespace, TextIO], int]


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the ``regresolve`` command (also used to document it)."""
    parser = argparse.ArgumentParser(
        prog="regresolve",
        description="Where will podman pull this image from? Answers exactly as "
        "containers/image 5.34.2 would, from this host's registries.conf.",
        epilog="Exit status: 0 success, 1 a reference cannot be planned (or every source "
        "is blocked), 2 usage or configuration error.",
    )
    parser.add_argument("--version", action="version", version=regresolve.__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _config_options()

    p = sub.add_parser(
        "resolve",
        parents=[common],
        help="the pull plan of each reference: every source in order",
        description="Print the sources podman would try for each reference, in order. "
        "Short names are resolved first (aliases, then unqualified-search registries).",
    )
    p.add_argument("ref", nargs="+", metavar="REF", help="an image reference")
    p.add_argument("--json", action="store_true", help="one JSON object per reference")
    _mode_option(p)
    p.set_defaults(func=_cmd_resolve)

    p = sub.add_parser(
        "explain",
        parents=[common],
        help="the story of one pull: files, entry, mirrors used or skipped and why",
        description="Explain which file and entry match REF, which mirrors are used or "
        "skipped and why, what is blocked or insecure, and the short-name candidates.",
    )
    p.add_argument("ref", metavar="REF", help="an image reference")
    _mode_option(p)
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate the configuration (or the given files) as podman would",
        description="Validate the files podman would read on this host (or each FILE on "
        "its own) and list every problem with its file and entry.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="check these files instead")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser(
        "parse",
        help="parse a reference as podman does (ParseNormalizedNamed)",
        description="Parse REF with the docker/reference grammar of containers/image.",
    )
    p.add_argument("ref", metavar="REF", help="an image reference")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument(
        "--no-normalize",
        action="store_true",
        help="accept only canonical references (ParseNamed instead of ParseNormalizedNamed)",
    )
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser(
        "dump",
        parents=[common],
        help="print the merged configuration",
        description="Print the configuration podman ends up with after merging the main "
        "file and its drop-ins.",
    )
    p.add_argument(
        "--format", choices=("toml", "json"), default="toml", help="output format (toml)"
    )
    p.set_defaults(func=_cmd_dump)

    openshift = _openshift_cli()
    if openshift is not None:
        openshift.register(sub)
    return parser


def _openshift_cli() -> Any:
    """``regresolve.openshift._cli`` when it is importable (it adds ``openshift ...``)."""
    try:
        from regresolve.openshift import _cli as openshift_cli  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the package ships it
        return None
    return openshift_cli


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    stream = sys.stdout if out is None else out
    if args.command == "openshift":
        code: int = _openshift_cli().run(args, stream, sys.stderr)
        return code
    func: _Command = args.func
    try:
        return func(args, stream)
    except (InvalidConfig, InvalidProfile) as err:
        sys.stderr.write(f"regresolve: {err}\n")
        return EXIT_USAGE
    except _UsageError as err:
        sys.stderr.write(f"regresolve: {err}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        # `regresolve ... | head`: stop quietly, as coreutils do; point stdout at /dev/null so
        # the interpreter's final flush does not complain again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
