"""Turn a parsed lesson file (a mapping) into a `Lesson`, or one line saying what is wrong.

Why the scenario package's checks: a lesson is written by the same people as a scenario, and
deserves the same friendly line per mistake — the file, the step (counted from 1, like the
step counter on screen), the field, the problem and what is allowed, with a did-you-mean for
typos.  The text checks are the scenario's (no control characters, escapes or direction
overrides: captions end up on a projector and in subtitle files), and an inline scenario goes
through the scenario validator itself, its field path following ``scenario:``.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

from engine.lessons.answers import choices
from engine.lessons.limits import (
    MAX_CAPTION_CHARS,
    MAX_CHOICES,
    MAX_DESCRIPTION_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SPEED,
    MAX_STEPS,
    MAX_TITLE_CHARS,
    MIN_SPEED,
    LessonError,
)
from engine.lessons.model import Answer, Lesson, Prompt, Reveal, Step
from engine.scenario import MAX_SEED, Scenario, ScenarioError, load_scenario, parse_scenario
from engine.scenario.checks import Checker, show
from engine.scenario.presets import PRESETS_DIR

TOP_KEYS = ("title", "description", "step")
STEP_KEYS = (
    "title", "caption", "scenario", "show_code", "presenter_gate", "step_stages", "speed",
    "seed", "prompt",
)  # fmt: skip
PROMPT_KEYS = ("question", "answer", "party", "stage", "reveal")
STEERED_BACKEND = "processes"  # the presenter gate and step-through exist for processes only

__all__ = ["validate_lesson"]


class _Checks(Checker):
    """The scenario checks, failing with a LessonError for one step (or the file)."""

    def __init__(self, source: str, step: int | None) -> None:
        super().__init__(source if step is None else f"{source}: step {step}")
        self.file, self.step = source, step

    def fail(
        self,
        field: str | None,
        problem: str,
        *,
        allowed: str | None = None,
        location: str | None = None,
    ) -> NoReturn:
        try:
            super().fail(field, problem, allowed=allowed, location=location)
        except ScenarioError as exc:
            raise LessonError(str(exc), self.file, self.step, field) from None

    def flag(self, field: str, raw: object) -> bool:
        if not isinstance(raw, bool):
            self.fail(field, f"must be true or false, got {show(raw)}")
        return raw


def validate_lesson(data: Mapping[str, object], name: str, source: str) -> Lesson:
    """Validate `data` (a parsed lesson file called `name`) into a Lesson; LessonError if not.

    `source` (``lessons/NAME.toml`` or the path given) starts every error message."""
    c = _Checks(source, None)
    table = c.table(None, data)
    c.known_keys(None, table, TOP_KEYS)
    if "title" not in table:
        c.fail("title", "missing (every lesson needs a title)")
    title = c.text("title", table["title"], MAX_TITLE_CHARS, strip=True, non_empty=True)
    description = c.text(
        "description", table.get("description", ""), MAX_DESCRIPTION_CHARS, strip=True,
        multiline=True,
    )  # fmt: skip
    raw_steps = table.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        c.fail("step", f"must be a list of [[step]] tables, got {show(raw_steps)}")
    if len(raw_steps) > MAX_STEPS:
        c.fail("step", f"has {len(raw_steps)} steps", allowed=f"at most {MAX_STEPS}")
    steps = tuple(_step(_Checks(source, n), raw) for n, raw in enumerate(raw_steps, 1))
    return Lesson(name, title, description, steps)


def _step(c: _Checks, raw: object) -> Step:
    table = c.table("step", raw)
    c.known_keys(None, table, STEP_KEYS)
    for key in ("title", "caption", "scenario"):
        if key not in table:
            c.fail(key, "missing (every [[step]] needs a title, a caption and a scenario)")
    title = c.text("title", table["title"], MAX_TITLE_CHARS, strip=True, non_empty=True)
    caption = c.text(
        "caption", table["caption"], MAX_CAPTION_CHARS, strip=True, non_empty=True,
        multiline=True,
    )  # fmt: skip
    preset, scenario = _scenario(c, table["scenario"])
    gate = c.flag("presenter_gate", table.get("presenter_gate", False))
    stepped = c.flag("step_stages", table.get("step_stages", False))
    for key, on in (("presenter_gate", gate), ("step_stages", stepped)):
        if on and scenario.backend != STEERED_BACKEND:
            c.fail(key, f'needs backend "{STEERED_BACKEND}"; the scenario uses {scenario.backend}')
    speed = c.number("speed", table.get("speed", 1.0), MIN_SPEED, MAX_SPEED)
    seed = table.get("seed")
    if seed is not None:
        seed = c.integer("seed", seed, 0, MAX_SEED, span=">= 0 (and < 2**63)")
    step = Step(
        title=title,
        caption=caption,
        scenario=scenario,
        preset=preset,
        show_code=c.flag("show_code", table.get("show_code", False)),
        presenter_gate=gate,
        step_stages=stepped,
        speed=speed,
        seed=seed,
    )
    if "prompt" not in table:
        return step
    step = dataclasses.replace(step, prompt=_prompt(c, table["prompt"], step))
    count = len(choices(step))
    if count > MAX_CHOICES:
        c.fail(
            "prompt.answer",
            f"{step.prompt.answer if step.prompt else ''} would offer {count} answers",
            allowed=f"at most {MAX_CHOICES} (the keys 1–9): fewer parties or stages",
        )
    return step


def _scenario(c: _Checks, raw: object) -> tuple[str | None, Scenario]:
    """A preset name, or an inline scenario table validated like a scenario file."""
    if isinstance(raw, str):
        names = sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))
        if raw not in names:
            close = difflib.get_close_matches(raw, names, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            allowed = None if hint else ", ".join(names) or "none found"
            c.fail("scenario", f"unknown preset {show(raw)}{hint}", allowed=allowed)
        try:
            return raw, load_scenario(PRESETS_DIR / f"{raw}.toml")
        except ScenarioError as exc:
            c.fail("scenario", str(exc))
    if not isinstance(raw, Mapping):
        c.fail("scenario", f"must be a preset name or a [step.scenario] table, got {show(raw)}")
    try:
        return None, parse_scenario(raw, f"{c.source}: scenario")
    except ScenarioError as exc:
        field = f"scenario.{exc.field}" if exc.field else "scenario"
        raise LessonError(str(exc), c.file, c.step, field) from None


def _prompt(c: _Checks, raw: object, step: Step) -> Prompt:
    table = c.table("prompt", raw)
    c.known_keys("prompt", table, PROMPT_KEYS)
    for key in ("question", "answer"):
        if key not in table:
            c.fail(f"prompt.{key}", "missing (a prompt needs a question and an answer)")
    question = c.text(
        "prompt.question", table["question"], MAX_QUESTION_CHARS, strip=True, non_empty=True
    )
    answer = Answer(c.choice("prompt.answer", table["answer"], [a.value for a in Answer]))
    scenario = step.scenario
    party: str | None = None
    if answer == Answer.WAIT_INDEX:
        if "party" not in table:
            c.fail("prompt.party", "missing: wait_index asks for the index of a named party")
        names = [spec.name for spec in scenario.party]
        party = c.choice("prompt.party", table["party"], names)
    elif "party" in table:
        c.fail("prompt.party", f"only wait_index names a party, not {answer}")
    stage = c.integer("prompt.stage", table.get("stage", 1), 1, scenario.stages)
    reveal = Reveal(
        c.choice(
            "prompt.reveal", table.get("reveal", Reveal.RELEASE.value), [r.value for r in Reveal]
        )
    )
    if reveal == Reveal.ABORT and not step.presenter_gate:
        c.fail(
            "prompt.reveal",
            '"abort" needs presenter_gate = true: without the gate the barrier would not wait',
        )
    return Prompt(question, answer, party, stage, reveal)


def lesson_source(path: Path, folder: Path) -> str:
    """How error messages name a lesson file: ``lessons/NAME.toml`` when shipped, else the path."""
    try:
        if path.parent.resolve() == folder.resolve():
            return f"{folder.name}/{path.name}"
    except OSError:
        pass
    return str(path)
