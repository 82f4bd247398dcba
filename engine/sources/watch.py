"""Notice, from the events alone, when a barrier can no longer make progress — and say why.

Dead ends a barrier demo must explain instead of hanging silently:
- stranded: every living party is waiting, yet fewer than `parties` of them — nobody is left
  to come (too few processes, leftovers of a too-many run, a party that died while working,
  or one that is stopped — SIGSTOP, a debugger — while working);
- wedged: a party died INSIDE wait().  CPython's multiprocessing Barrier then blocks for good
  (its Condition waits for the dead sleeper to wake: timeouts, abort() and notify_all() all
  hang; gh-123899).  Only killing the remaining parties ends it.  A party STOPPED inside wait()
  wedges it the same way for as long as it stays stopped;
- stuck: the barrier broke (or wedged) and every party still alive is stopped: nothing they
  could do would change the run, so the app ends them.
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
    kind: str  # "stranded" | "wedged" (events) | "stuck" (the source ends the run)
    party: int | None
    message: str
    cause: str | None = None  # "stopped": a stopped party, not a dead one, is the reason


@dataclass
class BarrierWatch:
    parties: int
    names: list[str]
    alive: set[int] = field(default_factory=set)
    in_wait: set[int] = field(default_factory=set)
    dead: list[int] = field(default_factory=list)
    suspended: set[int] = field(default_factory=set)  # alive but stopped (T state)
    wedged: bool = False
    stranded: bool = False
    broke: bool = False  # some wait() raised BrokenBarrierError
    stuck: bool = False
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
            self.broke = self.broke or e.kind == "broken"
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

    def suspend(self, party: int, stopped: bool) -> None:
        """A sweep of the processes found `party` stopped (or running again)."""
        if stopped and party in self.alive:
            self.suspended.add(party)
        else:
            self.suspended.discard(party)
        self.stuck_since = None  # a change: confirm afresh

    def _on_exit(self, party: int, code: object) -> Finding | None:
        self.alive.discard(party)
        self.suspended.discard(party)
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
        """Has the barrier reached a dead end?  (stranded, wedged by a stop, or stuck)

        Confirmed only once the condition has held for CONFIRM_S with no event in between:
        another party's `release` may still be in the pipe while its `exit` is already known.
        """
        if self.stopping or self.stuck or not self.alive:
            return None
        found = self._dead_end()
        if found is None:
            self.stuck_since = None
            return None
        if self.stuck_since is None:
            self.stuck_since = now
        if now - self.stuck_since < CONFIRM_S:
            return None
        self.stuck_since = None
        if found.kind == "stuck":
            self.stuck = True
        elif found.kind == "wedged":
            self.wedged = True
        else:
            self.stranded = True
        return found

    def _dead_end(self) -> Finding | None:
        stopped = self.suspended & self.alive
        coming = self.alive - stopped
        if stopped and not coming and (self.broke or self.wedged or self.stranded):
            return Finding("stuck", None, self._stuck_message(stopped))
        if self.wedged:
            return None
        stopped_waiting = stopped & self.in_wait
        if stopped_waiting and coming <= self.in_wait:
            party = min(stopped_waiting)
            return Finding(
                "wedged",
                party,
                f"{self.name(party)} is stopped (SIGSTOP or a debugger) inside wait(); the "
                "barrier can neither release nor break while it stays stopped — notify_all() "
                "waits for every sleeper to wake, so timeouts and abort() hang too — so the "
                "parties must be ended.",
                cause="stopped",
            )
        if self.stranded:
            return None
        here = len(self.in_wait)
        # every living party waits or is stopped, someone waits, and not enough are here
        if not (self.in_wait | stopped) >= self.alive or not coming or here >= self.parties:
            return None
        return Finding("stranded", None, self._stranded_message(here, stopped - self.in_wait))

    def _stuck_message(self, stopped: set[int]) -> str:
        who = ", ".join(self.name(p) for p in sorted(stopped))
        how = "broke" if self.broke else "can no longer release"
        return (
            f"only stopped parties are left ({who}); the barrier {how}, so nothing they could "
            "do would change the run: the app ended them"
        )

    def _stranded_message(self, here: int, stopped: set[int]) -> str:
        needed = self.parties - here
        if stopped:
            names = ", ".join(self.name(p) for p in sorted(stopped))
            verb = "is" if len(stopped) == 1 else "are"
            why = f"{names} {verb} stopped (SIGSTOP or a debugger) before arriving, so"
        elif self.dead:
            why = ", ".join(self.name(p) for p in self.dead) + " died, so"
        elif self._finished:
            why = (
                f"the other processes already finished; Barrier({self.parties}) lets parties "
                f"through in groups of {self.parties}, so"
            )
        else:
            more = f"a {ordinal(here + 1)} process" if needed == 1 else f"{needed} more processes"
            why = f"Barrier({self.parties}) needs {more}, so"
        return (
            f"{here} of {self.parties} arrived; no party is left to come — {why} the waiting "
            f"parties will wait forever unless the barrier times out or is aborted."
        )
