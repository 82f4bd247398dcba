"""What users expect of a command-line tool, checked on the real command line (subprocesses).

--version; shell completion that completes; --quiet with a progress line only on a terminal;
long runs summarised; no colour codes ever; output paths refused before a run; Ctrl+C however
often gives the documented 4 that the summary names; a closed pipe ends quietly; exit 1 when
no window can open; every exit code in the README.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli.progress import ProgressLine, describe
from engine.model.report import stage_tables
from engine.model.stage_records import StageBook
from engine.model.view_model import RunViewModel
from tests.engine.model.failure_runs import ev
from tests.paths import MAIN, ROOT

pytestmark = pytest.mark.timeout(120)


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(MAIN), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def many_stages(tmp_path: Path, stages: int) -> Path:
    path = tmp_path / "long.toml"
    path.write_text(
        f'name = "Long"\nstages = {stages}\nparties = 2\n'
        '[[party]]\nname = "Ann"\nwork = 0.002\n[[party]]\nname = "Bob"\nwork = 0.004\n',
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------- --version, completion
def test_version() -> None:
    out = cli("--version")
    assert out.returncode == 0
    assert re.fullmatch(r"barrier-viz \d+\.\d+\.\d+\S*\n", out.stdout), out.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_commands_options_and_presets(tmp_path: Path) -> None:
    out = cli("completion", "bash")
    assert out.returncode == 0
    script = tmp_path / "barrier-viz.bash"
    script.write_text(out.stdout, encoding="utf-8")

    def complete(*words: str) -> list[str]:
        line = " ".join(("barrier-viz", *words))
        probe = (
            f"source {script}; COMP_WORDS=(barrier-viz {' '.join(words)}); "
            f"COMP_CWORD={len(words)}; COMP_LINE='{line}'; COMP_POINT={len(line)}; "
            '_shtab_barrier_viz; printf "%s\\n" "${COMPREPLY[@]}"'
        )
        done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
        return done.stdout.split()

    assert complete("ru") == ["run"]
    assert set(complete("")) >= {"run", "presets", "trace", "replay", "analyze", "gui"}
    assert complete("run", "--qu") == ["--quiet"]
    assert "launch" in complete("run", "--preset", "la")
    assert "--tables" in complete("run", "--")
    assert "--screenshot" in complete("gui", "--")  # the window's flags are in it too


def test_zsh_completion_is_a_compdef_script() -> None:
    out = cli("completion", "zsh")
    assert out.returncode == 0
    assert out.stdout.startswith("#compdef barrier-viz")
    for command in ("run", "presets", "trace", "replay", "analyze", "completion", "gui"):
        assert command in out.stdout
    if shutil.which("zsh"):
        check = subprocess.run(["zsh", "-n"], input=out.stdout, text=True, capture_output=True)
        assert check.returncode == 0, check.stderr


def test_completion_of_an_unknown_shell_is_one_line() -> None:
    out = cli("completion", "fish")
    assert out.returncode == 2 and out.stderr.count("\n") == 1


# ---------------------------------------------------------------- quiet, progress, tables
def test_quiet_on_a_terminal_shows_one_progress_line_in_place(tmp_path: Path) -> None:
    """stderr is a terminal: the progress line is rewritten with carriage returns (never a
    newline of its own), then wiped; stdout (a pipe) gets only the summary."""
    leader, follower = pty.openpty()
    scenario = str(many_stages(tmp_path, 30))
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "run", "--scenario", scenario, "--quiet", "--speed", "0.5"],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    os.close(follower)
    seen = bytearray()
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the pty closes when the child exits
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0
    text = seen.decode()
    assert "stages done" in text and "\r" in text
    assert "\n" not in text.replace("\r\n", "")  # the terminal echoes nothing else
    assert text.endswith("\r")  # wiped: the line ends blank
    assert b"\x1b" not in seen  # no escape sequences, NO_COLOR or not
    assert stdout.decode().startswith("Wait states") and b"stages done" not in stdout


def test_progress_line_writes_nothing_on_a_pipe() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as pipe:
        line = ProgressLine(pipe)
        model = RunViewModel()
        model.apply([ev("run_start", 0, names=["A"], stages=3)])
        line(model)
        line.clear()
        assert not line.enabled
    with os.fdopen(read_end) as reader:
        assert reader.read() == ""


def test_progress_text_counts_released_stages() -> None:
    model = RunViewModel()
    model.apply(
        [ev("run_start", 0, names=["A", "B"], parties=2, stages=4)]
        + [ev("arrive", 1, p, 0, barrier=7) for p in (0, 1)]
        + [ev("release", 2, p, 0, barrier=7, index=p) for p in (0, 1)]
        + [ev("arrive", 3, 0, 1, barrier=7)]
    )
    assert describe(model, now_ns=1_500_000_000) == "1 of 4 stages done · 1.5 s"


def test_more_than_20_stages_show_first_slowest_last_unless_tables_all(tmp_path: Path) -> None:
    scenario = str(many_stages(tmp_path, 25))
    summary = cli("run", "--scenario", scenario, "--speed", "2")
    assert summary.returncode == 0, summary.stderr
    headers = re.findall(r"^Stage (\d+) of 25", summary.stdout, flags=re.M)
    assert headers[0] == "1" and headers[-1] == "25" and 2 <= len(headers) <= 3
    assert "25 stages: the first, the slowest and the last are shown" in summary.stdout
    every = cli("run", "--scenario", scenario, "--speed", "2", "--tables", "all")
    headers = re.findall(r"^Stage (\d+) of 25", every.stdout, flags=re.M)
    assert headers == [str(i) for i in range(1, 26)]


def test_summary_picks_the_slowest_stage() -> None:
    events = [ev("run_start", 0, names=["A"], parties=1, stages=30)]
    for stage in range(30):
        t = stage * 10 + (50 if stage > 7 else 0)
        slow = 9 if stage == 7 else 1
        events += [ev("work_start", t, 0, stage), ev("arrive", t + slow, 0, stage)]
        events += [ev("release", t + slow, 0, stage, index=0)]
    text = stage_tables(StageBook.from_events(events), ["A"], limit=20)
    assert re.findall(r"^Stage (\d+) of 30", text, flags=re.M) == ["1", "8", "30"]
    every = stage_tables(StageBook.from_events(events), ["A"])
    assert len(re.findall(r"^Stage \d+ of 30", every, flags=re.M)) == 30


def test_no_colour_codes_anywhere(tmp_path: Path) -> None:
    """We print no colour at all: NO_COLOR holds trivially, and so does a pipe."""
    for env_extra in ({}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}):
        out = cli("run", "--preset", "launch", "--speed", "20", env={**os.environ, **env_extra})
        assert out.returncode == 0
        assert "\x1b" not in out.stdout + out.stderr


# ---------------------------------------------------------------- output paths, before the run
def full_device(folder: Path) -> Path:
    """A private copy of /dev/full (the same character device: every write fails with "No
    space left on device").  Never the real one: a version without the check renames its
    output onto the target, and as root that replaces the system's device with a file."""
    path = folder / "full"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root")
    return path


@pytest.mark.parametrize("option", ["--trace", "--events"])
@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("{full}", "not a regular file"),
        ("{fifo}", "not a regular file"),
        ("{tmp}", "is a folder, not a file"),
        ("{tmp}/missing/x.out", "folder does not exist"),
        ("/proc/self/x.out", "cannot write"),
    ],
)
def test_unwritable_outputs_are_refused_before_the_run(
    tmp_path: Path, option: str, target: str, needle: str
) -> None:
    fifo = tmp_path / "fifo"
    if "{fifo}" in target:
        os.mkfifo(fifo)
    full = full_device(tmp_path) if "{full}" in target else None
    path = target.format(tmp=tmp_path, fifo=fifo, full=full)
    started = time.monotonic()
    out = cli("run", "--preset", "launch-staggered", option, path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stdout == "", "nothing may run"
    assert out.stderr.count("\n") == 1 and out.stderr.startswith(f"error: {option}: ")
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert time.monotonic() - started < 20  # the staggered preset alone takes longer
    if full is not None:
        assert full.is_char_device()  # still the device: nothing was renamed onto it
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (fifo, full) if p is not None and os.path.lexists(p)
    )  # no probe or .part left behind


