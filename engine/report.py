"""The headless run's closing summary: one small table per stage."""

from __future__ import annotations

from collections.abc import Sequence

from engine.analysis import StageSummary, summarise_stages
from engine.events import Event


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

    skew = s.release_skew_ns
    skew_text = "no release" if skew is None else f"release skew {skew / 1e6:.2f} ms"
    head = f"Stage {s.stage + 1} of {total}: last to arrive {name(s.last_arriver)}, {skew_text}"
    if s.action_party is not None:
        head += f", action ran in {name(s.action_party)}"
    width = max([len("party")] + [len(n) for n in names])
    rows = [head, f"  {'party':<{width}}  {'arrived':>9}  {'waited':>9}  {'released':>9}  index"]
    for party in sorted(set(s.arrivals) | set(s.releases)):
        wait = s.wait_ns(party)
        index = s.indices.get(party)
        rows.append(
            f"  {name(party):<{width}}  {_s(s.arrivals.get(party), t0):>9}  "
            f"{_s(wait):>9}  {_s(s.releases.get(party), t0):>9}  "
            f"{'—' if index is None else index:>5}"
        )
    return "\n".join(rows)
