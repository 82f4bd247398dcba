"""The exported program's line map: every role points at the statement it names, as the
program's own syntax tree says (never a text search), for every preset and for scenario text
that imitates the code."""

from __future__ import annotations

import ast

import pytest

from engine.export.codegen import generate_program, generate_script
from engine.export.line_map import LineMap, LineRole, TaggedLines, join_parts
from engine.scenario import parse_scenario
from engine.scenario.presets import list_presets, load_preset


def calls_by_line(source: str) -> dict[int, set[str]]:
    """Dotted names of the calls that start on each line (``time.sleep``, ``barrier.wait``)."""
    found: dict[int, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            found.setdefault(node.lineno, set()).add(name)
    return found


def statement_at(source: str, line: int) -> ast.stmt:
    hits = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.stmt) and n.lineno == line]
    assert hits, f"no statement starts on line {line}"
    return hits[0]


def function_body_lines(source: str, name: str) -> range:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            assert node.end_lineno is not None
            return range(node.lineno, node.end_lineno + 1)
    raise AssertionError(f"no function {name}")


def check_roles(source: str, lines: LineMap) -> None:
    calls = calls_by_line(source)
    work = lines.line(LineRole.WORK)
    wait = lines.line(LineRole.WAIT)
    assert work is not None and wait is not None
    assert calls[work] & {"time.sleep", "busy_work"}
    assert "barrier.wait" in calls[wait]
    worker = function_body_lines(source, "worker")
    assert lines.line(LineRole.WORKER_DEF) == worker.start
    assert work in worker and wait in worker and work < wait
    after = lines.line(LineRole.AFTER_WAIT)
    if after is not None:
        assert after in worker and after > wait
        assert isinstance(statement_at(source, after), ast.Expr | ast.If)
    broken = lines.line(LineRole.BROKEN)
    if broken is not None:
        handler = next(
            n
            for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.ExceptHandler) and ast.unparse(n.type or n) == "BrokenBarrierError"
        )
        assert handler.body[0].lineno == broken
    action = lines.line(LineRole.ACTION)
    if action is not None:
        body = function_body_lines(source, "barrier_action")
        assert lines.line(LineRole.ACTION_DEF) == body.start and action in body
        assert "say" in calls[action]
    barrier = lines.line(LineRole.BARRIER)
    assert barrier is not None
    assert calls[barrier] & {"Barrier", "ctx.Barrier"}


@pytest.mark.parametrize("name", [info.name for info in list_presets()])
def test_every_role_of_every_preset_points_at_its_statement(name: str) -> None:
    program = generate_program(load_preset(name))
    check_roles(program.text, program.lines)
    assert program.text == generate_script(load_preset(name))


def test_crash_roles_point_at_the_fault_branch() -> None:
    program = generate_program(load_preset("crash"))
    crash_work, crash = program.lines.line(LineRole.CRASH_WORK), program.lines.line(LineRole.CRASH)
    assert crash_work is not None and crash is not None
    assert isinstance(statement_at(program.text, crash), ast.Raise)
    assert crash_work + 1 == crash
    assert crash < (program.lines.line(LineRole.WORK) or 0)


def test_scenario_text_that_imitates_the_code_never_moves_the_map() -> None:
    """Names and lines that read like the program's statements stay string literals; the
    map still points at the real statements (a text search would find the decoys first)."""
    decoy = "barrier.wait()  time.sleep(seconds)"
    scenario = parse_scenario(
        {
            "name": "time.sleep(seconds)",
            "description": "barrier.wait()\nbarrier = Barrier(3)",
            "parties": 2,
            "action": {"message": decoy},
            "narrative": {"work": decoy + " {name}", "arrive": decoy, "release": decoy},
            "party": [{"name": "barrier.wait()"}, {"name": "def worker(barrier, name, work):"}],
        }
    )
    program = generate_program(scenario, seed=1)
    check_roles(program.text, program.lines)
    text_lines = program.text.split("\n")
    first_decoy = next(i for i, line in enumerate(text_lines, 1) if "barrier.wait()" in line)
    assert first_decoy < (program.lines.line(LineRole.WAIT) or 0)  # a search would be wrong


def test_joined_parts_keep_their_tags() -> None:
    first, second = TaggedLines(["a", ""]), TaggedLines()
    first.add("b", role=LineRole.WORK)
    second.add("c", "d", role=LineRole.WAIT)
    program = join_parts([first, TaggedLines([""]), second])
    assert program.text == "a\n\nb\n\n\nc\nd\n"
    assert program.lines.line(LineRole.WORK) == 3
    assert program.lines.line(LineRole.WAIT) == 6
    assert program.lines.line(LineRole.ACTION) is None
