"""One comparison for every containers/image era: our loader, planner and short-name resolver,
run with ``version=<era>``, against an era oracle's answer (tests/oracle/eras/PROTOCOL.md).

:class:`Probe` is one oracle request: an :class:`support.strategies_eras.EraCase` (files, home,
environment) plus the references to plan, the short names to resolve, the alias names to look
up and the mode override.  :func:`probe_request` builds its request for an era;
:func:`era_mismatches` loads the same files under a temporary root with
:func:`regresolve.load_config` and lists every field where we differ from Go.  The live tests
(tests/test_eras_differential.py) and the corpus replay (tests/test_era_corpus.py) share it.

What is compared, per era (the caveats of tests/oracle/eras/ERAS.md):

* the load error, word for word, except several alias errors: Go joins them in map order
  (random in every era), so they are compared as a set of lines, split on the era's separator
  (``"\\n: "`` up to 5.30, ``"\\n"`` from 5.31);
* the loaded configuration field by field; ``namespace_proxy`` only in 5.41 answers (ours must
  be ``""`` before); ``additional_layer_store_auth_helper`` is ``null`` before 5.32 (ours must
  be ``""`` there); ``short_name_mode`` is the request's override when it has one (Go's
  ``GetShortNameMode`` answers ``SystemContext.ShortNameMode``); the era oracles have no merged
  alias table: aliases are compared through ``alias_names`` lookups;
* ``RegistriesConf.containers_image`` names the era's minor release;
* ``ConfigPath``/``ConfigDirPath``, and from 5.40 ``ConfigurationSourceDescription`` (our
  ``RegistriesConf.source_description``; before 5.40 the library's text is not ours by design:
  it names nothing that a plan uses);
* every plan, short-name resolution, local resolution, alias lookup and ``FindRegistry``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regresolve
from regresolve import (
    Alias,
    InvalidConfig,
    InvalidReference,
    PlanError,
    Resolver,
)
from support.oracle_eras import ERA_TOML, ERA_VERSIONS
from support.plan_compare import go_plan, our_alias, our_local, our_short_name
from support.pycompat import strict_zip
from support.strategies_eras import ALIAS_QUERIES, EraCase, at_least
from support.strategies_plan import ALIAS_CACHE

__all__ = [
    "Mismatch",
    "Probe",
    "alias_separator",
    "era_errors_match",
    "era_mismatches",
    "fast_tmpdir",
    "fast_tmpdir_environment",
    "materialized",
    "probe_request",
]

Strip = Callable[[str], str]

ALIAS_MARKER = "validating short-name aliases: "


@dataclass(frozen=True)
class Probe:
    """One oracle request: a file set and what to ask about it."""

    case: EraCase
    refs: Sequence[str] = ()
    names: Sequence[str] = ()
    mode: str | None = None
    cache: str | None = None  # the user alias cache text (also in case.files), or None
    alias_names: Sequence[str] = ALIAS_QUERIES
    find: Sequence[str] | None = None  # None: the first 8 references

    @property
    def find_refs(self) -> list[str]:
        return list(self.refs[:8] if self.find is None else self.find)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"case": self.case.to_json(), "refs": list(self.refs)}
        out["names"] = list(self.names)
        if self.mode is not None:
            out["mode"] = self.mode
        if self.cache is not None:
            out["cache"] = self.cache
        if tuple(self.alias_names) != ALIAS_QUERIES:
            out["alias_names"] = list(self.alias_names)
        if self.find is not None:
            out["find"] = list(self.find)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Probe:
        return cls(
            EraCase.from_json(data["case"]),
            refs=data["refs"],
            names=data["names"],
            mode=data.get("mode"),
            cache=data.get("cache"),
            alias_names=tuple(data.get("alias_names", ALIAS_QUERIES)),
            find=data.get("find"),
        )


def probe_request(probe: Probe, era: str) -> dict[str, Any]:
    """The era oracle's ``config`` request for ``probe``."""
    extra: dict[str, Any] = {
        "refs": list(probe.refs),
        "short_names": list(probe.names),
        "local_names": list(probe.names),
        "alias_names": list(probe.alias_names),
        "find": probe.find_refs,
    }
    if probe.mode is not None:
        extra["short_name_mode"] = probe.mode
    return probe.case.oracle_request(era, **extra)


# -- temporary trees ---------------------------------------------------------------------------


def fast_tmpdir() -> str | None:
    """Where to write the many short-lived file trees: ``$TMPDIR`` when it is set, else
    ``/dev/shm`` when it is a writable directory (a tmpfs: creating and removing a tree there is
    a hundred times faster than on a journaled disk), else the system default (None)."""
    if os.environ.get("TMPDIR"):
        return None
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        return shm
    return None


@contextlib.contextmanager
def fast_tmpdir_environment() -> Iterator[None]:
    """``TMPDIR`` set to :func:`fast_tmpdir` for the duration (to start an oracle process with:
    it rewrites its private root for every request)."""
    fast = fast_tmpdir()
    if fast is None:
        yield
        return
    os.environ["TMPDIR"] = fast
    try:
        yield
    finally:
        del os.environ["TMPDIR"]


