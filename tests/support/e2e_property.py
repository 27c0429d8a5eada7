"""Running one generated case through podman, skopeo and regresolve, and comparing them.

For a :class:`~support.e2e_property_gen.Case` (files, what is served, a reference):

1. refuse to go on unless every host in the files and the reference is loopback;
2. write the files and the registry's serve file, run ``podman pull`` and (for a fully
   qualified reference) ``skopeo inspect`` in the loopback-only namespace with debug logging,
   stopping podman at its first retry notice (:meth:`Sandbox.run_tool_first_round`);
3. predict what each binary does from ``regresolve.plan_image`` under the binary's profile
   (``podman-4.3`` / ``skopeo-1.9``, containers/image 5.23.1): the short-name candidates, for
   each candidate its sources in order, blocked ones refused with Go's message, up to the
   first insecure source that the registry serves; an insecure or secure source on a port
   nobody listens on is refused, and podman retries when the last source of a candidate was
   refused (containers/common's ``pkg/retry``: a connection error is retryable, a 404, a TLS
   or a blocked error is not);
4. compare: the events, success, the retry, every error regresolve reports (load, short-name
   and plan errors) in the binary's output, the final "Mirrors also failed" error built from
   regresolve's sources in order, blocked messages word for word, the insecure flag of each
   tried source (from the registry's request log), podman's short-name description.

A disagreement is reported with the case and a ready-to-paste entry for
``tests/support/e2e_scenarios.py`` (``e2e_property_report``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import attrs

import regresolve
from regresolve import CandidatePlan, ImagePlan
from support import oracle_size
from support.e2e_harness import (
    SYSTEM_CONF,
    SYSTEM_DIR,
    USER_DIR,
    Sandbox,
    check_loopback_config,
    check_loopback_reference,
    parse_log,
    reached,
)
from support.e2e_property_gen import Case, d, is_listening
from support.e2e_scenarios import is_short, podman_candidate

# -- sizes --------------------------------------------------------------------------------------

#: ``REGRESOLVE_E2E_EXAMPLES``: a number of generated cases, or ``ci``.  Unset, the CI size
#: applies when ``CI`` is set (or the oracle tests run at their CI size), else the local one.
ENV = "REGRESOLVE_E2E_EXAMPLES"
CI_CASES = 400
LOCAL_CASES = 60


def is_ci_size() -> bool:
    raw = os.environ.get(ENV, "")
    if raw:
        return raw == "ci"
    return bool(os.environ.get("CI")) or oracle_size.is_ci_size()


def examples() -> int:
    raw = os.environ.get(ENV, "")
    if raw and raw != "ci":
        return int(raw)
    return CI_CASES if is_ci_size() else LOCAL_CASES


PROFILES = {
    "podman": regresolve.product_profile("podman-4.3"),
    "skopeo": regresolve.product_profile("skopeo-1.9"),
}
#: The library both binaries embed; regresolve loads the files with its rules.
LIBRARY = PROFILES["podman"].containers_image
assert LIBRARY == PROFILES["skopeo"].containers_image == "5.23.1"

_BLOCKED = re.compile(r"registry (?P<prefix>\S+) is blocked in \S+ or \S+", re.ASCII)


def tools_for(case: Case) -> tuple[str, ...]:
    """podman always; skopeo for fully qualified references (it resolves no short names)."""
    return ("podman",) if is_short(d(case.ref)) else ("podman", "skopeo")


# -- what a binary did -----------------------------------------------------------------------


@dataclass
class Run:
    """One run of a binary, read from its debug log and the registry's request log."""

    tool: str
    events: list[str]
    errors: dict[str, str]
    failures: list[tuple[str, str]]
    descriptions: list[str]
    returncode: int
    stopped_at_retry: bool
    stderr: str
    requests: list[dict[str, str]]

    @property
    def failed_before_any_source(self) -> bool:
        return (
            not self.stopped_at_retry
            and self.returncode != 0
            and all(e.startswith("candidate ") for e in self.events)
        )


