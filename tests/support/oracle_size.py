"""How many generated examples the differential (oracle) tests run.

``REGRESOLVE_ORACLE_EXAMPLES`` is unset for a quick developer run, ``ci`` for the sizes CI
runs (which reach 100,000 references and 100,000 (configuration, reference) pairs), or a
number that overrides every test's example count.
"""

from __future__ import annotations

import os

ENV = "REGRESOLVE_ORACLE_EXAMPLES"


def is_ci_size() -> bool:
    return os.environ.get(ENV) == "ci"


def examples(*, default: int, ci: int) -> int:
    raw = os.environ.get(ENV)
    if raw is None or raw == "":
        return default
    if raw == "ci":
        return ci
    return int(raw)
