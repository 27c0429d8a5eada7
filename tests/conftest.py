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
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from support.oracle import DEFAULT_PATH, ENV_VAR, Oracle, find_oracle

# ``--hypothesis-profile=coverage`` (the coverage step of .ci/run): tracing slows every example
# down several times, so per-example deadlines and the too-slow health check are off there.
settings.register_profile("coverage", deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The end-to-end lane runs on the main interpreter only (.ci/run; podman and skopeo are needed
# anyway), and its harness reads TOML with the standard library's tomllib (Python 3.11+): the
# default lane on Python 3.9 and 3.10 does not collect it.
collect_ignore = ["e2e"] if sys.version_info < (3, 11) else []


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
