"""The narrative log shows every line of a real run once, in the right colours, keeps up
incrementally, resets on a new run, follows the end unless the user scrolled up, and copies."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetrics, QGuiApplication, QTextCharFormat
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import LogLine, RunViewModel
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from gui.style.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    RELEASE_COLOUR,
    WAIT_COLOUR,
    WORK_COLOUR,
)
from gui.window.log_view import MAX_LINES, TIME_COLOUR, NarrativeLog, readable_on_white
from tests.gui.probes import shown_lines


@pytest.fixture
def log(qtbot: QtBot) -> NarrativeLog:
    widget = NarrativeLog()
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def lines(widget: NarrativeLog) -> list[str]:
    return shown_lines(widget)


def text_format(widget: NarrativeLog, index: int) -> QTextCharFormat:
    """The format of the narrative text (the last fragment) of line `index`."""
    block = widget.document().findBlockByNumber(index)
    it = block.begin()
    fmt = QTextCharFormat()
    while not it.atEnd():
        fmt = it.fragment().charFormat()
        it += 1
    return fmt


def contrast_on_white(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    rgb = (colour.redF(), colour.greenF(), colour.blueF())
    lum = sum(w * channel(c) for w, c in zip((0.2126, 0.7152, 0.0722), rgb, strict=True))
    return 1.05 / (lum + 0.05)


def run_preset(qtbot: QtBot, log: NarrativeLog, preset: str, speed: float) -> RunViewModel:
    model = RunViewModel()
    runner = Runner(load_preset(preset), speed=speed)
    runner.start()

    def frame() -> bool:
        model.apply(runner.poll())
        log.update_from(model)
        assert len(lines(log)) == len(model.log)  # every frame, not just at the end
        return runner.done and runner.join(0)

    qtbot.waitUntil(frame, timeout=30_000)
    model.apply(runner.poll())
    log.update_from(model)
    return model


@pytest.mark.parametrize(("preset", "speed"), [("launch", 40), ("two-rounds", 25)])
def test_real_run_every_line_once(
    qtbot: QtBot, log: NarrativeLog, preset: str, speed: float
) -> None:
    model = run_preset(qtbot, log, preset, speed)
    assert model.status == "passed"
    shown = lines(log)
    assert len(shown) == len(lines(log)) == len(model.log) > 3
    for text, line in zip(shown, model.log, strict=True):
        assert text.startswith(f"{line.t_s:8.3f} s  ")
        assert line.text.split()[-1].rstrip(".!…") in text
    assert shown[0].startswith("   0.000 s  ▶")
    assert "passed" in shown[-1]


def test_colours_by_state_and_kind_never_by_party(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [
        LogLine(0.0, None, "▶ Run: 8 parties", "run_start"),
        *[LogLine(0.1 * p, p, f"Party {p} works.", "work_start") for p in range(8)],
        LogLine(1.0, 2, "⚔️ Round complete.", "action"),
        LogLine(1.1, 1, "💥 Party 1 got BrokenBarrierError", "broken"),
        LogLine(1.2, 3, "☠ Party 3 crashed", "crash"),
        LogLine(1.3, 0, "Party 0 ready.", "arrive"),
        LogLine(1.4, 5, "Party 5 ready.", "arrive"),
        LogLine(1.5, 4, "Party 4 passes.", "release"),
    ]
    log.update_from(model)
    run = text_format(log, 0)
    assert run.fontWeight() == QFont.Weight.Bold and run.foreground().color() == QColor("#333333")
    for p in range(8):  # every party's "works" line is in the working colour of the lanes
        colour = text_format(log, 1 + p).foreground().color()
        assert colour == readable_on_white(WORK_COLOUR)
        assert contrast_on_white(colour) >= 4.5  # readable on a projector
    waiting = readable_on_white(WAIT_COLOUR)
    assert text_format(log, 12).foreground().color() == waiting
    assert text_format(log, 13).foreground().color() == waiting  # another party, same state
    assert text_format(log, 14).foreground().color() == readable_on_white(RELEASE_COLOUR)
    action = text_format(log, 9)
    assert action.fontWeight() == QFont.Weight.Bold
    assert action.foreground().color() == readable_on_white(ACTION_COLOUR)
    assert log.document().findBlockByNumber(9).blockFormat().background().color().alpha() > 0
    for index in (10, 11):
        assert text_format(log, index).foreground().color() == readable_on_white(BROKEN_COLOUR)
    time_fmt = log.document().findBlockByNumber(1).begin().fragment().charFormat()
    assert QFontInfo(time_fmt.font()).fixedPitch()  # a monospace column: the texts line up
    assert time_fmt.foreground().color() == QColor(TIME_COLOUR)


def test_readable_on_white_keeps_dark_colours() -> None:
    assert readable_on_white("#222222") == QColor("#222222")
    yellow = readable_on_white("#F0E442")
    assert contrast_on_white(yellow) >= 4.5 and yellow.hue() == QColor("#F0E442").hue()


def test_appends_only_new_lines(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [LogLine(0.1 * i, 0, f"line {i}", "work_start") for i in range(5)]
    log.update_from(model)
    log.update_from(model)  # nothing new: nothing added
    assert lines(log)[-1].endswith("line 4") and len(lines(log)) == 5
    model.log += [LogLine(1.0, 1, "line 5", "arrive")]
    log.update_from(model)
    assert len(lines(log)) == 6 and lines(log)[-1].endswith("line 5")


def test_new_run_resets(log: NarrativeLog) -> None:
    model = RunViewModel()
    start = {"names": ["A", "B"], "parties": 2, "stages": 1}
    model.apply([Event("run_start", 0, None, 1, None, start)])
    model.apply([Event("arrive", 10**8, p, 10 + p, 0) for p in range(2)])
    log.update_from(model)
    assert len(lines(log)) == 3
    model.apply([Event("run_start", 5 * 10**9, None, 1, None, start)])  # reset in place
    log.update_from(model)
    assert len(lines(log)) == 1 and "barrier" not in log.toPlainText()
    assert lines(log)[0].startswith("   0.000 s  ▶")


def test_follows_the_end_unless_scrolled_up(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [LogLine(0.01 * i, i % 3, f"line {i}", "work_start") for i in range(200)]
    log.update_from(model)
    bar = log.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    model.log += [LogLine(3.0, 0, "more", "arrive")]
    log.update_from(model)
    assert bar.value() == bar.maximum()
    bar.setValue(10)  # the user scrolls up to read
    model.log += [LogLine(3.1, 1, "even more", "arrive")]
    log.update_from(model)
    assert bar.value() == 10


def test_caps_the_line_count(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [LogLine(0.001 * i, None, f"n{i}", "progress") for i in range(MAX_LINES + 50)]
    log.update_from(model)
    assert len(lines(log)) == MAX_LINES
    assert lines(log)[-1].endswith(f"n{MAX_LINES + 49}")


def test_read_only_copy_and_menu(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [LogLine(0.5, 0, "Navigation ready.", "arrive"), LogLine(0.6, 1, "Go", "arrive")]
    log.update_from(model)
    assert log.isReadOnly()
    menu = log._context_menu()
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert not actions["Copy"].isEnabled()  # nothing selected yet
    actions["Copy all"].trigger()
    assert QGuiApplication.clipboard().text() == log.toPlainText()
    assert "   0.500 s  Navigation ready." in QGuiApplication.clipboard().text()
    log.selectAll()
    assert log._context_menu().actions()[0].isEnabled()


def test_text_drops_glyphs_the_font_cannot_draw(log: NarrativeLog) -> None:
    model = RunViewModel()
    model.log += [LogLine(0.0, None, "🚀 All systems go!", "action")]
    log.update_from(model)
    text = lines(log)[0]
    assert text.endswith("All systems go!")
    if not QFontMetrics(log.font()).inFontUcs4(0x1F680):
        assert "🚀" not in text


def test_big_readable_font(log: NarrativeLog) -> None:
    assert log.font().pointSize() >= 13
    model = RunViewModel()
    model.log += [LogLine(0.0, 0, "a", "work_start"), LogLine(0.1, 0, "b", "arrive")]
    log.update_from(model)
    layout = log.document().documentLayout()
    first, second = (layout.blockBoundingRect(log.document().findBlockByNumber(i)) for i in (0, 1))
    assert second.top() - first.top() >= 1.3 * QFontMetrics(log.font()).height()


def test_an_empty_log_says_how_to_start(log: NarrativeLog) -> None:
    assert len(lines(log)) == 0 and "Press Run" in log.placeholderText()
