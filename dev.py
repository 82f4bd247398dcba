#!/usr/bin/env python3
"""One-step set-up for a fresh machine: create .venv, install, then run the app or the tests.

Why a script and not a Makefile: the only thing a fresh machine is promised is Python 3.11+ and
pip, so set-up must need nothing else.  `python3 dev.py app [ARGS]` installs what the app needs
(``pip install -e .``) and runs it; `python3 dev.py test [PYTEST ARGS]` adds the test tools
(``-e .[test]``: pytest, mypy, ruff, hypothesis, MPI) and runs the test suite.  Someone who only
wants the app never downloads the test tools.  Each set-up is skipped when the build files have
not changed since it was last installed; the test set-up includes the app's.
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
BUILD_FILES = ("pyproject.toml", "setup.py")
# What each set-up installs, and which set-ups include it (test includes app).
SETUPS = {"app": ".", "test": ".[test]"}
INCLUDED_IN = {"app": ("app", "test"), "test": ("test",)}


def venv_python() -> Path:
    """Path of the interpreter inside .venv (POSIX and Windows layouts)."""
    unix = VENV / "bin" / "python"
    return unix if unix.exists() else VENV / "Scripts" / "python.exe"


def stamp(setup: str) -> Path:
    return VENV / f".installed-{setup}"


def build_digest() -> str:
    digest = hashlib.sha256()
    for name in BUILD_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_installed(setup: str) -> Path:
    """Create .venv and pip-install the project (editable) for `setup` unless already done."""
    if not venv_python().exists():
        print("dev.py: creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = build_digest()
    if any(stamp(s).exists() and stamp(s).read_text() == digest for s in INCLUDED_IN[setup]):
        return venv_python()
    print(f"dev.py: installing the {setup} set-up (-e {SETUPS[setup]}) into .venv …", flush=True)
    subprocess.check_call(
        [str(venv_python()), "-m", "pip", "install", "--quiet", "-e", SETUPS[setup]], cwd=ROOT
    )
    stamp(setup).write_text(digest)
    return venv_python()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in SETUPS:
        print("usage: python3 dev.py app [ARGS…] | test [PYTEST ARGS…]", file=sys.stderr)
        return 2
    python = ensure_installed(argv[0])
    if argv[0] == "app":
        cmd = [str(python), str(ROOT / "main.py"), *argv[1:]]
    else:
        cmd = [str(python), "-m", "pytest", *argv[1:]]
    return subprocess.call(cmd, cwd=ROOT, env=os.environ.copy())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
