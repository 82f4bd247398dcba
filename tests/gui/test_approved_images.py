"""The lanes look as approved, at a 720p and a 1080p stage, in both themes, mid-run and at
the release: a layout regression (a row that moved, text that no longer fits, a lost banner)
fails here.  How the comparison tolerates font differences, and the one command that approves
new images: tests/gui/image_compare.py."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QImage
from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.model.view_model import RunViewModel
from gui.features.presentation import Look
from gui.lanes.view import LanesView
from tests.gui.image_compare import check_approved
from tests.gui.probes import painted_geometry

T0 = 1_000_000_000_000
S = 1_000_000_000
NAMES = ["Navigation", "Communication", "Propulsion"]
# the lanes' part of a presentation-mode window at each stage height (measured on screen)
STAGES = {"720p": ((900, 330), 720), "1080p": ((1360, 560), 1080)}


def model_at(moment: str) -> tuple[RunViewModel, int]:
    """A launch-like run, frozen at `moment`: "waiting" (two at the gate, one working) or
    "released" (all through, the action's banner up)."""
    events = [
        Event("run_start", T0, None, 1, None, {"names": NAMES, "parties": 3, "stages": 1}),
        *[
            Event("work_start", T0, p, 10 + p, 0, {"planned_s": w})
            for p, w in enumerate((1, 0.8, 1.6))
        ],
        Event("arrive", T0 + 8 * S // 10, 1, 11, 0),
        Event("arrive", T0 + S, 0, 10, 0),
    ]
    now = T0 + 12 * S // 10
    if moment == "released":
        trip = T0 + 16 * S // 10
        events += [
            Event("arrive", trip, 2, 12, 0),
            Event("action", trip, 2, 12, 0, {"message": "All systems go! Launching now."}),
            *[
                Event("release", trip + 1, p, 10 + p, 0, {"index": i})
                for p, i in ((2, 2), (1, 0), (0, 1))
            ],
        ]
        now = trip + 2 * S
    model = RunViewModel()
    model.apply(events)
    return model, now


@pytest.mark.parametrize("moment", ["waiting", "released"])
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("stage", sorted(STAGES))
def test_lanes_look_as_approved(qtbot: QtBot, stage: str, theme: str, moment: str) -> None:
    (width, height), stage_px = STAGES[stage]
    view = LanesView()
    qtbot.addWidget(view)
    font = QFont("DejaVu Sans")
    font.setPixelSize(15)
    view.setFont(font)
    view.set_style(Look(theme, presenting=True, stage_px=stage_px).lane_style())
    view.resize(width, height)
    model, now = model_at(moment)
    view.update_from(model, now)
    image: QImage = view.grab().toImage()
    g = painted_geometry(view)
    assert g is not None and g.lanes_bottom <= height  # everything is inside the view
    check_approved(image, f"lanes-{stage}-{theme}-{moment}")
