"""The analysis pane: wait states, load balance, what-if and who is missing, top to bottom.

Why it only lays out: each section is its own widget (bars, gauges, what-if panel, missing
panel) and takes the facts it shows; `show_analysis` hands them out and every section
repaints only when its facts changed, so a frame with nothing new costs nothing here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.model.missing import MissingThreshold
from engine.model.wait_states.text import critical_path_text
from gui.analysis.bars import PartyBars
from gui.analysis.gauges import BalanceGauges
from gui.analysis.live import LiveAnalysis
from gui.analysis.look import PaneLook
from gui.analysis.missing_panel import MissingPanel
from gui.analysis.what_if_panel import LINK_DARK, LINK_LIGHT, WhatIfPanel, escape


def section(title: str) -> QLabel:
    label = QLabel(f"<b>{title}</b>")
    label.setObjectName("analysis_section")
    return label


class AnalysisPane(QScrollArea):
    def __init__(self, threshold: MissingThreshold, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("analysis_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("analysis_pane")
        self.path = QLabel()
        self.path.setObjectName("critical_path")
        self.path.setWordWrap(True)
        self.gauges = BalanceGauges()
        self.bars = PartyBars()
        self.what_if = WhatIfPanel()
        self.missing = MissingPanel(threshold)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(section("Wait at the barrier, per party"))
        layout.addWidget(self.bars)
        layout.addWidget(section("Load balance"))
        layout.addWidget(self.gauges)
        layout.addWidget(self.path)
        layout.addWidget(section("What if"))
        layout.addWidget(self.what_if)
        layout.addWidget(self.missing)  # moves to the top while someone is missing
        layout.addStretch(1)
        self.setWidget(inner)
        self.inner, self.layout_ = inner, layout
        self.look = PaneLook()
        self._path_text = ""

    def set_look(self, look: PaneLook) -> None:
        self.look = look
        self.inner.setStyleSheet(look.style_sheet())
        self.missing.muted = look.colours.hint
        self.what_if.set_link_colour(LINK_DARK if look.dark else LINK_LIGHT)
        self.bars.set_look(look)
        self.gauges.set_look(look)

    def put_missing_first(self, first: bool) -> None:
        """Who is missing leads while a stage waits too long; otherwise it sits at the end."""
        layout = self.layout_
        at = layout.indexOf(self.missing)
        if at == (0 if first else layout.count() - 2):  # the end: before the closing stretch
            return
        layout.removeWidget(self.missing)
        layout.insertWidget(0 if first else layout.count() - 1, self.missing)
        if first:
            self.verticalScrollBar().setValue(0)

    def show_analysis(self, live: LiveAnalysis) -> None:
        """Hand the current analysis to every section (each repaints only on change)."""
        states, names = live.states, live.names
        self.bars.set_states(states, names)
        self.gauges.set_states(states)
        several = states.several_barriers if states is not None else False
        self.what_if.show_analysis(names, live.ghost, live.top, several)
        if states is None or not states.stages:
            text = "Critical path: appears as stages trip (the chain of last arrivals)."
        else:
            chain = critical_path_text(states, names)
            text = f"<b>Critical path</b> (bold line on the timeline): {escape(chain)}"
        if text != self._path_text:
            self._path_text = text
            self.path.setText(text)
