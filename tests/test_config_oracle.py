# ruff: noqa: E501 - upstream vectors and error texts are long lines
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


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=config_cases())
def test_loader_matches_oracle(oracle: Any, case: ConfigCase) -> None:
    answer = oracle.request(case.oracle_request())
    compare(case, answer)


# Hand-picked sets the generator reaches only rarely.
FIXED = {
    "kelvin-sign-key": ConfigCase(
        {
            "/etc/containers/registries.conf": '[[registry]]\nlocation = "a.com"\n"bloc\u212aed" = true\n'
        }
    ),
    "long-s-key": ConfigCase(
        {
            "/etc/containers/registries.conf": '[[registry]]\n"location" = "a.com"\n"in\u017fecure" = true\n'
        }
    ),
    "type-error-line-of-last-occurrence": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                '[[registry]]\nlocation = "a.com"\ninsecure = "yes"\n\n'
                '[[registry]]\nlocation = "b.com"\ninsecure = true\n'
            )
        }
    ),
    "registry-as-table": ConfigCase(
        {"/etc/containers/registries.conf": '[registry]\nlocation = "a.com"\n'}
    ),
    "registry-as-string-elements": ConfigCase(
        {"/etc/containers/registries.conf": 'registry = ["a.com"]\n'}
    ),
    "aliases-array-of-tables": ConfigCase(
        {"/etc/containers/registries.conf": '[[aliases]]\nfoo = "a.com/foo"\n'}
    ),
    "aliases-string-with-v1": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                'aliases = "x"\n[registries.search]\nregistries = ["a.com"]\n'
            )
        }
    ),
    "empty-key-in-aliases": ConfigCase(
        {"/etc/containers/registries.conf": '[aliases]\nfoo = "a.com/foo"\n"" = true\n'}
    ),
    "dotted-implicit-registry": ConfigCase(
        {"/etc/containers/registries.conf": 'registry.location = "a.com"\n'}
    ),
    "mixing-with-registries": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                'unqualified-search-registries = ["a.com"]\ncredential-helpers = []\n'
                '[aliases]\nfoo = "a.com/foo"\n[registries.search]\nregistries = ["b.com"]\n'
                '[[registry]]\nprefix = "p.com/"\nlocation = "l.com"\nmirror = []\n'
                '[[registry]]\nlocation = "x.com"\n[[registry.mirror]]\nlocation = "m.com/"\n'
                'pull-from-mirror = "all"\n'
            )
        }
    ),
    "v1-dropin": ConfigCase(
        {
            "/etc/containers/registries.conf.d/a.conf": "[registries.block]\nregistries = []\n",
        }
    ),
    "bom-and-crlf": ConfigCase(
        {"/etc/containers/registries.conf": '\ufeff[[registry]]\r\nlocation = "a.com"\r\n'}
    ),
    "dropin-dir-is-conf-file": ConfigCase(
        {
            "/custom/one.conf": 'unqualified-search-registries = ["q.io"]\n',
        },
        system_registries_conf_dir_path="/custom/one.conf",
    ),
    "dropin-symlink-dangling": ConfigCase(
        {"/etc/containers/registries.conf.d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "nowhere.conf"},
    ),
    "dropin-symlink-loop": ConfigCase(
        {"/etc/containers/registries.conf.d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "x.conf"},
    ),
    "dropin-symlink-to-dir": ConfigCase(
        {"/etc/containers/registries.conf.d": None, "/srv/d": None},
        symlinks={"/etc/containers/registries.conf.d/x.conf": "../../../srv/d"},
    ),
    "dropin-dir-is-symlink": ConfigCase(
        {"/srv/real/a.conf": 'short-name-mode = "disabled"\n'},
        symlinks={"/etc/containers/registries.conf.d": "../../srv/real"},
    ),
    "duplicate-alias-key": ConfigCase(
        {"/etc/containers/registries.conf": '[aliases]\nfoo = "a.com/x"\nfoo = "b.com/x"\n'}
    ),
    "duplicate-table": ConfigCase({"/etc/containers/registries.conf": "[aliases]\n[aliases]\n"}),
    "duplicate-registry-key": ConfigCase(
        {"/etc/containers/registries.conf": '[[registry]]\nlocation = "a"\nlocation = "b"\n'}
    ),
    "duplicate-mirror-key": ConfigCase(
        {
            "/etc/containers/registries.conf": (
                '[[registry]]\nlocation = "a"\n[[registry.mirror]]\nlocation="x"\nlocation="y"\n'
            )
        }
    ),
    "table-then-array": ConfigCase(
        {"/etc/containers/registries.conf": "[registry]\n[[registry]]\n"}
    ),
    "inline-array-then-array-table": ConfigCase(
        {"/etc/containers/registries.conf": "[[registry]]\nmirror = []\n[[registry.mirror]]\n"}
    ),
    "duplicate-inline-key": ConfigCase(
        {"/etc/containers/registries.conf": 'registry = [{location = "a", location = "b"}]\n'}
    ),
    "main-is-directory": ConfigCase({"/etc/containers/registries.conf": None}),
    "explicit-main-missing": ConfigCase({}, system_registries_conf_path="/nope.conf"),
    "user-file-hides-system": ConfigCase(
        {
            "/home/user/.config/containers/registries.conf": "",
            "/etc/containers/registries.conf": 'unqualified-search-registries = ["a.com"]\n',
            "/etc/containers/registries.conf.d/a.conf": 'credential-helpers = ["x"]\n',
        }
    ),
    "non-utf8-is-not-reachable-here": ConfigCase(
        {"/etc/containers/registries.conf": 'short-name-mode = "prompt"\n'}
    ),
}


# Go %q and BurntSushi key quoting on non-ASCII and control characters.
_QUOTING = [
    '[[registry]]\nprefix = "é.com"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\u200bb"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\tb\\u0001\\u007f"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\U0001F600"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[[registry]]\nprefix = "a\\u00a0b\\u2028"\nlocation = "a"\npull-from-mirror = "x"\n',
    '[aliases]\n"a\\"b" = "a.com/x"\n',
    '[aliases]\n"x" = "a.com/\\u0085"\n',
    '["é"]\nx = 1\n[[registry]]\ninsecure = "x"\n',
    '[[registry]]\n"a b" = 1\n[[registry]]\nblocked = 1\n',
    # An empty key in an inline table inside an array: BurntSushi keeps only the tables.
    'short-name-mode = [1, {"" = 1}]\n',
    'short-name-mode = [{"" = 1}, [2]]\n',
    'short-name-mode = [{"" = []}]\n',
    'registries = [1, {"" = ""}]\n',
    "credential-helpers = [[{'' = 1}], 'x']\n",
]
FIXED.update(
    {
        f"quoting-{i}": ConfigCase({"/etc/containers/registries.conf": text})
        for i, text in enumerate(_QUOTING)
    }
)


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_cases_match_oracle(oracle: Any, name: str) -> None:
    case = FIXED[name]
    answer = oracle.request(case.oracle_request())
    compare(case, answer, strict=True)


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
