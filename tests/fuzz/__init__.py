"""Fuzzing harnesses (atheris) and their corpus; see tests/fuzz/run.py and docs/reliability.md."""
