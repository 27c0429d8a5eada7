"""Shared pytest fixtures.

``oracle``: one Go oracle process for the whole session (``tests/support/oracle.py``).  When the
binary is missing the requesting test fails if ``$CI`` is set (no skipped oracle tests in CI)
and is skipped otherwise.

The test lanes (markers ``oracle``, ``e2e``, ``slow``, ``property``) are declared in
``pyproject.toml``, whose ``addopts`` deselects ``slow``, ``property`` and ``e2e`` unless the
command line gives its own ``-m``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from support.oracle import DEFAULT_PATH, ENV_VAR, Oracle, find_oracle

# ``--hypothesis-profile=coverage`` (the coverage step of .ci/run): tracing slows every example
# down several times, so per-example deadlines and the too-slow health check are off there.
settings.register_profile("coverage", deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
