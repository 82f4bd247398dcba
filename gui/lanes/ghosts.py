"""Ghost lanes: the parties a barrier counts but no process will ever be.

Why draw what does not exist: `Barrier(4)` with 3 processes is the lesson of the `too-few`
preset, and a room sees only three lanes and a counter stuck at "3 of 4".  A fourth, dashed
lane labelled "never comes" shows the missing party as plainly as the others, so the reason
the barrier cannot trip is on the screen before anyone explains it.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPen

from engine.model.view_model import RunViewModel
from gui.lanes.layout import LaneGeometry, sized_font

MAX_GHOSTS = 4  # more missing parties than this are told by the counter alone
GHOST_NAME = "missing party"
GHOST_BADGE = "never comes"
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def ghost_count(model: RunViewModel) -> int:
    """How many ghost lanes to draw: Barrier(parties) minus the processes that run.

    A traced program (no planned stages) gets none: its lanes appear as processes first
    wait, so a party not seen yet may still come."""
    if model.stages == 0 or not model.lanes:
        return 0
    missing = model.parties - len(model.lanes)
    return missing if 0 < missing <= MAX_GHOSTS else 0


def paint_ghosts(p: QPainter, g: LaneGeometry, model: RunViewModel) -> None:
    """Dashed rows after the real ones: a dashed mark, "missing party", "never comes"."""
    colours = g.style.colours
    pen = QPen(colours.q("hint"), max(1.5, 2 * g.scale), Qt.PenStyle.DashLine)
    for k in range(g.ghosts):
        cy = g.row_centre(len(model.lanes) + k)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(pen)
        if g.show_names and g.chip > 0:
            chip = QRectF(g.name_x, cy - g.chip / 2, g.chip, g.chip)
            p.drawRoundedRect(chip, g.chip * 0.24, g.chip * 0.24)
            font = QFont(g.name_font)
            font.setItalic(True)
            font.setBold(False)
            p.setFont(font)
            p.setPen(colours.q("hint"))
            x = g.name_text_x
            p.drawText(
                QRectF(x, cy - g.row_h / 2, g.name_w - (x - g.name_x), g.row_h), LEFT, GHOST_NAME
            )
        h = min(g.row_h * 0.56, g.badge_font.pixelSize() * 1.9)
        p.setPen(pen)
        badge = QRectF(g.badge_x, cy - h / 2, g.badge_w, h)
        p.drawRoundedRect(badge, h / 2, h / 2)
        p.setFont(sized_font(g.badge_font, g.badge_font.pixelSize(), bold=False))
        p.setPen(colours.q("hint"))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, GHOST_BADGE)
        r = g.bar_h / 2
        p.setPen(pen)
        p.drawRoundedRect(QRectF(g.track_x0, cy - r, g.gate_x - g.track_x0, g.bar_h), r, r)
