"""The analysis of the run on screen, kept current frame by frame (Qt-free).

Why one holder: the pane's bars and gauges, the lanes' last-arriver marks, the timeline's
critical path and what-if ghost all read the same `RunWaitStates`.  One `WaitStateAnalyser`
follows the view model's `StageBook` (it redoes only the stages that changed: ~0.3 ms a frame
for 256 parties × 100 stages) and hands out the same object while nothing changed, so every
reader can tell "new?" by identity and repaint only then.

What-ifs cost more (building the replay model ~30 ms, one replay with ghost spans ~15 ms, the
ranking ~100 ms at 256 × 100): the chosen one is replayed when the choice changes and, during
a live run, at most every `LIVE_WHAT_IF_S`; the ranking runs on a worker thread (ranking.py),
once per stage that ends, over the stages that are over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.model.view_model import RunViewModel
from engine.model.wait_states import (
    RunWaitStates,
    WaitStateAnalyser,
    WhatIf,
    WhatIfModel,
    settled_states,
)
from gui.analysis.ranking import RankWorker

LIVE_WHAT_IF_S = 0.5  # while the run goes on, the chosen what-if is replayed this often
LIVE_RANK_S = 2.0  # and the what-ifs are ranked this often


@dataclass(frozen=True)
class WhatIfChoice:
    """What the user asks: one party's work × factor, or perfect balance."""

    party: int | None = None
    factor: float = 1.0
    balanced: bool = False

    @property
    def active(self) -> bool:
        return self.balanced or (self.party is not None and self.factor != 1.0)


class LiveAnalysis:
    """The wait states, the chosen what-if and the ranked what-ifs of the model's run."""

    def __init__(self) -> None:
        self._analyser = WaitStateAnalyser()
        self._ranker = RankWorker()
        self.states: RunWaitStates | None = None  # while live: the stages that are over
        self._raw: RunWaitStates | None = None
        self._settled_key: tuple[int, ...] = ()
        self.names: list[str] = []
        self.t0_ns: int | None = None
        self.live = False
        self.choice = WhatIfChoice()
        self.ghost: WhatIf | None = None  # the chosen what-if, replayed (None: none chosen)
        self.top: list[WhatIf] = []  # the most valuable what-ifs (rank(3))
        self.version = 0  # bumps whenever anything a view shows changed
        self._model: WhatIfModel | None = None
        self._ghost_for: tuple[RunWaitStates | None, WhatIfChoice] | None = None
        self._ghost_at = 0.0
        self._ranked_for: RunWaitStates | None = None  # the states last sent to be ranked
        self._ranked_at = 0.0

    def update(self, model: RunViewModel) -> bool:
        """Follow the model (once per frame); True if anything a view shows changed."""
        changed = False
        if model.t0_ns != self.t0_ns:  # a new run (or a preview): forget the old one
            self.t0_ns, self.ghost, self.top, self._ghost_for = model.t0_ns, None, [], None
            self._ranker.forget()
            self._ranked_for, self._settled_key = None, ()
            changed = True
        names = [lane.name for lane in model.lanes]
        if names != self.names:
            self.names, changed = names, True
        live = model.status.live
        if live != self.live:
            self.live, changed = live, True
        raw = self._analyser.update(model.stage_book, range(len(model.lanes)))
        if raw is not self._raw or changed:
            self._raw = raw
            changed |= self._settle(raw, live)
        changed |= self._refresh_ghost()
        changed |= self._refresh_top()
        if changed:
            self.version += 1
        return changed

    def _settle(self, raw: RunWaitStates, live: bool) -> bool:
        """While live, only the stages that are over count (engine settled.py); they change
        when a stage trips or its releases come in, not with every arrival of the open one,
        so the views repaint a few times per stage instead of every frame."""
        if not live:
            key: tuple[int, ...] = (-1, id(raw))
        else:  # an over stage's figures are replaced, never changed in place: ids tell
            key = (len(raw.parties), *(id(s) for s in raw.stages if s.outcome != "open"))
        if key == self._settled_key and self.states is not None:
            return False
        self._settled_key = key
        self.states, self._model = settled_states(raw) if live else raw, None
        return True

    def choose(self, choice: WhatIfChoice) -> None:
        """A new what-if (a drag of the factor, another party, balance): replayed at once."""
        if choice != self.choice:
            self.choice = choice
            self._ghost_at = 0.0
            if self._refresh_ghost():
                self.version += 1

    def close(self) -> None:
        self._ranker.close()

    # ------------------------------------------------------------------ what-ifs
    def _what_if_model(self) -> WhatIfModel | None:
        if self.states is None or not self.states.stages:
            return None
        if self._model is None:
            self._model = WhatIfModel(self.states)
        return self._model

    def _refresh_ghost(self) -> bool:
        choice = self.choice
        key = (self.states, choice)
        if key == self._ghost_for:
            return False
        if not choice.active:
            self._ghost_for, old, self.ghost = key, self.ghost, None
            return old is not None
        now = time.monotonic()
        recent = now - self._ghost_at < LIVE_WHAT_IF_S
        if self.live and recent and self._ghost_for is not None and self._ghost_for[1] == choice:
            return False  # the same question, the run moved on: wait for the next turn
        model = self._what_if_model()
        if model is None:
            self._ghost_for, self.ghost = key, None
            return True
        if choice.balanced:
            self.ghost = model.evaluate(balanced=True)
        else:
            assert choice.party is not None
            self.ghost = model.evaluate({choice.party: choice.factor})
        self._ghost_for, self._ghost_at = key, now
        return True

    def _refresh_top(self) -> bool:
        """The ranking covers the stages that are over (while a stage is open, its "last
        arriver so far" is nobody's verdict yet).  While the run goes on it is redone at most
        every `LIVE_RANK_S`: at 256 × 100 a ranking is ~100 ms of a worker holding the GIL."""
        changed = False
        result = self._ranker.take()
        if result is not None:  # of this run
            self.top, changed = result[1], True
        states = self.states
        if states is None or states is self._ranked_for:
            return changed
        now = time.monotonic()
        if self.live and now - self._ranked_at < LIVE_RANK_S:
            return changed
        over = settled_states(states)
        if over.stages and self._ranker.submit(over):
            self._ranked_for, self._ranked_at = states, now
        return changed
