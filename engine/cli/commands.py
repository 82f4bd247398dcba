"""Headless commands: `run` (a scenario as real processes, narrated live), `presets`, `code`,
`replay --headless` and `completion`; `trace` is in engine/cli/trace.py, `analyze` in
engine/cli/analyze.py.

Exit codes (README contract): 0 passed, 1 the app could not start, 2 bad input, 3 barrier
broke, 4 a party died or the run was stopped (Ctrl+C, however often), 130 Ctrl+C before a run
started.  Bad input is one line on stderr, never a
traceback, and checked before a run starts (output paths included).  When whoever reads our
output goes away (`| head`), a run is stopped and ends quietly with 4; a listing just ends (0).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from engine.cli.headless import NarrativePrinter, follow, interrupts_stop
from engine.cli.inputs import InputError, check_writable, load_chosen_scenario, read_log_input
from engine.cli.options import (
    AnalyzeOptions,
    CodeOptions,
    CompletionOptions,
    HeadlessOptions,
    LessonListOptions,
    PresetsOptions,
    ReplayOptions,
    RunOptions,
    TraceOptions,
)
from engine.cli.parser import EXIT_BAD_INPUT
from engine.cli.progress import ProgressLine
from engine.cli.summary import run_summary
from engine.cli.trace import cmd_trace
from engine.core.events import Event
from engine.core.outcome import EXIT_CODES, RunStatus
from engine.core.safe_text import printable
from engine.scenario import ScenarioError
from engine.scenario.presets import list_presets
from engine.sources.mpi.config import MpiUnavailable

EXIT_STOPPED = EXIT_CODES[RunStatus.STOPPED]
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl+C, when no run had started yet


def cmd_presets(options: PresetsOptions) -> int:
    infos = list_presets()
    width = max((len(p.name) for p in infos), default=0)
    for info in infos:
        print(f"{info.name:<{width}}  {info.title}: {info.description}")
    return 0


def cmd_run(options: RunOptions) -> int:
    if not options.choice.given:
        raise InputError("run: give --preset NAME or --scenario FILE.toml")
    scenario = load_chosen_scenario(options.choice)
    for option, path in (("--trace", options.trace), ("--events", options.events)):
        if path:
            check_writable(option, path)
    if options.backend and options.backend != scenario.backend:
        try:
            scenario = scenario.replace(backend=options.backend)
        except ScenarioError as exc:
            raise InputError(f"--backend {options.backend}: {exc}") from None
    choice = options.choice
    try:
        # imported here: the backends pull in asyncio and MPI (~0.13 s), which the GUI's cold
        # start (the entry parses the command line first) does not need before its first frame
        from engine.sources.factory import make_source

        runner = make_source(
            scenario, speed=choice.speed, seed=choice.seed, events_path=options.events
        )
    except OSError as exc:
        raise InputError(
            f"--events: cannot write {printable(str(options.events))}: {exc.strerror}"
        ) from None
    except MpiUnavailable as exc:
        raise InputError(f"--backend mpi: {exc}") from None
    progress = ProgressLine() if options.quiet else None
    # Ctrl+C stops the run until the summary is out: it and the exit code agree
    with interrupts_stop(runner, restore=False):
        story = NarrativePrinter(skip={"run_end"})  # the Result line below says it once
        model = follow(runner, progress if progress is not None else story)
        if progress is not None:
            progress.clear()
        outcome = runner.outcome
        assert outcome is not None
        names = [p.name for p in scenario.party]
        summary = run_summary(
            model,
            runner.events,
            names,
            outcome,
            quiet=options.quiet,
            all_tables=options.all_tables,
        )
        print(("" if options.quiet else "\n") + summary, flush=True)
        if options.trace and not _wrote_trace(runner.events, options.trace):
            return EXIT_BAD_INPUT if outcome.exit_code == 0 else outcome.exit_code
    return outcome.exit_code


def _wrote_trace(events: Sequence[Event], path: str) -> bool:
    """Write the Chrome trace; a failure (the disk filled during the run) is one line."""
    from engine.export.chrome_trace import write_trace

    try:
        write_trace(events, path)
    except OSError as exc:
        print(f"error: --trace: cannot write {printable(path)}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def cmd_code(options: CodeOptions) -> int:
    """Print (or write) the scenario as a standalone, stdlib-only Python program."""
    if not options.choice.given:
        raise InputError("code: give --preset NAME or --scenario FILE.toml")
    from engine.export.codegen import generate_script

    choice = options.choice
    if options.output:
        check_writable("--output", options.output)
    script = generate_script(load_chosen_scenario(choice), seed=choice.seed, speed=choice.speed)
    if not options.output:
        print(script, end="")
        return 0
    from engine.files.atomic import atomic_write_text

    shown = printable(options.output)
    try:
        atomic_write_text(options.output, script)
    except OSError as exc:
        raise InputError(f"--output: cannot write {shown}: {exc.strerror}") from None
    print(f"Wrote {shown}: run it with `python {shown}`.")
    return 0


def cmd_replay(options: ReplayOptions) -> int:
    """Headless replay: the recorded narrative at the recorded pace (scaled by --speed)."""
    from engine.sources.replay import ReplaySource

    source = ReplaySource(read_log_input(options.log), speed=options.speed)
    with interrupts_stop(source, restore=False):
        follow(source, NarrativePrinter())
        reached, length = source.position_s(), source.duration_s()
        if reached < length:  # Ctrl+C before the recorded end: a stopped replay, as a run
            print(f"■ Replay stopped at {reached:.3f} s of {length:.3f} s (exit code 4).")
            return EXIT_STOPPED
    outcome = source.outcome
    return outcome.exit_code if outcome is not None else 0


def cmd_completion(options: CompletionOptions) -> int:
    from engine.cli.completion import completion_script

    print(completion_script(options.parser, options.shell), end="")
    return 0


def run_headless(options: HeadlessOptions) -> int:
    """Run one headless command; bad input is one line on stderr and exit code 2."""
    try:
        return _dispatch(options)
    except InputError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_STOPPED if isinstance(options, RunOptions | ReplayOptions | TraceOptions) else 0
    except KeyboardInterrupt:  # Ctrl+C before a run began (loading, checking): nothing to stop
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _dispatch(options: HeadlessOptions) -> int:
    match options:
        case RunOptions():
            return cmd_run(options)
        case PresetsOptions():
            return cmd_presets(options)
        case CodeOptions():
            return cmd_code(options)
        case ReplayOptions():
            return cmd_replay(options)
        case TraceOptions():
            return cmd_trace(options)
        case AnalyzeOptions():
            from engine.cli.analyze import cmd_analyze

            return cmd_analyze(options.log, options.json)
        case CompletionOptions():
            return cmd_completion(options)
        case LessonListOptions():
            from engine.cli.lessons import cmd_lessons

            return cmd_lessons(options)


def _silence_stdout() -> None:
    """The reader is gone: point stdout at /dev/null, so the interpreter's final flush does
    not report the broken pipe once more on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
