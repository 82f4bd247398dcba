"""Turn events into the story a person reads: "Navigation ready." … "🚀 All systems go!".

The scenario's own templates (carried in the run_start event, so a replayed log tells the same
story) give the party lines; run-level lines are ours.  Why a wait broke is not inferred here:
the view model's FailureTracker decides it and hands the `Failure` over, and the story writes
it out ("… Why: the barrier timed out …").  Returns None for events that have no line.  The
headless commands print the view model's story too (`LogTail`), so there is one narrator.
"""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from engine.core.events import Event
from engine.model.failures import Failure
from engine.scenario import Narrative, ScenarioError, parse_scenario

DEFAULT_NARRATIVE = Narrative()


@dataclass(frozen=True)
class LogLine:
    """One line of the story; `kind` is the event's, so a view can colour by kind."""

    t_s: float
    party: int | None
    text: str
    kind: str

    def plain(self) -> str:
        """The line as the headless run prints it: "[   1.234 s] Navigation ready."."""
        return f"[{self.t_s:8.3f} s] {self.text}"


class HasLog(Protocol):
    log: list[LogLine]


class LogTail:
    """Hands out each line of a (growing) story once: the headless loop prints `fresh()`
    after every batch.  A new run (a new story list) starts over from its first line."""

    def __init__(self, owner: HasLog) -> None:
        self._owner = owner  # the view model (it replaces its log list on a new run)
        self._log: list[LogLine] | None = None
        self._seen = 0
        self.restarted = False  # the last `fresh()` began a new story (a new run)

    def fresh(self) -> list[LogLine]:
        """The lines added since the last call, in order."""
        log = self._owner.log
        self.restarted = log is not self._log or len(log) < self._seen
        if self.restarted:
            self._log, self._seen = log, 0
        out = log[self._seen :]
        self._seen = len(log)
        return out


