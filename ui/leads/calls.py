"""The picked lead's calls: how many, and the newest few, without touching the history filter."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.phone import format_display
from console.store import CallRecord, Lead, LeadCalls
from console.store.base import ConsoleStore
from ui.common.widgets import ElidedLabel
from ui.common.words import local_time, short_time, status_text

RECENT = 20  # calls listed; the count is of all of them
ROWS_SHOWN = 3  # the list's height, in rows (more scroll): the leads table keeps the room
TIME, TEAM, RESULT, DISPOSITION, NOTES = range(5)
HEADERS = (
    QT_TRANSLATE_NOOP("LeadCallsModel", "Time"),
    QT_TRANSLATE_NOOP("LeadCallsModel", "Team list"),
    QT_TRANSLATE_NOOP("LeadCallsModel", "Result"),
    QT_TRANSLATE_NOOP("LeadCallsModel", "Disposition"),
    QT_TRANSLATE_NOOP("LeadCallsModel", "Notes"),
)
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("LeadCallsModel", text, None, n)


class LeadCallsModel(QAbstractTableModel):
    """The newest calls to one lead (console.store.LeadCalls.recent), newest first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._calls: list[CallRecord] = []

    def set_calls(self, calls: list[CallRecord]) -> None:
        self.beginResetModel()
        self._calls = list(calls)
        self.endResetModel()

    def call(self, row: int) -> CallRecord | None:
        return self._calls[row] if 0 <= row < len(self._calls) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self._calls)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        call = self.call(index.row()) if index.isValid() else None
        if call is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                TIME: short_time(call.created_at),
                TEAM: call.team_name or _tr("ad-hoc list"),
                RESULT: status_text(call.status),
                DISPOSITION: call.disposition,
                # One line here; the whole of the notes is in the tooltip.
                NOTES: call.notes.splitlines()[0] if call.notes else "",
            }.get(column, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [local_time(call.created_at), status_text(call.status)]
            if call.description:
                parts.append(call.description)
            if call.sid:
                parts.append(_tr("sid {0}").format(call.sid))
            tip = " · ".join(parts)
            return f"{tip}\n{call.notes}" if call.notes else tip
        return None


class LeadCallsBox(QWidget):
    """A line with the lead's call count, and a short list of its newest calls.

    Read from the store (``lead_calls``: the count and the rows through the lead's index),
    so the history's filter and its page stay as the agent left them.
    """

    def __init__(self, store: ConsoleStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._lead: Lead | None = None
        self.calls: LeadCalls | None = None
        self.title = ElidedLabel(self)  # a long name is cut, never widening the window
        self.title.setAccessibleName(self.tr("The lead's calls"))
        self.model = LeadCallsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Calls to the picked lead"))
        self.table.setToolTip(self.tr("The newest calls to the picked lead, newest first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        row = self.fontMetrics().height() + 6
        self.table.verticalHeader().setDefaultSectionSize(row)
        header = self.table.horizontalHeader()
        for column in (TIME, TEAM, RESULT, DISPOSITION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTES, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # the rows in view
        # A fixed height, shown only when the lead has calls: the quick add below stays put.
        self.table.setFixedHeight(header.sizeHint().height() + row * ROWS_SHOWN + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self.show_lead(None)

    def show_lead(self, lead: Lead | None) -> None:
        """The calls to ``lead`` (read again each time: after a call, the newest is there)."""
        self._lead = lead
        if lead is None:
            self.calls = None
            self.model.set_calls([])
            self.table.hide()  # a line is enough to say there is nothing: the leads get the room
            self.title.set_full_text(self.tr("Calls: pick a lead to see its calls."))
            return
        self.calls = self._store.lead_calls(lead.number, RECENT)
        self.model.set_calls(self.calls.recent)
        self.table.setVisible(bool(self.calls.recent))
        who = lead.name or format_display(lead.number)
        total = self.calls.total
        if total == 0:
            text = self.tr("Calls to {0}: none yet.").format(who)
        elif total > len(self.calls.recent):
            text = self.tr("Calls to {0}: %n in all, the newest {1} below.", "", total).format(
                who, len(self.calls.recent)
            )
        else:
            text = self.tr("Calls to {0}: %n.", "", total).format(who)
        self.title.set_full_text(text)

    def refresh(self) -> None:
        """Read the shown lead's calls again (one of them ended, or was wrapped up)."""
        self.show_lead(self._lead)
