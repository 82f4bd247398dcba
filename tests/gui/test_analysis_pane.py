"""The wait-state pane in the real window, on real runs: its numbers are `analyze`'s, the
last arrivers are flagged on their lanes, the critical path and the what-if ghost are on the
timeline, it hides and shows from the action table, and "who is missing" names the party a
stage waits for with its current stack — a process asleep in its work, a thread, and a traced
program's process spinning in an endless loop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF
from pytestqt.qtbot import QtBot

from engine.model.missing import MissingThreshold
from engine.model.wait_states import WhatIfModel, analyse_events, describe_what_if
from engine.scenario import parse_scenario
from engine.scenario.presets import load_preset
from engine.sources.factory import make_source
from engine.sources.tracer.runner import TraceRunner
from gui.analysis.feature import NO_STACKS, STACK_EVERY_S, read_threshold
from gui.analysis.live import WhatIfChoice
from gui.window.main_window import MainWindow
from gui.window.settings import open_settings
from tests.gui.probes import painted_geometry
from tests.paths import PROGRAMS

RUN_MS = 40_000


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    win = MainWindow(open_settings(tmp_path / "s.ini"))
    qtbot.addWidget(win)
    win.resize(1600, 1000)
    win.show()
    qtbot.waitUntil(lambda: win.has_timeline, timeout=5000)
    yield win
    win.controller.shutdown()


def run_preset(qtbot: QtBot, window: MainWindow, name: str, speed: float = 20.0) -> int:
    window.panel.set_scenario(load_preset(name))
    window.panel.set_speed(speed)
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS) as done:
        assert window.run()
    followed(qtbot, window)
    return int(done.args[0])


def followed(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until the pane has followed the ended run's last events (a frame after the end:
    later on a loaded machine), and the lanes have painted them (their flags)."""
    live = window.analysis.live
    qtbot.waitUntil(
        lambda: live.t0_ns == window.model.t0_ns and not live.live and live.states is not None,
        timeout=10_000,
    )
    painted_geometry(window.lanes)