class Narrator:
    """Stateful: remembers names, start time and templates from `run_start`.

    The view model calls `tell(event, failure)` with the Failure it inferred."""

    def __init__(self) -> None:
        self.t0: int | None = None
        self.names: list[str] = []
        self.stages = 1
        self.narrative = DEFAULT_NARRATIVE
        self.presenter: int | None = None

    def name(self, party: int | None) -> str:
        if party is None:
            return "the app"
        return self.names[party] if 0 <= party < len(self.names) else f"Party {party + 1}"

    def relative_s(self, event: Event) -> float:
        return 0.0 if self.t0 is None else (event.t_ns - self.t0) / 1e9

    def tell(self, event: Event, failure: Failure | None) -> str | None:
        """The narrative line for `event` (a broken wait says why, from `failure`), or None."""
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is None:
            return None
        text: str | None = handler(event)
        if text and failure is not None and event.kind == "broken":
            text = f"{text} Why: {failure.explanation}."
        return text or None

    def _template(self, which: str, event: Event, **extra: Any) -> str:
        stage = event.stage or 0
        return self.narrative.line(
            which,  # type: ignore[arg-type]
            stage,
            name=self.name(event.party),
            party=(event.party or 0) + 1,
            stages=self.stages,
            **extra,
        )

    def _on_run_start(self, e: Event) -> str:
        self.t0 = e.t_ns
        self.names = list(e.get("names", []))
        self.presenter = e.get("presenter")
        self.stages = int(e.get("stages", 1))
        self.narrative = _narrative_of(e.get("scenario")) or DEFAULT_NARRATIVE
        if e.get("backend") == "trace":  # a program we did not write: no plan to announce
            return f"▶ Tracing {_traced_command(e)}"
        stages = f"{self.stages} stage{'s' * (self.stages != 1)}"
        return (
            f"▶ {e.get('scenario', {}).get('name', 'Run')}: {parties_words(e)}, {stages} "
            f"(speed {e.get('speed', 1)}×, seed {e.get('seed')}, {e.get('start_method')})"
        )

    def _on_spawn(self, e: Event) -> None:
        """Traced programs name their lanes as processes appear."""
        if e.party is not None and e.get("name"):
            self.names.extend(f"Party {i + 1}" for i in range(len(self.names), e.party + 1))
            self.names[e.party] = str(e.get("name"))

    def _on_barrier(self, e: Event) -> str:
        """A traced program created a barrier (ids follow creation order)."""
        extra = f", timeout {e.get('timeout')} s" if e.get("timeout") is not None else ""
        action = f", action {e.get('action')}()" if e.get("action") else ""
        made = f"Barrier({e.get('parties')}{action}{extra})"
        return f"▣ The program created barrier #{e.get('barrier')}: {made}."

    def _on_work_start(self, e: Event) -> str:
        if e.get("workload") == "presenter":
            return "⏵ The presenter is the last party: press G to open the gate."
        return self._template("work", e)

    def _on_hold(self, e: Event) -> str | None:
        if e.party is not None and e.party == self.presenter:
            return None
        return f"{self.name(e.party)} waits for the presenter before stage {(e.stage or 0) + 1}."

    def _on_arrive(self, e: Event) -> str:
        return self._template("arrive", e)

    def _on_release(self, e: Event) -> str:
        return self._template("release", e, index=e.get("index", ""))

    def _on_action(self, e: Event) -> str:
        return str(e.get("message") or f"The barrier action ran in {self.name(e.party)}.")

    def _on_broken(self, e: Event) -> str:
        if e.get("reason") == "action_raised":
            return f"💥 {self.name(e.party)}'s wait() re-raised the action's error."
        return f"💥 {self.name(e.party)} got BrokenBarrierError."

    def _on_kill(self, e: Event) -> str:
        why = "as the scenario's fault asks" if e.get("reason") == "fault" else "on request"
        return f"🔪 The app sent SIGKILL to {self.name(e.party)} (pid {e.pid}) {why}."

    def _on_abort(self, e: Event) -> str:
        who = "The app" if e.get("by") == "app" else "The presenter"
        return f"⏏ {who} called abort() on the barrier."

    def _on_reset(self, e: Event) -> str:
        return "↺ The presenter called reset() on the barrier."

    def _on_wedged(self, e: Event) -> str:
        return f"⛓ {e.get('message')}"

    def _on_stranded(self, e: Event) -> str:
        return f"⌛ {e.get('message')}"

    def _on_suspended(self, e: Event) -> str:
        return f"⏸ {e.get('message') or f'{self.name(e.party)} is stopped (SIGSTOP).'}"

    def _on_resumed(self, e: Event) -> str:
        return f"⏵ {e.get('message') or f'{self.name(e.party)} runs again (SIGCONT).'}"

    def _on_crash(self, e: Event) -> str:
        who = "Your program" if e.party is None and e.get("program") else self.name(e.party)
        return f"☠ {who} crashed: {e.get('error')}"

    def _on_exit(self, e: Event) -> str | None:
        code = e.get("exitcode")
        if code in (0, 3, None):
            return None
        if isinstance(code, int) and code < 0:
            try:
                how = f"was killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"was killed by signal {-code}"
        else:
            how = f"exited with code {code}"
        return f"☠ {self.name(e.party)} (pid {e.pid}) {how}."

    def _on_output(self, e: Event) -> str | None:
        """A traced program's own line, attributed to its lane ("Navigation: ready.")."""
        text = str(e.get("text") or "").rstrip()
        if not text:
            return None
        if e.party is not None and 0 <= e.party < len(self.names):
            name = self.names[e.party]
            return text if text.startswith(name) else f"{name}: {text}"  # no "Nav: Nav ready"
        return text

    def _on_stop(self, e: Event) -> str:
        return "■ Stop requested: ending every party process."

    def _on_run_end(self, e: Event) -> str:
        return f"■ Run {e.get('status')}: {e.get('reason')} (exit code {e.get('exit_code')})."


def parties_words(e: Event) -> str:
    """ "3 parties", or, when the barrier counts a different number of parties than there
    are processes (the lesson of too-few and too-many), both: "Barrier(4), 3 processes"."""
    lanes = len(e.get("names", []))
    parties = int(e.get("parties", lanes) or lanes)
    if parties == lanes:
        return f"{parties} part{'ies' if parties != 1 else 'y'}"
    return f"Barrier({parties}), {lanes} process{'es' * (lanes != 1)}"


def _traced_command(e: Event) -> str:
    """`SCRIPT ARGS…` as the trace was asked to run it (older logs: the description)."""
    trace = e.get("trace")
    if isinstance(trace, Mapping) and isinstance(trace.get("script"), str):
        args = trace.get("args")
        words = [str(a) for a in args] if isinstance(args, list) else []
        return " ".join([trace["script"], *words])
    scenario = e.get("scenario")
    described = scenario.get("description") if isinstance(scenario, Mapping) else None
    return str(described or "a program")


def _narrative_of(scenario: object) -> Narrative | None:
    if not isinstance(scenario, Mapping):
        return None
    try:
        return parse_scenario(scenario).narrative
    except ScenarioError:
        return None
