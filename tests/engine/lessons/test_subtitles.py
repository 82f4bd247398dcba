"""Chapters and captions of a screencast, as ffmpeg's metadata file and WebVTT."""

from __future__ import annotations

from engine.lessons.subtitles import Chapter, chapters_from_marks, ffmetadata, vtt_time, webvtt


def test_chapters_last_until_the_next_mark() -> None:
    chapters = chapters_from_marks([(0.0, "1. A", "x"), (4.5, "2. B", "y")], 9.0)
    assert chapters == [Chapter(0.0, 4.5, "1. A", "x"), Chapter(4.5, 9.0, "2. B", "y")]


def test_ffmetadata_escapes_what_ffmpeg_reads_specially() -> None:
    text = ffmetadata([Chapter(0.0, 1.25, "1. a=b; #c \\ d\nnext")])
    assert text.startswith(";FFMETADATA1\n")
    assert "START=0\nEND=1250\n" in text
    assert "title=1. a\\=b\\; \\#c \\\\ d next\n" in text


def test_webvtt_cues_are_timed_escaped_and_wrapped() -> None:
    text = webvtt(
        [
            Chapter(0.0, 3.0, "1", "Less <b>is</b> more & --> arrows"),
            Chapter(3.0, 3725.5, "2", "word " * 30),
            Chapter(3725.5, 3726.0, "3", ""),
        ]
    )
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.000\n")
    assert "Less &lt;b&gt;is&lt;/b&gt; more &amp; --&gt; arrows" in text
    assert "00:00:03.000 --> 01:02:05.500" in text
    assert all(len(line) <= 60 for line in text.splitlines())
    assert text.count("-->") == 2  # the empty caption has no cue
    assert vtt_time(61.0005) == "00:01:01.000"
