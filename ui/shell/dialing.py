"""Numbers that are not picked in the leads table: the Dial tab, the clipboard's number, links,
and "Save as lead" afterwards. The shell wires them: the leads find the lead a number is, the
call panel places the call (CallPanel.call: the same checks, and the engine's reservation,
so a second request for the same call while it is pending asks "Call again?" first).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from console.phone import format_display
from console.store import Lead
from ui.calls.panel import CallPanel
from ui.common.errors import ask
from ui.common.widgets import fit_title
from ui.leads.panel import LeadsPanel
from ui.shell.links import read_number

if TYPE_CHECKING:  # made on first use: the Dial tab is built when it is first shown
    from PySide6.QtWidgets import QMessageBox

    from ui.dial.pad import DialPad

CLIPBOARD_KEYS = "Ctrl+Shift+V"
DIAL_KEYS = "Ctrl+L"  # as a browser's "to the address bar": to the number field


class Dialing(QObject):
    """The Dial tab (built on first view), the clipboard's Call action, links, Save as lead.

    ``present`` brings the window to the front; ``say`` puts a line in its status bar.
    """

    def __init__(
        self,
        window: QWidget,
        tabs: QTabWidget,
        leads: LeadsPanel,
        calls: CallPanel,
        present: Callable[[], None],
        say: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window, self._tabs, self._leads, self._calls = window, tabs, leads, calls
        self._present, self._say = present, say
        self.pad: DialPad | None = None
        self.question: QMessageBox | None = None  # the clipboard's confirmation, while open
        self.refusal: QMessageBox | None = None  # why a number was not taken, while open
        self.tab = QWidget(tabs)
        self.tab.setAccessibleName(self.tr("Dial a number"))
        QVBoxLayout(self.tab).setContentsMargins(0, 0, 0, 0)
        # No Alt+letter: every letter of "Dial" is taken where the tab bar shows; Ctrl+L is its key.
        tabs.addTab(self.tab, self.tr("Dial"))
        tabs.setTabToolTip(
            tabs.indexOf(self.tab), self.tr("Dial any number ({0})").format(DIAL_KEYS)
        )
        tabs.currentChanged.connect(self._tab_shown)
        self.dial_action = self._action(
            self.tr("&Dial a number"),
            self.tr("To the Dial tab's number field: type or paste a number, Enter calls it"),
            DIAL_KEYS,
            self.show_pad,
        )
        self.clipboard_action = self._action(
            self.tr("Call the number on the &clipboard…"),
            self.tr("Call the copied number or tel: link, after showing what will be dialed"),
            CLIPBOARD_KEYS,
            self.confirm_clipboard,
        )
        calls.save_as_lead.connect(self.save_as_lead)

    def _action(self, text: str, tip: str, keys: str, slot: Callable[[], object]) -> QAction:
        """A window action: its key works wherever the keyboard is in the window."""
        action = QAction(text, self._window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        return action

    # The Dial tab
    def _tab_shown(self, index: int) -> None:
        if self._tabs.widget(index) is self.tab:
            self.show_pad()

    def show_pad(self) -> DialPad:
        """The Dial tab in front with the keyboard in its number field (built the first time)."""
        if self.pad is None:
            from ui.dial.pad import DialPad

            self.pad = DialPad(self._leads.find_lead, self.tab)
            self.pad.dial.connect(self.dial)
            self.tab.layout().addWidget(self.pad)
            self.tab.setFocusProxy(self.pad)
        if self._tabs.currentWidget() is not self.tab:
            self._tabs.setCurrentWidget(self.tab)
        self.pad.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.pad

    # Placing the call
    def show_number(self, digits: str) -> Lead:
        """``digits`` in the call panel: the saved lead with that number, else the number."""
        lead = self._leads.find_lead(digits)
        if lead is not None and lead.id is not None and self._leads.select_lead(lead.id):
            picked = self._leads.current_lead() or lead
            self._calls.set_lead(picked)
            return picked
        number = Lead(None, "", digits)
        # No row stays picked, so refreshing the leads cannot swap the lead back.
        self._leads.clear_pick()
        self._calls.set_lead(number)
        return number

    def dial(self, digits: str) -> asyncio.Task | None:
        """Call ``digits`` (10, already read) as Call does; the task, or None if not started."""
        self.show_number(digits)
        placed = self._calls.call()
        task = placed.task if placed is not None else None
        if self.pad is not None:
            # What Call said is beside Call; here, only whether the number went there.
            number = format_display(digits)
            if task is None:
                self.pad.say(self.tr("{0} not dialed: see the line beside Call.").format(number))
            else:
                self.pad.say(self.tr("Sent to Call: {0}.").format(number))
        return task

    def save_as_lead(self, digits: str) -> None:
        """Quick add in the Leads tab, filled in with ``digits``; the keyboard in its name."""
        self._tabs.setCurrentWidget(self._leads)
        self._leads.prefill_number(digits)

    # Numbers from outside: a link handed over, the clipboard
    def prefill_from_link(self, text: str) -> Lead | None:
        """A tel:/callto: link or typed number as the lead, ready to call; nothing is dialed."""
        try:
            digits = read_number(text)
        except ValueError as exc:
            self.refuse(str(exc))
            return None
        lead = self.show_number(digits)
        number = format_display(digits)
        who = f"{lead.name} · {number}" if lead.name else number
        if self._calls.current_team() is None:
            ready = self.tr("{0} is ready, but there is no team list: add one in the Teams tab.")
        else:
            ready = self.tr("{0} is ready: press Call to dial it; nothing has been sent.")
        self._calls.show_feedback(ready.format(who))
        self._say(self.tr("Number received: {0}").format(number))
        self._calls.focus_call()
        return lead

    def confirm_clipboard(self) -> QMessageBox | None:
        """Ask "Call (555) 111-2222?" for the clipboard's number (Enter calls, Escape does
        not); pressed again while asked, the same question comes to the front."""
        self._present()
        if self.question is not None:
            self.question.raise_()
            self.question.activateWindow()
            return self.question
        try:
            digits = read_number(QGuiApplication.clipboard().text())
        except ValueError as exc:
            self.refuse(str(exc))
            return None
        number = format_display(digits)
        lead = self._leads.find_lead(digits)
        about = [
            self.tr("{0}, a saved lead.").format(lead.name)
            if lead is not None and lead.name
            else self.tr("Not a saved lead.")
        ]
        if lead is not None and lead.do_not_call:  # said now, not only after "Call"
            about.append(self.tr("Marked \u201cDo not call\u201d: {0}").format(
                lead.do_not_call_reason))  # fmt: skip
        team = self._calls.current_team()
        if team is not None:
            about.append(self.tr("Team list: {0}.").format(team.name))
        self.question = box = ask(
            self._window,
            self.tr("Call from the clipboard"),
            self.tr("Call {0}?").format(number),
            lambda: self.dial(digits),
            yes=self.tr("&Call"),
            no=self.tr("Cancel"),
            informative=" ".join(about),
            default_yes=True,
        )
        box.setObjectName("clipboard_call")
        box.finished.connect(lambda _result: setattr(self, "question", None))
        return box

    def close(self) -> None:
        """Close the question and the refusal, if open (the window is closing)."""
        for box in (self.question, self.refusal):
            if box is not None:
                box.close()

    def refuse(self, reason: str) -> QMessageBox:
        """Say why a number was not taken (one box, its text replaced); nothing was dialed."""
        from PySide6.QtWidgets import QMessageBox

        box = self.refusal
        if box is None:
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Cannot call"),
                "",
                QMessageBox.StandardButton.Ok,
                self._window,
            )
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setObjectName("link_problem")
            box.setInformativeText(self.tr("Nothing was dialed, and the call panel is unchanged."))
            box.finished.connect(lambda _r: setattr(self, "refusal", None))
            fit_title(box)
            self.refusal = box
        box.setText(reason)
        box.show()
        box.raise_()
        self._say(reason)
        return box
