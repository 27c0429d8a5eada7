"""``regresolve check``: validate the configuration podman would read, and warn about surprises.

Problems are what containers/image refuses (each file validated on its own, as podman does
before merging, so one broken drop-in does not hide the next one's problems).  Warnings are
valid files that probably do not do what was meant (`_lint`), and, when the configuration is
the host's (no FILE given), what fails silently in the rest of the pull context: credentials,
certificate directories, registries.d and auth files (`_lint_host`, read through
``load_host`` with the pull-context options).  The report names the files read, in order, and
the files skipped and why.

Exit status: 0 valid (warnings allowed), 1 warnings with ``--strict``, 2 problems.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

from regresolve._cliconf import (
    alias_cache_file,
    files_from_args,
    home_of,
    host_from_args,
    load_from_args,
)
from regresolve._config import RegistriesConf
from regresolve._errors import InvalidConfig
from regresolve._files import dropin_files, load_alias_cache, load_config, read_text
from regresolve._lint import Finding, lint, lint_text
from regresolve._lint_host import lint_host
from regresolve._resolve import Resolver
from regresolve._sigstore import MissingDependency
from regresolve._toml import TomlSyntaxError, loads_with_lines
from regresolve.imageplan import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "register", "run"]

EXIT_OK = 0
EXIT_WARNINGS = 1
EXIT_PROBLEMS = 2


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``check`` to the ``regresolve`` command."""
    p = subparsers.add_parser(
        "check",
        parents=[common],
        help="validate the configuration (or the given files) as podman would",
        description="Validate the files podman would read on this host (or each FILE on "
        "its own), list every problem with its file and entry, and warn about valid "
        "configuration that is probably not what was meant.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="check these files instead")
    p.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    p.add_argument("--json", action="store_true", help="one JSON report")
    p.set_defaults(func=run)


class _Report:
    def __init__(self) -> None:
        self.problems: list[dict[str, Any]] = []
        self.checked: list[str] = []
        self.loaded: list[tuple[str, RegistriesConf]] = []
        self.warnings: list[Finding] = []

    def problem(self, err: InvalidConfig, fallback_path: str) -> None:
        self.problems.append(
            {
                "file": err.path or fallback_path or "<configuration>",
                "entry": err.entry,
                "message": err.go_message,
            }
        )

    def validate(self, label: str, load: Callable[[], object], *, keys: bool = True) -> None:
        try:
            conf = load()
        except InvalidConfig as err:
            self.problem(err, label)
            return
        self.checked.append(label)
        if isinstance(conf, RegistriesConf):
            self.loaded.append((label, conf))
            if keys:
                self.warnings.extend(_key_findings(label))


def _key_findings(path: str) -> list[Finding]:
    """Unknown and misplaced keys of a file that loaded (read again for its key positions)."""
    try:
        doc, lines = loads_with_lines(read_text(path))
    except (OSError, TomlSyntaxError):  # pragma: no cover - it loaded a moment ago
        return []
    return lint_text(path, doc, lines)


def _main_loader(path: str) -> Callable[[], object]:
    return lambda: load_config(path, dropin_dirs=[], env={})


def _dropin_loader(path: str) -> Callable[[], object]:
    # An empty main file plus this one drop-in: the drop-in's own rules and messages.
    return lambda: load_config(os.devnull, dropin_dirs=[path], env={})


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``regresolve check``; returns the exit status."""
    report = _Report()
    skipped: list[tuple[str, str]] = []
    merged: RegistriesConf | None = None
    if args.files:
        # Each FILE on its own, with the rules of a main file; a directory: each of its
        # drop-ins, as podman would list them.
        for path in args.files:
            if os.path.isdir(path):
                for dropin in dropin_files(path):
                    report.validate(dropin, _dropin_loader(dropin))
            else:
                report.validate(path, _main_loader(path))
    else:
        try:
            files = files_from_args(args)
        except InvalidConfig as err:
            report.problem(err, "")
            files = None
        if files is not None:
            skipped = list(files.skipped)
            if files.main_exists or files.main_explicit:
                report.validate(files.main, _main_loader(files.main))
            for dropin in files.dropins:
                report.validate(dropin, _dropin_loader(dropin))
        if not report.problems:
            # Everything valid on its own: merging cannot fail, but load it as podman does.
            try:
                merged = load_from_args(args)
            except InvalidConfig as err:
                report.problem(err, "(merged configuration)")
        cache = alias_cache_file(args)
        if os.path.lexists(cache):
            report.validate(
                cache,
                lambda: load_alias_cache(cache, home=home_of(args), env=os.environ),
                keys=False,
            )
    if not report.problems:
        report.warnings.extend(lint(report.loaded, merged))
        if merged is not None:
            report.warnings.extend(_host_findings(args, merged))
    code = EXIT_OK
    if report.problems:
        code = EXIT_PROBLEMS
    elif report.warnings and args.strict:
        code = EXIT_WARNINGS
    if args.json:
        out.write(json.dumps(_to_dict(report, skipped, code), ensure_ascii=False) + "\n")
    else:
        _write_text(report, skipped, out)
    return code


def _host_findings(args: argparse.Namespace, merged: RegistriesConf) -> list[Finding]:
    """The pull-context warnings (none when registries.d needs PyYAML, said on stderr)."""
    try:
        host = host_from_args(args, resolver=Resolver(merged))
    except MissingDependency as err:
        sys.stderr.write(f"regresolve: pull context not checked: {err}\n")
        return []
    return lint_host(host, merged)


def _to_dict(report: _Report, skipped: list[tuple[str, str]], code: int) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "ok": code == EXIT_OK,
        "files": report.checked,
        "skipped": [{"file": f, "reason": why} for f, why in skipped],
        "problems": report.problems,
        "warnings": [w.to_dict() for w in report.warnings],
    }


def _write_text(report: _Report, skipped: list[tuple[str, str]], out: TextIO) -> None:
    for p in report.problems:
        where = f"{p['file']}: {p['entry']}" if p["entry"] else p["file"]
        out.write(f"{where}: {p['message']}\n")
    if report.problems:
        n = len(report.problems)
        out.write(f"{n} problem{'s' if n != 1 else ''} found\n")
        return
    for warning in report.warnings:
        out.write(f"warning: {warning}\n")
    for path, why in skipped:
        out.write(f"skipped: {path}: {why}\n")
    if report.checked:
        out.write("".join(f"ok: {f}\n" for f in report.checked))
    else:
        out.write("ok: no configuration file found (podman uses an empty configuration)\n")
