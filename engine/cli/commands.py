"""Headless commands: `run` (a scenario as real processes, narrated live), `presets`, `code`
and `replay --headless`; `trace` is in engine/cli/trace.py.

Exit codes (README contract): 0 passed, 2 bad input, 3 barrier broke, 4 a party died or the
run was stopped.  Bad input is one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys

from engine.cli.headless import NarrativePrinter, follow, interrupts_stop
from engine.cli.inputs import InputError, check_writable, load_chosen_scenario, read_log_input
from engine.cli.options import (
    AnalyzeOptions,
    CodeOptions,
    HeadlessOptions,
    PresetsOptions,
    ReplayOptions,
    RunOptions,
    TraceOptions,
)
from engine.cli.parser import EXIT_BAD_INPUT
from engine.cli.trace import cmd_trace
from engine.model.report import stage_tables
from engine.scenario import ScenarioError
from engine.scenario.presets import list_presets
from engine.sources.mpi.config import MpiUnavailable


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
    if options.trace:
        check_writable("--trace", options.trace)
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
        raise InputError(f"--events: cannot write {options.events}: {exc.strerror}") from None
    except MpiUnavailable as exc:
        raise InputError(f"--backend mpi: {exc}") from None
    with interrupts_stop(runner):
        model = follow(runner, None if options.quiet else NarrativePrinter())
        outcome = runner.outcome
        assert outcome is not None
        if options.trace:
            from engine.export.chrome_trace import write_trace

            write_trace(runner.events, options.trace)
        names = [p.name for p in scenario.party]
        print(("" if options.quiet else "\n") + stage_tables(model.stage_book, names))
        print(f"\nResult: {outcome.status} — {outcome.reason} (exit code {outcome.exit_code})")
    return outcome.exit_code


def cmd_code(options: CodeOptions) -> int:
    """Print (or write) the scenario as a standalone, stdlib-only Python program."""
    if not options.choice.given:
        raise InputError("code: give --preset NAME or --scenario FILE.toml")
    from engine.export.codegen import generate_script

    choice = options.choice
    script = generate_script(load_chosen_scenario(choice), seed=choice.seed, speed=choice.speed)
    if not options.output:
        print(script, end="")
        return 0
    from engine.core.atomic import atomic_write_text

    try:
        atomic_write_text(options.output, script)
    except OSError as exc:
        raise InputError(f"--output: cannot write {options.output}: {exc.strerror}") from None
    print(f"Wrote {options.output}: run it with `python {options.output}`.")
    return 0


def cmd_replay(options: ReplayOptions) -> int:
    """Headless replay: the recorded narrative at the recorded pace (scaled by --speed)."""
    from engine.sources.replay import ReplaySource

    source = ReplaySource(read_log_input(options.log), speed=options.speed)
    follow(source, NarrativePrinter())
    outcome = source.outcome
    return outcome.exit_code if outcome is not None else 0


def run_headless(options: HeadlessOptions) -> int:
    """Run one headless command; bad input is one line on stderr and exit code 2."""
    try:
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
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
