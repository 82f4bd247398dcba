"""Play a lesson: one run per step, steered by the flow of → (engine.lessons.flow).

Why a driver apart from the window: the window lays out and listens to keys; the autoplay and
the tests press the same "keys" through this object.  It owns the session (step, picks,
score), one RunController (the frame clock feeding the Qt-free view model) and the switch from
one step's run to the next: a run still going is stopped first, and the next step's run starts
once it has ended, so two runs never overlap.  A step's run starts with the step, or — when
`autostart_runs` is off (the autoplay lets the caption be read first) — on `start_run()`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from engine.export.codegen import generate_program
from engine.export.line_map import Program
from engine.lessons import (
    Lesson,
    LessonSession,
    Move,
    Step,
    Verdict,
    commands_for,
    follow_up_commands,
    next_move,
)
from engine.model.view_model import RunViewModel
from gui.run.controller import RunController


class LessonDriver(QObject):
    """The lesson's state and its run; every change is told by a signal."""

    step_changed = Signal(int)  # a new step (its index) is on screen
    prompt_changed = Signal()  # a pick, a reveal or a verdict changed
    frame = Signal(object)  # once per frame (now_ns), after the model absorbed the batch
    finished = Signal()  # → on the last step: the lesson is over

    def __init__(
        self,
        lesson: Lesson,
        *,
        speed_factor: float = 1.0,
        controller: RunController | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = LessonSession(lesson)
        self.model = controller.model if controller is not None else RunViewModel()
        self.controller = controller or RunController(self.model, self)
        self.speed_factor = speed_factor
        self.autostart_runs = True
        self._wanted = False  # the current step's run was asked for
        self._run_step: int | None = None  # the step whose run the controller has (or had)
        self._programs: dict[int, Program] = {}
        self._verdict = Verdict.PENDING
        self.controller.frame_ready.connect(self._on_frame)
        self.controller.run_finished.connect(self._on_run_finished)

    # ------------------------------------------------------------------ queries
    @property
    def lesson(self) -> Lesson:
        return self.session.lesson

    @property
    def index(self) -> int:
        return self.session.index

    @property
    def step(self) -> Step:
        return self.session.step

    @property
    def verdict(self) -> Verdict:
        return self._verdict

    def speed(self, step: Step) -> float:
        return step.speed * self.speed_factor

    def program(self, index: int | None = None) -> Program:
        """The exported program of a step (its own seed and speed), made once."""
        i = self.index if index is None else index
        if i not in self._programs:
            step = self.lesson.steps[i]
            self._programs[i] = generate_program(
                step.scenario, seed=step.seed, speed=self.speed(step)
            )
        return self._programs[i]

    @property
    def run_is_current(self) -> bool:
        """The controller's run is the current step's (not the last step's, being stopped)."""
        return self._run_step == self.index

    @property
    def run_requested(self) -> bool:
        return self._wanted

    def next_move(self) -> Move:
        return next_move(self.step, self.model, self.session.prompt_state.revealed)

    # ------------------------------------------------------------------ commands
    def go(self, index: int) -> bool:
        """Show step `index` and (re)start its run; False if there is no such step."""
        if not self.session.go(index):
            return False
        self._verdict = Verdict.PENDING
        self._wanted = False
        self._run_step = None
        if self.controller.is_running:
            self.controller.stop()  # the next run starts once this one has ended
        else:
            self.controller.preview(self.step.scenario)
        self.step_changed.emit(index)
        self.prompt_changed.emit()
        if self.autostart_runs:
            self.start_run()
        return True

    def start_run(self) -> None:
        """Start the current step's run (at once, or as soon as the previous run has ended)."""
        self._wanted = True
        if not self.controller.is_running:
            self._start()

    def advance(self) -> Move:
        """→ : whatever the moment needs (see engine.lessons.flow.next_move)."""
        move = self.next_move()
        self.apply(move)
        return move

    def apply(self, move: Move) -> None:
        if move == Move.NEXT_STEP:
            if not self.go(self.index + 1):
                self.finished.emit()
            return
        if move == Move.REVEAL:
            self.session.mark_revealed()
            self._judge()
            self.prompt_changed.emit()
        for command in commands_for(move, self.step, self.model):
            self.controller.send(command)

    def back(self) -> None:
        """← : the previous step (on the first step, its run starts again)."""
        self.go(max(self.index - 1, 0))

    def pick(self, number: int) -> bool:
        """Keys 1–9: the room's answer (before the reveal)."""
        picked = self.session.pick(number)
        if picked:
            self.prompt_changed.emit()
        return picked

    def shutdown(self) -> None:
        self._wanted = False
        self.controller.shutdown()

    # ------------------------------------------------------------------ the run
    def _start(self) -> None:
        step = self.step
        self.controller.preview(step.scenario)
        if self.controller.start(
            step.scenario,
            self.speed(step),
            step.seed,
            presenter_gate=step.presenter_gate,
            step_stages=step.step_stages,
        ):
            self._run_step = self.index

    def _on_run_finished(self, _code: int) -> None:
        if self.run_is_current:
            self._judge()
        elif self._wanted:  # the previous step's run has ended: now this step's
            self._start()
        else:
            self.controller.preview(self.step.scenario)

    def _on_frame(self, now_ns: int) -> None:
        if self.run_is_current:  # the frames of a run being stopped belong to no step
            for command in follow_up_commands(self.step, self.model, self.session.prompt_state):
                self.controller.send(command)
            self._judge()
        self.frame.emit(now_ns)

    def _judge(self) -> None:
        if not self.run_is_current:
            return
        verdict = self.session.judge(self.model)
        if verdict != self._verdict:
            self._verdict = verdict
            self.prompt_changed.emit()
