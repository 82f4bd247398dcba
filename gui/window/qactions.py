"""Turn the action table into QActions, menus and the toolbar, and keep them current.

Why QActions: the same command appears in a menu, on the toolbar and as a key; one QAction
keeps them enabled, checked and labelled together, and each is testable with `trigger()`.
Every action is also added to the window itself, so its key works while the menu bar and the
toolbar are hidden (presentation mode).  Enabled states follow `RunState` and are touched only
when it changes; checked states follow the features (`sync_checks`), with the action's own
signals blocked so that showing a state never re-runs the command.  Rows that show data (recent
files) take their words from it when it changes and whenever their menu opens (`sync_entries`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QToolBar, QWidget

from gui.run.state import RunState
from gui.style.icons import glyph_icon
from gui.window.action_spec import ActionSpec, Features
from gui.window.action_table import ACTIONS, MENU_BAR, TOOLBAR_LAYOUT


class BoundActions:
    """The QAction of every row of the table, by id (`actions["run"]`)."""

    def __init__(
        self, window: QMainWindow, features: Features, specs: tuple[ActionSpec, ...] = ACTIONS
    ) -> None:
        self.specs = specs
        self.features = features
        self._actions: dict[str, QAction] = {}
        self._groups: dict[str, QActionGroup] = {}
        self._state: RunState | None = None
        self.menus: dict[str, QMenu] = {}  # by path ("File", "File/Open Recent"), once built
        for spec in specs:
            self._actions[spec.id] = self._make(window, spec)

    def _make(self, window: QMainWindow, spec: ActionSpec) -> QAction:
        action = QAction(spec.title, window)
        action.setObjectName(f"action_{spec.id}")
        action.setShortcuts([QKeySequence(key) for key in spec.keys])
        action.setToolTip(spec.tip or spec.title.replace("…", ""))
        action.setStatusTip(spec.tip)
        if spec.icon is not None:
            action.setIcon(window.style().standardIcon(spec.icon))
        if spec.toolbar is not None and spec.toolbar.text:
            action.setIconText(spec.toolbar.text)  # menus keep the full title
        features = self.features
        if spec.toggle is not None:
            toggle = spec.toggle
            action.setCheckable(True)
            action.setChecked(toggle.read(features))
            action.toggled.connect(lambda on: toggle.write(features, on))
            if toggle.exclusive is not None:
                group = self._groups.setdefault(toggle.exclusive, QActionGroup(window))
                group.addAction(action)
        elif spec.run is not None:
            command = spec.run
            action.triggered.connect(lambda _checked=False: command(features))
        window.addAction(action)  # the key works with the menu bar and toolbar hidden
        return action

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def __iter__(self) -> Iterator[QAction]:
        return iter(self._actions.values())

    # ------------------------------------------------------------------ placing
    def build_menus(self, bar: QMenuBar) -> dict[str, QMenu]:
        """The menu bar, from each row's MenuPlace (groups separated, submenus by path)."""
        menus: dict[str, QMenu] = {}
        for name, title in MENU_BAR:
            menu = bar.addMenu(title)
            assert menu is not None
            menus[name] = menu
        placed = [
            (p.path.partition("/")[0], p.group, p.order, p.section, index, spec)
            for index, spec in enumerate(self.specs)
            if (p := spec.menu) is not None
        ]
        last_group: dict[str, int] = {}  # per top menu
        last_section: dict[str, int] = {}  # per submenu
        for top, group, _order, section, _index, spec in sorted(placed, key=lambda p: p[:5]):
            assert spec.menu is not None
            path = spec.menu.path
            sub = path.partition("/")[2]
            if sub and path in menus:  # a further row of a submenu already placed
                if last_section[path] != section:
                    menus[path].addSeparator()
                last_section[path] = section
                menus[path].addAction(self._actions[spec.id])
                continue
            menu = menus[top]
            if top in last_group and last_group[top] != group:
                menu.addSeparator()
            last_group[top] = group
            if sub:
                submenu = menu.addMenu(sub)
                assert submenu is not None
                submenu.aboutToShow.connect(self.sync_entries)  # e.g. a recent file deleted
                menus[path], last_section[path] = submenu, section
                menu = submenu
            menu.addAction(self._actions[spec.id])
        self.menus = menus
        self.sync_entries()
        return menus

    def build_toolbar(
        self,
        bar: QToolBar,
        widgets: Mapping[str, QWidget],
        layout: tuple[str, ...] = TOOLBAR_LAYOUT,
    ) -> None:
        """A toolbar, section by section (`layout`, a row of TOOLBAR_ROWS or all of them);
        `widgets` fill the <slots>.  Buttons that still do not fit go to the » overflow menu."""
        bar.setIconSize(QSize(22, 22))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in layout:
            if item == "|":
                bar.addSeparator()
            elif item.startswith("<"):
                bar.addWidget(widgets[item.strip("<>")])
            else:
                placed = sorted(
                    (spec.toolbar.order, index, spec.id)
                    for index, spec in enumerate(self.specs)
                    if spec.toolbar is not None and spec.toolbar.section == item
                )
                for _order, _index, action_id in placed:
                    bar.addAction(self._actions[action_id])

    def paint_icons(self, ink: QColor, disabled: QColor) -> None:
        """Redraw the icons we paint ourselves (▶ ■) in the theme's ink (see gui/style/icons)."""
        for spec in self.specs:
            if spec.icon is not None:
                icon = glyph_icon(spec.icon, ink, disabled)
                if icon is not None:
                    self._actions[spec.id].setIcon(icon)

    # ------------------------------------------------------------------ keeping current
    def refresh(self, state: RunState) -> None:
        """Enable each action as its enabled-when says (only when the run state changed)."""
        if state == self._state:
            return
        self._state = state
        for spec in self.specs:
            if spec.enabled_when is not None:
                self._actions[spec.id].setEnabled(spec.enabled_when(state))

    def sync_entries(self) -> None:
        """Rows that show data (`ActionSpec.shows`): their words now, greyed or hidden."""
        for spec in self.specs:
            if spec.shows is None:
                continue
            action, entry = self._actions[spec.id], spec.shows(self.features)
            action.setVisible(entry is not None)
            if entry is not None:
                action.setText(entry.text)
                action.setEnabled(entry.enabled)
                action.setStatusTip(entry.tip)
                action.setToolTip(entry.tip or entry.text)

    def sync_checks(self) -> None:
        """Show each checkable action's truth (presentation on, recording, theme, options)."""
        for spec in self.specs:
            if spec.toggle is not None:
                action = self._actions[spec.id]
                with QSignalBlocker(action):
                    action.setChecked(spec.toggle.read(self.features))
