"""The failure message of the e2e property test, and the scenario entry it prints.

:func:`report` shows a shrunk disagreement: the case, what each binary logged and what
regresolve planned, the disagreements, and :func:`scenario_entry`: a ``Scenario(...)`` for
``tests/support/e2e_scenarios.py`` whose pull is what the binaries did (events, errors,
``load_error``), in the format of that file, checked to read back the way ``test_e2e.py``
reads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from support.e2e_property import (
    Outcome,
    Prediction,
    Run,
    in_output,
    sources_of,
)
from support.e2e_property_gen import Case, d, describe, is_listening, listener_of
from support.e2e_registry import IMAGE_DIGEST
from support.e2e_scenarios import Pull, Scenario, expected_events, is_short, podman_candidate


def report(outcome: Outcome) -> str:
    """The failure message: the case, both sides, the scenario entry and what to do with it."""
    case = outcome.case
    parts = ["podman/skopeo and regresolve disagree on a generated case.", "", describe(case), ""]
    for tool, run in outcome.runs.items():
        pred = outcome.predictions[tool]
        stopped = ", stopped at a retry" if run.stopped_at_retry else ""
        parts += [
            f"{tool} (rc={run.returncode}{stopped}):",
            f"  logged:    {run.events}",
            f"  regresolve: {pred.events}" + (f"  errors {pred.errors}" if pred.errors else ""),
        ]
    parts += ["", "Disagreements:", *(f"  - {p}" for p in outcome.problems), ""]
    parts += [f"Logs and files: {outcome.workdir}", ""]
    name = f"property-{case.key()}"
    why = outcome.problems[0] if outcome.problems else ""
    entry = scenario_entry(case, outcome.runs, why, outcome.predictions)
    (outcome.workdir / "scenario.py").write_text(entry)
    parts += [
        "As a scenario entry for tests/support/e2e_scenarios.py (also saved as"
        f" {outcome.workdir / 'scenario.py'}):",
        "",
        entry,
        "To keep it: paste it into SCENARIOS, check its events against the spec rules (they are",
        "what the binaries did; where 5.23.1 differs from 5.34.2, put them in `v523` with `why`",
        "and write the 5.34.2 events in `expect`), cite the rules in `spec`, then run",
        f"    python -m pytest -m e2e tests/e2e/test_e2e.py -k {name}",
        "To replay only this case against podman, skopeo and regresolve:",
        f"    REGRESOLVE_E2E_REPLAY={outcome.workdir / 'scenario.py'} \\",
        "        python -m pytest -m e2e tests/e2e/test_e2e_property.py -k replay",
    ]
    return "\n".join(parts)


# -- the scenario entry -------------------------------------------------------------------------


def _q(text: str) -> str:
    return json.dumps(text)


def _at_d(text: str) -> str:
    return text.replace("@" + IMAGE_DIGEST, "@D")


def _error_text(run: Run, pred: Prediction | None) -> str | None:
    """The binary's error, as regresolve words it if the output has that, else the binary's
    last error line without podman's and skopeo's prefixes."""
    if not run.failed_before_any_source:
        return None
    if pred is not None and pred.errors and in_output(pred.errors[0], run.stderr):
        return pred.errors[0]
    if run.tool == "podman":
        lines = [ln for ln in run.stderr.splitlines() if ln.startswith("Error: ")]
        text = lines[-1].removeprefix("Error: ") if lines else ""
    else:
        m = re.search(r'level=fatal msg="((?:[^"\\]|\\.)*)"', run.stderr)
        text = json.loads(f'"{m[1]}"') if m else ""
        text = re.sub(r'^Error parsing image name "[^"]*": ', "", text)
    return re.sub(r"^initializing source \S+: ", "", text) or None


def served_pairs(case: Case, runs: Mapping[str, Run], extra: Sequence[str] = ()) -> list[str]:
    """``LISTENER/REPO`` for every tried or planned source that the case's registry serves."""
    out = set()
    for src in [*(s for r in runs.values() for s in sources_of(r.events)), *extra]:
        if case.serves(src):
            host_port, _, rest = src.partition("/")
            repo = re.split(r"[:@]", rest, maxsplit=1)[0]
            out.add(f"{listener_of(host_port)}/{repo}")
    return sorted(out)


