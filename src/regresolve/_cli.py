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
from regresolve._errors import InvalidConfig, RegresolveError
from regresolve._model import RegistriesConf, Registry

__all__ = ["CandidatePlan", "ImagePlan", "build_parser", "image_plan_to_dict", "main", "plan_image"]

EXIT_OK: Final = 0
EXIT_UNPLANNABLE: Final = 1
EXIT_USAGE: Final = 2

_MODES: Final = ("enforcing", "permissive", "disabled")


# --------------------------------------------------------------------------------------------
# Planning one image string, short names included (shared with regresolve.webhook)
# --------------------------------------------------------------------------------------------


@attrs.frozen
class CandidatePlan:
    """One fully qualified reference podman would hand to the docker transport.

    Attributes:
        reference: the candidate as text (for a fully qualified input: the input itself).
        description: how short-name resolution found it ("" for a fully qualified input).
        plan: the pull plan, or None when planning failed.
        error: the Go error text when planning failed, else None.
    """

    reference: str
    description: str
    plan: regresolve.PullPlan | None
    error: str | None = None
    detail: str | None = None


@attrs.frozen
class ImagePlan:
    """Everything podman would try for one image string, in order.

    Attributes:
        input: the text as given.
        short_name: whether the input is a short name (resolved through aliases or the
            unqualified-search registries before planning).
        mode: the short-name mode that applied (None for a fully qualified input).
        candidates: the references podman tries, in order; each carries its plan.
        error: the Go error text when the input fails before any candidate exists (parse
            error, short-name resolution error), else None.
        detail: ``str()`` of that error: the Go text plus regresolve's context.
    """

    input: str
    short_name: bool
    mode: str | None
    candidates: tuple[CandidatePlan, ...]
    error: str | None = None
    detail: str | None = None

    @property
    def failed(self) -> bool:
        """True when podman cannot start pulling: an error, or no candidate can be planned.

        A short name whose first candidate cannot be planned is not a failure while another
        candidate can: podman moves on to the next candidate.
        """
        return self.error is not None or all(c.plan is None for c in self.candidates)

    @property
    def failure(self) -> str | None:
        """The Go error text when :attr:`failed` (the first candidate's error), else None."""
        if self.error is not None:
            return self.error
        if self.failed:
            return next((c.error for c in self.candidates if c.error is not None), None)
        return None

    @property
    def sources(self) -> tuple[regresolve.PullSource, ...]:
        """Every pull attempt, in order, across candidates."""
        return tuple(s for c in self.candidates if c.plan is not None for s in c.plan.sources)

    @property
    def all_blocked(self) -> bool:
        """True when the plan exists but every source is blocked: the pull must fail."""
        sources = self.sources
        return bool(sources) and all(s.blocked for s in sources)

    @property
    def first_source(self) -> regresolve.PullSource | None:
        """The first source podman would actually contact (blocked ones fail without I/O)."""
        for source in self.sources:
            if not source.blocked:
                return source
        return None


def plan_image(
    resolver: regresolve.Resolver,
    text: str,
    *,
    short_name_mode: str | None = None,
) -> ImagePlan:
    """Plan ``text`` as podman would pull it: short-name resolution, then the docker transport.

    Never raises :class:`RegresolveError`: every failure is recorded in the result.

    Args:
        resolver: the resolver for the configuration in use.
        text: an image reference as a user or a Pod spec writes it.
        short_name_mode: overrides the configuration's short-name mode (as
            ``SystemContext.ShortNameMode`` does); None uses the configuration's.
    """
    try:
        short = regresolve.is_short_name(text)
    except RegresolveError:
        # Not even the raw grammar accepts it: the docker transport's own error is the answer
        # (ParseNormalizedNamed gives the same text a pull would print).
        short = False
    if not short:
        return ImagePlan(text, False, None, (_candidate(resolver, text, ""),))
    mode = short_name_mode or resolver.conf.effective_short_name_mode
    try:
        resolved = resolver.resolve_short_name(text, mode=short_name_mode)
    except RegresolveError as err:
        return ImagePlan(text, True, mode, (), err.go_message, str(err))
    candidates = tuple(
        CandidatePlan(str(c.reference), resolved.description, c.plan, c.plan_error, c.plan_error)
        for c in resolved.candidates
    )
    return ImagePlan(text, True, resolved.mode, candidates)


def _candidate(resolver: regresolve.Resolver, text: str, description: str) -> CandidatePlan:
    try:
        plan = resolver.plan(text)
    except RegresolveError as err:
        return CandidatePlan(text, description, None, err.go_message, str(err))
    return CandidatePlan(str(plan.reference), description, plan)


def _registry_dict(registry: Registry | None) -> dict[str, str] | None:
    if registry is None:
        return None
    return {"prefix": registry.prefix, "location": registry.location}


def _sources_list(plan: regresolve.PullPlan | None) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [
        {
            "reference": str(s.reference),
            "location": s.location,
            "insecure": s.insecure,
            "mirror": s.mirror,
            "blocked": s.blocked,
        }
        for s in plan.sources
    ]


