"""When autoplay presses → : the timing of a lesson played without a presenter (a screencast).

Why Qt-free and clocked from outside: the window's timer, the headless lesson test and the
screencast ask the same policy with their own clock, so a recording shows exactly the pacing
that the tests check.  The policy only says when; `next_move` (engine.lessons.flow) says what.

The pacing: a step's run starts after a `lead_s` in which the caption (and the question) can
be read; a prompt stays up `prompt_s` into the run (and, with a gate, until every party waits
for the presenter: revealing earlier would make the presenter arrive before the last party); a
gate or a held stage opens after a `beat_s`; a step ends `end_s` after its run, never before
its caption could be read, and never before a revealed answer was on screen for `verdict_s`.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.lessons.flow import Move, barrier_held_for_presenter, next_move
from engine.lessons.model import Step
from engine.model.view_model import RunViewModel


@dataclass(frozen=True)
class AutoplayTiming:
    lead_share: float = 0.45  # of the caption's reading time, before the run starts …
    max_lead_s: float = 7.0  # … but never longer than this
    prompt_s: float = 4.0
    beat_s: float = 1.2
    verdict_s: float = 3.5
    end_s: float = 2.0
    reading_chars_per_s: float = 17.0  # a comfortable subtitle reading speed
    step_limit_s: float = 120.0  # a run that never ends (a bug) still lets the lesson go on

    def reading_s(self, text: str) -> float:
        return len(text) / self.reading_chars_per_s

    def lead_s(self, step: Step) -> float:
        """How long the step's words are shown before its run starts."""
        return min(self.reading_s(step.caption) * self.lead_share, self.max_lead_s)


FAST = AutoplayTiming(
    lead_share=0.0,
    prompt_s=0.3,
    beat_s=0.1,
    verdict_s=0.2,
    end_s=0.1,
    reading_chars_per_s=1e9,
    step_limit_s=60,
)


class AutoplayClock:
    """Decides, tick by tick, whether → is due: `begin_step` at every new step, `run_started`
    when its run starts (nothing is due before)."""

    def __init__(self, timing: AutoplayTiming | None = None) -> None:
        self.timing = timing or AutoplayTiming()
        self._step_t0 = 0.0
        self._run_t0: float | None = None
        self._since: dict[str, float] = {}

    def begin_step(self, now_s: float) -> None:
        self._step_t0 = now_s
        self._run_t0 = None
        self._since.clear()

    def run_started(self, now_s: float) -> None:
        self._run_t0 = now_s

    def run_due(self, step: Step, now_s: float) -> bool:
        """Whether the step's run should start now (its lead is over)."""
        return self._run_t0 is None and now_s - self._step_t0 >= self.timing.lead_s(step)

    def _lasted(self, what: str, holds: bool, now_s: float) -> float:
        """How long `what` has held without a break (0 while it does not)."""
        if not holds:
            self._since.pop(what, None)
            return 0.0
        return now_s - self._since.setdefault(what, now_s)

    def due(
        self, step: Step, model: RunViewModel, revealed: bool, settled: bool, now_s: float
    ) -> Move | None:
        """The move to make now, or None to wait; `settled`: the prompt's verdict is known."""
        t = self.timing
        if self._run_t0 is None:
            return None
        move = next_move(step, model, revealed)
        in_step = now_s - self._step_t0
        in_run = now_s - self._run_t0
        ended = model.status.final
        held = barrier_held_for_presenter(step, model)
        gate = self._lasted("gate", move == Move.OPEN_GATE and held, now_s)
        hold = self._lasted("hold", move == Move.CONTINUE, now_s)
        verdict = self._lasted("verdict", settled, now_s)
        after_end = self._lasted("end", ended, now_s)
        if in_run >= t.step_limit_s:
            return move
        match move:
            case Move.REVEAL:
                ready = ended or not step.presenter_gate or held
                return move if in_run >= t.prompt_s and ready else None
            case Move.OPEN_GATE:
                return move if gate >= t.beat_s else None
            case Move.CONTINUE:
                return move if hold >= t.beat_s else None
        answered = step.prompt is None or verdict >= t.verdict_s
        read = in_step >= t.reading_s(step.caption)
        return move if answered and after_end >= t.end_s and read else None
