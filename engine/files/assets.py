"""Where the app's data files are: presets now, lessons and anything else later.

Why one function: the files live in the repository's top-level ``assets/`` folder, and the app
must find them however it was installed.  A built wheel carries them as package data inside the
``engine`` package (``engine/assets/…``: setup.py maps the folder there), so they are found
with importlib.resources like any package data.  A checkout (``python main.py``) or an
editable install (``pip install -e .``) runs the ``engine`` package from the checkout, where
``assets/`` sits beside it; that is used only when the checkout is recognisable as ours (its
pyproject.toml is there too), never a stray ``assets`` folder in site-packages.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["asset_folder"]

PACKAGED = "assets"  # the folder's name inside the installed engine package


def _engine_dir() -> Path:
    found = resources.files("engine")
    # A package installed from a wheel, or run from a checkout, is a folder on disk; the app
    # is never run from a zip (its child processes re-import it by path).
    return Path(str(found))


def asset_folder(name: str) -> Path:
    """The folder ``assets/<name>`` (e.g. ``"presets"``) shipped with the app.

    It may not exist (an install without that kind of asset); callers treat a missing folder
    as an empty one.  `name` is one plain folder name, never a path.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ValueError(f"asset folder name must be a plain name, got {name!r}")
    engine_dir = _engine_dir()
    packaged = engine_dir / PACKAGED / name
    if packaged.is_dir():
        return packaged
    checkout = engine_dir.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "assets").is_dir():
        return checkout / "assets" / name
    return packaged
