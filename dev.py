#!/usr/bin/env python3
"""One-step set-up for a fresh machine: create .venv, install, then run the app or the tests.

Why a script and not a Makefile: the only thing a fresh machine is promised is Python 3.11+ and
pip, so set-up must need nothing else.  `python3 dev.py app [ARGS]` runs the app,
`python3 dev.py test [PYTEST ARGS]` runs the test suite.  Installs are skipped when
pyproject.toml has not changed since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"


def venv_python() -> Path:
    """Path of the interpreter inside .venv (POSIX and Windows layouts)."""
    unix = VENV / "bin" / "python"
    return unix if unix.exists() else VENV / "Scripts" / "python.exe"


def ensure_installed(extra: str) -> Path:
    """Create .venv and pip-install the project (editable) with `extra` if not already done."""
    if not venv_python().exists():
        print("dev.py: creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest() + extra
    if not STAMP.exists() or STAMP.read_text() != digest:
        print(f"dev.py: installing barrier-visualiser[{extra}] into .venv …", flush=True)
        subprocess.check_call(
            [str(venv_python()), "-m", "pip", "install", "--quiet", "-e", f".[{extra}]"],
            cwd=ROOT,
        )
        STAMP.write_text(digest)
    return venv_python()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test"}:
        print("usage: python3 dev.py app [ARGS…] | test [PYTEST ARGS…]", file=sys.stderr)
        return 2
    python = ensure_installed("test")
    if argv[0] == "app":
        cmd = [str(python), str(ROOT / "main.py"), *argv[1:]]
    else:
        cmd = [str(python), "-m", "pytest", *argv[1:]]
    return subprocess.call(cmd, cwd=ROOT, env=os.environ.copy())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
