"""A screencast's chapters and subtitles as text: ffmpeg's metadata file and WebVTT.

Why here and Qt-free: the lesson's steps decide both (one chapter per step, its caption as the
subtitle), and the formats have escaping rules worth a test of their own.  The caption is text
from a lesson file: in the metadata file, ffmpeg's special characters are escaped; in WebVTT,
``&``, ``<`` and ``>`` become entities and no cue can contain an arrow that ends its timing.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

VTT_LINE_CHARS = 42  # the usual subtitle line; a cue has two at most


@dataclass(frozen=True)
class Chapter:
    """One stretch of the video: [start_s, end_s) titled `title`, captioned `caption`."""

    start_s: float
    end_s: float
    title: str
    caption: str = ""


def chapters_from_marks(marks: Sequence[tuple[float, str, str]], end_s: float) -> list[Chapter]:
    """Chapters from (start_s, title, caption) marks: each lasts until the next one starts."""
    out = []
    for i, (start, title, caption) in enumerate(marks):
        stop = marks[i + 1][0] if i + 1 < len(marks) else end_s
        out.append(Chapter(max(start, 0.0), max(stop, start), title, caption))
    return out


def _ffmeta_escape(text: str) -> str:
    """ffmpeg's metadata file: '=', ';', '#', '\\' and newlines are escaped with a backslash."""
    text = " ".join(text.split())
    return re.sub(r"([=;#\\])", r"\\\1", text)


def ffmetadata(chapters: Sequence[Chapter]) -> str:
    """An FFMETADATA1 file with one [CHAPTER] per chapter (millisecond timebase)."""
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start_s * 1000)}",
            f"END={round(chapter.end_s * 1000)}",
            f"title={_ffmeta_escape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def vtt_time(seconds: float) -> str:
    ms = max(round(seconds * 1000), 0)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _vtt_text(text: str) -> str:
    flat = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "\n".join(textwrap.wrap(flat, VTT_LINE_CHARS)) or " "


def _lines(text: str) -> list[str]:
    return textwrap.wrap(text, VTT_LINE_CHARS)


def caption_chunks(caption: str) -> list[str]:
    """The caption in cues of at most two subtitle lines, whole sentences where they fit (a
    longer sentence is split between words)."""
    sentences = re.split(r"(?<=[.!?…])\s+", " ".join(caption.split()))
    pieces: list[str] = []
    for sentence in filter(None, (s.strip() for s in sentences)):
        lines = _lines(sentence)
        if len(lines) > 2:
            pieces += [" ".join(lines[i : i + 2]) for i in range(0, len(lines), 2)]
        elif pieces and len(_lines(f"{pieces[-1]} {sentence}")) <= 2:
            pieces[-1] += " " + sentence
        else:
            pieces.append(sentence)
    return pieces


def webvtt(chapters: Sequence[Chapter]) -> str:
    """A WebVTT file of the captions: each chapter's caption in cues of at most two lines,
    timed across the chapter in proportion to their length (the pace of reading)."""
    out = ["WEBVTT", ""]
    number = 0
    for chapter in chapters:
        chunks = caption_chunks(chapter.caption)
        total = sum(len(c) for c in chunks) or 1
        start = chapter.start_s
        for chunk in chunks:
            end = start + (chapter.end_s - chapter.start_s) * len(chunk) / total
            number += 1
            out += [str(number), f"{vtt_time(start)} --> {vtt_time(end)}", _vtt_text(chunk), ""]
            start = end
    return "\n".join(out)
