"""The call list's table: its leads with their state and notes (the lead up next's calls are
ui/common/lead_calls.py's model)."""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from console.calllist import Entry, EntryState, SkipReason
from console.phone import format_display
from ui.common.words import lead_name_text, status_text

_Index = QModelIndex | QPersistentModelIndex
ROW, LEAD, NUMBER, STATE, NOTE = range(5)
ENTRY_HEADERS = (
    QT_TRANSLATE_NOOP("CallListModel", "#"),
    QT_TRANSLATE_NOOP("CallListModel", "Lead"),
    QT_TRANSLATE_NOOP("CallListModel", "Number"),
    QT_TRANSLATE_NOOP("CallListModel", "State"),
    QT_TRANSLATE_NOOP("CallListModel", "Note"),
)
STATES = {
    EntryState.WAITING: QT_TRANSLATE_NOOP("CallListModel", "waiting"),
    EntryState.CALLED: QT_TRANSLATE_NOOP("CallListModel", "called"),
    EntryState.REACHED: QT_TRANSLATE_NOOP("CallListModel", "reached"),
    EntryState.SKIPPED: QT_TRANSLATE_NOOP("CallListModel", "skipped"),
}


# An entry's skip in the table's words, translated; console.calllist.parts.skip_words words the
# same reasons for the engine's refusals (English, no Qt there): two on purpose.
SKIPS = {
    SkipReason.AGENT: QT_TRANSLATE_NOOP("CallListModel", "skipped: by the agent"),
    SkipReason.DO_NOT_CALL: QT_TRANSLATE_NOOP("CallListModel", "skipped: Do not call"),
    SkipReason.REACHED_TODAY: QT_TRANSLATE_NOOP("CallListModel", "skipped: reached today at {0}"),
    SkipReason.NOT_SAVED: QT_TRANSLATE_NOOP("CallListModel", "skipped: no longer a saved lead"),
}


# A note written before the status was data (lists stored before the upgrade): "called at
# 09:00: unknown", maybe " · <words>" after it; its result is a stored status slug.
_OLD_CALLED = re.compile(r"^called at (?P<at>.+?): (?P<status>[a-z_]+)(?P<rest>(?: · .*)?)$", re.S)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CallListModel", text)


def _old_note_text(note: str) -> str:
    """An old note with its stored status in the history's words, as it was shown then."""
    found = _OLD_CALLED.match(note)
    if found is None:
        return note
    return (
        _tr("called at {0}: {1}").format(found["at"], status_text(found["status"])) + found["rest"]
    )


def note_text(entry: Entry) -> str:
    """An entry's note, worded from its status (console.calllist's Entry): "skipped: Do not
    call", "reached at 10:14 · Interested", a call's result in the history's words ("called
    at 02:27: Outcome unknown", as the History tab's Status column says it)."""
    if entry.state == EntryState.SKIPPED and entry.skip is not None:
        text = _tr(SKIPS[entry.skip]).format(entry.at)
    elif entry.state == EntryState.REACHED and not entry.note:
        text = _tr("reached at {0}").format(entry.at) if entry.at else _tr("reached")
    elif entry.state == EntryState.CALLED and not entry.note:
        result = status_text(entry.result) if entry.result else _tr("ended")
        text = (
            _tr("called at {0}: {1}").format(entry.at, result)
            if entry.at
            else _tr("called: {0}").format(result)
        )
    else:  # waiting, or a list made before the status was kept as data: its words as written
        text = _old_note_text(entry.note) if entry.state == EntryState.CALLED else entry.note
    return f"{text} · {entry.disposition}" if entry.disposition else text


class _Table(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _tr(self.headers[section])
        return None


class EntriesModel(_Table):
    """The list's leads in order; the current one in bold."""

    headers = ENTRY_HEADERS

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._current = -1

    def set_entries(self, entries: list[Entry], current: int) -> None:
        self.beginResetModel()
        self._entries, self._current = list(entries), current
        self.endResetModel()

    def entry(self, row: int) -> Entry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                ROW: str(index.row() + 1),
                LEAD: lead_name_text(entry.name),
                NUMBER: format_display(entry.number),
                STATE: _tr(STATES[entry.state]),
                NOTE: note_text(entry),
            }.get(column, "")
        if role == Qt.ItemDataRole.FontRole and index.row() == self._current:
            font = QFont()
            font.setBold(True)
            return font
        return None
