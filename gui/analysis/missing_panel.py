"""Who is missing: the parties a stage has waited too long for, with each one's current stack.

The facts come from the view model (`RunViewModel.missing`), the stacks from the source
(`FetchStack`, answered later): this panel only words them.  For each party: its name, pid,
alive or dead (how it ended), stopped if the OS says so, for how long, and its stack with the
innermost frames of its own code first; the library and barrier machinery around them is
folded into one grey line.  The threshold (× the median stage time, at least N s) is set here
and remembered by the window's settings.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.model.lanes import LaneState
from engine.model.missing import MissingParty, MissingReport, MissingThreshold
from engine.model.wait_states.text import duration
from engine.sources.stacks import PartyStack, ProcessState, StackFrame
from gui.style.palette import BROKEN_COLOUR

OWN_FRAMES = 6  # the party's own frames shown, innermost first
MAX_PARTIES = 8  # a crowd: the first ones in full, the rest by name


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _frame(frame: StackFrame, first: bool) -> str:
    mark = "▶" if first else "&nbsp;"
    code = f" &nbsp;<i>{esc(frame.text)}</i>" if frame.text else ""
    return f"{mark} <b>{esc(frame.function)}</b> ({esc(frame.where)}){code}"


def stack_html(stack: PartyStack | None, muted: str) -> str:
    """A party's stack as lines of monospace HTML, its own innermost frames first."""
    if stack is None:
        return f"<span style='color:{muted}'>asking for its stack…</span>"
    main = stack.main
    if main is None:
        return f"<span style='color:{muted}'>no stack: {esc(stack.note or 'unknown')}</span>"
    lines = []
    inside = main.inside()
    if inside:
        calls = " ← ".join(esc(f.function) for f in inside[:3])
        lines.append(f"<span style='color:{muted}'>&nbsp; in {calls} (library)</span>")
    own = main.own_first()
    shown = [f for f in own if f.own][:OWN_FRAMES] or list(own[:OWN_FRAMES])
    lines += [_frame(f, i == 0) for i, f in enumerate(shown)]
    rest = len(main.frames) - len(inside) - len(shown)
    if rest > 0:
        lines.append(f"<span style='color:{muted}'>&nbsp; … {rest} more frames around it</span>")
    if len(stack.threads) > 1:
        lines.append(
            f"<span style='color:{muted}'>&nbsp; + {len(stack.threads) - 1} other thread(s)</span>"
        )
    return "<br>".join(lines)


def status_words(party: MissingParty, stack: PartyStack | None, now_ns: int) -> str:
    """ "pid 4242 · alive, stopped (T) · working for 6.3 s" and the like."""
    pid = f"pid {party.pid}" if party.pid is not None else "no pid"
    if party.alive:
        life = "alive"
        if stack is not None and stack.state == ProcessState.STOPPED:
            life += ", stopped (T state)"
        elif stack is not None and stack.state in (ProcessState.SLEEPING, ProcessState.RUNNING):
            life += f", {stack.state}"
    elif party.state == LaneState.DONE:
        code = party.exit_code
        life = f"finished (exit code {code})" if code is not None else "finished"
    else:
        life = f"dead: {party.detail}" if party.detail else f"dead ({party.state})"
    since = duration(now_ns - party.since_ns) if party.since_ns is not None else ""
    if party.state == LaneState.WORKING:
        doing = f"working for {since}" if since else "working"
    elif party.state == LaneState.WAITING:
        where = f" at barrier #{party.waiting_at}" if party.waiting_at is not None else ""
        doing = f"waiting{where} for {since}" if since else f"waiting{where}"
    elif not party.alive:
        doing = f"gone for {since}" if since else ""
    else:
        doing = str(party.state)
    return " · ".join(x for x in (pid, life, doing) if x)


