"""Run an app, SIGKILL it, and report how every process it left behind ended (Linux).

`python -m tests.subreaper APP_ARGS…`: this process becomes a child subreaper
(PR_SET_CHILD_SUBREAPER), so the app's orphans are re-parented here instead of to init and
their exit statuses can be read.  That tells HOW a party died: exit code 70 is the lifeline
(engine.core.lifeline.watch.EXIT_APP_GONE), -9 a SIGKILL (the death signal).  Prints one JSON
line: {"parties": [pids the app printed], "exits": {pid: code}, "left": [pids still alive]}.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
REAP_S = 5.0


def main() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("cannot become a subreaper")
    app = subprocess.Popen([sys.executable, *sys.argv[1:]], stdout=subprocess.PIPE, text=True)
    assert app.stdout is not None
    parties = json.loads(app.stdout.readline())
    os.kill(app.pid, signal.SIGKILL)
    exits: dict[int, int] = {}
    deadline = time.monotonic() + REAP_S
    while time.monotonic() < deadline:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pid = -1  # no child of ours left (forkserver parties are the fork server's)
        if pid > 0:
            exits[pid] = os.waitstatus_to_exitcode(status)
        elif pid == -1 and not [p for p in parties if alive(p)]:
            break
        else:
            time.sleep(0.02)  # a harness polling processes, not a test synchronising
    left = [p for p in parties if alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    print(json.dumps({"parties": parties, "exits": exits, "left": left}), flush=True)


def alive(pid: int) -> bool:
    """Running (a zombie has ended: it only waits to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            text = stat.read()
    except OSError:
        return False
    return text[text.rfind(b")") + 2 : text.rfind(b")") + 3] != b"Z"


if __name__ == "__main__":
    main()
