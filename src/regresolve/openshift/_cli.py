"""``regresolve openshift render`` and ``regresolve openshift plan``.

``register(subparsers)`` adds the ``openshift`` command to the main parser; ``main(argv)``
runs it on its own (``python -m regresolve.openshift._cli``).  Exit codes follow the main
command: 0 success, 1 the image cannot be pulled on the node (plan error, every source
blocked, or policy.json rejects it), 2 usage or invalid objects.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from regresolve._cliconf import UsageError
from regresolve._errors import RegresolveError
from regresolve._files import read_text
from regresolve._profiles import product_profile
from regresolve.diff import diff_images, format_report
from regresolve.openshift._files import load_objects, write_node_files
from regresolve.openshift._migrate import migrate_icsps
from regresolve.openshift._node import NodeFiles, render
from regresolve.openshift._plan import node_policy, node_resolver, plan_in_root, plan_on_node

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
        api_validation=args.api_validation,
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
    p.add_argument("--api-validation", action="store_true",
                   help="first refuse an Image the API server of current releases refuses "
                        "(tags or digests in the registry lists, allowed and blocked "
                        "together, list limits)")  # fmt: skip


def register(subparsers: Any) -> None:
    """Add ``openshift render`` and ``openshift plan`` to an argparse subparsers object."""
    top = subparsers.add_parser(
        "openshift",
        help="render OpenShift image configuration as the Machine Config Operator does",
        description="Render /etc/containers files from `oc get -o yaml` objects, or plan a pull "
        "on a node configured by them.",
    )
    sub = top.add_subparsers(dest="openshift_command", required=True)
    r = sub.add_parser(
        "render",
        help="write every file the MCO puts on a node (registries.conf, policy.json, "
        "certs.d, the pull secret, ...)",
    )
    r.add_argument("objects", nargs="+", metavar="FILE_OR_DIR",
                   help="`oc get -o yaml|json` output; a directory; - for stdin")  # fmt: skip
    r.add_argument("--output", "-o", required=True, metavar="DIR",
                   help="root under which etc/..., var/lib/kubelet/config.json are written "
                        "(the pull secret with mode 0600)")  # fmt: skip
    _common(r)
    r.set_defaults(func=_cmd_render)
    p = sub.add_parser(
        "plan",
        help="which sources the node tries, with which CA, credentials and policy verdict",
    )
    p.add_argument("objects", nargs="*", metavar="FILE_OR_DIR",
                   help="`oc get -o yaml|json` output (or --root DIR)")  # fmt: skip
    p.add_argument("ref", metavar="REF", help="the image, as a Pod spec writes it")
    p.add_argument("--root", metavar="DIR",
                   help="plan on the files `openshift render --output DIR` wrote")  # fmt: skip
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--ocp", metavar="VERSION",
                   help="plan as the CRI-O of this OpenShift release pulls (e.g. 4.18: "
                        "its short-name mode, the pull secret as auth file); default: "
                        "podman pull on the node")  # fmt: skip
    p.add_argument("--namespace", metavar="NS",
                   help="the Pod's namespace (CRI-O uses /etc/crio/policies/NS.json if "
                        "rendered)")  # fmt: skip
    p.add_argument("--pod-credentials", action="store_true",
                   help="the Pod has credentials for the image's registry (they never reach a "
                        "mirror on another host)")  # fmt: skip
    _common(p)
    p.set_defaults(func=_cmd_plan)
    d = sub.add_parser(
        "diff",
        help="which images a change of cluster objects would pull differently on the nodes",
        description="Render the node files for the objects before and after a change (for "
        "example an ICSP replaced by the IDMS `oc adm migrate icsp` writes) and list the "
        "images whose sources, TLS, blocking, errors or policy.json verdicts differ.",
    )
    d.add_argument("--before", action="append", required=True, metavar="FILE_OR_DIR",
                   help="the objects before the change (repeatable)")  # fmt: skip
    d.add_argument("--after", action="append", metavar="FILE_OR_DIR",
                   help="the objects after the change (repeatable)")  # fmt: skip
    d.add_argument("--migrate-icsp", action="store_true",
                   help="the after side is the before side with every ICSP migrated to an "
                        "IDMS as `oc adm migrate icsp` does")  # fmt: skip
    d.add_argument("image", nargs="*", metavar="IMAGE", help="an image, as a Pod spec writes it")
    d.add_argument("--images", action="append", metavar="FILE",
                   help="a file of images, one per line (# comments)")  # fmt: skip
    d.add_argument("--ocp", metavar="VERSION", default="4.18",
                   help="the OpenShift release of the nodes (its CRI-O; default 4.18)")  # fmt: skip
    d.add_argument("--json", action="store_true", help="one JSON report")
    _common(d)
    d.set_defaults(func=_cmd_diff)


def _cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    files = _render_from(args)
    for w in files.warnings:
        print(f"warning: {w}", file=err)
    for path in write_node_files(files, args.output):
        print(path, file=out)
    return EXIT_OK


def _check_ref(args: argparse.Namespace) -> None:
    if args.root is None and not args.objects:
        raise UsageError(
            "missing REF: give the object files, then the image (FILE_OR_DIR... REF), or "
            "--root DIR REF"
        )
    if args.root is not None and args.objects:
        raise UsageError("give either object files or --root DIR, not both")
    if os.path.exists(args.ref) or args.ref == "-":
        raise UsageError(
            f"missing REF: {args.ref!r} is a file or directory; give the image to plan last "
            "(FILE_OR_DIR... REF)"
        )


def _cmd_plan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    _check_ref(args)
    profile = product_profile(f"ocp-{args.ocp}") if args.ocp else None
    if args.root is not None:
        if not os.path.isdir(args.root):
            raise UsageError(f"--root {args.root}: not a directory")
        plan = plan_in_root(
            args.root,
            args.ref,
            profile=profile,
            namespace=args.namespace,
            explicit_credentials=args.pod_credentials,
        )
    else:
        files = _render_from(args)
        for w in files.warnings:
            print(f"warning: {w}", file=err)
        plan = plan_on_node(
            files,
            args.ref,
            profile=profile,
            namespace=args.namespace,
            explicit_credentials=args.pod_credentials,
        )
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2), file=out)
    else:
        print(plan.explain(), file=out)
    return EXIT_OK if plan.accepted else EXIT_UNPULLABLE


def _cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if bool(args.after) == args.migrate_icsp:
        raise UsageError("give either --after FILE_OR_DIR... or --migrate-icsp")
    images = list(args.image)
    for path in args.images or ():
        images.extend(
            line.split("#", 1)[0].strip()
            for line in read_text(path).splitlines()
            if line.split("#", 1)[0].strip()
        )
    if not images:
        raise UsageError("no images given (arguments or --images FILE)")
    before_objects = load_objects(*args.before)
    after_objects = (
        migrate_icsps(before_objects) if args.migrate_icsp else load_objects(*args.after)
    )
    profile = product_profile(f"ocp-{args.ocp}")
    sides = []
    warned: list[str] = []
    for objects in (before_objects, after_objects):
        files = render(
            objects,
            base_registries_conf=_read(args.base),
            base_policy_json=_read(args.base_policy),
            release_image=args.release_image,
            api_validation=args.api_validation,
        )
        for w in files.warnings:
            if w not in warned:
                warned.append(w)
                print(f"warning: {w}", file=err)
        sides.append((node_resolver(files, version=profile.containers_image), node_policy(files)))
    report = diff_images(
        sides[0][0],
        sides[1][0],
        images,
        before_profile=profile,
        after_profile=profile,
        before_policy=sides[0][1],
        after_policy=sides[1][1],
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
    else:
        out.write(format_report(report))
    return EXIT_UNPULLABLE if report.changed else EXIT_OK


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a parsed ``openshift`` command; errors become messages and exit code 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        code: int = args.func(args, out, err)
    except RegresolveError as e:
        print(f"error: {e}", file=err)
        return EXIT_USAGE
    except (OSError, UsageError) as e:
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
