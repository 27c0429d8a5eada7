"""End to end: the real podman and skopeo against regresolve, scenario by scenario.

For every scenario of ``e2e_scenarios`` and every pull in it, for each binary:

1. refuse to go on unless every host the files and the reference name is loopback;
2. write the files, start the test registry in the loopback-only namespace, run the binary
   (``podman pull`` / ``skopeo inspect``) with ``--log-level=debug``;
3. read from its log the order in which it tried sources (``Trying to access "…"`` /
   ``Accessing "…" failed: …``) and, for podman, the short-name candidates;
4. check that against the scenario's expectation (the 5.34.2 behaviour derived from the
   spec, or the stated 5.23.1 difference), check from the registry's request log that
   exactly the insecure sources got through to the registry API;
5. compute regresolve's plan for the same files and reference **as containers/image 5.23.1**
   (the library inside Debian 12's podman 4.3.1 and skopeo 1.9.3) and check that it predicts
   exactly what the binary did: the same events, the same error text, the same blocked
   messages and insecure flags, for every pull, with no exception per scenario;
6. and as 5.34.2, check that regresolve gives the scenario's 5.34.2 expectation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

import regresolve
from support.e2e_harness import (
    HOSTS,
    SYSTEM_CONF,
    SYSTEM_DIR,
    USER_DIR,
    Sandbox,
    Trace,
    check_loopback_config,
    check_loopback_reference,
    parse_log,
    reached,
    read_requests,
)
from support.e2e_registry import IMAGE_DIGEST
from support.e2e_scenarios import (
    SCENARIOS,
    Pull,
    Scenario,
    d,
    drop_tag_if_digested,
    expected_events,
    is_short,
    podman_candidate,
)

pytestmark = pytest.mark.e2e

_BLOCKED = re.compile(
    r"registry (?P<prefix>\S+) is blocked in (?P<conf>\S+) or (?P<dir>\S+)", re.ASCII
)


def _cases() -> list[pytest.param]:  # type: ignore[name-defined]
    out = []
    for sc in SCENARIOS:
        for i, pull in enumerate(sc.pulls):
            for tool in pull.tools:
                if tool == "skopeo" and is_short(pull.ref):
                    continue  # skopeo does no short-name resolution
                out.append(pytest.param(sc, pull, tool, id=f"{sc.name}-{i}-{tool}"))
    return out


def write_files(sc: Scenario, where: Path) -> Path:
    conf_dir = where / "conf"
    (conf_dir / "registries.conf.d").mkdir(parents=True)
    for name, text in sc.files().items():
        (conf_dir / name).write_text(text)
    return conf_dir


def observed_events(trace: Trace) -> list[str]:
    """The trace's events with blocked attempts spelled ``REF blocked by PREFIX``."""
    out = []
    for ev in trace.events:
        if ev.endswith(" blocked"):
            ref = ev[: -len(" blocked")]
            m = _BLOCKED.search(trace.errors[ref])
            assert m is not None, trace.errors[ref]
            assert (m["conf"], m["dir"]) == (SYSTEM_CONF, USER_DIR), trace.errors[ref]
            out.append(f"{ref} blocked by {m['prefix']}")
        else:
            out.append(ev)
    return out


