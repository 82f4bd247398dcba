"""What the lanes say on stage: the action banner stays (with its stage), the header and the
status strip agree, a Barrier(4) with 3 processes says both and shows the missing party, a
stuck barrier counts down to what the app will do, and Cannot run shows over the lanes."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import RunViewModel
from gui.lanes.failure import alert_hint
from gui.lanes.ghosts import ghost_count
from gui.lanes.overlay import PAST_STAGE_STRENGTH, banner_strength, banner_title, header_label
from gui.window.main_window import MainWindow

T0 = 5_000_000_000
S = 1_000_000_000


def started(names: list[str], parties: int, stages: int = 1) -> RunViewModel:
    model = RunViewModel()
    data = {"names": names, "parties": parties, "stages": stages}
    model.apply([Event("run_start", T0, None, 1, None, data)])
    return model


def test_the_action_banner_stays_and_is_dimmed_once_the_next_stage_runs() -> None:
    model = started(["A", "B"], 2, stages=2)
    model.apply(
        [
            Event("work_start", T0, p, 10 + p, 0, {"planned_s": 1}) for p in (0, 1)
        ] + [Event("arrive", T0 + S, p, 10 + p, 0) for p in (0, 1)] + [
            Event("action", T0 + S, 1, 11, 0, {"message": "Round one."}),
            *[Event("release", T0 + S + 1, p, 10 + p, 0, {"index": p}) for p in (0, 1)],
        ]
    )  # fmt: skip
    banner = model.action_banner
    assert banner is not None and banner_title(banner, model.stages) == "Stage 1 action:"
    assert banner_strength(banner, T0 + 60 * S, 0) == 1.0  # a minute later: still there
    model.apply([Event("work_start", T0 + 2 * S, p, 10 + p, 1, {"planned_s": 1}) for p in (0, 1)])
    assert banner_strength(banner, T0 + 3 * S, model.current_stage) == PAST_STAGE_STRENGTH


def test_a_mismatch_says_parties_and_processes_and_shows_the_missing_party() -> None:
    too_few = started(["A", "B", "C"], 4)
    assert header_label(too_few) == "Stage 1 of 1  ·  Barrier(4), 3 processes"
    assert ghost_count(too_few) == 1
    too_many = started(["A", "B", "C", "D"], 3)
    assert "Barrier(3), 4 processes" in header_label(too_many) and ghost_count(too_many) == 0
    assert header_label(started(["A", "B", "C"], 3)) == "Stage 1 of 1"


def test_a_stuck_barrier_counts_down_to_what_the_app_does() -> None:
    model = started(["A", "B"], 2)
    model.apply(
        [
            Event("work_start", T0, 0, 10, 0, {"planned_s": 1}),
            Event("arrive", T0 + S, 0, 10, 0),
            Event("exit", T0 + 2 * S, 1, 11, None, {"exitcode": -9}),
            Event("stranded", T0 + 2 * S, 1, 1, None, {"message": "B died", "ends_in_s": 3.0}),
        ]
    )
    assert alert_hint(model, T0 + 3 * S) == "Abort (A) now, or the app aborts in 2.0 s"
    assert alert_hint(model) == "Abort (A) ends the wait now"  # no clock: no countdown


def test_the_status_strip_says_the_stage_in_the_headers_words(window: MainWindow) -> None:
    window.controller.model.apply(
        [Event("run_start", T0, None, 1, None, {"names": ["A"], "parties": 1, "stages": 2})]
    )
    window.status.follow_stage()
    assert window.status.stage_label.text() == "Stage 1 of 2" == header_label(window.model)


def test_cannot_run_is_said_over_the_lanes_in_presentation_mode(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.features.presentation.set_active(True)
    window.panel.form.name_edit.setText("")  # a scenario needs a name
    assert not window.run()
    notice = window.lanes._current_notice()
    assert notice is not None and notice.title == "Cannot run"
    assert "name" in notice.text.lower()
