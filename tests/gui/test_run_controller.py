"""The run controller as the GUI's one door to a source: what the active source can do, the
commands it forwards, and the clock it reads — with a replay, so every value is exact."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from engine.core.events import Event
from engine.sources.commands import Capability, Kill, Pause, Seek, Stop
from engine.sources.replay import ReplaySource
from gui.run.controller import RunController

T0 = 5_000_000_000_000
SECOND = 1_000_000_000


def recorded_run(seconds: int = 60) -> list[Event]:
    events = [Event("run_start", T0, None, 1, None, {"parties": 1, "names": ["A"]})]
    events += [Event("progress", T0 + s * SECOND, 0, 2, 0, {}) for s in range(1, seconds)]
    end = {"status": "passed", "exit_code": 0, "reason": "every stage passed"}
    events.append(Event("run_end", T0 + seconds * SECOND, None, 1, None, end))
    return events


def test_no_active_run_can_do_nothing(qtbot: QtBot) -> None:
    controller = RunController()
    assert controller.capabilities == frozenset() and controller.source is None
    assert not controller.can(Capability.STOP)
    assert controller.send(Pause(True)) is False and controller.send(Stop()) is False


def test_the_active_source_decides_what_can_be_sent(qtbot: QtBot) -> None:
    controller = RunController()
    source = ReplaySource(recorded_run())
    assert controller.start_source(source)
    try:
        assert controller.source is source
        assert controller.capabilities == source.capabilities
        assert controller.can(Capability.SEEK) and not controller.can(Capability.KILL)
        assert controller.send(Kill(0)) is False  # a recording kills nobody
        assert controller.send(Pause(True)) is True and not source.playing
        assert controller.send(Seek(10.0)) is True
        assert controller.clock() == source.now_ns() == T0 + 10 * SECOND  # the replay's clock
        with qtbot.waitSignal(controller.run_finished, timeout=5_000) as finished:
            assert controller.send(Stop()) is True
        assert finished.args == [0]  # the recorded outcome
    finally:
        controller.shutdown()
    assert controller.capabilities == frozenset()  # the run is over: nothing to steer
    assert controller.send(Seek(0.0)) is False
