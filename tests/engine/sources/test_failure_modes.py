"""Every way a barrier breaks, headless with real processes: exit codes, event logs, and the
plain-language explanation in the narrative."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.core.events import Event
from engine.scenario.presets import load_preset
from engine.sources.processes.runner import Runner
from tests.paths import ROOT


def run_preset(name: str, tmp_path: Path, speed: str = "4") -> tuple[int, str, list[Event]]:
    log = tmp_path / f"{name}.jsonl"
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "run",
            "--preset",
            name,
            "--speed",
            speed,
            "--events",
            str(log),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert "Traceback" not in out.stderr + out.stdout
    events = [Event.from_json_line(line) for line in log.read_text().splitlines()]
    return out.returncode, out.stdout, events


def kinds(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.kind == kind]


def test_timeout_breaks_every_waiter_and_explains(tmp_path: Path) -> None:
    code, text, events = run_preset("timeout", tmp_path)
    assert code == 3
    assert len(kinds(events, "broken")) == 3 and not kinds(events, "release")
    assert "timed out after" in text and "while Propulsion was still working" in text


def test_action_raising_breaks_and_last_arriver_reraises(tmp_path: Path) -> None:
    code, text, events = run_preset("action-fails", tmp_path)
    assert code == 3
    broken = kinds(events, "broken")
    raised = [e for e in broken if e.get("reason") == "action_raised"]
    assert len(broken) == 3 and len(raised) == 1
    assert raised[0].party == kinds(events, "action")[0].party  # the one that ran the action
    assert "RuntimeError" in raised[0].get("error") and "re-raises" in text


@pytest.mark.parametrize(("name", "here", "parties"), [("too-few", 3, 4), ("too-many", 1, 3)])
def test_mismatch_is_detected_as_stranded(
    name: str, here: int, parties: int, tmp_path: Path
) -> None:
    code, _text, events = run_preset(name, tmp_path, speed="8")
    assert code == 3
    (stranded,) = kinds(events, "stranded")
    assert f"{here} of {parties} arrived; no party is left to come" in stranded.get("message")
    assert kinds(events, "abort")[0].get("by") == "app"
    if name == "too-many":
        assert len(kinds(events, "release")) == 3  # one generation of 3 got through


def test_wedge_is_detected_and_the_run_still_ends(tmp_path: Path) -> None:
    code, text, events = run_preset("wedge", tmp_path)
    assert code == 4
    (kill,) = kinds(events, "kill")
    wedged = kinds(events, "wedged")
    assert wedged and wedged[0].party == kill.party
    assert "died inside wait()" in wedged[0].get("message") and "gh-123899" in text
    assert not kinds(events, "release") and not kinds(events, "broken")  # timeout ignored
    assert all(e.get("exitcode") != 0 for e in kinds(events, "exit"))


@pytest.mark.parametrize("speed", ["5", "10", "20"])
def test_a_kill_in_wait_lands_inside_wait_at_any_speed(tmp_path: Path, speed: str) -> None:
    """The kill's delay after `arrive` is scaled like the work: unscaled, the others arrived
    first at speed 5 and the fault silently missed (exit code 0)."""
    code, text, events = run_preset("wedge", tmp_path, speed=speed)
    assert code == 4, text
    (kill,) = kinds(events, "kill")
    assert kinds(events, "wedged")[0].party == kill.party
    assert not kinds(events, "release")


def test_crash_marks_the_party_dead_with_its_error(tmp_path: Path) -> None:
    code, text, events = run_preset("crash", tmp_path)
    assert code == 4
    (crash,) = kinds(events, "crash")
    assert "RuntimeError" in crash.get("error")
    assert "Communication crashed" in text


def run_until(runner: Runner, predicate: object, timeout: float = 20) -> list[Event]:
    seen: list[Event] = []
    while not predicate(seen):  # type: ignore[operator]
        batch = runner.wait_events(timeout)
        assert batch, "no event arrived in time"
        seen += batch
    return seen


def test_abort_breaks_all_waiting_parties() -> None:
    runner = Runner(load_preset("launch-staggered"), speed=2)
    runner.start()
    run_until(runner, lambda seen: sum(e.kind == "arrive" for e in seen) >= 1)
    runner.abort()
    assert runner.join(30)
    assert runner.outcome is not None and runner.outcome.exit_code == 3
    assert any(e.kind == "abort" and e.get("by") == "user" for e in runner.events)
    assert sum(e.kind == "broken" for e in runner.events) == 3


def test_reset_breaks_waiters_and_later_arrivals_start_fresh() -> None:
    no_timeout = load_preset("launch-staggered").replace(timeout=None)
    runner = Runner(no_timeout, speed=2, stuck_grace_s=0.2)
    runner.start()
    run_until(runner, lambda seen: sum(e.kind == "arrive" for e in seen) >= 1)
    runner.reset()
    assert runner.join(30)
    events = runner.events
    reset_at = next(e.t_ns for e in events if e.kind == "reset")
    first_broken = [e for e in events if e.kind == "broken" and e.t_ns > reset_at]
    assert first_broken, "the waiter was not broken by reset()"
    late = [e for e in events if e.kind == "arrive" and e.t_ns > first_broken[0].t_ns]
    assert late, "nobody arrived after the reset"
    assert any(e.kind == "stranded" for e in events)  # the fresh generation waits alone


def test_killing_a_working_party_lets_the_others_time_out() -> None:
    runner = Runner(load_preset("launch-staggered").replace(timeout=2.0), speed=2)
    runner.start()
    seen = run_until(runner, lambda s: sum(e.kind == "work_start" for e in s) == 3)
    assert runner.kill(2)
    assert runner.join(30)
    assert runner.outcome is not None and runner.outcome.exit_code == 4
    assert any(e.kind == "kill" and e.party == 2 for e in runner.events)
    assert seen
