"""Chapters and captions of a screencast, as ffmpeg's metadata file and WebVTT."""

from __future__ import annotations

import textwrap

from engine.lessons.subtitles import (
    Chapter,
    caption_chunks,
    chapters_from_marks,
    ffmetadata,
    vtt_time,
    webvtt,
)


def test_chapters_last_until_the_next_mark() -> None:
    chapters = chapters_from_marks([(0.0, "1. A", "x"), (4.5, "2. B", "y")], 9.0)
    assert chapters == [Chapter(0.0, 4.5, "1. A", "x"), Chapter(4.5, 9.0, "2. B", "y")]


def test_ffmetadata_escapes_what_ffmpeg_reads_specially() -> None:
    text = ffmetadata([Chapter(0.0, 1.25, "1. a=b; #c \\ d\nnext")])
    assert text.startswith(";FFMETADATA1\n")
    assert "START=0\nEND=1250\n" in text
    assert "title=1. a\\=b\\; \\#c \\\\ d next\n" in text


def test_webvtt_cues_are_timed_escaped_and_two_lines_at_most() -> None:
    text = webvtt(
        [
            Chapter(0.0, 3.0, "1", "Less <b>is</b> more & --> arrows"),
            Chapter(3.0, 3725.5, "2", "word " * 30),
            Chapter(3725.5, 3726.0, "3", ""),
        ]
    )
    assert text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.000\n")
    assert "Less &lt;b&gt;is&lt;/b&gt; more &amp;\n--&gt; arrows" in text
    assert "00:00:03.000 --> " in text and " --> 01:02:05.500" in text
    cues = text.split("\n\n")[1:]
    assert all(len(cue.splitlines()) <= 4 for cue in cues)  # number, timing, two lines
    assert all(len(line) <= 42 for line in text.splitlines() if "-->" not in line)
    assert text.count("-->") == 3  # the long caption in two cues, the empty one in none
    assert vtt_time(61.0005) == "00:01:01.000"


def test_captions_split_between_sentences_where_they_can() -> None:
    caption = "One short. Two is also short! " + "x " * 60 + "end."
    chunks = caption_chunks(caption)
    assert chunks[0] == "One short. Two is also short!"
    assert caption_chunks("Call barrier.wait() now.") == ["Call barrier.wait() now."]
    assert all(len(textwrap.wrap(c, 42)) <= 2 for c in chunks)
    assert " ".join(chunks).split() == caption.split()
