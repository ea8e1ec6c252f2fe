"""A lead's calls as a table model: shared by the lead's calls under the leads table
(ui/common/lead_calls_box.py) and the call list's lead up next (ui/calllist)."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from console.store import CallRecord
from ui.common.words import local_time, short_time, status_text

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
