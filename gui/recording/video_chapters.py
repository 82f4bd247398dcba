"""Chapters of a recorded video: marked by frame while recording, written as MP4 chapters.

Why frames and not seconds: a chapter starts at a frame of the video (the first one that shows
the new step), and the video's clock is its frame count, not the wall clock.  The chapters go
into the MP4 with ffmpeg's metadata format in one stream-copy pass after encoding (the frames
are not touched), because they are only all known when the recording ends.  Players (VLC, mpv,
QuickTime) list them; `read_chapters` reads them back with the same bundled ffmpeg.
Qt-free.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from engine.core.safe_text import printable

FFMPEG_TIMEOUT_S = 120.0
_SPECIAL = re.compile(r"([=;#\\\n])")


@dataclass(frozen=True)
class Chapter:
    """A chapter that starts at frame `start_frame` of the video (0 is the first frame)."""

    title: str
    start_frame: int


@dataclass(frozen=True)
class ChapterSpan:
    """A chapter as read back from a file, in seconds."""

    title: str
    start_s: float
    end_s: float


def chapter_title(text: str) -> str:
    """One printable line (a chapter title is shown in a player's menu)."""
    title = printable(" ".join(str(text).split()))  # newlines and tabs become spaces
    if not title:
        raise ValueError("a chapter needs a title")
    return title


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def ffmetadata(chapters: list[Chapter], fps: int, total_frames: int) -> str:
    """ffmpeg's FFMETADATA1 text: each chapter ends where the next begins (the last at the end).

    Chapters at or past the end of the video, or at the same frame as a later one, are left
    out: a chapter of no frames cannot be shown."""
    kept: dict[int, str] = {}
    for chapter in chapters:
        if 0 <= chapter.start_frame < total_frames:
            kept[chapter.start_frame] = chapter.title  # the later mark at a frame wins
    starts = sorted(kept)
    lines = [";FFMETADATA1"]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else total_frames
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{fps}",
            f"START={start}",
            f"END={end}",
            f"title={_escape(kept[start])}",
        ]
    return "\n".join(lines) + "\n"


def add_chapters(
    ffmpeg: str, video: Path, out: Path, chapters: list[Chapter], fps: int, total_frames: int
) -> None:
    """Copy `video` into `out` with `chapters` (no re-encoding); raises OSError on failure."""
    meta = out.with_name(out.name + ".chapters.txt")
    meta.write_text(ffmetadata(chapters, fps, total_frames), encoding="utf-8")
    try:
        done = subprocess.run(
            [ffmpeg, "-v", "error", "-y", "-i", str(video), "-f", "ffmetadata", "-i", str(meta),
             "-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy",
             "-movflags", "+faststart", "-f", "mp4", str(out)],
            capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_S,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise OSError("ffmpeg took too long to write the chapters") from exc
    finally:
        meta.unlink(missing_ok=True)
    if done.returncode != 0:
        raise OSError(f"ffmpeg could not write the chapters: {done.stderr.strip()[:200]}")


def read_chapters(path: str | os.PathLike[str], ffmpeg: str | None = None) -> list[ChapterSpan]:
    """The chapters of a video file, in order (ffprobe's -show_chapters, with ffmpeg alone)."""
    if ffmpeg is None:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    done = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, timeout=FFMPEG_TIMEOUT_S, check=True,
    )  # fmt: skip
    spans: list[ChapterSpan] = []
    fields: dict[str, str] | None = None
    for line in [*done.stdout.splitlines(), "[END]"]:
        if line.startswith("["):
            if fields is not None:
                base = Fraction(fields.get("TIMEBASE", "1/1000"))
                start, end = (int(fields.get(k, "0")) * base for k in ("START", "END"))
                spans.append(ChapterSpan(fields.get("title", ""), float(start), float(end)))
            fields = {} if line == "[CHAPTER]" else None
        elif fields is not None and "=" in line:
            key, value = line.split("=", 1)
            fields[key] = re.sub(r"\\(.)", r"\1", value)
    return spans
