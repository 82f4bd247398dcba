"""Every command of the window, declared once: title, keys, menu, toolbar, when enabled.

Why a table (napari's `qactions` are the model): the menus, the toolbar, the keyboard map in
Help → Keyboard Shortcuts (F1) and the key table in the README are all generated from these
rows, so they agree by construction, and no key can be bound twice without a test noticing.
This file is the one place that says what each command does and when it may (the row types
are in action_spec.py).  The order of the rows is the order of the key table; menus and the
toolbar keep it within each of their groups.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStyle

from engine.lessons import lesson_titles
from gui.features.failure_actions import ABORT_TIP, RESET_TIP
from gui.features.recent_files import RECENT_MAX, MenuEntry
from gui.run.state import RunState
from gui.window.action_spec import (
    ActionSpec,
    Features,
    MenuPlace,
    Toggle,
    ToolPlace,
    key_rows,
)

MENU_BAR: tuple[tuple[str, str], ...] = (
    ("File", "&File"),
    ("Run", "&Run"),
    ("View", "&View"),
    ("Help", "&Help"),
)
# Toolbar sections in order; "|" is a separator, <speed> the speed label, <spacer> the gap.
# Two toolbars: the run's own commands, and the presenter's; on a narrow screen the second
# moves to a row of its own, so no presentation control hides in an overflow menu.
TOOLBAR_ROWS = (("run", "|", "<speed>"), ("<spacer>", "presenter", "|", "capture"))
TOOLBAR_LAYOUT = tuple(item for row in TOOLBAR_ROWS for item in row)


def _space(f: Features) -> None:
    """Space means what the moment needs: play/pause a replay, else continue/stop/run."""
    if f.replay.active:
        f.replay.toggle_play()
    else:
        f.run.run_stop_or_continue()


def _theme(name: str) -> Toggle:
    """A View → Theme choice: "light", "dark" or "system" (follow the system's preference)."""

    def write(f: Features, on: bool) -> None:
        if on:  # the theme that was unticked by this one has nothing to do
            f.presentation.set_theme(name)

    return Toggle(
        read=lambda f: f.presentation.theme_choice == name, write=write, exclusive="theme"
    )


def _pick_preset(n: int) -> Callable[[Features], object]:
    return lambda f: f.run.pick_preset(n)


def _not_running(s: RunState) -> bool:
    return not s.running


def _open_lesson(name: str) -> Callable[[Features], object]:
    return lambda f: f.lessons.open(name)


# Run → Lessons: one row per shipped lesson (assets/lessons), then a lesson file of your own.
LESSONS = (
    *(
        ActionSpec(
            f"lesson_{name}",
            title,
            run=_open_lesson(name),
            menu=MenuPlace("Run/Lessons", 3),
            tip=f"Play the lesson {title!r} in its own window",
        )
        for name, title in lesson_titles()
    ),
    ActionSpec(
        "open_lesson",
        "Open Lesson File…",
        run=lambda f: f.lessons.ask_open(),
        menu=MenuPlace("Run/Lessons", 3, order=1),
        tip="Play a lesson file of your own (docs/lessons.md)",
    ),
)


def _open_recent(index: int) -> Callable[[Features], object]:
    return lambda f: f.recent.open(index)


def _recent_entry(index: int) -> Callable[[Features], MenuEntry | None]:
    return lambda f: f.recent.entry(index)


# File → Open Recent: one slot per remembered file (its words come from the list), then Clear.
RECENT = (
    *(
        ActionSpec(
            f"recent_{n + 1}",
            f"Recent File {n + 1}",
            run=_open_recent(n),
            menu=MenuPlace("File/Open Recent", order=1),
            shows=_recent_entry(n),
        )
        for n in range(RECENT_MAX)
    ),
    ActionSpec(
        "clear_recent",
        "Clear Recent Files",
        run=lambda f: f.recent.clear(),
        menu=MenuPlace("File/Open Recent", order=1, section=1),
        shows=lambda f: f.recent.clear_entry(),
    ),
)


PRESETS = tuple(
    ActionSpec(
        f"preset_{n}",
        f"Preset {n}",
        run=_pick_preset(n),
        keys=(str(n),),
        help="Pick preset 1 – 9",
        help_keys="1 – 9",
    )
    for n in range(1, 10)
)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "space",
        "Run / Stop",
        run=_space,
        keys=("Space",),
        help="Run / stop; continue when paused before a stage; play / pause a replay",
    ),
    ActionSpec(
        "run",
        "Run",
        run=lambda f: f.run.run(),
        keys=("Ctrl+R",),
        menu=MenuPlace("Run"),
        toolbar=ToolPlace("run"),
        icon=QStyle.StandardPixmap.SP_MediaPlay,
        tip="Start the scenario (Ctrl+R)",
        enabled_when=_not_running,
    ),
    ActionSpec(
        "stop",
        "Stop",
        run=lambda f: f.run.stop(),
        keys=("Esc",),
        menu=MenuPlace("Run"),
        toolbar=ToolPlace("run"),
        icon=QStyle.StandardPixmap.SP_MediaStop,
        tip="Stop the run: end every party (Esc)",
        enabled_when=lambda s: s.running,
        help="Stop the run",
    ),
    ActionSpec(
        "release_gate",
        "Release Gate",
        run=lambda f: f.run.release_gate(),
        keys=("G",),
        menu=MenuPlace("Run", 2),
        toolbar=ToolPlace("presenter", "Open gate · G", order=1),
        tip="Open the gate: you, the last party, arrive (G)",
        enabled_when=lambda s: s.gate_waiting,
        help="Release the gate: the presenter, the last party, calls wait()",
    ),
    ActionSpec(
        "continue_stage",
        "Continue",
        run=lambda f: f.run.continue_stage(),
        keys=("N",),
        menu=MenuPlace("Run", 2),
        toolbar=ToolPlace("presenter", "Continue · N", order=1),
        tip="Let the next stage begin (N)",
        enabled_when=lambda s: s.held_stage is not None,
        help="Continue to the next stage (step through stages)",
    ),
    ActionSpec(
        "abort",
        "Abort",
        run=lambda f: f.failures.abort(),
        keys=("A",),
        menu=MenuPlace("Run"),
        toolbar=ToolPlace("run"),
        tip=ABORT_TIP,
        enabled_when=lambda s: s.can_abort,
        help="Abort the barrier",
    ),
    ActionSpec(
        "reset",
        "Reset",
        run=lambda f: f.failures.reset(),
        keys=("R",),
        menu=MenuPlace("Run"),
        toolbar=ToolPlace("run"),
        tip=RESET_TIP,
        enabled_when=lambda s: s.can_reset,
        help="Reset the barrier",
    ),
    *PRESETS,
    ActionSpec(
        "slower",
        "Slower",
        run=lambda f: f.run.step_speed(-1),
        keys=("[",),
        tip="Slow motion: slower ([)",
        help="Slower / faster (0.1× … 50×, for the next run)",
        help_keys="[ / ]",
    ),
    ActionSpec(
        "faster",
        "Faster",
        run=lambda f: f.run.step_speed(1),
        keys=("]",),
        tip="Faster (])",
        help="Slower / faster (0.1× … 50×, for the next run)",
        help_keys="[ / ]",
    ),
    ActionSpec(
        "presentation",
        "Presentation Mode",
        toggle=Toggle(lambda f: f.presentation.active, lambda f, on: f.presentation.set_active(on)),
        keys=("F11",),
        menu=MenuPlace("View"),
        toolbar=ToolPlace("capture", "Present", order=1),
        tip="Full screen, big text, thick bars (F11)",
        help="Presentation mode on / off",
    ),
    ActionSpec(
        "analysis",
        "Wait-State Analysis",
        toggle=Toggle(lambda f: f.analysis.shown, lambda f, on: f.analysis.set_shown(on)),
        keys=("Ctrl+Shift+A",),
        menu=MenuPlace("View", 3),
        toolbar=ToolPlace("run", "Wait states", order=1),  # the presenter row is full at 1024 px
        tip="Who waited, who made them wait, load balance, what-if, who is missing (Ctrl+Shift+A)",
        help="Wait-state analysis pane on / off",
    ),
    ActionSpec(
        "bigger",
        "Bigger Text",
        run=lambda f: f.presentation.zoom(1),
        keys=("Ctrl+=", "Ctrl++"),
        menu=MenuPlace("View", 1),
        help="Bigger / smaller / normal text",
    ),
    ActionSpec(
        "smaller",
        "Smaller Text",
        run=lambda f: f.presentation.zoom(-1),
        keys=("Ctrl+-",),
        menu=MenuPlace("View", 1),
        help="Bigger / smaller / normal text",
    ),
    ActionSpec(
        "normal_text",
        "Normal Text Size",
        run=lambda f: f.presentation.zoom(0),
        keys=("Ctrl+0",),
        menu=MenuPlace("View", 1),
        help="Bigger / smaller / normal text",
    ),
    ActionSpec(
        "record",
        "Record Video",
        toggle=Toggle(lambda f: f.exports.recording, lambda f, on: f.exports.set_recording(on)),
        keys=("Ctrl+Shift+R",),
        menu=MenuPlace("File", 3, order=1),
        toolbar=ToolPlace("capture", "Record"),
        tip="Record the window as .mp4 or .gif (Ctrl+Shift+R)",
        help="Record a video of the window on / off",
    ),
    ActionSpec(
        "show_code",
        "Show Code…",
        run=lambda f: f.exports.show_code(),
        keys=("Ctrl+U",),
        menu=MenuPlace("View", 2),
        tip="The scenario as a standalone Python program (Ctrl+U)",
        help="Show the scenario as Python code",
    ),
    ActionSpec(
        "open",
        "Open Scenario…",
        run=lambda f: f.files.open(),
        keys=("Ctrl+O",),
        menu=MenuPlace("File"),
        help="Open / save / save-as a scenario",
    ),
    *RECENT,
    ActionSpec(
        "save",
        "Save Scenario",
        run=lambda f: f.files.save(),
        keys=("Ctrl+S",),
        menu=MenuPlace("File", order=2),
        help="Open / save / save-as a scenario",
    ),
    ActionSpec(
        "save_as",
        "Save Scenario As…",
        run=lambda f: f.files.save_as(),
        keys=("Ctrl+Shift+S",),
        menu=MenuPlace("File", order=2),
        help="Open / save / save-as a scenario",
    ),
    ActionSpec(
        "open_log",
        "Open Event Log…",
        run=lambda f: f.replay.ask_open_log(),
        keys=("Ctrl+Shift+O",),
        menu=MenuPlace("File", 2),
        tip="Replay a recorded run (Ctrl+Shift+O)",
        help="Open an event log and replay it",
    ),
    ActionSpec(
        "save_events",
        "Save Event Log…",
        run=lambda f: f.exports.ask_save_event_log(),
        keys=("Ctrl+E",),
        menu=MenuPlace("File", 1),
        help="Save the event log of the last run",
    ),
    ActionSpec(
        "keyboard",
        "Keyboard Shortcuts",
        run=lambda f: f.window.show_shortcuts(),
        keys=("F1",),
        menu=MenuPlace("Help"),
        help="Keyboard shortcuts",
    ),
    ActionSpec(
        "quit",
        "Quit",
        run=lambda f: f.window.close(),
        keys=("Ctrl+Q",),
        menu=MenuPlace("File", 4),
    ),
    # ---------------------------------------------------------------- without a key
    ActionSpec(
        "presenter_gate",
        "Presenter Gate",
        toggle=Toggle(
            lambda f: f.run.options.presenter_gate,
            lambda f, on: f.run.set_options(presenter_gate=on),
        ),
        menu=MenuPlace("Run", 1),
        toolbar=ToolPlace("presenter", "Presenter gate"),
        tip="You are the last party: the barrier opens only when you press G",
        enabled_when=_not_running,
    ),
    ActionSpec(
        "step_stages",
        "Step Through Stages",
        toggle=Toggle(
            lambda f: f.run.options.step_stages, lambda f, on: f.run.set_options(step_stages=on)
        ),
        menu=MenuPlace("Run", 1),
        toolbar=ToolPlace("presenter", "Step stages"),
        tip="Pause before each stage until you press N",
        enabled_when=_not_running,
    ),
    *LESSONS,
    ActionSpec(
        "analysis_on_stage",
        "Wait States in Presentation Mode",
        toggle=Toggle(lambda f: f.analysis.on_stage, lambda f, on: f.analysis.set_on_stage(on)),
        menu=MenuPlace("View", 3),
        tip="Keep the wait-state pane on screen in presentation mode",
    ),
    ActionSpec(
        "theme_system",
        "Follow System",
        toggle=_theme("system"),
        menu=MenuPlace("View/Theme"),
        tip="Light or dark as the system prefers, and switch when it does",
    ),
    ActionSpec(
        "theme_light",
        "Light",
        toggle=_theme("light"),
        menu=MenuPlace("View/Theme", section=1),
        tip="Light high-contrast theme",
    ),
    ActionSpec(
        "theme_dark",
        "Dark",
        toggle=_theme("dark"),
        menu=MenuPlace("View/Theme", section=1),
        tip="Dark high-contrast theme",
    ),
    ActionSpec(
        "save_screenshot",
        "Save Screenshot…",
        run=lambda f: f.exports.ask_save_screenshot(),
        menu=MenuPlace("File", 1),
    ),
    ActionSpec(
        "export_trace",
        "Export Trace…",
        run=lambda f: f.exports.ask_export_trace(),
        menu=MenuPlace("File", 3),
        tip="A Chrome/Perfetto trace of the last run",
    ),
    ActionSpec(
        "export_timeline",
        "Export Timeline Image…",
        run=lambda f: f.exports.ask_export_timeline(),
        menu=MenuPlace("File", 3),
    ),
    ActionSpec(
        "about",
        "About Barrier Visualiser",
        run=lambda f: f.window.show_about(),
        menu=MenuPlace("Help"),
    ),
)


def keyboard_map() -> list[tuple[str, str]]:
    """(keys, what they do): the rows of Help → Keyboard Shortcuts and of the README table."""
    return key_rows(ACTIONS)


def keyboard_map_markdown() -> str:
    """The key table as Markdown (the README's "In the GUI" table is this, verbatim)."""
    lines = ["| Key | Does |", "|---|---|"]
    lines += [f"| {keys} | {words} |" for keys, words in keyboard_map()]
    return "\n".join(lines)
