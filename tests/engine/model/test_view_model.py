"""engine.model.view_model: every fact a view reads, from hand-made event batches.

Each failure kind must produce the right `Failure` (kind, party, stage, culprits, cause) from
the events alone — and the same Failure whatever the narrative says, because the banner, the
gate counter and the headless summary decide from the Failure, never from the story's words.
"""

from __future__ import annotations

import pytest

from engine.core.events import Event
from engine.core.outcome import EXIT_CODES, RunOutcome, RunStatus
from engine.model.failures import Failure, FailureGroup, FailureKind, NoteTone
from engine.model.narrative import Narrator
from engine.model.report import barrier_tables, stage_tables
from engine.model.view_model import LaneState, LogTail, RunViewModel
from tests.engine.model.failure_runs import (
    ABORT_RUN,
    ACTION_RUN,
    CRASH_RUN,
    DIED_RUN,
    MS,
    NAMES,
    RESET_RUN,
    STRANDED_RUN,
    TIMEOUT_RUN,
    UNKNOWN_BREAK_RUN,
    WEDGED_RUN,
    arrive,
    broken,
    ev,
    model_of,
    release,
    start,
)


def kinds(model: RunViewModel) -> list[FailureKind]:
    return [f.kind for f in model.failures]


@pytest.mark.parametrize(
    ("events", "kind", "party", "stage", "culprits", "said"),
    [
        (TIMEOUT_RUN, FailureKind.TIMEOUT, 0, 0, (2,), "timed out after 0.5 s while Cy was"),
        (ABORT_RUN, FailureKind.ABORTED, 0, 0, (), "abort() was called by the presenter"),
        (RESET_RUN, FailureKind.RESET, 0, 0, (), "reset() was called"),
        (ACTION_RUN, FailureKind.ACTION_RAISED, 2, 0, (2,), "raised RuntimeError: no fuel in Cy"),
        (CRASH_RUN, FailureKind.CRASHED, 1, 0, (1,), "Bob crashed: RuntimeError: boom"),
        (STRANDED_RUN, FailureKind.STRANDED, None, 0, (2,), "no party is left to come"),
        (WEDGED_RUN, FailureKind.WEDGED, 0, 0, (0,), "Ann died inside wait()"),
        (UNKNOWN_BREAK_RUN, FailureKind.BROKEN, 0, 0, (), "the barrier broke"),
    ],
)
def test_each_failure_kind_names_its_cause(
    events: list[Event],
    kind: FailureKind,
    party: int | None,
    stage: int,
    culprits: tuple[int, ...],
    said: str,
) -> None:
    failure = model_of(events).failure
    assert failure is not None
    assert (failure.kind, failure.party, failure.stage, failure.culprits) == (
        kind,
        party,
        stage,
        culprits,
    )
    assert said in failure.cause


def test_a_timeout_tells_cause_consequence_and_time() -> None:
    model = model_of(TIMEOUT_RUN)
    assert kinds(model) == [FailureKind.TIMEOUT]  # Bob's broken wait is an echo of Ann's
    failure = model.failure
    assert failure is not None and failure.title == "Barrier timed out"
    assert failure.consequence == "every waiting party got BrokenBarrierError"
    assert failure.t_s == pytest.approx(0.62) and failure.barrier == 7
    assert failure.group == FailureGroup.BROKEN and model.followed_by is None
    assert model.log[-2].text.endswith(f"Why: {failure.explanation}.")


def test_a_crash_is_the_cause_and_the_timeout_what_followed() -> None:
    model = model_of(CRASH_RUN)
    assert kinds(model) == [FailureKind.CRASHED, FailureKind.TIMEOUT]  # exit 1: already told
    assert model.failure is not None and model.failure.title == "A party crashed"
    then = model.followed_by
    assert then is not None and then.kind == FailureKind.TIMEOUT and then.culprits == (1,)
    assert "Bob died and never arrived" in then.cause
    assert model.lanes[1].ended_ns == 150 * MS  # the crash, not the exit that followed


def test_a_kill_strands_the_others_then_the_app_aborts() -> None:
    events = STRANDED_RUN
    at_finding = model_of(events[:-3])  # up to the `stranded` finding, before the abort
    assert at_finding.failure is not None and at_finding.failure.kind == FailureKind.STRANDED
    assert at_finding.stranded and at_finding.counter_note is not None
    assert at_finding.counter_note.text == "2 of 3 here — nobody left to come"
    model = model_of(events)
    assert kinds(model) == [FailureKind.KILLED, FailureKind.STRANDED, FailureKind.ABORTED]
    assert model.failure is not None and model.failure.kind == FailureKind.STRANDED
    then = model.followed_by
    assert then is not None and then.kind == FailureKind.ABORTED
    assert then.explanation.startswith("abort() was called by the app")
    assert not model.stranded and model.counter_note == ("✖ barrier broken", NoteTone.BROKEN)


