"""Where everything in the lanes view goes, for a given size and number of parties.

Why separate from painting: geometry and fonts only change on resize or when the party count
changes, so `LanesView` computes a `LaneGeometry` once and the 60 fps paint just reads it.

Three layouts, chosen by what stays readable (`layout_kind`):
- ROWS: a few parties get big, projector-readable rows (a badge with icon and word);
- COMPACT: more parties get thin rows that all fit, names at least the text floor;
- TILES: when even thin rows could not hold a readable name (32 parties on a 1280×720
  projector), a grid of tiles, one per party: state by colour and icon, the party's number,
  names where they fit, on the last arrivers and on hover (gui/lanes/tiles.py).
Every text is at least `style.min_text_px` (on stage: a fraction of the screen's height), and
rows grow to hold their text: a pill is never shorter than its words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QFont, QFontMetricsF

from gui.lanes.style import DEFAULT_STYLE, LaneStyle

COMPACT_ABOVE = 12  # more parties than this: compact rows (or tiles)
GATE_AT = 0.80  # the barrier line sits at this fraction of the track
WIDEST_BADGE = "‖ waiting · 256th of 256"
WIDEST_BADGE_SMALL = "‖ waiting · 3rd of 3"
WIDEST_BADGE_AT = "‖ waiting #0 · 3rd of 3"  # a traced program with several barriers
DESK_MIN_NAME_PX = 11.0  # at the desk, a compact row's name is at least this (else: tiles)
NAME_SHARE = 0.34  # names may take this much of the width before they shrink, then elide
ROW_PER_TEXT = 2.0  # a row is at least this many times its badge text tall
TILE_ASPECT = 1.9  # tiles are this much wider than tall


class LayoutKind(StrEnum):
    ROWS = "rows"
    COMPACT = "compact"
    TILES = "tiles"


def clamp(value: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, value))


def sized_font(base: QFont, px: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class TileGrid:
    """The crowd layout: `cols` × `rows` tiles of `w` × `h` from (`x`, `y`), `gap` apart."""

    cols: int
    rows: int
    x: float
    y: float
    w: float
    h: float
    gap: float
    names_fit: bool  # every tile can show its party's name at the floor size

    def rect(self, index: int) -> tuple[float, float, float, float]:
        row, col = divmod(index, self.cols)
        return (
            self.x + col * (self.w + self.gap),
            self.y + row * (self.h + self.gap),
            self.w,
            self.h,
        )

    def at(self, x: float, y: float, count: int) -> int | None:
        """The tile index under (x, y), or None."""
        col = math.floor((x - self.x) / (self.w + self.gap))
        row = math.floor((y - self.y) / (self.h + self.gap))
        if not (0 <= col < self.cols and 0 <= row < self.rows):
            return None
        index = row * self.cols + col
        left, top, w, h = self.rect(index)
        inside = left <= x <= left + w and top <= y <= top + h
        return index if inside and index < count else None


@dataclass(frozen=True)
class LaneGeometry:
    width: int
    height: int
    rows: int
    compact: bool
    scale: float
    margin: float
    header_y: float
    header_h: float
    banner_y: float
    banner_h: float
    lanes_top: float
    row_h: float
    bar_h: float
    chip: float
    name_x: float
    name_w: float
    badge_x: float
    badge_w: float
    track_x0: float
    gate_x: float
    track_x1: float
    show_names: bool
    name_font: QFont
    badge_font: QFont
    header_font: QFont
    small_font: QFont
    banner_font: QFont
    style: LaneStyle = DEFAULT_STYLE
    kind: LayoutKind = LayoutKind.ROWS
    tiles: TileGrid | None = None
    ghosts: int = 0  # rows for parties that never come (Barrier(4) with 3 processes)

    @property
    def lanes_bottom(self) -> float:
        if self.tiles is not None:
            return self.tiles.y + self.tiles.rows * (self.tiles.h + self.tiles.gap)
        return self.lanes_top + (self.rows + self.ghosts) * self.row_h

    def row_centre(self, index: int) -> float:
        return self.lanes_top + (index + 0.5) * self.row_h

    @property
    def name_text_x(self) -> float:
        """Where a party's name begins: after its numbered mark and a gap."""
        return self.name_x + self.chip + 10 * self.scale


@dataclass(frozen=True)
class _Frame:
    """Header and banner: the part above the lanes, common to every layout."""

    scale: float
    margin: float
    header_y: float
    header_h: float
    banner_y: float
    banner_h: float
    lanes_top: float
    caption: float
    header_px: float
    banner_px: float


