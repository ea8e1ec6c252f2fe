"""Calls in flight: one row each, with the elapsed time ticking and a Cancel button."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.errors import ask
from ui.resources import icon


@dataclass
class PendingCall:
    """A call waiting for its first leg: what it is, when it left, and its task."""

    call_id: int
    lead: str
    team: str
    lead_number: str
    list_value: str
    task: asyncio.Task | None = None
    started: float = field(default_factory=time.monotonic)


def elapsed_text(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


RELAYOUT_MS = 50


class PendingRow(QFrame):
    """One pending call."""

    cancel_requested = Signal(int)

    def __init__(self, call: PendingCall, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call = call
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self.tr("{0} ← {1}").format(call.lead, call.team), self)
        self.label.setToolTip(self.tr("Waiting for the first leg to be answered"))
        self.elapsed = QLabel(self)
        self.elapsed.setAccessibleName(self.tr("Elapsed time"))
        self.elapsed.setToolTip(self.tr("Time since the request was sent"))
        self.cancel_button = QPushButton(icon("cancel"), self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel call to {0}").format(call.lead))
        self.cancel_button.setToolTip(
            self.tr("Stop waiting for this call; it may still go ahead at the service")
        )
        self.cancel_button.clicked.connect(lambda: self.cancel_requested.emit(call.call_id))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.elapsed)
        layout.addWidget(self.cancel_button)
        self.tick()

    def tick(self) -> None:
        self.elapsed.setText(elapsed_text(time.monotonic() - self.call.started))


class PendingCallsPanel(QWidget):
    """The list of calls in flight; hidden rows go as each call ends."""

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[int, PendingRow] = {}
        self._question = None
        self.title = QLabel(self)
        # Rows join and leave the list in batches (see _relayout): with 200 calls in flight,
        # laying out and painting the list once per call kept the window from answering.
        self._arriving: list[PendingRow] = []
        self._leaving: list[PendingRow] = []
        self._relayout_timer = QTimer(self)
        self._relayout_timer.setSingleShot(True)
        self._relayout_timer.setInterval(RELAYOUT_MS)
        self._relayout_timer.timeout.connect(self._relayout)
        self._inner = inner = QWidget()
        self._list = QVBoxLayout(inner)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(2)
        self._list.addStretch(1)
        self.scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        scroll.setAccessibleName(self.tr("Calls in flight"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._update_title()
        self.count_changed.emit(0)

    def add(self, call: PendingCall) -> PendingRow:
        """The row of a new call: in ``rows`` now, in the list within RELAYOUT_MS."""
        row = PendingRow(call, self._inner)
        row.hide()
        row.cancel_requested.connect(self.ask_cancel)
        self.rows[call.call_id] = row
        self._arriving.append(row)
        self._relayout_soon()
        self._timer.start()
        self.count_changed.emit(len(self.rows))
        return row

    def remove(self, call_id: int) -> None:
        """The call ended: out of ``rows`` now, out of the list within RELAYOUT_MS."""
        row = self.rows.pop(call_id, None)
        if row is not None:
            if row in self._arriving:
                self._arriving.remove(row)
                row.deleteLater()
            else:
                self._leaving.append(row)
        self._relayout_soon()
        if not self.rows:
            self._timer.stop()
        self.count_changed.emit(len(self.rows))

    def _relayout_soon(self) -> None:
        if not self._relayout_timer.isActive():
            self._relayout_timer.start()  # not restarted: a steady stream still shows

    def _relayout(self) -> None:
        """The rows that arrived and left since the last time, in one layout and paint."""
        arriving, self._arriving = self._arriving, []
        leaving, self._leaving = self._leaving, []
        for row in leaving:
            self._list.removeWidget(row)
            row.deleteLater()
        for row in arriving:
            self._list.insertWidget(self._list.count() - 1, row)
            row.show()
        self._update_title()

    def find(self, lead_number: str, list_value: str) -> PendingCall | None:
        """A pending call to this lead on this list, if any."""
        for row in self.rows.values():
            if row.call.lead_number == lead_number and row.call.list_value == list_value:
                return row.call
        return None

    def _tick(self) -> None:
        for row in self.rows.values():
            row.tick()

    def _update_title(self) -> None:
        count = len(self.rows)
        if count:
            self.title.setText(self.tr("<b>Calls in flight</b> (%n)", "", count))
        else:
            self.title.setText(self.tr("<b>Calls in flight:</b> none"))
        # Empty, the panel is one line, leaving the room to the options.
        self.scroll.setVisible(count > 0)

    def ask_cancel(self, call_id: int) -> None:
        """Explain what cancelling means, then cancel on confirmation."""
        row = self.rows.get(call_id)
        if row is None:
            return
        self._question = ask(
            self,
            self.tr("Cancel the call?"),
            self.tr("Stop waiting for the call to {0}?").format(row.call.lead),
            lambda: self.cancel(call_id),
            yes=self.tr("&Stop waiting"),
            no=self.tr("&Keep waiting"),
            informative=self.tr(
                "The request has already been sent: the call may still go ahead at the "
                "service. It is recorded as cancelled in the history."
            ),
        )

    def cancel(self, call_id: int) -> None:
        row = self.rows.get(call_id)
        if row is not None and row.call.task is not None:
            row.call.task.cancel()
