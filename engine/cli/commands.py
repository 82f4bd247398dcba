"""Headless commands: `run` (a scenario as real processes, narrated live) and `presets`.

Exit codes (README contract): 0 passed, 2 bad input, 3 barrier broke, 4 a party died or the
run was stopped.  Bad input is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from engine.cli.trace import TraceInputError, add_trace_parser, cmd_trace
from engine.core.events import Event
from engine.model.narrative import Narrator
from engine.model.report import stage_tables
from engine.scenario import ALLOWED_BACKENDS, Scenario, ScenarioError, load_scenario
from engine.scenario.presets import list_presets, load_preset
from engine.sources.mpi.config import MpiUnavailable

EXIT_BAD_INPUT = 2
SPEED_RANGE = (0.05, 100.0)


class InputError(Exception):
    """Bad input from the command line: one line, exit code 2."""


def bounded_float(name: str, lo: float, hi: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{name} must be from {lo:g} to {hi:g}, got {text}")
        return value

    return parse


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be an integer ≥ 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be an integer ≥ 0, got {text}")
    return value


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """--preset/--scenario/--speed/--seed, shared by `run` and `gui`."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="a preset name (see `presets`)")
    source.add_argument("--scenario", metavar="FILE.toml", help="a scenario file")
    parser.add_argument(
        "--speed",
        type=bounded_float("--speed", *SPEED_RANGE),
        default=1.0,
        help="divide every work time (and the timeout) by X (default 1)",
    )
    parser.add_argument("--seed", type=non_negative_int, help="seed for random work times")


def load_chosen_scenario(args: argparse.Namespace, default: str | None = "launch") -> Scenario:
    try:
        if args.scenario:
            return load_scenario(args.scenario)
        name = args.preset or default
        if name is None:
            raise InputError("give --preset NAME or --scenario FILE.toml")
        return load_preset(name)
    except ScenarioError as exc:
        raise InputError(str(exc)) from None


