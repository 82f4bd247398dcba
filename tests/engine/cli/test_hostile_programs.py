"""The hostile-program corpus through the real `trace` command, each in its own process.

Every case ends within a bound, with the documented exit code, no traceback of ours, output
under a cap, and no raw control character in any line we wrote (ours are the narrative lines,
`[   0.123 s] …`, the tables and the result; a program that raises prints its own traceback,
which must not run through our code).  A program's own stdout passes through byte for
byte: compared with the same program run by plain `python`.
"""

from __future__ import annotations

import re
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
from tests.engine.cli.hostile_programs import CORPUS, ProgramCase
from tests.paths import MAIN

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

BOUND_S = 60.0
OUTPUT_CAP = 4 * 2**20  # the 2 MiB program's own output, and room for ours
OURS = re.compile(r"^(\[ *-?\d+\.\d{3} s\] |Result: |error: |Stage |Barrier #|  )")


@dataclass(frozen=True)
class Outcome:
    returncode: int | None
    stdout: bytes
    stderr: bytes
    plain_stdout: bytes | None  # the program's stdout when run by plain python


def _run(case: ProgramCase, root: Path) -> Outcome:
    folder = root / case.id
    folder.mkdir()
    program = case.make(folder)
    try:
        done = subprocess.run(
            [sys.executable, str(MAIN), "trace", str(program)],
            capture_output=True,
            timeout=BOUND_S,
            cwd=folder,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, exc.stdout or b"", exc.stderr or b"", None)
    plain = None
    if case.same_stdout:
        plain = subprocess.run(
            [sys.executable, str(program)], capture_output=True, timeout=BOUND_S, cwd=folder
        ).stdout
    return Outcome(done.returncode, done.stdout, done.stderr, plain)


@pytest.fixture(scope="module")
def outcomes() -> Iterator[dict[str, Outcome]]:
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="hostile-programs-") as root,
        ThreadPoolExecutor(2) as pool,
    ):
        futures = {case.id: pool.submit(_run, case, Path(root)) for case in CORPUS}
        yield {key: future.result() for key, future in futures.items()}
    assert time.monotonic() - started < 900


CASES = [
    pytest.param(
        c, id=c.id, marks=[pytest.mark.xfail(reason=c.known_issue)] if c.known_issue else []
    )
    for c in CORPUS
]


@pytest.mark.parametrize("case", CASES)
def test_hostile_program(outcomes: dict[str, Outcome], case: ProgramCase) -> None:
    out = outcomes[case.id]
    assert out.returncode is not None, f"trace still running after {BOUND_S} s"
    stderr = out.stderr.decode("utf-8", errors="replace")
    assert out.returncode == case.code, stderr[-2000:]
    assert len(out.stdout) + len(out.stderr) < OUTPUT_CAP
    # a program that raises prints its own traceback; none may pass through our code
    assert not re.search(r'File ".*/(engine|gui)/', stderr), stderr[-2000:]
    ours = [line for line in stderr.splitlines() if OURS.match(line)]
    assert ours, stderr[-2000:]
    for line in ours:
        assert first_unsafe(line) is None, repr(line)
    if case.code == 2:
        assert stderr.startswith("error: ") and stderr.count("\n") == 1, stderr
        return
    assert re.search(rf"^Result: .*\(exit code {case.code}\)$", stderr, flags=re.M), stderr
    if case.same_stdout:
        assert out.stdout == out.plain_stdout
