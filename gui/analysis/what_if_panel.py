"""What-if controls: pick a party, drag its work factor (0.3× – 2×) or ask for perfect
balance, and read the saving in words; the three most valuable what-ifs are one click away.

The ghost of the chosen run is drawn on the timeline (gui/timeline/ghost.py); this panel only
says what is asked (`choice_changed`) and what the replay found.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from engine.model.wait_states import WhatIf, describe_what_if
from gui.analysis.live import WhatIfChoice

MIN_PERCENT, MAX_PERCENT = 30, 200
LINK_LIGHT, LINK_DARK = "#0B5CAD", "#8CCBFF"  # WCAG AA on white / on the dark ground


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WhatIfPanel(QWidget):
    choice_changed = Signal(object)  # a WhatIfChoice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("what_if_panel")
        self.party = QComboBox()
        self.party.setObjectName("what_if_party")
        self.party.setToolTip("The party whose work you change")
        self.party.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.party.setMinimumContentsLength(8)  # long names must not widen the pane
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("what_if_factor")
        self.slider.setRange(MIN_PERCENT, MAX_PERCENT)
        self.slider.setValue(100)
        self.slider.setToolTip("Its work time × this factor (drag; 1.00× is the real run)")
        self.factor_label = QLabel("1.00×")
        self.factor_label.setMinimumWidth(
            self.factor_label.fontMetrics().horizontalAdvance("0.00×") + 8
        )
        self.reset_button = QPushButton("1×")
        self.reset_button.setToolTip("Back to the real run")
        self.balance = QCheckBox("Perfect balance")
        self.balance.setToolTip("Every party's work at its stage's mean")
        self.balance.setObjectName("what_if_balance")
        self.result = QLabel("Pick a party and drag its work factor to see the run it would be.")
        self.result.setObjectName("what_if_result")
        self.result.setWordWrap(True)
        self.top = QLabel()
        self.top.setObjectName("what_if_top")
        self.top.setWordWrap(True)
        self.top.setTextFormat(Qt.TextFormat.RichText)
        self.top.linkActivated.connect(self._pick_top)
        who = QHBoxLayout()  # the party, then its factor: two rows fit the pane on stage too
        who.setContentsMargins(0, 0, 0, 0)
        who.addWidget(self.party, 1)
        who.addWidget(self.reset_button)
        factor = QHBoxLayout()
        factor.setContentsMargins(0, 0, 0, 0)
        factor.addWidget(self.slider, 1)
        factor.addWidget(self.factor_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(who)
        layout.addLayout(factor)
        layout.addWidget(self.balance)
        layout.addWidget(self.result)
        layout.addWidget(self.top)
        self._names: list[str] = []
        self._top: list[WhatIf] = []
        self._shown: tuple[object, ...] = ()
        self.link_colour = LINK_LIGHT  # readable on the pane's ground (set with the theme)
        self.party.currentIndexChanged.connect(self._changed)
        self.slider.valueChanged.connect(self._changed)
        self.balance.toggled.connect(self._changed)
        self.reset_button.clicked.connect(lambda: self.slider.setValue(100))

    # ------------------------------------------------------------------ the user
    def choice(self) -> WhatIfChoice:
        if self.balance.isChecked():
            return WhatIfChoice(balanced=True)
        index = self.party.currentIndex()
        return WhatIfChoice(index if index >= 0 else None, self.slider.value() / 100)

    def set_choice(self, choice: WhatIfChoice) -> None:
        """Show `choice` in the controls (a ranked what-if was clicked); emits once."""
        for widget in (self.party, self.slider, self.balance):
            widget.blockSignals(True)
        self.balance.setChecked(choice.balanced)
        if choice.party is not None and choice.party < self.party.count():
            self.party.setCurrentIndex(choice.party)
        self.slider.setValue(round(choice.factor * 100))
        for widget in (self.party, self.slider, self.balance):
            widget.blockSignals(False)
        self._changed()

    def _changed(self, *_: object) -> None:
        choice = self.choice()
        self.factor_label.setText(f"{self.slider.value() / 100:.2f}×")
        self.party.setEnabled(not choice.balanced)
        self.slider.setEnabled(not choice.balanced)
        self.choice_changed.emit(choice)

    def _pick_top(self, link: str) -> None:
        index = int(link) if link.isdigit() else -1
        if not 0 <= index < len(self._top):
            return
        w = self._top[index]
        if w.kind == "balance":
            self.set_choice(WhatIfChoice(balanced=True))
        elif w.party is not None and w.factor is not None:
            self.set_choice(WhatIfChoice(w.party, w.factor))

    def set_link_colour(self, colour: str) -> None:
        """The links' colour for the theme (the ranked what-ifs are worded again)."""
        self.link_colour, self._shown = colour, ()

    # ------------------------------------------------------------------ the analysis
    def show_analysis(
        self, names: list[str], ghost: WhatIf | None, top: list[WhatIf], several: bool
    ) -> None:
        """Names for the picker, the chosen what-if's words, the ranked ones (on change only)."""
        key = (tuple(names), ghost, tuple(top), several)
        if key == self._shown:
            return
        self._shown = key
        if names != self._names:
            self._names = list(names)
            self.party.blockSignals(True)
            current = self.party.currentIndex()
            self.party.clear()
            self.party.addItems(names)
            self.party.setCurrentIndex(min(max(current, 0), len(names) - 1) if names else -1)
            self.party.blockSignals(False)
        if ghost is not None:
            self.result.setText(
                describe_what_if(ghost, names, several) + " (dashed on the timeline)"
            )
        elif self.choice().active:
            self.result.setText("The what-if appears once a stage has been measured.")
        else:
            self.result.setText("Pick a party and drag its work factor to see the run it would be.")
        self._top = list(top)
        if not top:
            self.top.setText("")
            return
        style = f"color:{self.link_colour}"
        words = [escape(describe_what_if(w, names, several)) for w in top]
        items = "".join(
            f'<li><a href="{i}" style="{style}">{text}</a></li>' for i, text in enumerate(words)
        )
        self.top.setText(f"<b>Most valuable</b> (click to show):<ol style='margin:0'>{items}</ol>")
