"""Benchmark suite (issue 7): `.venv/bin/python -m benchmarks.run_all` prints one table.

Not part of the unit tests: every module measures real processes and prints JSON rows that
`benchmarks.run_all` collects.  See docs/benchmarks.md for the method and the results.
"""
