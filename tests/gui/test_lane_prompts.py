"""What the presenter must do next shows in a crowd too: the hold card ("Paused before stage 2
— press N") and, with the presenter gate, "Your turn: press G" — both in the banner slot,
since a crowd's tiles or thin rows have no room for words."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import RunViewModel
from gui.lanes.layout import LaneGeometry, LayoutKind
from gui.lanes.view import LanesView
from gui.style.palette import GATE_COLOUR
from tests.gui.probes import painted_geometry

MS = 1_000_000


def crowd(parties: int, presenter: bool = False) -> list[Event]:
    """Stage 1 done by everyone; the workers then hold before stage 2 (or, with a presenter,
    have arrived while the presenter's "work" waits for G)."""
    total = parties + presenter
    names = [f"Worker {i + 1:03d}" for i in range(parties)] + ["Presenter"] * presenter
    events = [Event("run_start", 0, None, 1, None, {"names": names, "parties": total})]
    for p in range(parties):
        events.append(Event("work_start", MS, p, 100 + p, 0, {"planned_s": 0.01}))
        events.append(Event("arrive", 20 * MS, p, 100 + p, 0))
    if presenter:
        events.append(Event("work_start", MS, parties, 99, 0, {"workload": "presenter"}))
        return events
    events += [Event("release", 30 * MS, p, 100 + p, 0, {"index": p}) for p in range(parties)]
    events += [Event("hold", 40 * MS, p, 100 + p, 1) for p in range(parties)]
    return events


def paint(qtbot: QtBot, events: list[Event], size: tuple[int, int]) -> tuple[QImage, LaneGeometry]:
    view = LanesView()
    qtbot.addWidget(view)
    view.resize(*size)
    model = RunViewModel()
    model.apply(events)
    view.update_from(model, 50 * MS)
    g = painted_geometry(view)
    assert g is not None
    return view.grab().toImage(), g


def near(colour: QColor, wanted: str) -> bool:
    target = QColor(wanted)
    return all(
        abs(a - b) <= 8 for a, b in zip(colour.getRgb()[:3], target.getRgb()[:3], strict=True)
    )


@pytest.mark.parametrize(
    ("parties", "size", "kind"),
    [(100, (1000, 500), LayoutKind.TILES), (100, (1200, 2000), LayoutKind.COMPACT)],
)
def test_a_crowd_held_before_a_stage_shows_the_hold_card(
    qtbot: QtBot, parties: int, size: tuple[int, int], kind: LayoutKind
) -> None:
    image, g = paint(qtbot, crowd(parties), size)
    assert g.kind == kind and parties > 64
    inside = image.pixelColor(round(g.margin + 8 * g.scale), round(g.banner_y + g.banner_h / 2))
    assert near(inside, GATE_COLOUR), inside.name()  # the card fills the banner slot


def test_the_presenters_turn_in_a_crowd_is_a_card_in_the_banner_slot(qtbot: QtBot) -> None:
    image, g = paint(qtbot, crowd(32, presenter=True), (900, 500))
    assert g.kind == LayoutKind.TILES
    inside = image.pixelColor(round(g.margin + 8 * g.scale), round(g.banner_y + g.banner_h / 2))
    assert inside.blue() - inside.red() > 20, inside.name()  # tinted gate-blue, pulsing
    card, _ = paint(qtbot, crowd(32, presenter=True)[:-1], (900, 500))  # no presenter yet
    before = card.pixelColor(round(g.margin + 8 * g.scale), round(g.banner_y + g.banner_h / 2))
    assert before.blue() - before.red() < 10, before.name()
