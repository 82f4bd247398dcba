"""The lifeline's pieces, each on its own: which guards each platform gets, the child that
exits at EOF (and takes no death signal when told not to), the write end that no fork child
keeps, the fd a launched program inherits, the Windows job's decisions (with the kernel32
calls faked), and the janitor that removes the app's folders once the app is gone.

The end-to-end versions (the app SIGKILLed under every start method) are in
tests/engine/sources/test_orphans.py.
"""

from __future__ import annotations

import ctypes
import fcntl
import multiprocessing
import os
import stat
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.core.lifeline import EXIT_APP_GONE, Janitor, Lifeline, LifelineToken, guards_for, hold
from engine.core.lifeline import watch as watch_module
from engine.core.lifeline.watch import ENV_FD, hold_inherited
from engine.core.lifeline.winjob import (
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    ExtendedLimitInformation,
    KillOnCloseJob,
    kill_on_close_limits,
)

POSIX = os.name == "posix"


def test_each_platform_gets_its_guards() -> None:
    linux, mac, windows = guards_for("linux"), guards_for("darwin"), guards_for("win32")
    assert (linux.death_signal, linux.job_object) == (True, False)
    assert (mac.death_signal, mac.job_object) == (False, False)  # the pipe alone
    assert (windows.death_signal, windows.job_object) == (False, True)
    assert mac.names == ("pipe",) and windows.names == ("pipe", "job object")


def write_ends_of(pipe_inode: int) -> list[int]:
    """This process's fds that are the write end of the pipe with that inode."""
    found = []
    for fd in range(1024):
        try:
            info = os.fstat(fd)
            writable = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY
        except OSError:
            continue
        if stat.S_ISFIFO(info.st_mode) and info.st_ino == pipe_inode and writable:
            found.append(fd)
    return found


def held_child(token: LifelineToken, pipe_inode: int, results: Any) -> None:
    """Report any write end of the lifeline here and whether prctl was asked for, then hold
    the lifeline and wait (the lifeline ends this process)."""
    calls: list[str] = []
    watch_module.set_death_signal = lambda: calls.append("prctl") or True  # type: ignore[assignment]
    hold(token)
    results.put((write_ends_of(pipe_inode), calls))
    multiprocessing.Event().wait(60)


@pytest.mark.skipif(not POSIX, reason="fork")
def test_a_child_exits_when_the_lifeline_closes_and_keeps_no_write_end() -> None:
    ctx = multiprocessing.get_context("fork")
    lifeline = Lifeline(guards_for("darwin"))
    inode = os.fstat(lifeline.token.conn.fileno()).st_ino
    assert write_ends_of(inode)  # the app holds it
    results = ctx.SimpleQueue()
    child = ctx.Process(target=held_child, args=(lifeline.token, inode, results))
    child.start()
    write_ends, calls = results.get()
    assert write_ends == []  # closed in the fork child before any of its code ran
    assert calls == []  # the macOS guards: no death signal asked for
    lifeline.close()  # the run is over
    child.join(20)
    assert child.exitcode == EXIT_APP_GONE
    child.close()
    results.close()


def test_a_launched_program_takes_only_a_pipe_and_forgets_the_variable(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with plain.open() as handle:
        env = {ENV_FD: str(handle.fileno())}
        assert not hold_inherited(env)  # a regular file is not a lifeline
    assert env == {}  # removed, so the program's own children never see a stale number
    assert not hold_inherited({ENV_FD: "not a number"})
    assert not hold_inherited({})


@pytest.mark.skipif(not POSIX, reason="pass_fds")
def test_a_launched_program_exits_when_the_lifeline_closes() -> None:
    lifeline = Lifeline()
    fd, env = lifeline.for_program()
    code = "from engine.core.lifeline import hold_inherited; import time\n"
    code += "assert hold_inherited(); print('held', flush=True); time.sleep(60)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        pass_fds=(fd,),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "held\n"
    lifeline.close()
    assert proc.wait(20) == EXIT_APP_GONE
    proc.stdout.close()


class FakeJobs:
    """Records the kernel32 calls; `fail` names the ones that raise OSError."""

    def __init__(self, fail: frozenset[str] = frozenset()) -> None:
        self.calls: list[tuple[str, int]] = []
        self.fail = fail
        self.open_handles: set[int] = set()
        self._next = 100

    def _call(self, name: str, arg: int) -> int:
        self.calls.append((name, arg))
        if name in self.fail:
            raise OSError(5, f"{name} failed")
        self._next += 1
        return self._next

    def create_job(self) -> int:
        return self._call("create_job", 0)

    def set_kill_on_close(self, job: int) -> None:
        self._call("set_kill_on_close", job)

    def open_process(self, pid: int) -> int:
        handle = self._call("open_process", pid)
        self.open_handles.add(handle)
        return handle

    def assign(self, job: int, process: int) -> None:
        self._call("assign", process)

    def close(self, handle: int) -> None:
        self.calls.append(("close", handle))
        self.open_handles.discard(handle)


def test_the_windows_job_is_made_once_limited_before_use_and_never_leaks_a_handle() -> None:
    api = FakeJobs()
    job = KillOnCloseJob(api)
    assert job.adopt(11) and job.adopt(12)
    names = [name for name, _ in api.calls]
    assert names.count("create_job") == 1
    assert names.index("set_kill_on_close") < names.index("assign")  # limit first, then join
    assert [pid for name, pid in api.calls if name == "open_process"] == [11, 12]
    assert api.open_handles == set()  # every process handle closed; the job's stays open
    assert ("close", 101) not in api.calls  # 101 is the job: only the app's end closes it


def test_a_windows_job_that_cannot_be_made_is_not_tried_again() -> None:
    api = FakeJobs(fail=frozenset({"set_kill_on_close"}))
    job = KillOnCloseJob(api)
    assert not job.adopt(11) and not job.adopt(12)
    assert [name for name, _ in api.calls] == ["create_job", "set_kill_on_close", "close"]


def test_a_child_that_cannot_join_the_job_does_not_stop_the_next() -> None:
    api = FakeJobs(fail=frozenset({"assign"}))
    job = KillOnCloseJob(api)
    assert not job.adopt(11) and not job.adopt(12)
    assert [name for name, _ in api.calls].count("open_process") == 2
    assert api.open_handles == set()


@pytest.mark.skipif(struct.calcsize("P") != 8, reason="the 64-bit layout")
def test_the_job_limit_structure_has_the_windows_layout() -> None:
    assert ctypes.sizeof(ExtendedLimitInformation) == 144  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    limits = kill_on_close_limits()
    assert limits.BasicLimitInformation.LimitFlags == JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE == 0x2000


def test_the_janitor_removes_what_is_still_registered_once_the_app_is_gone(tmp_path: Path) -> None:
    kept, removed = tmp_path / "kept", tmp_path / "removed"
    for folder in (kept, removed):
        folder.mkdir()
        (folder / "socket").write_text("")
    janitor = Janitor()
    janitor.keep_clean(removed)
    janitor.keep_clean(kept)
    janitor.forget(kept)
    assert janitor.pid is not None
    assert janitor.stop() == 0  # its stdin closed, as when the app dies
    assert kept.exists() and not removed.exists()
