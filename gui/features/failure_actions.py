"""The presenter's failure commands: Abort and Reset the real barrier, Kill a party's process.

Why they are safe to press on stage: none of them blocks.  The controller forwards each to the
source, and the engine performs abort()/reset() in a helper process with a deadline, because on
a wedged barrier they would block forever.  They only make sense while a run is live and only
for sources that can do them (a replayed log cannot abort anything): the action table enables
them from the run state (gui/run/state.py), and each command checks again before it sends.
"""

from __future__ import annotations

from engine.sources.commands import Abort, Command, Kill, Reset
from gui.features.host import Host
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


class FailureCommands:
    """Abort, Reset and Kill(party), each a status message when sent."""

    def __init__(self, controller: RunController, host: Host) -> None:
        self.controller = controller
        self.host = host

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
        if sent:
            self.host.say(message, MESSAGE_MS)
        return sent
