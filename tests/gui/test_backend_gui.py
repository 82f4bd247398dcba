"""The backend selector: round trip, asyncio's greyed controls, runs on every backend, errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from engine.model.view_model import LaneState
from engine.scenario import load_scenario, parse_scenario
from engine.scenario.presets import load_preset
from engine.sources.mpi.config import MpiUnavailable
from gui.editor.backend_rules import mpi_problem
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings

RUN_MS = 40_000
SHOTS = Path("/tmp/shots")
BACKENDS = ("processes", "threads", "asyncio", "mpi")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    yield win


def choose(window: MainWindow, backend: str) -> None:
    combo = window.panel.form.backend_combo
    combo.setCurrentIndex(combo.findData(backend))


def shot(window: MainWindow, name: str, qtbot: QtBot | None = None) -> None:
    """Save a screenshot when BARRIER_VIZ_SHOTS is set (with qtbot: after layouts settle)."""
    if os.environ.get("BARRIER_VIZ_SHOTS"):
        if qtbot is not None:
            qtbot.wait(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / name))


def run_to_end(qtbot: QtBot, window: MainWindow, backend: str, shot_name: str = "") -> int:
    window.panel.set_speed(8)
    taken: list[bool] = []

    def mid_run() -> None:  # a screenshot while parties wait at the gate
        if shot_name and not taken and window.model.n_waiting:
            taken.append(True)
            shot(window, shot_name)

    window.controller.frame_ready.connect(mid_run)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        assert window.run()
    window.controller.frame_ready.disconnect(mid_run)
    runner = window.controller.source
    assert runner is not None
    started = runner.events[0]
    assert started.kind == "run_start" and started.get("backend") == backend
    return int(done.args[0])


def test_backend_round_trips_through_save_and_load(window: MainWindow, tmp_path: Path) -> None:
    panel = window.panel
    for backend in BACKENDS:
        choose(window, backend)
        scenario = panel.current_scenario()
        assert scenario is not None and scenario.backend == backend
        path = tmp_path / f"{backend}.toml"
        assert panel.save_file(path)
        assert load_scenario(path).backend == backend
        choose(window, "processes")
        assert panel.open_file(path)
        assert panel.form.backend_combo.currentData() == backend
        assert panel.current_scenario() == load_scenario(path)
    labels = [panel.form.backend_combo.itemText(i) for i in range(4)]
    assert labels[2] == "Asyncio tasks (asyncio.Barrier)" and "comm.Barrier" in labels[3]


def test_asyncio_greys_out_action_and_timeout_and_does_not_send_them(
    window: MainWindow,
) -> None:
    form = window.panel.form
    window.panel.set_scenario(load_preset("launch"))  # has an action and a timeout
    assert form.action_check.isEnabled() and form.timeout_spin.isEnabled()
    choose(window, "asyncio")
    assert not form.action_check.isEnabled() and not form.action_edit.isEnabled()
    assert not form.timeout_spin.isEnabled() and not form.no_timeout_check.isEnabled()
    assert not form.start_method_combo.isEnabled()
    assert form.backend_note.isVisibleTo(window) and "no action and no timeout" in (
        form.backend_note.text()
    )
    assert form.action_note.isVisibleTo(window)
    scenario = window.panel.current_scenario()
    assert scenario is not None and scenario.action is None and scenario.timeout is None
    choose(window, "processes")  # the values come back untouched
    assert form.action_check.isEnabled() and form.action_check.isChecked()
    assert not form.backend_note.isVisibleTo(window)
    back = window.panel.current_scenario()
    assert back == load_preset("launch")


def test_asyncio_run_passes_with_every_lane_done(qtbot: QtBot, window: MainWindow) -> None:
    window.panel.set_scenario(load_preset("launch"))
    choose(window, "asyncio")
    assert run_to_end(qtbot, window, "asyncio", "asyncio_run.png") == 0
    assert window.model.status == "passed"
    assert [lane.state for lane in window.model.lanes] == [LaneState.DONE] * 3
    shot(window, "asyncio_done.png", qtbot)


def test_threads_run_passes_and_only_supported_controls_enable(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.panel.set_scenario(load_preset("two-rounds"))
    choose(window, "threads")
    states: list[tuple[bool, bool, bool]] = []

    def sample() -> None:
        if window.controller.is_running:
            c = window.commands
            states.append((c["abort"].isEnabled(), c["reset"].isEnabled(), window.lanes.can_kill))

    window.controller.frame_ready.connect(sample)
    assert run_to_end(qtbot, window, "threads", "threads_run.png") == 0
    assert all(lane.state == LaneState.DONE for lane in window.model.lanes)
    assert states and states[-1] == (True, True, False)  # threads: abort, reset; no kill


@pytest.mark.skipif(mpi_problem() is not None, reason=str(mpi_problem()))
def test_mpi_run_passes(qtbot: QtBot, window: MainWindow) -> None:
    window.panel.set_scenario(load_preset("launch"))
    choose(window, "mpi")
    assert not window.panel.form.backend_problem.isVisibleTo(window)
    kills: list[bool] = []
    window.controller.frame_ready.connect(
        lambda _now: kills.append(window.lanes.can_kill) if window.controller.is_running else None
    )
    assert run_to_end(qtbot, window, "mpi") == 0
    assert all(lane.state == LaneState.DONE for lane in window.model.lanes)
    assert kills and kills[-1]  # mpi: kill only
    assert not window.commands["abort"].isEnabled()


def test_mpi_unavailable_shows_the_reason_inline_and_does_not_start(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BARRIER_VIZ_MPIEXEC", "/nonexistent/mpiexec")
    window.panel.set_scenario(load_preset("launch"))
    choose(window, "mpi")
    problem = window.panel.form.backend_problem
    assert problem.isVisibleTo(window) and "mpiexec not found" in problem.text()
    assert not window.run()
    assert not window.controller.is_running and window.controller.source is None
    slot = window.panel.form.slots["backend"]
    assert slot.has_error and "mpiexec" in slot.message
    assert "Cannot run" in window.statusBar().currentMessage()


@pytest.mark.parametrize(
    ("backend", "slot", "words"),
    [
        ("threads", "party", 'needs backend "processes"'),
        ("asyncio", "party", 'needs backend "processes"'),
        ("mpi", "processes", "must equal parties"),
    ],
)
def test_invalid_combinations_show_the_inline_error_and_do_not_start(
    window: MainWindow, backend: str, slot: str, words: str
) -> None:
    rows: list[dict[str, object]] = [{"name": n} for n in ("Ann", "Bo", "Cy")]
    rows[1]["fault"] = "kill-in-work"
    base: dict[str, object] = {"parties": 3, "processes": 3, "party": rows}
    if backend == "mpi":
        base = {"parties": 3, "processes": 2}
    window.panel.set_scenario(parse_scenario(base))
    choose(window, backend)
    assert not window.run()
    assert window.controller.source is None
    error = window.panel.form.slots[slot]
    assert error.has_error and words in error.message


def test_a_start_failure_is_shown_not_raised(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the factory itself refuses (MPI vanished after the check), nothing starts."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise MpiUnavailable("the mpi backend needs mpiexec, which was not found: pip install …")

    monkeypatch.setattr(window.controller, "_factory", refuse)
    window.panel.set_scenario(load_preset("launch"))
    choose(window, "mpi")
    assert not window.run()
    assert not window.controller.is_running
    assert "needs mpiexec" in window.panel.form.slots["backend"].message