def pull_for(
    case: Case, runs: Mapping[str, Run], predictions: Mapping[str, Prediction] | None = None
) -> tuple[Pull, dict[str, str], list[str]]:
    """The :class:`Pull` that describes what the binaries did, its fields as source text, and
    notes for the reader (comments above the entry)."""
    ref = _at_d(d(case.ref))
    short = is_short(d(case.ref))
    per_tool: dict[str, tuple[tuple[str, ...], str | None]] = {}
    load_error = False
    for tool, run in runs.items():
        events = tuple(_at_d(e) for e in run.events)
        error = _error_text(run, (predictions or {}).get(tool))
        if tool == "podman" and not events and run.failed_before_any_source:
            # no candidate at all: the configuration did not load (for a short name, a
            # short-name error is the other way to fail before any candidate)
            load_error = not short or "registries configuration" in (error or "")
        if tool == "podman" and not short:
            auto = f"candidate {_at_d(podman_candidate(d(case.ref)))}"
            if events[:1] == (auto,):
                events = events[1:]
        per_tool[tool] = (events, error)
    notes = []
    if load_error and "skopeo" in per_tool and per_tool["skopeo"][1] != per_tool["podman"][1]:
        # skopeo refused the reference itself (tag+digest) before reading the files, an order
        # test_e2e.py cannot express next to a load error
        del per_tool["skopeo"]
        notes.append("skopeo left out: it refuses this reference before it reads the files")
    expect, error = per_tool["podman"]
    fields: dict[str, str] = {}
    tool_expect: dict[str, tuple[str, ...]] = {}
    tool_error: dict[str, str] = {}
    if "skopeo" in per_tool:
        s_events, s_error = per_tool["skopeo"]
        if s_error != error:
            if s_error is None and error is not None:
                # skopeo did not fail early: podman's error becomes its own, and its candidate
                # (no longer added automatically) is spelled out
                tool_error["podman"] = error
                if not load_error:
                    cand = f"candidate {_at_d(podman_candidate(d(case.ref)))}"
                    tool_expect["podman"] = (cand, *expect)
                error = None
            elif s_error is not None:
                tool_error["skopeo"] = s_error
        if s_events != tuple(e for e in expect if not e.startswith("candidate ")):
            tool_expect["skopeo"] = s_events
    tools = tuple(per_tool)
    pull = Pull(
        ref,
        expect,
        tools=tools,
        error=error,
        tool_expect=tool_expect,
        tool_error=tool_error,
        load_error=load_error,
    )
    if tools != ("podman", "skopeo"):
        fields["tools"] = f"({', '.join(_q(t) for t in tools)},)"
    if error is not None:
        fields["error"] = _q(error)
    if tool_expect:
        items = ", ".join(f"{_q(t)}: {_tuple(ev)}" for t, ev in tool_expect.items())
        fields["tool_expect"] = "{" + items + "}"
    if tool_error:
        fields["tool_error"] = (
            "{" + ", ".join(f"{_q(t)}: {_q(e)}" for t, e in tool_error.items()) + "}"
        )
    if load_error:
        fields["load_error"] = "True"
    return pull, fields, notes


def _tuple(items: Sequence[str]) -> str:
    if not items:
        return "()"
    return "(" + ", ".join(_q(i) for i in items) + ("," if len(items) == 1 else "") + ")"


def _toml_block(text: str) -> str:
    return '"""\n' + text.rstrip("\n") + "\n" + '"""'


def scenario_entry(
    case: Case,
    runs: Mapping[str, Run],
    why: str,
    predictions: Mapping[str, Prediction] | None = None,
) -> str:
    """A ``Scenario(...)`` for e2e_scenarios.SCENARIOS whose pull is what the binaries did.

    ``serve`` lists the repositories of every source the binaries tried or regresolve
    planned that the case's registry serves, so that both sides see the same registry.
    """
    pull, fields, notes = pull_for(case, runs, predictions)
    name = f"property-{case.key()}"
    lines = [
        "    Scenario(",
        f"        name={_q(name)},",
        f"        doc={_q('Found by test_e2e_property: ' + why[:160])},",
        "        spec=(),  # TODO: the rules (docs/semantics.md) that decide this case",
        f"        main={_toml_block(case.main)},",
    ]
    if case.dropins:
        lines.append("        dropins={")
        for dname, text in case.dropins.items():
            lines.append(f"            {_q(dname)}: {_toml_block(text)},")
        lines.append("        },")
    planned = [s for p in (predictions or {}).values() for s in sources_of(p.events)]
    serve = served_pairs(case, runs, planned)
    if serve:
        lines.append(f"        serve={_tuple(serve)},")
    lines += [
        "        pulls=(",
        "            Pull(",
        f"                {_q(pull.ref)},",
        f"                {_tuple(pull.expect)},",
    ]
    lines += [f"                {key}={value}," for key, value in fields.items()]
    lines += ["            ),", "        ),", "    ),"]
    # the entry must say what the binaries did: check it the way test_e2e.py reads it
    for tool, run in runs.items():
        if tool not in pull.tools:
            continue
        want = tuple(d(e) for e in expected_events(pull, tool))
        if want != tuple(run.events):
            notes.append(f"CHECK: the {tool} events could not be expressed exactly")
    if any(not is_listening(s) for r in runs.values() for s in sources_of(r.events)):
        notes.append(
            "a port nobody listens on was tried: test_e2e.py's insecure check needs it skipped"
        )
    return "".join(f"    # {note}\n" for note in notes) + "\n".join(lines) + "\n"


def load_entry(text: str) -> Scenario:
    """A saved entry (as printed, comments and trailing comma included) as a Scenario."""
    lines = text.strip().splitlines()
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)  # the notes above the entry
    source = "\n".join(lines).strip().rstrip(",")
    # the developer's own file, in the format this module prints
    scenario = eval(source, {"Scenario": Scenario, "Pull": Pull})
    assert isinstance(scenario, Scenario), type(scenario)
    return scenario
