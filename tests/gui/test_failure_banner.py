"""The failure banner's words come from the model's Failures, never from the story's text:
reword every narrative line and the banner keeps its title, kind and explanation."""

from __future__ import annotations

import pytest

from engine.model.narrative import Narrator
from engine.model.view_model import RunViewModel
from gui.lanes.alert import alert_for
from gui.lanes.failure import alert_hint, row_words
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
