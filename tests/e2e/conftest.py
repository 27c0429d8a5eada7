"""Fixtures for the end-to-end tests (tests/e2e).

``sandbox``: one loopback-only network namespace for the session (see ``e2e_harness``).
Without root or without the binaries the e2e tests are skipped locally, but **fail** when
``CI`` is set: CI installs everything with ``bash tests/e2e/setup.sh`` and runs as root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.e2e_harness import Sandbox, missing_prerequisites


def _unavailable(msg: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    why = missing_prerequisites()
    if why:
        _unavailable(
            f"e2e prerequisites missing ({'; '.join(why)}): run `bash tests/e2e/setup.sh` as root"
        )
    workdir: Path = tmp_path_factory.mktemp("e2e-sandbox")
    with Sandbox.create(workdir) as box:
        yield box
