"""Hostile scenario text through the `code` export: the generated program prints the text and
runs nothing else.  Each program is run for real with `python -I` in an empty folder, and
must leave that folder empty (a payload that ran would create a file there) and print exactly
the lines the scenario's text should produce."""

from __future__ import annotations

import subprocess
import sys
import tokenize
from io import StringIO
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine.core.safe_text import BIDI_CONTROLS
from engine.export.codegen import generate_script
from engine.scenario import NARRATIVE_KINDS, Scenario, ScenarioError, parse_scenario
from tests.paths import ROOT

SPEED = 50.0
PAYLOAD = "__import__('pathlib').Path('PWNED').write_text('x')"


def run_in_empty_folder(source: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run `source` with `python -I` from a temporary file outside `folder`, cwd `folder`."""
    program = folder.parent / f"{folder.name}_program.py"
    program.write_text(source, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(program)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=folder,
    )


def expected_lines(s: Scenario) -> list[str]:
    """Every line the program should print, in no particular order (parties interleave)."""
    out = [s.name, *(s.description.split("\n") if s.description else [])]
    for stage in range(s.stages):
        if s.action is not None:
            out.append(s.action.message)
        for i, spec in enumerate(s.party):
            for kind in NARRATIVE_KINDS:
                templates = s.narrative.templates(kind)
                if templates[0 if len(templates) == 1 else stage]:
                    out.append(
                        s.narrative.line(kind, stage, name=spec.name, party=i + 1, stages=s.stages)
                    )
    return out


def check_program(s: Scenario, folder: Path) -> None:
    out = run_in_empty_folder(generate_script(s, speed=SPEED), folder)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert list(folder.iterdir()) == [], "the program created a file: a payload ran"
    printed = out.stdout.split("\n")
    assert printed[-1] == ""  # every line ends with a newline
    assert sorted(printed[:-1]) == sorted(expected_lines(s))


def comments_and_docstring(source: str) -> str:
    tokens = list(tokenize.generate_tokens(StringIO(source).readline))
    comments = [t.string for t in tokens if t.type == tokenize.COMMENT]
    docstring = next(t.string for t in tokens if t.type == tokenize.STRING)
    return "\n".join([docstring, *comments])


def test_the_reported_docstring_breakout_prints_and_runs_nothing(tmp_path: Path) -> None:
    """The reported attack: a description whose wrapped docstring split an escaped quote run
    so that the rest of it ran as code, helped by a party name that opened a comment."""
    description = "A" * 83 + '"""""' + f";{PAYLOAD};x=['''"
    toml = tmp_path / "attack.toml"
    attack = {
        "name": "Attack",
        "description": description,
        "party": [{"name": "''',#", "work": 0.01}, {"name": "B", "work": 0.01}],
    }
    toml.write_text(tomli_w.dumps(attack), encoding="utf-8")
    folder = tmp_path / "cwd"
    folder.mkdir()
    code = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "code", "--scenario", str(toml), "--speed", "20"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        cwd=ROOT,
    )
    assert code.returncode == 0, code.stderr
    assert description not in comments_and_docstring(code.stdout)
    out = run_in_empty_folder(code.stdout, folder)
    assert out.returncode == 0, out.stderr
    assert list(folder.iterdir()) == []
    assert description in out.stdout.split("\n")
    assert "''',# is at the barrier." in out.stdout.split("\n")


def test_text_never_reaches_comments_or_the_docstring() -> None:
    s = parse_scenario(
        {
            "name": "NAME_MARK",
            "description": "DESCRIPTION_MARK",
            "processes": 2,
            "parties": 3,  # a mismatch: the program explains it in a comment
            "action": {"message": "MESSAGE_MARK", "raises": True},
            "narrative": {"arrive": "ARRIVE_MARK {name}"},
            "party": [
                {"name": "PARTY_MARK_1", "fault": "crash"},
                {"name": "PARTY_MARK_2", "fault": "kill-in-wait"},
            ],
        }
    )
    assert "MARK" not in comments_and_docstring(generate_script(s))


def test_an_unvalidated_scenario_is_refused() -> None:
    s = parse_scenario({"parties": 2})
    forged = Scenario(**{**s.__dict__, "name": "x\x1b]0;pwned\x07"})
    try:
        generate_script(forged)
    except ScenarioError as err:
        assert err.field == "name"
    else:
        raise AssertionError("a forged scenario with an escape was exported")


# --- property: any scenario text --------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        '"',
        "'",
        '"""',
        "'''",
        "\\",
        '\\"',
        "#",
        "\\N{BULLET}",
        "{{",
        "}}",
        "👩\u200d🚀",
        "⚔️",
        "e\u0301",
        ";",
        "\\n",
        PAYLOAD,
        "print('INJECTED')",
        "')\nprint('x",  # a newline: only the description accepts it
    ]
)
_CHARS = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=BIDI_CONTROLS
)
_piece = _FRAGMENTS | st.text(_CHARS, min_size=1, max_size=4)
_text = st.lists(_piece, max_size=4).map("".join)
_one_line = (
    st.lists(_piece, min_size=1, max_size=4)
    .map(lambda pieces: "".join(pieces).replace("\n", " "))
    .filter(lambda t: t.strip() != "")
)
_SPECS = ["", "!r", "!a", "!s", ":>3", ":<4", ":^5", ":*>6", ":x<2"]


@st.composite
def _template(draw: st.DrawFn, kind: str) -> str:
    names = ["name", "stage", "stages", "party"] + ([] if kind == "release" else ["index"])
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        parts.append(draw(_one_line).replace("{", "{{").replace("}", "}}"))
        parts.append("{" + draw(st.sampled_from(names)) + draw(st.sampled_from(_SPECS)) + "}")
    parts.append(draw(_one_line).replace("{", "{{").replace("}", "}}"))
    return "".join(parts)


@st.composite
def _scenario(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(_one_line, min_size=2, max_size=3, unique_by=str.strip))
    stages = draw(st.integers(1, 2))
    data: dict[str, Any] = {
        "name": draw(_one_line),
        "description": draw(_text),
        "stages": stages,
        "seed": 1,
        "party": [{"name": n, "work": 0.01} for n in names],
        "narrative": {
            kind: draw(st.lists(_template(kind), min_size=stages, max_size=stages))
            for kind in NARRATIVE_KINDS
        },
    }
    if draw(st.booleans()):
        data["action"] = {"message": draw(_one_line)}
    return data


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_scenario())
def test_any_text_is_printed_and_nothing_else_runs(tmp_path: Path, data: dict[str, Any]) -> None:
    try:
        s = parse_scenario(data, "fuzz.toml")
    except ScenarioError:
        assume(False)
        raise
    folder = tmp_path / f"run{abs(hash(repr(data)))}"
    folder.mkdir()
    check_program(s, folder)
