"""``regresolve diff``: which images would be pulled differently after a change.

Each side takes the options every command takes, prefixed: ``--before-config``,
``--before-config-dir``, ``--before-home``, ``--before-root``, ``--before-as``,
``--before-containers-image``, ``--before-consumer`` (and ``--after-...``).  A side without
options reads the host's configuration, so ``--after-config new.conf`` compares the host with a
candidate file, and ``--before-as podman-4.3 --after-as podman-5.4`` compares two releases on the
same files.  Images come from the arguments, ``--images FILE`` (one per line, ``#``
comments, ``-`` for standard input) and ``-f FILE_OR_DIR`` (Kubernetes objects, read as
``regresolve review`` reads them).

Exit status: 0 when no image changes, 1 when some do, 2 on a usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from regresolve._cliconf import (
    UsageError,
    add_config_options,
    add_profile_options,
    profile_from_args,
    resolver_from_args,
)
from regresolve._errors import InvalidPolicy, RegresolveError
from regresolve._files import read_text
from regresolve._policy import Policy, parse_policy
from regresolve.diff import diff_images, format_report
from regresolve.webhook._commands import manifest_images

__all__ = ["register"]

SIDES = ("before", "after")


def register(subparsers: Any) -> None:
    """Add ``diff`` to the ``regresolve`` command."""
    p = subparsers.add_parser(
        "diff",
        help="which images a configuration or version change would pull differently",
        description="Plan every image before and after a change and list the images whose "
        "sources, TLS, blocking, short-name candidates, errors or policy verdicts differ.",
    )
    for side in SIDES:
        group = p.add_argument_group(f"the {side} side (default: this host's configuration)")
        add_config_options(group, f"{side}-")
        add_profile_options(group, f"{side}-")
        group.add_argument(
            f"--{side}-policy",
            dest=f"{side}_policy",
            metavar="FILE",
            help=f"a containers-policy.json evaluated on the {side} side",
        )
    p.add_argument("image", nargs="*", metavar="IMAGE", help="an image reference")
    p.add_argument(
        "--images",
        action="append",
        metavar="FILE",
        help="a file of images, one per line (# comments; - reads standard input)",
    )
    p.add_argument(
        "-f",
        "--manifests",
        action="append",
        metavar="FILE_OR_DIR",
        help="Kubernetes objects whose images to compare (Pods, workloads, Lists, "
        "`kubectl get pods -A -o json`, multi-document YAML; - for standard input); the "
        "reader regresolve review uses",
    )
    p.add_argument("--json", action="store_true", help="one JSON report")
    p.add_argument(
        "--short-name-mode",
        choices=("enforcing", "permissive", "disabled"),
        help="override the short-name mode on both sides",
    )
    p.set_defaults(func=run)


def _images(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    yield from args.image
    if args.manifests:
        yield from manifest_images(args.manifests)
    for path in args.images or ():
        text = stdin.read() if path == "-" else read_text(path)
        for line in text.splitlines():
            image = line.split("#", 1)[0].strip()
            if image:
                yield image


def _policy(path: str | None) -> Policy | None:
    if path is None:
        return None
    return parse_policy(read_text(path), path=path)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``regresolve diff``; returns the exit status."""
    try:
        images = list(_images(args, sys.stdin))
    except (OSError, RegresolveError) as err:
        raise UsageError(str(err)) from None
    if not images:
        raise UsageError("no images given (arguments or --images FILE)")
    try:
        policies = [_policy(getattr(args, f"{side}_policy")) for side in SIDES]
    except (InvalidPolicy, OSError) as err:
        raise UsageError(str(err)) from None
    report = diff_images(
        resolver_from_args(args, "before-"),
        resolver_from_args(args, "after-"),
        images,
        before_profile=profile_from_args(args, "before-"),
        after_profile=profile_from_args(args, "after-"),
        before_policy=policies[0],
        after_policy=policies[1],
        short_name_mode=args.short_name_mode,
    )
    if args.json:
        out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    else:
        out.write(format_report(report))
    return 1 if report.changed else 0
