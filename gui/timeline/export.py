"""Save the timeline as a picture: SVG (Qt's own generator) or a 2× PNG, atomically.

Why its own module: exporting has nothing to do with following a live run; it only needs the
plot widget, and keeping it apart keeps `gui/timeline.py` about the live view.
"""

from __future__ import annotations

import contextlib
import os

import pyqtgraph as pg
from pyqtgraph import exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from engine.files.atomic import atomic_write_bytes


def export_image(plot: pg.PlotWidget, path: str) -> None:
    """Save the plot as SVG or (otherwise) a 2× PNG, atomically."""
    if path.lower().endswith(".svg"):
        atomic_write_bytes(path, svg_bytes(plot))
        return
    exporter = exporters.ImageExporter(plot.getPlotItem())
    exporter.parameters()["width"] = int(max(plot.width(), 600) * 2)
    image: QImage = exporter.export(toBytes=True)
    folder, name = os.path.split(os.path.abspath(path))
    temp = os.path.join(folder, f".{name}.{os.getpid()}.tmp{os.path.splitext(name)[1]}")
    try:  # a temp file beside the target (the suffix picks the format), then one rename
        if not image.save(temp):
            raise OSError(f"cannot save the timeline as {path}")
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


def svg_bytes(plot: pg.PlotWidget) -> bytes:
    """The plot as SVG, rendered by Qt's own generator.

    Why not pyqtgraph's SVGExporter: in pyqtgraph 0.14 it cannot parse the closed paths
    ("... Z") that Qt 6 writes, so it fails on every plot (pyqtgraph issue #3495).
    """
    source = plot.getPlotItem().sceneBoundingRect()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(source.size().toSize())
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setTitle("Barrier Visualiser timeline")
    generator.setResolution(plot.logicalDpiX())  # else 72 dpi: fonts and axes shrink
    painter = QPainter(generator)
    try:
        plot.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    return bytes(data.data())