def test_the_pane_shows_what_analyze_computes_and_marks_lanes_and_timeline(
    qtbot: QtBot, window: MainWindow
) -> None:
    analysis = window.analysis
    assert analysis.shown  # on by default: a tab beside the scenario editor
    assert run_preset(qtbot, window, "two-rounds") == 0
    expected = analyse_events(window.controller.last_events, range(3))
    live = analysis.live
    assert live.states == expected  # the run ended: every stage, as `analyze` sees it
    pane = analysis.pane
    assert pane.bars.states is live.states and pane.gauges.states is live.states
    assert [r.party for r in pane.bars.rows.rows] == [0, 1, 2]
    assert "Critical path" in pane.path.text()
    # the last arriver of each stage is flagged on its lane
    assert analysis.marks in window.lanes.overlays
    flagged = {p: stages for p, stages in analysis.marks.by_party.items()}
    by_stage = {str(s.stage + 1): s.last_arriver for s in expected.stages}
    assert flagged == {p: [k for k, v in by_stage.items() if v == p] for p in flagged}
    # the critical path runs through each stage's last arrival
    path = analysis.path
    assert path is not None and path.stages == 2
    t0 = window.model.t0_ns
    assert t0 is not None
    assert [row for _, row in path.points] == [float(p) for p in expected.critical_path]
    assert [x for x, _ in path.points] == [
        (s.last_arrival_ns - t0) / 1e9 for s in sorted(expected.stages, key=lambda s: s.key)
    ]


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_a_last_arrivers_flag_covers_neither_its_name_nor_its_bars_index(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    window.set_fixed_size(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    assert run_preset(qtbot, window, "launch") == 0
    g = painted_geometry(window.lanes)
    assert g is not None
    (flag,) = window.analysis.marks.placed
    rect, text = flag
    assert text.startswith("⚑") and rect.left() >= 0 and rect.right() <= g.width
    last = window.analysis.live.states.critical_path[0]  # type: ignore[union-attr]
    lane = window.model.lanes[last]
    assert g.row_centre(last) - g.row_h / 2 <= rect.center().y() <= g.row_centre(last) + g.row_h / 2
    small, names = QFontMetricsF(g.small_font), QFontMetricsF(g.name_font)
    label_w = small.horizontalAdvance(f"index {lane.last_index}")
    label = QRectF(g.gate_x - g.bar_h * 0.5 - label_w, rect.top(), label_w, rect.height())
    name_x = g.name_text_x
    name = QRectF(name_x, rect.top(), names.horizontalAdvance(lane.name), rect.height())
    assert not rect.intersects(label) and not rect.intersects(name)


def test_the_what_if_ghost_and_its_words(qtbot: QtBot, window: MainWindow) -> None:
    assert run_preset(qtbot, window, "straggler") == 0
    analysis = window.analysis
    states = analysis.live.states
    assert states is not None
    straggler = states.critical_path[0]
    analysis.pane.what_if.set_choice(WhatIfChoice(straggler, 0.3))
    qtbot.waitUntil(lambda: analysis.live.ghost is not None, timeout=5000)
    expected = WhatIfModel(states).evaluate({straggler: 0.3})
    ghost = analysis.ghost
    assert ghost is not None and ghost.what_if is not None
    assert ghost.what_if.end_ns == expected.end_ns and ghost.end.isVisible()
    assert ghost.bars.spans == sum(len(s.parties) for s in expected.stages)
    names = analysis.live.names
    words = describe_what_if(expected, names)
    assert words in analysis.pane.what_if.result.text() and "sooner" in words
    qtbot.waitUntil(lambda: bool(analysis.live.top), timeout=10_000)
    top = analysis.live.top[0]
    assert describe_what_if(top, names) in analysis.pane.what_if.top.text()
    analysis.pane.what_if.top.linkActivated.emit("0")  # a click on the most valuable one
    assert analysis.live.choice.balanced == (top.kind == "balance")
    analysis.pane.what_if.set_choice(WhatIfChoice(straggler, 1.0))  # back to the real run
    assert analysis.live.ghost is None and not ghost.end.isVisible()


def test_the_toggle_hides_the_pane_and_its_marks(qtbot: QtBot, window: MainWindow) -> None:
    assert run_preset(qtbot, window, "launch") == 0
    analysis, action = window.analysis, window.commands["analysis"]
    analysis.set_shown(True)  # in front
    assert action.isChecked() and analysis.dock.isVisible()
    action.trigger()
    assert not analysis.shown and not action.isChecked()
    assert analysis.marks not in window.lanes.overlays
    assert analysis.path is not None and not analysis.path.work.isVisible()
    action.trigger()
    assert analysis.shown and analysis.dock.isVisible() and action.isChecked()
    assert analysis.marks in window.lanes.overlays and analysis.path.work.isVisible()


def test_presentation_mode_hides_it_unless_asked_to_keep_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    analysis, presentation = window.analysis, window.features.presentation
    analysis.set_shown(True)
    presentation.set_active(True)
    assert not analysis.shown
    presentation.set_active(False)
    assert analysis.shown
    window.commands["analysis_on_stage"].trigger()
    assert analysis.on_stage and window.settings.value("analysis/on_stage", type=bool)
    presentation.set_active(True)
    assert analysis.shown and analysis.dock.isVisible()
    presentation.set_active(False)


# ---------------------------------------------------------------------- who is missing
def slow_party_scenario(backend: str) -> object:
    party = [{"name": "Quick", "work": 0.05}, {"name": "Sleepy", "work": 600.0}]
    return parse_scenario({"party": party, "timeout": None, "backend": backend})


def who_is_missing(qtbot: QtBot, window: MainWindow, innermost: str = "▶") -> str:
    """Wait until the panel names a missing party with a stack that leads with `innermost`
    (a loaded machine may first catch a process still starting: it is asked again); its text."""
    panel = window.analysis.pane.missing
    panel.floor.setValue(0.5)
    panel.factor.setValue(1.0)
    qtbot.waitUntil(lambda: innermost in panel.body.text(), timeout=RUN_MS)
    return panel.body.text()


@pytest.mark.parametrize(
    ("backend", "innermost"),
    [
        ("processes", "<b>do_work</b> (party.py:"),
        ("threads", "<b>_work</b> (threads.py:"),
    ],
)
def test_who_is_missing_names_the_sleeper_with_its_stack(
    qtbot: QtBot, window: MainWindow, backend: str, innermost: str
) -> None:
    window.panel.set_scenario(slow_party_scenario(backend))  # type: ignore[arg-type]
    assert window.run()
    text = who_is_missing(qtbot, window, f"▶ {innermost}")
    panel = window.analysis.pane.missing
    report = panel.report
    assert report is not None and [p.name for p in report.parties] == ["Sleepy"]
    assert "Who is missing" in panel.title.text() and "stage 1 has waited" in panel.title.text()
    assert "<b>Sleepy</b>" in text and f"pid {report.parties[0].pid}" in text
    assert "alive" in text and "working for" in text
    assert f"▶ {innermost}" in text  # its own innermost frame leads
    if backend == "processes":
        assert "time.sleep(seconds)" in text
    story = [line.text for line in window.model.log if line.kind == "missing"]
    assert len(story) == 1 and "Sleepy" in story[0]  # ONE narrative line
    assert window.analysis.dock.isVisible()  # brought to the front
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        window.controller.stop()


def test_who_is_missing_shows_a_traced_process_spinning_in_its_loop(
    qtbot: QtBot, window: MainWindow
) -> None:
    runner = TraceRunner(PROGRAMS / "spin_forever.py", echo=False)
    assert window.features.trace.start(runner)
    text = who_is_missing(qtbot, window, "▶ <b>spin</b> (spin_forever.py:")
    assert "<b>Spinner</b>" in text
    assert "total += 1" in text or "while True:" in text  # in the loop: its body or its jump
    # it stays "now": a party still missing is asked again, and the answer is a newer one
    panel = window.analysis.pane.missing
    first = next(iter(panel.stacks.values()))
    qtbot.waitUntil(
        lambda: panel.stacks.get(first.party, first).t_ns > first.t_ns,
        timeout=int(STACK_EVERY_S * 1000) + 5000,
    )
    with qtbot.waitSignal(window.controller.run_finished, timeout=RUN_MS):
        window.controller.stop()


def test_the_threshold_is_set_in_the_pane_and_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    panel = window.analysis.pane.missing
    panel.factor.setValue(5.0)
    panel.floor.setValue(7.5)
    assert window.analysis.threshold == MissingThreshold(5.0, 7.5)
    assert read_threshold(window.settings) == MissingThreshold(5.0, 7.5)
    hostile = open_settings(tmp_path / "hostile.ini")
    hostile.setValue("analysis/missing_factor", "lots")
    assert read_threshold(hostile) == MissingThreshold()  # unreadable: the defaults
    hostile.setValue("analysis/missing_factor", "-4")
    hostile.setValue("analysis/missing_floor_s", "1e9")
    assert read_threshold(hostile) == MissingThreshold(1.0, 3600.0)  # clamped to the spin boxes


def test_a_replay_names_who_was_missing_and_says_it_has_no_stacks(
    qtbot: QtBot, window: MainWindow
) -> None:
    party = [{"name": "Quick", "work": 0.05}, {"name": "Slow", "work": 1.2}]
    source = make_source(parse_scenario({"party": party, "timeout": None}))
    source.start()
    assert source.join(RUN_MS / 1000)
    panel = window.analysis.pane.missing
    panel.floor.setValue(0.5)
    panel.factor.setValue(1.0)
    assert window.features.replay.replay(list(source.events), 1.0, "slow.jsonl")
    qtbot.waitUntil(lambda: NO_STACKS in panel.body.text(), timeout=RUN_MS)
    assert "<b>Slow</b>" in panel.body.text()
    qtbot.waitUntil(lambda: not window.controller.is_running, timeout=RUN_MS)
    followed(qtbot, window)
    assert window.analysis.live.states == analyse_events(source.events, range(2))