def test_a_death_inside_wait_wedges_and_the_app_ends_the_rest() -> None:
    model = model_of(WEDGED_RUN)
    assert kinds(model) == [FailureKind.KILLED, FailureKind.WEDGED]  # SIGTERMs: not failures
    assert model.wedged and model.wedged_party == 0
    assert model.status == RunStatus.DIED
    assert [model.ended_by_app(lane) for lane in model.lanes] == [False, True, True]
    assert model.counter_note == ("barrier wedged", NoteTone.BROKEN)
    assert model.failures[0].title == "A party was killed"


def test_a_death_alone_is_a_fact_but_not_the_banner() -> None:
    model = model_of(DIED_RUN)
    assert kinds(model) == [FailureKind.DIED]
    died = model.failures[0]
    assert died.group == FailureGroup.DEATH and died.party == 1 and died.stage == 0
    assert died.cause == "Bob (pid 101) exited with code 1"
    assert model.failure is None  # told by what it does to the barrier, if anything


def test_a_late_party_at_a_broken_barrier_and_an_echo() -> None:
    late = [*TIMEOUT_RUN, arrive(2, 700), broken(2, 700)]
    model = model_of(late)
    assert kinds(model) == [FailureKind.TIMEOUT, FailureKind.ALREADY_BROKEN]
    assert model.failures[1].explanation == (
        "it reached a barrier that was already broken, so wait() raised at once"
    )
    assert model.followed_by is None  # the same group as the cause: nothing new to tell


def test_the_action_raised_only_once_for_the_generation() -> None:
    model = model_of(ACTION_RUN)
    assert kinds(model) == [FailureKind.ACTION_RAISED]
    assert model.failure is not None and model.failure.title == "Barrier broken"
    assert all(lane.state == LaneState.BROKEN for lane in model.lanes)


