"""Infer, from the events alone, what broke (or blocked) the barrier — as `Failure` facts.

A presenter needs "the barrier timed out after 0.5 s while Propulsion was still working;
every waiting party got BrokenBarrierError", not just "BrokenBarrierError".  The cause of a
break is inferred at the first `broken` of a generation from what came before it: an action
that raised, an abort() or reset() request, or else the timeout (naming who was still working
or had died).  Later `broken` events of the same generation are echoes and make no Failure.
Crashes, kills, early deaths, and the source's own findings (`wedged`, `stranded`) become
Failures too.

Owned and fed by the view model (one tracker per run), so every view and the narrative read
the same facts.  It also keeps what a chain of failures means for the banner: the first cause
and what followed.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass, field

from engine.core.events import Event
from engine.model.failures import Failure, FailureGroup, FailureKind

EVERYONE = "every waiting party got BrokenBarrierError"
# The kinds the tracker follows; every other kind passes by it untouched (progress, output…).
TRACKED_KINDS = frozenset(
    {
        "run_start", "spawn", "work_start", "arrive", "release", "action", "broken", "crash",
        "kill", "abort", "reset", "wedged", "stranded", "stop", "exit",
    }
)  # fmt: skip


def exit_description(code: object) -> str:
    """ "killed by SIGKILL" / "exit code 1": how a process ended, for people."""
    if isinstance(code, int) and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class FailureTracker:
    """Follows one run; `observe` returns the Failure an event reveals (or None)."""

    names: list[str] = field(default_factory=list)
    timeout: float | None = None
    speed: float = 1.0
    t0_ns: int | None = None
    failures: list[Failure] = field(default_factory=list)  # every one, in order
    first: Failure | None = None  # the cause a banner leads with (deaths excluded)
    followed_by: Failure | None = None  # the latest later failure of another group
    wedged: bool = False  # the barrier can never release or break again
    wedged_party: int | None = None  # the party that died inside wait()
    stranded: bool = False  # a stranded finding stands (no release or break since)
    stopping: bool = False
    working: set[int] = field(default_factory=set)
    dead: set[int] = field(default_factory=set)  # crashed, killed or ended early
    _accounted: set[int] = field(default_factory=set)  # deaths already told (crash, kill)
    _stage_of: dict[int, int] = field(default_factory=dict)
    _waiting: set[int] = field(default_factory=set)
    _pending_op: str | None = None  # "abort" / "reset" asked since the last break
    _op_by: str = "user"
    _action_party: int | None = None  # whose action ran in the current generation
    _broken: bool = False  # the barrier is broken until reset()
    _arrived_ns: dict[int, int] = field(default_factory=dict)
    _broke_ns: int = 0

    def name(self, party: int | None) -> str:
        if party is None:
            return "the app"
        return self.names[party] if 0 <= party < len(self.names) else f"Party {party + 1}"

    # ------------------------------------------------------------------ following
    def observe(self, e: Event) -> Failure | None:
        """Follow `e`; the Failure it reveals, already recorded, or None."""
        kind, p = e.kind, e.party
        if kind not in TRACKED_KINDS:
            return None
        failure: Failure | None = None
        if kind == "run_start":
            names = [str(n) for n in e.get("names", [])]
            timeout = _number(e.get("timeout"), None)
            self.__init__(names, timeout, _number(e.get("speed"), 1.0) or 1.0, e.t_ns)  # type: ignore[misc]
        elif kind == "spawn" and p is not None and e.get("name"):
            self.names.extend(f"Party {i + 1}" for i in range(len(self.names), p + 1))
            self.names[p] = str(e.get("name"))
        elif kind in ("abort", "reset"):
            self._pending_op, self._op_by = kind, str(e.get("by", "user"))
        elif kind == "action":
            self._action_party = p
        elif kind == "stop":
            self.stopping = True
        elif kind == "wedged":
            failure = self._wedged(e)
        elif kind == "stranded":
            failure = self._stranded(e)
        elif p is not None:
            failure = self._party_event(e, p)
        if failure is not None:
            self._record(failure)
        return failure

    def _party_event(self, e: Event, p: int) -> Failure | None:
        kind = e.kind
        if kind == "work_start":
            self.working.add(p)
            self._stage_of[p] = e.stage or 0
        elif kind == "arrive":
            self.working.discard(p)
            self._waiting.add(p)
            self._arrived_ns[p] = e.t_ns
            self._stage_of[p] = e.stage or 0
        elif kind == "release":
            self._action_party = None
            self._waiting.discard(p)
            self.stranded = False
        elif kind == "broken":
            self._waiting.discard(p)
            self.stranded = False
            return self._broken_cause(e, p)
        elif kind in ("crash", "kill"):
            self.working.discard(p)
            self.dead.add(p)
            self._accounted.add(p)
            return self._crash(e, p) if kind == "crash" else self._kill(e, p)
        elif kind == "exit":
            return self._exit(e, p)
        return None

    def _record(self, failure: Failure) -> None:
        self.failures.append(failure)
        if failure.group == FailureGroup.DEATH:
            return  # a death is told by what it does to the barrier (stranded, a timeout…)
        if self.first is None:
            self.first = failure
        first = self.first
        self.followed_by = (
            failure if failure is not first and failure.group != first.group else None
        )

    def _failure(
        self,
        kind: FailureKind,
        e: Event,
        cause: str,
        consequence: str = "",
        culprits: tuple[int, ...] = (),
        stage: int | None = None,
    ) -> Failure:
        if stage is None and e.stage is None and e.party is not None:
            stage = self._stage_of.get(e.party)  # a party-level event: the stage it was in
        elif stage is None:
            stage = e.stage
        t_s = 0.0 if self.t0_ns is None else (e.t_ns - self.t0_ns) / 1e9
        barrier = e.get("barrier")
        barrier = barrier if isinstance(barrier, int) else None
        return Failure(kind, cause, consequence, e.party, stage, e.t_ns, t_s, culprits, barrier)

    # ------------------------------------------------------------------ a broken wait
    def _broken_cause(self, e: Event, p: int) -> Failure | None:
        if e.get("reason") == "action_raised":
            if not self._broken:
                self._broken, self._broke_ns = True, e.t_ns
            who = self.name(p)
            return self._failure(
                FailureKind.ACTION_RAISED,
                e,
                f"the barrier action raised {e.get('error')} in {who}, the last to arrive",
                f"the barrier broke, so {who} re-raises that error and every other party gets "
                "BrokenBarrierError",
                culprits=(p,),
            )
        if self._broken:
            if self._pending_op == "reset":  # a fresh generation was broken by reset() again
                return self._op_failure(e)
            if self._arrived_ns.get(p, 0) < self._broke_ns:
                return None  # it was waiting and broke together with the first one
            return self._failure(
                FailureKind.ALREADY_BROKEN,
                e,
                "it reached a barrier that was already broken",
                "wait() raised at once",
            )
        self._broke_ns = e.t_ns
        self._broken = self._pending_op != "reset"  # reset() leaves a usable barrier behind
        if self._action_party is not None:
            self._broken = True
            culprit = self._action_party
            return self._failure(
                FailureKind.ACTION_RAISED,
                e,
                f"the barrier action raised in {self.name(culprit)}",
                EVERYONE,
                culprits=(culprit,),
            )
        if self._pending_op is not None:
            return self._op_failure(e)
        return self._timeout(e)

    def _op_failure(self, e: Event) -> Failure:
        op, self._pending_op = self._pending_op, None
        if op == "reset":
            return self._failure(
                FailureKind.RESET,
                e,
                "reset() was called",
                EVERYONE + "; parties arriving later start a fresh generation",
            )
        who = (
            "by the app, because no party was left to come"
            if self._op_by == "app"
            else "by the presenter"
        )
        return self._failure(FailureKind.ABORTED, e, f"abort() was called {who}", EVERYONE)

    def _timeout(self, e: Event) -> Failure:
        if self.timeout is None:
            return self._failure(FailureKind.BROKEN, e, "the barrier broke", EVERYONE)
        after = f"{self.timeout:g} s"
        if self.speed != 1:
            after += f" ({self.timeout * self.speed:g} s at 1× speed)"
        late = sorted(self.working - self.dead)
        if late:
            verb = "was" if len(late) == 1 else "were"
            who = _join([self.name(q) for q in late])
            cause = f"the barrier timed out after {after} while {who} {verb} still working"
            return self._failure(FailureKind.TIMEOUT, e, cause, EVERYONE, culprits=tuple(late))
        if self.dead:
            dead = sorted(self.dead)
            who = _join([self.name(q) for q in dead])
            cause = f"the barrier timed out after {after}: {who} died and never arrived"
            return self._failure(FailureKind.TIMEOUT, e, cause, EVERYONE, culprits=tuple(dead))
        cause = f"the barrier timed out after {after}: not every party arrived"
        return self._failure(FailureKind.TIMEOUT, e, cause, EVERYONE)

    # ------------------------------------------------------------------ deaths and findings
    def _crash(self, e: Event, p: int) -> Failure:
        cause = f"{self.name(p)} crashed: {e.get('error')}"
        return self._failure(FailureKind.CRASHED, e, cause, culprits=(p,))

    def _kill(self, e: Event, p: int) -> Failure:
        why = "as the scenario's fault asks" if e.get("reason") == "fault" else "on request"
        cause = f"the app sent SIGKILL to {self.name(p)} {why}"
        return self._failure(FailureKind.KILLED, e, cause, culprits=(p,))

    def _exit(self, e: Event, p: int) -> Failure | None:
        code = e.get("exitcode")
        self.working.discard(p)
        self._waiting.discard(p)
        if code in (0, 3, None):  # finished, or ended after its wait() broke
            return None
        self.dead.add(p)
        if self.stopping or p in self._accounted:
            return None
        if self.wedged and isinstance(code, int) and code < 0:
            return None  # ended by the app: nothing else frees a wedged barrier's parties
        how = exit_description(code)
        how = f"was {how}" if how.startswith("killed") else f"exited with code {code}"
        cause = f"{self.name(p)} (pid {e.pid}) {how}"
        return self._failure(FailureKind.DIED, e, cause, culprits=(p,))

    def _wedged(self, e: Event) -> Failure:
        self.wedged = True
        p = e.party
        if p is not None and self.wedged_party is None:
            self.wedged_party = p
        culprits = () if p is None else (p,)
        return self._failure(FailureKind.WEDGED, e, str(e.get("message", "")), culprits=culprits)

    def _stranded(self, e: Event) -> Failure:
        """The app's finding; the stage is the waiting parties' (the event names none)."""
        self.stranded = True
        stages = [self._stage_of.get(q, 0) for q in self._waiting]
        return self._failure(
            FailureKind.STRANDED,
            e,
            str(e.get("message", "")),
            culprits=tuple(sorted(self.dead)),
            stage=e.stage if e.stage is not None else min(stages, default=None),
        )


def _number(value: object, default: float | None) -> float | None:
    """A number from a (possibly hostile) log, or `default`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default
