"""What a lesson file may hold, and the one error type, at the bottom of the lessons package.

Why these numbers: a lesson is a talk, not a data set.  A hundred steps is more than any talk
has; a caption is a few short subtitle sentences (a projector shows two or three lines), a
question one line; the keys 1–9 pick the room's answer, so a prompt offers at most nine.
"""

from __future__ import annotations

from engine.core.safe_text import printable

MAX_LESSON_BYTES = 1024 * 1024  # the shipped lessons are a few KiB
MAX_STEPS = 100
MAX_TITLE_CHARS = 100
MAX_CAPTION_CHARS = 600
MAX_QUESTION_CHARS = 300
MAX_DESCRIPTION_CHARS = 2000
MAX_CHOICES = 9  # the keys 1–9
MIN_SPEED, MAX_SPEED = 0.05, 100.0


class LessonError(ValueError):
    """A lesson could not be read or is invalid.

    The message is ONE line, ``<source>: step <n>: <field>: <problem>`` (the step counted from
    1, as the step counter on screen counts), shown in a terminal, a status bar or a dialog;
    it never holds a raw control character.  `step` (1-based) and `field` let a caller point at
    the input.  `lesson_error` builds one from its parts.
    """

    def __init__(
        self, message: str, source: str, step: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(printable(" ".join(message.split())))  # one line, nothing raw
        self.source = source
        self.step = step
        self.field = field


def lesson_error(source: str, step: int | None, field: str | None, problem: str) -> LessonError:
    """``<source>: step <n>: <field>: <problem>``, leaving out the parts that are None."""
    where = [source, *([f"step {step}"] if step is not None else []), *([field] if field else [])]
    return LessonError(f"{': '.join(where)}: {problem}", source, step, field)
