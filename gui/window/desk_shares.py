"""The desk's shares of the window — the lanes beside the story, and the lanes above the
timeline — kept by the app until the user sets them.

Why: a first start remembers no split, and the docks take their width first: beside the
wait-state pane the story was left ~300 px, a line wrapping every two words, and at 1280×720
the timeline (built after the first paint) took more height than the lanes it explains.  The
story gets a third of the centre (at least STORY_MIN_PX where the lanes can spare it) and the
lanes 60 % of the height, through every resize — a window manager resizes the window after it
is shown, and a splitter alone hands out the change by its stretch factors — until the user
drags a split or one was remembered.  On stage the presentation layout gives its own shares.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QSplitter

STORY_SHARE = 0.34  # of the centre's width (the lanes keep the rest, at least their minimum)
STORY_MIN_PX = 380  # the longest story lines ("… Why: …") wrap at most once or twice
LANES_SHARE = 0.6  # of the centre's height, above the timeline


class DeskShares(QObject):
    """Gives the story and the lanes their shares while the splits are the app's to set."""

    def __init__(self, main: QSplitter, live: QSplitter, presenting: Callable[[], bool]) -> None:
        super().__init__(main)
        self.main, self.live = main, live
        self.presenting = presenting
        self.ours: dict[QSplitter, bool] = {main: True, live: True}
        for split in (main, live):
            split.splitterMoved.connect(lambda *_, s=split: self.give_up(s))

    def give_up(self, split: QSplitter) -> None:
        """The user set `split` (dragged, or remembered from last time): it is theirs now."""
        self.ours[split] = False

    def apply(self) -> None:
        if self.presenting():
            return
        if self.ours[self.main]:
            total = sum(self.main.sizes())
            story = max(int(total * STORY_SHARE), min(STORY_MIN_PX, total // 2))
            self.main.setSizes([total - story, story])
        if self.ours[self.live]:
            total = sum(self.live.sizes())
            lanes = int(total * LANES_SHARE)
            self.live.setSizes([lanes, total - lanes])

    def apply_soon(self) -> None:
        """After a resize: once the splitters have their new sizes."""
        if any(self.ours.values()):
            QTimer.singleShot(0, self, self.apply)
