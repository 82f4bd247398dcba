"""Shared test setup: offscreen Qt, throw-away settings, and no leaked party processes.

Why each piece:
- QT_QPA_PLATFORM=offscreen is set at import time, before pytest-qt creates the QApplication,
  so the suite runs on machines without a display (CI) — also when the variable is set but
  empty, or names a platform whose display is missing; its screen is a 1920×1080 one
  (tests/screens/), since the window fits itself to the screen it opens on.
- The app remembers geometry and the last scenario with QSettings; a test must never touch the
  user's real settings, so every test gets its own settings file (env var read by MainWindow)
  and Qt's default settings paths point into a temp dir as a safety net.
- A barrier visualiser that leaves party processes behind is broken; every test fails if a
  child of the test process is still alive a few seconds after it ends.
"""

from __future__ import annotations

import gc
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

SCREENS = Path(__file__).resolve().parent / "screens"  # offscreen screens of real sizes


def _qt_platform(env: dict[str, str]) -> str:
    """offscreen, unless the environment names a platform that can open a window here.

    An empty QT_QPA_PLATFORM counts as unset (a plain setdefault would keep the empty value
    and Qt would pick xcb), and a forced xcb/wayland without its display would make Qt abort
    the whole test process ("Fatal Python error: Aborted")."""
    from gui.app.display_check import display_problem  # Qt-free: safe before Qt loads

    chosen = env.get("QT_QPA_PLATFORM", "")
    if not chosen or display_problem(env) is not None:
        return "offscreen"
    return chosen


os.environ["QT_QPA_PLATFORM"] = _qt_platform(dict(os.environ))
if os.environ["QT_QPA_PLATFORM"] == "offscreen":  # a 1080p screen, not Qt's 800×600 default
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS / '1920x1080.json'}"

SETTINGS_ENV = "BARRIER_VIZ_SETTINGS"
_SETTINGS_ROOT = Path(tempfile.mkdtemp(prefix="barrier-viz-settings-"))
os.environ["XDG_CONFIG_HOME"] = str(_SETTINGS_ROOT / "xdg")  # subprocesses too
os.environ.setdefault(SETTINGS_ENV, str(_SETTINGS_ROOT / "session.ini"))

REAP_S = 3.0
# multiprocessing's helpers, and the app's janitor (engine.core.lifeline.janitor): they live
# as long as the process that started them, by design
IGNORED_HELPERS = ("forkserver", "resource_tracker", "barrier-viz-janitor")


def pytest_configure(config: pytest.Config) -> None:
    from PySide6.QtCore import QSettings

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(_SETTINGS_ROOT / "user"))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(_SETTINGS_ROOT / "system"))


GUI_TESTS = Path(__file__).resolve().parent / "gui"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/gui needs Qt: mark it, so `-m "not gui"` is a quick engine run."""
    for item in items:
        if GUI_TESTS in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test writes its settings to its own file."""
    path = tmp_path / "settings.ini"
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    return path


def _is_helper(proc: psutil.Process) -> bool:
    try:
        cmdline = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return True  # already gone (or a zombie about to be reaped)
    return any(name in cmdline for name in IGNORED_HELPERS)


def _live_children() -> list[psutil.Process]:
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
        except psutil.NoSuchProcess:
            continue
        if not _is_helper(child):
            out.append(child)
    return out


@pytest.fixture(autouse=True)
def collect_garbage_on_the_main_thread() -> Iterator[None]:
    """Destroy a test's leftover Qt objects now, on the GUI thread.

    Otherwise a later test's worker thread (a run's pump) may trigger the collection and Qt
    warns "Timers cannot be started from another thread" while it tears a timer down.
    """
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def no_leaked_children() -> Iterator[None]:
    """Fail the test if it leaves a child process running."""
    yield
    deadline = time.monotonic() + REAP_S
    leaked = _live_children()
    while leaked and time.monotonic() < deadline:
        time.sleep(0.05)  # reaping is asynchronous; this polls, it does not synchronise a test
        leaked = _live_children()
    if leaked:
        described = [f"{p.pid} {' '.join(p.cmdline())[:80]}" for p in leaked]
        for proc in leaked:
            proc.kill()
        pytest.fail(f"test left {len(leaked)} child process(es) alive: {described}")