def _frame(width: int, height: int, style: LaneStyle, compact: bool, alert: bool) -> _Frame:
    scale = clamp(min(width / 1150, height / 640), 0.8, 1.7)
    margin = 26 * scale
    header_px = style.text_px(22 * scale)
    banner_px = style.text_px((22 if compact else 27) * scale)
    small_px = style.text_px(17 * scale)
    header_h = max(46 * scale, header_px * 2.1)
    # title line + sub line, each with its air
    banner_h = max((58 if compact else 84) * scale, banner_px * 1.45 + small_px * 1.55)
    if alert:  # title + two or three lines of explanation (gui/lanes/alert.py); a narrow
        body_px = style.text_px(19 * scale)  # view gives the hint a line of its own too
        lines = 3 if width >= 1000 else 4 if width >= 760 else 5
        banner_h = max(banner_h, banner_px * 1.6 + body_px * 1.32 * lines + 30 * scale)
    header_y = margin * 0.7
    banner_y = header_y + header_h + 8 * scale
    lanes_top = banner_y + banner_h + 22 * scale
    caption = max(22 * scale, style.min_text_px * 1.6)  # the "barrier" caption under the gate
    return _Frame(
        scale, margin, header_y, header_h, banner_y, banner_h, lanes_top, caption, header_px,
        banner_px,
    )  # fmt: skip


def layout_kind(
    width: int, height: int, parties: int, style: LaneStyle = DEFAULT_STYLE, alert: bool = False
) -> LayoutKind:
    """Which layout `parties` rows get in a `width`×`height` lanes view (see module doc)."""
    rows = max(parties, 1)
    if rows <= COMPACT_ABOVE:
        return LayoutKind.ROWS
    frame = _frame(width, height, style, True, alert)
    available = height - frame.lanes_top - frame.margin - frame.caption
    floor = max(style.min_text_px, DESK_MIN_NAME_PX * style.text_scale)
    return LayoutKind.COMPACT if available / rows * 0.66 >= floor else LayoutKind.TILES


