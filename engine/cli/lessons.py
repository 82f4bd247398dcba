"""`lesson --list`: the lessons, headless (no Qt); `lesson` with no NAME says what to give.

Why here: listing loads every shipped lesson fully, so a broken lesson file is caught by the
same one-line message (exit code 2) that opening it would give.
"""

from __future__ import annotations

from engine.cli.inputs import InputError
from engine.cli.options import LessonListOptions
from engine.lessons import LessonError, LessonInfo, list_lessons


def lesson_lines(infos: list[LessonInfo]) -> list[str]:
    width = max((len(info.name) for info in infos), default=0)
    return [
        f"{info.name:<{width}}  {info.title} ({info.steps} steps): {info.description}".rstrip()
        for info in infos
    ]


def cmd_lessons(options: LessonListOptions) -> int:
    try:
        infos = list_lessons()
    except LessonError as exc:
        raise InputError(str(exc)) from None
    if not options.listing:
        names = ", ".join(info.name for info in infos) or "none"
        raise InputError(f"lesson: give a lesson NAME ({names}) or a FILE.toml, or --list")
    print("\n".join(lesson_lines(infos)) if infos else "No lessons found.")
    return 0
