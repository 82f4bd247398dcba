"""One calm, light look for the whole app (Fusion + a light palette + a few style rules).

Why light: the app is shown on projectors in lit rooms, where dark text on light grounds reads
best and the Okabe–Ito state colours keep their contrast.  Fusion looks the same on every
platform, so screenshots in docs match what users see.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BASE_FONT_PX = 15

STYLE = """
QToolBar#run_toolbar { spacing: 8px; padding: 6px 10px; border: none;
    border-bottom: 1px solid #DADFE6; background: #F7F8FA; }
QToolBar#run_toolbar QToolButton { padding: 6px 14px; border-radius: 8px; font-weight: 600; }
QToolBar#run_toolbar QToolButton:hover { background: #E6EBF2; }
QToolBar#run_toolbar QToolButton:disabled { color: #A0A6AF; }
QLabel#speed_label { color: #3C4450; font-weight: 600; }
QStatusBar { background: #F7F8FA; border-top: 1px solid #DADFE6; }
QStatusBar QLabel { color: #3C4450; }
QSplitter::handle { background: #E4E8EE; }
QDockWidget::title { padding: 8px 10px; background: #F7F8FA; font-weight: 600; }
"""


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#F2F4F7",
        QPalette.ColorRole.WindowText: "#1B1F24",
        QPalette.ColorRole.Base: "#FFFFFF",
        QPalette.ColorRole.AlternateBase: "#F5F7FA",
        QPalette.ColorRole.Text: "#1B1F24",
        QPalette.ColorRole.Button: "#F7F8FA",
        QPalette.ColorRole.ButtonText: "#1B1F24",
        QPalette.ColorRole.Highlight: "#0072B2",
        QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.ToolTipBase: "#FFFFFF",
        QPalette.ColorRole.ToolTipText: "#1B1F24",
        QPalette.ColorRole.PlaceholderText: "#8A929E",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPixelSize(BASE_FONT_PX)
    app.setFont(font)
    app.setStyleSheet(STYLE)
