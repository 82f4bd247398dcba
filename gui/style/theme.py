"""The app's look: Fusion, a light or a dark high-contrast palette, and a few style rules.

Why light by default: the app is shown on projectors in lit rooms, where dark text on light
grounds reads best and the Okabe–Ito state colours keep their contrast.  The dark theme is for
dark rooms and screencasts: near-black grounds, near-white text, the same state colours.
Fusion looks the same on every platform, so screenshots in docs match what users see.
Until the user picks one, the theme is the system's (light where the system does not say).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

BASE_FONT_PX = 15
THEMES = ("light", "dark")
FOLLOW_SYSTEM = "system"  # the remembered choice that means "whatever the system prefers"

_STYLE = """
QMainWindow::separator {{ background: {chrome}; }}
QToolBar#run_toolbar, QToolBar#stage_toolbar {{ spacing: 8px; padding: 6px 10px; border: none;
    border-bottom: 1px solid {line}; background: {chrome}; }}
QToolBar#run_toolbar QToolButton, QToolBar#stage_toolbar QToolButton {{ padding: 6px 14px;
    border-radius: 8px; font-weight: 600; }}
QToolBar#run_toolbar QToolButton:hover, QToolBar#stage_toolbar QToolButton:hover {{
    background: {hover}; }}
QToolBar#run_toolbar QToolButton:checked, QToolBar#stage_toolbar QToolButton:checked {{
    background: {hover}; border: 1px solid {line}; }}
QToolBar#run_toolbar QToolButton:disabled, QToolBar#stage_toolbar QToolButton:disabled {{
    color: {disabled}; }}
QLabel#speed_label {{ color: {soft}; font-weight: 600; }}
QStatusBar {{ background: {chrome}; border-top: 1px solid {line}; }}
QStatusBar QLabel {{ color: {soft}; }}
QSplitter::handle {{ background: {handle}; }}
QDockWidget::title {{ padding: 8px 10px; background: {chrome}; font-weight: 600; }}
QMenu::separator {{ height: 1px; background: {line}; margin: 4px 10px; }}
"""

_CHROME = {
    "light": {
        "line": "#C9CFD8",
        "chrome": "#F7F8FA",
        "hover": "#E1E7EF",
        "disabled": "#9AA1AB",
        "soft": "#262C35",
        "handle": "#DDE2E9",
    },
    "dark": {
        "line": "#39414D",
        "chrome": "#151A21",
        "hover": "#2A323E",
        "disabled": "#6B7480",
        "soft": "#E3E8EF",
        "handle": "#262D37",
    },
}

_PALETTES = {
    "light": {
        QPalette.ColorRole.Window: "#F2F4F7",
        QPalette.ColorRole.WindowText: "#0B0D10",
        QPalette.ColorRole.Base: "#FFFFFF",
        QPalette.ColorRole.AlternateBase: "#F5F7FA",
        QPalette.ColorRole.Text: "#0B0D10",
        QPalette.ColorRole.Button: "#F7F8FA",
        QPalette.ColorRole.ButtonText: "#0B0D10",
        QPalette.ColorRole.Highlight: "#0072B2",
        QPalette.ColorRole.HighlightedText: "#FFFFFF",
        QPalette.ColorRole.ToolTipBase: "#FFFFFF",
        QPalette.ColorRole.ToolTipText: "#0B0D10",
        QPalette.ColorRole.PlaceholderText: "#6B7380",
    },
    "dark": {
        QPalette.ColorRole.Window: "#12161C",
        QPalette.ColorRole.WindowText: "#F7F9FC",
        QPalette.ColorRole.Base: "#0B0E13",
        QPalette.ColorRole.AlternateBase: "#171C23",
        QPalette.ColorRole.Text: "#F7F9FC",
        QPalette.ColorRole.Button: "#1C222B",
        QPalette.ColorRole.ButtonText: "#F7F9FC",
        QPalette.ColorRole.Highlight: "#56B4E9",
        QPalette.ColorRole.HighlightedText: "#0B0E13",
        QPalette.ColorRole.ToolTipBase: "#1C222B",
        QPalette.ColorRole.ToolTipText: "#F7F9FC",
        QPalette.ColorRole.PlaceholderText: "#9AA4B2",
    },
}


def theme_palette(name: str) -> QPalette:
    """The QPalette of theme `name` ("light" for anything unknown)."""
    palette = QPalette()
    for role, colour in _PALETTES.get(name, _PALETTES["light"]).items():
        palette.setColor(role, QColor(colour))
    # greyed items (a disabled menu row, a recent file that has gone) must look greyed: a
    # colour set for all groups above would give them the active ink
    grey = QColor(_CHROME["dark" if name == "dark" else "light"]["disabled"])
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    return palette


def scheme_theme(scheme: Qt.ColorScheme) -> str:
    """The theme for a system colour scheme: dark for dark, light for light and unknown."""
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def system_theme() -> str:
    """The theme the system prefers now (light without an application, or if it is unknown)."""
    if QGuiApplication.instance() is None:
        return "light"
    return scheme_theme(QGuiApplication.styleHints().colorScheme())


def chosen_theme(choice: object) -> str:
    """A remembered choice ("light", "dark", "system" or anything else) as a theme."""
    return choice if isinstance(choice, str) and choice in THEMES else system_theme()


def apply_theme(app: QApplication, name: str = "light") -> None:
    """Give the whole app theme `name` ("light" or "dark")."""
    name = name if name in THEMES else "light"
    app.setStyle("Fusion")
    app.setPalette(theme_palette(name))
    font = QFont(app.font())
    font.setPixelSize(BASE_FONT_PX)
    app.setFont(font)
    app.setStyleSheet(_STYLE.format(**_CHROME[name]))
