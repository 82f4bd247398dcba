"""Barrier actions a scenario can ask for.  Module-level classes, so they pickle to children."""

from __future__ import annotations


class MessageAction:
    """The classic action: announce that every party arrived ("🚀 All systems go!")."""

    def __init__(self, message: str, by_stage: tuple[str, ...] = ()) -> None:
        self.message = message
        self.by_stage = by_stage  # one message per stage, when the scenario gives a list

    def message_for(self, stage: int) -> str:
        """What this stage's trip announces (a per-stage message, else the one message)."""
        if self.by_stage:
            return self.by_stage[min(max(stage, 0), len(self.by_stage) - 1)]
        return self.message

    def __call__(self) -> None:
        return None  # the instrumented barrier reports `message` in its `action` event


class FailingAction(MessageAction):
    """An action that raises: the barrier breaks, the last arriver re-raises this error."""

    def __call__(self) -> None:
        raise RuntimeError(f"the barrier action failed: {self.message}")
