"""Everything a caller can ask of a running source, as small frozen values.

Why values and not strings or method names: a request crosses a thread (the GUI or headless
loop → a source's pump or supervisor thread) and sometimes a process (the MPI channel to a
rank).  A frozen dataclass says exactly what was asked, checks its own fields when it is made,
pickles as itself, and is matched by type on the other side, so nothing is parsed and a typo is
a type error rather than a request that silently does nothing.

Every command names the `Capability` a source must declare to accept it; the GUI enables a
button from the capability, and `Source.send` refuses what the source does not declare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class Capability(StrEnum):
    """What a source can be asked to do (one per kind of command)."""

    STOP = "stop"  # end the run now
    ABORT = "abort"  # call abort() on the real barrier
    RESET = "reset"  # call reset() on the real barrier
    KILL = "kill"  # SIGKILL one party, as a crash would
    GATE = "gate"  # the presenter, the last party, arrives
    STEP = "step"  # step-through mode: let the next stage begin
    PAUSE = "pause"  # freeze or resume the clock (a replay)
    SEEK = "seek"  # jump to a moment (a replay)
    SPEED = "speed"  # change how fast the clock runs (a replay)
    STACKS = "stacks"  # fetch a party's current Python stack without stopping it


@dataclass(frozen=True)
class Stop:
    """End the run: parties are terminated, then killed after a grace period."""

    capability: ClassVar[Capability] = Capability.STOP


@dataclass(frozen=True)
class Abort:
    """Break the barrier for everyone waiting and everyone who arrives later."""

    capability: ClassVar[Capability] = Capability.ABORT


@dataclass(frozen=True)
class Reset:
    """Return the barrier to its empty state; parties waiting now are broken."""

    capability: ClassVar[Capability] = Capability.RESET


@dataclass(frozen=True)
class Kill:
    """SIGKILL the process behind party (lane) `party`, counted from 0."""

    party: int
    capability: ClassVar[Capability] = Capability.KILL

    def __post_init__(self) -> None:
        if isinstance(self.party, bool) or not isinstance(self.party, int) or self.party < 0:
            raise ValueError(f"party: must be a whole number >= 0, not {self.party!r}")


@dataclass(frozen=True)
class ReleaseGate:
    """The presenter presses G: their party stops "working" and calls wait()."""

    capability: ClassVar[Capability] = Capability.GATE


@dataclass(frozen=True)
class ContinueStage:
    """Let the parties holding before the next stage begin it."""

    capability: ClassVar[Capability] = Capability.STEP


@dataclass(frozen=True)
class Pause:
    """Freeze (`paused=True`) or resume (`paused=False`) the source's clock."""

    paused: bool = True
    capability: ClassVar[Capability] = Capability.PAUSE


@dataclass(frozen=True)
class Seek:
    """Jump to `t_s` seconds after the run's start (clamped to the run)."""

    t_s: float
    capability: ClassVar[Capability] = Capability.SEEK

    def __post_init__(self) -> None:
        if not math.isfinite(self.t_s):
            raise ValueError(f"t_s: must be a finite number of seconds, not {self.t_s!r}")


@dataclass(frozen=True)
class SetSpeed:
    """Run the clock `speed` times as fast as recorded (> 0)."""

    speed: float
    capability: ClassVar[Capability] = Capability.SPEED

    def __post_init__(self) -> None:
        if not (math.isfinite(self.speed) and self.speed > 0):
            raise ValueError(f"speed: must be a finite number > 0, not {self.speed!r}")


@dataclass(frozen=True)
class FetchStack:
    """Fetch party `party`'s current Python stack (every thread of it) without stopping it.

    The answer, an `engine.sources.stacks.PartyStack`, arrives later through
    `Source.take_stacks()`: a process has to be asked and to write its stack out first."""

    party: int
    capability: ClassVar[Capability] = Capability.STACKS

    def __post_init__(self) -> None:
        if isinstance(self.party, bool) or not isinstance(self.party, int) or self.party < 0:
            raise ValueError(f"party: must be a whole number >= 0, not {self.party!r}")


Command = (
    Stop | Abort | Reset | Kill | ReleaseGate | ContinueStage | Pause | Seek | SetSpeed | FetchStack
)