# -- errors ------------------------------------------------------------------------------------


def alias_separator(era: str) -> str:
    """How newShortNameAliasCache joins several errors: ``"\\n: "`` up to 5.30, then ``"\\n"``."""
    return "\n" if at_least(era, "5.31") else "\n: "


def era_errors_match(ours: str, go: str, era: str) -> bool:
    """Our error text is Go's, modulo the order of joined alias errors (Go map order)."""
    if ours == go:
        return True
    if ALIAS_MARKER not in go or ALIAS_MARKER not in ours:
        return False
    head, _, body = go.partition(ALIAS_MARKER)
    ohead, _, obody = ours.partition(ALIAS_MARKER)
    sep = alias_separator(era)
    return head == ohead and sorted(body.split(sep)) == sorted(obody.split(sep))


# -- our answers in the oracle's shape ---------------------------------------------------------


def _proxy(out: dict[str, Any], value: str, era: str) -> dict[str, Any]:
    """Add ``namespace_proxy`` as the era's oracle shows it (5.41; before: only if ours is set)."""
    if at_least(era, "5.41") or value != "":
        out["namespace_proxy"] = value
    return out


def registry_json(reg: regresolve.Registry, era: str) -> dict[str, Any]:
    mirrors = [
        _proxy(
            {
                "location": m.location,
                "insecure": m.insecure,
                "pull_from_mirror": m.pull_from_mirror,
            },
            m.namespace_proxy,
            era,
        )
        for m in reg.mirrors
    ]
    out = {
        "prefix": reg.prefix,
        "location": reg.location,
        "insecure": reg.insecure,
        "blocked": reg.blocked,
        "mirror_by_digest_only": reg.mirror_by_digest_only,
        "mirrors": mirrors,
    }
    return _proxy(out, reg.namespace_proxy, era)


def conf_json(conf: regresolve.RegistriesConf, era: str, strip: Strip) -> dict[str, Any]:
    """Our configuration in the shape of the era oracle's ``config`` object."""
    usr = conf.unqualified_search_registries
    helper: str | None = conf.additional_layer_store_auth_helper
    if not at_least(era, "5.32") and helper == "":
        helper = None  # the key does not exist before 5.32: the oracle answers null
    return {
        "registries": [registry_json(r, era) for r in conf.registries],
        "unqualified_search_registries": None if usr is None else list(usr),
        "unqualified_search_registries_origin": strip(conf.unqualified_search_registries_origin),
        "short_name_mode": conf.effective_short_name_mode,
        "short_name_mode_error": None,
        "credential_helpers": list(conf.credential_helpers),
        "additional_layer_store_auth_helper": helper,
    }


def go_registry(reg: dict[str, Any] | None) -> dict[str, Any] | None:
    if reg is None:
        return None
    return dict(reg, mirrors=list(reg.get("mirrors") or []))


def go_conf(config: dict[str, Any]) -> dict[str, Any]:
    out = dict(config)
    out["registries"] = [go_registry(r) for r in out["registries"]]
    return out


def plan_json(resolver: Resolver, text: str, era: str, strip: Strip) -> dict[str, Any]:
    """Our plan of ``text`` in the shape of plan_compare.go_plan (plus 5.41's proxies)."""
    try:
        plan = resolver.plan(text)
    except InvalidReference as e:
        return {"error": e.go_message, "sources": []}
    except PlanError as e:
        return {"error": strip(e.go_message), "sources": []}
    sources = []
    for s in plan.sources:
        src = {
            "reference": s.reference,
            "location": s.location,
            "insecure": s.insecure,
            "mirror": s.mirror,
            "pull_from_mirror": s.pull_from_mirror,
            "blocked_error": None if s.blocked_error is None else strip(s.blocked_error),
        }
        sources.append(_proxy(src, s.namespace_proxy, era))
    return {
        "error": None,
        "reference": str(plan.reference),
        "registry": None if plan.registry is None else registry_json(plan.registry, era),
        "sources": sources,
    }


def go_plan_json(answer: dict[str, Any]) -> dict[str, Any]:
    out = go_plan(answer)
    if out["error"] is None:
        out["registry"] = go_registry(out["registry"])
    return out


# -- the comparison ----------------------------------------------------------------------------


@dataclass
class Mismatch:
    """One field where we differ from the era oracle."""

    kind: str  # "load", "config.<field>", "paths", "plan", "short_name", "local", "alias", "find"
    item: str  # the reference or name, or ""
    ours: Any
    go: Any

    def __str__(self) -> str:
        return f"[{self.kind}] {self.item!r}\n  ours: {self.ours!r}\n  go:   {self.go!r}"


@dataclass
class Outcome:
    """What one probe compared (``loaded``: the configuration loaded on both sides)."""

    loaded: bool = False
    mismatches: list[Mismatch] = field(default_factory=list)
    plans: int = 0
    names: int = 0


@contextlib.contextmanager
def materialized(case: EraCase) -> Iterator[Path]:
    """The case's files under a fresh temporary root (shared by the eras of one probe: the
    loaders only read it)."""
    with tempfile.TemporaryDirectory(prefix="regresolve-era-", dir=fast_tmpdir()) as tmp:
        root = Path(tmp) / "R"
        case.materialize(root)
        yield root


