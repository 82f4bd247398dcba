"""The app as a user installs it: build the wheel, install it into a fresh virtual environment
(no access to this one's packages), and use it from a folder that is not the checkout.

Why a real install: an editable checkout hides every packaging mistake (data files that are
not package data, a module that only the checkout has, a missing dependency).  Dependencies
come through pip as for any user; `python3 dev.py test` has just installed the same versions,
so they come from pip's cache (measured here: a fresh venv plus the install ≈ 35 s).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.gui, pytest.mark.timeout(900)]

SOURCES = ("engine", "gui", "assets", "pyproject.toml", "setup.py", "README.md")
JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "build", "*.egg-info")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the fresh venv's bin folder
    elsewhere: Path  # an empty folder to run the app from
    seconds: dict[str, float]


def _check(cmd: list[str], cwd: Path, timeout: float = 300) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would make Python find the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy: building in the checkout would litter it with build/
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=JUNK)
        else:
            shutil.copy2(ROOT / name, source / name)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    _check([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root), "."], source)
    seconds["build"] = time.monotonic() - started
    (wheel,) = root.glob("barrier_visualiser-*.whl")
    started = time.monotonic()
    _check([sys.executable, "-m", "venv", str(root / "venv")], root)
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _check([*pip, str(wheel)], root, timeout=600)
    seconds["venv+install"] = time.monotonic() - started
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    yield Installed(wheel, bin_dir, elsewhere, seconds)


def app(installed: Installed, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = _clean_env()
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(installed.bin / "barrier-viz"), *args],
        cwd=installed.elsewhere,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def test_the_wheel_holds_the_packages_the_data_and_the_command(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"engine", "gui"}  # no top-level main (or tests, or assets) to collide with
    assert "engine/assets/presets/launch.toml" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(installed.wheel).read(entry_points).decode()
    assert "barrier-viz = gui.app.entry:main" in text
    print(f"wheel test timings (s): {installed.seconds}")


def test_the_installed_app_runs_its_own_copy(installed: Installed) -> None:
    probe = (
        "import engine, engine.files.assets as a;"
        "print(engine.__file__); print(a.asset_folder('presets'))"
    )
    done = subprocess.run(
        [str(installed.bin / "python"), "-c", probe],
        cwd=installed.elsewhere,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    engine_file, presets = done.stdout.splitlines()
    venv = installed.bin.parent
    assert Path(engine_file).is_relative_to(venv) and Path(presets).is_relative_to(venv)
    assert not Path(engine_file).is_relative_to(ROOT)


def test_presets_lists_the_shipped_presets(installed: Installed) -> None:
    out = app(installed, "presets")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
    assert names[:2] == ["launch", "launch-staggered"] and "crowd" in names


def test_a_headless_run_passes(installed: Installed) -> None:
    out = app(installed, "run", "--preset", "launch", "--speed", "10")
    assert out.returncode == 0, out.stderr
    assert "Navigation ready." in out.stdout


def test_an_offscreen_gui_run_saves_a_screenshot(installed: Installed) -> None:
    shot = installed.elsewhere / "x.png"
    out = app(
        installed,
        "gui",
        "--preset",
        "launch",
        "--speed",
        "10",
        "--autorun",
        "--quit-after-run",
        "--screenshot",
        "x.png",
        timeout=240,
    )
    assert out.returncode == 0, out.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000
