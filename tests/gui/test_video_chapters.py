"""Video chapters: the ffmpeg metadata we write, and chapters read back from a real MP4."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import pytest

from gui.recording.video_chapters import (
    Chapter,
    ChapterSpan,
    add_chapters,
    chapter_title,
    ffmetadata,
    read_chapters,
)


def test_each_chapter_ends_where_the_next_begins() -> None:
    text = ffmetadata(
        [Chapter("Intro", 0), Chapter("Old", 30), Chapter("Gate = open; #1 \\ ok", 30)],
        fps=30,
        total_frames=90,
    )
    assert text.splitlines() == [
        ";FFMETADATA1",
        "[CHAPTER]", "TIMEBASE=1/30", "START=0", "END=30", "title=Intro",
        "[CHAPTER]", "TIMEBASE=1/30", "START=30", "END=90",
        "title=Gate \\= open\\; \\#1 \\\\ ok",  # the later mark at a frame wins, escaped
    ]  # fmt: skip


def test_a_chapter_past_the_end_is_left_out_and_a_title_is_one_printable_line() -> None:
    text = ffmetadata([Chapter("A", 0), Chapter("Too late", 10)], fps=30, total_frames=10)
    assert "Too late" not in text and "END=10" in text
    assert chapter_title("  Step 3:\n the gate\t") == "Step 3: the gate"
    with pytest.raises(ValueError):
        chapter_title(" \n ")


def tiny_video(path: Path, frames: int) -> None:
    writer = imageio_ffmpeg.write_frames(
        str(path), (16, 16), fps=30, codec="libx264", pix_fmt_out="yuv420p", macro_block_size=1
    )
    writer.send(None)
    for i in range(frames):
        writer.send(bytes([i * 4 % 256]) * (16 * 16 * 3))
    writer.close()


def test_chapters_are_copied_into_an_mp4_and_read_back(tmp_path: Path) -> None:
    video, out = tmp_path / "v.mp4", tmp_path / "c.mp4"
    tiny_video(video, 60)
    chapters = [Chapter("Start line", 0), Chapter("🚀 Launch = go", 45)]
    add_chapters(imageio_ffmpeg.get_ffmpeg_exe(), video, out, chapters, 30, 60)
    assert read_chapters(out) == [
        ChapterSpan("Start line", 0.0, 1.5),
        ChapterSpan("🚀 Launch = go", 1.5, 2.0),
    ]
    assert imageio_ffmpeg.count_frames_and_secs(str(out))[0] == 60  # frames copied, not touched
    assert read_chapters(video) == []
    assert not list(tmp_path.glob("*.txt"))  # the metadata file is gone
