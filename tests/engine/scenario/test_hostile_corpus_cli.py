"""The hostile-scenario corpus through the real command line: `python main.py run --scenario`
and `code --scenario`, each in its own process, as a user (or an attacker) would run them.

Every case must end within a bound, exit 2, write exactly one line to stderr, no traceback,
output under a cap and no raw control byte.  The runs go four at a time (they are short and
mostly waiting to start), each bounded by its own timeout.
"""

from __future__ import annotations

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
from tests.engine.scenario.hostile_corpus import CORPUS, HostileCase
from tests.paths import MAIN, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # the first test waits for all runs

COMMANDS = ("run", "code")
BOUND_S = 30.0  # each case: far above the ~0.3 s a refusal takes, far below "hangs"
OUTPUT_CAP = 4096  # bytes on stdout and stderr together


@dataclass(frozen=True)
class Outcome:
    returncode: int | None  # None: still running at BOUND_S (killed)
    stdout: bytes
    stderr: bytes
    seconds: float


def _run(command: str, case: HostileCase, root: Path) -> Outcome:
    folder = root / f"{command}-{case.id}"
    folder.mkdir()
    path = case.make(folder)
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, str(MAIN), command, "--scenario", str(path)],
            capture_output=True,
            timeout=BOUND_S,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, exc.stdout or b"", exc.stderr or b"", BOUND_S)
    return Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@pytest.fixture(scope="module")
def outcomes() -> Iterator[dict[tuple[str, str], Outcome]]:
    with tempfile.TemporaryDirectory(prefix="hostile-") as root, ThreadPoolExecutor(4) as pool:
        futures = {
            (command, case.id): pool.submit(_run, command, case, Path(root))
            for command in COMMANDS
            for case in CORPUS
        }
        yield {key: future.result() for key, future in futures.items()}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_hostile_scenario_is_one_line_and_exit_2(
    outcomes: dict[tuple[str, str], Outcome], command: str, case: HostileCase
) -> None:
    out = outcomes[(command, case.id)]
    assert out.returncode is not None, f"still running after {BOUND_S} s"
    stderr = out.stderr.decode("utf-8", errors="replace")
    assert out.returncode == 2, stderr
    assert b"Traceback" not in out.stderr + out.stdout
    assert out.stdout == b""
    assert len(out.stdout) + len(out.stderr) < OUTPUT_CAP
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert stderr.startswith("error: ") and case.needle in stderr, stderr
    assert b"\x1b" not in out.stderr and b"\0" not in out.stderr
    assert first_unsafe(stderr[:-1]) is None, stderr
