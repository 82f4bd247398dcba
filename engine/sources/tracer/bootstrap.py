"""`python -m engine.sources.tracer.bootstrap SCRIPT [ARGS…]`: run SCRIPT as `__main__`, traced.

Started by engine.sources.tracer.runner.TraceRunner, never by hand.  Steps: hold the run's
lifeline (engine.core.lifeline: exit when the trace ends or the tracer dies), install the
multiprocessing patches (engine.sources.tracer.child), connect, then
`runpy.run_path(SCRIPT, run_name="__main__")` with `sys.argv` and `sys.path[0]` set as
`python SCRIPT ARGS…` would set them.  The exit status is the program's: its own
`sys.exit(code)`, or 1 with the usual traceback (our frames removed) when it raises — and then
the tracer is told "your program raised …" so it can report it as the program's error, not ours.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from types import TracebackType

from engine.core.lifeline import die_with_parent, hold_inherited
from engine.sources.tracer.child import CLIENT, attach_main, install_patches


def _user_frames(tb: TracebackType | None, script: str) -> TracebackType | None:
    """Skip runpy's and our frames: the traceback starts where Python's own would."""
    first = tb
    while first is not None and os.path.abspath(first.tb_frame.f_code.co_filename) != script:
        first = first.tb_next
    return first or tb


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # what the interpreter does with sys.exit("message")
    return 1


def run(script: str, args: list[str]) -> int:
    script = os.path.abspath(script)
    sys.argv = [script, *args]
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        return _exit_code(exc)
    except BaseException as exc:  # the user's program raised: report it as theirs
        tb = _user_frames(exc.__traceback__, script)
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        sys.stderr.write(text)
        summary = traceback.format_exception_only(type(exc), exc)[-1].strip()
        CLIENT.send(("error", summary[:500], text[-20000:]))
        return 1
    return 0


def main() -> None:
    if len(sys.argv) < 2:
        print("usage: python -m engine.sources.tracer.bootstrap SCRIPT [ARGS…]", file=sys.stderr)
        raise SystemExit(2)
    if not hold_inherited():  # started some other way: at least die with the parent
        die_with_parent()
    install_patches()
    attach_main()
    code = run(sys.argv[1], sys.argv[2:])
    sys.stdout.flush()
    sys.stderr.flush()
    raise SystemExit(code)  # multiprocessing's atexit hooks then join the program's children


if __name__ == "__main__":
    main()
