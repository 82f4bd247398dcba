"""The story's words: parties versus processes, one outcome line in the headless run, a
traced program's line without its name twice, and the index column explained."""

from __future__ import annotations

from engine.core.events import Event
from engine.model.narrative import Narrator, parties_words
from engine.model.report import INDEX_NOTE, stage_tables


def start(names: list[str], parties: int) -> Event:
    data = {"names": names, "parties": parties, "stages": 1, "scenario": {"name": "X"}}
    return Event("run_start", 0, None, 1, None, data)


def test_a_mismatch_names_the_barrier_and_the_processes() -> None:
    assert parties_words(start(["A", "B", "C"], 4)) == "Barrier(4), 3 processes"
    assert parties_words(start(["A", "B", "C", "D"], 3)) == "Barrier(3), 4 processes"
    assert parties_words(start(["A", "B", "C"], 3)) == "3 parties"
    line = Narrator().tell(start(["A", "B", "C"], 4), None)
    assert line is not None and "Barrier(4), 3 processes" in line and "3 parties" not in line


def test_the_outcome_line_names_status_reason_and_code() -> None:
    end = Event("run_end", 9, None, 1, None, {"status": "passed", "exit_code": 0, "reason": "ok"})
    assert Narrator().tell(end, None) == "■ Run passed: ok (exit code 0)."


def test_an_output_line_that_starts_with_the_name_is_not_prefixed_again() -> None:
    narrator = Narrator()
    narrator.tell(start(["Navigation"], 1), None)
    said = narrator.tell(Event("output", 1, 0, 5, None, {"text": "Navigation ready."}), None)
    assert said == "Navigation ready."
    other = narrator.tell(Event("output", 2, 0, 5, None, {"text": "checking"}), None)
    assert other == "Navigation: checking"


def test_the_index_column_is_explained_under_the_tables() -> None:
    events = [
        start(["A", "B"], 2),
        *[Event("work_start", 1, p, 5, 0, {"planned_s": 1}) for p in (0, 1)],
        *[Event("arrive", 2 + p, p, 5, 0) for p in (0, 1)],
        *[Event("release", 4, p, 5, 0, {"index": p}) for p in (0, 1)],
    ]
    text = stage_tables(events, ["A", "B"])
    assert text.endswith(INDEX_NOTE) and "index: what wait() returned" in text
