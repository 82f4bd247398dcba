"""File → Open Recent: the scenarios and event logs opened last, most recent first.

Why in the settings and re-read each time: the list belongs to the user, not to one window,
so a file opened in one window shows in the other's menu the next time it opens, and adding
one never drops what another window added meanwhile (the list is read, changed and written
in one go).  A file that has gone since stays listed, greyed, until it is opened again from
disk or the list is cleared: a file on a USB stick that is not plugged in is still "recent".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.core.safe_text import printable
from gui.features.host import Host
from gui.features.settings_store import SettingsStore

RECENT_MAX = 8
KEY = "recent/files"
NONE_YET = "No Recent Files"


class RecentKind(StrEnum):
    SCENARIO = "scenario"
    EVENT_LOG = "event log"


KINDS = frozenset(kind.value for kind in RecentKind)


@dataclass(frozen=True)
class RecentFile:
    kind: RecentKind
    path: Path

    @property
    def exists(self) -> bool:
        return self.path.is_file()


@dataclass(frozen=True)
class MenuEntry:
    """What one menu row shows now (see ActionSpec.shows)."""

    text: str
    enabled: bool = True
    tip: str = ""


def _folder(path: Path) -> str:
    """The folder, with the home folder as "~" (short enough for a menu)."""
    folder = path.parent
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)


def _menu_text(text: str) -> str:
    """A path as a menu shows it: control characters visible, "&" not a shortcut marker."""
    return printable(text).replace("&", "&&")


def read_recent(settings: SettingsStore) -> list[RecentFile]:
    """The remembered list; entries that are not a kind and a path are skipped (hostile file)."""
    raw = settings.value(KEY, [])
    out: list[RecentFile] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        kind, path = item.get("kind"), item.get("path")
        if kind in KINDS and isinstance(path, str) and path and "\0" not in path:
            entry = RecentFile(RecentKind(kind), Path(path))
            if entry not in out:
                out.append(entry)
    return out[:RECENT_MAX]


class RecentFiles(QObject):
    """The list, and opening one of it (through the same commands as File → Open)."""

    changed = Signal()

    def __init__(
        self,
        settings: SettingsStore,
        host: Host,
        open_scenario: Callable[[Path], bool],
        open_log: Callable[[Path], bool],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.host = host
        self._open = {RecentKind.SCENARIO: open_scenario, RecentKind.EVENT_LOG: open_log}
        self._files = read_recent(settings)

    @property
    def files(self) -> list[RecentFile]:
        return list(self._files)

    def refresh(self) -> None:
        """Read the list again (another window may have opened something)."""
        self.settings.reload()
        self._files = read_recent(self.settings)

    def add(self, kind: RecentKind, path: str | Path) -> None:
        """`path` was opened or saved: first in the list (once), the oldest falls off."""
        entry = RecentFile(kind, Path(path).resolve())
        self.settings.reload()
        files = [entry] + [f for f in read_recent(self.settings) if f != entry]
        self._save(files[:RECENT_MAX])

    def clear(self) -> None:
        self._save([])

    def _save(self, files: list[RecentFile]) -> None:
        self._files = files
        self.settings.setValue(KEY, [{"kind": f.kind.value, "path": str(f.path)} for f in files])
        self.changed.emit()

    def open(self, index: int) -> bool:
        """Open entry `index` as File → Open (or Open Event Log) would."""
        if not 0 <= index < len(self._files):
            return False
        entry = self._files[index]
        if not entry.exists:
            self.host.say(f"{entry.path} is no longer there.")
            self.changed.emit()  # grey it
            return False
        return self._open[entry.kind](entry.path)

    def entry(self, index: int) -> MenuEntry | None:
        """Menu row `index`: "1  launch.toml — ~/talks" (greyed if gone), None: no row."""
        if index >= len(self._files):
            return MenuEntry(NONE_YET, enabled=False) if index == 0 else None
        f = self._files[index]
        gone = "" if f.exists else "  (not found)"
        number = f"&{index + 1}" if index < 9 else str(index + 1)
        tip = printable(f"{f.kind.value}: {f.path}{gone}")
        name, folder = _menu_text(f.path.name), _menu_text(_folder(f.path))
        return MenuEntry(f"{number}  {name}  —  {folder}{gone}", f.exists, tip)

    def clear_entry(self) -> MenuEntry:
        return MenuEntry("Clear Recent Files", enabled=bool(self._files))
