"""The lesson window's command-line flags, declared on the `lesson` command and read back typed.

Why Qt-free and here: the entry parses the whole command line before Qt is imported; `lesson
--list` must stay headless.  `lesson NAME` opens the lesson window with these flags:
--autoplay (play every step by itself), --record FILE.mp4 (a screencast with chapters and
subtitles), --present (full screen, big type), --theme, --size WxH (the window's size, e.g. a
projector's 1280x720), --speed X (every step's speed times X, e.g. to rehearse).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from engine.cli.parser import SPEED_RANGE, CommandLineParser, ParsedArgs, bounded_float

THEMES = ("light", "dark")
SIZE_RANGE = ((320, 7680), (240, 4320))
_SIZE = re.compile(r"(\d{1,5})[xX×](\d{1,5})")


@dataclass(frozen=True)
class LessonWindowOptions:
    """`lesson NAME …`: which lesson, and how the window plays it."""

    name: str
    autoplay: bool = False
    record: str | None = None
    present: bool = False
    theme: str | None = None  # None: the theme the app remembers
    size: tuple[int, int] | None = None
    speed: float = 1.0


def window_size(text: str) -> tuple[int, int]:
    """--size WxH, e.g. 1280x720, within what a screen can be."""
    match = _SIZE.fullmatch(text.strip())
    (w_lo, w_hi), (h_lo, h_hi) = SIZE_RANGE
    if match is None:
        raise argparse.ArgumentTypeError(f"--size must look like 1280x720, got {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (w_lo <= width <= w_hi and h_lo <= height <= h_hi):
        raise argparse.ArgumentTypeError(
            f"--size must be from {w_lo}x{h_lo} to {w_hi}x{h_hi}, got {text}"
        )
    return width, height


def mp4_path(text: str) -> str:
    """--record FILE.mp4: chapters and subtitles need an MP4."""
    if not text.lower().endswith(".mp4"):
        raise argparse.ArgumentTypeError(f"--record: {text} must end in .mp4")
    return text


def declare_lesson_flags(parser: CommandLineParser) -> None:
    """The window's flags of `lesson` (the command and NAME are engine/cli/parser.py's)."""
    lesson = parser.lesson
    lesson.add_argument("--autoplay", action="store_true", help="play every step by itself")
    lesson.add_argument(
        "--record",
        type=mp4_path,
        metavar="FILE.mp4",
        help="record the lesson into FILE.mp4, one chapter per step, captions in FILE.vtt",
    )
    lesson.add_argument("--present", action="store_true", help="full screen, big type")
    lesson.add_argument("--theme", choices=THEMES, help="light or dark (default: as last used)")
    lesson.add_argument(
        "--size", type=window_size, metavar="WxH", help="window size, e.g. 1280x720"
    )
    lesson.add_argument(
        "--speed",
        type=bounded_float("--speed", *SPEED_RANGE),
        default=1.0,
        help="multiply every step's speed by X (default 1)",
    )


def lesson_window_options(parsed: ParsedArgs) -> LessonWindowOptions | None:
    """The lesson window's options, or None when the command is not `lesson NAME`."""
    name = parsed.text("name") if parsed.command == "lesson" else None
    if name is None or parsed.flag("list"):
        return None
    size = parsed.values["size"]
    return LessonWindowOptions(
        name=name,
        autoplay=parsed.flag("autoplay"),
        record=parsed.text("record"),
        present=parsed.flag("present"),
        theme=parsed.text("theme"),
        size=None if size is None else (int(size[0]), int(size[1])),
        speed=parsed.number("speed"),
    )
