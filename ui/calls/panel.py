"""The call panel: the chosen lead, a team list, the options, and the Call button."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

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
from qasync import asyncSlot

from console.calls import CallPlan
from console.credentials import Credentials
from console.engine import Engine
from console.outcome import CallError
from console.params import OPTION_NAMES
from console.phone import format_display
from console.request import Validation
from console.store import CallRecord, Lead, TeamList, TeamMember
from ui.calls.in_flight import PendingCall, PendingCallsPanel
from ui.calls.options_form import OptionsForm
from ui.calls.presets import PresetsBar
from ui.common.errors import ask, show_error
from ui.common.resources import icon
from ui.common.tasks import TaskRunner
from ui.common.widgets import ElidedLabel, KeepFocusButton
from ui.common.words import status_text

log = logging.getLogger(__name__)


def options_from_request(request_redacted: str) -> dict[str, str]:
    """The tunable options of a stored request (credentials and per-call fields dropped)."""
    query = urlsplit(request_redacted).query
    return {k: v for k, v in parse_qsl(query) if k in OPTION_NAMES}


class CallPanel(QWidget):
    """Places calls as background tasks, so the agent keeps working while they ring."""

    call_started = Signal(int)
    call_finished = Signal(int)
    message = Signal(str)
    in_flight_changed = Signal(int)  # how many calls are in flight (batched)

    def __init__(self, engine: Engine, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.tasks = tasks
        self._lead: Lead | None = None
        self._question = None
        self._feedback_for = 0  # which started call the feedback line is about
        self._build()
        self.refresh_teams()
        self.presets.restore()

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
        form.addRow(self.tr("Lead:"), self.lead_label)
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
        self.feedback.setWordWrap(True)
        self.feedback.setAccessibleName(self.tr("Call check"))
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.feedback_area = QScrollArea(self)
        self.feedback_area.setWidget(self.feedback)
        self.feedback_area.setWidgetResizable(True)
        self.feedback_area.setFrameShape(QFrame.Shape.NoFrame)
        self.feedback_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.feedback_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.feedback_area.viewport().setAutoFillBackground(False)
        self.feedback.setAutoFillBackground(False)
        self.call_button = KeepFocusButton(icon("call"), self.tr("&Call"), self)
        self.call_button.setAccessibleName(self.tr("Call"))
        self.call_button.setToolTip(self.tr("Place the call (Ctrl+Enter)"))
        self.call_button.setMinimumWidth(120)
        self.call_button.setDefault(False)
        self.call_button.clicked.connect(self.call)
        # Three lines of words beside Call (a list of problems scrolls): a long message
        # neither widens the window nor moves the button.
        lines = self.feedback.fontMetrics().lineSpacing() * 3 + 4
        self.feedback_area.setFixedHeight(max(lines, self.call_button.sizeHint().height()))
        row = QHBoxLayout()
        row.addWidget(self.feedback_area, 1)
        # The row's height is fixed, so centred is a fixed place too: level with one line.
        row.addWidget(self.call_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    # What the window may ask of the panel (it never reaches into the panel's children)
    def in_flight_count(self) -> int:
        """How many calls are in flight."""
        return len(self.pending.rows)

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
        if lead is None:
            self.lead_label.set_parts(self.tr("No lead chosen: pick one in the Leads tab."))
            return
        number = format_display(lead.number)
        if lead.name:
            head, keep = lead.name, f" · {number}"
        else:  # a number from a link or the clipboard, not (yet) one of the leads
            head, keep = number, " · " + self.tr("not a saved lead")
        tail = []
        if lead.company:
            tail.append(lead.company)
        if lead.last_result:
            tail.append(self.tr("last call: {0}").format(status_text(lead.last_result)))
        self.lead_label.set_parts(head, keep, "".join(f" · {t}" for t in tail), bold=True)

    def lead(self) -> Lead | None:
        return self._lead

    def refresh_teams(self) -> None:
        """Re-read the team lists, keeping the selection (or the one used last time)."""
        current = self.current_team()
        keep = current.name if current else self.engine.settings.get("ui.last_team")
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
        self.team_numbers.set_full_text(numbers or self.tr("every number on this list is disabled"))
        if team.id is not None and self.engine.settings.get("ui.last_team") != team.name:
            self.engine.settings.set("ui.last_team", team.name)
            self.engine.settings.save()

    def load_call(self, record: CallRecord) -> None:
        """ "Call again": the lead, list and options of a past call, ready for Ctrl+Enter."""
        self.set_lead(Lead(None, record.lead_name or record.lead_number, record.lead_number))
        team = next(
            (
                self.team_combo.itemData(i)
                for i in range(self.team_combo.count())
                if self.team_combo.itemData(i).list_value == record.list_value
            ),
            None,
        )
        if team is not None:
            self.select_team(team.name)
        else:
            members = [TeamMember(n, n) for n in record.list_value.split("|") if n]
            index = self._add_history_team(TeamList(None, record.team_name, members))
            self.team_combo.setCurrentIndex(index)
        self.form.set_values(options_from_request(record.request_redacted))
        self.show_feedback(
            self.tr("Loaded the call from the history: press Call to place it again.")
        )
        self.call_button.setFocus()

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

    def show_feedback(self, text: str, items: list[str] | None = None) -> None:
        """Say what happened to the last Call, with a list (problems) when there is one."""
        self.feedback.setToolTip(self.tr("What happened when Call was last pressed"))
        body = html.escape(text)
        if items:
            body += "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"
        self.feedback.setText(body)

    @asyncSlot()
    async def call(self) -> None:
        """Check the request, then place it as a background task."""
        self.call_button.setEnabled(False)
        try:
            await self._check_and_place()
        except Exception as exc:
            show_error(self.tr("Call"), exc, self)
        finally:
            self.call_button.setEnabled(True)

    async def _check_and_place(self) -> None:
        plan = self.plan()
        if plan is None:
            missing = self.tr("a lead") if self._lead is None else self.tr("a team list")
            self.show_feedback(self.tr("Choose {0} first; nothing was sent.").format(missing))
            return
        credentials = await self.engine.credentials()
        if credentials is None:
            self.show_feedback(
                self.tr("No credentials are stored: open Account… to enter them; nothing was sent.")
            )
            return
        checked = self.engine.calls.check(plan, credentials)
        if not checked.ok:
            self.show_feedback(
                self.tr("The request has problems; nothing was sent:"),
                [str(p) for p in checked.problems],
            )
            return
        warnings = [str(w) for w in checked.warnings]
        pending = self.pending.find(checked.params["phone_to_call"], checked.params["list"])
        if pending is not None and self.engine.settings.get("ui.confirm_repeat_call"):
            self._question = ask(
                self,
                self.tr("Call again?"),
                self.tr("A call to {0} on {1} is still pending.").format(
                    pending.lead, pending.team
                ),
                lambda: self.start(plan, credentials, warnings, checked=checked),
                yes=self.tr("Call &again"),
                no=self.tr("&Don't call"),
                informative=self.tr("Place another call to the same lead and list anyway?"),
            )
            return
        self.start(plan, credentials, warnings, checked=checked)

    def start(
        self,
        plan: CallPlan,
        credentials: Credentials,
        warnings: list[str] | None = None,
        *,
        checked: Validation | None = None,
    ) -> asyncio.Task:
        """Place ``plan`` in the background; the pending row appears once it is recorded.

        ``checked`` is the plan's validation when it has just been run, so it is not run again.
        """
        text = self.tr("Calling {0}…").format(plan.lead_name or format_display(plan.lead_number))
        self.show_feedback(text)
        if warnings:
            # Shown, never blocking; one line, because every sandbox (555) number warns.
            summary = self.tr(
                "%n warning(s), sent anyway (details in the tooltip)", "", len(warnings)
            )
            self.feedback.setText(f"{html.escape(text)} ⚠ {html.escape(summary)}")
            self.feedback.setToolTip("\n".join(warnings))
        self._feedback_for += 1
        coro = self._place(plan, credentials, self._feedback_for, checked)
        return self.tasks.spawn(coro, name=f"call {plan.lead_name}")

    async def _place(
        self, plan: CallPlan, credentials: Credentials, token: int, checked: Validation | None
    ) -> None:
        call_id: int | None = None
        service = self.engine.calls  # bound to the API URL in use when the call starts

        def on_pending(new_id: int, checked: Mapping[str, str]) -> None:
            nonlocal call_id
            call_id = new_id
            self.pending.add(
                PendingCall(
                    new_id,
                    plan.lead_name or format_display(plan.lead_number),
                    plan.team_name or self.tr("ad-hoc list"),
                    checked.get("phone_to_call", plan.lead_number),
                    checked.get("list", plan.list_value),
                    asyncio.current_task(),
                )
            )
            self.call_started.emit(new_id)

        who = plan.lead_name or format_display(plan.lead_number)
        outcome = ""
        try:
            placed = await service.place(plan, credentials, on_pending=on_pending, checked=checked)
            result = placed.result
            outcome = self.tr("{0}: {1}, {2} (sid {3})").format(
                who, status_text(result.status), result.description, result.sid
            )
        except CallError as exc:
            # A failed call is an outcome, not a bug: it goes to the history and the status bar.
            outcome = f"{who}: {exc.sentence()}"
        except asyncio.CancelledError:
            outcome = self.tr("{0}: cancelled here; it may still go ahead.").format(who)
            raise
        finally:
            if outcome:
                self.message.emit(outcome)
                if token == self._feedback_for:  # the line still speaks of this call
                    self.show_feedback(outcome)
            if call_id is not None:
                self.pending.remove(call_id)
                self.call_finished.emit(call_id)
