"""The settings file shared by every window of every running copy of the app.

Why not a QSettings written whole on close: of two windows open at once, the one closed last
would silently undo the other's choices, and QSettings reads a damaged file without a word.  A
store writes only the keys its own window set: under a lock (QLockFile, so two processes take
turns), it re-reads the file, lays its changes over what is there now and replaces the file
atomically (engine/files/atomic.py).  Per key, the last window to change it wins; a key this
window did not set is never written back stale.  (The window itself sets its layout and its
scenario only if they changed since it opened: gui/window/main_window.py, settings.py.)

A file is never trusted blindly: it is JSON with a marker, and anything that does not parse
(a copy cut short by a full disk, a crash of some other tool, a hand edit gone wrong) is set
aside for the last good copy, which every write also leaves beside the file (`NAME.bak`).
Values are JSON's (str, numbers, bool, lists, maps) plus QByteArray (window geometry).
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QLockFile

from engine.files.atomic import atomic_write_text

FORMAT = "barrier-viz settings"
VERSION = 1
LOCK_WAIT_MS = 2_000  # a writer holds the lock for a few milliseconds
BYTES_KEY = "$bytes"  # how a QByteArray is written: {"$bytes": base64}
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_MISSING = object()


class SettingsError(ValueError):
    """The file is not a settings file this app wrote (or it was cut short)."""


def encode(value: object) -> object:
    if isinstance(value, QByteArray):
        return {BYTES_KEY: base64.b64encode(value.data()).decode("ascii")}
    if isinstance(value, bytes):
        return {BYTES_KEY: base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise TypeError(f"settings cannot hold a {type(value).__name__}")


def decode(value: object) -> object:
    if isinstance(value, dict):
        if set(value) == {BYTES_KEY} and isinstance(value[BYTES_KEY], str):
            try:
                return QByteArray(base64.b64decode(value[BYTES_KEY], validate=True))
            except ValueError:
                return None  # not base64: as if it were not there
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def parse(text: str) -> dict[str, object]:
    """The values of a settings file's text; SettingsError if it is not a whole one."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SettingsError(f"not JSON ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SettingsError("not a Barrier Visualiser settings file")
    values = document.get("values")
    if not isinstance(values, dict) or not isinstance(document.get("version"), int):
        raise SettingsError("no values")
    return {str(k): decode(v) for k, v in values.items()}


def render(values: Mapping[str, object]) -> str:
    ordered = dict(sorted(values.items()))
    document = {"format": FORMAT, "version": VERSION, "values": encode(ordered)}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


class SettingsStore:
    """One window's view of the settings file (QSettings' `value`/`setValue` spelling).

    `setValue` writes at once (merged, see the module docstring); `batch()` groups several
    into one write.  `problem` says, in one line, why the file could not be used as it was."""

    def __init__(self, path: str | Path, seed: Mapping[str, object] | None = None) -> None:
        self.path = Path(path)
        self.backup = self.path.with_name(self.path.name + ".bak")
        self.problem: str | None = None
        self._changed: dict[str, object] = {}  # key -> new value (or _MISSING: removed)
        self._batching = 0
        self._values = self._read()
        if seed and not self._values and not self.path.exists():  # older settings to carry over
            with self.batch():
                for key, value in seed.items():
                    self.setValue(key, value)

    # ------------------------------------------------------------------ reading
    def _read(self) -> dict[str, object]:
        """The file's values; its last good copy if the file is damaged; {} if neither."""
        try:
            return parse(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._read_backup(None)
        except (OSError, UnicodeDecodeError, SettingsError) as exc:
            return self._read_backup(f"{self.path} could not be read ({exc})")

    def _read_backup(self, problem: str | None) -> dict[str, object]:
        if problem is None and not self.backup.exists():
            return {}  # a first start
        try:
            values = parse(self.backup.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SettingsError):
            if problem is not None:
                self.problem = f"{problem}; starting with default settings"
            return {}
        if problem is not None:
            self.problem = f"{problem}; using the last good copy"
        return values

    def value(self, key: str, default: Any = None, type: type | None = None) -> Any:
        """The value of `key` (with `type`: converted, or `default` if it cannot be)."""
        raw = self._changed.get(key, self._values.get(key, _MISSING))
        if raw is _MISSING or raw is None:
            return default
        if type is None:
            return raw
        if type is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in TRUE_WORDS
            return bool(raw) if isinstance(raw, int | float) else default
        try:
            return type(raw)
        except (TypeError, ValueError):
            return default

    def contains(self, key: str) -> bool:
        return self.value(key) is not None

    def keys(self) -> list[str]:
        merged = {**self._values, **self._changed}
        return sorted(k for k, v in merged.items() if v is not _MISSING)

    def reload(self) -> None:
        """Read the file again: what other windows saved since shows here (own unsaved
        changes stay on top)."""
        self._values = self._read()

    # ------------------------------------------------------------------ writing
    def setValue(self, key: str, value: object) -> None:  # QSettings' spelling
        """Remember `value` for `key` (written at once, or when the batch ends)."""
        encode(value)  # refuse what cannot be written, here and not at save time
        self._changed[key] = value
        self._write_soon()

    def remove(self, key: str) -> None:
        if self.value(key) is not None or key in self._changed:
            self._changed[key] = _MISSING
            self._write_soon()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several changes, one write (the window's geometry and splitters on close)."""
        self._batching += 1
        try:
            yield
        finally:
            self._batching -= 1
            self._write_soon()

    def _write_soon(self) -> None:
        if not self._batching:
            self.sync()

    def sync(self) -> bool:
        """Merge this window's changes into the file; False (and `problem`) if it could not
        be written — the changes are then kept and tried again on the next write."""
        if not self._changed:
            return True
        lock = QLockFile(str(self.path) + ".lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.problem = f"cannot save the settings in {self.path.parent}: {exc.strerror}"
            return False
        if not lock.tryLock(LOCK_WAIT_MS):
            self.problem = f"cannot save the settings: {self.path} is locked by another window"
            return False
        try:
            on_disk = self._read()  # what the other windows saved meanwhile
            merged = dict(on_disk)
            for key, value in self._changed.items():
                if value is _MISSING:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            if encode(merged) != encode(on_disk) or self.problem:  # a damaged file: repair
                text = render(merged)
                atomic_write_text(self.path, text)
                atomic_write_text(self.backup, text)
                self.problem = None
        except OSError as exc:
            self.problem = f"cannot save the settings to {self.path}: {exc.strerror or exc}"
            return False
        finally:
            lock.unlock()
        self._values, self._changed = merged, {}
        return True
