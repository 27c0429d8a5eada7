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

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import regresolve
from regresolve import InvalidConfig
from strategies_config import (
    ConfigCase,
    conf_json,
    config_cases,
    errors_match,
    oracle_conf_json,
)

pytestmark = pytest.mark.oracle

EXAMPLES = int(os.environ.get("REGRESOLVE_ORACLE_EXAMPLES", "300"))


def run_ours(case: ConfigCase) -> dict[str, Any]:
    """Load ``case`` with our loader; the answer uses virtual paths like the oracle's."""
    with tempfile.TemporaryDirectory(prefix="regresolve-") as tmp:
        root = Path(tmp) / "R"
        case.materialize(root)
        r = str(root)

        def strip(s: str) -> str:
            return s.replace(r, "")

        try:
            conf = regresolve.load_config(**case.load_kwargs(root))
        except InvalidConfig as e:
            return {"error": strip(e.go_message), "config": None}
        out = conf_json(conf)
        out["unqualified_search_registries_origin"] = strip(
            out["unqualified_search_registries_origin"]
        )
        out["alias_origins"] = {k: strip(v) for k, v in out["alias_origins"].items()}
        return {
            "error": None,
            "config": out,
            "config_path": strip(conf.path),
            "config_dir_path": strip(conf.dir_path),
        }


def compare(case: ConfigCase, answer: dict[str, Any]) -> None:
    ours = run_ours(case)
    if answer["error"] is not None or ours["error"] is not None:
        assert ours["error"] is not None, f"Go failed, we did not: {answer['error']!r}"
        assert answer["error"] is not None, f"we failed, Go did not: {ours['error']!r}"
        assert errors_match(ours["error"], answer["error"]), (ours["error"], answer["error"])
        return
    assert ours["config"] == oracle_conf_json(answer["config"])
    assert ours["config_path"] == answer["config_path"]
    assert ours["config_dir_path"] == answer["config_dir_path"]


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


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_cases_match_oracle(oracle: Any, name: str) -> None:
    case = FIXED[name]
    answer = oracle.request(case.oracle_request())
    compare(case, answer)
