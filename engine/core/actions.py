"""Barrier actions a scenario can ask for.  Module-level classes, so they pickle to children."""

from __future__ import annotations


class MessageAction:
    """The classic action: announce that every party arrived ("🚀 All systems go!")."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self) -> None:
        return None  # the instrumented barrier reports `message` in its `action` event


class FailingAction(MessageAction):
    """An action that raises: the barrier breaks, the last arriver re-raises this error."""

    def __call__(self) -> None:
        raise RuntimeError(f"the barrier action failed: {self.message}")
