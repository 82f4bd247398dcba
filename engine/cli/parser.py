"""The command line's one parser: every command, parsed once, into typed options.

Why a class that others extend: the headless commands are the engine's, but the window's flags
(`gui`, and `replay`/`trace` shown in the window) belong to the gui package, which engine may
not import.  So the entry builds this parser, lets gui/app/options.py add its flags (`gui`
subcommand, `add_trace_option`), parses once, and asks each side for its typed options.

`trace SCRIPT [ARGS…]` takes our options before SCRIPT and, for convenience, after the
program's arguments too (`trace prog.py a b --gui --events x.jsonl`); a final `--` hands
everything before it to the program.  That is resolved here, before argparse sees the line:
trailing options of ours move in front of SCRIPT, where argparse parses (and checks) them
like any other option.  Bad arguments are one line and exit code 2 (README contract).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from engine.cli.options import (
    AnalyzeOptions,
    CodeOptions,
    CompletionOptions,
    HeadlessOptions,
    LessonListOptions,
    PresetsOptions,
    ReplayOptions,
    RunOptions,
    ScenarioChoice,
    TraceOptions,
)
from engine.scenario import ALLOWED_BACKENDS

EXIT_BAD_INPUT = 2
SHELLS = ("bash", "zsh")
TABLES = ("summary", "all")
SPEED_RANGE = (0.05, 100.0)
END_OF_OPTIONS = "--"


def app_version() -> str:
    """The installed distribution's version; in a source tree not installed, pyproject's."""
    from importlib import metadata

    try:
        return metadata.version("barrier-visualiser")
    except metadata.PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "(version unknown)"


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


def add_speed_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--speed", type=bounded_float("--speed", *SPEED_RANGE), default=1.0, help=help_text
    )


def add_scenario_arguments(parser: argparse.ArgumentParser) -> None:
    """--preset/--scenario/--speed/--seed, shared by `run`, `code` and `gui`."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="a preset name (see `presets`)")
    source.add_argument("--scenario", metavar="FILE.toml", help="a scenario file")
    add_speed_argument(parser, "divide every work time (and the timeout) by X (default 1)")
    parser.add_argument("--seed", type=non_negative_int, help="seed for random work times")


def add_tables_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tables",
        choices=TABLES,
        default="summary",
        help="beyond 20 stages, show the first, slowest and last stage's table (summary, "
        "the default) or every one (all)",
    )


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments get one line and exit code 2, not a usage block (README contract)."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"argument (--[\w-]+): \1\b", r"\1", message)  # "--speed: --speed …"
        message = message.replace("argument --seed: seed", "--seed")
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see {self.prog} --help)\n")


@dataclass(frozen=True)
class ParsedArgs:
    """The parsed line: which command, and the values its parser declared (read by name)."""

    command: str | None
    values: dict[str, Any]
    parser: argparse.ArgumentParser | None = None  # the whole line's (completion reads it)

    def text(self, name: str) -> str | None:
        value = self.values[name]  # KeyError: the command never declared `name` (a bug)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return bool(self.values[name])

    def number(self, name: str) -> float:
        return float(self.values[name])

    def choice(self) -> ScenarioChoice:
        seed = self.values["seed"]
        return ScenarioChoice(
            preset=self.text("preset"),
            scenario=self.text("scenario"),
            speed=self.number("speed"),
            seed=None if seed is None else int(seed),
        )


