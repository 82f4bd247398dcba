"""Toolbar icons painted in the theme's ink: ▶ run, ■ stop.

Why painted and not the style's standard icons: Fusion's media icons are black glyphs, which
vanish on the dark theme's navy toolbar.  A triangle and a square drawn in the toolbar's own
text colour read in both themes and at every size (they are vector shapes, so a 2× screen
gets sharp edges).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QStyle

ICON_PX = 44  # drawn at 2× the toolbar's 22 px, so high-density screens stay sharp


def glyph_icon(kind: QStyle.StandardPixmap, ink: QColor, disabled: QColor) -> QIcon | None:
    """A themed icon for the standard pixmap `kind`, or None if we do not draw that one."""
    if kind not in (QStyle.StandardPixmap.SP_MediaPlay, QStyle.StandardPixmap.SP_MediaStop):
        return None
    icon = QIcon()
    for colour, mode in ((ink, QIcon.Mode.Normal), (disabled, QIcon.Mode.Disabled)):
        icon.addPixmap(_paint(kind, colour), mode)
    return icon


def _paint(kind: QStyle.StandardPixmap, colour: QColor) -> QPixmap:
    pixmap = QPixmap(ICON_PX, ICON_PX)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        s = float(ICON_PX)
        if kind == QStyle.StandardPixmap.SP_MediaPlay:
            p.drawPolygon(
                QPolygonF([QPointF(s * 0.24, s * 0.14), QPointF(s * 0.86, s * 0.5),
                           QPointF(s * 0.24, s * 0.86)])
            )  # fmt: skip
        else:
            side = s * 0.62
            p.drawRoundedRect(QRectF((s - side) / 2, (s - side) / 2, side, side), 4, 4)
    finally:
        p.end()
    return pixmap
