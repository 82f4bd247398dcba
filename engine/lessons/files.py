"""Lesson files: the shipped ones in assets/lessons (found by engine.files.assets), or any path.

Why files: a lesson is a talk a teacher writes and changes, in a text editor, in the same TOML
as the scenarios it runs.  A lesson file is input from outside like a scenario file: it is read
only if it is a regular file of at most MAX_LESSON_BYTES, parsed only if it nests at most
MAX_NESTING deep, and every problem is one LessonError line naming the step and the field.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from engine.core.safe_text import printable
from engine.files.assets import asset_folder
from engine.files.bounded_read import FileRefused, read_regular_file
from engine.lessons.limits import MAX_LESSON_BYTES, MAX_TITLE_CHARS, LessonError, lesson_error
from engine.lessons.model import Lesson
from engine.lessons.validate import lesson_source, validate_lesson
from engine.scenario import MAX_NESTING
from engine.scenario.toml_io import nesting_depth

__all__ = [
    "LESSONS_DIR",
    "LessonInfo",
    "find_lesson",
    "lesson_names",
    "lesson_titles",
    "list_lessons",
    "load_lesson",
]

LESSONS_DIR: Path = asset_folder("lessons")
# The order of the Lessons menu and `lesson --list`: the first talk first; others follow
# alphabetically.
LESSON_ORDER: tuple[str, ...] = ("barrier-basics", "threads-vs-processes")


@dataclass(frozen=True)
class LessonInfo:
    name: str
    title: str
    description: str
    steps: int
    path: Path


def _order_key(name: str) -> tuple[int, str]:
    rank = LESSON_ORDER.index(name) if name in LESSON_ORDER else len(LESSON_ORDER)
    return rank, name


def lesson_names(directory: Path = LESSONS_DIR) -> list[str]:
    """The stems of the lesson files in `directory`, in menu order (none if it is missing)."""
    try:
        stems = [p.stem for p in directory.glob("*.toml") if p.is_file()]
    except OSError:
        stems = []
    return sorted(stems, key=_order_key)


def _parse(path: Path, source: str) -> dict[str, object]:
    try:
        raw = read_regular_file(path, MAX_LESSON_BYTES)
    except FileRefused as exc:
        problem = exc.problem if exc.allowed is None else f"{exc.problem} (allowed: {exc.allowed})"
        raise lesson_error(source, None, None, problem) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise lesson_error(source, None, None, f"not UTF-8 text ({exc.reason})") from None
    if nesting_depth(text, MAX_NESTING) > MAX_NESTING:
        problem = f"arrays or tables nested too deep (allowed: at most {MAX_NESTING} levels)"
        raise lesson_error(source, None, None, problem)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise lesson_error(source, None, None, f"invalid TOML: {exc}") from None
    except RecursionError:  # the scan above makes this unreachable; never a traceback
        raise lesson_error(source, None, None, "arrays or tables nested too deep") from None


def load_lesson(path: str | os.PathLike[str], directory: Path = LESSONS_DIR) -> Lesson:
    """Read and validate the lesson file at `path`; every failure is one LessonError line."""
    file = Path(path)
    source = lesson_source(file, directory)
    return validate_lesson(_parse(file, source), file.stem, source)


def find_lesson(name: str, directory: Path = LESSONS_DIR) -> Lesson:
    """The shipped lesson called `name`, or the lesson file at `name` if it ends in .toml.

    Only names that exist in `directory` are looked up there, so a name never reaches outside
    it; an unknown name gets a did-you-mean hint and the list."""
    if name.lower().endswith(".toml"):
        return load_lesson(name, directory)
    names = lesson_names(directory)
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        known = ", ".join(names) or f"none found in {directory}"
        raise LessonError(
            f'lesson: unknown lesson "{name}"{hint} (allowed: {known}, or a FILE.toml)', "lesson"
        )
    return load_lesson(directory / f"{name}.toml", directory)


def list_lessons(directory: Path = LESSONS_DIR) -> list[LessonInfo]:
    """Every shipped lesson, fully loaded (a listed lesson is a lesson that opens; a broken
    shipped file raises LessonError here rather than when someone picks it)."""
    infos = []
    for name in lesson_names(directory):
        path = directory / f"{name}.toml"
        lesson = load_lesson(path, directory)
        infos.append(LessonInfo(name, lesson.title, lesson.description, len(lesson.steps), path))
    return infos


def lesson_titles(directory: Path = LESSONS_DIR) -> list[tuple[str, str]]:
    """(name, title) of every shipped lesson, cheaply: for a menu, which must never fail.

    Only the title is read (no scenario is loaded); a file that cannot even give a title is
    listed by its name, and opening it then says what is wrong."""
    out = []
    for name in lesson_names(directory):
        path = directory / f"{name}.toml"
        try:
            title = _parse(path, name).get("title")
        except LessonError:
            title = None
        shown = " ".join(title.split()) if isinstance(title, str) else ""
        out.append((name, printable(shown[:MAX_TITLE_CHARS]) or name))
    return out
