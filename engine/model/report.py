"""The headless run's closing summary: one small table per stage."""

from __future__ import annotations

from collections.abc import Sequence

from engine.core.events import Event
from engine.model.analysis import StageSummary, summarise_stages


def _s(ns: int | None, t0: int = 0) -> str:
    return "—" if ns is None else f"{(ns - t0) / 1e9:.3f} s"


def stage_tables(events: Sequence[Event], names: Sequence[str]) -> str:
    """Arrivals, waits, indices and release skew for every stage that saw an arrival."""
    t0 = next((e.t_ns for e in events if e.kind == "run_start"), 0)
    summaries = summarise_stages(events)
    total = max((s.stage for s in summaries), default=-1) + 1
    return "\n\n".join(_table(s, total, names, t0) for s in summaries)


def _table(s: StageSummary, total: int, names: Sequence[str], t0: int) -> str:
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
