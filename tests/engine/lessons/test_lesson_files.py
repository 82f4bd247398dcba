"""Lesson files: the shipped ones load and teach in the tutorial's order; a malformed file is
one line naming the file, the step (counted from 1) and the field; hostile files are refused
before they are parsed."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import tomli_w

from engine.lessons import (
    Answer,
    LessonError,
    choices,
    find_lesson,
    lesson_names,
    lesson_titles,
    list_lessons,
    load_lesson,
)

GOOD = {
    "title": "A small talk",
    "step": [
        {"title": "One", "caption": "The launch.", "scenario": "launch"},
        {"title": "Two", "caption": "The gate.", "scenario": "dungeon", "presenter_gate": True},
        {
            "title": "Three",
            "caption": "Who is last?",
            "scenario": "launch",
            "presenter_gate": True,
            "prompt": {"question": "Who arrives last?", "answer": "last_arriver"},
        },
    ],
}


def write_lesson(folder: Path, data: dict[str, object], name: str = "x") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def error_of(tmp_path: Path, data: dict[str, object]) -> str:
    folder = tmp_path / "lessons"
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(folder, data), folder)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def with_step(n: int, **changes: object) -> dict[str, object]:
    steps = [dict(s) for s in GOOD["step"]]  # type: ignore[attr-defined]
    step = steps[n - 1]
    for key, value in changes.items():
        if value is None:
            step.pop(key, None)
        else:
            step[key] = value
    return {**GOOD, "step": steps}


def test_both_shipped_lessons_are_listed_and_load() -> None:
    infos = {info.name: info for info in list_lessons()}
    assert list(infos)[:2] == ["barrier-basics", "threads-vs-processes"]
    assert infos["barrier-basics"].steps >= 9
    assert [name for name, _ in lesson_titles()] == lesson_names()


def test_barrier_basics_follows_the_tutorials_order() -> None:
    lesson = find_lesson("barrier-basics")
    titles = [step.title.lower() for step in lesson.steps]
    order = ["start line", "launch", "random", "dungeon", "action", "two rounds", "too few",
             "timeout", "killed inside wait"]  # fmt: skip
    positions = [next(i for i, t in enumerate(titles) if word in t) for word in order]
    assert positions == sorted(positions)
    action_steps = [s for s in lesson.steps if "action" in s.title.lower()]
    assert action_steps[0].scenario.action is not None
    assert action_steps[0].scenario.action.message == "🚀 All systems go! Launching now."
    prompts = [s.prompt for s in lesson.steps if s.prompt is not None]
    assert len(prompts) >= 3
    assert {p.answer for p in prompts} == set(Answer)  # every kind of question is asked
    assert any(s.presenter_gate and s.prompt for s in lesson.steps)  # held by the real gate


def test_a_good_file_loads_with_its_choices(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    lesson = load_lesson(write_lesson(folder, GOOD), folder)
    assert lesson.name == "x" and len(lesson.steps) == 3
    asked = lesson.steps[2]
    assert [c.label for c in choices(asked)] == ["Navigation", "Communication", "Propulsion"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            with_step(3, prompt={"question": "Who?", "answer": "winner"}),
            r'^lessons/x\.toml: step 3: prompt\.answer: unknown value "winner" \(allowed: '
            r"last_arriver, wait_index",
        ),
        (
            with_step(2, scenario="dungen"),
            r'^lessons/x\.toml: step 2: scenario: unknown preset "dungen" \(did you mean '
            r'"dungeon"\?\)$',
        ),
        (with_step(1, caption=None), r"^lessons/x\.toml: step 1: caption: missing"),
        (with_step(1, speed=0), r"^lessons/x\.toml: step 1: speed: must be a number .* got 0"),
        (with_step(1, show_code="yes"), r"^lessons/x\.toml: step 1: show_code: must be true"),
        (
            with_step(1, captoin="x"),
            r'^lessons/x\.toml: step 1: unknown key "captoin" \(did you mean "caption"\?\)',
        ),
        (
            with_step(3, prompt={"question": "Index?", "answer": "wait_index"}),
            r"^lessons/x\.toml: step 3: prompt\.party: missing",
        ),
        (
            with_step(3, prompt={"question": "Q", "answer": "wait_index", "party": "Nav"}),
            r'^lessons/x\.toml: step 3: prompt\.party: unknown value "Nav" \(allowed: Navigation',
        ),
        (
            with_step(3, prompt={"question": "Q", "answer": "last_arriver", "stage": 2}),
            r"^lessons/x\.toml: step 3: prompt\.stage: must be an integer from 1 to 1, got 2",
        ),
        (
            with_step(1, prompt={"question": "Q", "answer": "waiter_gets", "reveal": "abort"}),
            r"^lessons/x\.toml: step 1: prompt\.reveal: \"abort\" needs presenter_gate",
        ),
        (
            with_step(1, scenario={"parties": 3, "party": [{"name": "A", "work": [2, 1]}]}),
            r"^lessons/x\.toml: step 1: scenario: party: 1 \[\[party\]\] tables given",
        ),
        (
            with_step(1, scenario={"parties": 1, "party": [{"name": "A", "work": [2, 1]}]}),
            r"^lessons/x\.toml: step 1: scenario: party\[0\]\.work: min 2.0 is greater",
        ),
        (
            with_step(1, scenario={"parties": 2, "backend": "threads"}, presenter_gate=True),
            r'^lessons/x\.toml: step 1: presenter_gate: needs backend "processes"',
        ),
        (
            with_step(1, caption="Look \x1b[31mhere"),
            r"^lessons/x\.toml: step 1: caption: must not contain control characters, got "
            r"U\+001B \(ESCAPE\)",
        ),
        (
            with_step(
                1,
                scenario={"parties": 12},
                prompt={"question": "Who?", "answer": "last_arriver"},
            ),
            r"^lessons/x\.toml: step 1: prompt\.answer: last_arriver would offer 12 answers",
        ),
        ({"step": GOOD["step"]}, r"^lessons/x\.toml: title: missing"),
        ({"title": "T", "step": []}, r"^lessons/x\.toml: step: must be a list of \[\[step\]\]"),
    ],
)
def test_a_malformed_file_is_one_line_naming_step_and_field(
    tmp_path: Path, data: dict[str, object], expected: str
) -> None:
    assert re.search(expected, error_of(tmp_path, data))


def test_hostile_files_are_refused_before_parsing(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    fifo = folder / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(LessonError, match=r"^lessons/pipe\.toml: is a FIFO"):
        load_lesson(fifo, folder)
    deep = folder / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    with pytest.raises(LessonError, match="nested too deep"):
        load_lesson(deep, folder)
    binary = folder / "bin.toml"
    binary.write_bytes(b"title = \xff\xfe")
    with pytest.raises(LessonError, match="not UTF-8"):
        load_lesson(binary, folder)
    big = folder / "big.toml"
    big.write_bytes(b"#" * (2 * 1024 * 1024))
    with pytest.raises(LessonError, match="too large"):
        load_lesson(big, folder)
    assert ("pipe", "pipe") not in lesson_titles(folder)  # a FIFO is not even listed


def test_a_menu_lists_a_broken_file_by_name_without_failing(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    write_lesson(folder, GOOD, "good")
    (folder / "broken.toml").write_text("title = [", encoding="utf-8")
    (folder / "sly.toml").write_text('title = "Sly\\u001b[2J talk"', encoding="utf-8")
    titles = dict(lesson_titles(folder))
    assert titles["good"] == "A small talk"
    assert titles["broken"] == "broken"
    assert "\x1b" not in titles["sly"] and "Sly" in titles["sly"]


def test_names_are_looked_up_only_among_the_lessons(tmp_path: Path) -> None:
    with pytest.raises(LessonError, match=r'unknown lesson "barrier-basic" \(did you mean'):
        find_lesson("barrier-basic")
    with pytest.raises(LessonError, match="unknown lesson"):
        find_lesson("../presets/launch")
    outside = write_lesson(tmp_path / "talks", GOOD, "mine")
    assert find_lesson(str(outside)).title == "A small talk"
    with pytest.raises(LessonError, match=r"talks/bad\.toml: step 1: caption: missing"):
        find_lesson(str(write_lesson(tmp_path / "talks", with_step(1, caption=None), "bad")))