def check_writable(option: str, path: str) -> None:
    """Refuse an output path that cannot be written, before a run spends time on it."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{option}: {path} is a directory")
    if not target.resolve().parent.is_dir():
        raise InputError(f"{option}: cannot write {path}: its folder does not exist")


def cmd_presets(args: argparse.Namespace) -> int:
    infos = list_presets()
    width = max((len(p.name) for p in infos), default=0)
    for info in infos:
        print(f"{info.name:<{width}}  {info.title}: {info.description}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    if not args.preset and not args.scenario:
        raise InputError("run: give --preset NAME or --scenario FILE.toml")
    scenario = load_chosen_scenario(args)
    if args.trace:
        check_writable("--trace", args.trace)
    if getattr(args, "backend", None) and args.backend != scenario.backend:
        try:
            scenario = scenario.replace(backend=args.backend)
        except ScenarioError as exc:
            raise InputError(f"--backend {args.backend}: {exc}") from None
    try:
        # imported here: the backends pull in asyncio and MPI (~0.13 s), which the GUI's cold
        # start (main.py builds this parser first) does not need before its first frame
        from engine.sources.factory import make_source

        runner = make_source(scenario, speed=args.speed, seed=args.seed, events_path=args.events)
    except OSError as exc:
        raise InputError(f"--events: cannot write {args.events}: {exc.strerror}") from None
    except MpiUnavailable as exc:
        raise InputError(f"--backend mpi: {exc}") from None
    narrator = Narrator()
    # Ctrl+C asks the run to stop (parties ignore SIGINT); the loop then drains to the end.
    previous = signal.signal(signal.SIGINT, lambda *_: runner.stop())
    runner.start()
    events: list[Event] = []
    try:
        while True:
            batch = runner.wait_events(0.2)
            events.extend(batch)
            if not args.quiet:
                _print_lines(narrator, batch)
            if runner.done and not batch:
                break
    finally:
        signal.signal(signal.SIGINT, previous)
    outcome = runner.outcome
    assert outcome is not None
    if getattr(args, "trace", None):
        from engine.export.chrome_trace import write_trace

        write_trace(events, args.trace)
    names = [p.name for p in scenario.party]
    print(("" if args.quiet else "\n") + stage_tables(events, names))
    print(f"\nResult: {outcome.status} — {outcome.reason} (exit code {outcome.exit_code})")
    return outcome.exit_code


def cmd_code(args: argparse.Namespace) -> int:
    """Print (or write) the scenario as a standalone, stdlib-only Python program."""
    if not args.preset and not args.scenario:
        raise InputError("code: give --preset NAME or --scenario FILE.toml")
    from engine.export.codegen import generate_script

    script = generate_script(load_chosen_scenario(args), seed=args.seed, speed=args.speed)
    if not args.output:
        print(script, end="")
        return 0
    from engine.core.atomic import atomic_write_text

    try:
        atomic_write_text(args.output, script)
    except OSError as exc:
        raise InputError(f"--output: cannot write {args.output}: {exc.strerror}") from None
    print(f"Wrote {args.output}: run it with `python {args.output}`.")
    return 0


def _print_lines(narrator: Narrator, batch: Sequence[Event]) -> None:
    out = []
    for event in batch:
        line = narrator.line(event)
        if line is not None:
            out.append(f"[{narrator.relative_s(event):8.3f} s] {line}")
    if out:
        print("\n".join(out), flush=True)


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments get one line and exit code 2, not a usage block (README contract)."""

    def error(self, message: str) -> NoReturn:
        message = message.replace("argument --speed: --speed", "--speed").replace(
            "argument --seed: seed", "--seed"
        )
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="barrier-viz",
        description="See how a barrier synchronises real processes. No command opens the GUI.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="run a scenario headless, narrated live")
    add_scenario_arguments(run)
    run.add_argument("--events", metavar="FILE.jsonl", help="write every event as JSON Lines")
    run.add_argument("--trace", metavar="FILE.json", help="write a Chrome/Perfetto trace")
    run.add_argument("--quiet", action="store_true", help="print only the summary")
    run.add_argument(
        "--backend",
        choices=ALLOWED_BACKENDS,
        help="multiprocessing, threading or asyncio barriers, or MPI ranks (docs/mpi.md)",
    )
    sub.add_parser("presets", help="list the presets")
    add_trace_parser(sub)
    code = sub.add_parser("code", help="print the scenario as a standalone Python program")
    add_scenario_arguments(code)
    code.add_argument("--output", metavar="FILE.py", help="write the program to FILE.py")
    replay = sub.add_parser("replay", help="replay a recorded event log (in the GUI)")
    replay.add_argument("log", metavar="FILE.jsonl", help="an event log written by --events")
    replay.add_argument(
        "--speed",
        type=bounded_float("--speed", *SPEED_RANGE),
        default=1.0,
        help="playback speed (default 1)",
    )
    replay.add_argument(
        "--headless",
        action="store_true",
        help="print the narrative at the recorded pace instead of opening the GUI",
    )
    replay.add_argument("--quit-after-run", action="store_true", help="quit when the replay ends")
    replay.add_argument("--screenshot", metavar="FILE.png", help="save the window at the end")
    replay.add_argument("--record", metavar="FILE.mp4", help="record the window (.mp4 or .gif)")
    gui = sub.add_parser("gui", help="open the GUI (the default)")
    add_scenario_arguments(gui)
    gui.add_argument("--autorun", action="store_true", help="start the run at once")
    gui.add_argument("--quit-after-run", action="store_true", help="quit when the run ends")
    gui.add_argument("--screenshot", metavar="FILE.png", help="save the window at the end")
    gui.add_argument(
        "--record",
        metavar="FILE.mp4",
        help="record the window at 30 fps into FILE.mp4 or FILE.gif (the run + 1 s)",
    )
    return parser


def cmd_replay(args: argparse.Namespace) -> int:
    """Headless replay: the recorded narrative at the recorded pace (scaled by --speed)."""
    from engine.core.event_log import EventLogReadError, read_event_log
    from engine.sources.replay import ReplaySource

    try:
        events, warnings = read_event_log(args.log)
    except EventLogReadError as exc:
        raise InputError(str(exc)) from None
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    source = ReplaySource(events, speed=args.speed)
    narrator = Narrator()
    source.start()
    while not source.done:
        _print_lines(narrator, source.wait_events(0.2))
    outcome = source.outcome
    return outcome.exit_code if outcome is not None else 0


HEADLESS = {
    "run": cmd_run,
    "presets": cmd_presets,
    "replay": cmd_replay,
    "code": cmd_code,
    "trace": cmd_trace,
}


def run_headless(args: argparse.Namespace) -> int:
    try:
        return HEADLESS[args.command](args)
    except (InputError, TraceInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
