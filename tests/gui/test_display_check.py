"""The pre-Qt display probe: clear messages instead of Qt's abort."""

from __future__ import annotations

import sys

import pytest

from gui.app.display_check import (
    HEADLESS_HINT,
    XCB_LIBRARIES,
    can_load,
    display_problem,
    missing_xcb_libraries,
    will_use_xcb,
)


def all_present(_: str) -> bool:
    return True


def test_no_display_on_linux_is_one_clear_line() -> None:
    message = display_problem({}, "linux", all_present)
    assert message is not None
    assert message.startswith("no display found")
    assert HEADLESS_HINT in message
    assert "\n" not in message


def test_offscreen_or_other_platforms_need_no_display() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", lambda _: False) is None
    assert display_problem({}, "darwin", lambda _: False) is None
    assert display_problem({}, "win32", lambda _: False) is None


def test_missing_xcb_library_names_its_package() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-cursor.so.0"}
    message = display_problem({"DISPLAY": ":0"}, "linux", lambda lib: lib not in absent)
    assert message is not None
    assert "libxcb-icccm.so.4" in message and "libxcb-cursor.so.0" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-cursor0" in message
    assert HEADLESS_HINT in message


def test_all_xcb_libraries_present_means_no_problem() -> None:
    assert display_problem({"DISPLAY": ":0"}, "linux", all_present) is None


def test_wayland_session_does_not_probe_xcb() -> None:
    env = {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}
    assert not will_use_xcb(env)
    assert display_problem(env, "linux", lambda _: False) is None


def test_forced_xcb_is_probed_even_on_wayland() -> None:
    env = {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}
    assert will_use_xcb(env)
    assert display_problem(env, "linux", lambda _: False) is not None


def test_probe_reports_every_library_when_nothing_loads() -> None:
    assert missing_xcb_libraries(lambda _: False) == list(XCB_LIBRARIES)
    assert missing_xcb_libraries(all_present) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc soname")
def test_can_load_real_and_bogus_library() -> None:
    assert not can_load("libdefinitely-not-a-real-library.so.42")
    assert can_load("libc.so.6")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"QT_QPA_PLATFORM": "xcb"}, "DISPLAY"),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "DISPLAY"),
        ({"QT_QPA_PLATFORM": "wayland"}, "WAYLAND_DISPLAY"),
        ({"QT_QPA_PLATFORM": "wayland-egl", "DISPLAY": ":0"}, "WAYLAND_DISPLAY"),
    ],
)
def test_a_forced_platform_without_its_display_is_one_line(
    env: dict[str, str], variable: str
) -> None:
    """Qt would abort the process (SIGABRT, no exit code of ours) for these."""
    message = display_problem(env, "linux", all_present)
    assert message is not None and message.startswith("no display found")
    assert f"{variable} is unset" in message and "\n" not in message


def test_an_empty_platform_is_no_platform() -> None:
    assert display_problem({"QT_QPA_PLATFORM": ""}, "linux", all_present) is not None
    assert display_problem({"QT_QPA_PLATFORM": "", "DISPLAY": ":0"}, "linux", all_present) is None
