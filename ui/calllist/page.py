"""The Call list tab: the lead that is up (its notes and last calls), Call and Skip, progress,
the list's leads with their state and notes, Pause/Resume and auto-advance's countdown.

The rules are the engine's (console.calllist.CallList); the page shows them and says every
refusal in a line under the buttons. Calls themselves are placed by the window (the call
panel's checks and the engine's reservation): the page asks with ``call_asked``.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QItemSelectionModel,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.calllist import CallList, CallListRefused, Countdown, Entry, EntryState
from console.phone import format_display, lead_label
from console.settings import CALL_LIST_AUTO_ADVANCE
from console.store import Lead, Store
from ui.calllist.model import LEAD, NOTE, ROW, EntriesModel
from ui.common.lead_calls_box import LeadCallsBox
from ui.common.resources import icon
from ui.common.settings_save import keep_settings
from ui.common.widgets import ElidedLabel, KeepFocusButton, bold_label, button, rows_table

log = logging.getLogger(__name__)
RECENT = 10  # the current lead's calls listed (the count is of all of them)
RECENT_ROWS = 3  # the list's height in rows; more scroll
HELD_AFTER_RESTART = QT_TRANSLATE_NOOP(
    "CallListPage", "Auto-advance paused: the console was restarted. Press Call or Resume."
)


class CallListPage(QWidget):
    """``call_asked``: Call was pressed, or the countdown ran out (the window places it).
    ``changed``: the list moved (its progress changed). ``countdown_said(text)``: the
    countdown's line changed (a call is coming, or it was stopped)."""

    call_asked = Signal()
    changed = Signal()
    countdown_said = Signal(str)  # the countdown's line: for the status bar, on every tab

    def __init__(
        self,
        calls: CallList,
        store: Store,
        settings: Any,
        build_actions: list[QAction],
        parent: QWidget | None = None,
    ) -> None:
        """``build_actions``: the window's "new call list from…" actions, as buttons here."""
        super().__init__(parent)
        self.calls, self._store, self._settings = calls, store, settings
        self.countdown = Countdown()
        self._said_hold = False  # the countdown's line says the hold after a restart
        self._counting_to: Entry | None = None  # the entry the countdown calls when it runs out
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._build(build_actions)
        self.refresh()
        self.say(calls.problem)

    # Building
    def _build(self, build_actions: list[QAction]) -> None:
        tr = self.tr
        self.progress = bold_label("", self)
        self.progress.setAccessibleName(tr("Call list progress"))
        self.source = ElidedLabel(self)
        self.source.setAccessibleName(tr("What the call list was built from"))
        top = QHBoxLayout()
        top.addWidget(self.progress)
        top.addWidget(self.source, 1)
        self.lead = ElidedLabel(self)
        self.lead.setAccessibleName(tr("Lead up next"))
        self.lead.setFont(self.progress.font())  # bold as a whole (a bold part: rich text)
        self.notes = QLabel(self)
        self.notes.setAccessibleName(tr("The lead's notes"))
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lines = self.notes.fontMetrics().lineSpacing()
        self.notes.setMaximumHeight(lines * 3 + 2)  # a long note is cut; all of it in the tip
        self.notes.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The lead's calls as the Leads tab shows the picked lead's (one read, the same words).
        self.calls_box = LeadCallsBox(
            self._store, self, recent=RECENT, rows=RECENT_ROWS, who=tr("the lead up next"),
            none="",
        )  # fmt: skip
        self.calls_title = self.calls_box.title
        self.recent = self.calls_box.calls_table()  # made now: it is in the keyboard's order
        self.recent.setVisible(False)  # until the lead up next has calls
        self.call_button = KeepFocusButton(icon("call"), tr("Call"), self)
        self.call_button.setAccessibleName(tr("Call the lead up next"))
        self.call_button.setToolTip(tr("Call the lead up next (Ctrl+Enter)"))
        self.call_button.clicked.connect(self.ask_call)
        self.skip_button = button(
            self, tr("S&kip"), tr("Skip"), tr("Pass over this lead and bring up the next (Alt+K)")
        )
        self.skip_button.clicked.connect(self.skip)
        self.pause_button = button(self, tr("Pa&use"), tr("Pause"), "")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.auto = QCheckBox(tr("Auto-ad&vance"), self)
        self.auto.setAccessibleName(tr("Auto-advance"))
        self.auto.setToolTip(
            tr("After the wrap-up, call the next lead by itself after {0} s; any key or Pause "
               "stops the countdown").format(self.countdown.seconds)
        )  # fmt: skip
        self.auto.setChecked(bool(self._settings.get(CALL_LIST_AUTO_ADVANCE)))
        self.auto.toggled.connect(self._auto_toggled)
        # Reached by Tab, not taken by a click or Alt+V: a checkable button's Alt+letter took
        # the keyboard from Call unmarked (Qt drops the focus mark), and the Space meant for
        # Call then turned auto-advance off again.
        self.auto.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        buttons = QHBoxLayout()
        for widget in (self.call_button, self.skip_button, self.pause_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.auto)
        buttons.addStretch(1)
        self.countdown_label = QLabel(self)
        self.countdown_label.setAccessibleName(tr("Auto-advance countdown"))
        self.countdown_label.hide()  # shown while counting, and to say it was stopped
        self.message = QLabel(self)
        self.message.setAccessibleName(tr("What the call list said"))
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.entries_model = EntriesModel(self)
        self.entries = self._table(self.entries_model, tr("The leads of the call list"))
        # The name and the note share what room there is (cut with "…", whole in the tip):
        # sized to a long name, the table hid its State and Note columns on a small screen.
        for column in (LEAD, NOTE):
            self.entries.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch
            )
        self.entries.horizontalHeader().setSectionResizeMode(
            ROW, QHeaderView.ResizeMode.ResizeToContents
        )
        build = QHBoxLayout()
        build.addWidget(QLabel(tr("New list from:"), self))
        self.build_buttons = []
        for action in build_actions:
            tool = QToolButton(self)
            tool.setDefaultAction(action)
            tool.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            build.addWidget(tool)
            self.build_buttons.append(tool)
        build.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.lead)
        layout.addWidget(self.notes)
        layout.addWidget(self.calls_box)
        layout.addLayout(buttons)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.message)
        layout.addWidget(self.entries, 1)
        layout.addLayout(build)

    def _table(self, model, name: str) -> QTableView:
        table = rows_table(self, model, name)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)
        return table

    def tab_stops(self) -> list[QWidget]:
        """The page's fields in the keyboard's order (ui/shell/lazy_page.py asks)."""
        return [
            self.call_button, self.skip_button, self.pause_button, self.auto, self.recent,
            self.entries, *self.build_buttons,
        ]  # fmt: skip

    # Showing the list
    def refresh(self, up: tuple[Entry, Lead] | None = None) -> None:
        """Read the list, its lead up next (notes, last calls) and its progress again;
        ``up``: the lead up next with its entry, as just read (CallList.check_call)."""
        calls = self.calls
        if self.countdown.running and calls.current() is not self._counting_to:
            self.cancel_countdown()  # a new list: its lead was not the one counted to
        entries = calls.entries
        self.progress.setText(calls.progress().text() if entries else self.tr("No call list"))
        if calls.paused:
            self.progress.setText(self.progress.text() + " · " + self.tr("paused"))
        self.source.set_full_text(calls.source)
        held = self._show_hold()
        self.pause_button.setText(self.tr("Res&ume") if calls.paused or held else self.tr("Pa&use"))
        self.pause_button.setToolTip(
            self.tr("Go on with the list") if calls.paused
            else self.tr("Go on with the list: auto-advance counts down again") if held
            else self.tr("Stop at this lead: no call from the list until Resume")
        )  # fmt: skip
        # A finished list has nothing to hold back: Pause would only add "paused" to it.
        self.pause_button.setEnabled(calls.current() is not None)
        self.entries_model.set_entries(entries, calls.position)
        if calls.position < len(entries):
            # The lead up next is the table's current row: Tab into the table marks it (with
            # none, a faint mark in the "#" cell) and arrows go on from there. Not picked: a
            # picked row is coloured whether the table has the keyboard or not.
            row = self.entries_model.index(calls.position, LEAD)
            self.entries.selectionModel().setCurrentIndex(
                row, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.entries.scrollTo(row)
        self._show_lead(up)
        if calls.save_problem:  # until the store takes the list again
            self.say(calls.save_problem)
        self.changed.emit()

    def _show_lead(self, read: tuple[Entry, Lead] | None = None) -> None:
        up: tuple[Entry, Lead | None] | None = read
        unread = ""  # why the lead itself could not be read (its calls alone: it still is)
        try:
            if up is None:
                up = self.calls.lead_up()  # the lead as saved now: the one Call dials
        except sqlite3.Error as exc:
            log.warning("the lead up next not read: %s", exc)
            unread = str(exc)
            up = (entry, None) if (entry := self.calls.current()) is not None else None
        if up is None:
            text = (
                self.calls.nothing_left()  # the engine's sentence, one lead or many
                if self.calls.entries
                else self.tr("No call list yet: build one from the buttons below.")
            )
            self.lead.set_parts(text)
            self.notes.clear()
            self.calls_box.show_lead(None)
            return
        entry, lead = up
        number = format_display(entry.number)
        # A lead without a name is its number: said once.
        head, keep = (entry.name, f" · {number}") if entry.name else (number, "")
        tail = ""
        if unread:  # not known to be gone: the list as last read, and why it is not more
            keep += " · " + self.tr("could not be read just now")
            tail = f" ({unread})"
        elif lead is None:  # deleted since the list was made: Call passes it over, says so
            keep += " · " + self.tr("no longer a saved lead")
        else:
            if lead.do_not_call:
                keep += " · " + self.tr("Do not call")
            tail = f" · {lead.company}" if lead.company else ""
        self.lead.set_parts(self.tr("Up next: ") + head, keep, tail)
        notes = lead.notes.strip() if lead is not None else ""
        self.notes.setText(notes or ("" if unread else self.tr("No notes.")))
        self.notes.setToolTip(notes)
        # A lead deleted since: its calls are still those to the number the list kept.
        self.calls_box.show_lead(lead or Lead(entry.lead_id, entry.name, entry.number))

    def focus_call(self) -> None:
        """The keyboard on Call, with the focus mark shown."""
        self.call_button.setFocus(Qt.FocusReason.ShortcutFocusReason)
        # Qt marks the focus only once it moved by key (Tab, a shortcut) and stops after a
        # menu: Call already holding it (put there as the tab came up) went unmarked.
        window = self.window()
        if not window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange):
            window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
            self.call_button.update()

    def say(self, text: str) -> None:
        """A line under the buttons: why something was refused, or what happened."""
        self.message.setText(text)

    # What the buttons do
    def ask_call(self) -> None:
        self.end_countdown()
        self.call_asked.emit()

    def skip(self) -> None:
        self.cancel_countdown()
        entry = self.calls.current()
        try:
            self.calls.skip()
        except CallListRefused as exc:
            self.say(str(exc))
            return
        if entry is not None:
            who = lead_label(entry.name, entry.number)
            if entry.state == EntryState.SKIPPED:
                self.say(self.tr("Skipped {0}.").format(who))
            else:  # called already: Skip went on without waiting for its wrap-up
                self.say(
                    self.tr("Went on; the wrap-up of the call to {0} can still be saved.")
                    .format(who)
                )  # fmt: skip
        self.refresh()

    def _held(self) -> bool:
        """Auto-advance on, and held since the console restarted (CallList rule)."""
        return self.calls.held_after_restart and self.auto.isChecked()

    def _show_hold(self) -> bool:
        """Say (in the countdown's line) that auto-advance waits after a restart, or take
        that line away once it no longer does; whether it waits."""
        held = self._held()
        if held and not self.countdown.running:
            self.countdown_label.setText(self.tr(HELD_AFTER_RESTART))
            self.countdown_label.show()
            self._said_hold = True
        elif self._said_hold and not held:
            self._said_hold = False
            if self.countdown_label.text() == self.tr(HELD_AFTER_RESTART):
                self.countdown_label.clear()
                self.countdown_label.hide()
        return held

    def toggle_pause(self) -> None:
        self.cancel_countdown()
        if self._held() and not self.calls.paused:  # the countdown the restart stopped
            self.calls.resume()
            self.say(self.tr("Resumed."))
            self.next_lead_up()
            return
        if self.calls.paused:
            self.calls.resume()
            self.say(self.tr("Resumed."))
        else:
            try:
                self.calls.pause()
            except CallListRefused as exc:  # finished meanwhile: nothing to hold back
                self.say(str(exc))
            else:
                self.say(self.tr("Paused: no call from the list until Resume."))
        self.refresh()

    def _auto_toggled(self, on: bool) -> None:
        keep_settings(self._settings, "the auto-advance choice", {CALL_LIST_AUTO_ADVANCE: on})
        if on:  # the agent's choice of this run: no hold for the last run's countdown
            self.calls.auto_advance_switched_on()
        else:
            self.cancel_countdown()
        self.refresh()  # the hold after a restart said, or no longer

    # Auto-advance
    def next_lead_up(self) -> None:
        """The wrap-up was saved or skipped and the next lead is up: counts down to calling
        it when auto-advance is on (never otherwise)."""
        self.refresh()
        entry = self.calls.auto_advance_to(self.auto.isChecked())
        if entry is None:
            return
        self._counting_to = entry
        self.countdown.start()
        self._show_countdown()
        self.countdown_label.show()
        self._timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # any key, anywhere in the console, stops it

    def _tick(self) -> None:
        if self.countdown.tick():
            self.end_countdown()
            self.call_asked.emit()
        else:
            self._show_countdown()

    def _show_countdown(self) -> None:
        entry = self.calls.current()
        who = lead_label(entry.name, entry.number) if entry else ""
        self.countdown_label.setText(
            self.tr("Calling {0} in {1} s: any key or Pause stops it.").format(
                who, self.countdown.left
            )
        )
        self.countdown_said.emit(self.countdown_label.text())

    def cancel_countdown(self) -> bool:
        """Stop the countdown; whether one was running."""
        self._stop_timer()
        if not self.countdown.cancel():
            return False
        self.countdown_label.setText(self.tr("Auto-advance stopped: press Call when ready."))
        self.countdown_said.emit(self.countdown_label.text())
        return True

    def end_countdown(self) -> None:
        """A call is asked for (Call, Ctrl+Enter): the countdown, if any, has no more to say;
        "stopped: press Call when ready" beside the call being placed read as a refusal."""
        self._stop_timer()
        self.countdown.cancel()
        self.countdown_label.clear()
        self.countdown_label.hide()

    def _stop_timer(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and self.countdown.running:
            self.cancel_countdown()
            return True  # the key stopped the countdown; it does nothing else
        return super().eventFilter(watched, event)
