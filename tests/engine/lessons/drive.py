"""Play a lesson step headless, as the window's autoplay does: a real source, the view model,
the autoplay policy deciding when → is due, and the flow deciding what it sends."""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.core.events import Event
from engine.lessons import (
    FAST,
    AutoplayClock,
    LessonSession,
    Move,
    Verdict,
    commands_for,
    follow_up_commands,
)
from engine.model.view_model import RunViewModel
from engine.sources.factory import make_source

STEP_DEADLINE_S = 40.0


@dataclass
class StepResult:
    events: list[Event]
    model: RunViewModel
    verdict: Verdict
    moves: list[Move]


def play_step(
    session: LessonSession, index: int, *, speed_factor: float, pick: int | None = 1
) -> StepResult:
    """Run step `index` of the session's lesson to its end; the room picks choice `pick`.

    A party killed inside wait() is killed a fixed 0.15 s after it arrives (not scaled by the
    speed), so such a step runs at its own speed: faster, the others would arrive first."""
    assert session.go(index)
    step = session.step
    if any(p.fault == "kill-in-wait" for p in step.scenario.party):
        speed_factor = 1.0
    source = make_source(
        step.scenario,
        speed=step.speed * speed_factor,
        seed=step.seed,
        presenter_gate=step.presenter_gate,
        step_stages=step.step_stages,
    )
    model = RunViewModel()
    clock = AutoplayClock(FAST)
    clock.begin_step(time.monotonic())
    clock.run_started(time.monotonic())
    if pick is not None and step.prompt is not None:
        assert session.pick(pick)
    moves: list[Move] = []
    source.start()
    deadline = time.monotonic() + STEP_DEADLINE_S
    try:
        while True:
            assert time.monotonic() < deadline, f"step {index + 1} did not end: {moves}"
            model.apply(source.wait_events(0.05))
            for command in follow_up_commands(step, model, session.prompt_state):
                source.send(command)
            result = session.judge(model)
            move = clock.due(
                step, model, session.prompt_state.revealed, result.settled, time.monotonic()
            )
            if move is None:
                continue
            moves.append(move)
            if move == Move.NEXT_STEP:
                break
            if move == Move.REVEAL:
                session.mark_revealed()
            for command in commands_for(move, step, model):
                source.send(command)
    finally:
        source.stop()
        assert source.join(20)
    return StepResult(list(source.events), model, session.judge(model), moves)