def compute_geometry(
    width: int,
    height: int,
    names: list[str],
    base: QFont,
    max_parties: int = 3,
    style: LaneStyle = DEFAULT_STYLE,
    alert: bool = False,
    several_barriers: bool = False,
    ghosts: int = 0,
) -> LaneGeometry:
    """Lay out `names` in a `width`×`height` widget (fonts and bars per `style`).

    With `alert`, the banner slot grows to hold a failure's title and 2–3 lines of why;
    `ghosts` adds rows for parties the barrier counts but no process will ever be."""
    rows = max(len(names), 1)
    kind = layout_kind(width, height, rows + ghosts, style, alert)
    compact = kind != LayoutKind.ROWS
    f = _frame(width, height, style, compact, alert)
    scale, margin = f.scale, f.margin
    ghosts = ghosts if kind == LayoutKind.ROWS else 0
    lanes_top = f.lanes_top
    available = max(height - lanes_top - margin - f.caption, 10.0)
    slots = rows + ghosts
    tallest = 118 * scale * max(style.text_scale, style.bar_scale, 1.0)
    row_h = available / slots if compact else min(available / slots, tallest)
    if kind == LayoutKind.ROWS:
        lanes_top += (available - row_h * slots) / 3  # few rows: sit a little lower
    floor = style.min_text_px
    if compact:
        bar_h = clamp(row_h * 0.55 * style.bar_scale, 2, 16 * scale * style.bar_scale)
        name_px = max(clamp(row_h * 0.66, 8, 16 * scale * style.text_scale), floor)
        show_names = kind == LayoutKind.COMPACT
        badge_px = name_px
        small_px = max(13 * scale, name_px * 0.72, floor)
    else:
        name_px = style.text_px(clamp(row_h * 0.24, 17, 26 * scale))
        badge_px = max(name_px * 0.78, floor)  # name_px is already scaled
        # the row grows to hold its pill: never shorter than ROW_PER_TEXT × the badge text
        if row_h < badge_px * ROW_PER_TEXT:
            badge_px = max(row_h / ROW_PER_TEXT, floor)
            name_px = max(min(name_px, row_h / 1.5), floor)
        bar_h = clamp(row_h * 0.40 * style.bar_scale, 14, min(42 * scale * style.bar_scale, row_h))
        show_names = True
        small_px = max(13 * scale * style.text_scale, name_px * 0.72, floor)
    name_px, name_w = _fit_names(base, names, name_px, floor, width, scale, not compact)
    if not show_names:
        name_w = 0.0
    name_font = sized_font(base, name_px, bold=not compact)
    badge_font = sized_font(base, badge_px, bold=True)
    header_font = sized_font(base, f.header_px, bold=True)
    small_font = sized_font(base, small_px)
    banner_font = sized_font(base, f.banner_px, bold=True)
    chip = name_px * 1.3 if show_names else 0.0
    name_x = margin
    if kind == LayoutKind.COMPACT:
        badge_w = row_h * 1.2
    else:
        sample = WIDEST_BADGE_SMALL if max_parties < 10 else WIDEST_BADGE
        sample = WIDEST_BADGE_AT if several_barriers and max_parties < 10 else sample
        badge_w = QFontMetricsF(badge_font).horizontalAdvance(sample) + 1.4 * badge_px
    badge_x = name_x + name_w + (18 if show_names else 0) * scale
    track_x0 = badge_x + badge_w + 22 * scale
    track_x1 = width - margin
    gate_x = track_x0 + GATE_AT * max(track_x1 - track_x0, 1.0)
    tiles = None
    if kind == LayoutKind.TILES:
        caption_h = max(floor, DESK_MIN_NAME_PX) * 1.8  # the names line under the grid
        tiles = _tile_grid(
            base, names, margin, f.lanes_top, width - 2 * margin,
            height - f.lanes_top - margin - caption_h, max(floor, DESK_MIN_NAME_PX), scale,
        )  # fmt: skip
        name_font = sized_font(base, max(floor, min(tiles.h * 0.3, 22 * scale)), bold=True)
        badge_font = sized_font(base, max(floor, min(tiles.h * 0.34, 26 * scale)), bold=True)
        small_font = sized_font(base, max(floor, min(tiles.h * 0.26, 18 * scale)))
        gate_x = width - margin  # the counter pill's anchor (there is no gate line)
    return LaneGeometry(
        width, height, rows, compact, scale, margin, f.header_y, f.header_h, f.banner_y,
        f.banner_h, lanes_top, row_h, bar_h, chip, name_x, name_w, badge_x, badge_w, track_x0,
        gate_x, track_x1, show_names, name_font, badge_font, header_font, small_font,
        banner_font, style, kind, tiles, ghosts,
    )  # fmt: skip


def _fit_names(
    base: QFont, names: list[str], px: float, floor: float, width: int, scale: float, bold: bool
) -> tuple[float, float]:
    """A name size and column width that show every name whole: the column grows up to
    NAME_SHARE of the width, then the names shrink toward the floor (only then are they cut)."""
    gap = 12 * scale
    room = width * NAME_SHARE
    size = px
    while True:
        font = sized_font(base, size, bold=bold)
        metrics = QFontMetricsF(font)
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0.0)
        needed = size * 1.3 + gap + widest + 6
        if needed <= room or size <= max(floor, 8.0):
            return size, min(needed, room)
        size = max(size * 0.92, floor, 8.0)


def _tile_grid(
    base: QFont,
    names: list[str],
    x: float,
    y: float,
    w: float,
    h: float,
    floor: float,
    scale: float,
) -> TileGrid:
    """The most columns whose tiles still hold their number and icon at the floor size,
    tiles as large as the area allows."""
    count = max(len(names), 1)
    gap = max(4.0, 6 * scale)
    best: TileGrid | None = None
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        tile_w = (w - gap * (cols - 1)) / cols
        tile_h = min((h - gap * (rows - 1)) / rows, tile_w / TILE_ASPECT * 1.6)
        if tile_h <= 0:
            continue
        tile_w = min(tile_w, tile_h * TILE_ASPECT)
        size = tile_w * tile_h
        if best is None or size > best.w * best.h:
            best = TileGrid(cols, rows, x, y, tile_w, tile_h, gap, False)
    assert best is not None
    used = best.cols * best.w + (best.cols - 1) * gap
    metrics = QFontMetricsF(sized_font(base, floor))
    widest = max((metrics.horizontalAdvance(n) for n in names), default=0.0)
    names_fit = widest + floor <= best.w and best.h >= floor * 3.2
    return TileGrid(
        best.cols, best.rows, x + (w - used) / 2, best.y, best.w, best.h, gap, names_fit
    )