class CommandLineParser:
    """`barrier-viz COMMAND …`: the headless commands; `add_command`/`add_trace_option` let
    the gui package add its own (see module docstring)."""

    def __init__(self) -> None:
        self.root = OneLineParser(
            prog="barrier-viz",
            description="See how a barrier synchronises real processes. No command opens the GUI.",
        )
        self._sub = self.root.add_subparsers(dest="command", metavar="COMMAND")
        self._trailing: dict[str, bool] = {}  # trace's options -> whether each takes a value
        self.root.add_argument("--version", action="version", version=f"%(prog)s {app_version()}")
        self.run = self.add_command("run", "run a scenario headless, narrated live")
        add_scenario_arguments(self.run)
        self.run.add_argument(
            "--events", metavar="FILE.jsonl", help="write every event as JSON Lines"
        )
        self.run.add_argument("--trace", metavar="FILE.json", help="write a Chrome/Perfetto trace")
        self.run.add_argument(
            "--quiet",
            action="store_true",
            help="print only the summary (on a terminal, with one progress line)",
        )
        add_tables_argument(self.run)
        self.run.add_argument(
            "--backend",
            choices=ALLOWED_BACKENDS,
            help="multiprocessing, threading or asyncio barriers, or MPI ranks (docs/mpi.md)",
        )
        self.presets = self.add_command("presets", "list the presets")
        self.trace = self.add_command(
            "trace",
            "run an unmodified Python program and show its multiprocessing barriers",
            description="Run SCRIPT as `python SCRIPT ARGS…` with every multiprocessing.Barrier "
            "instrumented.  Its stdout/stderr pass through unchanged; our narrative goes to "
            "stderr.  Our options may also follow the program's arguments; a final `--` hands "
            "them to the program instead.",
        )
        self.add_trace_option(
            "--events", metavar="FILE.jsonl", help="write every event as JSON Lines"
        )
        self.add_trace_option("--quiet", action="store_true", help="print only the summary")
        self.add_trace_option("--tables", choices=TABLES, default="summary", help="as for run")
        self.trace.add_argument("script", metavar="SCRIPT.py", help="the program to run")
        self.trace.add_argument(
            "args", nargs=argparse.REMAINDER, metavar="ARGS", help="its arguments"
        )
        self.code = self.add_command("code", "print the scenario as a standalone Python program")
        add_scenario_arguments(self.code)
        self.code.add_argument("--output", metavar="FILE.py", help="write the program to FILE.py")
        self.replay = self.add_command("replay", "replay a recorded event log (in the GUI)")
        self.replay.add_argument(
            "log", metavar="FILE.jsonl", help="an event log written by --events"
        )
        add_speed_argument(self.replay, "playback speed (default 1)")
        self.replay.add_argument(
            "--headless",
            action="store_true",
            help="print the narrative at the recorded pace instead of opening the GUI",
        )

        self.analyze = self.add_command(
            "analyze", "wait states, critical path and what-ifs of a recorded event log"
        )
        self.analyze.add_argument(
            "log", metavar="FILE.jsonl", help="an event log (--events of run)"
        )
        self.analyze.add_argument("--json", action="store_true", help="print one JSON object")
        self.completion = self.add_command(
            "completion",
            "print a shell completion script: "
            'eval "$(barrier-viz completion bash)" (or zsh) in your shell\'s rc file',
        )
        self.completion.add_argument("shell", choices=SHELLS, help="bash or zsh")

        # Lessons (engine/lessons): `lesson --list` runs headless; `lesson NAME` opens the lesson
        # window, whose flags (--autoplay, --record, --present …) gui/lessons/options.py adds.
        self.lesson = self.add_command("lesson", "play a lesson: a guided talk with live runs")
        self.lesson.add_argument(
            "name", nargs="?", metavar="NAME", help="a lesson (see --list) or a lesson FILE.toml"
        )
        self.lesson.add_argument("--list", action="store_true", help="list the lessons")

    def add_command(self, name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self._sub.add_parser(name, help=help_text, **kwargs)
        return parser

    def add_trace_option(self, *names: str, **kwargs: Any) -> None:
        """An option of `trace` that may come before SCRIPT or after the program's arguments."""
        action = self.trace.add_argument(*names, **kwargs)
        for option in action.option_strings:
            self._trailing[option] = action.nargs != 0

    def parse(self, argv: Sequence[str]) -> ParsedArgs:
        """Parse once (exit 2 with one line on bad input); trace's trailing options resolved."""
        namespace = self.root.parse_args(self.hoist_trailing_options(argv))
        values = vars(namespace)
        return ParsedArgs(values.pop("command"), values, self.root)

    def hoist_trailing_options(self, argv: Sequence[str]) -> list[str]:
        """`trace SCRIPT ARGS… --gui --events x` → `trace --gui --events x SCRIPT ARGS…`.

        Peels our options off the end until a token that is not ours; a final `--` stops the
        peeling at once and is dropped, so what precedes it stays the program's."""
        line = list(argv)
        if not line or line[0] != "trace":
            return line
        rest, ours = line[1:], list[str]()
        while rest:
            last = rest[-1]
            if last == END_OF_OPTIONS:
                rest.pop()
                break
            name = last.split("=", 1)[0]
            if self._trailing.get(last) is False or (
                "=" in last and self._trailing.get(name) is True
            ):
                ours[:0] = [rest.pop()]
            elif len(rest) >= 2 and self._trailing.get(rest[-2]) is True:
                ours[:0] = rest[-2:]
                del rest[-2:]
            else:
                break
        return ["trace", *ours, *rest]


def headless_options(parsed: ParsedArgs) -> HeadlessOptions | None:
    """The typed options of a headless command; None for `gui` or no command (the window)."""
    match parsed.command:
        case "run":
            return RunOptions(
                parsed.choice(),
                events=parsed.text("events"),
                trace=parsed.text("trace"),
                quiet=parsed.flag("quiet"),
                backend=parsed.text("backend"),
                all_tables=parsed.text("tables") == "all",
            )
        case "presets":
            return PresetsOptions()
        case "code":
            return CodeOptions(parsed.choice(), output=parsed.text("output"))
        case "replay":
            log = parsed.text("log")
            assert log is not None  # a required positional
            return ReplayOptions(log, parsed.number("speed"), parsed.flag("headless"))
        case "analyze":
            log = parsed.text("log")
            assert log is not None  # a required positional
            return AnalyzeOptions(log, parsed.flag("json"))
        case "lesson" if parsed.flag("list") or parsed.text("name") is None:
            return LessonListOptions(listing=parsed.flag("list"))
        case "trace":
            script = parsed.text("script")
            assert script is not None  # a required positional
            return TraceOptions(
                script,
                tuple(str(a) for a in parsed.values["args"]),
                events=parsed.text("events"),
                quiet=parsed.flag("quiet"),
                all_tables=parsed.text("tables") == "all",
            )
        case "completion":
            shell = parsed.text("shell")
            assert shell is not None and parsed.parser is not None  # a required positional
            return CompletionOptions(shell, parsed.parser)
    return None
