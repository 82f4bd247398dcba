"""Export a scenario as a standalone Python program that needs nothing but the standard library.

Why: the app shows a barrier at work, but learners should leave with code they can read, run
and change.  The program follows the classic multiprocessing.Barrier article (a module-level
worker, an action passed to ``Barrier(parties, action=...)``, a ``__main__`` block that starts
and joins the processes) and prints the scenario's own narrative lines, so running it tells the
same story as the app.  Work times are the drawn plan embedded as a literal rather than
re-drawn, so the export is exact and readable.  Only what a scenario uses is emitted: the launch
preset stays as short as the article's example.

The scenario comes from a file someone else may have written, and the program is run by the
user: every piece of its text (names, description, messages, narrative) enters the program
only through engine.export.codegen_text, as checked string literals, never as source.

`generate_program` also returns which line does what (the work, ``barrier.wait()``, the
action, the line after the wait; engine.export.line_map): each builder tags the lines it
writes, so a view can put a marker on the line a party is executing without searching text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from engine.export.codegen_text import (
    BUSY_WORK,
    RESCUE,
    SAY,
    assignment,
    comment,
    fields,
    format_args,
    literal,
    say_call,
    template_expr,
)
from engine.export.line_map import LineRole, Program, TaggedLines, join_parts
from engine.scenario import (
    NARRATIVE_KINDS,
    NarrativeKind,
    Scenario,
    parse_scenario,
    scenario_to_dict,
)

__all__ = ["generate_program", "generate_script"]

RESCUE_GRACE_S = 1.0  # after every plan has run out, anyone still waiting waits for nobody
# What the program's comment says about the backend the app would have used instead.
_BACKEND_WORDS = {
    "threads": "threads (threading.Barrier)",
    "asyncio": "asyncio tasks (asyncio.Barrier)",
    "mpi": "MPI ranks",
}


@dataclass(frozen=True)
class _Shape:
    """What the program must contain, decided once from the scenario."""

    seed: int
    speed: float
    plan: list[list[float]]
    timeout: float | None
    crashes: list[tuple[int, int, str]]  # (party number, stage, name), 1-based
    placeholders: frozenset[str]
    may_break: bool  # wait() may raise: catch BrokenBarrierError
    rescue: bool  # someone may wait forever: join with a deadline, then abort()

    @property
    def needs_party(self) -> bool:
        return "party" in self.placeholders or bool(self.crashes)


def generate_script(scenario: Scenario, *, seed: int | None = None, speed: float = 1.0) -> str:
    """A runnable, PEP 8, stdlib-only program equivalent to `scenario` at `speed`.

    `seed` overrides the scenario's own; with neither, one is picked (and named in the header)
    so the embedded plan is still reproducible.  Raises ValueError if speed is not positive,
    ScenarioError if `scenario` (which anyone can construct) does not validate.
    """
    return generate_program(scenario, seed=seed, speed=speed).text


def generate_program(scenario: Scenario, *, seed: int | None = None, speed: float = 1.0) -> Program:
    """The program of `generate_script` and its line map (which line does what)."""
    scenario = parse_scenario(scenario_to_dict(scenario))
    shape = _shape(scenario, seed, speed)
    head = f"{_header(shape)}{_imports(scenario, shape)}\n{_constants(scenario, shape)}"
    texts = [head, SAY, BUSY_WORK if scenario.workload == "cpu" else ""]
    parts = [TaggedLines(text.split("\n")) for text in texts]
    parts += [_action(scenario), _worker(scenario, shape), _main(scenario, shape)]
    return join_parts(parts)


def _shape(scenario: Scenario, seed: int | None, speed: float) -> _Shape:
    if not speed > 0:
        raise ValueError(f"speed must be > 0, got {speed}")
    chosen = seed if seed is not None else scenario.seed
    if chosen is None:
        chosen = random.randrange(2**31)
    crashes = [
        (i + 1, spec.fault_stage, spec.name)
        for i, spec in enumerate(scenario.party)
        if spec.fault == "crash" and spec.fault_stage <= scenario.stages
    ]
    timeout = None if scenario.timeout is None else round(scenario.timeout / speed, 6)
    mismatch = scenario.processes != scenario.parties
    raises = scenario.action is not None and scenario.action.raises
    return _Shape(
        seed=chosen,
        speed=speed,
        plan=[[round(s / speed, 6) for s in row] for row in scenario.work_plan(chosen)],
        timeout=timeout,
        crashes=crashes,
        placeholders=frozenset(
            f
            for kind in NARRATIVE_KINDS
            for template in scenario.narrative.templates(kind)
            for f in fields(template)
        ),
        may_break=timeout is not None or raises or mismatch or bool(crashes),
        rescue=mismatch or (bool(crashes) and timeout is None),
    )


def _header(shape: _Shape) -> str:
    """The docstring: the generator's own words only (the scenario's are in SCENARIO/ABOUT)."""
    return (
        '"""A multiprocessing.Barrier demo in plain Python, exported by Barrier Visualiser.\n\n'
        f"It plays the scenario named in SCENARIO (seed {shape.seed}, speed {shape.speed:g}x)"
        " and needs\nnothing but the standard library: run it with plain `python`.\n"
        '"""\n\n'
    )


