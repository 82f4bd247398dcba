"""Lessons: a whole talk as data — ordered steps, each a scenario to run, a caption to show,
options to steer it and an optional question for the room, answered by the run itself.

The public facade; inside, each module imports only those below it:

    limits      the bounds and LessonError
    model       Lesson, Step, Prompt, Answer, Reveal (frozen values)
    answers     a prompt's choices and its truth, read from the view model
    validate    a mapping -> Lesson (one line per mistake, naming step and field)
    files       lesson files: shipped (assets/lessons) or any path
    flow        what → does now, verdicts, the session and its score
    autoplay    when → is due in a lesson played without a presenter
    code_markers  which program line each party is on (from the lane states)
    subtitles   chapters (ffmpeg metadata) and captions (WebVTT) of a screencast
"""

from engine.lessons.answers import Choice, choices, label_of, truth
from engine.lessons.autoplay import FAST, AutoplayClock, AutoplayTiming
from engine.lessons.files import (
    LESSONS_DIR,
    LessonInfo,
    find_lesson,
    lesson_names,
    lesson_titles,
    list_lessons,
    load_lesson,
)
from engine.lessons.flow import (
    LessonSession,
    Move,
    PromptState,
    Verdict,
    barrier_held_for_presenter,
    commands_for,
    follow_up_commands,
    next_move,
    reveal_commands,
    verdict,
)
from engine.lessons.limits import LessonError
from engine.lessons.model import Answer, Lesson, Prompt, Reveal, Step

__all__ = [
    "FAST",
    "LESSONS_DIR",
    "Answer",
    "AutoplayClock",
    "AutoplayTiming",
    "Choice",
    "Lesson",
    "LessonError",
    "LessonInfo",
    "LessonSession",
    "Move",
    "Prompt",
    "PromptState",
    "Reveal",
    "Step",
    "Verdict",
    "barrier_held_for_presenter",
    "choices",
    "commands_for",
    "find_lesson",
    "follow_up_commands",
    "label_of",
    "lesson_names",
    "lesson_titles",
    "list_lessons",
    "load_lesson",
    "next_move",
    "reveal_commands",
    "truth",
    "verdict",
]
