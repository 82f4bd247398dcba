"""A screencast in one command: `lesson FILE --autoplay --record x.mp4` plays every step,
writes one chapter per step into the MP4 and the captions beside it as WebVTT."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from tests.paths import ROOT

TALK = {
    "title": "A short talk",
    "step": [
        {"title": "Launch", "caption": "Three systems. All ready?", "scenario": "launch"},
        {
            "title": "Dungeon gate",
            "caption": "The gate waits for me.",
            "scenario": "dungeon",
            "presenter_gate": True,
            "show_code": True,
            "prompt": {"question": "Index of the Mage?", "answer": "wait_index", "party": "Mage"},
        },
    ],
}


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def chapters(video: Path) -> list[tuple[float, float, str]]:
    """(start, end, title) of each chapter, as ffmpeg reads them back from the file."""
    out = subprocess.run(
        [ffmpeg(), "-nostdin", "-i", str(video), "-f", "ffmetadata", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = []
    for block in out.stdout.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.strip().splitlines() if "=" in line)
        num, den = (int(x) for x in fields["TIMEBASE"].split("/"))
        scale = num / den
        found.append((int(fields["START"]) * scale, int(fields["END"]) * scale, fields["title"]))
    return found


@pytest.mark.slow
def test_one_command_records_a_lesson_with_chapters_and_captions(tmp_path: Path) -> None:
    lesson = tmp_path / "talk.toml"
    lesson.write_text(tomli_w.dumps(TALK), encoding="utf-8")
    video = tmp_path / "talk.mp4"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "lesson", str(lesson), "--autoplay",
         "--record", str(video), "--size", "640x360", "--speed", "8"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert video.is_file() and video.stat().st_size > 10_000
    found = chapters(video)
    assert [title for _, _, title in found] == ["1. Launch", "2. Dungeon gate"]
    assert found[0][1] == pytest.approx(found[1][0])
    assert found[1][0] > 3.0  # the first step ran its run and its caption's time
    vtt = video.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT")
    assert "Three systems. All ready?" in vtt and "The gate waits for me." in vtt
    cue_starts = re.findall(r"^(\d\d):(\d\d):(\d\d\.\d\d\d) -->", vtt, re.MULTILINE)
    second = cue_starts[1]
    assert int(second[1]) * 60 + float(second[2]) == pytest.approx(found[1][0], abs=0.01)
    assert not list(tmp_path.glob(".*"))  # no temporary left beside the video
