"""Logs written by the app before event logs were validated still read whole and replay.

The files in recorded/ were written by `run --events` and `trace --events` of the version
that came just before the checks (launch, too-few, wedge, a traced two-barrier program).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from engine.cli.headless import NarrativePrinter, follow
from engine.core.event_log_reader import REPLAY_MAX_GAP_S, read_event_log
from engine.core.events import Event
from engine.core.outcome import EXIT_CODES
from engine.model.view_model import RunViewModel
from engine.sources.replay import ReplaySource

RECORDED = Path(__file__).resolve().parent / "recorded"
LOGS = sorted(RECORDED.glob("*.jsonl"))


@pytest.mark.parametrize("path", LOGS, ids=[p.stem for p in LOGS])
def test_a_recorded_log_reads_whole_and_unchanged(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    events, warnings = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
    assert warnings == []
    assert events == [Event.from_wire(Event.from_json_line(line).to_wire()) for line in lines]
    assert [e.to_json_line() for e in events] == lines  # nothing shifted, nothing dropped


@pytest.mark.parametrize("path", LOGS, ids=[p.stem for p in LOGS])
def test_a_recorded_log_replays_to_its_recorded_end(path: Path) -> None:
    events, _ = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
    source = ReplaySource(events, speed=100)
    out = io.StringIO()
    model = follow(source, NarrativePrinter(out))
    end = events[-1]
    assert end.kind == "run_end"
    assert source.outcome is not None
    assert source.outcome.exit_code == end.get("exit_code")
    assert model.exit_code == end.get("exit_code") and model.status.value == end.get("status")
    assert EXIT_CODES[model.status] == end.get("exit_code")
    assert out.getvalue().splitlines()[-1].endswith(f"(exit code {end.get('exit_code')}).")
    fresh = RunViewModel()
    fresh.apply(events)
    assert [line.plain() for line in fresh.log] == out.getvalue().splitlines()
