"""The engine knows nothing of Qt: importing every engine module pulls in no PySide6,
pyqtgraph or gui (checked in a fresh interpreter, so other tests' imports cannot hide it)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import engine
from tests.paths import ROOT

FORBIDDEN = ("PySide6", "pyqtgraph", "gui", "shiboken6")


def engine_modules() -> list[str]:
    """Every module of every engine subpackage, by dotted name."""
    return sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine."))


def test_engine_has_modules_to_check() -> None:
    assert {
        "engine.core.barrier",
        "engine.sources.processes.runner",
        "engine.model.view_model",
    } <= set(engine_modules())


def test_engine_imports_no_qt_and_no_gui() -> None:
    imports = "; ".join(f"import {m}" for m in engine_modules())
    probe = (
        f"import sys; {imports}; "
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}); "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"engine imported: {out.stdout.strip()}"


def test_the_probe_would_catch_a_qt_import() -> None:
    """Guard the guard: the same probe flags a module that imports pyqtgraph."""
    probe = "import sys, pyqtgraph; print(any(m.startswith('pyqtgraph') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True"
