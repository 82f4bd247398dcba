"""The shape of one window command, as data: what `action_table.py` is written in.

Why data and not code: a row says what a command is called, which keys, menu and toolbar place
it has, when it is enabled and what it calls — and nothing else.  Menus, the toolbar, the F1
keyboard map and the README's key table are generated from rows (gui/window/qactions.py,
`key_rows`), so they agree by construction.  A row's callback receives `Features` (the feature
objects, never the window); its enabled-when reads one `RunState` (gui/run/state.py).  A row
whose words come from data (File → Open Recent's slots) says so with `shows`: the row is
still declared here once, and only its text, its enabled state and whether it is shown
follow the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QStyle

from gui.analysis.feature import AnalysisFeature
from gui.features.exports import Exports
from gui.features.failure_actions import FailureCommands
from gui.features.presentation import Presentation
from gui.features.recent_files import MenuEntry, RecentFiles
from gui.features.replay_bar import ReplayBar
from gui.features.run_commands import RunCommands
from gui.features.scenario_files import ScenarioFiles
from gui.features.trace_mode import TraceMode
from gui.lessons.menu import LessonLauncher
from gui.run.state import RunState


class WindowCommands(Protocol):
    """The few commands that are the window's own."""

    def close(self) -> bool: ...
    def show_about(self) -> None: ...
    def show_shortcuts(self) -> object: ...


@dataclass(frozen=True)
class Features:
    """What the action callbacks may use."""

    run: RunCommands
    failures: FailureCommands
    presentation: Presentation
    exports: Exports
    replay: ReplayBar
    files: ScenarioFiles
    trace: TraceMode
    window: WindowCommands
    lessons: LessonLauncher
    analysis: AnalysisFeature
    recent: RecentFiles


@dataclass(frozen=True)
class Toggle:
    """A checkable command: its truth lives in a feature (`read`), a click changes it (`write`)."""

    read: Callable[[Features], bool]
    write: Callable[[Features, bool], object]
    exclusive: str | None = None  # rows with the same name form a radio group


@dataclass(frozen=True)
class MenuPlace:
    path: str  # "File", or "View/Theme" for a submenu
    group: int = 0  # groups are separated by a line (a submenu sits in its first row's group)
    order: int = 0  # within a group: by order, then by row
    section: int = 0  # inside a submenu: sections are separated by a line


@dataclass(frozen=True)
class ToolPlace:
    section: str  # see TOOLBAR_LAYOUT
    text: str | None = None  # a shorter label than the title
    order: int = 0


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    run: Callable[[Features], object] | None = None  # for plain commands
    toggle: Toggle | None = None  # for checkable ones
    keys: tuple[str, ...] = ()  # the first is the one the key table shows
    menu: MenuPlace | None = None
    toolbar: ToolPlace | None = None
    icon: QStyle.StandardPixmap | None = None
    tip: str = ""
    enabled_when: Callable[[RunState], bool] | None = None  # None: always
    help: str | None = None  # the key table's words (rows with equal words share a line)
    help_keys: str | None = None  # how the key table writes the keys of such a line
    shows: Callable[[Features], MenuEntry | None] | None = None  # words from data; None: hidden


def key_rows(specs: Sequence[ActionSpec]) -> list[tuple[str, str]]:
    """(keys, what they do) for the key table; neighbouring rows with equal words share one."""
    rows: list[tuple[str, str, list[str]]] = []  # words, help_keys, keys
    for spec in specs:
        if not spec.keys:
            continue
        words = spec.help or spec.title
        if rows and rows[-1][0] == words:
            rows[-1][2].append(spec.keys[0])
        else:
            rows.append((words, spec.help_keys or "", [spec.keys[0]]))
    return [(help_keys or " / ".join(keys), words) for words, help_keys, keys in rows]
