"""The failure banner's words come from the model's Failures, never from the story's text:
reword every narrative line and the banner keeps its title, kind and explanation."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QApplication

from engine.model.narrative import Narrator
from engine.model.view_model import RunViewModel
from gui.lanes.alert import alert_for
from gui.lanes.failure import alert_hint, row_words
from gui.lanes.layout import sized_font
from gui.lanes.overlay import MIN_LINE_SHRINK, fitted_line_font
from tests.engine.model.failure_runs import (
    ABORT_RUN,
    CRASH_RUN,
    STRANDED_RUN,
    TIMEOUT_RUN,
    WEDGED_RUN,
)

RUNS = {
    "timeout": (TIMEOUT_RUN, "broken", "Barrier timed out"),
    "abort": (ABORT_RUN, "broken", "Barrier aborted"),
    "crash": (CRASH_RUN, "crash", "A party crashed"),
    "stranded": (STRANDED_RUN, "stranded", "No party left to come"),
    "wedged": (WEDGED_RUN, "wedged", "Barrier wedged"),
}


@pytest.mark.parametrize("name", RUNS)
@pytest.mark.parametrize("reworded", [False, True])
def test_banner_reads_the_failure_not_the_story(
    monkeypatch: pytest.MonkeyPatch, name: str, reworded: bool
) -> None:
    events, kind, title = RUNS[name]
    if reworded:
        monkeypatch.setattr(Narrator, "tell", lambda self, event, failure: "Something happened.")
    model = RunViewModel()
    model.apply(events)
    alert = alert_for(model)
    assert alert is not None and (alert.kind, alert.title) == (kind, title)
    assert model.failure is not None
    said = model.failure.explanation
    assert alert.text == said[:1].upper() + said[1:]  # capitalised, word for word
    assert alert.party == model.failure.party
    then = model.followed_by
    assert alert.then == ("" if then is None else then.explanation)


def test_hint_and_row_words_follow_the_facts() -> None:
    model = RunViewModel()
    model.apply(STRANDED_RUN[:-3])  # stranded, not yet aborted
    assert alert_hint(model) == "Abort (A) ends the wait now"
    model.apply(STRANDED_RUN[-3:])
    assert alert_hint(model) == ""  # broken now; the run has not ended yet
    wedged = RunViewModel()
    wedged.apply(WEDGED_RUN)
    assert alert_hint(wedged) == "press Run (Ctrl+R) to run again"
    word, details = row_words(wedged)
    assert word == "stuck" and sorted(details) == [1, 2]


def test_an_action_message_shrinks_to_fit_before_it_is_cut(qapp: QApplication) -> None:
    """A 1280 px desk window left the launch message "🚀 All systems go! L…"; it now shrinks
    (whole pixels, rounded down) to fit, never below the stage's floor nor MIN_LINE_SHRINK."""
    runs = ["Stage 1 action:", "🚀 All systems go! Launching now."]
    font = sized_font(QFont(), 22, bold=True)
    wide = sum(QFontMetricsF(font).horizontalAdvance(r) for r in runs)
    assert fitted_line_font(font, runs, wide + 1, 0.0).pixelSize() == 22  # it fits: unchanged
    width = wide * 0.66
    fitted = fitted_line_font(font, runs, width, 0.0)
    assert sum(QFontMetricsF(fitted).horizontalAdvance(r) for r in runs) <= width
    assert fitted.bold() and fitted.pixelSize() >= 22 * MIN_LINE_SHRINK - 1
    assert fitted_line_font(font, runs, width, floor_px=20).pixelSize() == 20  # on stage
    assert fitted_line_font(font, runs, wide * 0.2, 0.0).pixelSize() == int(22 * MIN_LINE_SHRINK)
