"""Every step of both shipped lessons runs headless with real processes (fast), through the
same autoplay policy and flow as the window: each run ends, each prompt is revealed, and each
revealed answer is the one the run's own events give, computed here independently."""

from __future__ import annotations

import pytest

from engine.core.events import Event
from engine.lessons import Answer, LessonSession, Move, Verdict, find_lesson, lesson_names, truth
from engine.lessons.answers import BROKEN, RELEASED, STUCK
from engine.lessons.model import Step
from tests.engine.lessons.drive import play_step

SPEED_FACTOR = 6.0


def independent_truth(step: Step, events: list[Event]) -> str:
    """The answer, straight from the event list (not through the view model)."""
    prompt = step.prompt
    assert prompt is not None
    stage = prompt.stage - 1
    ours = set(range(len(step.scenario.party)))

    def of(kind: str) -> list[Event]:
        return [e for e in events if e.kind == kind and e.stage == stage and e.party in ours]

    match prompt.answer:
        case Answer.LAST_ARRIVER:
            return str(max(of("arrive"), key=lambda e: e.t_ns).party)
        case Answer.WAIT_INDEX:
            party = [p.name for p in step.scenario.party].index(prompt.party or "")
            return str(next(e.get("index") for e in of("release") if e.party == party))
        case Answer.ACTION_PARTY:
            return str(next(e.party for e in events if e.kind == "action" and e.stage == stage))
        case Answer.WAITER_GETS:
            if of("broken"):
                return BROKEN
            return RELEASED if of("release") else STUCK
        case Answer.STAGES_PASSED:
            released = {e.stage for e in events if e.kind == "release" and e.party in ours}
            return str(len(released))
    raise AssertionError(prompt.answer)


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_every_step_runs_and_every_answer_comes_from_the_run(name: str) -> None:
    lesson = find_lesson(name)
    session = LessonSession(lesson)
    for index, step in enumerate(lesson.steps):
        result = play_step(session, index, speed_factor=SPEED_FACTOR)
        assert result.model.status.final, f"step {index + 1} ({step.title}) did not end"
        assert result.moves[-1] == Move.NEXT_STEP
        if step.presenter_gate:
            assert Move.REVEAL in result.moves or Move.OPEN_GATE in result.moves
        if step.step_stages:
            assert Move.CONTINUE in result.moves
        if step.prompt is None:
            continue
        assert result.verdict in (Verdict.RIGHT, Verdict.WRONG), (step.title, result.verdict)
        expected = independent_truth(step, result.events)
        assert truth(step, result.model) == expected, step.title
        right = session.prompts[index].pick == expected
        assert (result.verdict == Verdict.RIGHT) == right
    right, answered = session.score
    assert answered == sum(step.prompt is not None for step in lesson.steps)
    assert 0 <= right <= answered
