"""The desk's split between the lanes and the story, kept by the app until the user sets it.

Why: a first start remembers no split, and the docks take their width first: beside the
wait-state pane the story was left ~300 px, a line wrapping every two words.  The story gets a
third of the centre (at least STORY_MIN_PX where the lanes can spare it), and keeps that share
through every resize — a window manager resizes the window after it is shown, and a splitter
alone would hand out the change 3:1 — until the user drags the split or one was remembered.
On stage the presentation layout gives its own shares.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSplitter

STORY_SHARE = 0.34  # of the centre (the lanes keep the rest, at least their minimum)
STORY_MIN_PX = 380  # the longest story lines ("… Why: …") wrap at most once or twice


class StoryShare(QObject):
    """Gives the story its share of `split` (lanes first, story second) while it is ours."""

    def __init__(self, split: QSplitter, presenting: Callable[[], bool]) -> None:
        super().__init__(split)
        self.split = split
        self.presenting = presenting
        self.ours = True  # False once the user drags the split, or a remembered one is restored
        split.splitterMoved.connect(self._moved)

    def _moved(self, *_: int) -> None:
        self.ours = False

    def apply(self) -> None:
        if not self.ours or self.presenting():
            return
        total = sum(self.split.sizes())
        story = max(int(total * STORY_SHARE), min(STORY_MIN_PX, total // 2))
        self.split.setSizes([total - story, story])

    def apply_soon(self) -> None:
        """After a resize: once the splitter has its new width."""
        if self.ours:
            QTimer.singleShot(0, self, self.apply)
