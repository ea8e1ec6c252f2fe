"""Wiring wrap-up into the window: the strip as calls end, history edits, call-back reminders.

The strip (ui/wrapup) is built when the first call ends or the history asks for it, not at
start: the window does not need it to show itself. Due call-backs are read from the store
(console.store.dispositions) every minute, off the UI thread: the leads list shows them and
each one is told once a run, in the tray (or the status bar without one).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from console.phone import lead_label
from console.store import CallRecord
from ui.common.errors import ask
from ui.common.tasks import off_thread

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QMessageBox

    from ui.wrapup.strip import WrapUpStrip

log = logging.getLogger(__name__)
REMIND_MS = 60_000
FIRST_REMINDER_MS = 3_000  # after start: the window first, then the store is asked
REMIND_TASK = "look for due call-backs"
_PLACE_ON = (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.LayoutRequest)


class WrapUps(QObject):
    """The window's wrap-up: ``strip`` once built, ``told`` the call-backs already told.

    ``done(record, saved)``: a call's wrap-up was saved (True) or skipped (False).
    """

    done = Signal(object, bool)

    def __init__(self, window: Any) -> None:
        """``window``: the main window (its store, history, leads panel, tray and tasks)."""
        super().__init__(window)
        self.window = window
        self.strip: WrapUpStrip | None = None
        self.told: set[int | str] = set()
        self.question: QMessageBox | None = None  # "Wrap-up not saved" while the window closes
        self.closing_anyway = False
        window.history.wrap_up_requested.connect(self.edit)
        self.timer = QTimer(self)
        self.timer.setInterval(REMIND_MS)
        self.timer.timeout.connect(self.check_soon)
        self.timer.start()
        QTimer.singleShot(FIRST_REMINDER_MS, self, self.check_soon)

    def _strip(self) -> WrapUpStrip:
        if self.strip is None:
            from ui.wrapup.strip import WrapUpStrip

            window = self.window
            # Laid over the foot of the history, not in a layout: showing it moves nothing
            # (Call holds still) and asks the window for no more room (a small screen).
            self.strip = WrapUpStrip(window.engine.store, window.history)
            self.strip.setAutoFillBackground(True)
            self.strip.wrapped.connect(self._wrapped)
            self.strip.skipped.connect(lambda record: self.done.emit(record, False))
            self.strip.message.connect(window.show_message)
            window.history.installEventFilter(self)
            self.strip.installEventFilter(self)
        return self.strip

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in _PLACE_ON:
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        """The strip along the bottom of the history pane, as tall as it asks (at most the
        pane: a short pane shows the strip rather than its calls)."""
        strip = self.strip
        if strip is None or not strip.isVisible():
            return
        host = self.window.history
        height = min(strip.sizeHint().height(), host.height())
        strip.setGeometry(0, host.height() - height, host.width(), height)
        strip.raise_()

    def call_ended(self, record: CallRecord) -> None:
        """A call has ended: offer its wrap-up (it waits if another is being wrapped up)."""
        self._strip().offer(record)

    def edit(self, record: CallRecord) -> None:
        """Change a call's wrap-up (the history's menu or details)."""
        self._strip().edit(record)

    def refresh_dispositions(self) -> None:
        """The team's list changed: the strip, if shown, offers it now."""
        if self.strip is not None:
            self.strip.refresh_dispositions()

    def ask_before_close(self, then: Callable[[], object]) -> bool:
        """Before the window closes on a wrap-up begun and not saved (a disposition picked or
        notes typed, lost with the window): Save and quit, Quit without it, or Keep working.
        ``then`` closes again. True while asking (the close waits)."""
        strip = self.strip
        if strip is None or self.closing_anyway:
            return False
        if self.question is not None:
            self.question.raise_()
            return True
        if not strip.has_draft():
            return False
        record = strip.record
        assert record is not None

        def save_then() -> None:
            if strip.save() is not None:  # refused: the strip says why, the window stays
                self.closing_anyway = True
                then()

        def anyway() -> None:
            self.closing_anyway = True
            then()

        who = lead_label(record.lead_name, record.lead_number)
        self.question = ask(
            self.window,
            self.tr("Wrap-up not saved"),
            self.tr("The wrap-up of the call to {0} is not saved.").format(who),
            save_then,
            yes=self.tr("&Save and quit"),
            no=self.tr("&Keep working"),
            also=(self.tr("&Quit without it"), anyway),
        )
        self.question.setObjectName("wrap_up_unsaved")
        self.question.finished.connect(lambda _result: setattr(self, "question", None))
        return True

    def _wrapped(self, record: CallRecord) -> None:
        window = self.window
        window.history.wrapped_up(record)
        # Its lead may now be "Do not call", or have a call-back: that row is read again.
        window.leads_panel.lead_called(record.lead_number)
        self.done.emit(record, True)

    # Call-backs
    def check_soon(self) -> None:
        self.window.tasks.single_flight(REMIND_TASK, self.check)

    async def check(self) -> list[CallRecord]:
        """Tell the call-backs that have come due since the last look; returns those told."""
        try:
            due = await off_thread(self.window.engine.store.due_callbacks)
        except sqlite3.Error as exc:
            log.warning("could not look for due call-backs: %s", exc)
            return []
        fresh = [call for call in due if call.id not in self.told]
        if not fresh:
            return []
        self.told.update(call.id for call in fresh)
        self.window.leads_panel.refresh()  # "Call back due" in the leads list
        self.window.tray.call_back_due(fresh, self.window.isActiveWindow())
        return fresh
