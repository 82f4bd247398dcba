"""What went wrong in a run, as facts: a `Failure` per thing that harmed the barrier.

Why typed facts and not sentences: the banner's title, the gate counter, the narrative's "Why:"
and the headless summary all ask "what broke the barrier, and who?".  Each reads a `Failure`
(its kind, the party, the stage, the cause) instead of re-reading the story's English, so a
reworded sentence can never change what a view decides.  `FailureTracker` infers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class FailureGroup(StrEnum):
    """What a failure did to the barrier, which is what a banner is about.

    A failure chain (a crash strands the others, then the barrier times out) tells its cause
    and then what followed; "what followed" is the latest failure of another group."""

    BROKEN = "broken"  # waits raised BrokenBarrierError
    CRASH = "crash"  # a party's own work raised
    WEDGED = "wedged"  # the barrier can never release or break again
    STRANDED = "stranded"  # waiting parties wait for arrivals that cannot come
    DEATH = "death"  # a party's process ended early (told by what it did to the barrier)


class FailureKind(StrEnum):
    TIMEOUT = "timeout"  # a wait() timed out before every party arrived
    ABORTED = "aborted"  # abort() was called (by the presenter, or by the app when stranded)
    RESET = "reset"  # reset() was called while parties waited
    ACTION_RAISED = "action_raised"  # the barrier action raised in the last party to arrive
    ALREADY_BROKEN = "already_broken"  # a party reached a barrier that was broken before
    BROKEN = "broken"  # the barrier broke; the events do not say why
    CRASHED = "crashed"  # a party's work raised an exception
    KILLED = "killed"  # the app sent SIGKILL to a party (a fault or the user)
    DIED = "died"  # a party's process ended with an error code or a signal
    WEDGED = "wedged"  # a party died inside wait() (or abort()/reset() never returned)
    STRANDED = "stranded"  # every living party waits, but too few of them to trip it

    @property
    def group(self) -> FailureGroup:
        return _GROUPS.get(self, FailureGroup.BROKEN)


_GROUPS = {
    FailureKind.CRASHED: FailureGroup.CRASH,
    FailureKind.KILLED: FailureGroup.DEATH,
    FailureKind.DIED: FailureGroup.DEATH,
    FailureKind.WEDGED: FailureGroup.WEDGED,
    FailureKind.STRANDED: FailureGroup.STRANDED,
}
_TITLES = {
    FailureKind.TIMEOUT: "Barrier timed out",
    FailureKind.ABORTED: "Barrier aborted",
    FailureKind.RESET: "Barrier reset",
    FailureKind.ACTION_RAISED: "Barrier broken",
    FailureKind.ALREADY_BROKEN: "Barrier broken",
    FailureKind.BROKEN: "Barrier broken",
    FailureKind.CRASHED: "A party crashed",
    FailureKind.KILLED: "A party was killed",
    FailureKind.DIED: "A party died",
    FailureKind.WEDGED: "Barrier wedged",
    FailureKind.STRANDED: "No party left to come",
}
# How cause and consequence make one sentence ("{cause}; {consequence}" unless listed).
_SENTENCES = {
    FailureKind.ABORTED: "{cause}: {consequence}",
    FailureKind.RESET: "{cause}: {consequence}",
    FailureKind.ALREADY_BROKEN: "{cause}, so {consequence}",
    FailureKind.BROKEN: "{consequence}",
}


@dataclass(frozen=True)
class Failure:
    """One harmful fact of a run, with its cause in plain words.

    `party` is whose event showed it (the first party whose wait() raised, the party that
    crashed, died or was killed; None for the app's own findings), `culprits` the parties that
    caused it (still working at a timeout, dead, the one whose action raised)."""

    kind: FailureKind
    cause: str  # "the barrier timed out after 0.5 s while Propulsion was still working"
    consequence: str  # "every waiting party got BrokenBarrierError" ("" if nothing more)
    party: int | None
    stage: int | None  # 0-based stage (generation) it happened in, if known
    t_ns: int
    t_s: float  # seconds from the run's start
    culprits: tuple[int, ...] = ()
    barrier: int | None = None

    @property
    def group(self) -> FailureGroup:
        return self.kind.group

    @property
    def title(self) -> str:
        """The banner's title: what a presenter says first ("Barrier timed out")."""
        return _TITLES[self.kind]

    @property
    def explanation(self) -> str:
        """Cause and consequence as one clause (lower-case start, no final full stop)."""
        if not self.consequence:
            return self.cause
        template = _SENTENCES.get(self.kind, "{cause}; {consequence}")
        return template.format(cause=self.cause, consequence=self.consequence)


class NoteTone(StrEnum):
    BROKEN = "broken"
    DIED = "died"


class CounterNote(NamedTuple):
    """What the gate counter says instead of "N of P at the barrier" after a failure."""

    text: str  # "3 of 4 here — nobody left to come", "✖ barrier broken", …
    tone: NoteTone
