"""Decide, before Qt starts, whether a window can open here — and say how to fix it if not.

Why: without a display, or with Qt's xcb plugin missing a system library, Qt prints a cryptic
"could not load the Qt platform plugin" and aborts the process (core dump, no exit code we
control).  Checking first lets us print one clear message, the exact `apt-get` line, and the
headless commands that work anyway.  Qt-free on purpose: it runs before PySide6 is imported.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

HEADLESS_HINT = "headless commands: python main.py run --preset launch, python main.py presets"

# What Qt's xcb platform plugin (libqxcb + libQt6XcbQpa) links against, with the Debian/Ubuntu
# package that ships each library.  From `ldd` on PySide6 6.x; libxcb-cursor is new in Qt 6.5.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
)

Loader = Callable[[str], bool]


def can_load(soname: str) -> bool:
    """True if the dynamic linker finds and loads `soname`."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_xcb_libraries(loader: Loader = can_load) -> list[tuple[str, str]]:
    """(library, package) for every xcb dependency that cannot be loaded."""
    return [(lib, pkg) for lib, pkg in XCB_LIBRARIES if not loader(lib)]


def will_use_xcb(env: Mapping[str, str]) -> bool:
    """Would Qt pick the xcb (X11) platform plugin with this environment?"""
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def display_problem(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    loader: Loader = can_load,
) -> str | None:
    """The message to print instead of starting Qt, or None if a window can open."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    if not env.get("QT_QPA_PLATFORM") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return (
            "no display found: DISPLAY and WAYLAND_DISPLAY are unset (for an offscreen "
            f"window set QT_QPA_PLATFORM=offscreen); {HEADLESS_HINT}"
        )
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0]
    for prefix, variable in (("xcb", "DISPLAY"), ("wayland", "WAYLAND_DISPLAY")):
        if chosen.startswith(prefix) and not env.get(variable):
            return (
                f"no display found: QT_QPA_PLATFORM={chosen} but {variable} is unset (for an "
                f"offscreen window set QT_QPA_PLATFORM=offscreen); {HEADLESS_HINT}"
            )
    if not will_use_xcb(env):
        return None
    missing = missing_xcb_libraries(loader)
    if not missing:
        return None
    libs = ", ".join(lib for lib, _ in missing)
    packages = " ".join(pkg for _, pkg in missing)
    return (
        f"cannot open a window: Qt's X11 (xcb) platform needs {libs}, which is not installed.\n"
        f"  fix: sudo apt-get install {packages}\n"
        f"  {HEADLESS_HINT}"
    )
