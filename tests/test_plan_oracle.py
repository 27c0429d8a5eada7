"""Differential tests: every field of every pull plan and short-name resolution against Go.

Two configuration generators feed the same comparison:

* ``strategies_config.config_cases`` (the loader's generator: drop-ins, v1, odd keys,
  overlapping prefixes and wildcards, mirrors with every pull-from-mirror value);
* ``plan_cases`` below: always-valid files aimed at the resolver itself: long and odd
  locations (canonical failures, the 255-character limit, uppercase, ports), blocked entries
  covering mirrors, namespaces, aliases and a user alias cache (valid, masking or corrupt).

References come from the same small host alphabet so that they hit, miss and tie.  Each
example sends one configuration with many references to the oracle in one request.
``REGRESOLVE_ORACLE_EXAMPLES`` sets the number of configurations per generator (default 200),
``REGRESOLVE_REFS_PER_CONFIG`` the references per configuration (default 64); the pairs
compared are printed at the end (``test_pair_count_report``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regresolve
from regresolve import (
    Alias,
    InvalidConfig,
    InvalidReference,
    PlanError,
    Resolver,
    ShortNameError,
)
from support.oracle_size import examples, is_ci_size
from support.strategies_config import SYSTEM_CONF, ConfigCase, config_cases, toml_string

pytestmark = pytest.mark.oracle

# CI: two generators x 1,400 configurations x 64 references; about 60% of the loader's
# configurations and most of the resolver-focused ones load, so >= 100,000 plan pairs.
EXAMPLES = examples(default=200, ci=1_400)
MIN_CI_PAIRS = 100_000
REFS_PER_CONFIG = int(os.environ.get("REGRESOLVE_REFS_PER_CONFIG", "64"))
PAIRS = {"configs": 0, "plans": 0, "short_names": 0, "local_names": 0, "find": 0}
ALIAS_CACHE = "/var/cache/containers/short-name-aliases.conf"  # the oracle's default

DIGEST = "sha256:" + "0123456789abcdef" * 4
# SPEC R-MATCH-2..4: hosts that collide on boundaries, suffixes, ports and first occurrences.
REF_HOSTS = (
    "a.com",
    "b.a.com",
    "c.b.a.com",
    "x.c.b.a.com",
    "a.com.a.com",
    "b.a.com.b.a.com",
    "a.com:5000",
    "b.a.com:5000",
    "a.com:6000",
    "docker.io",
    "index.docker.io",
    "localhost",
    "localhost:5000",
    "m.com",
    "quay.io",
    "A.com",
    "x.com",
    "com",
    "evil.com",
)
REF_PATHS = (
    "ns", "ns/x", "ns/x/y", "library/busybox", "busybox", "x", "mirror", "library", "evil/x",
    "n" * 100 + "/" + "n" * 100, "ns/" + "y" * 60,
)  # fmt: skip
REF_SUFFIXES = ("", ":1", ":latest", "@" + DIGEST, ":1@" + DIGEST, ":v1.2-rc")


@st.composite
def references(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.text(alphabet="abcm.:/@-_5A0*", max_size=30))
    host = draw(st.sampled_from(REF_HOSTS))
    path = draw(st.sampled_from(REF_PATHS))
    suffix = draw(st.sampled_from(REF_SUFFIXES))
    if kind == 1:
        return path + suffix  # familiar: docker.io
    return f"{host}/{path}{suffix}"


short_names = st.sampled_from(
    [
        "foo", "bar", "library/foo", "ns/bar", "busybox", "foo:1", "foo@" + DIGEST, "Foo/bar",
        "a.com/foo", "localhost/x", "x" * 250, "foo:1@" + DIGEST, "evil", "ns/x", "",
        "library/busybox:1",
    ]
)  # fmt: skip
modes = st.sampled_from([None, None, None, "enforcing", "permissive", "disabled"])

# -- the resolver-focused generator -----------------------------------------------------------

PLAN_PREFIXES = (
    "a.com", "b.a.com", "a.com:5000", "a.com/ns", "a.com/ns/x", "docker.io", "docker.io/library",
    "quay.io", "quay.io/evil", "evil.com", "m.com", "localhost", "*.a.com", "*.com", "*.b.a.com",
    "*.io", "x.com", "a.com/ns:1",
)  # fmt: skip
PLAN_LOCATIONS = (
    "a.com", "b.a.com", "a.com:5000", "m.com", "m.com/ns", "m.com/ns/x", "m.com:6000",
    "m.com:6000/ns", "docker.io", "docker.io/library", "index.docker.io/library", "quay.io",
    "quay.io/evil", "evil.com", "evil.com/m", "localhost", "localhost/x", "M.com/ns", "m.com/NS",
    "m.com/" + "n" * 150, "m.com/" + "n" * 240, "m.com/a__b", "m.com/a-b.c_d", "x.com/ns",
)  # fmt: skip
MIRROR_LOCATIONS = (*PLAN_LOCATIONS, "m.com/", "m.com/ns/")
ALIAS_NAMES = ("foo", "bar", "library/foo", "ns/bar", "busybox", "evil", "ns/x")
ALIAS_VALUES = ("a.com/foo", "docker.io/foo", "quay.io/ns/bar", "localhost/x", "evil.com/x", "")
SEARCH = ("docker.io", "quay.io", "a.com", "a.com:5000", "localhost", "evil.com", "m.com/ns")


@st.composite
def plan_cases(draw: st.DrawFn) -> tuple[ConfigCase, str | None]:
    """A valid main file plus (sometimes) a user alias cache; returns (case, cache text)."""
    lines: list[str] = []
    usr = draw(st.lists(st.sampled_from(SEARCH), max_size=3))
    if draw(st.integers(0, 4)):
        lines.append("unqualified-search-registries = [" + ", ".join(map(toml_string, usr)) + "]")
    mode = draw(st.sampled_from(["", "enforcing", "permissive", "disabled"]))
    if mode:
        lines.append(f'short-name-mode = "{mode}"')
    for prefix in draw(st.lists(st.sampled_from(PLAN_PREFIXES), max_size=7, unique=True)):
        wild = prefix.startswith("*.")
        loc = draw(st.sampled_from(("", *PLAN_LOCATIONS) if wild else PLAN_LOCATIONS))
        lines.append("[[registry]]")
        lines.append(f"prefix = {toml_string(prefix)}")
        if loc:
            lines.append(f"location = {toml_string(loc)}")
        if draw(st.integers(0, 2)) == 0:
            lines.append("insecure = true")
        if draw(st.integers(0, 3)) == 0:
            lines.append("blocked = true")
        by_digest = draw(st.integers(0, 5)) == 0
        if by_digest:
            lines.append("mirror-by-digest-only = true")
        for _ in range(draw(st.integers(0, 3))):
            lines.append("[[registry.mirror]]")
            lines.append(f"location = {toml_string(draw(st.sampled_from(MIRROR_LOCATIONS)))}")
            if draw(st.booleans()):
                lines.append("insecure = true")
            if not by_digest:
                pfm = draw(st.sampled_from(["", "", "all", "digest-only", "tag-only"]))
                if pfm:
                    lines.append(f'pull-from-mirror = "{pfm}"')
    aliases = draw(st.dictionaries(st.sampled_from(ALIAS_NAMES), st.sampled_from(ALIAS_VALUES)))
    if aliases:
        lines.append("[aliases]")
        lines.extend(f"{toml_string(k)} = {toml_string(v)}" for k, v in aliases.items())
    files: dict[str, str | None] = {SYSTEM_CONF: "\n".join(lines) + "\n"}
    cache: str | None = None
    kind = draw(st.integers(0, 5))
    if kind >= 3:
        entries = draw(st.dictionaries(st.sampled_from(ALIAS_NAMES), st.sampled_from(ALIAS_VALUES)))
        if kind == 5 and draw(st.booleans()):
            entries["a.com/bad"] = "a.com/x"  # corrupt: every resolution must fail
        cache = "[aliases]\n" + "".join(
            f"{toml_string(k)} = {toml_string(v)}\n" for k, v in entries.items()
        )
        files[ALIAS_CACHE] = cache
    return ConfigCase(files=files), cache


# -- comparison ------------------------------------------------------------------------------


def _registry_json(reg: regresolve.Registry) -> dict[str, Any]:
    return {
        "prefix": reg.prefix,
        "location": reg.location,
        "insecure": reg.insecure,
        "blocked": reg.blocked,
        "mirror_by_digest_only": reg.mirror_by_digest_only,
        "mirrors": [
            {"location": m.location, "insecure": m.insecure, "pull_from_mirror": m.pull_from_mirror}
            for m in reg.mirrors
        ],
    }


def our_plan(resolver: Resolver, text: str, strip: Any) -> dict[str, Any]:
    try:
        plan = resolver.plan(text)
    except InvalidReference as e:
        return {"error": e.go_message, "sources": []}
    except PlanError as e:
        return {"error": strip(e.go_message), "sources": []}
    for s in plan.sources:
        # The booleans must agree with the text fields.
        assert s.blocked == (s.blocked_error is not None) == (s.blocked_by is not None)
        assert s.mirror == (s.pull_from_mirror != "" or s is not plan.sources[-1])
    return {
        "error": None,
        "reference": str(plan.reference),
        "registry": None if plan.registry is None else _registry_json(plan.registry),
        "sources": [
            {
                "reference": s.reference,
                "location": s.location,
                "insecure": s.insecure,
                "mirror": s.mirror,
                "pull_from_mirror": s.pull_from_mirror,
                "blocked_error": None if s.blocked_error is None else strip(s.blocked_error),
            }
            for s in plan.sources
        ],
    }


def go_plan(answer: dict[str, Any]) -> dict[str, Any]:
    if answer["error"] is not None:
        return {"error": answer["error"], "sources": []}
    return {
        "error": None,
        "reference": answer["reference"],
        "registry": answer["registry"],
        "sources": answer["sources"],
    }


def our_short_name(resolver: Resolver, name: str, mode: str | None, strip: Any) -> dict[str, Any]:
    try:
        res = resolver.resolve_short_name(name, mode=mode)
    except ShortNameError as e:
        return {"input": name, "error": strip(e.go_message), "candidates": []}
    assert all(c.description == res.description for c in res.candidates)
    return {
        "input": name,
        "error": None,
        "candidates": [
            {"value": str(c.reference), "description": strip(c.description)} for c in res.candidates
        ],
    }


def our_local(resolver: Resolver, name: str, strip: Any) -> dict[str, Any]:
    try:
        refs = resolver.resolve_locally(name)
    except ShortNameError as e:
        return {"input": name, "error": strip(e.go_message), "candidates": []}
    return {"input": name, "error": None, "candidates": [str(r) for r in refs]}


def our_alias(resolver: Resolver, name: str, strip: Any) -> dict[str, Any]:
    try:
        alias = resolver.lookup_alias(name)
    except (ShortNameError, InvalidConfig) as e:
        return {"value": None, "origin": "", "error": strip(e.go_message)}
    if alias is None:
        return {"value": None, "origin": "", "error": None}
    return {"value": alias.value or None, "origin": strip(alias.origin), "error": None}


def oracle_request(
    case: ConfigCase, refs: list[str], names: list[str], mode: str | None
) -> dict[str, Any]:
    extra: dict[str, Any] = {"refs": refs, "short_names": names, "local_names": names}
    extra["find"] = refs[:8]
    if mode is not None:
        extra["short_name_mode"] = mode
    return case.oracle_request(**extra)


def compare_with_answer(  # noqa: PLR0917 - one differential comparison
    case: ConfigCase,
    cache: str | None,
    refs: list[str],
    names: list[str],
    mode: str | None,
    answer: dict[str, Any],
) -> None:
    """Load the case as the oracle did and compare every plan, name and lookup with ``answer``."""
    with tempfile.TemporaryDirectory(prefix="regresolve-") as tmp:
        root = Path(tmp) / "R"
        case.materialize(root)
        r = str(root)

        def strip(s: str) -> str:
            return s.replace(r, "")

        try:
            conf = regresolve.load_config(**case.load_kwargs(root))
        except InvalidConfig:
            assert answer["error"] is not None
            return  # loading errors are compared in test_config_oracle.py
        assert answer["error"] is None, answer["error"]
        assert (strip(conf.path), strip(conf.dir_path)) == (
            answer["config_path"],
            answer["config_dir_path"],
        )
        user: tuple[Alias, ...] | InvalidConfig = ()
        if cache is not None:
            try:
                user = regresolve.load_alias_cache(r + ALIAS_CACHE)
            except InvalidConfig as e:
                user = e
        resolver = Resolver(conf, cache_size=0, user_aliases=user)
        for text, go in zip(refs, answer["plans"], strict=True):
            assert our_plan(resolver, text, strip) == go_plan(go), text
        for name, go in zip(names, answer["short_names"], strict=True):
            assert our_short_name(resolver, name, mode, strip) == go, name
        for name, go in zip(names, answer["local_names"], strict=True):
            assert our_local(resolver, name, strip) == go, name
        for name in names:
            assert our_alias(resolver, name, strip) == answer["aliases"][name], name
        for text, go in zip(refs[:8], answer["find"], strict=True):
            reg = resolver.find_registry(text)
            assert (None if reg is None else _registry_json(reg)) == go["registry"], text
    PAIRS["configs"] += 1
    PAIRS["plans"] += len(refs)
    PAIRS["short_names"] += len(names)
    PAIRS["local_names"] += len(names)
    PAIRS["find"] += min(8, len(refs))


def check_case(  # noqa: PLR0917 - one differential comparison
    oracle: Any,
    case: ConfigCase,
    refs: list[str],
    names: list[str],
    mode: str | None,
    cache: str | None = None,
) -> None:
    answer = oracle.request(oracle_request(case, refs, names, mode))
    compare_with_answer(case, cache, refs, names, mode, answer)


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REFS = st.lists(references(), min_size=REFS_PER_CONFIG, max_size=REFS_PER_CONFIG)
NAMES = st.lists(short_names, min_size=1, max_size=6, unique=True)


@SETTINGS
@given(case=config_cases(), refs=REFS, names=NAMES, mode=modes)
def test_plans_match_oracle_loader_configs(
    oracle: Any, case: ConfigCase, refs: list[str], names: list[str], mode: str | None
) -> None:
    """SPEC R-PULL-6, R-MATCH-*, R-RW-*, R-SN-*: every field and error equals Go's."""
    check_case(oracle, case, refs, names, mode)


@SETTINGS
@given(case_and_cache=plan_cases(), refs=REFS, names=NAMES, mode=modes)
def test_plans_match_oracle_resolver_configs(
    oracle: Any,
    case_and_cache: tuple[ConfigCase, str | None],
    refs: list[str],
    names: list[str],
    mode: str | None,
) -> None:
    """SPEC R-PULL-5, R-RW-4, R-SN-6: blocked sources, canonical failures, the user cache."""
    case, cache = case_and_cache
    check_case(oracle, case, refs, names, mode, cache)


def test_pair_count_report() -> None:
    """Runs after the property tests in file order: reports the pairs compared."""
    print(f"\noracle pairs compared: {PAIRS}")
    if is_ci_size():
        assert PAIRS["plans"] >= MIN_CI_PAIRS, PAIRS
