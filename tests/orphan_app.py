"""A minimal app for the teardown tests: start a run of three long-working parties, print
their pids as one JSON line once all three work, then wait to be killed.

`python -m tests.orphan_app START_METHOD PLATFORM`: PLATFORM forces that platform's lifeline
guards (engine.core.lifeline.guards), so "darwin" runs the pipe alone, with no death signal.
"""

from __future__ import annotations

import json
import sys
import threading

from engine.core.lifeline import guards


def main() -> None:
    method, platform = sys.argv[1], sys.argv[2]
    guards.PLATFORM_GUARDS = guards.guards_for(platform)
    from engine.scenario import parse_scenario
    from engine.sources.processes.runner import Runner

    party = [{"name": f"P{i}", "work": 600.0} for i in range(3)]
    runner = Runner(parse_scenario({"parties": 3, "party": party}), start_method=method)
    runner.start()
    working = 0
    while working < 3:
        working += sum(e.kind == "work_start" for e in runner.wait_events(1.0))
    print(json.dumps(runner.pids), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
