"""Shared helpers of the test suite: the oracle client, Hypothesis strategies, models.

Test modules import only from here (``from support.oracle import Oracle``), never from each
other (``tests/test_test_hygiene.py`` checks it); ``tests/`` is on ``sys.path`` through
pytest's rootdir conftest, and the scripts (``tests/record_*.py``, ``tests/fuzz/run.py``,
``benchmarks/``) put it there themselves.

* ``oracle``, ``oracle_size``: the Go oracle client and the example counts per run size;
* ``strategies_reference``, ``strategies_config``, ``strategies_plan``: generators;
* ``config_fixed``: hand-picked configuration sets; ``plan_compare``: one plan comparison
  against an oracle answer (live or recorded); ``model_go_scan``: Go's prefix scan as a model;
* ``fuzz_targets``: the fuzz targets (atheris in ``tests/fuzz/run.py``, corpus replay);
* ``scaling``: inputs of growing size for the linear-time checks and the scaling benchmark;
* ``e2e_*``: the podman/skopeo end-to-end harness, registry and scenarios.
"""
