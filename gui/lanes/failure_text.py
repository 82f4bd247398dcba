"""What went wrong in this run, in plain words: the alert banner's title, explanation, and flags.

Why a separate reader of the log: the model's story lines already carry the engine's
explanations ("… Why: the barrier timed out after 0.5 s while Propulsion was still working").
A failure usually comes as a chain — a crash leaves the others stranded, then the barrier times
out — and a presenter needs the *cause* first and the consequence second.  So this reads each
new log line once (incremental, cheap per frame) and keeps the first explanation as the cause,
the latest different one as "then", plus whether the barrier is wedged or stranded right now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.model.view_model import ALERT_KINDS, LogLine, RunViewModel

TITLES = {
    "broken": "Barrier broken",
    "stranded": "No party left to come",
    "wedged": "Barrier wedged",
    "crash": "A party crashed",
}
ICONS = {"broken": "✖", "stranded": "⚠", "wedged": "lock", "crash": "☠"}
WHY = " Why: "
_LEADING_ICON = re.compile(r"^[^\w(]+\s*")


@dataclass(frozen=True)
class Alert:
    kind: str  # broken | stranded | wedged | crash
    title: str  # "Barrier broken", "Barrier aborted", …
    icon: str  # a glyph the default font renders, or "lock" (painted)
    text: str  # the plain-language explanation of the cause
    then: str  # what followed from it ("" if nothing new)
    t_s: float  # when the cause happened, seconds from the run's start
    party: int | None  # the party the cause line is about


def explanation(line: LogLine, capital: bool = True) -> str:
    """The plain-language part of a failure line: the "Why:" part if any, icon stripped."""
    text = line.text
    if WHY in text:
        text = text.split(WHY, 1)[1]
    text = _LEADING_ICON.sub("", text).strip()
    return text[:1].upper() + text[1:] if capital else text


def title_for(kind: str, text: str) -> str:
    if kind == "broken" and text.startswith("Abort()"):
        return "Barrier aborted"
    if kind == "broken" and text.startswith("Reset()"):
        return "Barrier reset"
    if kind == "broken" and "timed out" in text:
        return "Barrier timed out"
    return TITLES.get(kind, "Something went wrong")


def _explains(line: LogLine) -> bool:
    """Broken lines without a "Why" are echoes ("Communication got BrokenBarrierError.")."""
    return line.kind in ALERT_KINDS and (line.kind != "broken" or WHY in line.text)


class FailureWatch:
    """Follows one model's log; `alert`, `wedged`, `stranded` describe the run so far."""

    def __init__(self) -> None:
        self._log: list[LogLine] | None = None
        self._seen = 0
        self.cause: LogLine | None = None
        self.latest: LogLine | None = None
        self.wedged_party: int | None = None
        self.stranded_at: int = -1  # log index of the latest stranded line, -1 if none
        self.alert: Alert | None = None
        self.ended_ns: dict[int, int] = {}  # when each party's process crashed or exited
        self.version = 0  # bumps whenever `alert` changes (painters cache on it)

    @property
    def wedged(self) -> bool:
        return self.wedged_party is not None or (
            self.cause is not None and self.cause.kind == "wedged"
        )

    def stranded(self, model: RunViewModel) -> bool:
        """Parties are waiting for a party that can never come (and nothing broke yet)."""
        return self.stranded_at >= 0 and model.n_waiting > 0 and not self.wedged

    def update(self, model: RunViewModel) -> bool:
        """Read the log lines new since the last call; True if the alert changed."""
        log = model.log
        if log is not self._log or len(log) < self._seen:
            self.__init__()  # type: ignore[misc]  # a new run: forget the old one
            self._log = log
            self.version += 1
        fresh = log[self._seen :]
        start = self._seen
        self._seen = len(log)
        changed = False
        for offset, line in enumerate(fresh):
            if line.kind in ("crash", "exit") and line.party is not None and model.t0_ns:
                self.ended_ns.setdefault(line.party, model.t0_ns + int(line.t_s * 1e9))
            if line.kind == "wedged":
                self.wedged_party = line.party
            elif line.kind == "stranded":
                self.stranded_at = start + offset
            elif line.kind in ("broken", "release"):
                self.stranded_at = -1
            if not _explains(line):
                continue
            if self.cause is None:
                self.cause = line
            self.latest = line
            changed = True
        if changed:
            self.alert = self._build()
            self.version += 1
        return changed

    def _build(self) -> Alert | None:
        cause = self.cause
        if cause is None:
            return None
        text = explanation(cause)
        then = ""
        latest = self.latest
        if latest is not None and latest is not cause and latest.kind != cause.kind:
            then = explanation(latest, capital=False)
        return Alert(
            cause.kind,
            title_for(cause.kind, text),
            ICONS.get(cause.kind, "⚠"),
            text,
            then,
            cause.t_s,
            cause.party,
        )
