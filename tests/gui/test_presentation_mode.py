"""Presenting: presentation mode, themes, text size, the presenter gate, step-through, keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox
from pytestqt.qtbot import QtBot

from engine.model.view_model import LaneState
from engine.scenario.presets import list_presets, load_preset
from gui.lanes.painter import badge_text
from gui.window.action_table import keyboard_map, keyboard_map_markdown
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.probes import painted_geometry, painted_ground

RUN_MS = 30_000
OFFSCREEN_DIALOG = r"^This plugin does not support propagateSizeHints\(\)$"  # offscreen only


def lane_fonts(window: MainWindow) -> list[int]:
    window.lanes.repaint()
    g = painted_geometry(window.lanes)
    assert g is not None
    return [f.pixelSize() for f in (g.name_font, g.badge_font, g.small_font, g.header_font)]


def test_presentation_mode_toggles_full_screen_dock_and_big_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    action = window.commands["presentation"]
    assert action.shortcut().toString() == "F11"
    assert min(lane_fonts(window)) < 24  # desk mode: small text is fine
    action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    assert window.features.presentation.active and action.isChecked()
    assert not window.dock.isVisible() and not window.menuBar().isVisible()
    look = window.features.presentation.look
    assert look.floor_px == pytest.approx(window.height() * 24 / 1080)  # 24 px at 1080p
    assert min(lane_fonts(window)) >= round(look.floor_px)
    g = painted_geometry(window.lanes)
    assert g is not None and g.bar_h >= 40  # thick bars
    action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.dock.isVisible() and not action.isChecked()
    assert min(lane_fonts(window)) < 24


def test_themes_switch_palette_and_lanes_and_are_remembered(
    window: MainWindow, tmp_path: Path
) -> None:
    window.commands["theme_dark"].trigger()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 60
    assert painted_ground(window.lanes).lightness() < 60  # the lanes' ground went dark
    assert open_settings(tmp_path / "s.ini").value("view/theme") == "dark"
    window.commands["theme_light"].trigger()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
    assert painted_ground(window.lanes).lightness() > 200


def test_font_scale_grows_and_shrinks_the_text(window: MainWindow) -> None:
    acts = window.commands
    assert acts["bigger"].shortcut().toString() == "Ctrl+="
    assert acts["smaller"].shortcut().toString() == "Ctrl+-"
    base = lane_fonts(window)[0]
    acts["bigger"].trigger()
    acts["bigger"].trigger()
    assert window.features.presentation.font_scale > 1.2
    assert lane_fonts(window)[0] > base
    acts["normal_text"].trigger()
    acts["smaller"].trigger()
    assert window.features.presentation.font_scale < 1.0
    assert lane_fonts(window)[0] < base


def test_presenter_gate_freezes_parties_until_g_then_releases_in_one_frame(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(20)
    window.commands["presenter_gate"].setChecked(True)
    frames: list[list[LaneState]] = []
    window.controller.frame_ready.connect(
        lambda _now: frames.append([lane.state for lane in window.model.lanes])
    )
    assert window.run()
    model = window.model
    qtbot.waitUntil(lambda: model.n_waiting == 3, timeout=RUN_MS)
    presenter = model.lanes[-1]
    assert presenter.name == "Presenter" and presenter.presenter_turn
    assert "your turn" in badge_text(presenter, model.parties, compact=False)
    assert model.progress(presenter, window.controller.clock()) == 0.0  # no jumping bar
    assert model.parties == 4
    qtbot.wait(300)  # nobody is released while the presenter has not pressed G
    assert model.n_waiting == 3 and window.commands["release_gate"].isEnabled()
    window.lanes.grab()  # paints the "press G" prompt without error
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        window.commands["release_gate"].trigger()
    assert done.args == [0]
    passed = {LaneState.RELEASED, LaneState.DONE}
    first = next(states for states in frames if passed & set(states))
    assert set(first) <= passed, f"released in different frames: {first}"


def test_step_mode_holds_before_stage_two_until_continue(qtbot: QtBot, window: MainWindow) -> None:
    window.panel.set_scenario(load_preset("two-rounds"))
    window.panel.set_speed(20)
    window.commands["step_stages"].setChecked(True)
    assert window.run()
    model = window.model
    qtbot.waitUntil(lambda: model.held_stage == 1, timeout=RUN_MS)
    qtbot.waitUntil(window.commands["continue_stage"].isEnabled, timeout=5_000)
    qtbot.wait(300)  # held: nobody starts stage 2 on their own
    assert all(lane.stage == 0 and lane.state == LaneState.RELEASED for lane in model.lanes)
    window.lanes.grab()
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        window.commands["space"].trigger()  # Space continues while held
    assert done.args == [0]
    assert all(lane.state == LaneState.DONE for lane in model.lanes)


def test_clicking_the_gate_emits_gate_clicked(qtbot: QtBot, window: MainWindow) -> None:
    window.panel.set_scenario(load_preset("launch"))
    window.lanes.repaint()
    g = painted_geometry(window.lanes)
    assert g is not None
    at = QPoint(round(g.gate_x), round(g.row_centre(0)))
    with qtbot.waitSignal(window.lanes.gate_clicked, timeout=2_000):
        qtbot.mouseClick(window.lanes, Qt.MouseButton.LeftButton, pos=at)  # type: ignore[no-untyped-call]
    with qtbot.assertNotEmitted(window.lanes.gate_clicked):
        away = QPoint(round(g.margin), 5)
        qtbot.mouseClick(window.lanes, Qt.MouseButton.LeftButton, pos=away)  # type: ignore[no-untyped-call]


def test_digits_pick_presets_and_keys_are_unambiguous(window: MainWindow) -> None:
    names = [info.name for info in list_presets()]
    assert window.commands["preset_2"].shortcut().toString() == "2"
    window.commands["preset_2"].trigger()
    scenario = window.panel.current_scenario()
    assert scenario is not None and scenario == load_preset(names[1])
    seen: dict[str, str] = {}
    for action in window.actions():
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text} is bound to {seen[text]!r} and {action.text()!r}"
            seen[text] = action.text()
    for wanted in ("Space", "G", "N", "A", "R", "F11", "Ctrl+Shift+R", "Ctrl+U", "F1"):
        assert wanted in seen, wanted


def test_brackets_change_speed_for_the_next_run(window: MainWindow) -> None:
    window.panel.set_speed(1.0)
    window.commands["faster"].trigger()
    assert window.panel.speed() == 2.0
    for _ in range(12):
        window.commands["slower"].trigger()
    assert window.panel.speed() == 0.1  # slow motion down to 0.1x, and no further
    assert "0.1" in window.speed_label.text()


def test_single_keys_stay_with_focused_buttons_in_the_editor(window: MainWindow) -> None:
    box = window.panel.findChild(QCheckBox)
    assert box is not None
    for key in (Qt.Key.Key_Space, Qt.Key.Key_1, Qt.Key.Key_G):
        event = QKeyEvent(QEvent.Type.ShortcutOverride, key, Qt.KeyboardModifier.NoModifier)
        event.ignore()
        QApplication.sendEvent(box, event)
        assert event.isAccepted(), key  # the check box keeps it: no shortcut fires
    ctrl = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
    )
    ctrl.ignore()
    QApplication.sendEvent(box, ctrl)
    assert not ctrl.isAccepted()  # Ctrl+R still runs


@pytest.mark.qt_log_ignore(OFFSCREEN_DIALOG)
def test_keyboard_shortcuts_dialog_lists_the_map(window: MainWindow) -> None:
    dialog = window.show_shortcuts()
    text = dialog.table.text()
    for keys, _what in keyboard_map():
        assert keys in text
    assert "| Space |" in keyboard_map_markdown()
    dialog.close()
