"""The live lanes: one custom-painted row per party, all running toward one barrier gate.

Why one QPainter widget and not a QProgressBar per party: 256 parties at 60 fps would mean 256
widgets re-laid-out and repainted every frame.  Here a frame is one `update()`; the paint reads
the model once, with geometry and fonts cached until the size or the party list changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from engine.model.failures import FailureGroup
from engine.model.view_model import RunViewModel
from gui.lanes.alert import Alert, AlertBanner, alert_for
from gui.lanes.failure import alert_hint, kill_menu, lane_at, paint_failure_marks, row_words
from gui.lanes.ghosts import ghost_count, paint_ghosts
from gui.lanes.layout import (
    ROW_PER_TEXT,
    LaneGeometry,
    LayoutKind,
    compute_geometry,
    sized_font,
)
from gui.lanes.overlay import barrier_counts, paint_banner, paint_gate, paint_header
from gui.lanes.painter import RowPainter
from gui.lanes.prompts import paint_prompts
from gui.lanes.style import DEFAULT_STYLE, LaneStyle
from gui.lanes.tiles import paint_tiles, tile_tooltip

# Something painted over the lanes by a feature (e.g. gui/lanes/last_arriver.py), after them.
LaneOverlay = Callable[[QPainter, LaneGeometry, RunViewModel, int], None]
BACKGROUND = QColor("#FFFFFF")
MIN_HEIGHT = 260
# a failure's banner left three desk rows ~10 px each at 1280×720 (pills shrunk to dots)
READABLE_BADGE_PX = 13
NOTICE_NS = 12_000_000_000  # how long "Cannot run: …" stays over the lanes
NOTICE_HINT = "the editor marks the field (F11 leaves presentation mode)"
EMPTY_HINT = "Choose a scenario on the left, then press Run (Ctrl+R)."


class LanesView(QWidget):
    """Paints the model's lanes; `update_from` is called once per frame by the controller."""

    gate_clicked = Signal()  # a press on the gate line: the presenter opens the gate
    kill_requested = Signal(int)  # the lane context menu's "Kill …" (a party index)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lanes_view")
        self.setMinimumSize(480, MIN_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._model: RunViewModel | None = None
        self._grown_for: tuple[object, ...] | None = None  # the lanes the minimum was set for
        self._now_ns = 0
        self._key: tuple[object, ...] | None = None
        self._geometry: LaneGeometry | None = None
        self._rows: RowPainter | None = None
        self._style = DEFAULT_STYLE
        self._alert_banner = AlertBanner()
        self.can_kill = False  # set by the window: the source takes Kill(party) commands
        self._hover: int | None = None  # the tile under the mouse (crowd layout)
        self._notice: tuple[Alert, int] | None = None  # (what, until when) over the banner
        self.setMouseTracking(True)
        self.overlays: list[LaneOverlay] = []  # painted after the lanes (any layout), in order

    def show_notice(self, text: str) -> None:
        """Say `text` (e.g. "Cannot run: …") in the banner slot for a few seconds: in
        presentation mode the status line is hidden, and the room looks here."""
        title, _, why = text.partition(": ")
        alert = Alert(FailureGroup.BROKEN, title, "✖", why[:1].upper() + why[1:], "", 0.0, None)
        self._notice = (alert, time.monotonic_ns() + NOTICE_NS)
        self.update()

    def clear_notice(self) -> None:
        self._notice = None
        self.update()

    def _current_notice(self) -> Alert | None:
        if self._notice is None or time.monotonic_ns() > self._notice[1]:
            self._notice = None
            return None
        return self._notice[0]

    def set_style(self, style: LaneStyle) -> None:
        """Theme and presentation scaling (one re-layout, then cached like the size)."""
        self._style = style
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        g = self._geometry
        pos = event.position()
        if (
            g is not None
            and g.kind != LayoutKind.TILES
            and event.button() == Qt.MouseButton.LeftButton
            and abs(pos.x() - g.gate_x) <= max(16.0, g.bar_h * 0.6)
            and g.lanes_top - 30 * g.scale <= pos.y() <= g.lanes_bottom + 30 * g.scale
        ):
            self.gate_clicked.emit()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Crowd layout: the tile under the mouse shows its name (and says it in a tooltip)."""
        pos = event.position()
        index = self.lane_at(pos.y(), pos.x())
        tiles = self._geometry is not None and self._geometry.kind == LayoutKind.TILES
        hover = index if tiles else None
        if hover != self._hover:
            self._hover = hover
            self.update()
            if hover is not None and self._model is not None:
                QToolTip.showText(
                    event.globalPosition().toPoint(), tile_tooltip(self._model, hover), self
                )
            else:
                QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)

    def update_from(self, model: RunViewModel, now_ns: int) -> None:
        self._model = model
        self._now_ns = now_ns
        self.update()

    def _layout(self, model: RunViewModel, alert: bool) -> tuple[LaneGeometry, RowPainter]:
        names = [lane.name for lane in model.lanes]
        ghosts = ghost_count(model)
        key = (
            self.width(), self.height(), tuple(names), model.parties, self.font().key(),
            self._style, alert, len(model.barriers) > 1, ghosts,
        )  # fmt: skip
        if key != self._key or self._geometry is None or self._rows is None:
            parties = max(model.parties, len(names))
            self._geometry = compute_geometry(
                self.width(), self.height(), names, self.font(), parties, self._style,
                alert=alert, several_barriers=len(model.barriers) > 1, ghosts=ghosts,
            )  # fmt: skip
            self._rows = RowPainter(self._geometry)
            self._key = key
            self._grow_to_hold(self._geometry, key[2:])  # what is shown, whatever the size
        return self._geometry, self._rows

    def _grow_to_hold(self, g: LaneGeometry, shown: tuple[object, ...]) -> None:
        """Rows that cannot hold their pills at this height ask for more (the timeline below
        gives it up): text never shrinks below the floor, so the lanes grow instead.

        While the same lanes are shown the minimum only rises: lowering it once the rows fit
        let the splitter take the room back, the rows asked again, and the two took turns at
        full CPU (a failure banner at 1280×720).  New lanes (a new run, the banner gone) start
        from MIN_HEIGHT again."""
        if g.kind != LayoutKind.ROWS:
            wanted = MIN_HEIGHT
        else:
            # at the desk text follows the row down; below a readable size the rows grow
            per_row = max(g.badge_font.pixelSize(), READABLE_BADGE_PX) * ROW_PER_TEXT
            short = (per_row - g.row_h) * (g.rows + g.ghosts)
            wanted = MIN_HEIGHT if short <= 0 else g.height + int(short + 1)
        if shown == self._grown_for:
            wanted = max(wanted, self.minimumHeight())
        self._grown_for = shown
        window = self.window()
        wanted = min(wanted, int(window.height() * 0.8)) if window is not self else wanted
        if wanted != self.minimumHeight() and wanted >= MIN_HEIGHT:
            QTimer.singleShot(0, self, lambda: self.setMinimumHeight(wanted))  # not mid-paint

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.fillRect(self.rect(), self._style.colours.q("background"))
            model = self._model
            if model is None or not model.lanes:
                self._notice = None
                self._paint_empty(p)
                return
            notice = self._current_notice()
            alert = notice or alert_for(model)
            geometry, rows = self._layout(model, alert is not None)
            note = model.counter_note
            paint_header(p, geometry, model, note, None if note else barrier_counts(model))
            if alert is not None:
                hint = NOTICE_HINT if notice is not None else alert_hint(model, self._now_ns)
                self._alert_banner.paint(p, geometry, alert, hint)
            else:
                paint_banner(p, geometry, model, self._now_ns)
            if geometry.kind == LayoutKind.TILES:
                paint_tiles(p, geometry, model, self._now_ns, self._hover)
            else:
                rows.waiting_word, rows.details = row_words(model)
                rows.paint(p, model, self._now_ns)
                paint_ghosts(p, geometry, model)
                paint_gate(p, geometry, model, self._now_ns)
                paint_failure_marks(p, geometry, model)
            for overlay in self.overlays:  # each knows what it can mark in this layout
                overlay(p, geometry, model, self._now_ns)
            paint_prompts(p, geometry, model, self._now_ns)
        finally:
            p.end()

    def lane_at(self, y: float, x: float | None = None) -> int | None:
        """The lane index painted at height `y` (and, for tiles, `x`), or None."""
        model, g = self._model, self._geometry
        if model is None:
            return None
        if g is not None and g.tiles is not None:
            return None if x is None else g.tiles.at(x, y, len(model.lanes))
        return lane_at(g, y, len(model.lanes))

    def context_menu_at(self, y: float, x: float | None = None) -> QMenu | None:
        """The menu a right-click at (`x`,) `y` opens ("Kill Navigation (SIGKILL pid …)")."""
        index = self.lane_at(y, x)
        if index is None or self._model is None:
            return None
        return kill_menu(self, self._model, index, self.can_kill, self.kill_requested.emit)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu_at(event.pos().y(), event.pos().x())
        if menu is None:
            super().contextMenuEvent(event)
            return
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _paint_empty(self, p: QPainter) -> None:
        font = sized_font(self.font(), max(16, min(self.width() / 60, 26)))
        p.setFont(font)
        p.setPen(self._style.colours.q("muted"))
        p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, EMPTY_HINT)
