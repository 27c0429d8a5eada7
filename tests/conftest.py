"""Shared pytest fixtures.

``oracle``: one Go oracle process for the whole session (``tests/support/oracle.py``).  When the
binary is missing the requesting test fails if ``$CI`` is set (no skipped oracle tests in CI)
and is skipped otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from support.oracle import DEFAULT_PATH, ENV_VAR, Oracle, find_oracle


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    path = find_oracle()
    if path is None:
        where = os.environ.get(ENV_VAR) or str(DEFAULT_PATH)
        msg = f"Go oracle not built ({where}): run `bash tests/oracle/build.sh`"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    client = Oracle(path)
    try:
        yield client
    finally:
        client.close()
