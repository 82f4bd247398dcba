"""The hostile-log corpus through the real command line: `replay --headless`, `analyze` and the
window's replay (offscreen, `--quit-after-run`), each case in its own process.

Every case ends within a bound, with no traceback, output under a cap and no raw control
character.  A refused log is exit 2 and one line naming the file and the problem; a spoiled
log replays what is left with the recorded run's own exit code and one warning line saying
what was skipped or shortened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.core.safe_text import first_unsafe
from tests.engine.core.hostile_logs import CORPUS, EXTREME_CASES, TEXT_CASES, LogCase
from tests.paths import MAIN

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # the first test waits for all

COMMANDS = {
    "replay": ("replay", "--headless", "--speed", "20", "{log}"),
    "analyze": ("analyze", "{log}"),
    "gui": ("replay", "{log}", "--speed", "20", "--quit-after-run"),
}
# The window's leg: every case whose usable part differs in what a window shows (extreme
# values; each hostile character in the narrated text) and every eighth of the others — those
# leave the same good run, or are refused before Qt starts exactly as `replay --headless`
# refuses them, which covers every one.
WINDOW_CASES = (
    {c.id for c in EXTREME_CASES}
    | {c.id for c in TEXT_CASES if c.id.endswith(("-in-output", "-in-spawn-name"))}
    | {c.id for c in CORPUS[::8]}
)
RUNS = [(command, case) for case in CORPUS for command in COMMANDS]
RUNS = [(c, case) for c, case in RUNS if c != "gui" or case.id in WINDOW_CASES]
BOUND_S = 90.0  # each case: far above the ~2 s the slowest (a window) takes, far below a hang
OUTPUT_CAP = 256 * 1024  # bytes on stdout and stderr together


@dataclass(frozen=True)
class Outcome:
    returncode: int | None  # None: still running at BOUND_S (killed)
    stdout: str
    stderr: str
    seconds: float


def _run(command: str, case: LogCase, root: Path) -> Outcome:
    folder = root / f"{command}-{case.id}"
    folder.mkdir()
    path = case.make(folder)
    argv = [a.format(log=path) for a in COMMANDS[command]]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, str(MAIN), *argv],
            capture_output=True,
            timeout=BOUND_S,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        out, err = exc.stdout or b"", exc.stderr or b""
        return Outcome(None, out.decode(errors="replace"), err.decode(errors="replace"), BOUND_S)
    return Outcome(
        done.returncode,
        done.stdout.decode("utf-8", errors="strict"),  # our output is always valid UTF-8
        done.stderr.decode("utf-8", errors="strict"),
        time.monotonic() - started,
    )


@pytest.fixture(scope="module")
def outcomes() -> Iterator[dict[tuple[str, str], Outcome]]:
    with tempfile.TemporaryDirectory(prefix="hostile-logs-") as root, ThreadPoolExecutor(3) as pool:
        futures = {
            (command, case.id): pool.submit(_run, command, case, Path(root))
            for command, case in RUNS
        }
        yield {key: future.result() for key, future in futures.items()}


def _no_raw_controls(text: str) -> None:
    for line in text.splitlines():
        assert first_unsafe(line, allow="\t") is None, repr(line)
    assert "\x1b" not in text and "\0" not in text and "\r" not in text


@pytest.mark.parametrize(("command", "case"), RUNS, ids=[f"{c}-{case.id}" for c, case in RUNS])
def test_hostile_log(outcomes: dict[tuple[str, str], Outcome], command: str, case: LogCase) -> None:
    out = outcomes[(command, case.id)]
    assert out.returncode is not None, f"still running after {BOUND_S} s"
    both = out.stdout + out.stderr
    assert "Traceback" not in both and "Fatal Python error" not in both, both[-2000:]
    assert len(both.encode()) < OUTPUT_CAP
    _no_raw_controls(both)
    if case.refused:
        assert out.returncode == 2, both[-2000:]
        assert out.stdout == ""
        assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1, out.stderr
        assert case.needle in out.stderr, out.stderr
        return
    expected = 0 if command == "analyze" else case.code
    assert out.returncode == expected, both[-2000:]
    warnings = out.stderr.splitlines()
    assert len(warnings) <= 2 and all(w.startswith("warning: ") for w in warnings), out.stderr
    if case.needle and not (command == "analyze" and "longer than" in case.needle):
        assert case.needle in out.stderr  # (analyze reads true times: no pause shortened)
    if command == "replay":
        assert "■ Run" in out.stdout or case.code == 4
    if command == "analyze":
        assert out.stdout.startswith("Wait states")
