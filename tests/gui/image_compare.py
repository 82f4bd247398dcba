"""Approved images, in pyqtgraph's spirit: a render is compared with a small reference PNG.

Why downscaled: text is rendered a little differently by different font versions and
hinting; shrinking both images by SHRINK (area-averaged) turns a glyph into a grey patch whose
place and size still show, so a lane that moved, grew or lost its text fails, while
anti-aliasing noise does not.  A pixel "differs" when any channel is more than CHANNEL_TOLERANCE
apart; a render passes while at most MAX_DIFFERING of its pixels differ.

To approve new renders (after an intended change of look), run:

    BV_APPROVE_IMAGES=1 QT_QPA_PLATFORM=offscreen \
        .venv/bin/python -m pytest -q tests/gui/test_approved_images.py

and look at the PNGs it wrote to tests/gui/approved/ before committing them.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

APPROVED = Path(__file__).resolve().parent / "approved"
APPROVE_ENV = "BV_APPROVE_IMAGES"
SHRINK = 4
CHANNEL_TOLERANCE = 48
MAX_DIFFERING = 0.02  # of the (shrunk) pixels


def shrunk(image: QImage) -> QImage:
    small = image.scaled(
        max(image.width() // SHRINK, 1),
        max(image.height() // SHRINK, 1),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return small.convertToFormat(QImage.Format.Format_RGB32)


def differing(a: QImage, b: QImage) -> float:
    """The share of pixels of `a` and `b` (same size) that differ beyond the tolerance."""
    count = 0
    for y in range(a.height()):
        for x in range(a.width()):
            p, q = a.pixel(x, y), b.pixel(x, y)
            for shift in (16, 8, 0):
                if abs(((p >> shift) & 255) - ((q >> shift) & 255)) > CHANNEL_TOLERANCE:
                    count += 1
                    break
    return count / max(a.width() * a.height(), 1)


def check_approved(image: QImage, name: str) -> None:
    """Compare a render with tests/gui/approved/NAME.png (or write it when approving)."""
    small = shrunk(image)
    path = APPROVED / f"{name}.png"
    if os.environ.get(APPROVE_ENV):
        APPROVED.mkdir(exist_ok=True)
        assert small.save(str(path)), f"cannot write {path}"
        return
    approved = QImage(str(path))
    assert not approved.isNull(), f"no approved image {path}: see tests/gui/image_compare.py"
    approved = approved.convertToFormat(QImage.Format.Format_RGB32)
    assert (small.width(), small.height()) == (approved.width(), approved.height()), (
        f"{name}: the render is {small.width()}×{small.height()} (shrunk), the approved "
        f"image {approved.width()}×{approved.height()}"
    )
    share = differing(small, approved)
    if share > MAX_DIFFERING:
        failed = path.with_name(f"{name}.failed.png")
        small.save(str(failed))
        raise AssertionError(
            f"{name}: {share:.1%} of the pixels differ from the approved image (at most "
            f"{MAX_DIFFERING:.0%}); the render is in {failed}"
        )