class MissingPanel(QWidget):
    fetch_requested = Signal(object)  # a list of party numbers
    threshold_changed = Signal(object)  # a MissingThreshold

    def __init__(self, threshold: MissingThreshold, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missing_panel")
        self.title = QLabel()
        self.title.setObjectName("missing_title")
        self.title.setWordWrap(True)
        self.body = QLabel()
        self.body.setObjectName("missing_body")
        self.body.setWordWrap(True)
        self.refresh = QPushButton("Fetch stacks again")
        self.refresh.setObjectName("missing_refresh")
        self.refresh.setToolTip("Ask each missing party for its current stack (it keeps running)")
        self.refresh.clicked.connect(self._fetch_all)
        self.factor = QDoubleSpinBox()
        self.factor.setRange(1.0, 50.0)
        self.factor.setSingleStep(0.5)
        self.factor.setSuffix("× median stage")
        self.factor.setDecimals(1)
        self.factor.setToolTip("… this many times the median time a stage took so far")
        self.floor = QDoubleSpinBox()
        self.floor.setRange(0.5, 3600.0)
        self.floor.setSuffix(" s")
        self.floor.setDecimals(1)
        self.floor.setToolTip("… and never sooner than this")
        self.factor.setValue(threshold.factor)
        self.floor.setValue(max(threshold.floor_s, 0.5))
        self.factor.valueChanged.connect(self._threshold)
        self.floor.valueChanged.connect(self._threshold)
        settings = QGridLayout()  # two short rows: they fit the pane at 24 px on stage
        settings.setContentsMargins(0, 0, 0, 0)
        settings.addWidget(QLabel("Ask after"), 0, 0)
        settings.addWidget(self.factor, 0, 1)
        settings.addWidget(QLabel("and at least"), 1, 0)
        settings.addWidget(self.floor, 1, 1)
        settings.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        layout.addWidget(self.refresh)
        layout.addLayout(settings)
        self.report: MissingReport | None = None
        self.stacks: dict[int, PartyStack] = {}
        self.muted = "#5C6470"
        self._text = ("", "")
        self.show_report(None, 0)

    def threshold(self) -> MissingThreshold:
        return MissingThreshold(self.factor.value(), self.floor.value())

    def _threshold(self, *_: object) -> None:
        self.threshold_changed.emit(self.threshold())

    def _fetch_all(self) -> None:
        if self.report is not None:
            self.fetch_requested.emit([p.party for p in self.report.parties if p.alive])

    def set_stack(self, stack: PartyStack) -> None:
        self.stacks[stack.party] = stack

    def show_report(self, report: MissingReport | None, now_ns: int) -> None:
        """Show who is missing now (None: nobody); cheap when nothing visible changed."""
        if report is None or (self.report is not None and report.key != self.report.key):
            self.stacks = {}  # another stage: the old answers no longer say where they are
        self.report = report
        self.refresh.setVisible(report is not None and any(p.alive for p in report.parties))
        if report is None:
            self._set(
                "<b>Who is missing</b>",
                f"<span style='color:{self.muted}'>Nobody: no stage has waited longer than "
                f"{self.factor.value():g}× its median time "
                f"(at least {self.floor.value():g} s).</span>",
            )
            return
        stage = f"stage {report.stage + 1}"
        title = (
            f"<b style='color:{BROKEN_COLOUR}'>Who is missing</b> — {stage} has waited "
            f"{report.waited_ns / 1e9:.1f} s (over {report.threshold_ns / 1e9:.1f} s)"
        )
        blocks = []
        for party in report.parties[:MAX_PARTIES]:
            stack = self.stacks.get(party.party)
            head = f"<b>{esc(party.name)}</b> · {esc(status_words(party, stack, now_ns))}"
            body = stack_html(stack, self.muted) if party.alive else ""
            mono = f"<div style='font-family:monospace'>{body}</div>" if body else ""
            blocks.append(f"<p style='margin:0 0 6px 0'>{head}{mono}</p>")
        more = report.parties[MAX_PARTIES:]
        if more:
            names = ", ".join(esc(p.name) for p in more[:12])
            blocks.append(f"<p>… and {len(more)} more: {names}{'…' if len(more) > 12 else ''}</p>")
        if report.absent:
            parties = "party" if report.absent == 1 else "parties"
            blocks.append(
                f"<p>{report.absent} more {parties} that no process will ever be "
                "(the barrier counts them).</p>"
            )
        self._set(title, "".join(blocks))

    def _set(self, title: str, body: str) -> None:
        if (title, body) != self._text:
            self._text = (title, body)
            self.title.setText(title)
            self.body.setText(body)
