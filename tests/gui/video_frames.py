"""Read a video back frame by frame with the bundled ffmpeg, for tests and benchmarks.

Why a threshold for "the same picture": H.264 does not decode two identical input frames to
identical pixels (it keeps refining a still picture), so two frames count as different only
where some pixel changed by more than compression noise ever moves one.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import numpy.typing as npt

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
NOISE = 40  # a channel changing by more than this is a real change, not compression

Frame = npt.NDArray[np.uint8]


def video_size(path: Path) -> tuple[int, int]:
    """(width, height) of the first video stream, from ffmpeg's description of the file."""
    described = subprocess.run(
        [FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True, timeout=60
    ).stderr
    found = re.search(r"Video: .*?(\d{2,5})x(\d{2,5})", described)
    if found is None:
        raise ValueError(f"no video stream in {path}: {described[-200:]}")
    return int(found.group(1)), int(found.group(2))


def frames(path: Path) -> Iterator[Frame]:
    """Every frame of `path` as an (height, width, 3) RGB array."""
    width, height = video_size(path)
    size = width * height * 3
    decoder = subprocess.Popen(
        [FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert decoder.stdout is not None
    try:
        while len(data := decoder.stdout.read(size)) == size:
            yield np.frombuffer(data, np.uint8).reshape(height, width, 3)
    finally:
        decoder.stdout.close()
        decoder.kill()
        decoder.wait()


@dataclass
class VideoSummary:
    size: tuple[int, int] = (0, 0)  # width, height
    hashes: list[str] = field(default_factory=list)  # of each decoded frame
    changed: list[int] = field(default_factory=list)  # pixels changed since the frame before
    kept: dict[int, Frame] = field(default_factory=dict)  # the frames asked for

    @property
    def count(self) -> int:
        return len(self.hashes)

    def still_runs(self, start: int, end: int) -> list[tuple[int, int]]:
        """(first, last) of each run of frames in [start, end) that repeat the frame before."""
        runs: list[tuple[int, int]] = []
        for i in range(max(start, 1), min(end, self.count)):
            if self.changed[i] == 0:
                if runs and runs[-1][1] == i - 1:
                    runs[-1] = (runs[-1][0], i)
                else:
                    runs.append((i, i))
        return runs


def summarise(path: Path, keep: tuple[int, ...] = ()) -> VideoSummary:
    """Hashes and frame-to-frame changes of every frame (one frame in memory at a time)."""
    summary = VideoSummary()
    previous: npt.NDArray[np.int16] | None = None
    for index, frame in enumerate(frames(path)):
        summary.size = (frame.shape[1], frame.shape[0])
        summary.hashes.append(hashlib.sha256(frame.tobytes()).hexdigest())
        current = frame.astype(np.int16)
        if previous is None:
            summary.changed.append(-1)
        else:
            summary.changed.append(int((np.abs(current - previous) > NOISE).any(axis=2).sum()))
        previous = current
        if index in keep:
            summary.kept[index] = frame.copy()
    return summary
