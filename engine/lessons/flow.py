"""How a lesson moves on: what "next" means now, what the reveal sends, right or wrong, score.

Why one rule for "next": a presentation clicker has three buttons (next, previous, blank), so
→ must do what the moment needs — reveal a prompt's answer, let the presenter's party arrive
at the gate, let the next stage begin, and only then go to the next step.  The window, the
autoplay and the tests all ask `next_move`, so they cannot disagree.  Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from engine.lessons.answers import choices, truth
from engine.lessons.model import Lesson, Reveal, Step
from engine.model.view_model import LaneState, RunViewModel
from engine.sources.commands import Abort, Command, ContinueStage, ReleaseGate

_ON_THE_WAY = frozenset({LaneState.IDLE, LaneState.STARTING, LaneState.WORKING})


class Move(StrEnum):
    REVEAL = "reveal"  # the prompt's reveal: the gate opens (or the presenter aborts)
    OPEN_GATE = "open_gate"  # the presenter's party arrives at the barrier
    CONTINUE = "continue"  # step-through: the held parties begin the next stage
    NEXT_STEP = "next_step"


class Verdict(StrEnum):
    PENDING = "pending"  # not revealed yet, or revealed and the run has not answered yet
    RIGHT = "right"
    WRONG = "wrong"
    UNANSWERED = "unanswered"  # revealed without a pick from the room
    NO_ANSWER = "no_answer"  # the run ended without deciding (e.g. stopped early)

    @property
    def settled(self) -> bool:
        return self != Verdict.PENDING


def next_move(step: Step, model: RunViewModel, revealed: bool) -> Move:
    """What → does now."""
    if step.prompt is not None and not revealed:
        return Move.REVEAL
    if model.presenter_turn:
        return Move.OPEN_GATE
    if model.held_stage is not None:
        return Move.CONTINUE
    return Move.NEXT_STEP


def reveal_commands(step: Step, model: RunViewModel) -> tuple[Command, ...]:
    """What the reveal sends to the run: the presenter's party arrives, or the presenter aborts;
    nothing without a gate: the run answers by itself, the reveal only shows it."""
    if not step.presenter_gate or not model.status.live or step.prompt is None:
        return ()
    return (Abort(),) if step.prompt.reveal == Reveal.ABORT else (ReleaseGate(),)


def commands_for(move: Move, step: Step, model: RunViewModel) -> tuple[Command, ...]:
    """What `move` sends to the run (nothing for the next step or a plain reveal)."""
    match move:
        case Move.REVEAL:
            return reveal_commands(step, model)
        case Move.OPEN_GATE:
            return (ReleaseGate(),)
        case Move.CONTINUE:
            return (ContinueStage(),)
    return ()


def follow_up_commands(step: Step, model: RunViewModel, state: PromptState) -> tuple[Command, ...]:
    """After an abort reveal, once the barrier is broken, the presenter's party walks into it
    (and gets BrokenBarrierError like everyone), so that its process can end.  Sent once, and
    only after the abort has landed: arriving earlier would let the barrier trip instead."""
    prompt = step.prompt
    if (
        prompt is None
        or prompt.reveal != Reveal.ABORT
        or not state.revealed
        or state.followed_up
        or not (model.presenter_turn and model.barrier_broken)
    ):
        return ()
    state.followed_up = True
    return (ReleaseGate(),)


def barrier_held_for_presenter(step: Step, model: RunViewModel) -> bool:
    """Every scenario party is at the barrier (or gone) and the gate waits for the presenter:
    the moment a held prompt is best revealed."""
    ours = model.lanes[: len(step.scenario.party)]
    settled = all(lane.state not in _ON_THE_WAY for lane in ours)
    return model.presenter_turn and bool(ours) and settled


@dataclass
class PromptState:
    """The room's pick for one step's prompt, and whether its answer was revealed."""

    pick: str | None = None
    revealed: bool = False
    followed_up: bool = False  # the follow-up of an abort reveal was sent


def verdict(step: Step, state: PromptState, model: RunViewModel) -> Verdict:
    if step.prompt is None or not state.revealed:
        return Verdict.PENDING
    right = truth(step, model)
    if right is None:
        return Verdict.NO_ANSWER if model.status.final else Verdict.PENDING
    if state.pick is None:
        return Verdict.UNANSWERED
    return Verdict.RIGHT if state.pick == right else Verdict.WRONG


@dataclass
class LessonSession:
    """Where a lesson is: the current step, the room's picks, the verdicts, the score."""

    lesson: Lesson
    index: int = 0
    prompts: list[PromptState] = field(default_factory=list)
    verdicts: dict[int, Verdict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prompts = [PromptState() for _ in self.lesson.steps]

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def prompt_state(self) -> PromptState:
        return self.prompts[self.index]

    @property
    def counter(self) -> str:
        """The step counter on screen: "3 / 9"."""
        return f"{self.index + 1} / {len(self.lesson.steps)}"

    def go(self, index: int) -> bool:
        """Go to step `index` (its prompt is asked afresh); False if there is no such step."""
        if not 0 <= index < len(self.lesson.steps):
            return False
        self.index = index
        self.prompts[index] = PromptState()
        self.verdicts.pop(index, None)
        return True

    def pick(self, number: int) -> bool:
        """The room's answer is choice `number` (1-based, the key pressed); only before the
        reveal.  Pressing the picked number again takes the pick back."""
        state, offered = self.prompt_state, choices(self.step)
        if state.revealed or not 1 <= number <= len(offered):
            return False
        key = offered[number - 1].key
        state.pick = None if state.pick == key else key
        return True

    def mark_revealed(self) -> None:
        self.prompt_state.revealed = True

    def judge(self, model: RunViewModel) -> Verdict:
        """The current step's verdict now; a settled one is kept for the score."""
        result = verdict(self.step, self.prompt_state, model)
        if result.settled:
            self.verdicts[self.index] = result
        return result

    @property
    def score(self) -> tuple[int, int]:
        """(right, answered): prompts the room answered and got right, out of those answered."""
        right = sum(v == Verdict.RIGHT for v in self.verdicts.values())
        answered = sum(v in (Verdict.RIGHT, Verdict.WRONG) for v in self.verdicts.values())
        return right, answered
