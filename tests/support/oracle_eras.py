"""Python client for the per-era Go oracles (tests/oracle/eras/; protocol in its PROTOCOL.md).

One binary per containers/image behaviour era, ``tests/oracle/eras/build/<era>/
regresolve-oracle-<era>``, built by ``bash tests/oracle/eras/build.sh <era>|all``.  The client is
the main oracle's :class:`support.oracle.Oracle` (same process handling, same JSON-lines
protocol); :class:`EraOracle` adds the era it was asked for and the era-only request fields.

* ``find_era_oracle(era)``: the binary's path, or ``None`` when it is not built.  The variable
  ``REGRESOLVE_ERA_ORACLE_<era with _>`` (``REGRESOLVE_ERA_ORACLE_5_23``) points at another one.
* ``era_oracle(era)``: a shared :class:`EraOracle` per era for the test session (started
  lazily, stopped at interpreter exit); when the binary is missing it fails the calling test
  if ``$CI`` is set and skips it otherwise, like the ``oracle`` fixture of tests/conftest.py.
* In a test module, one oracle per era::

      @pytest.fixture(params=ERAS, ids=lambda e: f"c/image-{e}")
      def era(request: pytest.FixtureRequest) -> EraOracle:
          return era_oracle(request.param)
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from support.oracle import Oracle

__all__ = [
    "CONTROL_ERA",
    "ERAS",
    "ERA_TOML",
    "ERA_VERSIONS",
    "EraOracle",
    "era_oracle",
    "era_oracle_path",
    "find_era_oracle",
]

#: The behaviour eras of issue 14 (the main oracle, tests/oracle/, is 5.34).
ERAS: tuple[str, ...] = ("5.23", "5.26", "5.39", "5.41")
#: The main oracle's library (5.34.2) through this protocol: ``build.sh all`` builds it too, so
#: that the two oracles can be checked against each other.
CONTROL_ERA = "5.34"
#: The exact containers/image version (its ``version.Version``) each era binary is built from.
#: The BurntSushi/toml dialect each era binary is linked with, where it is not the one the
#: upstream go.mod of that containers/image asks for (Debian forky links toml 1.6.0 with
#: containers/image 5.39.2, whose go.mod asks for 1.5.0): regresolve's ``toml=`` argument.
ERA_TOML: dict[str, str] = {"5.39": "1.6"}
ERA_VERSIONS: dict[str, str] = {
    "5.23": "5.23.1",
    "5.26": "5.26.1",
    "5.34": "5.34.2",
    "5.39": "5.39.2",
    "5.41": "5.41.1",
}

BUILD_DIR = Path(__file__).resolve().parent.parent / "oracle" / "eras" / "build"


def _check_era(era: str) -> None:
    if era not in ERA_VERSIONS:
        raise ValueError(f"unknown era {era!r}; known: {', '.join(ERA_VERSIONS)}")


def env_var(era: str) -> str:
    """The variable that overrides the binary of ``era``."""
    return "REGRESOLVE_ERA_ORACLE_" + era.replace(".", "_")


def era_oracle_path(era: str) -> Path:
    """Where ``build.sh`` puts the binary of ``era`` (or where the override variable points)."""
    _check_era(era)
    override = os.environ.get(env_var(era))
    return Path(override) if override else BUILD_DIR / era / f"regresolve-oracle-{era}"


def find_era_oracle(era: str) -> str | None:
    """The path of the era's binary, or ``None`` when it is missing or not executable."""
    path = era_oracle_path(era)
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    return None


class EraOracle(Oracle):
    """A running era oracle: :class:`Oracle` plus the era and its request helpers."""

    def __init__(self, era: str, path: str | os.PathLike[str] | None = None, **kwargs: Any):
        _check_era(era)
        found = str(path) if path is not None else find_era_oracle(era)
        if found is None:
            raise FileNotFoundError(
                f"era oracle {era} not built ({era_oracle_path(era)}): "
                f"run `bash tests/oracle/eras/build.sh {era}`"
            )
        super().__init__(found, **kwargs)
        self.era = era
        self.expected_version = ERA_VERSIONS[era]

    def __repr__(self) -> str:
        return f"EraOracle({self.era!r}, {self.path!r})"

    def features(self) -> list[str]:
        """The optional parts compiled into this binary (see PROTOCOL.md, ``version``)."""
        features: list[str] = self.version()["features"]
        return features

    def config(self, **fields: Any) -> dict[str, Any]:
        """``{"op": "config", **fields}``; ``files`` defaults to ``{}``.

        Besides the main oracle's fields: ``home``, ``env``, ``root_for_implicit_absolute_paths``,
        ``alias_names``, ``credentials``, ``credential_keys`` and the auth-file paths.
        """
        return super().config(**fields)


_lock = threading.Lock()
_running: dict[str, EraOracle] = {}


def _close_all() -> None:
    with _lock:
        for client in _running.values():
            client.close()
        _running.clear()


atexit.register(_close_all)


def era_oracle(era: str) -> EraOracle:
    """The session's shared oracle of ``era``; fail (under ``$CI``) or skip when not built."""
    _check_era(era)
    with _lock:
        client = _running.get(era)
        if client is not None:
            return client
        path = find_era_oracle(era)
        if path is None:
            msg = (
                f"era oracle {era} not built ({era_oracle_path(era)}): "
                f"run `bash tests/oracle/eras/build.sh {era}`"
            )
            if os.environ.get("CI"):
                pytest.fail(msg, pytrace=False)
            pytest.skip(msg)
        client = EraOracle(era, path)
        _running[era] = client
        return client
