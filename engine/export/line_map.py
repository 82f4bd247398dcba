"""Which line of an exported program does what: the map the code pane puts its markers on.

Why the generator records it while writing, and nobody searches the text afterwards: the
program holds scenario text (party names, messages, narrative lines) as string literals, and
a party called ``"barrier.wait()"`` would fool any search for that line.  Each builder of
engine.export.codegen tags the lines it writes with a `LineRole`, and the lines keep their
tags while the program is put together, so the map is right by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class LineRole(StrEnum):
    """A line a party can be on (or that frames them) in the exported program."""

    ACTION_DEF = "action_def"  # def barrier_action():
    ACTION = "action"  # the action's first statement: runs in the last party to arrive
    WORKER_DEF = "worker_def"  # def worker(...):
    WORK = "work"  # time.sleep(seconds) / busy_work(seconds): the party's own work
    CRASH_WORK = "crash_work"  # the half of the work before a scenario's crash fault
    CRASH = "crash"  # the raise of a scenario's crash fault
    WAIT = "wait"  # barrier.wait()
    BROKEN = "broken"  # the first statement of `except BrokenBarrierError:`
    AFTER_WAIT = "after_wait"  # the first statement after the wait returned
    BARRIER = "barrier"  # barrier = Barrier(...)


@dataclass(frozen=True)
class LineMap:
    """1-based line numbers by role; a role the program does not have is absent."""

    roles: Mapping[LineRole, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", MappingProxyType(dict(self.roles)))

    def line(self, role: LineRole) -> int | None:
        return self.roles.get(role)


@dataclass(frozen=True)
class Program:
    """A generated program's text and its line map."""

    text: str
    lines: LineMap


class TaggedLines:
    """Lines under construction, some of them tagged with their role.

    `add` appends lines (the first of them tagged, if a role is given: a statement split over
    several lines is marked where it starts); `extend` appends another block, keeping its tags.
    """

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.lines: list[str] = list(lines)
        self.roles: dict[LineRole, int] = {}  # 0-based index into `lines`

    def add(self, *lines: str, role: LineRole | None = None) -> None:
        if role is not None and lines:
            self.roles[role] = len(self.lines)
        self.lines.extend(lines)

    def extend(self, other: TaggedLines) -> None:
        offset = len(self.lines)
        self.lines.extend(other.lines)
        for role, index in other.roles.items():
            self.roles[role] = offset + index


def join_parts(parts: Iterable[TaggedLines], gap: int = 2) -> Program:
    """The parts joined with `gap` blank lines between them (and one final newline)."""
    whole = TaggedLines()
    for part in parts:
        lines = list(part.lines)
        while lines and not lines[-1]:  # a part never ends in blank lines
            lines.pop()
        if not lines:
            continue
        if whole.lines:
            whole.add(*([""] * gap))
        trimmed = TaggedLines(lines)
        trimmed.roles = {r: i for r, i in part.roles.items() if i < len(lines)}
        whole.extend(trimmed)
    text = "\n".join(whole.lines) + "\n"
    return Program(text, LineMap({role: i + 1 for role, i in whole.roles.items()}))
