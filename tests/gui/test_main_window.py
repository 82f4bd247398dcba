"""The main window's wiring: refusing an invalid scenario, exporting events, remembering state."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from engine.scenario.presets import load_preset
from gui.window.desk_shares import LANES_SHARE, STORY_MIN_PX, STORY_SHARE
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.sample_log import short_event_log


def make_window(qtbot: QtBot, settings_path: Path) -> MainWindow:
    window = MainWindow(open_settings(settings_path))
    qtbot.addWidget(window)
    return window


def test_invalid_scenario_does_not_start(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "s.ini")
    window.panel.current_scenario = lambda: None  # type: ignore[method-assign]
    assert not window.run()
    assert not window.controller.is_running
    assert "Cannot run" in window.statusBar().currentMessage()


def test_run_then_export_event_log(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "s.ini")
    window.panel.set_scenario(load_preset("launch"))
    window.panel.set_speed(20)
    with qtbot.waitSignal(window.controller.run_finished, timeout=30_000) as blocker:
        assert window.run()
        assert not window.commands["run"].isEnabled() and window.commands["stop"].isEnabled()
    assert blocker.args == [0]
    assert window.commands["run"].isEnabled()
    out = tmp_path / "events.jsonl"
    assert window.save_event_log(out)
    kinds = [json.loads(line)["kind"] for line in out.read_text().splitlines()]
    assert kinds[0] == "run_start" and kinds[-1] == "run_end"
    assert kinds.count("release") == 3
    window.status.refresh()
    assert "passed" in window.status.state_label.text()


def test_close_remembers_scenario_and_geometry(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "s.ini"
    window = make_window(qtbot, path)
    window.panel.set_scenario(load_preset("two-rounds"))
    window.resize(1300, 800)
    window.close()
    assert path.exists()
    again = make_window(qtbot, path)
    scenario = again.panel.current_scenario()
    assert scenario is not None and scenario.name == load_preset("two-rounds").name
    stored = open_settings(path).value("window/geometry")
    assert stored is not None and len(stored) > 0  # restoreGeometry clamps to the offscreen screen


def test_closing_on_stage_remembers_the_desk_layout(qtbot: QtBot, tmp_path: Path) -> None:
    settings = tmp_path / "s.ini"
    window = make_window(qtbot, settings)
    window.show()
    qtbot.waitUntil(window.dock.isVisible)
    window.features.presentation.set_active(True)
    qtbot.waitUntil(lambda: not window.dock.isVisible())
    window.close()
    again = make_window(qtbot, settings)
    again.show()
    qtbot.waitUntil(lambda: again.dock.isVisible() and again.menuBar().isVisible())
    assert not again.features.presentation.active


def test_a_first_start_gives_story_and_lanes_room_and_a_remembered_split_is_kept(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings = tmp_path / "s.ini"
    window = make_window(qtbot, settings)
    window.resize(1280, 720)
    window.show()
    qtbot.waitUntil(lambda: window.has_timeline)
    window.resize(1600, 1000)  # as a window manager does after the first show

    def shared() -> bool:  # the shares follow a resize on the next turn of the event loop
        lanes, story = window.main_split.sizes()
        above, below = window.live_split.sizes()
        return (
            lanes + story > 1000
            and story >= min(STORY_MIN_PX, (lanes + story) // 2)
            and story >= int((lanes + story) * STORY_SHARE) - 1
            and abs(above - (above + below) * LANES_SHARE) <= 2  # lanes before the timeline
        )

    qtbot.waitUntil(shared)
    lanes, story = window.main_split.sizes()
    window.main_split.setSizes([lanes + story - 300, 300])  # the user wants a narrow story
    window.close()
    again = make_window(qtbot, settings)
    again.resize(1600, 1000)
    again.show()
    qtbot.waitUntil(lambda: again.has_timeline)
    assert abs(again.main_split.sizes()[1] - 300) <= 2


def test_a_scenario_problem_brings_the_editor_forward_and_says_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "s.ini")
    window.show()
    qtbot.waitExposed(window)
    window.features.analysis.set_shown(True)  # the wait-state tab in front of the editor

    def editor_in_front() -> bool:  # a tab behind another is "visible" but shows nothing
        return not window.dock.visibleRegion().isEmpty()

    qtbot.waitUntil(lambda: not editor_in_front())
    bad = tmp_path / "typo.toml"
    bad.write_text('name = "T"\nstagse = 2\n[[party]]\nname = "A"\n', encoding="utf-8")
    assert not window.features.files.open_path(bad)
    qtbot.waitUntil(editor_in_front)  # the banner is where the user looks
    message = window.statusBar().currentMessage()
    assert message.startswith("⚠") and "stagse" in message


def shown_title(window: MainWindow) -> str:
    """The title as the title bar shows it (Qt turns "[*]" into "*" while modified)."""
    handle = window.windowHandle()
    assert handle is not None
    return handle.title()


def test_the_title_names_the_scenario_and_marks_edits(qtbot: QtBot, tmp_path: Path) -> None:
    window = make_window(qtbot, tmp_path / "s.ini")
    window.show()
    qtbot.waitExposed(window)
    window.panel.set_scenario(load_preset("launch"))
    name = load_preset("launch").name
    assert shown_title(window) == f"{name} — Barrier Visualiser" and not window.isWindowModified()
    window.panel.form.stages_spin.setValue(5)  # an edit the preset does not have
    assert window.isWindowModified() and shown_title(window) == f"{name}* — Barrier Visualiser"
    window.panel.form.name_edit.setText("My talk")
    assert shown_title(window) == "My talk* — Barrier Visualiser"
    window.panel.current_path = tmp_path / "talk.toml"
    window.features.files.save()  # saved: nothing unsaved any more
    assert not window.isWindowModified() and shown_title(window) == "My talk — Barrier Visualiser"
    window.panel.form.stages_spin.setValue(4)
    assert shown_title(window) == "My talk* — Barrier Visualiser"
    assert window.features.files.open_path(tmp_path / "talk.toml")  # back to the file
    assert shown_title(window) == "My talk — Barrier Visualiser"


def test_a_replay_titles_the_window_without_the_editors_marker(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = make_window(qtbot, tmp_path / "s.ini")
    window.show()
    qtbot.waitExposed(window)
    window.panel.form.stages_spin.setValue(5)
    assert window.isWindowModified()
    assert window.features.replay.open_log(short_event_log(tmp_path / "run.jsonl"))
    assert shown_title(window) == "Replay: run.jsonl — Barrier Visualiser"
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=30_000)
    window.panel.form.stages_spin.setValue(6)  # editing the scenario again: its title is back
    assert shown_title(window).endswith("* — Barrier Visualiser")
