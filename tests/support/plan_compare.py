"""One pull-plan comparison: our resolver's answers against the Go oracle's, field by field.

``compare_with_answer`` loads a generated (or recorded) configuration the way the oracle did
and checks every plan, short-name resolution, local name, alias lookup and FindRegistry
result against the oracle's answer.  The live differential test
(``tests/test_plan_oracle.py``) and the corpus replay (``tests/test_plan_corpus.py``) share
it; ``oracle_request`` builds the matching oracle request (also used by the recorder).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import regresolve
from regresolve import (
    Alias,
    InvalidConfig,
    InvalidReference,
    PlanError,
    Resolver,
    ShortNameError,
)
from support.pycompat import strict_zip
from support.strategies_config import ConfigCase
from support.strategies_plan import ALIAS_CACHE


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
) -> bool:
    """Load the case as the oracle did and compare every plan, name and lookup with ``answer``.

    Returns False when the configuration does not load (the oracle must have failed too),
    True when the plans were compared.
    """
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
            return False  # loading errors are compared in test_config_oracle.py
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
        for text, go in strict_zip(refs, answer["plans"]):
            assert our_plan(resolver, text, strip) == go_plan(go), text
        for name, go in strict_zip(names, answer["short_names"]):
            assert our_short_name(resolver, name, mode, strip) == go, name
        for name, go in strict_zip(names, answer["local_names"]):
            assert our_local(resolver, name, strip) == go, name
        for name in names:
            assert our_alias(resolver, name, strip) == answer["aliases"][name], name
        for text, go in strict_zip(refs[:8], answer["find"]):
            reg = resolver.find_registry(text)
            assert (None if reg is None else _registry_json(reg)) == go["registry"], text
    return True
