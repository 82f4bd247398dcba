"""`trace`: unmodified programs in every import style and start method become lanes whose
events obey barrier semantics, with their output intact and nothing left running."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from engine.core.events import Event
from engine.model.analysis import barrier_violations
from engine.sources.tracer.collector import MAX_LINE_BYTES, TraceCollector
from engine.sources.tracer.io import READ_SIZE
from engine.sources.tracer.runner import TraceRunner
from tests.paths import PROGRAMS, ROOT


class Traced:
    def __init__(self, program: str, *args: str) -> None:
        self.out, self.err = io.BytesIO(), io.BytesIO()
        self.runner = TraceRunner(PROGRAMS / program, args, stdout=self.out, stderr=self.err)
        self.runner.start()
        assert self.runner.join(50), "trace did not finish"
        self.events = self.runner.events
        assert self.runner.outcome is not None
        self.outcome = self.runner.outcome

    def lanes(self) -> dict[str, int]:
        return {e.get("name"): e.party for e in self.events if e.kind == "spawn"}

    def for_barrier(self, barrier: int) -> list[Event]:
        return [e for e in self.events if e.kind == "run_start" or e.get("barrier") == barrier]

    def lines(self, party: int) -> list[str]:
        return [e.get("text") for e in self.events if e.kind == "output" and e.party == party]


def still_running(pid: int, within_s: float = 3.0) -> bool:
    """True if `pid` is alive (not a zombie) for `within_s`: SIGKILL lands asynchronously."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            return False
        time.sleep(0.05)  # polling a process we do not own; not synchronising the test
    return True


def native_stdout(program: str, *args: str) -> bytes:
    done = subprocess.run(
        [sys.executable, str(PROGRAMS / program), *args], capture_output=True, timeout=50
    )
    return done.stdout


def same_bytes(traced: bytes, native: bytes) -> bool:
    """The very same bytes; only the interleaving of concurrent processes may differ (natively
    it does too: with stdout on a pipe, children's lines and newlines may even mix)."""
    return sorted(traced) == sorted(native)


CLASSIC_LINES = Counter(
    f"{name}{suffix}\n".encode()
    for name in ("Navigation", "Propulsion", "Communication")
    for suffix in (" preparing…", " ready.", ": go!")
) + Counter(["🚀 All systems go!\n".encode()])


def test_classic_article_program() -> None:
    t = Traced("classic.py")
    assert t.outcome.exit_code == 0, t.outcome
    lanes = t.lanes()
    assert set(lanes) == {"Navigation", "Propulsion", "Communication"}
    assert barrier_violations(t.events, 3, 1) == []
    for name, party in lanes.items():  # each line is attributed to its own lane
        assert t.lines(party) == [f"{name} preparing…", f"{name} ready.", f"{name}: go!"]
    assert same_bytes(t.out.getvalue(), native_stdout("classic.py"))
    assert Counter(t.out.getvalue().splitlines(keepends=True)) == CLASSIC_LINES  # whole lines
    assert t.out.getvalue().endswith("🚀 All systems go!\n".encode())  # after the children


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_get_context_style_under_each_start_method(method: str) -> None:
    t = Traced("context_style.py", method)
    assert t.outcome.exit_code == 0, t.outcome
    assert set(t.lanes()) == {"Alpha", "Beta", "Gamma"}
    assert barrier_violations(t.events, 3, 1) == []
    assert {e.pid for e in t.events if e.kind == "arrive"} == set(t.runner.pids)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_program_that_sets_its_own_start_method(method: str) -> None:
    t = Traced("mp_module.py", method, "3")
    assert t.outcome.exit_code == 0, t.outcome
    assert set(t.lanes()) == {"Worker-0", "Worker-1", "Worker-2"}  # Process(name=…) wins
    assert barrier_violations(t.events, 3, 1) == []
    assert b"done [0, 0, 0]\n" in t.out.getvalue()


def test_process_subclass_under_set_start_method_spawn() -> None:
    t = Traced("set_spawn.py")
    assert t.outcome.exit_code == 0, t.outcome
    assert set(t.lanes()) == {"Rower 1", "Rower 2"}
    assert barrier_violations(t.events, 2, 1) == []


def test_two_stage_reuse_with_an_action() -> None:
    t = Traced("two_stage_action.py")
    assert t.outcome.exit_code == 0, t.outcome
    assert barrier_violations(t.events, 3, 2) == []
    actions = [e for e in t.events if e.kind == "action"]
    assert [a.stage for a in actions] == [0, 1]
    assert t.out.getvalue().count(b"*** everyone arrived ***\n") == 2


def test_two_barriers_are_told_apart() -> None:
    t = Traced("two_barriers.py")
    assert t.outcome.exit_code == 0, t.outcome
    made = [(e.get("barrier"), e.get("parties")) for e in t.events if e.kind == "barrier"]
    assert [parties for _, parties in made] == [2, 3]  # creation order
    kitchen, service = (barrier for barrier, _ in made)
    assert barrier_violations(t.for_barrier(kitchen), 2, 1) == []
    assert barrier_violations(t.for_barrier(service), 3, 1) == []
    assert len(t.lanes()) == 3


