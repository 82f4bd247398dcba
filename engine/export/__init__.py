"""Turning a run or a scenario into something else: a Chrome/Perfetto trace, a standalone
Python program."""