def test_code_output_to_a_device_is_refused(tmp_path: Path) -> None:
    full = full_device(tmp_path)
    out = cli("code", "--preset", "launch", "--output", str(full))
    assert out.returncode == 2 and "not a regular file" in out.stderr
    assert full.is_char_device()


# ---------------------------------------------------------------- Ctrl+C and closed pipes
@pytest.mark.slow
@pytest.mark.parametrize("presses", [2, 3])
@pytest.mark.parametrize("after_lines", [1, 4])
def test_ctrl_c_repeated_50_ms_apart_exits_4_as_the_summary_says(
    presses: int, after_lines: int
) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "run", "--preset", "launch-staggered"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    for _ in range(after_lines):
        proc.stdout.readline()
    for _ in range(presses):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)  # the 50 ms between two presses is the input, not a synchronisation
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, (out, err)
    assert "Result: stopped" in out and "(exit code 4)" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_a_closed_stdout_ends_a_listing_quietly() -> None:
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "presets"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # `| head` that has read enough before we write
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=30) == 0
    assert err == b""


def test_a_closed_stdout_stops_a_run_with_4() -> None:
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "run", "--preset", "launch-staggered"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read()
    assert proc.wait(timeout=30) == 4
    assert b"Traceback" not in err and b"BrokenPipe" not in err