def test_a_program_that_raises_is_reported_with_its_traceback() -> None:
    t = Traced("raises.py")
    assert t.outcome.exit_code == 1
    assert t.outcome.reason == "your program raised ZeroDivisionError: division by zero"
    crash = next(e for e in t.events if e.kind == "crash")
    assert "compute_average" in crash.get("traceback") and crash.get("program") is True
    err = t.err.getvalue().decode()
    assert err.startswith("Traceback (most recent call last):")
    assert "runpy" not in err and "bootstrap" not in err  # the program's traceback, not ours
    assert barrier_violations(t.events, 2, 1) == []


def test_stop_ends_a_stuck_program_and_everything_it_started() -> None:
    runner = TraceRunner(PROGRAMS / "stuck.py", stdout=io.BytesIO(), stderr=io.BytesIO())
    runner.start()
    seen: list[Event] = []
    while sum(e.kind == "arrive" for e in seen) < 2:
        seen += runner.wait_events(10)
        assert not runner.done
    pids = runner.pids
    runner.stop()
    assert runner.join(10)
    assert runner.outcome is not None and runner.outcome.exit_code == 4
    assert len(pids) == 2 and not [pid for pid in pids if still_running(pid)]


def test_cli_trace_keeps_stdout_and_writes_the_log(tmp_path: Path) -> None:
    log = tmp_path / "trace.jsonl"
    done = subprocess.run(
        [sys.executable, "main.py", "trace", str(PROGRAMS / "classic.py"), "--events", str(log)],
        cwd=ROOT,
        capture_output=True,
        timeout=50,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert Counter(done.stdout.splitlines(keepends=True)) == CLASSIC_LINES  # ours: on stderr
    assert "Navigation is at the barrier." in done.stderr.decode()
    events = [Event.from_json_line(line) for line in log.read_text().splitlines()]
    assert barrier_violations(events, 3, 1) == []
    assert sum(e.kind == "output" for e in events) == 10
    assert json.loads(log.read_text().splitlines()[-1])["kind"] == "run_end"


def test_cli_trace_reports_a_missing_script() -> None:
    done = subprocess.run(
        [sys.executable, "main.py", "trace", "no/such/program.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: SCRIPT: no such file: no/such/program.py"


def test_a_program_that_raises_with_stuck_children_is_ended() -> None:
    t = Traced("raises_stuck.py")
    assert t.outcome.exit_code == 1
    assert t.outcome.reason.startswith("your program raised RuntimeError")
    assert len(t.runner.pids) == 2
    assert not [pid for pid in t.runner.pids if still_running(pid)]


def test_output_without_newlines_is_held_in_bounded_pieces() -> None:
    collector = TraceCollector()
    chunk = "é".encode() * (READ_SIZE // 2)  # 64 KiB of two-byte characters, no newline
    texts: list[str] = []
    for _ in range(800):  # 50 MiB, fed as the pump reads it
        texts += [e.get("text") for e in collector.output(7, "stdout", chunk, 0)]
        assert collector.pending(7, "stdout") <= MAX_LINE_BYTES
    texts += [e.get("text") for e in collector.flush_output(7, "stdout", 0)]
    assert sum(len(t) for t in texts) == 800 * READ_SIZE // 2  # every character, once
    assert all(len(t.encode()) <= MAX_LINE_BYTES for t in texts)
    assert not any("\ufffd" in t for t in texts)  # never cut inside a character


def test_long_lines_and_short_ones_keep_their_order() -> None:
    collector = TraceCollector()
    data = b"a\n" + b"b" * (MAX_LINE_BYTES * 2 + 5) + b"\nc\nd"
    texts = [e.get("text") for e in collector.output(7, "stderr", data, 0)]
    texts += [e.get("text") for e in collector.flush_output(7, "stderr", 0)]
    long_line = "b" * (MAX_LINE_BYTES * 2 + 5)
    assert texts == [
        "a",
        long_line[:MAX_LINE_BYTES],
        long_line[MAX_LINE_BYTES:-5],
        "bbbbb",
        "c",
        "d",
    ]


@pytest.mark.parametrize("program", ["classic.py", "two_stage_action.py"])
def test_the_story_of_a_trace_is_in_timestamp_order(program: str) -> None:
    """Each process reports on its own socket, so a woken party's release used to be read
    before the last arriver's own arrive; the events now leave in the order they happened."""
    traced = Traced(program)
    barrier_kinds = [e for e in traced.events if e.kind in ("arrive", "release", "action")]
    times = [e.t_ns for e in barrier_kinds]
    assert times == sorted(times)
    for release in (e for e in barrier_kinds if e.kind == "release"):
        key = (release.stage, release.get("barrier"))
        at = barrier_kinds.index(release)
        arrivals = [
            e for e in barrier_kinds if e.kind == "arrive" and (e.stage, e.get("barrier")) == key
        ]
        assert all(barrier_kinds.index(a) < at for a in arrivals)  # nobody passes early
