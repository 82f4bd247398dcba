"""Replay of recorded runs, and reading event logs that are cut short or damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.core.event_log_reader import EventLogReadError, read_event_log
from engine.core.events import Event
from engine.model.view_model import RunViewModel
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from engine.sources.replay import ReplaySource


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "two-rounds.jsonl"
    runner = Runner(load_preset("two-rounds"), speed=20, events_path=path)
    runner.start()
    assert runner.join(30)
    return path


def lane_states(model: RunViewModel) -> list[tuple[str, str, int | None]]:
    return [(lane.name, lane.state, lane.last_index) for lane in model.lanes]


def test_replay_hands_out_every_event_no_earlier_than_recorded(recorded: Path) -> None:
    events, warnings = read_event_log(recorded)
    assert warnings == []
    source = ReplaySource(events, speed=4)
    source.start()
    got: list[Event] = []
    while not source.done:
        batch = source.wait_events(0.5)
        now = source.now_ns()
        assert all(e.t_ns <= now for e in batch)  # never ahead of the recorded clock
        got += batch
    assert got == events
    assert source.outcome is not None and source.outcome.exit_code == 0


def test_replayed_model_matches_the_live_model(recorded: Path) -> None:
    events, _ = read_event_log(recorded)
    live = RunViewModel()
    live.apply(events)
    replayed = RunViewModel()
    source = ReplaySource(events, speed=50)
    source.start()
    while not source.done:
        replayed.apply(source.wait_events(0.5))
    assert lane_states(replayed) == lane_states(live)
    assert replayed.spans == live.spans and replayed.markers == live.markers
    assert [line.text for line in replayed.log] == [line.text for line in live.log]


def test_pause_freezes_the_clock_and_seek_restarts_from_the_run_start(recorded: Path) -> None:
    events, _ = read_event_log(recorded)
    source = ReplaySource(events, speed=1)
    source.pause()
    frozen = source.now_ns()
    assert source.poll() == [e for e in events if e.t_ns <= frozen]
    assert source.poll() == [] and source.now_ns() == frozen
    source.seek(source.duration_s())
    assert source.poll() == events  # seeking re-issues the run from run_start
    source.seek(0.0)
    assert source.poll()[0].kind == "run_start"


def test_truncated_and_garbage_lines_are_skipped_with_warnings(
    recorded: Path, tmp_path: Path
) -> None:
    lines = recorded.read_text(encoding="utf-8").splitlines()
    damaged = tmp_path / "damaged.jsonl"
    bad_kind = json.dumps({"kind": "teleport", "t_ns": 1, "party": 0, "pid": 1, "stage": 0})
    damaged.write_text(
        "\n".join([lines[0], "not json at all", bad_kind, *lines[1:-1], lines[-1][:10]]),
        encoding="utf-8",
    )
    events, warnings = read_event_log(damaged)
    assert len(events) == len(lines) - 1
    assert any("line 2" in w and "not JSON" in w for w in warnings)
    assert any("unknown kind 'teleport'" in w for w in warnings)
    assert any("truncated last line" in w for w in warnings)


@pytest.mark.parametrize("content", ["", "garbage\n", '{"kind": "arrive"}\n'])
def test_a_file_with_no_run_is_a_one_line_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EventLogReadError, match=r"x\.jsonl") as info:
        read_event_log(path)
    assert "\n" not in str(info.value)


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(EventLogReadError, match="cannot be read"):
        read_event_log(tmp_path / "missing.jsonl")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.one_of(st.text(max_size=40), st.binary(max_size=40).map(repr)), max_size=8))
def test_any_text_either_reads_or_raises_the_projects_error(
    tmp_path: Path, junk: list[str]
) -> None:
    path = tmp_path / "fuzz.jsonl"
    start = json.dumps({"kind": "run_start", "t_ns": 0, "party": None, "pid": 1, "stage": None})
    path.write_text("\n".join([start, *junk]), encoding="utf-8", errors="surrogatepass")
    try:
        events, _ = read_event_log(path)
    except EventLogReadError:
        return
    assert any(e.kind == "run_start" for e in events)
