"""Shared helpers of the test suite: the oracle client, Hypothesis strategies, models.

Test modules import only from here (``from support.oracle import Oracle``), never from each
other; ``tests/`` is on ``sys.path`` through pytest's rootdir conftest.
"""
