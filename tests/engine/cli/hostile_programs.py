"""A corpus of hostile programs for `trace`, generated: each ends, with the documented code, and
nothing of ours reaches the terminal raw.

A traced program is code we did not write; its names, messages, exceptions and output are
text from outside.  Each case is a small program (made from a template and a table of hostile
strings) plus what `trace` must answer: the exit code (the program's own non-zero code, else
0 passed, 3 a barrier broke, 4 a lane died; 2 when there is no program to run) and, for a
program whose stdout is deterministic, that stdout passes through byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HOSTILE = {
    "title": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J\x1b[H",
    "nul": "a\0b",
    "csi8": "\x9b31m",
    "cr": "real\rforged",
    "rlo": "\u202eevil",
}

PARTIES_TEMPLATE = """
import sys
from multiprocessing import Barrier, Process

def work(label, barrier):
    barrier.wait()

if __name__ == "__main__":
    barrier = Barrier(2)
    ps = [Process(target=work, args=({label!r}, barrier), name={label!r}) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
"""

ACTION_TEMPLATE = """
from multiprocessing import Barrier, Process

def act():
    pass

act.__name__ = act.__qualname__ = {label!r}

def work(barrier):
    barrier.wait()

if __name__ == "__main__":
    barrier = Barrier(2, action=act)
    ps = [Process(target=work, args=(barrier,)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
"""

RAISES_TEMPLATE = """
import sys
from multiprocessing import Barrier, Process

def work(barrier):
    barrier.wait()

if __name__ == "__main__":
    barrier = Barrier(2)
    ps = [Process(target=work, args=(barrier,)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
    raise RuntimeError({label!r})
"""

OUTPUT_TEMPLATE = """
import os
from multiprocessing import Barrier, Process

def work(barrier):
    barrier.wait()

if __name__ == "__main__":
    barrier = Barrier(2)
    ps = [Process(target=work, args=(barrier,)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
    text = {label!r}
    os.write(1, (text + "\\n" + text).encode("utf-8", "surrogateescape"))
"""

STDOUT_BYTES = """
import os, random
from multiprocessing import Barrier, Process

def work(barrier):
    barrier.wait()

if __name__ == "__main__":
    barrier = Barrier(2)
    ps = [Process(target=work, args=(barrier,)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
    data = random.Random(7).randbytes({size})
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]
"""

SPECIAL = {
    "huge-barrier": (
        "from multiprocessing import Barrier\nb = Barrier(10**9)\nprint(b.parties)\n",
        0,
    ),
    "64-processes": (
        "from multiprocessing import Barrier, Process\n"
        "def w(b):\n    b.wait()\n"
        "if __name__ == '__main__':\n    b = Barrier(64)\n"
        "    ps = [Process(target=w, args=(b,)) for _ in range(64)]\n"
        "    for p in ps: p.start()\n    for p in ps: p.join()\n",
        0,
    ),
    "child-exit-7": (
        "import os\nfrom multiprocessing import Barrier, Process\n"
        "def w(b):\n    b.wait()\n    os._exit(7)\n"
        "if __name__ == '__main__':\n    b = Barrier(2)\n"
        "    ps = [Process(target=w, args=(b,)) for _ in range(2)]\n"
        "    for p in ps: p.start()\n    for p in ps: p.join()\n",
        4,
    ),
    "exit-code-9": ("import sys\nsys.exit(9)\n", 9),
    "closes-its-stdio": (
        "import os\nfrom multiprocessing import Barrier, Process\n"
        "def w(b):\n    b.wait()\n"
        "if __name__ == '__main__':\n    os.close(1); os.close(2)\n    b = Barrier(2)\n"
        "    ps = [Process(target=w, args=(b,)) for _ in range(2)]\n"
        "    for p in ps: p.start()\n    for p in ps: p.join()\n",
        0,
    ),
    "kills-itself": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
        4,
    ),
    "syntax-error": ("def (:\n", 1),
    "empty": ("", 0),
    "deep-recursion": (
        "def f(n):\n    return f(n + 1)\nf(0)\n",
        1,
    ),
    "50-short-processes": (
        "import time\nfrom multiprocessing import Process\n"
        "if __name__ == '__main__':\n"
        "    ps = [Process(target=time.sleep, args=(0.05,)) for _ in range(50)]\n"
        "    for p in ps: p.start()\n    for p in ps: p.join()\n",
        0,
    ),
}


@dataclass(frozen=True)
class ProgramCase:
    id: str
    code: int  # the exit code `trace` must give
    make: Callable[[Path], Path]  # writes the program into an empty folder; the path to trace
    same_stdout: bool = False  # stdout must equal the program's own, byte for byte
    known_issue: str | None = None  # a failure owned elsewhere: the case is xfail (strict)


def source_case(case_id: str, source: str, code: int, same_stdout: bool = False) -> ProgramCase:
    def make(folder: Path) -> Path:
        path = folder / "program.py"
        path.write_text(source, encoding="utf-8", errors="surrogateescape")
        return path

    return ProgramCase(case_id, code, make, same_stdout)


def node_case(case_id: str, build: Callable[[Path], None]) -> ProgramCase:
    def make(folder: Path) -> Path:
        path = folder / "program.py"
        build(path)
        return path

    return ProgramCase(case_id, 2, make)


# Each known issue names the module that must change; when it is fixed the case XPASSes and
# (xfail_strict) fails until this entry is removed.
KNOWN_ISSUES = {
    "syntax-error": "the tracer's bootstrap frame (engine/sources/tracer/bootstrap.py) shows "
    "in a SyntaxError's traceback, where plain python shows none",
}

CORPUS: list[ProgramCase] = [
    *(
        source_case(f"{label}-in-process-names", PARTIES_TEMPLATE.format(label=text), 0)
        for label, text in HOSTILE.items()
    ),
    *(
        source_case(f"{label}-in-action-name", ACTION_TEMPLATE.format(label=text), 0)
        for label, text in HOSTILE.items()
    ),
    *(
        source_case(f"{label}-in-exception", RAISES_TEMPLATE.format(label=text), 1)
        for label, text in HOSTILE.items()
    ),
    *(
        source_case(f"{label}-in-output", OUTPUT_TEMPLATE.format(label=text), 0, True)
        for label, text in HOSTILE.items()
    ),
    source_case("2-MiB-without-newline", STDOUT_BYTES.format(size=2 * 2**20), 0, True),
    *(
        ProgramCase(name, code, source_case(name, source, code).make, False, KNOWN_ISSUES.get(name))
        for name, (source, code) in SPECIAL.items()
    ),
    node_case("missing", lambda p: None),
    node_case("a-folder", lambda p: p.mkdir()),
    node_case("a-fifo", lambda p: os.mkfifo(p)),
]
assert len({c.id for c in CORPUS}) == len(CORPUS), "case ids must be unique"
