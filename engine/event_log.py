"""Write an event log as JSON Lines, safely: flushed as events arrive, renamed when complete.

Why `.part` then rename: a reader never sees a half-written log under the final name, and a
crash still leaves every received event on disk in `FILE.part` (flushed per batch).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from engine.events import Event


class EventLogWriter:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.part_path = self.path.with_name(self.path.name + ".part")
        self._file = open(self.part_path, "w", encoding="utf-8")  # noqa: SIM115 - kept open

    def write(self, events: Iterable[Event]) -> None:
        self._file.write("".join(e.to_json_line() + "\n" for e in events))
        self._file.flush()

    def close(self) -> None:
        if self._file.closed:
            return
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.part_path, self.path)
