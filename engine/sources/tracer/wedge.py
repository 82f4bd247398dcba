"""Notice, in a traced program, a process that died inside wait(): that barrier is wedged.

Why the trace needs it as much as `run`: CPython's multiprocessing Barrier cannot recover from
a sleeper (or a lock holder — the action runs inside wait()) that died (gh-123899): its
timeout is ignored and every other party waits forever, and so does the program, joining
them.  The same watch as the process source's (engine.sources.watch) decides, per barrier the
program made.  Only the wedge is judged here, never "stranded": a process of a program we did
not write becomes a lane only when it first touches a barrier, so a party still working
before its first wait() is unknown, and "nobody is left to come" cannot be told.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.events import Event
from engine.sources.watch import BarrierWatch, Finding

BARRIER_EVENTS = frozenset({"arrive", "release", "broken"})


class TraceWedgeWatch:
    """One BarrierWatch per barrier the program made; `observe` returns the wedges found."""

    def __init__(self, names: list[str]) -> None:
        self._names = names  # the collector's lane names, growing as lanes appear
        self._watches: dict[int, BarrierWatch] = {}
        self.wedged: Finding | None = None
        self.ending = False  # set once the trace signals the program: deaths are then ours

    def observe(self, events: Sequence[Event]) -> list[Finding]:
        found: list[Finding] = []
        if self.ending:
            return found
        for e in events:
            if e.kind == "barrier":
                parties = e.get("parties")
                if isinstance(parties, int) and e.get("barrier") is not None:
                    self._watches[int(e.get("barrier"))] = BarrierWatch(parties, self._names)
            elif e.kind in BARRIER_EVENTS and e.party is not None:
                watch = self._watches.get(e.get("barrier"))
                if watch is not None:
                    watch.alive.add(e.party)
                    watch.observe(e)
            elif e.kind == "exit" and e.party is not None:
                for watch in self._watches.values():
                    if e.party in watch.alive:
                        finding = watch.observe(e)
                        if finding is not None and finding.kind == "wedged":
                            found.append(finding)
        if found and self.wedged is None:
            self.wedged = found[0]
        return found
