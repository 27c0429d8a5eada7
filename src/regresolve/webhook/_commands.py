"""``regresolve review`` and ``regresolve webhook serve`` (also ``python -m regresolve.webhook``).

``register(subparsers)`` adds both to the main command; :func:`main` runs ``webhook serve``
on its own.  Both commands judge
with :func:`regresolve.webhook._review.decide`, configured by :func:`judgement`.

Exit codes follow the main command: 0 success, 1 ``review`` found an object the webhook would
deny, 2 a usage or configuration error (an unreadable or malformed input, registries.conf or
policy.json podman would refuse, a certificate that does not load).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import json
import os
import ssl
import sys
from collections.abc import Sequence
from typing import Any, Final, TextIO

from regresolve._cliconf import (
    alias_cache_file,
    config_parent,
    home_of,
    host_from_args,
    profile_from_args,
    resolver_from_args,
    uses_host_options,
)
from regresolve._errors import InvalidConfig, RegresolveError
from regresolve._files import read_text
from regresolve._host import Host, host_paths
from regresolve._manifests import loads
from regresolve._model import SHORT_NAME_MODES
from regresolve._policy import Policy, parse_policy
from regresolve._reload import Reloader
from regresolve._resolve import Resolver
from regresolve.webhook._context import context_dict
from regresolve.webhook._http import Limits
from regresolve.webhook._requests import ReviewInput, review_inputs
from regresolve.webhook._review import Decision, decide
from regresolve.webhook._sites import images_of
from regresolve.webhook._watch import Watched

__all__ = [
    "config_options",
    "host_of",
    "judgement",
    "main",
    "manifest_images",
    "manifest_texts",
    "register",
]

EXIT_OK: Final = 0
EXIT_DENIED: Final = 1
EXIT_USAGE: Final = 2
_SUFFIXES: Final = (".yaml", ".yml", ".json")


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


def config_options() -> argparse.ArgumentParser:
    """The options every command that reads configuration has: which files (``--config``,
    ``--config-dir``, ``--home``, ``--root``) and which program reads them (``--as``,
    ``--containers-image``, ``--consumer``, ``--crio-short-name-mode``)."""
    return config_parent()


def _judgement_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "judgement (--policy FILE: a containers-policy.json whose reject denies and whose "
        "signature requirement warns)"
    )
    group.add_argument(
        "--short-name-mode",
        choices=SHORT_NAME_MODES,
        help="override the configuration's short-name-mode",
    )
    group.add_argument(
        "--deny-ambiguous-short-names",
        action="store_true",
        help="deny short names with several candidates (as CRI-O 1.34 refuses them)",
    )
    group.add_argument(
        "--pull-context",
        action="store_true",
        help="also judge what each source's TLS, credentials and signature storage decide, "
        "from the nodes' files (--root, --home, --authfile, --cert-dir, --registries-d; "
        "implied by any of the last three, --creds or --tls-verify): the verdicts carry the "
        "context, and an image whose every source fails before the network gets a warning",
    )
    group.add_argument(
        "--deny-unpullable",
        action="store_true",
        help="with the pull context: deny, rather than warn about, an image whose every "
        "source fails before the network (certificates, credentials, signature storage)",
    )


def judgement(args: argparse.Namespace) -> dict[str, Any]:
    """How to judge: the keyword arguments both commands give ``decide``.

    The program the nodes run (``--as crio-1.31``, ``--as ocp-4.18``, or ``--consumer cri-o``
    with ``--containers-image``) decides how tag+digest images and short names are planned;
    ``--short-name-mode`` overrides the mode on top of it.
    """
    return {
        "short_name_mode": args.short_name_mode,
        "deny_ambiguous_short_names": args.deny_ambiguous_short_names,
        "profile": profile_from_args(args),
        "explicit_credentials": True if args.creds else None,
        "tls_verify": args.tls_verify,
        "deny_unpullable": args.deny_unpullable,
    }


def host_of(args: argparse.Namespace, resolver: Resolver | None = None) -> Host | None:
    """The nodes' pull context when it was asked for (``--pull-context``, or any option
    that only it uses), else None.

    Raises:
        InvalidConfig: registries.conf does not load.
        MissingDependency: registries.d has YAML files and PyYAML is not installed.
    """
    if not (args.pull_context or uses_host_options(args)):
        return None
    return host_from_args(args, resolver=resolver)


def _serve_options(parser: argparse.ArgumentParser) -> None:
    tls = parser.add_argument_group("listening")
    tls.add_argument(
        "--cert",
        required=True,
        metavar="FILE",
        help="TLS certificate chain, PEM (reloaded when it changes)",
    )
    tls.add_argument(
        "--key",
        required=True,
        metavar="FILE",
        help="TLS private key, PEM (reloaded when it changes)",
    )
    tls.add_argument("--address", default="0.0.0.0", help="address to bind (0.0.0.0)")
    tls.add_argument("--port", type=int, default=8443, help="port (8443; 0 picks a free one)")
    tls.add_argument(
        "--ready-file",
        metavar="FILE",
        help="once listening, write the base URL (https://HOST:PORT) to FILE",
    )
    _judgement_options(parser)
    parser.add_argument(
        "--mutate",
        choices=("pin", "qualify"),
        default="pin",
        help="what /mutate rewrites: the first source podman contacts (pin) "
        "or the fully qualified name (qualify)",
    )
    run = parser.add_argument_group("running")
    run.add_argument(
        "--reload-interval",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how often the files are checked for changes (2)",
    )
    run.add_argument(
        "--shutdown-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="on SIGTERM, keep serving (not ready) this long first (0)",
    )
    run.add_argument(
        "--shutdown-grace",
        type=float,
        default=25.0,
        metavar="SECONDS",
        help="then wait at most this long for requests in progress (25)",
    )
    run.add_argument(
        "--max-request-bytes",
        type=int,
        default=Limits().max_body,
        metavar="N",
        help="largest request body accepted (8 MiB)",
    )
    run.add_argument(
        "--read-timeout",
        type=float,
        default=Limits().read_timeout,
        metavar="SECONDS",
        help="time allowed to send a request (10)",
    )
    run.add_argument(
        "--idle-timeout",
        type=float,
        default=Limits().idle_timeout,
        metavar="SECONDS",
        help="keep-alive connections idle longer are closed (120)",
    )


def register(subparsers: Any) -> None:
    """Add ``review`` and ``webhook serve`` to an argparse subparsers object."""
    common = config_options()
    p = subparsers.add_parser(
        "review",
        parents=[common],
        help="judge Pods and workloads from files as the admission webhook would",
        description="Build the AdmissionReview the API server would send for each object "
        "(Pods, workloads, Lists, multi-document YAML, `kubectl get -o json` output, "
        "recorded AdmissionReviews) and judge it with the webhook's own function.",
        epilog="Exit status: 0 everything would be admitted, 1 something would be denied, "
        "2 usage, input or configuration error.",
    )
    p.add_argument(
        "-f",
        "--filename",
        dest="files",
        action="append",
        required=True,
        metavar="FILE|DIR|-",
        help="a manifest file, a directory of *.yaml, "
        "*.yml and *.json files, or - for standard input; repeatable",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per image")
    _judgement_options(p)
    p.set_defaults(func=cmd_review)

    w = subparsers.add_parser(
        "webhook",
        help="run the admission webhook server",
        description="The admission webhook: `regresolve webhook serve`.",
    )
    wsub = w.add_subparsers(dest="webhook_command", metavar="COMMAND", required=True)
    s = wsub.add_parser(
        "serve",
        parents=[common],
        help="serve /validate and /mutate over HTTPS",
        description="Serve the admission webhook over HTTPS: /validate, /mutate, /healthz, "
        "/readyz, /metrics.  Certificate, registries.conf and policy.json are reloaded when "
        "they change.",
    )
    _serve_options(s)
    s.set_defaults(func=cmd_serve)


# --------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------


def _resolver(args: argparse.Namespace) -> Resolver:
    return resolver_from_args(args)


def _load_policy(path: str) -> Policy:
    return parse_policy(read_text(path), path=path)


def manifest_images(paths: Sequence[str]) -> list[str]:
    """Every image named by the Kubernetes objects in ``paths`` (files, directories, ``-``),
    in order: what ``regresolve review`` judges, for other commands (``diff``).

    Raises:
        RegresolveError: a document that does not decode (naming its file).
        OSError: a path that cannot be read.
    """
    images: list[str] = []
    for origin, text in manifest_texts(paths):
        data = loads(text, functools.partial(_input_error, origin))
        for item in review_inputs(data, origin):
            request = item.review.get("request") if not item.problem else None
            if not isinstance(request, dict):
                continue
            obj = request.get("object")
            kind = request.get("kind", {}).get("kind", "")
            if isinstance(obj, dict) and isinstance(kind, str):
                try:
                    images.extend(site.image for site in images_of(kind, obj))
                except ValueError:
                    continue  # a malformed pod spec: review reports it, diff skips it
    return images


def _host_or_fail(args: argparse.Namespace) -> Host:
    host = host_of(args)
    assert host is not None  # the server watches it only when it was asked for
    return host


def _input_error(origin: str, message: str) -> RegresolveError:
    return RegresolveError(f"{origin}: {message}")


def _fail(message: str) -> int:
    sys.stderr.write(f"regresolve: {message}\n")
    return EXIT_USAGE


# --------------------------------------------------------------------------------------------
# regresolve review
# --------------------------------------------------------------------------------------------


def manifest_texts(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(origin, text)`` of every input, directories expanded (not recursively)."""
    texts: list[tuple[str, str]] = []
    for path in paths:
        if path == "-":
            texts.append(("<stdin>", sys.stdin.read()))
        elif os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                full = os.path.join(path, name)
                if name.endswith(_SUFFIXES) and os.path.isfile(full):
                    texts.append((full, read_text(full)))
        else:
            texts.append((path, read_text(path)))
    return texts


