"""The call panel: the chosen lead, a team list, the options, and the Call button."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.calls import AlreadyPending, CallKey, CallPlan, DoNotCall, InFlight
from console.calls.outcome import CallError, Status
from console.calls.request import Validation, warning_lines
from console.credentials import Credentials
from console.engine import Engine
from console.phone import format_display, lead_label
from console.problems import LocalProblem
from console.settings import CONFIRM_REPEAT_CALL, LAST_TEAM
from console.store import Lead, TeamList
from ui.calls.from_history import LoadFromHistory
from ui.calls.in_flight import PendingCallsPanel
from ui.calls.keyring_wait import KeyringWait, KeyringWaitStopped
from ui.calls.options_form import OptionsForm, problem_words
from ui.calls.presets import PresetsBar
from ui.common.errors import ask, show_error
from ui.common.resources import icon
from ui.common.tasks import TaskRunner
from ui.common.widgets import ElidedLabel, KeepFocusButton, button
from ui.common.words import status_text

if TYPE_CHECKING:  # the questions are made by ui.common.errors.ask, when first asked
    from PySide6.QtWidgets import QMessageBox


class CallPanel(LoadFromHistory, QWidget):
    """Places calls as background tasks, so the agent keeps working while they ring."""

    call_started = Signal(int)
    call_finished = Signal(int)
    call_unsaved = Signal(object)  # a CallRecord whose ending the history could not take
    message = Signal(str)
    in_flight_changed = Signal(int)  # how many calls are in flight (batched)
    save_as_lead = Signal(str)  # the 10 digits of the number shown, which is not a saved lead

    def __init__(self, engine: Engine, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.tasks = tasks
        self._lead: Lead | None = None
        self._question = None
        self._asking: dict[CallKey, QMessageBox] = {}  # the open "Call again?" questions
        self._feedback_for: InFlight | None = None  # the call the feedback line is about
        self._load_question = None
        self._warnings: list[str] = []  # the last call's, shown with its outcome
        self._missing = False  # the feedback asks for a lead or a list
        self._build()
        self.refresh_teams()
        self.presets.restore()
        # The calls in flight are the engine's: the list shows them, the signals tell of them.
        self.pending.follow(engine.calls)
        stop = engine.calls.observe(started=self._call_started, ended=self._call_ended)
        self.destroyed.connect(lambda _object=None: stop())

    def _build(self) -> None:
        target = QWidget(self)
        # One line whatever the name: a long one is cut (the number never), not wrapped or
        # widening the window; the whole line is in the tooltip.
        self.lead_label = ElidedLabel(target)
        self.lead_label.setAccessibleName(self.tr("Lead to call"))
        self.team_combo = QComboBox(target)
        self.team_combo.setAccessibleName(self.tr("Team list"))
        self.team_combo.setToolTip(self.tr("The team phone list to ring"))
        # Sized to 18 characters, not to the longest list name (which would widen the window).
        self.team_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.team_combo.setMinimumContentsLength(18)
        self.team_numbers = ElidedLabel(target)  # a list of 20 agents must not widen the window
        # A quieter colour from the palette (disabled, it would also lose its tooltip).
        self.team_numbers.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.team_numbers.setAccessibleName(self.tr("Numbers on the team list"))
        team_label = QLabel(self.tr("&Team list:"), target)
        team_label.setBuddy(self.team_combo)
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_combo, 2)
        team_row.addWidget(self.team_numbers, 3)
        # The form joins the focus chain when laid out below, after the presets bar above it.
        self.form = OptionsForm()
        self.presets = PresetsBar(self.engine.store, self.engine.settings, self.form, target)
        # Three compact rows, so the options below keep most of the height.
        form = QFormLayout(target)
        form.setContentsMargins(0, 0, 0, 0)
        # A number dialed, pasted or linked that is not a lead can become one (pre-filled).
        self.save_lead_button = button(
            target,
            self.tr("Save as lead…"),
            self.tr("Save as lead"),
            self.tr("Add this number to the leads: quick add opens with it filled in"),
        )
        self.save_lead_button.clicked.connect(self._save_as_lead)
        lead_row = QHBoxLayout()
        lead_row.addWidget(self.lead_label, 1)
        lead_row.addWidget(self.save_lead_button)
        form.addRow(self.tr("Lead:"), lead_row)
        form.addRow(team_label, team_row)
        form.addRow(self.presets.label, self.presets)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(target)
        layout.addWidget(self.form, 1)
        layout.addLayout(self._build_action_row())
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        # Below Call and of a fixed height (a few rows, then it scrolls): calls starting and
        # ending never move the Call button, and the calls just placed are in sight under it.
        self.pending = PendingCallsPanel(self)
        self.pending.count_changed.connect(self.in_flight_changed)
        layout.addWidget(self.pending)
        self.team_combo.currentIndexChanged.connect(self._team_changed)
        self.set_lead(None)

    def _build_action_row(self) -> QHBoxLayout:
        """What Call said (a fixed height, scrolling when there is more) and the Call button."""
        self.feedback = QLabel()
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setAccessibleName(self.tr("Call check"))
        self.feedback.setWordWrap(True)  # a warning or a long name must not widen the window
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.feedback_area = QScrollArea(self)
        # A transparent viewport of our own, set before the widget (the old viewport is
        # deleted with its children): asking Qt for the one it made would have PySide6
        # create a Python type for every Qt widget class first (tens of ms at start).
        viewport = QWidget()
        viewport.setAutoFillBackground(False)
        self.feedback_area.setViewport(viewport)
        self.feedback_area.setWidget(self.feedback)
        self.feedback_area.setWidgetResizable(True)
        self.feedback_area.setFrameShape(QFrame.Shape.NoFrame)
        self.feedback_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.feedback_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.feedback.setAutoFillBackground(False)
        self.call_button = KeepFocusButton(icon("call"), self.tr("Call"), self)
        self.call_button.setAccessibleName(self.tr("Call"))
        self.call_button.setToolTip(self.tr("Place the call (Ctrl+Enter)"))
        self.call_button.setMinimumWidth(120)
        self.call_button.setDefault(False)
        self.call_button.clicked.connect(self.call)
        # Three lines of words beside Call (a list of problems scrolls): a long message
        # neither widens the window nor moves the button.
        lines = self.feedback.fontMetrics().lineSpacing() * 3 + 4
        self.feedback_area.setFixedHeight(max(lines, self.call_button.sizeHint().height()))
        # Shown only while Call waits for the keyring (an unlock prompt may be open).
        self.keyring_cancel = KeyringWait(self._show_keyring_wait, self)
        row = QHBoxLayout()
        row.addWidget(self.feedback_area, 1)
        row.addWidget(self.keyring_cancel, 0, Qt.AlignmentFlag.AlignVCenter)
        # The row's height is fixed, so centred is a fixed place too: level with one line.
        row.addWidget(self.call_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    # What the window may ask of the panel (it never reaches into the panel's children)
    def in_flight_count(self) -> int:
        """How many calls in flight may have reached the service (the engine's count)."""
        return self.engine.calls.count_sent()

    def focus_in_flight(self) -> bool:
        """The keyboard in the calls in flight, on the current one; False when there are none."""
        return self.pending.focus_list()

    def focus_team(self) -> None:
        """The keyboard on the team list, with the focus mark shown (a lead was just picked)."""
        self.team_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_call(self) -> None:
        """The keyboard on the Call button, with the focus mark shown."""
        self.call_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def layout_state(self) -> dict[str, int]:
        """What the window saves of the panel's layout between runs."""
        return {"options_tab": self.form.tabs.currentIndex()}

    def restore_layout(self, state: dict[str, int]) -> None:
        self.form.tabs.setCurrentIndex(int(state.get("options_tab", 0)))

    # The lead and the team list
    def set_lead(self, lead: Lead | None) -> None:
        """Show the lead the next call goes to (from the Leads tab or "Call again")."""
        self._lead = lead
        self.save_lead_button.setVisible(lead is not None and lead.id is None)
        if lead is None:
            self.lead_label.set_parts(self.tr("No lead chosen: pick one in the Leads tab."))
            return
        number = format_display(lead.number)
        if lead.name:
            head, keep = lead.name, f" · {number}"
        else:  # a number from a link or the clipboard, not (yet) one of the leads
            head, keep = number, " · " + self.tr("not a saved lead")
        tail = []
        if lead.do_not_call:  # first: it is what Call will say (console.calls.DoNotCall)
            keep += " · " + self.tr("Do not call")
        if lead.company:
            tail.append(lead.company)
        if lead.last_result:
            tail.append(self.tr("last call: {0}").format(status_text(lead.last_result)))
        self.lead_label.set_parts(head, keep, "".join(f" · {t}" for t in tail), bold=True)
        self._forget_missing()

    def lead(self) -> Lead | None:
        return self._lead

    def _save_as_lead(self) -> None:
        if self._lead is not None and self._lead.id is None:
            self.save_as_lead.emit(self._lead.number)

    def refresh_teams(self) -> None:
        """Re-read the team lists, keeping the selection (or the one used last time)."""
        current = self.current_team()
        keep = current.name if current else self.engine.settings.get(LAST_TEAM)
        self.team_combo.blockSignals(True)
        self.team_combo.clear()
        for team in self.engine.store.list_teams():
            enabled = sum(m.enabled for m in team.members)
            self.team_combo.addItem(
                self.tr("{0} (%n number(s))", "", enabled).format(team.name), team
            )
        if current is not None and current.id is None:  # a list loaded from the history
            self._add_history_team(current)
        index = next(
            (i for i in range(self.team_combo.count()) if self.team_combo.itemData(i).name == keep),
            0,
        )
        self.team_combo.setCurrentIndex(index if self.team_combo.count() else -1)
        self.team_combo.blockSignals(False)
        self._team_changed()

    def _add_history_team(self, team: TeamList) -> int:
        label = self.tr("{0} (from the history)").format(team.name or team.list_value)
        self.team_combo.addItem(label, team)
        return self.team_combo.count() - 1

    def current_team(self) -> TeamList | None:
        return self.team_combo.currentData()

    def select_team(self, name: str) -> bool:
        for i in range(self.team_combo.count()):
            if self.team_combo.itemData(i).name == name:
                self.team_combo.setCurrentIndex(i)
                return True
        return False

    def _team_changed(self, _index: int = -1) -> None:
        team = self.current_team()
        # The combo is narrower than a long name: the whole of it is in the tooltip.
        self.team_combo.setToolTip(
            self.tr("The team phone list to ring: {0}").format(self.team_combo.currentText())
            if team is not None
            else self.tr("The team phone list to ring")
        )
        if team is None:
            self.team_numbers.set_full_text(self.tr("No team lists yet: add one in the Teams tab."))
            return
        numbers = ", ".join(format_display(n) for n in team.list_value.split("|") if n)
        if not team.members:
            numbers = self.tr("no numbers on this list yet: add some in the Teams tab")
        elif not numbers:
            numbers = self.tr("every number on this list is disabled")
        self.team_numbers.set_full_text(numbers)
        self._forget_missing()
        if team.id is not None and self.engine.settings.get(LAST_TEAM) != team.name:
            from ui.common.settings_save import keep_settings

            keep_settings(self.engine.settings, "the team list in use", {LAST_TEAM: team.name})

    # Placing calls
    def plan(self) -> CallPlan | None:
        lead, team = self._lead, self.current_team()
        if lead is None or team is None:
            return None
        return CallPlan(
            lead_number=lead.number,
            list_value=team.list_value,
            options=self.form.values(),
            lead_name=lead.name,
            team_name=team.name,
        )

    def _forget_missing(self) -> None:
        """A lead or list just came: "Choose a lead first" no longer holds once both are."""
        if self._missing and self._lead is not None and self.current_team() is not None:
            self.show_feedback("")

    def show_feedback(
        self, text: str, items: list[str] | None = None, *, tip: str | None = None
    ) -> None:
        """Say what happened to the last Call, with a list (problems) when there is one;
        ``tip``: more for the tooltip (the same problems in the API's words)."""
        self._missing = False
        tooltip = self.tr("What happened when Call was last pressed")
        self.feedback.setToolTip(f"{tooltip}\n{tip}" if tip else tooltip)
        import html  # with its table of 2,000 entity names: not needed to start

        body = html.escape(text)
        if items:
            body += "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
        self.feedback.setText(body)

    def call(self) -> InFlight | None:
        """Place the call shown: reserved in the engine at once, then checked and sent.

        Reserved before anything is awaited, so a second Call (a click, Ctrl+Enter, a number
        from the tray or a link, "Call again") while the same call is pending, even in the
        same turn of the loop, is held for the "Call again?" question. Returns the
        reservation made (the engine's registry holds it; its ``task`` checks and places the
        call), or None when nothing was started (refused, or "Call again?" asked).
        """
        plan = self.plan()
        if plan is None:
            missing = self.tr("a lead") if self._lead is None else self.tr("a team list")
            self.show_feedback(self.tr("Choose {0} first; nothing was sent.").format(missing))
            self._missing = True
            return None
        ask_first = self.engine.settings.get(CONFIRM_REPEAT_CALL)
        try:
            reservation = self.engine.calls.reserve(plan, again=not ask_first)
        except AlreadyPending as exc:
            self._ask_again(plan, exc.pending)
            return None
        self._spawn(plan, self._check_and_place(plan, reservation), reservation)
        return reservation

    def _ask_again(self, plan: CallPlan, pending: InFlight) -> None:
        """Ask once whether to call again: more presses while it is open raise the same
        question, so one Yes places one more call."""
        asked = self._asking.get(pending.key)
        if asked is not None:
            asked.raise_()
            asked.activateWindow()
            return
        lead, team = pending.lead, pending.team_name or self.tr("ad-hoc list")
        self.show_feedback(
            self.tr("A call to {0} on {1} is still pending; nothing more was sent.").format(
                lead, team
            )
        )
        self._question = box = ask(
            self,
            self.tr("Call again?"),
            self.tr("A call to {0} on {1} is still pending.").format(lead, team),
            lambda: self._call_again(plan),
            yes=self.tr("Call &again"),
            no=self.tr("&Don't call"),
            informative=self.tr("Place another call to the same lead and list anyway?"),
        )
        self._asking[pending.key] = box
        box.finished.connect(lambda _result: self._asking.pop(pending.key, None))

    def _call_again(self, plan: CallPlan) -> asyncio.Task:
        reservation = self.engine.calls.reserve(plan, again=True)  # the person said so
        return self._spawn(plan, self._check_and_place(plan, reservation), reservation)

    def _spawn(self, plan: CallPlan, coro, reservation: InFlight) -> asyncio.Task:
        task = self.tasks.spawn(coro, name=f"call {plan.lead_name}")
        self.engine.calls.attach(reservation, task)  # released however the task ends
        return task

    async def _check_and_place(self, plan: CallPlan, reservation: InFlight) -> None:
        try:
            ready = await self._check(plan)
        except Exception as exc:
            show_error(self.tr("Call not placed"), exc, self)
            ready = None
        if ready is None:
            self.engine.calls.release(reservation)  # nothing was sent
            return
        credentials, checked = ready
        # The engine's rule: one line for the fictional 555 numbers, none in the sandbox.
        warnings = warning_lines(checked.warnings, sandbox=self.engine.uses_sandbox)
        self._show_calling(plan, warnings, reservation)
        await self._place(plan, credentials, reservation, checked)

    async def _check(self, plan: CallPlan) -> tuple[Credentials, Validation] | None:
        """The credentials and the checked request; None (and why, beside Call) if not."""
        try:
            credentials = await self.keyring_cancel.wait_for(self.engine.credentials())
        except LocalProblem as problem:  # the keyring is locked, failed or did not answer
            self.show_feedback(problem.nothing_sent())
            return None
        except KeyringWaitStopped:
            self.show_feedback(self.tr("Stopped waiting for the keyring; nothing was sent."))
            return None
        if credentials is None:
            self.show_feedback(
                self.tr("No credentials are stored: open Account… to enter them; nothing was sent.")
            )
            return None
        checked = self.engine.calls.check(plan, credentials)
        if not checked.ok:
            self.show_feedback(
                self.tr("The request has problems; nothing was sent:"),
                [problem_words(p) for p in checked.problems],
                tip="\n".join(str(p) for p in checked.problems),
            )
            return None
        return credentials, checked

    def _show_keyring_wait(self) -> None:
        self.show_feedback(
            self.tr("Waiting for the keyring to unlock… (nothing is sent until it answers)")
        )

    def start(
        self,
        plan: CallPlan,
        credentials: Credentials,
        warnings: list[str] | None = None,
        *,
        checked: Validation | None = None,
        reservation: InFlight | None = None,
    ) -> asyncio.Task:
        """Place ``plan`` in the background now; the pending row appears once it is recorded.

        ``reservation`` is the plan's (``engine.calls.reserve``); without one it is reserved
        here, and AlreadyPending raised when the same call is pending. ``checked`` is the
        plan's validation when it has just been run, so it is not run again.
        """
        if reservation is None:
            reservation = self.engine.calls.reserve(plan)
        self._show_calling(plan, warnings, reservation)
        return self._spawn(plan, self._place(plan, credentials, reservation, checked), reservation)

    def _show_calling(
        self, plan: CallPlan, warnings: list[str] | None, reservation: InFlight
    ) -> None:
        text = self.tr("Calling {0}…").format(lead_label(plan.lead_name, plan.lead_number))
        # Shown beside Call, never blocking, and kept with the outcome: read in the window,
        # not only in a tooltip a keyboard cannot open.
        self._warnings = [f"⚠ {w}" for w in warnings or []]
        self.show_feedback(text, self._warnings)
        self._feedback_for = reservation  # the line speaks of this call until the next one

    async def _place(
        self,
        plan: CallPlan,
        credentials: Credentials,
        reservation: InFlight,
        checked: Validation | None,
    ) -> None:
        try:
            await self.engine.calls.place(
                plan, credentials, reservation=reservation, checked=checked
            )
        except DoNotCall as exc:  # the engine's rule; nothing was sent
            from ui.calls.do_not_call import ask_override

            self._tell_outcome(reservation, exc.sentence())
            self._question = ask_override(self, exc, lambda: self._call_again(plan.overriding()))
        except CallError as exc:
            # A failed call is an outcome, not a bug: _call_ended tells it. One refused before
            # its history row was written is told here, as no observer hears of it.
            if reservation.call_id is None:
                self._tell_outcome(reservation, f"{reservation.lead}: {exc.sentence()}")

    # What the engine says of every call in flight (whoever placed it)
    def _call_started(self, call: InFlight) -> None:
        self.call_started.emit(call.call_id)

    def _call_ended(self, call: InFlight) -> None:
        if call.status is Status.CANCELLED:
            outcome = self.tr("{0}: cancelled here; it may still go ahead.").format(call.lead)
        elif call.status in (Status.SUCCESS, Status.FAILED):
            outcome = self.tr("{0}: {1}, {2} (sid {3})").format(
                call.lead, status_text(call.status), call.description, call.sid
            )
        else:
            outcome = f"{call.lead}: {call.description}"
        if call.unsaved is not None:
            # The history could not take it: the row shows it from memory, and the person
            # learns where it was kept.
            self.call_unsaved.emit(call.unsaved.record)
            outcome = f"{outcome} {call.unsaved.sentence()}"
        self._tell_outcome(call, outcome)
        self.call_finished.emit(call.call_id)

    def _tell_outcome(self, call: InFlight, outcome: str) -> None:
        self.message.emit(outcome)
        if call is self._feedback_for:  # the line still speaks of this call
            self.show_feedback(outcome, self._warnings)
