"""Every failure through the real engine and the real window: the lanes show it, the banner
explains it in plain words, the presenter can cause it (Abort, Reset, Kill), and Run works
again right after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from engine.model.view_model import LaneState
from engine.scenario import Scenario
from engine.scenario.presets import load_preset
from gui.lanes.alert import Alert, alert_for
from gui.lanes.failure import ENDED_BY_APP, row_words
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.probes import painted_geometry

FAST = 6.0
RUN_MS = 30_000
GRACE_S = 0.3  # how long the engine waits before ending a stranded or wedged run
B, D = LaneState.BROKEN, LaneState.DIED


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.controller.shutdown()


def start(window: MainWindow, scenario: Scenario, speed: float, grace: float = GRACE_S) -> None:
    window.panel.set_scenario(scenario)
    assert window.controller.start(scenario, speed, None, stuck_grace_s=grace)


def run_to_end(qtbot: QtBot, window: MainWindow, name: str, speed: float = FAST) -> int:
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        start(window, load_preset(name), speed)
    return int(done.args[0])


def states(window: MainWindow) -> dict[str, LaneState]:
    return {lane.name: lane.state for lane in window.model.lanes}


def banner(window: MainWindow) -> Alert | None:
    return alert_for(window.model)


def run_again_passes(qtbot: QtBot, window: MainWindow) -> None:
    """Recovering is pressing Run: it must work after any failure."""
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(FAST)
    assert window.commands["run"].isEnabled()
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        window.commands["run"].trigger()
    assert done.args == [0]
    assert window.model.status == "passed"
    assert set(states(window).values()) == {LaneState.DONE}
    assert banner(window) is None and window.model.counter_note is None
    assert not window.commands["abort"].isEnabled()


def test_timeout_breaks_the_waiting_parties(qtbot: QtBot, window: MainWindow) -> None:
    assert run_to_end(qtbot, window, "timeout") == 3
    lanes = states(window)
    assert lanes["Navigation"] == lanes["Communication"] == B
    alert = banner(window)
    assert alert is not None and alert.kind == "broken" and alert.title == "Barrier timed out"
    assert "timed out" in alert.text and "Propulsion" in alert.text
    assert window.model.counter_note is not None
    run_again_passes(qtbot, window)


def test_failing_action_breaks_everyone(qtbot: QtBot, window: MainWindow) -> None:
    assert run_to_end(qtbot, window, "action-fails") == 3
    assert set(states(window).values()) == {B}
    alert = banner(window)
    assert alert is not None and alert.kind == "broken" and "action" in alert.text
    assert "RuntimeError" in window.model.lanes[2].detail  # the last to arrive re-raises
    run_again_passes(qtbot, window)


@pytest.mark.parametrize(("name", "waiting"), [("too-few", 3), ("too-many", 1)])
def test_stranded_parties_are_explained(
    qtbot: QtBot, window: MainWindow, name: str, waiting: int
) -> None:
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        start(window, load_preset(name), FAST, grace=1.0)
        qtbot.waitUntil(lambda: window.model.stranded, timeout=RUN_MS)
        note = window.model.counter_note
        assert note is not None and note[0].endswith("here — nobody left to come")
        assert note[0].startswith(f"{waiting} of ")
    assert done.args == [3]  # the app aborted the barrier after the grace period
    alert = banner(window)
    assert alert is not None and alert.kind == "stranded"
    assert alert.title == "No party left to come"
    assert "no party is left to come" in alert.text
    assert "abort() was called by the app" in alert.then
    assert sum(s == B for s in states(window).values()) == waiting
    run_again_passes(qtbot, window)


def test_wedged_barrier_is_ended_and_explained(qtbot: QtBot, window: MainWindow) -> None:
    # speed 2: the kill lands 0.15 s after Navigation arrives, well before the others do
    assert run_to_end(qtbot, window, "wedge", speed=2.0) == 4
    lanes = window.model.lanes
    assert lanes[0].state == D and "SIGKILL" in lanes[0].detail
    assert window.model.status == "died"
    alert = banner(window)
    assert alert is not None and alert.kind == "wedged" and alert.title == "Barrier wedged"
    assert "died inside wait()" in alert.text
    word, details = row_words(window.model)
    assert word == "stuck"
    assert all(lane.state == D for lane in lanes)
    assert details == {1: ENDED_BY_APP, 2: ENDED_BY_APP}
    run_again_passes(qtbot, window)


def test_crash_shows_the_error(qtbot: QtBot, window: MainWindow) -> None:
    assert run_to_end(qtbot, window, "crash") == 4
    crashed = window.model.lanes[1]
    assert crashed.name == "Communication" and crashed.state == D
    assert "RuntimeError" in crashed.detail
    alert = banner(window)
    assert alert is not None and alert.kind == "crash" and alert.title == "A party crashed"
    assert "RuntimeError" in alert.text and alert.then  # then: the others timed out
    run_again_passes(qtbot, window)


def slow_last_party() -> Scenario:
    """Navigation and Communication wait ~0.5 s for Propulsion; no timeout."""
    return load_preset("timeout").replace(timeout=None, action=None)


def test_abort_from_the_toolbar(qtbot: QtBot, window: MainWindow) -> None:
    abort = window.commands["abort"]
    assert not abort.isEnabled()
    assert abort in window.toolbar_actions
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        start(window, slow_last_party(), 4.0)
        assert abort.isEnabled() and window.commands["reset"].isEnabled()
        qtbot.waitUntil(lambda: window.model.n_waiting == 2, timeout=RUN_MS)
        abort.trigger()
    assert done.args == [3] and window.model.status == "broken"
    assert set(states(window).values()) == {B}
    alert = banner(window)
    assert alert is not None and alert.title == "Barrier aborted"
    assert "presenter" in alert.text
    assert not abort.isEnabled()
    run_again_passes(qtbot, window)


def test_reset_from_the_menu(qtbot: QtBot, window: MainWindow) -> None:
    reset = window.commands["reset"]
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        start(window, slow_last_party(), 4.0)
        qtbot.waitUntil(lambda: window.model.n_waiting == 2, timeout=RUN_MS)
        reset.trigger()
    assert window.model.status == "broken"
    lanes = states(window)
    assert lanes["Navigation"] == lanes["Communication"] == B
    alert = banner(window)
    assert alert is not None and alert.title == "Barrier reset"
    run_again_passes(qtbot, window)


def test_kill_from_the_lane_menu(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        start(window, slow_last_party(), 4.0)
        qtbot.waitUntil(lambda: window.model.n_waiting == 2, timeout=RUN_MS)
        propulsion = window.model.lanes[2]
        assert propulsion.state == LaneState.WORKING and propulsion.pid
        g = painted_geometry(window.lanes)
        assert g is not None
        assert window.lanes.lane_at(g.row_centre(2)) == 2
        assert window.lanes.lane_at(g.lanes_top - 5) is None
        menu = window.lanes.context_menu_at(g.row_centre(2))
        assert menu is not None
        kill = menu.actions()[0]
        assert kill.text() == f"Kill Propulsion (SIGKILL pid {propulsion.pid})"
        assert kill.isEnabled()
        kill.trigger()
    assert window.model.lanes[2].state == D and "SIGKILL" in window.model.lanes[2].detail
    alert = banner(window)
    assert alert is not None and alert.kind == "stranded"  # the others wait for a dead party
    g = painted_geometry(window.lanes)
    assert g is not None
    after = window.lanes.context_menu_at(g.row_centre(2))
    assert after is not None and not after.actions()[0].isEnabled()  # the process is gone
    run_again_passes(qtbot, window)


def test_a_key_types_in_a_text_field_and_aborts_elsewhere(qtbot: QtBot, window: MainWindow) -> None:
    aborted: list[bool] = []
    window.commands["abort"].triggered.connect(lambda *_: aborted.append(True))
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        start(window, slow_last_party(), 4.0)
        name = window.panel.form.name_edit
        window.activateWindow()
        name.setFocus()
        qtbot.waitUntil(name.hasFocus)
        before = name.text()
        QTest.keyClick(name, Qt.Key.Key_A)
        assert name.text() != before and not aborted  # typed, not a shortcut
        window.lanes.setFocus()
        QTest.keyClick(window.lanes, Qt.Key.Key_A)
        assert aborted == [True]
    assert window.model.status == "broken"


@pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
def test_lanes_that_grew_for_a_banner_keep_their_room_while_it_shows(qtbot: QtBot) -> None:
    """A failure banner made short desk rows ask for more height; once given it, they must not
    hand it back (the splitter took it again, they asked again: a loop at full CPU)."""
    from gui.lanes.view import MIN_HEIGHT, LanesView
    from tests.engine.model.failure_runs import TIMEOUT_RUN, model_of

    view = LanesView()
    qtbot.addWidget(view)
    view.resize(480, MIN_HEIGHT)
    view.show()
    model = model_of(TIMEOUT_RUN)
    view.update_from(model, TIMEOUT_RUN[-1].t_ns)
    qtbot.waitUntil(lambda: view.minimumHeight() > MIN_HEIGHT)  # too short: the rows ask
    grown = view.minimumHeight()
    view.resize(480, grown)  # the splitter gives them the room; now the rows fit
    for frame in range(5):  # a few frames of the same banner
        view.update_from(model, TIMEOUT_RUN[-1].t_ns + frame)
        view.repaint()
        QTest.qWait(0)  # let the view's deferred minimum land (a zero-length turn, no delay)
    assert view.minimumHeight() >= grown
