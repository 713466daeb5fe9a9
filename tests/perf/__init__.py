"""Benchmark scripts (run with `python -m tests.perf.<name>`; pytest does not collect this folder)."""
