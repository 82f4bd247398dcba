"""The presenter's failure commands: Abort and Reset the real barrier, Kill a party's process.

Why a separate module: these commands only make sense while a run is live and only for sources
that can do them (a replayed log cannot abort anything), so their enabled state follows the
controller — not the file commands' rules in `window_actions`.  They are inserted after Stop in
the Run menu and on the toolbar.  None of them blocks: the controller forwards each to the
source, and the engine performs abort()/reset() in a helper process with a deadline, because
on a wedged barrier they would block forever.

Shortcuts: plain A (Abort) and R (Reset), window-wide (listed in gui/keyboard_map.py).  They
do not fire while a text field or spin box has focus: those widgets claim printable keys through
Qt's ShortcutOverride, so typing "a" into a party name types an "a" (buttons, tables and combo
boxes keep single keys through keyboard_map.SingleKeyGuard).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStatusBar, QToolBar

from engine.sources.commands import Abort, Capability, Command, Kill, Reset
from gui.lanes.view import LanesView
from gui.run.controller import RunController

ABORT_TIP = (
    "Abort (A): call abort() on the real barrier. Every party waiting in wait() gets "
    "BrokenBarrierError at once, and so does any party that arrives later."
)
RESET_TIP = (
    "Reset (R): call reset() on the real barrier. It returns to its empty state; parties "
    "waiting right now get BrokenBarrierError."
)
MESSAGE_MS = 6000


@dataclass
class FailureActions:
    abort: QAction
    reset: QAction


def _action(window: QMainWindow, text: str, key: str, tip: str) -> QAction:
    action = QAction(text, window)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.setEnabled(False)
    window.addAction(action)  # the shortcut works with the toolbar hidden (presentation mode)
    return action


def _insert_after(container: QMenu | QToolBar, anchor: QAction, actions: list[QAction]) -> None:
    items = container.actions()
    after = items.index(anchor) + 1 if anchor in items else len(items)
    before = items[after] if after < len(items) else None
    for action in actions:
        if before is None:
            container.addAction(action)
        else:
            container.insertAction(before, action)


class FailureCommands:
    """Creates Abort/Reset, wires the lanes' Kill menu, and keeps them enabled correctly."""

    def __init__(
        self,
        window: QMainWindow,
        controller: RunController,
        lanes: LanesView,
        stop: QAction,
        status: QStatusBar | None = None,
    ) -> None:
        self.controller = controller
        self.lanes = lanes
        self.status = status
        self.actions = FailureActions(
            abort=_action(window, "Abort", "A", ABORT_TIP),
            reset=_action(window, "Reset", "R", RESET_TIP),
        )
        self.actions.abort.triggered.connect(lambda _checked=False: self.abort())
        self.actions.reset.triggered.connect(lambda _checked=False: self.reset())
        for container in stop.associatedObjects():
            if isinstance(container, QMenu | QToolBar):
                _insert_after(container, stop, [self.actions.abort, self.actions.reset])
        lanes.kill_requested.connect(self.kill)
        controller.run_started.connect(self.refresh)
        controller.run_finished.connect(lambda _code: self.refresh())

    def refresh(self) -> None:
        """Enable each command only while a run is live and its source supports it."""
        can = self.controller.can
        self.actions.abort.setEnabled(can(Capability.ABORT))
        self.actions.reset.setEnabled(can(Capability.RESET))
        self.lanes.can_kill = can(Capability.KILL)

    def abort(self) -> bool:
        return self._send(Abort(), "Abort sent: the barrier breaks for every party.")

    def reset(self) -> bool:
        return self._send(Reset(), "Reset sent: waiting parties get BrokenBarrierError.")

    def kill(self, index: int) -> bool:
        lanes = self.controller.model.lanes
        name = lanes[index].name if 0 <= index < len(lanes) else f"party {index + 1}"
        return self._send(Kill(index), f"SIGKILL sent to {name}.")

    def _send(self, command: Command, message: str) -> bool:
        sent = self.controller.send(command)
        if sent and self.status is not None:
            self.status.showMessage(message, MESSAGE_MS)
        return sent
