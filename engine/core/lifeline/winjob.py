"""Windows: put every child in a job object that the system kills when the app's handle closes.

Why: Windows has no fork and no signals, so neither the death signal nor a process group can
end a child whose app died.  A job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE can: the app
holds the only handle, the kernel closes it when the app ends however it ends, and then every
process in the job is terminated (and the processes they start are in the job too).  The pipe
lifeline still runs beside it, as everywhere.

The ctypes calls sit behind `JobApi`, so the decisions (make the job once, set the limit
before the first child joins it, close each process handle, keep going if a call fails) are
tested on any platform with a fake; `Kernel32Jobs` is the real one, made only on Windows.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Protocol

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
PROCESS_SET_QUOTA = 0x0100
PROCESS_TERMINATE = 0x0001


class IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount",
    )]  # fmt: skip


class BasicLimitInformation(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class ExtendedLimitInformation(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", BasicLimitInformation),
        ("IoInfo", IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


def kill_on_close_limits() -> ExtendedLimitInformation:
    """The limit structure SetInformationJobObject gets: only the kill-on-close flag set."""
    info = ExtendedLimitInformation()
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    return info


class JobApi(Protocol):
    """The four kernel32 calls a kill-on-close job needs (handles are ints; errors OSError)."""

    def create_job(self) -> int: ...
    def set_kill_on_close(self, job: int) -> None: ...
    def open_process(self, pid: int) -> int: ...
    def assign(self, job: int, process: int) -> None: ...
    def close(self, handle: int) -> None: ...


class Kernel32Jobs:
    """`JobApi` through ctypes (Windows only)."""

    def __init__(self) -> None:
        self._k32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]

    def _check(self, ok: int) -> int:
        if not ok:
            raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
        return ok

    def create_job(self) -> int:
        return self._check(self._k32.CreateJobObjectW(None, None))

    def set_kill_on_close(self, job: int) -> None:
        info = kill_on_close_limits()
        size = ctypes.sizeof(info)
        kind = JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS
        self._check(self._k32.SetInformationJobObject(job, kind, ctypes.byref(info), size))

    def open_process(self, pid: int) -> int:
        return self._check(self._k32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, 0, pid))

    def assign(self, job: int, process: int) -> None:
        self._check(self._k32.AssignProcessToJobObject(job, process))

    def close(self, handle: int) -> None:
        self._k32.CloseHandle(handle)


class KillOnCloseJob:
    """The app's one job: `adopt(pid)` puts a child in it.  The handle is never closed by us:
    the kernel closes it when the app ends, and that is what kills the children."""

    def __init__(self, api: JobApi) -> None:
        self._api = api
        self._job: int | None = None
        self._broken = False
        self._lock = threading.Lock()

    def adopt(self, pid: int) -> bool:
        """True if `pid` is now in the job; False if the job could not be made or joined (the
        pipe lifeline still ends the child)."""
        with self._lock:
            if self._broken:
                return False
            try:
                if self._job is None:
                    job = self._api.create_job()
                    try:
                        self._api.set_kill_on_close(job)
                    except OSError:
                        self._api.close(job)
                        raise
                    self._job = job
                process = self._api.open_process(pid)
            except OSError:
                self._broken = self._job is None  # no job at all: stop trying
                return False
            try:
                self._api.assign(self._job, process)
            except OSError:
                return False
            finally:
                self._api.close(process)
            return True


_job: KillOnCloseJob | None = None


def adopt_child(pid: int, *, enabled: bool = sys.platform == "win32") -> bool:
    """Put a child of the app in the app's kill-on-close job (Windows; elsewhere False)."""
    global _job
    if not enabled:
        return False
    if _job is None:
        _job = KillOnCloseJob(Kernel32Jobs())
    return _job.adopt(pid)
