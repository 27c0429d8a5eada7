"""``regresolve openshift render`` and ``regresolve openshift plan``.

``register(subparsers)`` adds the ``openshift`` command to the main parser; ``main(argv)``
runs it on its own (``python -m regresolve.openshift._cli``).  Exit codes follow the main
command: 0 success, 1 the image cannot be pulled on the node (plan error, every source
blocked, or policy.json rejects it), 2 usage or invalid objects.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from regresolve._errors import RegresolveError
from regresolve._files import read_text
from regresolve.openshift._files import load_objects, write_node_files
from regresolve.openshift._plan import plan_on_node
from regresolve.openshift._render import NodeFiles, render

__all__ = ["main", "register"]

EXIT_OK = 0
EXIT_UNPULLABLE = 1
EXIT_USAGE = 2


def _read(path: str | None) -> str | None:
    if path is None:
        return None
    return read_text(path)


def _render_from(args: argparse.Namespace) -> NodeFiles:
    objects = load_objects(*args.objects)
    return render(
        objects,
        base_registries_conf=_read(args.base),
        base_policy_json=_read(args.base_policy),
        release_image=args.release_image,
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--base",
        metavar="REGISTRIES_CONF",
        help="registries.conf the MCO starts from (default: the MCO template)",
    )
    p.add_argument(
        "--base-policy",
        metavar="POLICY_JSON",
        help="policy.json the MCO starts from (default: the MCO template)",
    )
    p.add_argument("--release-image", metavar="REF",
                   help="the release payload (default: ClusterVersion/version "
                        "status.desired.image from the files)")  # fmt: skip


def register(subparsers: Any) -> None:
    """Add ``openshift render`` and ``openshift plan`` to an argparse subparsers object."""
    top = subparsers.add_parser(
        "openshift",
        help="render OpenShift image configuration as the Machine Config Operator does",
        description="Render /etc/containers files from `oc get -o yaml` objects, or plan a pull "
        "on a node configured by them.",
    )
    sub = top.add_subparsers(dest="openshift_command", required=True)
    r = sub.add_parser("render", help="write the node's registries.conf, drop-in, policy.json")
    r.add_argument("objects", nargs="+", metavar="FILE_OR_DIR")
    r.add_argument("--output", "-o", required=True, metavar="DIR",
                   help="root under which etc/containers/... is written")  # fmt: skip
    _common(r)
    r.set_defaults(func=_cmd_render)
    p = sub.add_parser("plan", help="which sources will the node try, will policy.json accept")
    p.add_argument("objects", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("ref", metavar="REF", help="the image, as a Pod spec writes it")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _common(p)
    p.set_defaults(func=_cmd_plan)


def _cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    files = _render_from(args)
    for w in files.warnings:
        print(f"warning: {w}", file=err)
    for path in write_node_files(files, args.output):
        print(path, file=out)
    return EXIT_OK


def _cmd_plan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    files = _render_from(args)
    for w in files.warnings:
        print(f"warning: {w}", file=err)
    plan = plan_on_node(files, args.ref)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2), file=out)
    else:
        print(plan.explain(), file=out)
    return EXIT_OK if plan.accepted else EXIT_UNPULLABLE


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a parsed ``openshift`` command; errors become messages and exit code 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        code: int = args.func(args, out, err)
    except RegresolveError as e:
        print(f"error: {e}", file=err)
        return EXIT_USAGE
    except OSError as e:
        print(f"error: {e}", file=err)
        return EXIT_USAGE
    return code


def main(argv: Sequence[str] | None = None, out: TextIO | None = None,
         err: TextIO | None = None) -> int:  # fmt: skip
    """``regresolve openshift ...`` on its own (argv excludes the program name)."""
    parser = argparse.ArgumentParser(prog="regresolve")
    register(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    return run(args, out, err)


if __name__ == "__main__":
    sys.exit(main())
