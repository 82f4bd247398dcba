"""How the app looks to a colour-blind viewer: simulate protanopia and deuteranopia.

Why in the app's own code: the state colours are the one thing a room must tell apart at a
glance, and about one man in twelve cannot tell red from green.  This turns a colour (or a
whole screenshot) into what a dichromat sees, with the matrices of Machado, Oliveira and
Fernandes (2009, severity 1.0) applied in linear RGB, so a test can check that working,
waiting and released stay apart and a person can look at a simulated screenshot:

    python -m gui.style.colour_vision shot.png shot-deuteranopia.png deuteranopia
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QImage

MATRICES = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
}


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def simulate(colour: QColor | str, kind: str) -> QColor:
    """`colour` as a viewer with `kind` ("protanopia" or "deuteranopia") sees it."""
    rgb = QColor(colour)
    lin = [_to_linear(v) for v in (rgb.redF(), rgb.greenF(), rgb.blueF())]
    out = [sum(m * v for m, v in zip(row, lin, strict=True)) for row in MATRICES[kind]]
    return QColor.fromRgbF(*(_to_srgb(v) for v in out))


def lab(colour: QColor) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = (_to_linear(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: QColor, b: QColor) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable, above 20 reads as different."""
    la, lb = lab(a), lab(b)
    return float(sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5)


def simulate_image(image: QImage, kind: str) -> QImage:
    """A copy of `image` as a viewer with `kind` sees it (slow: per pixel, for checks only)."""
    out = image.convertToFormat(QImage.Format.Format_RGB32)
    cache: dict[int, int] = {}
    for y in range(out.height()):
        for x in range(out.width()):
            pixel = out.pixel(x, y)
            seen = cache.get(pixel)
            if seen is None:
                seen = cache[pixel] = simulate(QColor(pixel), kind).rgb()
            out.setPixel(x, y, seen)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[2] not in MATRICES:
        print("usage: python -m gui.style.colour_vision IN.png OUT.png protanopia|deuteranopia")
        return 2
    image = QImage(argv[0])
    if image.isNull():
        print(f"error: cannot read {argv[0]}", file=sys.stderr)
        return 2
    return 0 if simulate_image(image, argv[2]).save(argv[1]) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