def test_failures_do_not_depend_on_the_narrative_wording(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [TIMEOUT_RUN, ABORT_RUN, RESET_RUN, ACTION_RUN, CRASH_RUN, STRANDED_RUN, WEDGED_RUN]
    plain = [model_of(run) for run in runs]
    monkeypatch.setattr(Narrator, "tell", lambda self, event, failure: "🤷 something happened.")
    reworded = [model_of(run) for run in runs]
    for before, after in zip(plain, reworded, strict=True):
        assert {line.text for line in after.log} == {"🤷 something happened."}
        assert after.failures == before.failures
        assert after.failure is not None and before.failure is not None
        assert after.failure.title == before.failure.title
        assert after.counter_note == before.counter_note


# ---------------------------------------------------------------- status and presenter facts
def test_status_runs_through_stopping_to_stopped() -> None:
    model = RunViewModel()
    assert model.status == RunStatus.IDLE and not model.status.live
    model.apply([ev("stop", 0)])  # nothing to stop yet
    assert model.status == RunStatus.IDLE
    model.apply(start())
    assert model.status == RunStatus.RUNNING
    model.apply([ev("stop", 50)])
    assert model.status == RunStatus.STOPPING and model.status.live
    model.apply([ev("exit", 60, p, exitcode=-15) for p in range(3)])
    assert [lane.state for lane in model.lanes] == [LaneState.STOPPED] * 3
    assert model.failures == []  # a stopped party is not a failure
    model.apply([ev("run_end", 70, status="stopped", exit_code=4, reason="the run was stopped")])
    assert model.status == RunStatus.STOPPED and model.status.final and model.exit_code == 4


@pytest.mark.parametrize(
    ("written", "status"),
    [("passed", RunStatus.PASSED), ("broken", RunStatus.BROKEN), ("running", RunStatus.DIED),
     ("finished", RunStatus.DIED), (None, RunStatus.DIED)],
)  # fmt: skip
def test_run_end_status_is_read_as_a_final_status(written: object, status: RunStatus) -> None:
    model = model_of([*start(), ev("run_end", 9, status=written, exit_code=0)])
    assert model.status == status


def test_outcome_statuses_and_exit_codes_are_unchanged() -> None:
    assert {s.value: c for s, c in EXIT_CODES.items()} == {
        "passed": 0,
        "broken": 3,
        "died": 4,
        "stopped": 4,
    }
    assert RunOutcome(RunStatus.RUNNING, "a doctored log").exit_code == 4


def test_held_stage_while_the_run_is_live() -> None:
    two = [*start(stages=2), *(arrive(p, 100 + p) for p in range(3))]
    two += [release(p, 110, p) for p in range(3)]
    model = model_of([*two, *(ev("hold", 120, p, 1) for p in range(3))])
    assert model.held_stage == 1
    model.apply([ev("work_start", 200, p, 1, planned_s=0.1) for p in range(2)])
    assert model.held_stage == 1  # Cy still holds
    model.apply([ev("work_start", 201, 2, 1, planned_s=0.1)])
    assert model.held_stage is None
    held = model_of([*two, ev("hold", 120, 0, 1), ev("run_end", 130, status="stopped")])
    assert held.held_stage is None  # nothing is held once the run is over


def test_presenter_turn_is_the_presenters_working_lane() -> None:
    names = [*NAMES, "Presenter"]
    model = model_of(
        [
            ev("run_start", 0, names=names, parties=4, stages=1, presenter=3),
            *(ev("work_start", 1, p, 0, planned_s=0.1) for p in range(3)),
            ev("work_start", 1, 3, 0, workload="presenter"),
        ]
    )
    assert model.presenter_turn and model.lanes[3].presenter_turn
    assert not model.lanes[0].presenter_turn
    assert model.progress(model.lanes[3], 10**12) == 0.0  # no planned end: no jumping bar
    model.apply([arrive(3, 50)])
    assert not model.presenter_turn


# ---------------------------------------------------------------- lanes, stages, story
def test_one_release_frees_the_whole_generation_in_one_apply() -> None:
    model = model_of([*start(), *(arrive(p, 100 + 10 * p) for p in range(3)), release(2, 125, 0)])
    # Ann and Bob's own releases are still in the pipe: the first release frees them too
    states = [lane.state for lane in model.lanes]
    assert states == [LaneState.RELEASED, LaneState.RELEASED, LaneState.DONE]
    assert {lane.released_ns for lane in model.lanes} == {125 * MS}
    assert [m.kind for m in model.markers] == ["release"]
    model.apply([release(0, 126, 2), release(1, 127, 1)])
    assert [lane.last_index for lane in model.lanes] == [2, 1, 0]
    assert model.last_skew_ns == 2 * MS  # from the stage book: 127 − 125 ms
    assert len(model.markers) == 1  # the late releases only fill in their index


def test_a_traced_program_with_two_barriers() -> None:
    names = ["P1", "P2", "P3", "P4", "P5"]
    events = [
        ev("run_start", 0, names=[], parties=0, stages=0, backend="trace", barrier=None),
        ev("barrier", 1, 0, barrier=0, parties=2, timeout=None),
        ev("barrier", 2, 0, barrier=1, parties=3, timeout=None),
        *(ev("spawn", 3, p, name=name) for p, name in enumerate(names)),
        *(ev("arrive", 10 + p, p, 0, barrier=0 if p < 2 else 1) for p in range(5)),
        ev("release", 20, 1, 0, barrier=0, index=0),
    ]
    model = model_of(events)
    assert model.barriers == {0: 2, 1: 3} and model.parties == 2
    assert [lane.name for lane in model.lanes] == names
    assert model.lanes[0].released_ns == model.lanes[1].released_ns == 20 * MS
    assert [lane.state for lane in model.lanes[2:]] == [LaneState.WAITING] * 3
    assert model.waiting_at(1) == 3 and model.waiting_at(0) == 0
    records = model.stage_book.all_records()
    assert [(r.barrier, sorted(r.arrivals)) for r in records] == [(0, [0, 1]), (1, [2, 3, 4])]
    tables = barrier_tables(model.stage_book, names)
    assert tables.startswith("Barrier #0\nStage 1 of 1: tripped by P2, the last to arrive")
    assert "Barrier #1\nStage 1 of 1: last to arrive P5" in tables


def test_stage_tables_read_the_models_book_like_a_finished_log() -> None:
    run = [*start(), *(arrive(p, 100 + 10 * p) for p in range(3))]
    run += [release(p, 130 + p, p) for p in range(3)]
    model = model_of(run)
    from_book = stage_tables(model.stage_book, NAMES)
    assert from_book == stage_tables(run, NAMES)
    assert from_book.startswith("Stage 1 of 1: tripped by Cy, the last to arrive")


def test_the_log_tail_hands_out_each_line_once() -> None:
    model = RunViewModel()
    tail = LogTail(model)
    model.apply(start())
    first = tail.fresh()
    assert tail.restarted and first[0].text.startswith("▶") and first[0].kind == "run_start"
    assert tail.fresh() == [] and not tail.restarted
    model.apply([arrive(0, 100)])
    (line,) = tail.fresh()
    assert line.party == 0 and line.plain().startswith("[   0.100 s] ")
    model.apply(start())  # a new run: the story starts again
    assert tail.fresh()[0].kind == "run_start" and tail.restarted


def test_failure_is_hashable_and_frozen() -> None:
    failure = model_of(TIMEOUT_RUN).failure
    assert isinstance(failure, Failure) and hash(failure) == hash(failure)
    with pytest.raises(AttributeError):
        failure.kind = FailureKind.RESET  # type: ignore[misc]


def test_a_stopped_party_is_marked_and_told_until_it_runs_again() -> None:
    model = RunViewModel()
    model.apply(
        [
            Event("run_start", 0, None, 1, None, {"names": ["A", "B"], "parties": 2}),
            Event("work_start", 1, 0, 10, 0, {"planned_s": 1.0, "workload": "sleep"}),
            Event("suspended", 2, 0, 10, None, {"message": "A is stopped (SIGSTOP)."}),
        ]
    )
    assert model.lanes[0].suspended and not model.lanes[1].suspended
    assert model.log[-1].text == "⏸ A is stopped (SIGSTOP)."
    model.apply([Event("resumed", 3, 0, 10, None, {"message": "A runs again (SIGCONT)."})])
    assert not model.lanes[0].suspended
    assert model.log[-1].text == "⏵ A runs again (SIGCONT)."
