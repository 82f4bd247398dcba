"""A lesson as plain frozen values: its steps, each step's scenario, options and prompt.

Why frozen dataclasses: the lesson window, the autoplay, the screencast's chapters and the
tests all read the same lesson; nobody may change it under the others.  The validator
(engine.lessons.validate) is the only way to make one from a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.scenario import Scenario


class Answer(StrEnum):
    """What the room predicts, i.e. what the run itself will answer (engine.lessons.answers)."""

    LAST_ARRIVER = "last_arriver"  # which party arrives last at the barrier
    WAIT_INDEX = "wait_index"  # which index wait() returns to a named party
    ACTION_PARTY = "action_party"  # which party runs the barrier's action
    WAITER_GETS = "waiter_gets"  # what a waiting party gets when the barrier fails
    STAGES_PASSED = "stages_passed"  # how many stages the barrier lets through


class Reveal(StrEnum):
    """What the presenter's reveal does to the held barrier (with presenter_gate)."""

    RELEASE = "release"  # the presenter's party arrives: the barrier can trip
    ABORT = "abort"  # the presenter calls abort() instead: everyone waiting breaks


@dataclass(frozen=True)
class Prompt:
    """A question for the room; the run's events give the answer."""

    question: str
    answer: Answer
    party: str | None = None  # wait_index: whose index (a party name)
    stage: int = 1  # the stage (1-based) the question is about
    reveal: Reveal = Reveal.RELEASE


@dataclass(frozen=True)
class Step:
    """One step of a talk: what to run, what to say, how to steer it, what to ask."""

    title: str
    caption: str
    scenario: Scenario
    preset: str | None = None  # the preset it came from; None for an inline scenario
    show_code: bool = False
    presenter_gate: bool = False
    step_stages: bool = False
    speed: float = 1.0
    seed: int | None = None
    prompt: Prompt | None = None


@dataclass(frozen=True)
class Lesson:
    """A titled, ordered list of steps; `name` is the file's stem (what `lesson NAME` takes)."""

    name: str
    title: str
    description: str
    steps: tuple[Step, ...]
