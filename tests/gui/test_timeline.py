"""The timeline draws every span, release and action of real and synthetic runs, follows the
present while a run is live, lets go after, explains a span on hover, and exports images."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import RunViewModel
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from gui.timeline.view import FOLLOW_WINDOW_S, TimelineView
from tests.gui.probes import (
    drawn_actions,
    drawn_releases,
    drawn_spans,
    follows_present,
    growing_spans,
)

S = 1_000_000_000  # ns per second
T0 = 1_000 * S


def synthetic_events(parties: int, stages: int, action: bool = True) -> list[Event]:
    """A plausible run: party p works (1 + p % 7) / 10 s per stage, the barrier trips when the
    slowest arrives; timestamps are deterministic so tests can reason about them."""
    names = [f"P{p:03d}" for p in range(parties)]
    out = [
        Event(
            "run_start", T0, None, 1, None, {"names": names, "parties": parties, "stages": stages}
        )
    ]
    t = T0
    for stage in range(stages):
        arrivals = []
        for p in range(parties):
            out.append(Event("work_start", t, p, 100 + p, stage, {"planned_s": 0.1}))
            arrivals.append((t + (1 + p % 7) * S // 10, p))
        arrivals.sort()
        out += [Event("arrive", a, p, 100 + p, stage) for a, p in arrivals]
        trip = arrivals[-1][0] + S // 100
        last = arrivals[-1][1]
        if action:
            out.append(Event("action", trip, last, 100 + last, stage, {"message": "🚀 Go!"}))
        out += [Event("release", trip + 1, p, 100 + p, stage, {"index": p}) for p in range(parties)]
        t = trip + 2
    out.append(Event("run_end", t, None, 1, None, {"status": "passed", "exit_code": 0}))
    return sorted(out, key=lambda e: e.t_ns)


@pytest.fixture
def view(qtbot: QtBot) -> TimelineView:
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def run_live(
    qtbot: QtBot, view: TimelineView, preset: str, speed: float
) -> tuple[RunViewModel, list[bool]]:
    """Run a preset for real, one update_from per poll; returns the model and the follow flags
    seen while the model said "running"."""
    model, followed = RunViewModel(), []
    runner = Runner(load_preset(preset), speed=speed)
    runner.start()

    def frame() -> bool:
        model.apply(runner.poll())
        view.update_from(model, time.monotonic_ns())
        if model.status == "running":
            followed.append(follows_present(view))
        return runner.done and runner.join(0)

    qtbot.waitUntil(frame, timeout=30_000)
    model.apply(runner.poll())
    view.update_from(model, time.monotonic_ns())
    return model, followed


@pytest.mark.parametrize(("preset", "speed"), [("launch", 10), ("two-rounds", 8)])
def test_real_run_draws_everything(
    qtbot: QtBot, view: TimelineView, preset: str, speed: float
) -> None:
    model, followed = run_live(qtbot, view, preset, speed)
    assert model.status == "passed"
    assert drawn_spans(view) == len(model.spans) > 0
    assert growing_spans(view) == len(model.open_spans(model.end_ns or 0)) == 0
    releases = [m for m in model.markers if m.kind == "release"]
    actions = [m for m in model.markers if m.kind == "action"]
    assert drawn_releases(view) == len(releases) == model.stages
    assert drawn_actions(view) == len(actions)
    assert followed and all(followed), "the view must follow the present during the run"
    assert not follows_present(view)
    assert view.party_axis.names == [lane.name for lane in model.lanes]


def test_64_parties_50_stages_keep_every_span(qtbot: QtBot, view: TimelineView) -> None:
    events = synthetic_events(64, 50)
    model = RunViewModel()
    end = events[-1].t_ns
    fed = 0
    for step in range(1, 101):
        now = T0 + (end - T0) * step // 100
        upto = fed
        while upto < len(events) and events[upto].t_ns <= now:
            upto += 1
        model.apply(events[fed:upto])
        fed = upto
        view.update_from(model, now)
        assert drawn_spans(view) == len(model.spans)
        assert growing_spans(view) == len(model.open_spans(now))
    assert model.status == "passed"
    assert drawn_spans(view) == 64 * 50 * 2
    assert drawn_releases(view) == 50
    assert drawn_actions(view) == 50
    assert len(view.bars.start) >= drawn_spans(view)  # grew by doubling, kept all


def test_open_spans_grow_until_closed(view: TimelineView) -> None:
    events = synthetic_events(3, 1)
    model = RunViewModel()
    model.apply(e for e in events if e.kind in ("run_start", "work_start"))
    view.update_from(model, T0 + S // 20)
    assert drawn_spans(view) == 0
    assert growing_spans(view) == 3
    assert view.open_bars.end[:3].tolist() == pytest.approx([0.05, 0.05, 0.05])


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen QToolTip
def test_tooltip_names_the_span(qtbot: QtBot, view: TimelineView) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(4, 2, action=False))
    view.update_from(model, model.end_ns or 0)
    span = next(s for s in model.spans if s.party == 2 and s.stage == 1 and s.kind == "wait")
    start_s, dur_s = (span.start_ns - T0) / 1e9, (span.end_ns - span.start_ns) / 1e9
    text = view.tooltip_at(start_s + dur_s / 2, 2.1)
    assert text is not None
    assert "P002" in text and "stage 2" in text and "waiting" in text
    assert f"{start_s:.3f} s" in text and f"{dur_s:.3f} s" in text
    assert view.tooltip_at(start_s + dur_s / 2, 2.45) is None  # between rows: no bar there
    # The real hover path: scene mouse move -> rate-limited proxy -> tooltip.
    scene_pos = view.vb.mapViewToScene(QPointF(start_s + dur_s / 2, 2.0))
    view.scene().sigMouseMoved.emit(scene_pos)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "P002" in QToolTip.text(), timeout=3000)
    QToolTip.hideText()


def test_action_marker_and_tooltip(view: TimelineView) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(3, 1))
    view.update_from(model, model.end_ns or 0)
    action = next(m for m in model.markers if m.kind == "action")
    x, y = view.actions.getData()
    assert list(y) == [action.party]
    assert x[0] == pytest.approx((action.t_ns - T0) / 1e9)
    text = view.tooltip_at(float(x[0]), float(y[0]))
    assert text is not None and "Go!" in text and "P002" in text
    labels = view.band.content.labels
    assert [label.text for label in labels] == [action.text]  # in the band above the lanes
    view.grab()  # paint: the band places its label
    lo, hi = labels[0].shown
    assert hi <= x[0] + 1e-6 and hi - lo > 0  # it ends at the release, left of the line
    band_y = (view.band.top - 0.5) / 2  # above the first row (-0.5): never over a bar
    assert band_y < -0.5
    said = view.tooltip_at((lo + hi) / 2, band_y)
    assert said is not None and action.text in said  # the whole message, when shortened too


def test_follows_the_present_then_lets_go(view: TimelineView) -> None:
    events = synthetic_events(5, 3)
    model = RunViewModel()
    model.apply(events[:1])
    view.update_from(model, T0 + 2 * S)
    (x0, x1), _ = view.vb.viewRange()
    assert follows_present(view) and x0 <= 0 and 2.0 <= x1 <= 2.5
    view.update_from(model, T0 + 100 * S)  # a long run: a sliding window
    (x0, x1), _ = view.vb.viewRange()
    assert 100.0 <= x1 <= 105 and x1 - x0 == pytest.approx(FOLLOW_WINDOW_S)
    assert not view.vb.state["mouseEnabled"][0]
    model.apply(events[1:])
    view.update_from(model, T0 + 200 * S)
    (x0, x1), (y0, y1) = view.vb.viewRange()
    end_s = ((model.end_ns or 0) - T0) / 1e9
    assert not follows_present(view) and view.vb.state["mouseEnabled"][0]
    assert x0 <= 0 and end_s <= x1 < 100  # the whole run, not the last "now"
    assert y1 == pytest.approx(4.5) and y0 < -0.5  # every row, and the action band above
    view.vb.setRange(xRange=(0.1, 0.2), padding=0)  # the user zooms in ...
    view.update_from(model, T0 + 300 * S)
    assert view.vb.viewRange()[0] == pytest.approx([0.1, 0.2])  # ... and it stays
    view.fit()
    assert view.vb.viewRange()[0][1] >= end_s


def test_new_run_resets(view: TimelineView) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(4, 3))
    view.update_from(model, model.end_ns or 0)
    assert drawn_spans(view) == 24 and drawn_releases(view) == 3
    second = [
        Event(e.kind, e.t_ns + 50 * S, e.party, e.pid, e.stage, e.data)
        for e in synthetic_events(2, 1)
    ]
    model.apply(second[:3])  # run_start + work starts: the model is reset in place
    view.update_from(model, second[2].t_ns)
    assert drawn_spans(view) == 0 and drawn_releases(view) == 0 and drawn_actions(view) == 0
    assert view.party_axis.names == ["P000", "P001"]
    model.apply(second[3:])
    view.update_from(model, second[-1].t_ns)
    assert drawn_spans(view) == len(model.spans) == 4


def test_many_parties_thin_their_labels(view: TimelineView) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(256, 1, action=False)[:1])
    view.update_from(model, T0 + S)
    [(step, values)] = view.party_axis.tickValues(255.5, -0.5, 400.0)
    assert step > 1 and values[0] == 0 and len(values) <= 400 // 20
    # a crowd's rows are grouped by party number, the numbers its tiles show
    assert view.party_axis.tickStrings(values[:2], 1.0, step) == [
        f"#1–{step}", f"#{step + 1}–{2 * step}",
    ]  # fmt: skip


def test_a_few_parties_keep_their_names_on_the_axis(view: TimelineView) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(3, 1, action=False)[:1])
    view.update_from(model, T0 + S)
    assert view.party_axis.tickStrings([0.0, 2.0], 1.0, 1) == ["P000", "P002"]


def test_broken_and_died_parties_are_marked(view: TimelineView) -> None:
    events = synthetic_events(3, 1, action=False)
    model = RunViewModel()
    model.apply(e for e in events if e.kind in ("run_start", "work_start"))
    model.apply(e for e in events if e.kind == "arrive" and e.party == 0)
    model.apply([Event("crash", T0 + S // 20, 1, 101, 0, {"error": "RuntimeError: boom"})])
    model.apply([Event("exit", T0 + S // 10, 1, 101, None, {"exitcode": 1})])
    model.apply([Event("broken", T0 + S, 0, 100, 0, {"error": "BrokenBarrierError"})])
    view.update_from(model, T0 + S)
    xs, ys = view.ends.getData()
    assert sorted(zip(ys.tolist(), xs.tolist(), strict=True)) == [(0, 1.0), (1, 0.05)]
    legend = view.getPlotItem().titleLabel.text
    assert "broken" in legend and "ended" in legend
    # The crashed party's last phase stays on the chart, as work, up to its death.
    died = [i for i in range(growing_spans(view)) if view.open_bars.row[i] == 1]
    assert len(died) == 1 and view.open_bars.end[died[0]] == pytest.approx(0.05)
    assert view.open_bars.kind[died[0]] == 0
    view.fit()
    died_text = view.tooltip_at(0.05, 1.0)
    assert died_text is not None and "P001 died" in died_text and "boom" in died_text
    broke_text = view.tooltip_at(1.0, 0.0)
    assert broke_text is not None and "P000 broke" in broke_text


def test_legend_names_every_mark(view: TimelineView) -> None:
    legend = view.getPlotItem().titleLabel.text
    for word in ("working", "waiting", "release", "action"):
        assert word in legend


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_export_image(view: TimelineView, tmp_path: Path, suffix: str) -> None:
    model = RunViewModel()
    model.apply(synthetic_events(3, 2))
    view.update_from(model, model.end_ns or 0)
    target = tmp_path / f"timeline{suffix}"
    view.export_image(str(target))
    data = target.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
        assert QImage(str(target)).width() >= 2 * view.width()  # exported at 2×
    else:
        renderer = QSvgRenderer(data)
        assert renderer.isValid() and b"<path" in data
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp files left


def test_a_step_mode_hold_is_marked_in_the_band(view: TimelineView) -> None:
    events = synthetic_events(2, 2)
    trip = max(e.t_ns for e in events if e.kind == "release" and e.stage == 0)
    held = [Event("hold", trip + S // 10, p, 100 + p, 1) for p in range(2)]
    head = [e for e in events if e.t_ns <= trip and e.kind != "run_end"]
    model = RunViewModel()
    model.apply(head + held)
    view.update_from(model, trip + S)
    holds = view.band.content.holds
    assert len(holds) == 1 and holds[0].x1 is None  # still held: an open grey span
    assert holds[0].x0 == pytest.approx((trip + S // 10 - T0) / 1e9)
    model.apply([Event("work_start", trip + 2 * S, 0, 100, 1, {"planned_s": 0.1})])
    view.update_from(model, trip + 2 * S)
    assert holds[0].x1 == pytest.approx((trip + 2 * S - T0) / 1e9)  # the hold ended there


@pytest.mark.parametrize("width", [480, 828, 1200])
def test_the_legend_wraps_to_the_room_the_names_leave(qtbot: QtBot, width: int) -> None:
    """The names' axis widens when the first names arrive; the legend must wrap to the room
    left beside the new width at once (with no resize to correct it), or the plot grows wider
    than its view and the end of the run is cut off at the right."""
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(width, 260)
    view.show()
    qtbot.waitExposed(view)
    events = synthetic_events(3, 1)
    names = ["Communication systems", "Navigation", "Propulsion"]  # a long name: a wide axis
    events[0] = Event("run_start", T0, None, 1, None, {"names": names, "parties": 3, "stages": 1})
    model = RunViewModel()
    model.apply(events)
    view.update_from(model, model.end_ns or 0)
    plot = view.getPlotItem()
    axis = plot.getAxis("left").minimumWidth()
    assert axis > 60  # the names' axis did widen
    qtbot.waitUntil(lambda: plot.geometry().width() <= view.width())
    assert plot.titleLabel.item.textWidth() <= view.width() - axis


@pytest.mark.parametrize("width", [700, 1200])
def test_the_last_release_keeps_its_label_when_the_whole_run_is_fitted(
    qtbot: QtBot, width: int
) -> None:
    """The last release is often the run's end: fitted, there is room past it for half its
    label, which pyqtgraph would otherwise drop rather than cut."""
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(width, 300)
    view.show()
    qtbot.waitExposed(view)
    model = RunViewModel()
    model.apply(synthetic_events(3, 2, action=False))
    view.update_from(model, model.end_ns or 0)
    view.fit()
    image = QImage(view.size(), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = view.release_axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert [text for *_rest, text in texts] == ["release 1", "release 2"]