def era_mismatches(
    probe: Probe,
    era: str,
    answer: dict[str, Any],
    *,
    version: str | None = "exact",
    root: Path | None = None,
) -> Outcome:
    """Run ``probe`` through regresolve with ``era``'s rules and list the differences.

    ``version``: what to pass as ``load_config(version=...)``: ``"exact"`` (default) the
    era's exact release (``"5.23.1"``), ``None`` to omit the argument (the default release),
    else the string itself (``"5.23"``).  ``root``: the case already written there by
    :func:`materialized` (default: a fresh one).
    """
    if root is None:
        with materialized(probe.case) as fresh:
            return era_mismatches(probe, era, answer, version=version, root=fresh)
    out = Outcome()
    miss = out.mismatches
    r = str(root)

    def strip(s: str) -> str:
        return s.replace(r, "")

    kwargs = probe.case.load_kwargs(root)
    if version is not None:
        kwargs["version"] = ERA_VERSIONS[era] if version == "exact" else version
    toml = ERA_TOML.get(era)
    if toml is not None:
        kwargs["toml"] = toml
    try:
        conf = regresolve.load_config(**kwargs)
    except InvalidConfig as e:
        ours = strip(e.go_message)
        if answer["error"] is None or not era_errors_match(ours, answer["error"], era):
            miss.append(Mismatch("load", "", ours, answer["error"]))
        return out
    if answer["error"] is not None:
        miss.append(Mismatch("load", "", None, answer["error"]))
        return out
    out.loaded = True
    if conf.containers_image.split(".")[:2] != era.split("."):
        miss.append(Mismatch("containers_image", "", conf.containers_image, era))
    _compare_conf(conf, era, answer, strip, miss, probe.mode)
    user: tuple[Alias, ...] | InvalidConfig = ()
    if probe.cache is not None:
        try:
            user = regresolve.load_alias_cache(
                r + ALIAS_CACHE, version=kwargs.get("version"), toml=toml
            )
        except InvalidConfig as e:
            user = e
    resolver = Resolver(conf, cache_size=0, user_aliases=user)
    _compare_answers(probe, era, answer, resolver, strip, miss)
    out.plans = len(probe.refs)
    out.names = len(probe.names)
    return out


def _compare_answers(  # noqa: PLR0917 - one comparison
    probe: Probe,
    era: str,
    answer: dict[str, Any],
    resolver: Resolver,
    strip: Strip,
    miss: list[Mismatch],
) -> None:
    for text, go in strict_zip(probe.refs, answer["plans"]):
        ours_plan = plan_json(resolver, text, era, strip)
        if ours_plan != go_plan_json(go):
            miss.append(Mismatch("plan", text, ours_plan, go_plan_json(go)))
    for name, go in strict_zip(probe.names, answer["short_names"]):
        ours_sn = our_short_name(resolver, name, probe.mode, strip)
        if ours_sn != go:
            miss.append(Mismatch("short_name", name, ours_sn, go))
    for name, go in strict_zip(probe.names, answer["local_names"]):
        ours_local = our_local(resolver, name, strip)
        if ours_local != go:
            miss.append(Mismatch("local", name, ours_local, go))
    for name in sorted({*probe.names, *probe.alias_names}):
        ours_alias = our_alias(resolver, name, strip)
        go = answer["aliases"][name]
        if ours_alias != go and not (
            ours_alias["error"] is not None
            and go["error"] is not None
            and era_errors_match(ours_alias["error"], go["error"], era)
        ):
            miss.append(Mismatch("alias", name, ours_alias, go))
    for text, go in strict_zip(probe.find_refs, answer["find"]):
        reg = resolver.find_registry(text)
        ours_reg = None if reg is None else registry_json(reg, era)
        if ours_reg != go_registry(go["registry"]):
            miss.append(Mismatch("find", text, ours_reg, go["registry"]))


def _compare_conf(  # noqa: PLR0917 - one comparison
    conf: regresolve.RegistriesConf,
    era: str,
    answer: dict[str, Any],
    strip: Strip,
    miss: list[Mismatch],
    mode: str | None,
) -> None:
    ours = conf_json(conf, era, strip)
    if mode is not None:  # SystemContext.ShortNameMode: GetShortNameMode answers the override
        ours["short_name_mode"] = mode
    go = go_conf(answer["config"])
    for key in sorted(set(ours) | set(go)):
        if ours.get(key) != go.get(key):
            miss.append(Mismatch(f"config.{key}", "", ours.get(key), go.get(key)))
    paths = (strip(conf.path), strip(conf.dir_path))
    if paths != (answer["config_path"], answer["config_dir_path"]):
        miss.append(
            Mismatch("paths", "", paths, (answer["config_path"], answer["config_dir_path"]))
        )
    if at_least(era, "5.40"):
        described = strip(conf.source_description)
        if described != answer["config_source_description"]:
            miss.append(
                Mismatch("source_description", "", described, answer["config_source_description"])
            )
