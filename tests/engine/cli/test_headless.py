"""The headless loop prints what the view model holds: its story, once per line, safely."""

from __future__ import annotations

import io

from engine.cli.headless import NarrativePrinter
from engine.core.events import Event
from engine.model.view_model import RunViewModel
from tests.engine.model.failure_runs import CRASH_RUN, STRANDED_RUN, TIMEOUT_RUN, ev, model_of


def test_the_printer_prints_the_models_story_batch_by_batch() -> None:
    """The terminal's narrative is the model's log (breaks explained), each line once,
    whatever the batches."""
    for run in (TIMEOUT_RUN, CRASH_RUN, STRANDED_RUN):
        out = io.StringIO()
        printer, model = NarrativePrinter(out), RunViewModel()
        for first in range(0, len(run), 3):
            model.apply(run[first : first + 3])
            printer(model)
            printer(model)  # nothing new: nothing printed twice
        assert out.getvalue().splitlines() == [line.plain() for line in model_of(run).log]
    assert "Why:" in out.getvalue()


def test_the_printer_skips_the_kinds_it_is_told_to() -> None:
    """A traced program's own output is already on screen: never printed again by us."""
    run = [
        ev("run_start", 0, names=["Ann"], parties=1, stages=1),
        ev("output", 1, 0, stream="stdout", text="hello from the program"),
        ev("arrive", 2, 0, 0),
    ]
    out = io.StringIO()
    model = RunViewModel()
    model.apply(run)
    NarrativePrinter(out, skip={"output"})(model)
    assert "hello from the program" not in out.getvalue()
    assert len(out.getvalue().splitlines()) == 2


def test_escapes_in_the_story_never_reach_the_stream_raw() -> None:
    """Names, messages and a program's lines come from outside: ESC, NUL, CSI and CR are
    shown as visible escapes."""
    hostile = "\x1b]0;pwned\x07\x00\x9b31m\r"
    run = [
        Event("run_start", 0, None, 1, None, {"names": [f"A{hostile}"], "stages": 1}),
        Event("action", 1, 0, 2, 0, {"message": f"go{hostile}"}),
        Event("output", 2, 0, 2, None, {"stream": "stdout", "text": f"out{hostile}"}),
        Event("crash", 3, 0, 2, 0, {"error": f"boom{hostile}"}),
    ]
    out = io.StringIO()
    model = RunViewModel()
    model.apply(run)
    NarrativePrinter(out)(model)
    text = out.getvalue()
    assert len(text.splitlines()) == 4
    for raw in ("\x1b", "\x00", "\x9b", "\r", "\x07"):
        assert raw not in text
    assert "\\x1b]0;pwned\\x07" in text
