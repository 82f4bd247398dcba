"""Starting a run's party processes: one at a time, or in waves under forkserver.

Why waves: a fork server child costs a round trip to the server (connect, send the job, the
server forks, the pid comes back), and on a busy machine each trip waits for the server to be
scheduled; several requests in flight overlap those waits.  Only under forkserver: a fork or
spawn child's death signal (PR_SET_PDEATHSIG) is tied to the thread that created it, and that
must be the pump's, which lives as long as the run.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Final

FORKSERVER_WAVE: Final = 8  # parties whose start requests are in flight at once


def wave_size(start_method: str) -> int:
    return FORKSERVER_WAVE if start_method == "forkserver" else 1


def start_together(procs: Sequence[Any]) -> BaseException | None:
    """Start every process (in threads of their own when there are several); the first error.

    Every process that could start is started even when another failed, so the caller can
    keep (and later end) each one whose `pid` is set."""
    errors: list[BaseException] = []

    def start(proc: Any) -> None:
        try:
            proc.start()
        except BaseException as exc:  # handed back once the others have started
            errors.append(exc)

    if len(procs) == 1:
        start(procs[0])
    else:
        starters = [threading.Thread(target=start, args=(proc,)) for proc in procs]
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
    return errors[0] if errors else None
