"""An app that starts the launcher as the GUI does, then runs scenarios; prints JSON.

`python -m tests.launcher_app`: one run that names no start method and one per method named by
the scenario; for each, the start method the run used and its exit code, and the parent of the
first party while it ran.
"""

from __future__ import annotations

import json
import os

import psutil

from engine.scenario import parse_scenario
from engine.sources.factory import make_source
from engine.sources.processes.launcher import default_start_method, start_launcher


def one_run(method: str | None) -> dict[str, object]:
    party = [{"name": "A", "work": 0.3}, {"name": "B", "work": 0.3}]
    scenario = parse_scenario(
        {"party": party, "stages": 2, **({"start_method": method} if method else {})}
    )
    source = make_source(scenario, speed=2)
    source.start()
    parent = None
    while parent is None and not source.done:
        batch = source.wait_events(1.0)
        spawned = [e.pid for e in batch if e.kind == "work_start"]
        if spawned:
            parent = psutil.Process(spawned[0]).ppid()
    assert source.join(30) and source.outcome is not None
    start = next(e for e in source.events if e.kind == "run_start")
    return {"method": start.get("start_method"), "code": source.outcome.exit_code, "parent": parent}


def main() -> None:
    before = default_start_method()
    started = start_launcher()
    runs = {str(m): one_run(m) for m in (None, "fork", "spawn", "forkserver")}
    print(json.dumps({"before": before, "started": started, "app": os.getpid(), "runs": runs}))


if __name__ == "__main__":
    main()
