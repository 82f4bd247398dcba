"""Real runs through RunController + LanesView, checked frame by frame.

The barrier promise as the viewer sees it: while one party works, others sit frozen at the
gate; when the last arrives, every party of that stage is released in the SAME frame (there is
never a frame with some released and others still waiting in one stage).
"""

from __future__ import annotations

import time

import psutil
import pytest
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import LaneState, RunViewModel
from engine.scenario.presets import load_preset
from gui.lanes.view import LanesView
from gui.run.controller import RunController
from tests.gui.probes import PaintProbe, painted_geometry

FAST = 20.0
Frame = list[tuple[LaneState, int]]
RELEASED = (LaneState.RELEASED, LaneState.DONE)


class Recorder:
    """Feeds the lanes view like the main window does, and keeps each frame's lane states."""

    def __init__(self, controller: RunController, view: LanesView) -> None:
        self.frames: list[Frame] = []
        self.controller = controller
        self.view = view
        controller.frame_ready.connect(self.on_frame)

    def on_frame(self, now_ns: int) -> None:
        model = self.controller.model
        self.view.update_from(model, now_ns)
        self.frames.append([(lane.state, lane.stage) for lane in model.lanes])


@pytest.fixture
def rig(qtbot: QtBot) -> tuple[RunController, LanesView, Recorder]:
    controller = RunController()
    view = LanesView()
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    yield controller, view, Recorder(controller, view)
    controller.shutdown()


def run_to_end(qtbot: QtBot, controller: RunController, name: str, speed: float = FAST) -> int:
    with qtbot.waitSignal(controller.run_finished, timeout=30_000) as blocker:
        assert controller.start(load_preset(name), speed, None)
    return int(blocker.args[0])


def pids_gone(pids: list[int]) -> bool:
    return not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids)


@pytest.mark.parametrize("name", ["straggler", "launch-staggered"])
def test_release_is_one_frame_for_the_whole_stage(
    qtbot: QtBot, rig: tuple[RunController, LanesView, Recorder], name: str
) -> None:
    controller, view, recorder = rig
    scenario = load_preset(name)
    probe = PaintProbe(view)
    assert run_to_end(qtbot, controller, name) == 0
    frames = recorder.frames
    assert any(
        LaneState.WAITING in [s for s, _ in f] and LaneState.WORKING in [s for s, _ in f]
        for f in frames
    ), "never saw a party waiting while another was still working"
    for i, frame in enumerate(frames):
        for stage in range(scenario.stages):
            states = {s for s, st in frame if st == stage}
            assert not (LaneState.WAITING in states and states & set(RELEASED)), (
                f"frame {i}: stage {stage} partly released: {frame}"
            )
    for stage in range(scenario.stages):  # the frame right after the last frame with a waiter
        last_wait = max(i for i, f in enumerate(frames) if (LaneState.WAITING, stage) in f)
        release = frames[last_wait + 1]
        assert all(st > stage or s in RELEASED for s, st in release), release
    model = controller.model
    assert model.actions_per_stage == {s: 1 for s in range(scenario.stages)}
    waits = [(span.party, span.stage) for span in model.spans if span.kind == "wait"]
    assert sorted(waits) == sorted(
        (p, s) for p in range(scenario.parties) for s in range(scenario.stages)
    )
    assert probe.paints > 0 and probe.geometry is not None  # painted during the run
    assert probe.geometry.rows == scenario.parties


def test_stop_mid_run_ends_every_party_and_a_new_run_works(
    qtbot: QtBot, rig: tuple[RunController, LanesView, Recorder]
) -> None:
    controller, _, _ = rig
    assert controller.start(load_preset("crowd"), 0.5, None)
    qtbot.waitUntil(
        lambda: sum(lane.state == LaneState.WORKING for lane in controller.model.lanes) == 32,
        timeout=20_000,
    )
    runner = controller.source
    assert runner is not None and len(runner.pids) == 32
    pids = list(runner.pids)
    assert not controller.start(load_preset("launch"), FAST, None), "started during a run"
    with qtbot.waitSignal(controller.run_finished, timeout=10_000) as blocker:
        controller.stop()
    assert blocker.args[0] != 0
    assert controller.model.status == "stopped"
    qtbot.waitUntil(lambda: pids_gone(pids), timeout=5_000)
    assert run_to_end(qtbot, controller, "launch") == 0
    assert controller.model.status == "passed"
    assert [e.kind for e in controller.last_events][-1] == "run_end"


def test_stop_works_every_time(
    qtbot: QtBot, rig: tuple[RunController, LanesView, Recorder]
) -> None:
    controller, _, _ = rig
    for _ in range(3):
        with qtbot.waitSignal(controller.run_finished, timeout=10_000):
            assert controller.start(load_preset("straggler"), 1.0, None)
            controller.stop()  # even before any party has started
        assert not controller.is_running


def test_shutdown_is_bounded_and_leaves_no_party(
    qtbot: QtBot, rig: tuple[RunController, LanesView, Recorder]
) -> None:
    controller, _, _ = rig
    controller.start(load_preset("crowd"), 0.2, None)
    runner = controller.source
    assert runner is not None
    qtbot.waitUntil(lambda: len(runner.pids) == 32, timeout=20_000)
    began = time.monotonic()
    controller.shutdown()
    assert time.monotonic() - began < 2.5
    assert runner.done
    assert pids_gone(runner.pids)


def fake_model(parties: int) -> RunViewModel:
    model = RunViewModel()
    names = [f"Worker {i + 1:03d}" for i in range(parties)]
    model.apply([Event("run_start", 1, None, 1, None, {"names": names, "parties": parties})])
    return model


@pytest.mark.parametrize("parties", [3, 8, 32, 256])
def test_rows_fit_and_stay_readable(qtbot: QtBot, parties: int) -> None:
    view = LanesView()
    qtbot.addWidget(view)
    view.resize(1400, 700)
    view.update_from(fake_model(parties), 2)
    g = painted_geometry(view)
    assert g is not None
    assert g.rows == parties
    assert g.lanes_bottom <= g.height
    if parties <= 8:
        assert not g.compact and g.name_font.pixelSize() >= 16
    else:
        assert g.compact
