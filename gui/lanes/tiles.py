"""Paint a crowd as tiles: one per party, its state by colour and icon, its number, names
where they fit, on the last arrivers and on hover.

Why tiles and not thinner rows: 32 rows on a 1280×720 projector leave each name about 8 px
tall — a texture, not text.  A grid keeps every party visible at a readable size, and the
story of a crowd is told by counts (the gate counter, painted large above) and by who came
last, not by 32 names at once.  A tile is a small lane: while its party works, a strip along
its bottom fills like the lane's bar; waiting, it turns the waiting orange with ‖; released,
green with ✔.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from engine.model.view_model import Lane, LaneState, RunViewModel
from gui.lanes.layout import LaneGeometry, TileGrid
from gui.lanes.painter import text_on
from gui.style.palette import party_mark, state_look

CENTRE = Qt.AlignmentFlag.AlignCenter
FILLED = (
    LaneState.WAITING,
    LaneState.RELEASED,
    LaneState.DONE,
    LaneState.BROKEN,
    LaneState.DIED,
    LaneState.STOPPED,
)


def last_arrivers(model: RunViewModel) -> set[int]:
    """Whom a crowd names: the latest to arrive at the gate now, and the last arriver of the
    latest release (the party that ran the barrier action)."""
    out: set[int] = set()
    waiting = [lane for lane in model.lanes if lane.state == LaneState.WAITING]
    if waiting:
        out.add(max(waiting, key=lambda lane: lane.arrival_rank or 0).index)
    banner = model.action_banner
    if banner is not None and banner.party is not None:
        out.add(banner.party)
    return out


def paint_tiles(
    p: QPainter, g: LaneGeometry, model: RunViewModel, now_ns: int, hover: int | None
) -> None:
    grid = g.tiles
    if grid is None:
        return
    named = last_arrivers(model)
    for lane in model.lanes:
        _paint_tile(p, g, grid, model, lane, now_ns, lane.index in named, lane.index == hover)
    caption = names_caption(model, hover)
    if caption:
        bottom = grid.y + grid.rows * (grid.h + grid.gap)
        rect = QRectF(grid.x, bottom, g.width - 2 * grid.x, g.height - bottom)
        metrics = QFontMetricsF(g.small_font)
        p.setFont(g.small_font)
        p.setPen(g.style.colours.q("text"))
        text = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, rect.width())
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, text)


def names_caption(model: RunViewModel, hover: int | None) -> str:
    """The names a crowd's tiles have no room for: the party under the mouse, the latest to
    arrive, and who ran the last action ("‖ latest to arrive: Worker 02 (#2) · …")."""
    parts = []
    if hover is not None and 0 <= hover < len(model.lanes):
        lane = model.lanes[hover]
        parts.append(f"{state_look(lane.state).icon} #{party_mark(hover)} is {lane.name}")
    waiting = [lane for lane in model.lanes if lane.state == LaneState.WAITING]
    if waiting:
        last = max(waiting, key=lambda lane: lane.arrival_rank or 0)
        parts.append(f"‖ latest to arrive: {last.name} (#{party_mark(last.index)})")
    banner = model.action_banner
    if banner is not None and banner.party is not None and banner.party < len(model.lanes):
        who = model.lanes[banner.party].name
        parts.append(
            f"★ stage {banner.stage + 1} action ran in {who} (#{party_mark(banner.party)})"
        )
    return "   ·   ".join(parts)


def _paint_tile(
    p: QPainter,
    g: LaneGeometry,
    grid: TileGrid,
    model: RunViewModel,
    lane: Lane,
    now_ns: int,
    named: bool,
    hovered: bool,
) -> None:
    x, y, w, h = grid.rect(lane.index)
    rect = QRectF(x, y, w, h)
    radius = min(w, h) * 0.14
    look = state_look(lane.state)
    colours = g.style.colours
    colour = QColor(look.colour)
    p.setPen(Qt.PenStyle.NoPen)
    if lane.state in FILLED:
        fill = colour
        ink = text_on(colour)
    else:  # idle, starting, working: a pale tile, the work as a strip filling along its foot
        fill = QColor(colour)
        fill.setAlphaF(0.22 if colours.dark else 0.18)
        ink = colours.q("text")
    p.setBrush(fill)
    p.drawRoundedRect(rect, radius, radius)
    if lane.state == LaneState.WORKING:
        strip = max(h * 0.16, 3.0)
        done = model.progress(lane, now_ns if lane.ended_ns is None else lane.ended_ns)
        p.setBrush(colour)
        p.drawRoundedRect(
            QRectF(x, y + h - strip, max(w * done, strip), strip), strip / 2, strip / 2
        )
    if named or hovered:  # the parties a crowd names get an outline in the text colour
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(colours.q("text"), max(2.0, h * 0.05)))
        p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius)
    show_name = grid.names_fit  # else the names are in the caption under the grid
    top_h = h * (0.55 if show_name else 1.0)
    p.setFont(g.badge_font)
    p.setPen(ink)
    p.drawText(QRectF(x, y, w, top_h), CENTRE, f"{look.icon} {party_mark(lane.index)}")
    if show_name:
        p.setFont(g.small_font)
        metrics = QFontMetricsF(g.small_font)
        name = metrics.elidedText(lane.name, Qt.TextElideMode.ElideRight, w - h * 0.2)
        p.drawText(QRectF(x, y + top_h - h * 0.08, w, h - top_h), CENTRE, name)


def tile_tooltip(model: RunViewModel, index: int) -> str:
    """What hovering a tile says: the party's name, number and state in words."""
    lane = model.lanes[index]
    look = state_look(lane.state)
    text = f"{lane.name} (#{party_mark(index)}): {look.icon} {look.word}"
    if lane.state == LaneState.WAITING and lane.arrival_rank is not None:
        text += f", arrived {lane.arrival_rank} of {model.parties or len(model.lanes)}"
    if lane.detail and lane.state in (LaneState.BROKEN, LaneState.DIED):
        text += f"\n{lane.detail}"
    return text
