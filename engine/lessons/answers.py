"""A prompt's choices, and its true answer as the run's events tell it.

Why the answer is read, never written down: a lesson that says "Propulsion arrives last"
would be wrong the day a seed, a speed or a loaded machine changes the order.  The truth comes
from the view model's facts about this run — the StageBook's arrivals, wait() indices and
action party per stage, the broken and released parties, the model's status — so the reveal
always shows what the room just watched happen.

Choice keys are stable strings: a lane index for party answers (two parties may share a label
with the presenter), a number for indices and stage counts, a word for what a waiting party
gets.  Until the run has decided, `truth` is None.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.lessons.model import Answer, Step
from engine.model.stage_records import StageRecord
from engine.model.view_model import RunViewModel

PRESENTER_LABEL = "the presenter (me)"
BROKEN = "BrokenBarrierError"
TIMEOUT_ERROR = "TimeoutError"
RELEASED = "released"
STUCK = "stuck"
WAITER_CHOICES: tuple[tuple[str, str], ...] = (
    (BROKEN, "BrokenBarrierError"),
    (TIMEOUT_ERROR, "TimeoutError"),
    (RELEASED, "released anyway"),
    (STUCK, "stuck in wait()"),
)


@dataclass(frozen=True)
class Choice:
    """One answer the room can pick (with key 1–9 in the order given)."""

    key: str
    label: str


def choices(step: Step) -> tuple[Choice, ...]:
    """The answers offered for `step`'s prompt (empty if it has none)."""
    prompt = step.prompt
    if prompt is None:
        return ()
    scenario = step.scenario
    parties = [Choice(str(i), spec.name) for i, spec in enumerate(scenario.party)]
    match prompt.answer:
        case Answer.LAST_ARRIVER:
            return tuple(parties)
        case Answer.ACTION_PARTY:
            presenter = [Choice(str(len(parties)), PRESENTER_LABEL)] if step.presenter_gate else []
            return tuple(parties + presenter)
        case Answer.WAIT_INDEX:
            count = scenario.parties + (1 if step.presenter_gate else 0)
            return tuple(Choice(str(i), str(i)) for i in range(count))
        case Answer.WAITER_GETS:
            return tuple(Choice(key, label) for key, label in WAITER_CHOICES)
        case Answer.STAGES_PASSED:
            return tuple(Choice(str(n), str(n)) for n in range(scenario.stages + 1))


def truth(step: Step, model: RunViewModel) -> str | None:
    """The key of the right choice, read from this run; None while the run has not said."""
    prompt = step.prompt
    if prompt is None:
        return None
    book = model.stage_book
    record = book.get(book.run_barrier, prompt.stage - 1)
    ours = range(len(step.scenario.party))  # the presenter's party is not the scenario's
    ended = model.status.final
    match prompt.answer:
        case Answer.LAST_ARRIVER:
            return _last_arriver(record, ours, ended)
        case Answer.WAIT_INDEX:
            names = [spec.name for spec in step.scenario.party]
            party = names.index(prompt.party) if prompt.party in names else -1
            index = record.indices.get(party) if record is not None else None
            return None if index is None else str(index)
        case Answer.ACTION_PARTY:
            if record is None or record.action_party is None:
                return None
            return str(record.action_party)
        case Answer.WAITER_GETS:
            return _waiter_gets(record, ours, model)
        case Answer.STAGES_PASSED:
            if not ended:
                return None
            passed = [r for r in book.records() if any(p in r.releases for p in ours)]
            return str(len(passed))


def _last_arriver(record: StageRecord | None, ours: range, ended: bool) -> str | None:
    if record is None:
        return None
    arrived = {p: t for p, t in record.arrivals.items() if p in ours}
    if not arrived or (len(arrived) < len(ours) and not ended):
        return None
    return str(max(sorted(arrived), key=lambda p: arrived[p]))


def _waiter_gets(record: StageRecord | None, ours: range, model: RunViewModel) -> str | None:
    if record is None:
        return None
    arrived = [p for p in record.arrivals if p in ours]
    if any(p in record.broken for p in arrived):
        return BROKEN
    if any(p in record.releases for p in arrived):
        return RELEASED
    if arrived and (model.wedged or model.status.final):
        return STUCK  # they never returned from wait(): the app had to end them
    return None


def label_of(step: Step, key: str | None) -> str:
    """The words of choice `key` ("" if there is none)."""
    return next((c.label for c in choices(step) if c.key == key), "")
