"""Qt-free core of Barrier Visualiser: scenarios, runner, the instrumented Barrier, events.

Nothing in this package may import PySide6, pyqtgraph or gui (tests/engine/test_layering.py).
"""

from engine.core.barrier import Barrier, BrokenBarrierError, InstrumentedBarrier

__all__ = ["Barrier", "BrokenBarrierError", "InstrumentedBarrier"]
