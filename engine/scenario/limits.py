"""What a scenario may hold: the limits, the choices and the one error type, at the bottom of
the scenario package so that every other module can import them and none imports back.

Why these numbers: 256 processes is already far more lanes than a screen can show and about
what an OS will spawn quickly; 1000 stages and one hour per wait keep a typo from producing a
run that never ends, while leaving room for any real lesson.  The text limits keep a hostile
file from printing gigabytes: a narrative line is printed per party and stage, so its length
and its format widths are bounded, and a name is shown on every lane.
"""

from __future__ import annotations

from typing import Literal

from engine.core.safe_text import printable

MAX_PARTIES = 256
MAX_PROCESSES = 256
MAX_STAGES = 1000
MAX_TIMEOUT = 3600.0
MAX_WORK = 3600.0
MAX_SEED = 2**63 - 1  # TOML integers are 64-bit signed; a larger seed could not be saved.

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB; the largest preset (32 parties) is 2 KiB
MAX_NESTING = 16  # arrays/tables inside each other; the format itself needs 3
MAX_NAME_CHARS = 100  # the scenario's and every party's name
MAX_LINE_CHARS = 500  # the action's message and each narrative template
MAX_DESCRIPTION_CHARS = 4000
MAX_FORMAT_WIDTH = 100  # width and precision in a template's format spec, e.g. {name:>12}

START_METHODS: tuple[str, ...] = ("fork", "spawn", "forkserver")
WORKLOADS: tuple[str, ...] = ("sleep", "cpu")
# A tuple, not a Literal, so that more backends can be added without touching the type of
# Scenario.backend.  processes: multiprocessing.Barrier; threads: threading.Barrier;
# asyncio: asyncio.Barrier (no action, no timeout; engine.sources.inprocess); mpi: MPI ranks
# launched with mpiexec, the barrier is MPI's own (engine.sources.mpi).
ALLOWED_BACKENDS: tuple[str, ...] = ("processes", "threads", "asyncio", "mpi")

FAULTS: tuple[str, ...] = ("crash", "kill-in-work", "kill-in-wait")
"""crash: the party's work raises; kill-in-work / kill-in-wait: the app SIGKILLs the party while
it works / while it is inside wait() (the latter wedges CPython's Barrier, gh-123899)."""

PLACEHOLDERS: tuple[str, ...] = ("name", "stage", "stages", "index", "party")
NarrativeKind = Literal["work", "arrive", "release"]
NARRATIVE_KINDS: tuple[NarrativeKind, ...] = ("work", "arrive", "release")
DEFAULT_TEMPLATES: dict[NarrativeKind, str] = {
    "work": "",
    "arrive": "{name} is at the barrier.",
    "release": "{name} passes the barrier.",
}


class ScenarioError(ValueError):
    """A scenario could not be read or is invalid.

    The message is always ONE line, ``<source>: <field>: <problem>``, because it is shown in a
    status bar, a dialog and a terminal alike, and it never holds a raw control character (a
    file name or a quoted value may come from a hostile file).  `field` (e.g.
    ``"party[1].work"``) lets the GUI point at the offending input; `source` is the file name or
    ``"<scenario>"``.  `location` overrides what is printed in the field slot ("" = nothing),
    for errors such as unknown keys where the field path would only repeat the problem text.
    """

    def __init__(
        self,
        source: str,
        field: str | None,
        problem: str,
        *,
        allowed: str | None = None,
        location: str | None = None,
    ) -> None:
        where = field if location is None else location
        text = problem if allowed is None else f"{problem} (allowed: {allowed})"
        message = f"{source}: {where}: {text}" if where else f"{source}: {text}"
        super().__init__(printable(" ".join(message.split())))  # one line, nothing raw
        self.source = source
        self.field = field
        self.problem = problem