def _imports(scenario: Scenario, shape: _Shape) -> str:
    lines = ["import multiprocessing"] if scenario.start_method else []
    lines.append("import time")
    if not scenario.start_method:
        lines.append("from multiprocessing import Barrier, Process")
    if shape.may_break:
        lines.append("from threading import BrokenBarrierError")
    return "\n".join(lines) + "\n"


def _constants(scenario: Scenario, shape: _Shape) -> str:
    rows = zip(scenario.party, shape.plan, strict=True)
    lines = assignment("SCENARIO", scenario.name)
    if scenario.description:
        lines += assignment("ABOUT", scenario.description)
    lines += [
        "",
        "# Seconds of work per party for each stage, drawn once from the scenario's work",
        "# ranges, so every run of this program follows the same plan as the app.",
        "PLAN = [",
        *(f"    ({literal(spec.name)}, {row!r})," for spec, row in rows),
        "]",
    ]
    if "stages" in shape.placeholders:
        lines.append(f"STAGES = {scenario.stages}")
    if shape.rescue:
        lines.append(f"GIVE_UP_AFTER = {_give_up_after(shape)!r}  # s: all plans are done by then")
    for kind in NARRATIVE_KINDS:
        templates = scenario.narrative.templates(kind)
        if len(templates) > 1 and any(templates):
            lines.append(f"# {kind.capitalize()} lines, one per stage, filled in by str.format.")
            lines.append(f"{kind.upper()}_LINES = (")
            lines.extend(f"    {literal(t)}," for t in templates)
            lines.append(")")
    if shape.crashes:
        who = " ".join(
            f"Party {party}'s work raises halfway through stage {stage}."
            for party, stage, _ in shape.crashes
        )
        pairs = ", ".join(f"({p}, {s})" for p, s, _ in shape.crashes)
        lines += comment(f"The scenario's fault: {who} That process dies.")
        lines.append(f"CRASHES = {{{pairs}}}  # (party, stage), party 1 is PLAN[0]")
    for i, spec in enumerate(scenario.party):
        if spec.fault in ("kill-in-work", "kill-in-wait"):
            where, fault = (
                ("works", "kill-in-work")
                if spec.fault == "kill-in-work"
                else ("is inside barrier.wait()", "kill-in-wait")
            )
            lines += comment(
                f"Not reproduced: the app SIGKILLs party {i + 1} (PLAN[{i}]) while it {where}"
                f" in stage {spec.fault_stage} (fault {fault}).  A plain script cannot time"
                " that faithfully, so here that party simply runs normally."
            )
    return "\n".join(lines)


def _give_up_after(shape: _Shape) -> float:
    """Seconds after which a process still waiting can only be waiting for nobody."""
    longest = max((sum(row) for row in shape.plan), default=0.0)
    stages = max((len(row) for row in shape.plan), default=1)
    return round(longest + (shape.timeout or 0.0) * stages + RESCUE_GRACE_S, 3)


def _action(scenario: Scenario) -> TaggedLines:
    out = TaggedLines()
    action = scenario.action
    if action is None:
        return out
    if action.by_stage:  # one message per stage: the action reads the stage of its caller
        messages = ", ".join(literal(m) for m in action.by_stage)
        out.add(f"ACTION_MESSAGES = [{messages}]")
        out.add("current_stage = 1  # set by each worker before it waits (the action runs in it)")
        out.add("", "")
        said = "ACTION_MESSAGES[current_stage - 1]"
    else:
        said = literal(action.message)
    out.add("def barrier_action():", role=LineRole.ACTION_DEF)
    out.add('    """Run by exactly one process (the last to arrive), once per stage."""')
    out.add(*say_call(4, said), role=LineRole.ACTION)
    if action.raises:
        error = f"the barrier action failed: {action.message}"
        out.add("    # The scenario's fault: the action raises, so the barrier breaks.")
        out.add(f"    raise RuntimeError({literal(error)})")
    return out


