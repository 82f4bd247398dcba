"""The lesson window: clicker keys, picks and the reveal through the real presenter gate, the
caption and counter, blank screen, leaving; and the code pane's markers against the lane
states at every sampled frame while whole lessons autoplay offscreen."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF
from pytestqt.qtbot import QtBot

from engine.export.line_map import LineRole
from engine.lessons import FAST, Lesson, Move, Verdict, find_lesson, lesson_names, load_lesson
from engine.model.view_model import LaneState
from gui.lessons.autoplay import Autoplay
from gui.lessons.code_pane import GATED_TITLE, CodePane
from gui.lessons.window import KEY_HELP, LessonWindow
from tests.paths import ROOT

RUN_MS = 30_000
# The offscreen platform says this when a window's size hints change; nothing is wrong.
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$")
SPEED = 6.0

TALK = {
    "title": "Two steps",
    "step": [
        {
            "title": "Who is last?",
            "caption": "The barrier waits for me too.",
            "scenario": "launch",
            "presenter_gate": True,
            "show_code": True,
            "prompt": {"question": "Who arrives last?", "answer": "last_arriver"},
        },
        {"title": "The gate", "caption": "Three adventurers.", "scenario": "dungeon"},
    ],
}


def talk(tmp_path: Path) -> Lesson:
    folder = tmp_path / "lessons"
    folder.mkdir()
    path = folder / "talk.toml"
    path.write_text(tomli_w.dumps(TALK), encoding="utf-8")
    return load_lesson(path, folder)


def open_window(qtbot: QtBot, lesson: Lesson, speed: float = SPEED) -> LessonWindow:
    window = LessonWindow(lesson, speed_factor=speed)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[LessonWindow]:
    win = open_window(qtbot, talk(tmp_path))
    yield win
    win.driver.shutdown()


def key(qtbot: QtBot, window: LessonWindow, which: Qt.Key) -> None:
    qtbot.keyClick(window, which)


def test_a_prompt_holds_the_real_gate_until_the_reveal(qtbot: QtBot, window: LessonWindow) -> None:
    driver = window.driver
    assert window.caption.counter == "1 / 2" and "waits for me" in window.caption.caption
    assert window.prompt.isVisible() and window.code.isVisible()
    model = driver.model
    qtbot.waitUntil(lambda: model.presenter_turn and model.n_waiting == 3, timeout=RUN_MS)
    assert driver.model.stage_book.records() and not driver.model.stage_book.records()[0].releases
    key(qtbot, window, Qt.Key.Key_2)  # the room says: Communication
    assert driver.session.prompt_state.pick == "1"
    key(qtbot, window, Qt.Key.Key_9)  # not an answer offered: ignored
    assert driver.session.prompt_state.pick == "1"
    assert window.prompt.view is not None and not window.prompt.view.revealed
    key(qtbot, window, Qt.Key.Key_Space)  # the clicker's next: the reveal opens the gate
    qtbot.waitUntil(lambda: driver.model.status.final, timeout=RUN_MS)
    record = driver.model.stage_book.records()[0]
    assert len(record.releases) == 4  # the presenter arrived: the barrier tripped
    last = max((p for p in record.arrivals if p < 3), key=lambda p: record.arrivals[p])
    assert driver.verdict == (Verdict.RIGHT if last == 1 else Verdict.WRONG)
    view = window.prompt.view
    assert view is not None and view.revealed and view.truth == str(last)
    key(qtbot, window, Qt.Key.Key_3)  # after the reveal the pick is locked
    assert driver.session.prompt_state.pick == "1"
    assert window.header.score.endswith(f"{int(last == 1)} of 1 right")


def test_clicker_keys_move_blank_and_leave(qtbot: QtBot, window: LessonWindow) -> None:
    driver = window.driver
    qtbot.waitUntil(lambda: driver.model.presenter_turn, timeout=RUN_MS)
    key(qtbot, window, Qt.Key.Key_PageDown)  # reveal
    qtbot.waitUntil(lambda: driver.model.status.final, timeout=RUN_MS)
    assert driver.next_move() == Move.NEXT_STEP
    with qtbot.waitSignal(driver.step_changed, timeout=RUN_MS):
        key(qtbot, window, Qt.Key.Key_Right)
    assert driver.index == 1 and window.caption.counter == "2 / 2"
    assert not window.prompt.isVisible() and not window.code.isVisible()
    key(qtbot, window, Qt.Key.Key_C)
    assert window.code.isVisible() and window.code.program is not None
    key(qtbot, window, Qt.Key.Key_B)
    assert window.blank.isVisible() and window.blank.geometry() == window.rect()
    key(qtbot, window, Qt.Key.Key_Period)
    assert not window.blank.isVisible()
    with qtbot.waitSignal(driver.step_changed, timeout=RUN_MS):
        key(qtbot, window, Qt.Key.Key_PageUp)
    assert driver.index == 0 and driver.session.prompt_state.pick is None  # asked afresh
    with qtbot.waitSignal(window.left, timeout=RUN_MS):
        key(qtbot, window, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert not driver.controller.is_running


def test_f1_shows_the_keys_the_docs_list(qtbot: QtBot, window: LessonWindow) -> None:
    key(qtbot, window, Qt.Key.Key_F1)
    assert window.keys_card.isVisible()
    assert window.rect().contains(window.keys_card.geometry())
    key(qtbot, window, Qt.Key.Key_Escape)  # Esc hides the keys first, the lesson stays
    assert not window.keys_card.isVisible() and window.isVisible()
    docs = (ROOT / "docs" / "lessons.md").read_text(encoding="utf-8")
    for keys, _what in KEY_HELP:
        for single in keys.split("  "):
            assert single in docs, single


def test_the_caption_and_counter_are_readable_on_a_720p_projector(
    qtbot: QtBot, window: LessonWindow
) -> None:
    font, box = window.caption.caption_font(window.width())
    assert font.pixelSize() >= 19  # at 1280×720, the floor of a subtitle
    assert window.caption.height() >= box.height()
    assert window.header.height() + window.caption.height() + window.prompt.height() < 360
    assert window.lanes.height() >= 300  # the run keeps most of the screen


def expected_roles(state: LaneState) -> set[LineRole]:
    return {
        LaneState.WORKING: {LineRole.WORK, LineRole.CRASH_WORK},
        LaneState.WAITING: {LineRole.WAIT},
        LaneState.RELEASED: {LineRole.AFTER_WAIT, LineRole.ACTION},
        LaneState.DONE: {LineRole.AFTER_WAIT, LineRole.ACTION},
        LaneState.BROKEN: {LineRole.BROKEN},
        LaneState.DIED: {LineRole.WORK, LineRole.WAIT, LineRole.CRASH},
    }.get(state, set())


def call_names(source: str, line: int) -> set[str]:
    return {
        ast.unparse(node.func)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and node.lineno == line
    }


class MarkerCheck:
    """At every frame with the code shown: each marker is on a line of its lane's state, that
    line really is the statement (by the program's syntax tree), and every working or waiting
    scenario party has a marker."""

    def __init__(self, window: LessonWindow) -> None:
        self.window = window
        self.frames = 0
        self.steps: set[int] = set()  # the steps with at least one frame checked
        self.marked_states: set[LaneState] = set()
        window.driver.frame.connect(self.check)

    def check(self, _now_ns: int) -> None:
        window = self.window
        if not window.code_shown or not window.driver.run_is_current:
            return
        window._update_markers(window.driver.controller.clock())
        program = window.driver.program()
        lanes = window.driver.model.lanes
        markers = window.code.markers
        for marker in markers:
            state = lanes[marker.party].state
            assert marker.state == state
            assert marker.role in expected_roles(state), (marker, state)
            assert program.lines.line(marker.role) == marker.line
            calls = call_names(program.text, marker.line)
            if marker.role == LineRole.WAIT:
                assert "barrier.wait" in calls
            elif marker.role == LineRole.WORK:
                assert calls & {"time.sleep", "busy_work"}
            self.marked_states.add(state)
        window.code.repaint()  # lays out: every marked line must be in view
        assert {m.line for m in markers} <= set(window.code.rows)
        ours = lanes[: len(window.driver.step.scenario.party)]
        busy = {lane.index for lane in ours if lane.state in (LaneState.WORKING, LaneState.WAITING)}
        assert busy <= {m.party for m in markers}
        self.frames += 1
        self.steps.add(window.driver.index)


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_a_whole_lesson_autoplays_offscreen_with_markers_that_match_the_lanes(
    qtbot: QtBot, name: str
) -> None:
    lesson = find_lesson(name)
    window = open_window(qtbot, lesson)
    check = MarkerCheck(window)
    autoplay = Autoplay(window.driver, FAST)
    seen: list[int] = []
    window.driver.step_changed.connect(seen.append)
    try:
        with qtbot.waitSignal(window.driver.finished, timeout=40_000 * len(lesson.steps)):
            autoplay.start()
        assert seen == list(range(1, len(lesson.steps)))  # step 1 began when it opened
        verdicts = window.driver.session.verdicts
        asked = [i for i, step in enumerate(lesson.steps) if step.prompt is not None]
        assert sorted(verdicts) == asked
        assert all(verdicts[i] == Verdict.UNANSWERED for i in asked)  # nobody picked: shown
        # How many frames a step gets depends on the machine; every step with the code shown
        # gets some, and the held gates make sure waiting parties were among them.
        assert check.steps == {i for i, step in enumerate(lesson.steps) if step.show_code}
        assert LaneState.WAITING in check.marked_states
    finally:
        window.driver.shutdown()


def test_the_code_panes_title_wraps_rather_than_losing_its_end(qtbot: QtBot) -> None:
    """The gated title ends with what explains the presenter's lane ("one more party"): a
    narrow pane puts it on a second line instead of cutting it."""
    pane = CodePane()
    qtbot.addWidget(pane)
    pane.title = GATED_TITLE
    font = QFont(pane.font())
    font.setPixelSize(20)
    full = QFontMetricsF(font).horizontalAdvance(GATED_TITLE)
    assert pane.title_lines(font, full + 1) == (GATED_TITLE, 1)
    text, lines = pane.title_lines(font, full * 0.6)
    assert lines == 2 and text.replace("\n", " ") == GATED_TITLE
    assert all(
        QFontMetricsF(font).horizontalAdvance(line) <= full * 0.6 for line in text.split("\n")
    )
