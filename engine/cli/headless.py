"""Follow a source to its end without a window: `run`, `replay --headless` and `trace`.

Why one loop: each of them waits for batches until the source is done, feeds them to the same
view model the window paints from (`RunViewModel`), and prints what it reads there — the
story's new lines (`LogTail`), the stage tables (`model.stage_book`).  The terminal and the
window cannot tell a different story, and the headless commands cannot drift apart in how
they end.

Ctrl+C is a request to stop: the parties ignore SIGINT, so the source ends them itself and the
loop still drains every event up to `run_end`.  A second (third…) Ctrl+C asks the same again:
it never turns the run's documented exit code 4 into Python's 130.  The commands keep the
handler until their summary is out and then ignore Ctrl+C (`interrupts_stop(…,
restore=False)`): once the summary names an exit code, the process exits with it.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import TextIO

from engine.core.safe_text import printable
from engine.model.narrative import LogTail
from engine.model.view_model import RunViewModel
from engine.sources.base import Source

WAIT_S = 0.2

Watch = Callable[[RunViewModel], None]


@contextmanager
def interrupts_stop(source: Source, *, restore: bool = True) -> Iterator[None]:
    """While inside: every Ctrl+C (SIGINT) asks `source` to stop, nothing else.  On the way
    out the previous handler comes back, or (`restore=False`, a command about to exit with
    the code its summary printed) Ctrl+C is ignored from then on.  Off the main thread (a
    script running a run in a worker) there is nothing to catch and nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers (and only it receives SIGINT)
        return
    previous = signal.signal(signal.SIGINT, lambda *_: source.stop())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if restore else signal.SIG_IGN)


def follow(
    source: Source, watch: Watch | None = None, model: RunViewModel | None = None
) -> RunViewModel:
    """Start `source` and feed every batch to `model` (a new one by default) until the source
    is done, calling `watch(model)` after each batch; the model, holding the whole run.

    If `watch` finds its output closed (BrokenPipeError), the source is stopped and drained
    like after Ctrl+C, and BrokenPipeError is raised once it has ended."""
    model = RunViewModel() if model is None else model
    reader_gone = False
    with interrupts_stop(source):
        source.start()
        while True:
            batch = source.wait_events(WAIT_S)
            if batch:
                model.apply(batch)
            if watch is not None:
                try:
                    watch(model)
                except BrokenPipeError:  # `run … | head`: nobody reads; end the run properly
                    watch, reader_gone = None, True
                    source.stop()
            if source.done and not batch:
                break
    if reader_gone:
        raise BrokenPipeError("the output was closed before the run ended")
    return model


class NarrativePrinter:
    """A `watch` that prints the story's new lines, one write per batch.

    `skip` names event kinds whose lines are not ours to print (a traced program's own
    output, already on screen).  Text from outside (names, messages, a log's strings, a
    program's lines) goes through `printable`: no escape sequence reaches the terminal."""

    def __init__(self, stream: TextIO | None = None, skip: Collection[str] = ()) -> None:
        self._stream = stream
        self._skip = frozenset(skip)
        self._tail: LogTail | None = None

    def __call__(self, model: RunViewModel) -> None:
        if self._tail is None:
            self._tail = LogTail(model)
        lines = [
            printable(line.plain()) for line in self._tail.fresh() if line.kind not in self._skip
        ]
        if lines:  # one write, so a program's line can never land inside one of ours
            stream = self._stream if self._stream is not None else sys.stdout
            stream.write("\n".join(lines) + "\n")
            stream.flush()
