"""The hostile-log corpus read in-process: every case refused in one line or read with one
counted warning, never another exception, and every event that is left within its bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.core.event_log_reader import REPLAY_MAX_GAP_S, EventLogReadError, read_event_log
from engine.core.event_log_schema import MAX_LANES, MAX_STAGE, MAX_TEXT_CHARS
from engine.core.safe_text import first_unsafe
from engine.model.report import stage_tables
from engine.model.view_model import RunViewModel
from engine.model.wait_states import run_report
from tests.engine.core.hostile_logs import CORPUS, LogCase

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_hostile_log_is_refused_in_one_line_or_read_with_a_warning(
    tmp_path: Path, case: LogCase
) -> None:
    path = case.make(tmp_path)
    if case.refused:
        with pytest.raises(EventLogReadError) as info:
            read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
        message = str(info.value)
        assert case.needle in message
        assert first_unsafe(message) is None, message
        assert len(message) < 2000
        return
    events, warnings = read_event_log(path, max_gap_s=REPLAY_MAX_GAP_S)
    assert len(warnings) <= 2
    assert all(first_unsafe(w) is None and len(w) < 2000 for w in warnings), warnings
    assert case.needle in " ".join(warnings) if case.needle else True
    for e in events:
        assert e.party is None or 0 <= e.party < MAX_LANES
        assert e.stage is None or 0 <= e.stage <= MAX_STAGE
        assert all(len(v) <= MAX_TEXT_CHARS for v in e.data.values() if isinstance(v, str))
    times = [e.t_ns for e in events]
    assert max(times) - min(times) < (len(events) + 1) * REPLAY_MAX_GAP_S * 1e9
    # everything downstream takes what is left without an error
    model = RunViewModel()
    model.apply(events)
    assert len(model.lanes) <= MAX_LANES
    names = [lane.name for lane in model.lanes]
    assert isinstance(stage_tables(model.stage_book, names), str)
    assert isinstance(run_report(events), str)
    assert sum(len(line.text) for line in model.log) < 2_000_000
