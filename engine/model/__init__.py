"""Interpreting a run's events: the view model every view reads, the narrative written from
its facts, stage summaries and reports.  Imports engine.core and engine.scenario only."""
