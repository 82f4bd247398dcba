"""Notice, from the events alone, when a barrier can no longer make progress — and say why.

Two dead ends a barrier demo must explain instead of hanging silently:
- stranded: every living party is waiting, yet fewer than `parties` of them — nobody is left
  to come (too few processes, leftovers of a too-many run, a party that died while working);
- wedged: a party died INSIDE wait().  CPython's multiprocessing Barrier then blocks for good
  (its Condition waits for the dead sleeper to wake: timeouts, abort() and notify_all() all
  hang; gh-123899).  Only killing the remaining parties ends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.events import Event

_ORDINALS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]


def ordinal(n: int) -> str:
    return _ORDINALS[n] if 0 <= n < len(_ORDINALS) else f"{n}th"


CONFIRM_S = 0.3
# The kinds `observe` acts on; any other event only clears `stuck_since` (see `observe_batch`).
WATCHED_KINDS = frozenset({"spawn", "arrive", "release", "broken", "exit"})


@dataclass(frozen=True)
class Finding:
    kind: str  # "stranded" | "wedged"
    party: int | None
    message: str


@dataclass
class BarrierWatch:
    parties: int
    names: list[str]
    alive: set[int] = field(default_factory=set)
    in_wait: set[int] = field(default_factory=set)
    dead: list[int] = field(default_factory=list)
    wedged: bool = False
    stranded: bool = False
    stopping: bool = False
    stuck_since: float | None = None  # when the stranded condition was first seen to hold
    _finished: int = 0

    def name(self, party: int) -> str:
        return self.names[party] if 0 <= party < len(self.names) else f"Party {party + 1}"

    def observe(self, e: Event) -> Finding | None:
        """Follow one event; return a finding the first time the barrier is stuck."""
        p = e.party
        self.stuck_since = None  # anything happening means "not yet stable"
        if p is None:
            return None
        if e.kind == "spawn":
            self.alive.add(p)
        elif e.kind == "arrive":
            self.in_wait.add(p)
        elif e.kind in ("release", "broken"):
            self.in_wait.discard(p)
        elif e.kind == "exit":
            return self._on_exit(p, e.get("exitcode"))
        return None

    def observe_batch(self, events: list[Event]) -> list[Finding]:
        """`observe` every event of a batch, skipping the kinds it ignores (most of them at
        100,000 events/s); the findings, in order."""
        self.stuck_since = None
        watched = WATCHED_KINDS
        found = []
        for e in events:
            if e.kind in watched:
                finding = self.observe(e)
                if finding is not None:
                    found.append(finding)
        return found

    def _on_exit(self, party: int, code: object) -> Finding | None:
        self.alive.discard(party)
        was_waiting = party in self.in_wait
        self.in_wait.discard(party)
        if code == 0:
            self._finished += 1
            return None
        if code != 3:
            self.dead.append(party)
        if was_waiting and code != 3 and not self.wedged and not self.stopping:
            self.wedged = True
            return Finding(
                "wedged",
                party,
                f"{self.name(party)} died inside wait(); the barrier can no longer release or "
                "break — a known CPython limitation (gh-123899): its timeout is ignored and "
                "abort() would block, so the remaining parties must be ended.",
            )
        return None

    def recheck_in(self, now: float) -> float | None:
        """Seconds until a pending stranded suspicion can be confirmed (None: nothing pending)."""
        if self.stuck_since is None:
            return None
        return max(self.stuck_since + CONFIRM_S - now, 0.0)

    def check_stranded(self, now: float) -> Finding | None:
        """Are all living parties waiting for arrivals that cannot come?

        Confirmed only once the condition has held for CONFIRM_S with no event in between:
        another party's `release` may still be in the pipe while its `exit` is already known.
        """
        if self.stranded or self.wedged or self.stopping or not self.alive:
            return None
        here = len(self.in_wait)
        if self.in_wait != self.alive or here >= self.parties:
            self.stuck_since = None
            return None
        if self.stuck_since is None:
            self.stuck_since = now
        if now - self.stuck_since < CONFIRM_S:
            return None
        self.stranded = True
        needed = self.parties - here
        if self.dead:
            why = ", ".join(self.name(p) for p in self.dead) + " died, so"
        elif self._finished:
            why = (
                f"the other processes already finished; Barrier({self.parties}) lets parties "
                f"through in groups of {self.parties}, so"
            )
        else:
            more = f"a {ordinal(here + 1)} process" if needed == 1 else f"{needed} more processes"
            why = f"Barrier({self.parties}) needs {more}, so"
        return Finding(
            "stranded",
            None,
            f"{here} of {self.parties} arrived; no party is left to come — {why} the waiting "
            f"parties will wait forever unless the barrier times out or is aborted.",
        )
