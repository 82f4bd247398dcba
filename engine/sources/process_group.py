"""Signal a launched program's whole process group: the program and everything it started.

Why here, shared: the traced program and mpiexec each run in a session of their own
(`start_new_session=True`), so that a Ctrl+C in the terminal reaches only the app and nothing
they start can outlive the run.  Both sources end such a run the same way: SIGTERM to the
group, then SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import signal


def signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Send `sig` to every process in group `pgid`; False once nothing is left to signal."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True