def _worker(scenario: Scenario, shape: _Shape) -> TaggedLines:
    params = "barrier, party, name, work" if shape.needs_party else "barrier, name, work"
    action_by_stage = scenario.action is not None and bool(scenario.action.by_stage)
    per_stage = action_by_stage or any(
        len(scenario.narrative.templates(k)) > 1 for k in NARRATIVE_KINDS
    )
    uses_stage = per_stage or bool(shape.crashes) or "stage" in shape.placeholders
    loop = "stage, seconds in enumerate(work, start=1)" if uses_stage else "seconds in work"
    work = "busy_work" if scenario.workload == "cpu" else "time.sleep"
    out = TaggedLines()
    out.add(f"def worker({params}):", role=LineRole.WORKER_DEF)
    out.add(
        '    """One party, in its own process: for each stage, work, then wait for the others."""',
        *(["    global current_stage"] if action_by_stage else []),
        f"    for {loop}:",
        *_say("work", scenario),
    )
    if shape.crashes:
        out.add("        if (party, stage) in CRASHES:")
        out.add(f"            {work}(seconds / 2)", role=LineRole.CRASH_WORK)
        out.add(
            '            raise RuntimeError(f"{name} hit a fault during stage {stage}")',
            role=LineRole.CRASH,
        )
    out.add(f"        {work}(seconds)", role=LineRole.WORK)
    out.add(*_say("arrive", scenario))
    if action_by_stage:
        out.add("        current_stage = stage  # arriving last, this party runs the action")
    wait = "barrier.wait()"
    if "index" in {f for t in scenario.narrative.release for f in fields(t)}:
        wait = "index = barrier.wait()  # 0 … parties-1, different for every party"
    why = _why_broken(scenario, shape)
    if not shape.may_break:
        out.add(f"        {wait}", role=LineRole.WAIT)
    else:
        out.add("        try:")
        out.add(f"            {wait}", role=LineRole.WAIT)
        out.add("        except BrokenBarrierError:")
        out.add(
            *say_call(12, f'f"💥 {{name}} got BrokenBarrierError ({why})."'),
            role=LineRole.BROKEN,
        )
        out.add("            return")
    if scenario.action is not None and scenario.action.raises:
        out.add(
            "        except RuntimeError as error:  # only where the action ran",
            "            say(f\"💥 {name}'s wait() re-raised the action's error: {error}\")",
            "            return",
        )
    out.add(*_say("release", scenario), role=LineRole.AFTER_WAIT)
    return out


def _why_broken(scenario: Scenario, shape: _Shape) -> str:
    """The ways this program's barrier can break, for the line a broken wait() prints."""
    ways = []
    if shape.timeout is not None:
        ways.append("a wait timed out")
    if scenario.action is not None and scenario.action.raises:
        ways.append("the action raised")
    if shape.rescue:
        ways.append("abort() was called")
    return " or ".join(ways) or "the barrier broke"


def _say(kind: NarrativeKind, scenario: Scenario) -> list[str]:
    """The say(...) line for one narrative kind; nothing if its template is empty."""
    templates = scenario.narrative.templates(kind)
    if len(templates) == 1:
        expr = template_expr(templates[0], kind)
        return say_call(8, expr) if expr else []
    if not any(templates):
        return []
    line = f"{kind.upper()}_LINES[stage - 1]"
    call = f"{line}.format({format_args(kind, templates)})"
    if all(templates):
        return say_call(8, call)
    return [f"        if {line}:", *say_call(12, call)]


def _main(scenario: Scenario, shape: _Shape) -> TaggedLines:
    out = TaggedLines(['if __name__ == "__main__":', "    say(SCENARIO)"])
    if scenario.description:
        out.add("    say(ABOUT)")
    if scenario.backend in _BACKEND_WORDS:
        out.add(
            *comment(
                f"In the app this scenario can run on {_BACKEND_WORDS[scenario.backend]}; this"
                " program uses real processes, like the classic multiprocessing.Barrier example.",
                indent=4,
            )
        )
    prefix = ""
    if scenario.start_method:
        out.add(
            "    # The start method the scenario asks for.",
            f"    ctx = multiprocessing.get_context({literal(scenario.start_method)})",
        )
        prefix = "ctx."
    args = [str(scenario.parties)]
    if scenario.action is not None:
        args.append("action=barrier_action")
    if shape.timeout is not None:
        args.append(f"timeout={shape.timeout!r}")
    out.add(*_mismatch_comment(scenario.parties, scenario.processes))
    out.add(f"    barrier = {prefix}Barrier({', '.join(args)})", role=LineRole.BARRIER)
    if shape.needs_party:
        target, loop = "barrier, party, name, work", "party, (name, work) in enumerate(PLAN, 1)"
    else:
        target, loop = "barrier, name, work", "name, work in PLAN"
    out.add(
        "    processes = [",
        f"        {prefix}Process(target=worker, args=({target}), name=name)",
        f"        for {loop}",
        "    ]",
        "    for process in processes:",
        "        process.start()",
    )
    if shape.rescue:
        out.add(*RESCUE.rstrip("\n").split("\n"))
    else:
        out.add("    for process in processes:", "        process.join()")
    return out


def _mismatch_comment(parties: int, processes: int) -> list[str]:
    if processes < parties:
        why = (
            f"Barrier({parties}) but only {processes} processes: the barrier trips only when"
            f" {parties} parties wait, so those that arrive wait for arrivals that never come."
        )
    elif processes > parties:
        why = (
            f"{processes} processes on a Barrier({parties}): the barrier releases them in groups"
            f" of {parties}, so whoever is left over waits for partners that never come."
        )
    else:
        return []
    return comment(why, indent=4)
