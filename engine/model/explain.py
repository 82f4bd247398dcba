"""Plain-language reasons for a broken barrier, derived from the events that led to it.

A presenter needs "the barrier timed out after 0.5 s while Propulsion was still working;
every waiting party got BrokenBarrierError", not just "BrokenBarrierError".  The cause is
inferred at the first `broken` of a generation from what came before it: an action that
raised, an abort() or reset() request, or else the timeout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.core.events import Event

EVERYONE = "every waiting party got BrokenBarrierError"


@dataclass
class BreakExplainer:
    names: list[str] = field(default_factory=list)
    timeout: float | None = None
    speed: float = 1.0
    working: set[int] = field(default_factory=set)
    dead: set[int] = field(default_factory=set)
    pending_op: str | None = None  # "abort" / "reset" asked since the last break
    op_by: str = "user"
    action_party: int | None = None  # the party whose action ran in the current generation
    broken: bool = False  # the barrier is broken until reset()
    arrived_ns: dict[int, int] = field(default_factory=dict)
    broke_ns: int = 0

    def name(self, party: int | None) -> str:
        if party is None:
            return "the app"
        return self.names[party] if 0 <= party < len(self.names) else f"Party {party + 1}"

    def observe(self, e: Event) -> str | None:
        """Follow `e`; for a `broken` event return the reason sentence, else None."""
        kind, p = e.kind, e.party
        if kind == "run_start":
            self.__init__(list(e.get("names", [])), e.get("timeout"), float(e.get("speed", 1)))  # type: ignore[misc]
        elif kind == "work_start" and p is not None:
            self.working.add(p)
        elif kind == "arrive" and p is not None:
            self.working.discard(p)
            self.arrived_ns[p] = e.t_ns
        elif kind in ("crash", "kill") and p is not None:
            self.working.discard(p)
            self.dead.add(p)
        elif kind in ("abort", "reset"):
            self.pending_op, self.op_by = kind, str(e.get("by", "user"))
        elif kind == "action":
            self.action_party = p
        elif kind == "release":
            self.action_party = None
        elif kind == "broken":
            return self._reason(e)
        return None

    def _reason(self, e: Event) -> str | None:
        if e.get("reason") == "action_raised":
            if not self.broken:
                self.broken, self.broke_ns = True, e.t_ns
            return (
                f"the barrier action raised {e.get('error')} in {self.name(e.party)}, the "
                f"last to arrive; the barrier broke, so {self.name(e.party)} re-raises that "
                f"error and every other party gets BrokenBarrierError"
            )
        if self.broken:
            if self.pending_op == "reset":  # a fresh generation was broken by reset() again
                return self._op_reason()
            if self.arrived_ns.get(e.party if e.party is not None else -1, 0) < self.broke_ns:
                return None  # it was waiting and broke together with the first one
            return "it reached a barrier that was already broken, so wait() raised at once"
        self.broke_ns = e.t_ns
        self.broken = self.pending_op != "reset"  # reset() leaves a usable barrier behind
        if self.action_party is not None:
            self.broken = True
            return f"the barrier action raised in {self.name(self.action_party)}; {EVERYONE}"
        if self.pending_op is not None:
            return self._op_reason()
        return self._timeout_reason()

    def _op_reason(self) -> str:
        op, self.pending_op = self.pending_op, None
        if op == "reset":
            return (
                "reset() was called: " + EVERYONE + "; parties arriving later start a "
                "fresh generation"
            )
        who = (
            "by the app, because no party was left to come"
            if self.op_by == "app"
            else ("by the presenter")
        )
        return f"abort() was called {who}: {EVERYONE}"

    def _timeout_reason(self) -> str:
        if self.timeout is None:
            return EVERYONE
        after = f"{self.timeout:g} s"
        if self.speed != 1:
            after += f" ({self.timeout * self.speed:g} s at 1× speed)"
        late = sorted(self.working - self.dead)
        if late:
            who = _join([self.name(p) for p in late])
            verb = "was" if len(late) == 1 else "were"
            return (
                f"the barrier timed out after {after} while {who} {verb} still working; {EVERYONE}"
            )
        if self.dead:
            who = _join([self.name(p) for p in sorted(self.dead)])
            return f"the barrier timed out after {after}: {who} died and never arrived; {EVERYONE}"
        return f"the barrier timed out after {after}: not every party arrived; {EVERYONE}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
