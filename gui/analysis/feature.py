"""The wait-state analysis as a window feature: the dock, the marks on the lanes and the
timeline, the what-if ghost, who is missing and their stacks — fed once per frame.

Why a feature that receives its pieces: it needs the run controller (frames, the source's
stack answers), the lanes view (an overlay) and the timeline (built late, so a getter), never
the window.  Every frame it asks the view model who is missing (so the story gets its one
line even with the pane hidden); the rest runs only while the pane is shown.  A stack is
asked for once per missing party and stage, and again on "Fetch stacks again"; the answer
arrives frames later through the controller, and the pane shows it then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

from engine.model.missing import DEFAULT_FACTOR, DEFAULT_FLOOR_S, MissingReport, MissingThreshold
from engine.sources.commands import Capability, FetchStack
from engine.sources.stacks import ProcessState, answer
from gui.analysis.live import LiveAnalysis, WhatIfChoice
from gui.analysis.look import PaneLook
from gui.analysis.pane import AnalysisPane
from gui.features.presentation import Look
from gui.features.settings_store import SettingsStore
from gui.lanes.last_arriver import LastArriverMarks
from gui.lanes.view import LanesView
from gui.run.controller import RunController

if TYPE_CHECKING:  # pyqtgraph (~0.4 s to import) comes with the timeline, after first paint
    from gui.timeline.critical_path import CriticalPath
    from gui.timeline.ghost import Ghost

TEXT_EVERY_S = 0.25  # who-is-missing text refreshes at this pace (its seconds tick)
STACK_EVERY_S = 2.0  # a missing party is asked again at this pace: its stack is "now", not
# the moment it was first missed (which may have caught it still starting up)
DESK_WIDTH = 380
STAGE_WIDTH = 560
NO_STACKS = "this source cannot be asked for stacks (a replay, or MPI ranks)"


def read_threshold(settings: SettingsStore) -> MissingThreshold:
    """The remembered threshold; anything unreadable falls back to the defaults."""
    try:
        factor = float(str(settings.value("analysis/missing_factor", DEFAULT_FACTOR)))
        floor = float(str(settings.value("analysis/missing_floor_s", DEFAULT_FLOOR_S)))
        return MissingThreshold(min(max(factor, 1.0), 50.0), min(max(floor, 0.5), 3600.0))
    except ValueError:
        return MissingThreshold()


class AnalysisFeature(QObject):
    shown_changed = Signal(bool)  # the dock was shown or hidden (its ✕ included)

    def __init__(
        self,
        controller: RunController,
        settings: SettingsStore,
        lanes: LanesView,
        timeline: Callable[[], Any],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.controller, self.settings, self.lanes = controller, settings, lanes
        self._timeline = timeline
        self.live = LiveAnalysis()
        self.threshold = read_threshold(settings)
        self.pane = AnalysisPane(self.threshold)
        self.dock = QDockWidget("Wait States", parent)
        self.dock.setObjectName("analysis_dock")
        self.dock.setWidget(self.pane)
        self.dock.setMinimumWidth(DESK_WIDTH)
        self.marks = LastArriverMarks()
        self.path: CriticalPath | None = None  # made with the timeline they are drawn on
        self.ghost: Ghost | None = None
        self._attached: Any = None  # that timeline
        self._dark = False
        self._drawn = (-1, -1)  # (live.version, id of the timeline) last drawn
        self.on_stage = bool(settings.value("analysis/on_stage", False, type=bool))
        self._desk_shown: bool | None = None  # remembered while presenting
        self.report: MissingReport | None = None
        self._asked: dict[tuple[object, int], float] = {}  # (stage key, party): when asked
        self._text_at = 0.0
        self.frames = 0
        self.dock.visibilityChanged.connect(self._visibility)
        self.pane.what_if.choice_changed.connect(self._choose)
        self.pane.missing.fetch_requested.connect(self.fetch)
        self.pane.missing.threshold_changed.connect(self._set_threshold)
        controller.frame_ready.connect(self.on_frame)

    # ------------------------------------------------------------------ commands
    @property
    def shown(self) -> bool:
        """The analysis is on: its dock is open (maybe as a tab behind the editor's) and the
        lanes and the timeline carry its marks."""
        return not self.dock.isHidden()

    def set_shown(self, on: bool) -> None:
        """On: open the pane and bring its tab to the front.  Off: close it — but a pane that
        is on behind another tab is brought to the front instead (what a click means then)."""
        if on or (self.shown and not self.dock.isVisible() and self._desk_shown is None):
            self.dock.show()
            self.dock.raise_()
        else:
            self.dock.hide()
        self._visibility(self.shown)

    def set_on_stage(self, on: bool) -> None:
        """Keep the pane in presentation mode (off: presenting hides it)."""
        self.on_stage = on
        self.settings.setValue("analysis/on_stage", on)
        if self._desk_shown is not None:
            self.set_shown(on)

    def set_presenting(self, on: bool) -> None:
        if on and self._desk_shown is None:
            self._desk_shown = self.shown
            self.set_shown(self.on_stage)
        elif not on and self._desk_shown is not None:
            shown, self._desk_shown = self._desk_shown, None
            self.set_shown(shown)

    def set_look(self, look: Look) -> None:
        pane = PaneLook(look.dark, look.font_scale, look.presenting)
        self.pane.set_look(pane)
        self.marks.dark = self._dark = look.dark
        if self.path is not None and self.ghost is not None:
            self.path.set_dark(look.dark)
            self.ghost.set_dark(look.dark)
        self.dock.setStyleSheet(f"QDockWidget {{ font-size: {round(pane.px())}px; }}")
        width = STAGE_WIDTH if look.presenting else DESK_WIDTH
        self.dock.setMinimumWidth(round(width * min(look.font_scale, 1.6)))
        self._drawn = (-1, -1)  # every section again, in the new look (frames may have stopped)
        if self.shown:
            self._draw()

    def fetch(self, parties: list[int]) -> None:
        """Ask the source for these parties' stacks (answers come in later frames)."""
        controller = self.controller
        for party in parties:
            if not controller.send(FetchStack(party)):
                why = NO_STACKS if not controller.can(Capability.STACKS) else "the run has ended"
                self.pane.missing.set_stack(answer(party, None, ProcessState.UNKNOWN, note=why))
        self._text_at = 0.0

    def close(self) -> None:
        """The window closes: the what-if worker (if one is waiting) leaves now."""
        self.live.close()

    # ------------------------------------------------------------------ every frame
    def on_frame(self, now_ns: int) -> None:
        self.frames += 1
        model = self.controller.model
        report = model.note_missing(now_ns, self.threshold)
        source = self.controller.source
        for stack in source.take_stacks() if source is not None else ():
            self.pane.missing.set_stack(stack)
            self._text_at = 0.0
        if report is not None:
            wanted = [p.party for p in report.parties if p.alive]
            asked, now = self._asked, time.monotonic()
            new = [p for p in wanted if (report.key, p) not in asked]
            due = [p for p in wanted if now - asked.get((report.key, p), now) >= STACK_EVERY_S]
            self._asked.update(((report.key, p), now) for p in new + due)
            if new or due:
                self.fetch(new + due)
            if new and self.shown:  # someone is missing: the pane comes to the front
                self.dock.raise_()
        elif self.report is not None:
            self._asked.clear()
        if not self.shown:
            self.report = report
            return
        if (report is None) != (
            self.report is None
        ) or time.monotonic() - self._text_at >= TEXT_EVERY_S:
            self.pane.missing.show_report(report, now_ns)
            self.pane.put_missing_first(report is not None)
            self._text_at = time.monotonic()
        self.report = report
        self.live.update(model)
        self._draw()

    def _draw(self) -> None:
        live = self.live
        self._attach()
        key = (live.version, id(self._attached))
        if key == self._drawn:
            return
        self._drawn = key
        self.pane.show_analysis(live)
        path, ghost = self.path, self.ghost
        if path is None or ghost is None:
            return
        if live.t0_ns is not None:
            path.show(live.states, live.t0_ns)
            ghost.set_what_if(live.ghost, live.t0_ns)
        else:
            path.clear()
            ghost.set_what_if(None, 0)

    def _attach(self) -> None:
        timeline = self._timeline()
        if timeline is None or timeline is self._attached:
            return
        from gui.timeline.critical_path import CriticalPath
        from gui.timeline.ghost import Ghost

        self.path, self.ghost = CriticalPath(), Ghost()
        self.path.attach(timeline)
        self.ghost.attach(timeline)
        self.path.set_dark(self._dark)
        self.ghost.set_dark(self._dark)
        self._attached = timeline
        self._show_marks(self.shown)

    # ------------------------------------------------------------------ reactions
    def _visibility(self, visible: bool) -> None:
        shown = self.shown
        self._show_marks(shown)
        self._drawn = (-1, -1)
        self.shown_changed.emit(shown)

    def _show_marks(self, shown: bool) -> None:
        """The lane flags, the critical path and the ghost go with the pane."""
        if shown and self.marks not in self.lanes.overlays:
            self.lanes.overlays.append(self.marks)
        elif not shown and self.marks in self.lanes.overlays:
            self.lanes.overlays.remove(self.marks)
        self.lanes.update()
        if self.path is not None and self.ghost is not None:
            self.path.set_visible(shown)
            self.ghost.set_visible(shown)

    def _choose(self, choice: WhatIfChoice) -> None:
        self.live.choose(choice)
        self._draw()

    def _set_threshold(self, threshold: MissingThreshold) -> None:
        self.threshold = threshold
        with self.settings.batch():
            self.settings.setValue("analysis/missing_factor", threshold.factor)
            self.settings.setValue("analysis/missing_floor_s", threshold.floor_s)
        self._text_at = 0.0