def image_plan_to_dict(image: ImagePlan) -> dict[str, Any]:
    """The JSON object ``regresolve resolve --json`` prints for one input.

    ``{"input", "reference", "registry": {"prefix", "location"} | null, "sources": [...],
    "error": null | "<Go error text>"}``.  A short name adds ``"short_name": {"mode",
    "candidates": [{"reference", "description", "registry", "sources", "error"}]}``; then
    ``reference`` and ``registry`` are the first candidate's and ``sources`` lists every
    attempt of every candidate in order.
    """
    first = image.candidates[0] if image.candidates else None
    error = image.failure
    out: dict[str, Any] = {
        "input": image.input,
        "reference": None
        if first is None or (first.plan is None and not image.short_name)
        else first.reference,
        "registry": None
        if first is None or first.plan is None
        else _registry_dict(first.plan.registry),
        "sources": [s for c in image.candidates for s in _sources_list(c.plan)],
        "error": error,
    }
    if image.short_name:
        out["short_name"] = {
            "mode": image.mode,
            "candidates": [
                {
                    "reference": c.reference,
                    "description": c.description,
                    "registry": None if c.plan is None else _registry_dict(c.plan.registry),
                    "sources": _sources_list(c.plan),
                    "error": c.error,
                }
                for c in image.candidates
            ],
        }
    return out


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
    return common


def _mode_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--short-name-mode",
        choices=_MODES,
        help="override the configuration's short-name-mode",
    )


# --------------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------------


def _cmd_resolve(args: argparse.Namespace, out: TextIO) -> int:
    resolver = _resolver(args)
    plans = [plan_image(resolver, ref, short_name_mode=args.short_name_mode) for ref in args.ref]
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
    image = plan_image(resolver, args.ref, short_name_mode=args.short_name_mode)
    out.write(_describe_files(conf))
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
                for dropin in _files._dropin_files(path):
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
                dropins = _files._dropin_files(directory)
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


def lint(files: Sequence[tuple[str, RegistriesConf]]) -> list[str]:
    """Valid, but probably not what was meant: the surprises users report most.

    ``files`` are the files podman reads, each loaded on its own, in merge order.
    """
    warnings: list[str] = []
    first_seen: dict[str, tuple[str, Registry]] = {}
    for label, conf in files:
        for reg in conf.registries:
            entry = f"registry[prefix={json.dumps(reg.prefix)}]"
            earlier = first_seen.get(reg.prefix)
            if earlier is not None and earlier[0] != label:
                lost = len(earlier[1].mirrors)
                warnings.append(
                    f"{label}: {entry}: replaces the whole entry from {earlier[0]}"
                    + (f", dropping its {lost} mirror{'s' if lost != 1 else ''}" if lost else "")
                    + " (drop-ins replace [[registry]] tables, they do not merge them)"
                )
            first_seen[reg.prefix] = (label, reg)
            for i, mirror in enumerate(reg.mirrors):
                if mirror.location.endswith("/"):
                    warnings.append(
                        f"{label}: {entry}.mirror[{i}]: location {json.dumps(mirror.location)} "
                        "ends with '/': containers/image 5.34.2 keeps it, and every reference "
                        "rewritten through this mirror is invalid"
                    )
            if reg.blocked and not reg.prefix.startswith("*.") and reg.location != reg.prefix:
                warnings.append(
                    f"{label}: {entry}: blocked, but its location {json.dumps(reg.location)} "
                    "differs from its prefix: pulls are checked on the rewritten reference, "
                    "so this entry does not block them"
                )
    return warnings


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


def conf_to_dict(conf: RegistriesConf) -> dict[str, Any]:
    """The merged configuration as JSON-ready data (the shape of the oracle's ``config``)."""
    return {
        "files": list(conf.files),
        "registries": [
            {
                "prefix": r.prefix,
                "location": r.location,
                "insecure": r.insecure,
                "blocked": r.blocked,
                "mirror_by_digest_only": r.mirror_by_digest_only,
                "mirrors": [
                    {
                        "location": m.location,
                        "insecure": m.insecure,
                        "pull_from_mirror": m.pull_from_mirror,
                    }
                    for m in r.mirrors
                ],
                "origin": r.origin,
            }
            for r in conf.registries
        ],
        "unqualified_search_registries": (
            None
            if conf.unqualified_search_registries is None
            else list(conf.unqualified_search_registries)
        ),
        "unqualified_search_registries_origin": conf.unqualified_search_registries_origin,
        "short_name_mode": conf.effective_short_name_mode,
        "credential_helpers": list(conf.credential_helpers),
        "additional_layer_store_auth_helper": conf.additional_layer_store_auth_helper,
        "aliases": {a.name: {"value": a.value, "origin": a.origin} for a in conf.aliases},
    }


def _cmd_dump(args: argparse.Namespace, out: TextIO) -> int:
    conf = _load(args)
    if args.format == "json":
        out.write(json.dumps(conf_to_dict(conf), indent=2, ensure_ascii=False) + "\n")
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
    except InvalidConfig as err:
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
