"""Many runs in one process, then report what the process holds before and after, as JSON.

`python -m tests.budget_runs RUNS`, under `ulimit -n 256` (set here), with the cyclic garbage
collector OFF: whatever a run releases, it must release when it ends, not when a collection
happens to come.  Runs mix the processes backend (fork, and a few forkserver and spawn runs,
some with a stranded barrier the app aborts) with threads and asyncio.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import threading

import psutil

from engine.scenario import parse_scenario
from engine.scenario.presets import load_preset
from engine.sources.factory import make_source

FD_LIMIT = 256


def holdings(me: psutil.Process) -> dict[str, int]:
    with open("/proc/self/maps", encoding="utf-8") as maps:
        shm_maps = sum("/dev/shm/" in line for line in maps)
    ours = sum(str(os.getpid()) in name for name in os.listdir("/dev/shm"))
    return {
        "fds": me.num_fds(),
        "threads": threading.active_count(),
        "children": len(me.children(recursive=True)),
        "shm_maps": shm_maps,
        "shm_entries": ours,
    }


def plans(runs: int) -> list[tuple[str, dict[str, object]]]:
    launch = load_preset("launch")
    plain = launch.replace(action=None, timeout=None)  # asyncio.Barrier has neither
    stranded = parse_scenario(
        {"parties": 3, "processes": 2, "party": [{"name": "A", "work": 0.0}, {"name": "B"}]}
    )
    out: list[tuple[str, dict[str, object]]] = []
    for i in range(runs):
        if i % 10 == 3:
            out.append(("threads", {"scenario": launch.replace(backend="threads")}))
        elif i % 10 == 6:
            out.append(("asyncio", {"scenario": plain.replace(backend="asyncio")}))
        elif i % 25 == 9:
            out.append(("forkserver", {"scenario": launch, "start_method": "forkserver"}))
        elif i % 50 == 19:
            out.append(("spawn", {"scenario": launch, "start_method": "spawn"}))
        elif i % 10 == 8:
            out.append(("stranded", {"scenario": stranded, "stuck_grace_s": 0.1}))
        else:
            out.append(("fork", {"scenario": launch, "start_method": "fork"}))
    return out


def one_run(options: dict[str, object]) -> int:
    scenario = options.pop("scenario")
    source = make_source(scenario, speed=50, **options)  # type: ignore[arg-type]
    source.start()
    if not source.join(60):
        raise SystemExit("a run did not end")
    assert source.outcome is not None
    return source.outcome.exit_code


def main() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
    runs = int(sys.argv[1])
    me = psutil.Process()
    for _, options in plans(10)[:10]:  # warm-up: imports, fork server, janitor, tracker
        one_run(dict(options))
    gc.collect()
    gc.disable()
    before = holdings(me)
    codes: dict[str, list[int]] = {}
    for kind, options in plans(runs):
        codes.setdefault(kind, []).append(one_run(dict(options)))
    after = holdings(me)
    kinds = {kind: len(found) for kind, found in codes.items()}
    bad = {kind: sorted(set(found)) for kind, found in codes.items() if set(found) - {0, 3}}
    print(json.dumps({"before": before, "after": after, "runs": kinds, "bad_exits": bad}))


if __name__ == "__main__":
    main()
