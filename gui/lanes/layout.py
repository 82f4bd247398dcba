"""Where everything in the lanes view goes, for a given size and number of parties.

Why separate from painting: geometry and fonts only change on resize or when the party count
changes, so `LanesView` computes a `LaneGeometry` once and the 60 fps paint just reads it.
Two regimes: a few parties get big, projector-readable rows (names ≥ 17 px, a badge with icon
and word); a crowd (13–256) gets compact rows that all fit, with small names and icon-only
badges, dropping names altogether when rows get thinner than a line of text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontMetricsF

from gui.lanes.style import DEFAULT_STYLE, LaneStyle

COMPACT_ABOVE = 12  # more parties than this: compact rows
GATE_AT = 0.80  # the barrier line sits at this fraction of the track
WIDEST_BADGE = "‖ waiting · 256th of 256"
WIDEST_BADGE_SMALL = "‖ waiting · 3rd of 3"
WIDEST_BADGE_AT = "‖ waiting #0 · 3rd of 3"  # a traced program with several barriers


def clamp(value: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, value))


def sized_font(base: QFont, px: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


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

    @property
    def lanes_bottom(self) -> float:
        return self.lanes_top + self.rows * self.row_h

    def row_centre(self, index: int) -> float:
        return self.lanes_top + (index + 0.5) * self.row_h


def compute_geometry(
    width: int,
    height: int,
    names: list[str],
    base: QFont,
    max_parties: int = 3,
    style: LaneStyle = DEFAULT_STYLE,
    alert: bool = False,
    several_barriers: bool = False,
) -> LaneGeometry:
    """Lay out `names` as rows in a `width`×`height` widget (fonts and bars per `style`).

    With `alert`, the banner slot grows to hold a failure's title and 2–3 lines of why."""
    rows = max(len(names), 1)
    scale = clamp(min(width / 1150, height / 640), 0.8, 1.7)
    margin = 26 * scale
    compact = rows > COMPACT_ABOVE
    header_px = style.text_px(22 * scale)
    banner_px = style.text_px((22 if compact else 27) * scale)
    header_h = max(46 * scale, header_px * 2.1)
    banner_h = max((58 if compact else 84) * scale, banner_px * (2.2 if compact else 3.1))
    if alert:  # title + two or three lines of explanation (gui/lane_alert.py)
        body_px = style.text_px(19 * scale)
        banner_h = max(banner_h, banner_px * 1.6 + body_px * 1.32 * 3 + 30 * scale)
    header_y = margin * 0.7
    banner_y = header_y + header_h + 8 * scale
    lanes_top = banner_y + banner_h + 22 * scale
    caption = 22 * scale  # the "barrier" caption under the gate
    available = max(height - lanes_top - margin - caption, 10.0)
    tallest = 118 * scale * max(style.text_scale, style.bar_scale, 1.0)
    row_h = available / rows if compact else min(available / rows, tallest)
    lanes_top += (available - row_h * rows) / 3  # few rows: sit a little lower, not glued up
    if compact:
        bar_h = clamp(row_h * 0.55 * style.bar_scale, 2, 16 * scale * style.bar_scale)
        name_px = clamp(row_h * 0.66, 8, 16 * scale * style.text_scale)
        show_names = row_h >= 9
        badge_px = name_px
        small_px = max(13 * scale, name_px * 0.72)
    else:
        bar_h = clamp(row_h * 0.40 * style.bar_scale, 14, min(42 * scale * style.bar_scale, row_h))
        name_px = style.text_px(clamp(row_h * 0.24, 17, 26 * scale))
        show_names = True
        badge_px = max(name_px * 0.78, style.min_text_px)  # name_px is already scaled
        small_px = max(13 * scale * style.text_scale, name_px * 0.72, style.min_text_px)
    name_font = sized_font(base, name_px, bold=not compact)
    badge_font = sized_font(base, badge_px, bold=True)
    header_font = sized_font(base, header_px, bold=True)
    small_font = sized_font(base, small_px)
    banner_font = sized_font(base, banner_px, bold=True)
    chip = name_px * 0.78 if show_names else 0.0
    name_x = margin
    if show_names:
        metrics = QFontMetricsF(name_font)
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0.0)
        name_w = min(chip + 12 * scale + widest + 4, width * 0.26)
    else:
        name_w = 0.0
    if compact:
        badge_w = row_h * 1.2 if row_h >= 10 else 6 * scale
    else:
        sample = WIDEST_BADGE_SMALL if max_parties < 10 else WIDEST_BADGE
        sample = WIDEST_BADGE_AT if several_barriers and max_parties < 10 else sample
        badge_w = QFontMetricsF(badge_font).horizontalAdvance(sample) + 1.4 * name_px
    badge_x = name_x + name_w + (18 if show_names else 0) * scale
    track_x0 = badge_x + badge_w + 22 * scale
    track_x1 = width - margin
    gate_x = track_x0 + GATE_AT * max(track_x1 - track_x0, 1.0)
    return LaneGeometry(
        width, height, rows, compact, scale, margin, header_y, header_h, banner_y, banner_h,
        lanes_top, row_h, bar_h, chip, name_x, name_w, badge_x, badge_w, track_x0, gate_x,
        track_x1, show_names, name_font, badge_font, header_font, small_font, banner_font,
        style,
    )  # fmt: skip
