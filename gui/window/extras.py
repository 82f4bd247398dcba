"""Presenting, replay and export commands, added to an existing main window in one call.

Why a separate installer: the main window's own actions (run, stop, files) stay in
gui/window_actions.py; this module adds the View menu, the presenter's run options and keys,
File → Open Event Log / Export / Record, Help → Keyboard Shortcuts, and the toolbar's right-
hand cluster, by finding the existing menus.  The commands that depend on the moment live
here too: Space runs or stops, but continues a held stage and plays/pauses a replay.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from engine.sources.commands import Abort, Capability, ContinueStage, ReleaseGate, Reset
from gui.features.exports import Exports
from gui.features.presentation import Presentation
from gui.features.replay_bar import ReplayBar
from gui.window.keyboard_map import ShortcutsDialog, SingleKeyGuard

if TYPE_CHECKING:
    from gui.window.main_window import MainWindow

SPEED_STEPS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0, 50.0)


def find_menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == title:
            return menu
    return window.menuBar().addMenu(f"&{title}")


def shortcut_taken(window: MainWindow, key: str) -> bool:
    wanted = QKeySequence(key)
    return any(wanted in a.shortcuts() for a in window.actions())


class Extras(QObject):
    """The presenting/replay/export layer of one MainWindow (see module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.presentation = Presentation(window)
        self.replay = ReplayBar(window)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.replay)
        self.exports = Exports(window)
        self.guard = SingleKeyGuard(self)
        self.guard.guard(window.panel)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.actions: dict[str, QAction] = {}
        self._build_run_actions()
        self._build_view_menu()
        self._build_file_actions()
        self._build_toolbar()
        window.lanes.gate_clicked.connect(self.release_gate)
        window.controller.frame_ready.connect(lambda _now: self.refresh())
        window.controller.run_finished.connect(lambda _code: self.refresh())
        window.controller.run_started.connect(self.refresh)
        self.exports.recording_changed.connect(self.actions["record"].setChecked)
        self.presentation.apply()
        self.refresh()

    # ------------------------------------------------------------------ building
    def _add(
        self,
        key: str,
        text: str,
        slot: Callable[[], object],
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_{key}")
        if shortcut is not None and not (
            isinstance(shortcut, str) and shortcut_taken(self.window, shortcut)
        ):
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(tip or text.replace("…", ""))
        action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # keys work with the menu bar hidden (presentation)
        self.actions[key] = action
        return action

    def _build_run_actions(self) -> None:
        w = self.window
        gate = self._add(
            "presenter_gate",
            "Presenter Gate",
            lambda: None,
            None,
            "You are the last party: the barrier opens only when you press G",
            checkable=True,
        )
        step = self._add(
            "step_stages",
            "Step Through Stages",
            lambda: None,
            None,
            "Pause before each stage until you press N",
            checkable=True,
        )
        gate.toggled.connect(lambda on: self._set_option("presenter_gate", on))
        step.toggled.connect(lambda on: self._set_option("step_stages", on))
        release = self._add(
            "release_gate",
            "Release Gate",
            self.release_gate,
            "G",
            "Open the gate: you, the last party, arrive (G)",
        )
        cont = self._add(
            "continue_stage", "Continue", self.continue_stage, "N", "Let the next stage begin (N)"
        )
        menu = find_menu(w, "Run")
        menu.addSeparator()
        menu.addActions([gate, step])
        menu.addSeparator()
        menu.addActions([release, cont])
        for key, text, command in (
            ("abort", "Abort Barrier", Abort()),
            ("reset", "Reset Barrier", Reset()),
        ):
            if not shortcut_taken(w, key[0].upper()):  # the failure controls may own A and R
                self._add(key, text, partial(w.controller.send, command), key[0].upper())
        self._add("space", "Run / Stop", self.space, "Space")
        self._add("slower", "Slower", partial(self.step_speed, -1), "[", "Slow motion: slower ([)")
        self._add("faster", "Faster", partial(self.step_speed, 1), "]", "Faster (])")
        for n in range(1, 10):
            self._add(f"preset_{n}", f"Preset {n}", partial(self.pick_preset, n), str(n))

    def _build_view_menu(self) -> None:
        w, p = self.window, self.presentation
        present = self._add(
            "presentation",
            "Presentation Mode",
            p.toggle,
            "F11",
            "Full screen, big text, thick bars (F11)",
            checkable=True,
        )
        p.changed.connect(lambda: present.setChecked(p.active))
        group = QActionGroup(self)
        themes = []
        for name in ("light", "dark"):
            action = self._add(
                f"theme_{name}",
                name.title(),
                partial(p.set_theme, name),
                None,
                f"{name.title()} high-contrast theme",
                checkable=True,
            )
            action.setChecked(p.theme == name)
            group.addAction(action)
            themes.append(action)
        bigger = self._add("bigger", "Bigger Text", lambda: p.zoom(1), "Ctrl+=")
        bigger.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        smaller = self._add("smaller", "Smaller Text", lambda: p.zoom(-1), "Ctrl+-")
        normal = self._add("normal_text", "Normal Text Size", lambda: p.zoom(0), "Ctrl+0")
        code = self._add(
            "show_code",
            "Show Code…",
            self.exports.show_code,
            "Ctrl+U",
            "The scenario as a standalone Python program (Ctrl+U)",
        )
        view = QMenu("&View", w)
        view.addAction(present)
        theme_menu = view.addMenu("Theme")
        theme_menu.addActions(themes)
        view.addSeparator()
        view.addActions([bigger, smaller, normal])
        view.addSeparator()
        view.addAction(code)
        help_menu = find_menu(w, "Help")
        w.menuBar().insertMenu(help_menu.menuAction(), view)
        keys = self._add("keyboard", "Keyboard Shortcuts", self.show_shortcuts, "F1")
        first = help_menu.actions()
        if first:
            help_menu.insertAction(first[0], keys)
        else:
            help_menu.addAction(keys)

    def _build_file_actions(self) -> None:
        w, e = self.window, self.exports
        open_log = self._add(
            "open_log",
            "Open Event Log…",
            self.ask_open_log,
            "Ctrl+Shift+O",
            "Replay a recorded run (Ctrl+Shift+O)",
        )
        trace = self._add(
            "export_trace",
            "Export Trace…",
            e.ask_export_trace,
            None,
            "A Chrome/Perfetto trace of the last run",
        )
        timeline = self._add("export_timeline", "Export Timeline Image…", e.ask_export_timeline)
        record = self._add(
            "record",
            "Record Video",
            e.toggle_recording,
            "Ctrl+Shift+R",
            "Record the window as .mp4 or .gif (Ctrl+Shift+R)",
            checkable=True,
        )
        menu = find_menu(w, "File")
        before = w.commands.quit
        for action in (open_log, None, trace, timeline, record, None):
            if action is None:
                menu.insertSeparator(before)
            else:
                menu.insertAction(before, action)

    def _build_toolbar(self) -> None:
        bar = self.window.commands.toolbar
        bar.addSeparator()
        a = self.actions
        short = {
            "presenter_gate": "Presenter gate",
            "step_stages": "Step stages",
            "release_gate": "Open gate · G",
            "continue_stage": "Continue · N",
            "record": "Record",
            "presentation": "Present",
        }
        for key, text in short.items():
            a[key].setIconText(text)  # the toolbar's shorter label; menus keep the full text
            if key == "record":
                bar.addSeparator()
            bar.addAction(a[key])

    # ------------------------------------------------------------------ commands
    def _set_option(self, name: str, on: bool) -> None:
        self.window.run_options[name] = on

    def space(self) -> None:
        """Space: the one key a presenter needs most, meaning what the moment needs."""
        controller = self.window.controller
        if self.replay.active:
            self.replay.toggle_play()
        elif controller.is_running and self.window.model.held_stage is not None:
            self.continue_stage()
        elif controller.is_running:
            self.window.stop()
        else:
            self.window.run()

    def release_gate(self) -> bool:
        return self.window.controller.send(ReleaseGate())

    def continue_stage(self) -> bool:
        return self.window.controller.send(ContinueStage())

    def step_speed(self, direction: int) -> float:
        """[ and ]: the next slower/faster of the usual speeds (0.1× … 50×), between runs."""
        panel = self.window.panel
        now = panel.speed()
        if direction < 0:
            choice = max((s for s in SPEED_STEPS if s < now - 1e-9), default=SPEED_STEPS[0])
        else:
            choice = min((s for s in SPEED_STEPS if s > now + 1e-9), default=SPEED_STEPS[-1])
        panel.set_speed(choice)
        self.window.statusBar().showMessage(f"Speed {panel.speed():g}× (for the next run)", 3000)
        return panel.speed()

    def pick_preset(self, n: int) -> bool:
        combo = self.window.panel.form.preset_combo
        if self.window.controller.is_running or not 1 <= n <= combo.count():
            return False
        self.window.panel.select_preset(str(combo.itemData(n - 1)))
        self.window.statusBar().showMessage(f"Preset {n}: {combo.itemText(n - 1)}", 4000)
        return True

    def ask_open_log(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open Event Log", "", "Event logs (*.jsonl);;All files (*)"
        )
        if path:
            self.replay.open_log(path)

    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self.window)
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    def refresh(self) -> None:
        """Enable what the moment allows (cheap: Qt ignores unchanged states)."""
        w, a = self.window, self.actions
        self.presentation.fit_timeline_names()
        running = w.controller.is_running
        live = running and not self.replay.active
        gate_ready = live and w.model.presenter_turn
        a["release_gate"].setEnabled(gate_ready and w.controller.can(Capability.GATE))
        a["continue_stage"].setEnabled(live and w.model.held_stage is not None)
        a["presenter_gate"].setEnabled(not running)
        a["step_stages"].setEnabled(not running)
        for key in ("abort", "reset"):
            if key in a:
                a[key].setEnabled(live and w.controller.can(Capability(key)))


def install_extras(window: MainWindow) -> Extras:
    return Extras(window)