def cmd_review(args: argparse.Namespace, out: TextIO) -> int:
    """``regresolve review``: see :func:`register`."""
    try:
        policy = None if args.policy is None else _load_policy(args.policy)
        numbers = itertools.count(1)
        items: list[ReviewInput] = []
        for origin, text in manifest_texts(args.files):
            data = loads(text, functools.partial(_input_error, origin))
            if isinstance(data, list) and len(data) == 1:
                data = data[0]  # one document: no index in messages
            items.extend(review_inputs(data, origin, numbers))
    except OSError as err:
        return _fail(str(err))
    except InvalidConfig:
        raise
    except RegresolveError as err:
        return _fail(str(err))
    problems = [f"{item.where}: {item.problem}" for item in items if item.problem]
    if problems:
        for problem in problems:
            sys.stderr.write(f"regresolve: {problem}\n")
        return EXIT_USAGE
    resolver = _resolver(args)
    options = judgement(args)
    try:
        host = host_of(args, resolver)
    except InvalidConfig:
        raise
    except RegresolveError as err:  # PyYAML missing for registries.d
        return _fail(str(err))
    counts = {"objects": 0, "skipped": 0, "allowed": 0, "warned": 0, "denied": 0}
    denied = False
    for item in items:
        decision = decide(item.review, resolver, policy=policy, host=host, **options)
        denied = denied or not decision.allowed
        if decision.note and decision.allowed:
            counts["skipped"] += 1
            continue
        counts["objects"] += 1
        for image in decision.images:
            counts[image.verdict] += 1
        if args.json:
            _write_json(item, decision, out)
        else:
            _write_text(item, decision, out)
    if not args.json:
        images = counts["allowed"] + counts["warned"] + counts["denied"]
        out.write(
            f"{counts['objects']} object{'s' if counts['objects'] != 1 else ''} judged"
            f" ({counts['skipped']} without a pod spec or not checked), {images} image"
            f"{'s' if images != 1 else ''}: {counts['allowed']} allowed, {counts['warned']}"
            f" with warnings, {counts['denied']} denied\n"
        )
    return EXIT_DENIED if denied else EXIT_OK


