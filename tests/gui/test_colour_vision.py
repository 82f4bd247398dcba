"""The state colours stay apart for colour-blind viewers (protanopia, deuteranopia), and a
party's mark is never a state colour."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QColor, QImage

from engine.model.view_model import LaneState
from gui.lanes.style import COLOURS
from gui.style.colour_vision import delta_e, simulate, simulate_image
from gui.style.palette import (
    ACTION_COLOUR,
    BROKEN_COLOUR,
    DIED_COLOUR,
    GATE_COLOUR,
    RELEASE_COLOUR,
    STATE_LOOKS,
    WAIT_COLOUR,
    WORK_COLOUR,
    party_mark,
)

CORE = {"working": WORK_COLOUR, "waiting": WAIT_COLOUR, "released": RELEASE_COLOUR}
ALL = CORE | {"action": ACTION_COLOUR, "broken": BROKEN_COLOUR, "died": DIED_COLOUR}
ALL |= {"gate": GATE_COLOUR}
KINDS = ("protanopia", "deuteranopia")


@pytest.mark.parametrize("kind", KINDS)
def test_working_waiting_and_released_read_apart(kind: str) -> None:
    for a, b in itertools.combinations(CORE, 2):
        assert delta_e(simulate(CORE[a], kind), simulate(CORE[b], kind)) >= 20, (a, b)


@pytest.mark.parametrize("kind", KINDS)
def test_every_state_colour_stays_distinguishable(kind: str) -> None:
    for a, b in itertools.combinations(ALL, 2):
        assert delta_e(simulate(ALL[a], kind), simulate(ALL[b], kind)) >= 10, (a, b)


def test_states_also_read_without_colour() -> None:
    shown = {(look.icon, look.word) for look in STATE_LOOKS.values()}
    assert len(shown) == len(LaneState)  # every state its own icon and word


def test_the_simulation_is_the_identity_on_greys_and_changes_red_green() -> None:
    grey = simulate("#808080", "deuteranopia")
    assert delta_e(grey, QColor("#808080")) < 1.5
    red, green = simulate("#D00000", "deuteranopia"), simulate("#00A000", "deuteranopia")
    assert delta_e(red, green) < delta_e(QColor("#D00000"), QColor("#00A000")) / 2
    image = QImage(2, 1, QImage.Format.Format_RGB32)
    image.setPixelColor(0, 0, QColor("#D00000"))
    image.setPixelColor(1, 0, QColor("#808080"))
    seen = simulate_image(image, "protanopia")
    assert seen.pixelColor(0, 0).name() == simulate("#D00000", "protanopia").name()


def test_party_marks_are_numbers_in_neutral_colours() -> None:
    assert [party_mark(i) for i in range(3)] == ["1", "2", "3"]
    states = {QColor(c).name() for c in ALL.values()}
    for colours in COLOURS.values():  # the mark is drawn in text/muted/background only
        for which in ("text", "muted", "background"):
            assert colours.q(which).name() not in states
