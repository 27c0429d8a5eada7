"""Differential tests: our loader against containers/image 5.34.2 (the Go oracle).

Every generated file set (``strategies_config.config_cases``) is sent to the oracle, and
the same files are written under a temporary root for :func:`regresolve.load_config` with
arguments that mirror the oracle's ``SystemContext``.  The loaded configuration, the
``ConfigPath``/``ConfigDirPath`` values and the exact error text must agree (errors modulo
the deviations listed in docs/compat.md, see ``strategies_config.errors_match``).

The number of examples comes from ``REGRESOLVE_ORACLE_EXAMPLES`` (default 300).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regresolve import InvalidConfig, RegistriesConf, load_alias_cache
from support.config_fixed import FIXED
from support.oracle_size import examples
from support.strategies_config import (
    ConfigCase,
    alias_names,
    alias_values,
    compare,
    conf_json,
    config_cases,
    errors_match,
    oracle_conf_json,
    registries_conf_texts,
    run_ours,
    toml_documents,
    toml_string,
)

pytestmark = pytest.mark.oracle

EXAMPLES = examples(default=300, ci=3_000)


@pytest.mark.property
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=config_cases())
def test_loader_matches_oracle(oracle: Any, case: ConfigCase) -> None:
    answer = oracle.request(case.oracle_request())
    compare(case, answer)


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_cases_match_oracle(oracle: Any, name: str) -> None:
    case = FIXED[name]
    answer = oracle.request(case.oracle_request())
    compare(case, answer, strict=True)


@pytest.mark.property
@settings(
    max_examples=max(50, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(texts=registries_conf_texts())
def test_to_toml_loads_equal_in_go(oracle: Any, texts: tuple[str, dict[str, str]]) -> None:
    main, dropins = texts
    try:
        conf = RegistriesConf.from_toml(main, dropins)
        dumped = conf.to_toml()
    except InvalidConfig:
        return
    path = "/etc/containers/registries.conf"
    answer = oracle.request({"op": "config", "files": {path: dumped}})
    assert answer["error"] is None, (dumped, answer["error"])
    go = oracle_conf_json(answer["config"])
    ours = conf_json(conf)
    for key in ("unqualified_search_registries_origin", "alias_origins"):
        go.pop(key)
        ours.pop(key)
    assert go == ours


ALIAS_CACHE = "/var/cache/containers/short-name-aliases.conf"
QUERIED = ("foo", "bar", "library/foo", "busybox", "ns/bar")


@st.composite
def alias_cache_texts(draw: st.DrawFn) -> str:
    aliases = draw(st.dictionaries(alias_names, alias_values, max_size=4))
    head = draw(st.sampled_from(["[aliases]", "[Aliases]", "[other]"]))
    lines = [head] + [f"{toml_string(k)} = {toml_string(v)}" for k, v in aliases.items()]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=max(50, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=alias_cache_texts(), present=st.booleans())
def test_alias_cache_matches_go(oracle: Any, text: str, present: bool) -> None:  # SPEC R-SN-6
    files: dict[str, str | None] = {ALIAS_CACHE: text} if present else {}
    answer = oracle.request(
        {
            "op": "config",
            "files": files,
            "short_names": list(QUERIED),
            "user_alias_cache": ALIAS_CACHE,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if present:
            (root / "cache.conf").write_text(text)
        try:
            cache = {a.name: a for a in load_alias_cache(root / "cache.conf")}
            error = None
        except InvalidConfig as e:
            cache, error = {}, e.go_message.replace(str(root / "cache.conf"), ALIAS_CACHE)
    for name in QUERIED:
        go = answer["aliases"][name]
        if error is not None:
            assert errors_match(error, go["error"]), (error, go["error"])
            continue
        assert go["error"] is None
        if name in cache:
            assert go["value"] == (cache[name].value or None)
            assert go["origin"] == ALIAS_CACHE
        else:
            assert go["value"] is None
            assert go["origin"] == ""


def _has_fold_duplicates(value: object) -> bool:
    """Two keys of one table that BurntSushi maps to the same field (Go's choice is random)."""
    from regresolve._gotext import fold

    if isinstance(value, dict):
        folded = [fold(k) for k in value]
        if len(set(folded)) != len(folded):
            return True
        return any(_has_fold_duplicates(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_fold_duplicates(v) for v in value)
    return False


@settings(
    max_examples=max(100, EXAMPLES),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(doc=toml_documents)
def test_any_toml_document_matches_go(oracle: Any, doc: dict[str, Any]) -> None:
    """Arbitrary documents over the struct's keys: decoding, types, lines, validation."""
    import tomli_w

    if _has_fold_duplicates(doc):
        return
    text = tomli_w.dumps(doc)
    case = ConfigCase({"/etc/containers/registries.conf": text})
    answer = oracle.request(case.oracle_request())
    ours = run_ours(case)
    if ours["error"] is None or answer["error"] is None:
        compare(case, answer)
        return
    assert answer["error"] is not None
    type_error = ("incompatible types:", "type mismatch for ")
    if any(t in answer["error"] for t in type_error):
        # Several type errors in one document: Go reports one at random (map order).
        assert any(t in ours["error"] for t in type_error), (ours["error"], answer["error"])
    else:
        assert errors_match(ours["error"], answer["error"]), (ours["error"], answer["error"])
