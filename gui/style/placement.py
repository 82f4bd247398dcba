"""Where the window opens: inside the screen it is on, at a size that fits.

Why this is its own decision: the app is shown on whatever a room has — a 1024×768 projector,
a 1280×720 beamer, a 4K monitor at twice the pixel density.  A window that opens at 1600×1000
on a 1280×720 screen hides its log, timeline and status bar off-screen, and a size remembered
on the office monitor must not do the same on the lecture-hall projector.  So the default size
is shrunk to the available geometry, and a remembered geometry is used only if it still fits.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen

SCREEN_MARGIN = 0.94  # of the available size: leave room for a title bar and a border


def available_rect(screen: QScreen | None = None) -> QRect | None:
    """The available geometry (no taskbar) of `screen`, else of the primary screen."""
    chosen = screen or QGuiApplication.primaryScreen()
    return chosen.availableGeometry() if chosen is not None else None


def fitted_size(wanted: QSize, available: QRect | None) -> QSize:
    """`wanted`, shrunk (never grown) to fit `available` with a little margin."""
    if available is None or available.isEmpty():
        return wanted
    width = min(wanted.width(), int(available.width() * SCREEN_MARGIN))
    height = min(wanted.height(), int(available.height() * SCREEN_MARGIN))
    return QSize(max(width, 1), max(height, 1))


def centred(size: QSize, available: QRect) -> QRect:
    """A rect of `size` centred in `available`."""
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    return rect


def fits(frame: QRect, available: QRect | None) -> bool:
    """Does a window frame lie wholly inside the available geometry?"""
    return available is None or available.contains(frame)


def minimum_for(available: QRect | None, wanted: QSize) -> QSize:
    """The window's minimum size: `wanted`, but never more than the screen offers."""
    return fitted_size(wanted, available)