# ---------------------------------------------------------------- exit codes
def test_no_display_is_exit_1_in_one_line() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    out = cli("gui", "--preset", "launch", env=env)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "Aborted" not in out.stderr
    assert "display" in out.stderr.lower()


def test_every_exit_code_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("**Exit codes**") :].split("\n\n")[1]
    codes = re.findall(r"^\| (\d+) \|", table, flags=re.M)
    assert codes == ["0", "1", "2", "3", "4", "130"]


LOOPING_PROGRAM = """
from multiprocessing import Barrier, Process
def w(b):
    for _ in range(25):
        b.wait()
if __name__ == "__main__":
    b = Barrier(2)
    ps = [Process(target=w, args=(b,)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
"""


def test_trace_summarises_long_programs_too(tmp_path: Path) -> None:
    program = tmp_path / "loop.py"
    program.write_text(LOOPING_PROGRAM, encoding="utf-8")
    summary = cli("trace", str(program), "--quiet")
    assert summary.returncode == 0, summary.stderr
    assert 2 <= len(re.findall(r"^Stage \d+ of 25", summary.stderr, flags=re.M)) <= 3
    every = cli("trace", str(program), "--quiet", "--tables", "all")
    assert len(re.findall(r"^Stage \d+ of 25", every.stderr, flags=re.M)) == 25


def test_trace_events_to_a_device_is_refused_before_the_program_runs(tmp_path: Path) -> None:
    program = tmp_path / "loop.py"
    program.write_text("print('ran')\n", encoding="utf-8")
    full = full_device(tmp_path)
    out = cli("trace", str(program), "--events", str(full))
    assert out.returncode == 2 and out.stdout == ""
    expected = f"error: --events: cannot write {full}: is not a regular file"
    assert out.stderr == expected + "\n"
    assert full.is_char_device()


@pytest.mark.parametrize("flag", ["--screenshot", "--record"])
def test_window_outputs_are_checked_before_the_window_opens(tmp_path: Path, flag: str) -> None:
    target = tmp_path / "missing" / ("x.png" if flag == "--screenshot" else "x.gif")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = cli(
        "gui", "--preset", "launch", "--autorun", "--quit-after-run", flag, str(target), env=env
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr == f"error: {flag}: cannot write {target}: its folder does not exist\n"


def test_ctrl_c_during_a_headless_replay_exits_4_and_says_so() -> None:
    log = ROOT / "tests" / "engine" / "core" / "recorded" / "launch.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(MAIN), "replay", "--headless", "--speed", "0.2", str(log)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    for _ in range(2):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.05)  # the 50 ms between two presses is the input, not a synchronisation
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, (out, err)
    assert re.search(r"^■ Replay stopped at \d+\.\d{3} s of 1\.794 s \(exit code 4\)\.$", out, re.M)
    assert err == ""
