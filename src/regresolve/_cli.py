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

The pull context (``_cliconf.add_host_options``: ``--authfile``, ``--cert-dir``,
``--registries-d``, ``--policy``, ``--creds``, ``--tls-verify``, ``--uid``) is read through
``load_host`` with the same ``--root``/``--home`` and program: ``explain`` tells it source by
source (``_contexttext``), ``resolve --json`` and ``explain --json`` add a ``context`` object,
``check`` warns about what fails silently in it (``_lint_host``).  It never changes the exit
status.

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

import regresolve
from regresolve._checkcmd import register as register_check
from regresolve._cliconf import (
    UsageError,
    alias_cache_file,
    config_parent,
    files_from_args,
    host_from_args,
    load_from_args,
    profile_from_args,
    pull_options,
    resolver_from_args,
)
from regresolve._config import RegistriesConf
from regresolve._contexttext import describe_context
from regresolve._diffcmd import register as register_diff
from regresolve._errors import InvalidConfig, InvalidProfile, RegresolveError
from regresolve._gotext import is_go_printable
from regresolve._host import Host, pull_context_to_dict
from regresolve._model import SHORT_NAME_MODES
from regresolve._profiles import Profile, profile_to_dict
from regresolve._reference import parse_raw
from regresolve._sigstore import MissingDependency
from regresolve.imageplan import SCHEMA_VERSION, ImagePlan, image_plan_to_dict, plan_image
from regresolve.webhook import _commands as webhook_commands

__all__ = ["build_parser", "main"]

EXIT_OK: Final = 0
EXIT_UNPLANNABLE: Final = 1
EXIT_USAGE: Final = 2


# --------------------------------------------------------------------------------------------
# Configuration options
# --------------------------------------------------------------------------------------------


def _resolver(args: argparse.Namespace) -> regresolve.Resolver:
    return resolver_from_args(args)


def _alias_cache_path(args: argparse.Namespace) -> str:
    return alias_cache_file(args)


def _load(args: argparse.Namespace) -> RegistriesConf:
    return load_from_args(args)


def _profile(args: argparse.Namespace) -> Profile:
    return profile_from_args(args)


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
        for ref in _references(args.ref)
    ]
    if args.json:
        host = _host(args, resolver)
        for image in plans:
            doc = image_plan_to_dict(image)
            doc["context"] = _context_dict(host, image, args)
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    else:
        for image in plans:
            _write_resolve_text(image, out)
    return EXIT_UNPLANNABLE if any(p.failed or p.all_blocked for p in plans) else EXIT_OK


def _host(args: argparse.Namespace, resolver: regresolve.Resolver) -> Host | None:
    """The pull context's snapshot, or None (said on stderr) when registries.d needs PyYAML."""
    try:
        return host_from_args(args, resolver=resolver)
    except MissingDependency as err:
        sys.stderr.write(f"regresolve: no pull context: {err}\n")
        return None


def _context_dict(host: Host | None, image: ImagePlan, args: argparse.Namespace) -> Any:
    """``pull_context_to_dict`` without the image (printed beside it), or None."""
    if host is None:
        return None
    doc = pull_context_to_dict(host.context_of(image, **pull_options(args)))
    del doc["image"]
    doc["policy_file"] = host.policy_path or None
    return doc


def _references(refs: Sequence[str]) -> list[str]:
    """The references given, with ``-`` replaced by the lines of standard input."""
    out: list[str] = []
    for ref in refs:
        if ref == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            out.append(ref)
    return out


def _show(text: str) -> str:
    """User input as it is safe to print on a terminal: escaped when unprintable, "" if empty."""
    if text and is_go_printable(text):
        return text
    return json.dumps(text)


def _prompt_advice(image: ImagePlan, indent: str) -> str:
    """What podman would have asked at a terminal, and how to decide without one."""
    if not image.prompt:
        return ""
    lines = [f"{indent}podman would ask which of these to pull (it cannot without a terminal):"]
    lines.extend(f"{indent}  {i}. {ref}" for i, ref in enumerate(image.prompt, 1))
    try:
        name = parse_raw(image.input).name
    except RegresolveError:
        name = image.input
    try:
        target = regresolve.parse_reference(image.prompt[0]).name
    except RegresolveError:  # pragma: no cover - candidates are valid references
        target = image.prompt[0]
    lines.append(
        f"{indent}to choose: pull a fully qualified name, or add an alias to registries.conf: "
        f"[aliases] {json.dumps(name)} = {json.dumps(target)}"
    )
    return "\n".join(lines) + "\n"


def _write_resolve_text(image: ImagePlan, out: TextIO) -> None:
    if image.error is not None:
        out.write(f"{_show(image.input)}: error: {image.detail}\n")
        out.write(_prompt_advice(image, "  "))
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
    host = _host(args, resolver)
    code = EXIT_UNPLANNABLE if image.failed or image.all_blocked else EXIT_OK
    skipped = _skipped_files(args)
    if args.json:
        doc = {
            "schema": SCHEMA_VERSION,
            "configuration": {
                "files": list(conf.files),
                "skipped": [{"file": f, "reason": why} for f, why in skipped],
            },
            "program": profile_to_dict(profile),
            "image": image_plan_to_dict(image),
            "context": _context_dict(host, image, args),
        }
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return code
    out.write(_describe_files(conf))
    out.writelines(f"  skipped {f}: {why}\n" for f, why in skipped)
    out.write(f"Program: {profile.describe()}\n")
    if image.error is not None:
        out.write(f"\n{_show(image.input)}: {image.detail}\n")
        out.write(_prompt_advice(image, "  "))
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
    if host is not None:
        options = pull_options(args)
        ctx = host.context_of(image, **options)
        out.write("\n")
        out.write(
            describe_context(ctx, policy_path=host.policy_path, tls_verify=options["tls_verify"])
        )
    return code


def _skipped_files(args: argparse.Namespace) -> list[tuple[str, str]]:
    try:
        return list(files_from_args(args).skipped)
    except InvalidConfig:  # pragma: no cover - the load that just succeeded listed them
        return []


def _describe_files(conf: RegistriesConf) -> str:
    if not conf.files:
        return "Configuration: none found (empty configuration, as podman uses).\n"
    lines = [f"Configuration: {conf.files[0]}"]
    lines.extend(f"  + drop-in {f}" for f in conf.files[1:])
    return "\n".join(lines) + "\n"


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
    common = config_parent()

    p = sub.add_parser(
        "resolve",
        parents=[common],
        help="the pull plan of each reference: every source in order",
        description="Print the sources podman would try for each reference, in order. "
        "Short names are resolved first (aliases, then unqualified-search registries).",
    )
    p.add_argument(
        "ref", nargs="+", metavar="REF", help="an image reference (- reads them from stdin)"
    )
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
    p.add_argument("--json", action="store_true", help="one JSON document")
    _mode_option(p)
    p.set_defaults(func=_cmd_explain)

    register_check(sub, common)

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

    webhook_commands.register(sub)  # review, webhook serve
    register_diff(sub)

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
    except UsageError as err:
        sys.stderr.write(f"regresolve: {err}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        # `regresolve ... | head`: stop quietly, as coreutils do; point stdout at /dev/null so
        # the interpreter's final flush does not complain again.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
