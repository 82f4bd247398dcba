"""engine.files.bounded_read: only regular files, never blocking, never more than the limit."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from engine.files.bounded_read import FileRefused, read_regular_file


def test_reads_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_bytes(b"parties = 2\n")
    assert read_regular_file(path, 100) == b"parties = 2\n"
    assert read_regular_file(path, 12) == b"parties = 2\n"  # exactly the limit is fine


def test_follows_a_symlink_to_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "real.toml").write_bytes(b"x")
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert read_regular_file(tmp_path / "link.toml", 10) == b"x"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: _catch(outcome, fifo), daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # unblock the reader so the test can end, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(outcome[0], FileRefused) and "FIFO" in str(outcome[0])


def _catch(outcome: list[BaseException], path: Path) -> None:
    try:
        read_regular_file(path, 100)
    except FileRefused as exc:
        outcome.append(exc)


@pytest.mark.parametrize(
    ("target", "kind"), [("/dev/zero", "character device"), ("/dev/null", "character device")]
)
def test_devices_are_refused(tmp_path: Path, target: str, kind: str) -> None:
    link = tmp_path / "dev.toml"
    link.symlink_to(target)
    with pytest.raises(FileRefused, match=kind) as info:
        read_regular_file(link, 100)
    assert info.value.allowed == "a regular file"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="is a folder, not a regular file"):
        read_regular_file(tmp_path, 100)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with path.open("wb") as file:
        file.truncate(50 * 2**30)  # sparse: costs nothing unless someone reads it
    with pytest.raises(FileRefused, match=r"too large \(50\.0 GiB\)") as info:
        read_regular_file(path, 1024 * 1024)
    assert info.value.allowed == "at most 1.0 MiB"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="cannot be read: No such file"):
        read_regular_file(tmp_path / "nope.toml", 100)