def _title(decision: Decision) -> str:
    where = f"{decision.namespace}/{decision.name}" if decision.namespace else decision.name
    return f"{decision.kind} {where or '(unnamed)'}"


def _write_text(item: ReviewInput, decision: Decision, out: TextIO) -> None:
    verdict = "allowed" if decision.allowed else "DENIED"
    out.write(f"{item.where}: {_title(decision)}: {verdict}\n")
    if not decision.images and not decision.allowed:
        message = decision.answer["response"].get("status", {}).get("message", "")
        out.write(f"  denied: {message}\n")
    for image in decision.images:
        site = image.site
        shown = "warning" if image.verdict == "warned" else image.verdict
        text = f"  {site.label} {json.dumps(site.image)}: {shown}"
        out.write(text + (f": {image.reason}\n" if image.reason else "\n"))


def _write_json(item: ReviewInput, decision: Decision, out: TextIO) -> None:
    base = {
        "source": item.where,
        "kind": decision.kind,
        "namespace": decision.namespace,
        "name": decision.name,
        "allowed": decision.allowed,
    }
    if not decision.images:
        message = decision.answer["response"].get("status", {}).get("message", decision.note)
        line = {
            **base,
            "container": None,
            "pointer": None,
            "image": None,
            "verdict": "allowed" if decision.allowed else "denied",
            "reason": message,
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    for image in decision.images:
        line = {
            **base,
            "container": image.site.label,
            "pointer": image.site.pointer,
            "image": image.site.image,
            "verdict": image.verdict,
            "reason": image.reason,
        }
        if image.context is not None:
            line["context"] = context_dict(image.context)
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------------------------
# regresolve webhook serve
# --------------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    """``regresolve webhook serve``: runs until SIGTERM or SIGINT."""
    from regresolve.webhook._server import ServeOptions, Webhook  # noqa: PLC0415 - asyncio

    if args.port < 0 or args.port > 65535:
        return _fail(f"--port {args.port}: not a port number")
    positive = {
        "--max-request-bytes": args.max_request_bytes,
        "--read-timeout": args.read_timeout,
        "--idle-timeout": args.idle_timeout,
        "--reload-interval": args.reload_interval,
    }
    for option, value in positive.items():
        if not value > 0:
            return _fail(f"{option} {value}: must be positive")
    if args.shutdown_delay < 0 or args.shutdown_grace < 0:
        return _fail("--shutdown-delay and --shutdown-grace cannot be negative")
    limits = Limits(
        max_body=args.max_request_bytes,
        read_timeout=args.read_timeout,
        idle_timeout=args.idle_timeout,
    )
    options = ServeOptions(
        cert=args.cert,
        key=args.key,
        address=args.address,
        port=args.port,
        mutate=args.mutate,
        judgement=judgement(args),
        ready_file=args.ready_file,
        reload_interval=args.reload_interval,
        shutdown_delay=args.shutdown_delay,
        shutdown_grace=args.shutdown_grace,
        limits=limits,
    )
    make_reloader = functools.partial(
        Reloader,
        args.config,
        dropin_dirs=args.config_dir,
        home=home_of(args),
        env=os.environ,
        root=args.root,
        alias_cache=alias_cache_file(args),
    )
    try:
        policy = None
        if args.policy is not None:
            path = args.policy
            policy = Watched([path], functools.partial(_load_policy, path))
        host = None
        first = host_of(args)
        if first is not None:
            host = Watched(host_paths(first), functools.partial(_host_or_fail, args))
        server = Webhook(make_reloader, options, policy=policy, host=host, out=out)
    except InvalidConfig:
        raise
    except RegresolveError as err:
        return _fail(str(err))
    except (ssl.SSLError, OSError) as err:
        return _fail(f"cannot load the certificate {args.cert} and key {args.key}: {err}")
    try:
        return asyncio.run(server.run())
    except OSError as err:  # the address is in use, not available, ...
        return _fail(f"cannot listen on {args.address}:{args.port}: {err}")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m regresolve.webhook [options]``: the same as ``regresolve webhook serve``."""
    parser = argparse.ArgumentParser(
        prog="python -m regresolve.webhook",
        parents=[config_options()],
        description="Serve the regresolve admission webhook (as `regresolve webhook serve`).",
    )
    _serve_options(parser)
    args = parser.parse_args(argv)
    try:
        return cmd_serve(args, sys.stdout)
    except InvalidConfig as err:
        return _fail(str(err))
