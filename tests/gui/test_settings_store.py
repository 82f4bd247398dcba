"""The settings file: merged per key, written atomically under a lock, never read back as
garbage.  Two real processes write at once; one is killed in the middle of a write."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QLockFile

from gui.features import settings_store
from gui.features.settings_store import SettingsStore, parse, render
from tests.paths import ROOT

PROCESS_S = 60

# A second copy of the app, reduced to its settings: waits for "go" on stdin, then writes
# `count` keys of its own (one write each, as menu choices are) and a shared one.
WRITER = """
import sys
from gui.features.settings_store import SettingsStore
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = SettingsStore(path)
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    store.setValue(f"{name}/key{i}", i)
    store.setValue("shared/last", name)
print("done", flush=True)
"""

# A copy that dies (SIGKILL-like os._exit) after writing its temp file, before the rename.
CRASHER = """
import os, sys
from gui.features.settings_store import SettingsStore
store = SettingsStore(sys.argv[1])
os.fsync = lambda fd: os._exit(9)
store.setValue("view/theme", "light")
"""


def python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True, **kwargs
    )


def test_values_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    geometry = QByteArray(b"\x01\xd9\xd0\xcb\x00\x03")
    store.setValue("window/geometry", geometry)
    store.setValue("view/font_scale", 1.15)
    store.setValue("analysis/on_stage", True)
    store.setValue("recent/files", [{"kind": "scenario", "path": "/x/y.toml"}])
    again = SettingsStore(path)
    assert again.value("window/geometry") == geometry
    assert again.value("view/font_scale") == 1.15
    assert again.value("analysis/on_stage", False, type=bool) is True
    assert again.value("recent/files") == [{"kind": "scenario", "path": "/x/y.toml"}]
    assert again.value("missing", "default") == "default"
    assert json.loads(path.read_text())["format"] == "barrier-viz settings"


def test_each_store_writes_only_what_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    SettingsStore(path).setValue("view/theme", "light")
    first, second = SettingsStore(path), SettingsStore(path)  # two windows, both open
    first.setValue("view/theme", "dark")
    second.setValue("view/font_scale", 1.3)  # the second never touched the theme
    assert SettingsStore(path).value("view/theme") == "dark"
    assert SettingsStore(path).value("view/font_scale") == 1.3
    assert second.value("view/theme") == "dark"  # it read the first's choice as it wrote
    first.setValue("view/theme", "light")
    second.setValue("view/theme", "dark")  # a choice made again is a choice: the last wins
    assert SettingsStore(path).value("view/theme") == "dark"


def test_a_batch_is_one_write_and_a_removal_is_merged_too(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    store, other = SettingsStore(path), SettingsStore(path)
    with store.batch():
        store.setValue("a", 1)
        store.setValue("b", 2)
        assert not path.exists()  # nothing half-saved while the batch is open
    other.setValue("c", 3)
    store.remove("a")
    assert SettingsStore(path).keys() == ["b", "c"]


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    count = 40
    writers = [
        python(WRITER, str(path), name, str(count), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for name in ("one", "two")
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for writer in writers:  # both start together
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        for writer in writers:
            out, _ = writer.communicate(timeout=PROCESS_S)
            assert writer.returncode == 0 and out.strip() == "done"
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
            writer.communicate()  # reaped, its pipes closed
    values = parse(path.read_text(encoding="utf-8"))
    for name in ("one", "two"):
        assert [values.get(f"{name}/key{i}") for i in range(count)] == list(range(count))
    assert values["shared/last"] in ("one", "two")
    assert parse(path.with_name("settings.json.bak").read_text(encoding="utf-8")) == values


def test_a_crash_mid_write_leaves_the_last_good_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    SettingsStore(path).setValue("view/theme", "dark")
    before = path.read_bytes()
    crasher = python(CRASHER, str(path))
    assert crasher.wait(PROCESS_S) == 9  # died inside the write, holding the lock
    assert path.read_bytes() == before  # the file is the old one, whole
    assert SettingsStore(path).value("view/theme") == "dark"
    assert Path(str(path) + ".lock").exists()  # the dead writer's lock is still there …
    store = SettingsStore(path)
    store.setValue("view/font_scale", 1.3)  # … and is taken over, not waited on forever
    assert store.problem is None
    assert SettingsStore(path).value("view/font_scale") == 1.3


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short (a full disk, a non-atomic copy)
        lambda text: "",  # emptied
        lambda text: "\x00" * 64,  # zeroed blocks after a power loss
        lambda text: json.dumps({"values": {"view/theme": "dark"}}),  # not ours
    ],
)
def test_a_damaged_file_is_never_read_back_the_last_good_copy_is(
    tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "settings.json"
    good = SettingsStore(path)
    good.setValue("view/theme", "dark")
    good.setValue("view/font_scale", 1.3)
    path.write_text(damage(path.read_text()))  # type: ignore[operator]
    store = SettingsStore(path)
    assert store.value("view/theme") == "dark" and store.value("view/font_scale") == 1.3
    assert store.problem is not None and "last good copy" in store.problem
    store.setValue("view/theme", "light")  # the next write repairs the file
    assert parse(path.read_text())["view/theme"] == "light"
    assert SettingsStore(path).problem is None


def test_damaged_file_and_copy_start_from_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json")
    path.with_name("settings.json.bak").write_text("{ nor this")
    store = SettingsStore(path)
    assert store.keys() == [] and store.value("view/theme", "system") == "system"
    assert store.problem is not None and "default settings" in store.problem


def test_hostile_values_come_back_as_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    values = {"window/geometry": {"$bytes": "%%% not base64"}, "analysis/on_stage": [1, 2]}
    path.write_text(json.dumps({"format": "barrier-viz settings", "version": 1, "values": values}))
    store = SettingsStore(path)
    assert store.value("window/geometry") is None
    assert store.value("analysis/on_stage", False, type=bool) is False
    with pytest.raises(TypeError):
        store.setValue("x", object())  # refused at once, not at save time


def test_a_store_that_cannot_write_says_so_and_keeps_its_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_store, "LOCK_WAIT_MS", 50)
    path = tmp_path / "settings.json"
    store = SettingsStore(path)
    lock = QLockFile(str(path) + ".lock")  # another window holds the lock (alive)
    assert lock.tryLock(0)
    try:
        store.setValue("view/theme", "dark")
        assert store.problem is not None and "locked" in store.problem
        assert store.value("view/theme") == "dark"  # kept, for the next write
    finally:
        lock.unlock()
    store.setValue("view/font_scale", 1.3)
    assert parse(path.read_text()) == {"view/theme": "dark", "view/font_scale": 1.3}


def test_render_sorts_keys_so_files_diff_well() -> None:
    text = render({"b": 1, "a": QByteArray(b"\x00")})
    assert text.index('"a"') < text.index('"b"') and parse(text)["a"] == QByteArray(b"\x00")
