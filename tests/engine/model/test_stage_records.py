"""engine.model.stage_records: per-(barrier, stage) facts built from hand-made events."""

from __future__ import annotations

from typing import Any

from engine.core.events import Event
from engine.model.stage_records import StageBook


def ev(kind: str, t: int, party: int | None, stage: int | None = None, **data: Any) -> Event:
    return Event(kind, t, party, 100 + (party or 0), stage, data)


RUN = [
    ev("run_start", 0, None, names=["A", "B", "C"], barrier=7),
    ev("spawn", 1, 0),
    ev("spawn", 2, 1),
    ev("spawn", 3, 2),
    ev("work_start", 10, 0, 0),
    ev("work_start", 11, 1, 0),
    ev("work_start", 12, 2, 0),
    ev("arrive", 50, 1, 0, barrier=7),
    ev("arrive", 80, 0, 0, barrier=7),
    ev("arrive", 95, 2, 0, barrier=7),
    ev("action", 96, 2, 0, barrier=7, message="go"),
    ev("release", 97, 2, 0, barrier=7, index=0),
    ev("release", 99, 0, 0, barrier=7, index=2),
    ev("release", 98, 1, 0, barrier=7, index=1),
    ev("work_start", 100, 1, 1),
    ev("arrive", 120, 1, 1, barrier=7),
    ev("broken", 130, 1, 1, barrier=7, reason="broken"),
]


def test_a_stage_record_holds_every_fact_of_its_generation() -> None:
    book = StageBook.from_events(RUN)
    first, second = book.records()
    assert (first.barrier, first.stage) == (7, 0)
    assert first.work_starts == {0: 10, 1: 11, 2: 12}
    assert first.arrivals == {1: 50, 0: 80, 2: 95}
    assert first.last_arriver == 2 and first.tripper == 2
    assert first.indices == {2: 0, 0: 2, 1: 1}
    assert (first.action_party, first.action_t_ns) == (2, 96)
    assert first.release_skew_ns == 2
    assert first.wait_ns(1) == 48
    assert second.broken == {1: 130} and second.releases == {}
    assert book.spawns == {0: 1, 1: 2, 2: 3}


def test_stages_of_different_barriers_are_kept_apart() -> None:
    events = [
        ev("run_start", 0, None, names=["A", "B"]),
        ev("arrive", 5, 0, 0, barrier=0),
        ev("arrive", 6, 1, 0, barrier=1),
        ev("release", 7, 0, 0, barrier=0, index=0),
    ]
    book = StageBook.from_events(events)
    assert [(r.barrier, r.stage) for r in book.all_records()] == [(0, 0), (1, 0)]
    assert [r.arrivals for r in book.records(barrier=1)] == [{1: 6}]
    merged = StageBook.from_events(events, merge_barriers=True).records()
    assert [r.arrivals for r in merged] == [{0: 5, 1: 6}]


def test_a_new_run_start_clears_the_book() -> None:
    book = StageBook.from_events(RUN)
    book.apply([ev("run_start", 1000, None, names=["X"], barrier=3)])
    assert book.records() == [] and book.spawns == {} and book.run_barrier == 3


def test_versions_say_which_records_changed() -> None:
    book = StageBook.from_events(RUN[:10])  # up to the first stage's last arrival
    first = book.get(7, 0)
    assert first is not None and first.version == book.version
    seen = book.version
    assert book.changed_since(seen) == []
    book.apply([ev("progress", 99, 0, 0, fraction=0.5)])  # not a stage event: no change
    assert book.version == seen
    book.apply(RUN[10:])
    changed = {(r.barrier, r.stage) for r in book.changed_since(seen)}
    assert changed == {(7, 0), (7, 1)} and book.version > seen
    assert book.changed_since(book.version) == []


def test_a_run_start_moves_the_epoch_and_never_the_version_back() -> None:
    book = StageBook.from_events(RUN)
    version, epoch = book.version, book.epoch
    book.apply([ev("run_start", 1000, None, names=["X"], barrier=3)])
    assert book.epoch == epoch + 1 and book.version > version
    book.apply([ev("spawn", 1001, 0)])
    assert book.version > version + 1
