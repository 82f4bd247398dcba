"""The headless run's closing summary: one small table per stage, read from a StageBook.

Why from the book: the view model keeps one up to date as batches arrive, so the headless
loop, the GUI and the tests read the same per-stage facts (`model.stage_book`); a finished
log can still be summarised (`StageBook.from_events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from engine.core.events import Event
from engine.model.stage_records import StageBook, StageRecord


def _s(ns: int | None, t0: int = 0) -> str:
    return "—" if ns is None else f"{(ns - t0) / 1e9:.3f} s"


def stage_tables(
    stages: StageBook | Iterable[Event],
    names: Sequence[str],
    barrier: int | None = None,
    limit: int | None = None,
) -> str:
    """Arrivals, waits, indices and release skew for every stage that saw an arrival.

    `stages` is the view model's `stage_book` (or a finished log); `barrier` picks one barrier
    of a program that made several (None: the run's own, or all of them merged by stage).
    With more than `limit` stages, only the first, the slowest and the last are shown, after
    a line that says so: a thousand tables help nobody read a run."""
    book = stages if isinstance(stages, StageBook) else StageBook.from_events(stages)
    records = book.records(barrier)
    total = max((s.stage for s in records), default=-1) + 1
    shown, note = records, None
    if limit is not None and len(records) > limit:
        shown = summarised(records)
        note = (
            f"{len(records)} stages: the first, the slowest and the last are shown "
            "(--tables all shows every stage)"
        )
    tables = [_table(s, total, names, book.t0_ns or 0) for s in shown]
    text = "\n\n".join(tables if note is None else [note, *tables])
    return text + INDEX_NOTE if tables and barrier is None else text


# The `index` column is the one number a reader cannot guess from its heading.
INDEX_NOTE = (
    "\n\nindex: what wait() returned, 0 … parties−1, a different one for each party of a stage"
    " (CPython counts arrivals: 0 for the first to arrive); a program can use it to pick one"
    " party for a once-per-stage job."
)


def summarised(records: Sequence[StageRecord]) -> list[StageRecord]:
    """The first, the slowest (longest from its first work start, or arrival, to its last
    release or break) and the last stage, in stage order, each once."""
    slowest = max(records, key=_span_ns)
    chosen = {id(r): r for r in (records[0], slowest, records[-1])}
    return sorted(chosen.values(), key=lambda r: records.index(r))


def _span_ns(record: StageRecord) -> int:
    starts = [*record.work_starts.values(), *record.arrivals.values()]
    ends = [*record.releases.values(), *record.broken.values(), *record.arrivals.values()]
    return max(ends) - min(starts)


def barrier_tables(book: StageBook, names: Sequence[str], limit: int | None = None) -> str:
    """`stage_tables` for each barrier a traced program made (headed "Barrier #n" when there
    are several), in creation order."""
    ids = sorted({r.barrier for r in book.all_records() if r.barrier is not None})
    if len(ids) < 2:
        return stage_tables(book, names, limit=limit)
    parts = [f"Barrier #{b}\n" + stage_tables(book, names, barrier=b, limit=limit) for b in ids]
    return "\n\n".join(parts) + INDEX_NOTE


def _table(s: StageRecord, total: int, names: Sequence[str], t0: int) -> str:
    def name(p: int | None) -> str:
        return names[p] if p is not None and 0 <= p < len(names) else "—"

    parties = sorted(s.started | set(s.arrivals) | set(s.releases) | set(s.broken))
    missing = [p for p in parties if p not in s.arrivals]
    if s.releases:
        who = f"tripped by {name(s.tripper)}, the last to arrive"
    elif missing:
        who = f"{len(s.arrivals)} of {len(parties)} arrived"
    else:
        who = f"last to arrive {name(s.last_arriver)}"
    skew = s.release_skew_ns
    skew_text = "no release" if skew is None else f"release skew {skew / 1e6:.2f} ms"
    head = f"Stage {s.stage + 1} of {total}: {who}, {skew_text}"
    if s.action_party is not None:
        head += f", action ran in {name(s.action_party)}"
    width = max([len("party")] + [len(n) for n in names])
    rows = [head, f"  {'party':<{width}}  {'arrived':>9}  {'waited':>9}  {'released':>9}  index"]
    for party in parties:
        arrived = s.arrivals.get(party)
        ended = s.releases.get(party, s.broken.get(party))
        wait = None if arrived is None or ended is None else ended - arrived
        index = s.indices.get(party)
        if party in s.releases:
            outcome = _s(s.releases[party], t0)
        elif party in s.broken:
            outcome = "✖ broken"
        else:
            outcome = "never" if arrived is None else "—"
        rows.append(
            f"  {name(party):<{width}}  {_s(arrived, t0):>9}  "
            f"{_s(wait):>9}  {outcome:>9}  {'—' if index is None else index:>5}"
        )
    return "\n".join(rows)
