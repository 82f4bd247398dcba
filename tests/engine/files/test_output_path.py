"""Output paths are checked before a run: a folder, a device, a missing folder and a full disk
are each one OSError with a readable reason, and the check leaves nothing behind."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from engine.files.output_path import check_output_path
from tests.paths import ROOT


def test_a_writable_place_passes_and_nothing_is_left(tmp_path: Path) -> None:
    check_output_path(tmp_path / "trace.json")
    assert list(tmp_path.iterdir()) == []  # neither the target nor the probe


def test_a_folder_a_device_and_a_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError) as folder:
        check_output_path(tmp_path)
    assert folder.value.strerror == "is a folder, not a file"
    device = tmp_path / "null.json"
    device.symlink_to("/dev/null")
    with pytest.raises(OSError, match="not a regular file"):
        check_output_path(device)
    with pytest.raises(FileNotFoundError):
        check_output_path(tmp_path / "no" / "such" / "trace.json")


def test_a_full_disk_is_refused(tmp_path: Path) -> None:
    code = (
        "import sys; from engine.files.output_path import check_output_path\n"
        "try:\n    check_output_path(sys.argv[1])\n"
        "except OSError as exc:\n    print(exc.strerror)\n"
    )

    def no_room() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "t.json")],
        capture_output=True, text=True, cwd=ROOT, preexec_fn=no_room, timeout=30,
    )  # fmt: skip
    assert done.stdout.strip() == "File too large"  # EFBIG here; ENOSPC on a full disk
    assert list(tmp_path.iterdir()) == []
