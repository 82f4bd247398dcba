"""Nothing the app starts may outlive it (or, for most things, its run), on any platform.

- `Lifeline` (pipe): one per run; the app holds the only write end.  Every child holds the read
  end (`hold(token)`, engine.core.lifeline.watch) and exits at EOF — when the run ends or the
  app dies, by any signal, under fork, spawn and forkserver, on Linux, macOS and Windows.
- guards: where the platform offers more, children add it (Linux's death signal; a Windows
  kill-on-close job object, engine.core.lifeline.winjob).
- `JANITOR`: a small helper process that removes the app's temporary folders if the app dies
  without cleaning up.

Support, by platform: see README ("Platforms").
"""

from engine.core.lifeline.guards import (
    PLATFORM_GUARDS,
    Guards,
    die_with_parent,
    guards_for,
    ignore_interrupts,
)
from engine.core.lifeline.janitor import JANITOR, Janitor
from engine.core.lifeline.pipe import Lifeline
from engine.core.lifeline.watch import (
    EXIT_APP_GONE,
    LifelineToken,
    held,
    hold,
    hold_again,
    hold_inherited,
)
from engine.core.lifeline.winjob import adopt_child

__all__ = [
    "EXIT_APP_GONE",
    "JANITOR",
    "PLATFORM_GUARDS",
    "Guards",
    "Janitor",
    "Lifeline",
    "LifelineToken",
    "adopt_child",
    "die_with_parent",
    "guards_for",
    "held",
    "hold",
    "hold_again",
    "hold_inherited",
    "ignore_interrupts",
]
