"""Is a process stopped (SIGSTOP, Ctrl+Z, a debugger)?  Read without signalling it.

Why the sources need it: a stopped party never exits, never sends an event and never wakes
from wait(), so a run that only listened to events would wait for it forever.  Linux tells us
through /proc/PID/stat (state T, or t when a tracer stopped it); elsewhere the answer is
"unknown" (None) and a stopped party shows only as one that has gone quiet.
"""

from __future__ import annotations

import sys

STOPPED_STATES = frozenset({"T", "t"})
CAN_TELL = sys.platform.startswith("linux")


def is_stopped(pid: int) -> bool | None:
    """True if `pid` is stopped, False if it runs or sleeps, None if gone or unknowable."""
    if not CAN_TELL:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return None
    # "PID (COMM) STATE …": COMM may itself hold spaces and parentheses, so cut at the last ")"
    closing = text.rfind(b")")
    if closing < 0 or closing + 2 >= len(text):
        return None
    return chr(text[closing + 2]) in STOPPED_STATES
