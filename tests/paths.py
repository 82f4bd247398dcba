"""Where the tests find the project: its root, main.py and the traced example programs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "main.py"
PROGRAMS = ROOT / "tests" / "programs"
