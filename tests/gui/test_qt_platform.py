"""The suite survives an environment whose Qt platform cannot open: it falls back to offscreen
instead of dying with "Fatal Python error: Aborted"."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.paths import ROOT

PROBE = ROOT / "tests" / "gui" / "qt_platform_probe.py"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "platform",
    [{"QT_QPA_PLATFORM": ""}, {"QT_QPA_PLATFORM": "xcb"}, {"QT_QPA_PLATFORM": "wayland"}],
    ids=["empty", "xcb-no-display", "wayland-no-display"],
)
def test_pytest_falls_back_to_offscreen(platform: dict[str, str]) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(platform)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(PROBE)],
        capture_output=True,
        text=True,
        timeout=110,
        cwd=ROOT,
        env=env,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "1 passed" in output
    assert "Fatal Python error" not in output
