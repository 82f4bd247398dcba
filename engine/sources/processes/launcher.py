"""The parties' launcher for the windowed app: a preloaded fork server, started before Qt.

Why: under `fork`, pressing Run forks the app itself once per party — a ~120 MB Qt process
whose page tables are copied while `os.fork()` holds the GIL, 64–256 times, with the GUI
thread waiting for that GIL — and each party then copies the pages it touches.  A launcher
that never imported Qt forks small children instead.  multiprocessing's fork server is that
launcher: `start_launcher()` starts it while the app is still Qt-free, with the party's modules
(and the app's main module, so no child runs it again) imported once, in the server; runs whose
scenario names no start method then use it (`default_start_method`).  A scenario that names
one (fork, spawn, forkserver) gets exactly that.

Nothing outlives the app: the server exits when it reads EOF on the pipe whose write end the
app holds, so that end is closed in every fork child of the app (engine.core.lifeline.pipe);
its temp folder (the socket) is left to the janitor if the app dies uncleanly; its children,
the parties, hold the run's lifeline like any party.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
from typing import Final

from engine.core.lifeline import JANITOR
from engine.core.lifeline.pipe import keep_from_fork_children

LAUNCHER_METHOD: Final = "forkserver"
# What a party imports, once, in the server: the party's body, the barrier helper's, and the
# main module.  Python 3.11's fork server never receives the main module's path (it looks for a
# key that spawn no longer writes), so each child still runs the main script (runpy, which
# imports pkgutil) — cheap only if what the script imports is already there: the caller names
# those modules.  Each module a child imports itself costs it private memory (~1 MB for pkgutil).
PRELOAD: Final = (
    "__main__",
    "engine.sources.processes.party",
    "engine.core.barrier_ops",
    "runpy",
    "pkgutil",
)

_default: str | None = None


def start_launcher(main_imports: tuple[str, ...] = ()) -> bool:
    """Start the fork server now and make it the default for runs; False where there is none.

    `main_imports`: the modules the program's main script imports (each child runs the script
    again, see PRELOAD).  Call early, before Qt is imported: the server is its own small,
    Qt-free process from then on."""
    global _default
    if LAUNCHER_METHOD not in multiprocessing.get_all_start_methods():
        return False  # Windows: spawn it is
    from multiprocessing import forkserver

    forkserver.set_forkserver_preload([*PRELOAD, *main_imports])
    forkserver.ensure_running()
    JANITOR.keep_clean(multiprocessing.util.get_temp_dir())
    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if isinstance(alive, int):  # a fork child keeping it would keep the server alive
        keep_from_fork_children(alive)
    _default = LAUNCHER_METHOD
    return True


def default_start_method() -> str:
    """The start method of a run whose scenario and caller name none."""
    return _default or multiprocessing.get_start_method()