def in_output(text: str, stderr: str) -> bool:
    """``text`` appears in the output, as is or inside a logrus ``msg="…"`` (escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text in stderr or escaped in stderr


# -- what regresolve predicts ----------------------------------------------------------------------


def _served(ref: str, serve: Sequence[str]) -> bool:
    host_port, _, rest = ref.partition("/")
    host, _, port = host_port.partition(":")
    repo = re.split(r"[:@]", rest, maxsplit=1)[0]
    if "@" in rest and rest.rsplit("@", 1)[1] != IMAGE_DIGEST:
        return False
    return f"{HOSTS.get(host, host)}:{port or '443'}/{repo}" in serve


def load_conf(sc: Scenario, conf_dir: Path, version: str = "5.34.2") -> regresolve.RegistriesConf:
    """The configuration as the binaries see it (same paths in messages), loaded with the
    rules of containers/image ``version``."""
    dropins = {
        name.split("/", 1)[1]: text
        for name, text in sc.files().items()
        if name.startswith("registries.conf.d/")
    }
    conf = regresolve.RegistriesConf.from_toml(
        sc.main, dropins, path=SYSTEM_CONF, dropin_dir=SYSTEM_DIR, version=version
    )
    # The file loader, pointed at the same files, agrees (drop-in names filtered by it).
    loaded = regresolve.load_config(
        conf_dir / "registries.conf",
        dropin_dirs=[conf_dir / "registries.conf.d"],
        home=conf_dir / "nohome",
        env={},
        version=version,
    )
    wanted = {n: t for n, t in dropins.items() if n.endswith(".conf")}
    if wanted == dropins:
        assert loaded == conf
    else:
        assert loaded == regresolve.RegistriesConf.from_toml(sc.main, wanted, version=version)
        conf = regresolve.RegistriesConf.from_toml(
            sc.main, wanted, path=SYSTEM_CONF, dropin_dir=SYSTEM_DIR, version=version
        )
    # Drop-ins are read from the system directory, but ConfigDirPath (named in blocked
    # messages) reports the user directory, which is "in use" although it does not exist.
    return attrs.evolve(conf, dir_path=USER_DIR)


def predict(
    conf: regresolve.RegistriesConf, pull: Pull, tool: str, serve: Sequence[str]
) -> tuple[list[str], str | None, dict[str, bool], list[str], dict[str, str]]:
    """regresolve's prediction.

    Returns (events, error message, {source: insecure}, short-name descriptions,
    {blocked source: Go's blocked message}).
    """
    resolver = regresolve.Resolver(conf)
    ref = d(pull.ref)
    descriptions: list[str] = []
    if tool == "podman" and is_short(ref):
        try:
            resolved = resolver.resolve_short_name(
                drop_tag_if_digested(ref), mode=conf.effective_short_name_mode
            )
        except regresolve.RegresolveError as err:
            return [], err.go_message, {}, [], {}
        candidates = [str(c.reference) for c in resolved.candidates]
        descriptions = [resolved.description] if resolved.description else []
    elif tool == "podman":
        candidates = [podman_candidate(ref)]
    else:
        candidates = [ref]
    events: list[str] = []
    insecure: dict[str, bool] = {}
    blocked: dict[str, str] = {}
    for cand in candidates:
        if tool == "podman":
            events.append(f"candidate {cand}")
        try:
            plan = resolver.plan(cand)
        except regresolve.RegresolveError as err:
            return events, err.go_message, insecure, descriptions, blocked
        for src in plan.sources:
            sref = str(src.reference)
            if src.blocked:
                m = _BLOCKED.search(src.blocked_error or "")
                assert m is not None, src.blocked_error
                assert (m["conf"], m["dir"]) == (SYSTEM_CONF, USER_DIR), src.blocked_error
                assert src.blocked_by == m["prefix"]
                events.append(f"{sref} blocked by {m['prefix']}")
                blocked[sref] = src.blocked_error or ""
                continue
            insecure[sref] = src.insecure
            if src.insecure and _served(sref, serve):
                events.append(f"{sref} ok")
                return events, None, insecure, descriptions, blocked
            events.append(sref)
    return events, None, insecure, descriptions, blocked


# -- the test -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("sc", "pull", "tool"), _cases())
def test_binary_matches_regresolve(
    sandbox: Sandbox, tmp_path: Path, sc: Scenario, pull: Pull, tool: str
) -> None:
    # 1. loopback only, before anything runs
    check_loopback_config(sc.files())
    check_loopback_reference(pull.ref)
    for repo in sc.serve:
        check_loopback_reference(repo)

    # 2. run the binary
    conf_dir = write_files(sc, tmp_path)
    reqlog = tmp_path / "requests.jsonl"
    with sandbox.registry(reqlog, sc.serve):
        proc = sandbox.run_tool(tool, d(pull.ref), conf_dir, tmp_path / "run")
    (tmp_path / f"{tool}.stderr").write_text(proc.stderr)
    trace = parse_log(proc.stderr)
    got = observed_events(trace)
    requests = read_requests(reqlog)
    detail = f"{tool} {d(pull.ref)} (rc={proc.returncode}); log in {tmp_path}"

    # 3./4. the binary against the expectation (5.34.2, or the documented 5.23.1 difference)
    spec_events = list(expected_events(pull, tool))
    error = pull.tool_error.get(tool, pull.error)
    want, bin_error = spec_events, error
    if pull.why:  # a documented difference between 5.23.1 and 5.34.2
        want = [d(e) for e in pull.v523.get(tool, spec_events)]
        bin_error = pull.v523_error.get(tool, error) or None
        if pull.v523_contains:
            assert in_output(pull.v523_contains, proc.stderr), detail
    assert got == want, detail
    if bin_error is not None:
        assert proc.returncode != 0, detail
        for part in bin_error.split("\n"):
            assert in_output(part, proc.stderr), detail
    succeeded = bool(got) and got[-1].endswith(" ok")
    assert (proc.returncode == 0) == succeeded, detail
    for ev in got:
        if not ev.startswith("candidate ") and " blocked by " not in ev:
            src = ev.removesuffix(" ok")
            assert src in trace.events or f"{src} ok" in trace.events

    # 5. regresolve as containers/image 5.23.1 against the binary, with no exception
    def regresolve_as(version: str) -> tuple[list[str], str | None, dict[str, bool], list[str],
                                              dict[str, str], bool]:  # fmt: skip
        try:
            conf = load_conf(sc, conf_dir, version)
        except regresolve.InvalidConfig as exc:
            # Loading fails for every pull, before podman picks any candidate.
            return [], exc.go_message, {}, [], {}, True
        return (*predict(conf, pull, tool, sc.serve), False)

    events, err, insecure, descriptions, blocked, _ = regresolve_as("5.23.1")
    assert events == got, f"regresolve (5.23.1) disagrees with {detail}"
    if err is not None:  # a configuration or planning error: the binary prints the same
        assert proc.returncode != 0, detail
        # Several alias errors come in Go's map order: the head, then each error on its own.
        head, marker, rest = err.partition("validating short-name aliases: ")
        parts = [head + marker] if marker else []
        for line in (rest if marker else err).split("\n"):
            parts.append(line.removeprefix(": "))  # 5.23.1 chains alias errors with "\n: "
        for part in parts:
            assert in_output(part, proc.stderr), (part, detail)
    assert (err is not None) == (bin_error is not None), (err, bin_error)
    if tool == "podman" and is_short(pull.ref):
        assert trace.descriptions == descriptions

    # 6. regresolve as 5.34.2 against the scenario's 5.34.2 expectation
    events_534, err_534, _, _, _, load_failed_534 = regresolve_as("5.34.2")
    assert load_failed_534 == pull.load_error, err_534
    assert events_534 == spec_events, "regresolve disagrees with the 5.34.2 expectation"
    if error is not None:
        assert err_534 is not None
        for part in error.split("\n"):
            assert part in err_534, err_534
    else:
        assert err_534 is None, err_534
    if pull.v523_contains:
        assert err_534 is None or pull.v523_contains not in err_534
    # the blocked messages, word for word
    for src, message in blocked.items():
        if src in trace.errors:
            assert trace.errors[src] == message
    # insecure per source: exactly the insecure sources reached the registry API
    for src, is_insecure in insecure.items():
        if src in trace.events or f"{src} ok" in trace.events:
            assert reached(requests, src) == is_insecure, f"{src}: {detail}"
