"""One line of progress for a quiet headless run: `stage 12 of 1000 · 3.4 s`, rewritten in place.

Why only on a terminal: a progress line is for a person watching; in a pipe or a file the
carriage returns would be noise (and a log reader would see hundreds of partial lines), so
then nothing is written.  Why stderr: the summary on stdout stays exactly the summary
(`run --quiet > summary.txt`).  Why no escape sequences: a carriage return and spaces are
enough to rewrite one line, and work on every terminal, with NO_COLOR or without.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from engine.model.view_model import RunViewModel

MIN_INTERVAL_S = 0.1  # a person cannot read faster; writing more often only costs


class ProgressLine:
    """A `watch` for the headless loop; `clear()` wipes the line before the summary."""

    def __init__(
        self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self._stream)
        self._clock = clock
        self._last: float | None = None
        self._width = 0

    def __call__(self, model: RunViewModel) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if self._last is not None and now - self._last < MIN_INTERVAL_S:
            return
        self._last = now
        self._write(describe(model))

    def clear(self) -> None:
        if self.enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def _write(self, text: str) -> None:
        padded = text.ljust(self._width)  # spaces wipe what a longer line left
        self._width = len(text)
        self._stream.write("\r" + padded)
        self._stream.flush()


def describe(model: RunViewModel, now_ns: int | None = None) -> str:
    """`stage 3 of 10 done · 1.2 s` (stages that released, of the run's stages)."""
    done = sum(1 for record in model.stage_book.records() if record.releases)
    total = model.stages or max(done, 1)
    elapsed = model.elapsed_s(time.monotonic_ns() if now_ns is None else now_ns)
    return f"{done} of {total} stages done · {elapsed:.1f} s"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