def events_of(trace_events: Sequence[str], errors: Mapping[str, str]) -> list[str]:
    """The trace's events with blocked attempts spelled ``REF blocked by PREFIX``."""
    out = []
    for ev in trace_events:
        if ev.endswith(" blocked"):
            ref = ev.removesuffix(" blocked")
            m = _BLOCKED.search(errors.get(ref, ""))
            out.append(f"{ref} blocked by {m['prefix'] if m else '?'}")
        else:
            out.append(ev)
    return out


def sources_of(events: Sequence[str]) -> list[str]:
    """The sources an event list tried (not candidates, not blocked ones), ``ok`` dropped."""
    return [
        e.removesuffix(" ok")
        for e in events
        if not e.startswith("candidate ") and " blocked by " not in e
    ]


def error_parts(text: str) -> list[str]:
    """The pieces of an error text that must each appear in the binary's output.

    Several alias errors are joined in Go's map order (random): the head, then each error
    on its own (5.23.1 chains them with ``"\n: "``).
    """
    head, marker, rest = text.partition("validating short-name aliases: ")
    if not marker:
        return text.split("\n")
    return [head + marker, *(line.removeprefix(": ") for line in rest.split("\n"))]


def in_output(text: str, stderr: str) -> bool:
    """``text`` appears in the output, as is or inside a logrus ``msg="…"`` (escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text in stderr or escaped in stderr


# -- what regresolve predicts ------------------------------------------------------------------


@dataclass
class Prediction:
    events: list[str] = field(default_factory=list)
    #: Go error texts the binary must print (a load, short-name or plan error)
    errors: list[str] = field(default_factory=list)
    load_error: bool = False
    succeeded: bool = False
    #: podman retries: the last source of a candidate refused the connection
    retried: bool = False
    insecure: dict[str, bool] = field(default_factory=dict)
    blocked: dict[str, str] = field(default_factory=dict)
    #: podman's short-name description lines (None: nothing to compare)
    descriptions: list[str] | None = None
    #: per candidate tried to the end without success: its sources in order
    attempts: list[list[str]] = field(default_factory=list)


def load_conf(case: Case) -> regresolve.RegistriesConf:
    """The configuration as the binaries see it, with the same paths in messages."""
    # the drop-in directory is read for *.conf files only (X.CONF and others are ignored)
    dropins = {name: text for name, text in case.dropins.items() if name.endswith(".conf")}
    conf = regresolve.RegistriesConf.from_toml(
        case.main, dropins, path=SYSTEM_CONF, dropin_dir=SYSTEM_DIR, version=LIBRARY
    )
    # ConfigDirPath (named in blocked messages) reports the user directory, which does not
    # exist in the sandbox; the drop-ins are read from the system directory.
    return attrs.evolve(conf, dir_path=USER_DIR)


def predict(case: Case, tool: str) -> Prediction:
    pred = Prediction()
    if tool == "skopeo":
        # skopeo parses the reference (docker transport: no tag+digest) before it reads
        # registries.conf; podman reads the configuration first.  An error planning against
        # an empty configuration is such a reference error.
        empty = regresolve.Resolver(regresolve.RegistriesConf.from_toml(""))
        failure = regresolve.plan_image(empty, d(case.ref), profile=PROFILES[tool]).failure
        if failure is not None:
            pred.errors.append(failure)
            return pred
    try:
        conf = load_conf(case)
    except regresolve.RegresolveError as err:
        pred.errors.append(err.go_message)
        pred.load_error = True
        return pred
    resolver = regresolve.Resolver(conf)
    image = regresolve.plan_image(resolver, d(case.ref), profile=PROFILES[tool])
    if image.error is not None:
        pred.errors.append(image.error)
        return pred
    if tool == "podman" and image.short_name and image.candidates:
        desc = image.candidates[0].description
        pred.descriptions = [desc] if desc else []
    for cand in image.candidates:
        if tool == "podman":
            pred.events.append(f"candidate {_candidate_name(image, cand)}")
        if cand.plan is None:
            pred.errors.append(cand.error or "")
            continue
        attempts: list[str] = []
        for src in cand.plan.sources:
            ref = str(src.reference)
            attempts.append(ref)
            if src.blocked:
                pred.events.append(f"{ref} blocked by {src.blocked_by}")
                pred.blocked[ref] = src.blocked_error or ""
                continue
            # one reference may be tried twice (a mirror equal to the primary): it reaches
            # the registry API if any of its attempts is insecure
            pred.insecure[ref] = pred.insecure.get(ref, False) or src.insecure
            if src.insecure and case.serves(ref):
                pred.events.append(f"{ref} ok")
                pred.succeeded = True
                return pred
            pred.events.append(ref)
        pred.attempts.append(attempts)
        last = cand.plan.sources[-1] if cand.plan.sources else None
        if (
            tool == "podman"
            and last is not None
            and not last.blocked
            and not is_listening(str(last.reference))
        ):
            pred.retried = True
            return pred
    return pred


#: Found by this test and fixed in ``imageplan``: a fully qualified name without a tag or
#: digest whose plan fails is now named with the default tag, as podman logs it
#: (``127.0.0.1:5000/ns:latest``).  True would go back to tolerating the old name.
EXCLUDE_FAILED_PLAN_CANDIDATE_NAME = False


def _candidate_name(image: ImagePlan, cand: CandidatePlan) -> str:
    name = cand.reference
    if EXCLUDE_FAILED_PLAN_CANDIDATE_NAME and cand.plan is None and not image.short_name:
        return podman_candidate(name)
    return name


def final_errors(plans: Sequence[Sequence[str]], failures: Sequence[tuple[str, str]]) -> list[str]:
    """The docker transport's error for each plan whose every source failed (5.23.1's format).

    ``plans``: per candidate, the sources regresolve plans, in order; ``failures``: the
    binary's ``Accessing "REF" failed: ERR`` lines in order.  Each plan takes the next
    failures; a plan whose references do not line up with them gives no error to look for
    (the events comparison reports that).
    """
    out = []
    rest = list(failures)
    for attempts in plans:
        taken, rest = rest[: len(attempts)], rest[len(attempts) :]
        if not attempts or [ref for ref, _ in taken] != list(attempts):
            continue
        if len(taken) == 1:
            out.append(taken[0][1])
            continue
        extras = "\n".join(f"[{ref}: {err}]" for ref, err in taken[:-1])
        out.append(f"(Mirrors also failed: {extras}): {taken[-1][0]}: {taken[-1][1]}")
    return out


def compare(run: Run, pred: Prediction) -> list[str]:
    """Every way the binary's run disagrees with regresolve's prediction ([] if none)."""
    problems = []
    if run.events != pred.events:
        problems.append(f"sources: the binary logged {run.events}, regresolve plans {pred.events}")
    if run.stopped_at_retry != pred.retried:
        problems.append(
            f"retry: the binary {'retried' if run.stopped_at_retry else 'did not retry'},"
            f" regresolve's last source {'was' if pred.retried else 'was not'} refused"
        )
    if not run.stopped_at_retry and (run.returncode == 0) != pred.succeeded:
        problems.append(
            f"outcome: return code {run.returncode}, regresolve predicts"
            f" {'success' if pred.succeeded else 'failure'}"
        )
    if not pred.succeeded and not run.stopped_at_retry:
        for text in pred.errors:
            problems.extend(
                f"error: regresolve's {part!r} is not in the binary's output"
                for part in error_parts(text)
                if not in_output(part, run.stderr)
            )
        problems.extend(
            f"final error: {final!r} (regresolve's order) is not in the output"
            for final in final_errors(pred.attempts, run.failures)
            if not in_output(final, run.stderr)
        )
    for src, message in pred.blocked.items():
        if src in run.errors and run.errors[src] != message:
            problems.append(f"blocked message for {src}: {run.errors[src]!r} != {message!r}")
    for ev in run.events:
        src = ev.removesuffix(" ok")
        if ev.startswith("candidate ") or " blocked by " in ev or src not in pred.insecure:
            continue
        if is_listening(src) and reached(run.requests, src) != pred.insecure[src]:
            problems.append(
                f"insecure: {src} {'reached' if reached(run.requests, src) else 'did not reach'}"
                f" the registry API, regresolve says insecure={pred.insecure[src]}"
            )
    if pred.descriptions is not None and run.descriptions != pred.descriptions:
        problems.append(f"description: {run.descriptions} != {pred.descriptions}")
    return problems


# -- running a case -----------------------------------------------------------------------------


@dataclass
class Outcome:
    case: Case
    runs: dict[str, Run]
    predictions: dict[str, Prediction]
    problems: list[str]
    workdir: Path


class Runner:
    """Runs cases against one long-running registry in one sandbox, and tallies them."""

    def __init__(self, sandbox: Sandbox, root: Path, serve_file: Path, request_log: Path):
        self.sandbox = sandbox
        self.root = root
        self.serve_file = serve_file
        self.request_log = request_log
        self.counts: Counter[str] = Counter()

    def _set_serving(self, lines: Sequence[str]) -> None:
        tmp = self.serve_file.with_suffix(".tmp")
        tmp.write_text("".join(f"{line}\n" for line in lines))
        tmp.replace(self.serve_file)

    def _requests_since(self, offset: int) -> list[dict[str, str]]:
        with self.request_log.open("rb") as f:
            f.seek(offset)
            data = f.read().decode("utf-8", errors="replace")
        return [json.loads(line) for line in data.splitlines() if line.strip()]

    def run(self, case: Case) -> Outcome:
        check_loopback_config(case.files())
        check_loopback_reference(d(case.ref))
        for line in case.serve:
            check_loopback_reference(line)
        workdir = self.root / case.key()
        if workdir.exists():
            shutil.rmtree(workdir)
        conf_dir = workdir / "conf"
        (conf_dir / "registries.conf.d").mkdir(parents=True)
        for name, text in case.files().items():
            (conf_dir / name).write_text(text)
        self._set_serving(case.serve)
        runs: dict[str, Run] = {}
        preds: dict[str, Prediction] = {}
        problems: list[str] = []
        for tool in tools_for(case):
            offset = self.request_log.stat().st_size
            proc = self.sandbox.run_tool_first_round(
                tool, d(case.ref), conf_dir, workdir / f"run-{tool}"
            )
            (workdir / f"{tool}.stderr").write_text(proc.stderr)
            trace = parse_log(proc.stderr)
            run = Run(
                tool=tool,
                events=events_of(trace.events, trace.errors),
                errors=trace.errors,
                failures=trace.failures,
                descriptions=trace.descriptions,
                returncode=proc.returncode,
                stopped_at_retry=proc.stopped_at_retry,
                stderr=proc.stderr,
                requests=self._requests_since(offset),
            )
            pred = predict(case, tool)
            runs[tool], preds[tool] = run, pred
            problems.extend(f"{tool}: {p}" for p in compare(run, pred))
            self._tally(tool, run, pred)
        self.counts["cases"] += 1
        return Outcome(case, runs, preds, problems, workdir)

    def _tally(self, tool: str, run: Run, pred: Prediction) -> None:
        self.counts[f"{tool} runs"] += 1
        for what, on in (
            ("succeeded", pred.succeeded),
            ("retried", run.stopped_at_retry),
            ("load errors", pred.load_error),
            (
                "other errors before any source",
                run.failed_before_any_source and not pred.load_error,
            ),
            ("with a blocked source", bool(pred.blocked)),
            ("with several sources", len(sources_of(run.events)) > 1),
        ):
            if on:
                self.counts[f"{tool} {what}"] += 1
        if tool == "podman" and sum(e.startswith("candidate ") for e in run.events) > 1:
            self.counts["podman several candidates"] += 1

    def clean(self, outcome: Outcome) -> None:
        shutil.rmtree(outcome.workdir, ignore_errors=True)
