"""Leads as a Qt table model: one page of search results, with each lead's last call."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from console.phone import check_phone, format_display
from console.store import Lead
from ui.common.words import lead_name_text, local_time, short_time, status_text

NAME, NUMBER, COMPANY, RESULT, TIME, CALLS, NOTES = range(7)
# Marked for lupdate here, translated when shown.
HEADERS = (
    QT_TRANSLATE_NOOP("LeadsModel", "Name"),
    QT_TRANSLATE_NOOP("LeadsModel", "Number"),
    QT_TRANSLATE_NOOP("LeadsModel", "Company"),
    QT_TRANSLATE_NOOP("LeadsModel", "Result"),  # the last call's (its tooltip says so)
    QT_TRANSLATE_NOOP("LeadsModel", "Time"),
    QT_TRANSLATE_NOOP("LeadsModel", "Calls"),
    QT_TRANSLATE_NOOP("LeadsModel", "Notes"),
)
_EDITABLE = {NAME: "name", COMPANY: "company", NOTES: "notes"}
# How a click on a column's header orders the leads (console.store.models.LEAD_ORDERS): the
# store orders them, so the page shown is the first of all the leads in that order. Result
# and time are the last call's; notes have no order.
SORT_ORDERS = {
    NAME: "name",
    NUMBER: "number",
    COMPANY: "company",
    RESULT: "last_call",
    TIME: "last_call",
    CALLS: "calls",
}
NOTES_LIMIT = 2000  # characters
_LIMITS = {"name": 120, "company": 120, "notes": NOTES_LIMIT}
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("LeadsModel", text)


class LeadsModel(QAbstractTableModel):
    """The leads a search found (at most one page); edits are proposed through `edited`."""

    # The lead as it was and as edited; the panel saves it through an undoable command.
    edited = Signal(object, object)
    # Why a typed value was refused (it is then not saved).
    rejected = Signal(str)
    # A header was clicked: (an order of LEAD_ORDERS, descending); the panel reads the leads
    # again in that order.
    order_changed = Signal(str, bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._leads: list[Lead] = []
        self.order: tuple[str, bool] = ("name", False)
        # Translated once: the header asks for each title at every layout and paint (some
        # 200 times before the window is first shown), and each translation went through the
        # translators, one of them in Python (ui/common/words.py).
        self.headers = tuple(_tr(text) for text in HEADERS)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort (a header click): asks for the leads again in the store's order."""
        wanted = SORT_ORDERS.get(column)
        if wanted is None:
            return  # notes: the rows stay in the order they have
        wanted_order = (wanted, order == Qt.SortOrder.DescendingOrder)
        if wanted_order != self.order:
            self.order = wanted_order
            self.order_changed.emit(*wanted_order)

    def set_leads(self, leads: list[Lead]) -> None:
        self.beginResetModel()
        self._leads = list(leads)
        self.endResetModel()

    def update_lead(self, lead: Lead) -> bool:
        """Show ``lead`` (the same id, re-read) in its row, repainting that row only."""
        row = self.row_of(lead.id)
        if row < 0:
            return False
        self._leads[row] = lead
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        return True

    def lead(self, row: int) -> Lead | None:
        return self._leads[row] if 0 <= row < len(self._leads) else None

    def row_of(self, lead_id: int | None) -> int:
        """The row showing the lead with this id, or -1."""
        if lead_id is None:
            return -1
        return next((row for row, lead in enumerate(self._leads) if lead.id == lead_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._leads)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        # Notes are not edited in their cell: its one-line editor would join their lines
        # (ui/leads/notes.py has their window).
        if index.isValid() and index.column() in (NAME, NUMBER, COMPANY):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        lead = self.lead(index.row()) if index.isValid() else None
        if lead is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(lead, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == CALLS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.EditRole:
            if column == NUMBER:
                return format_display(lead.number)
            return getattr(lead, _EDITABLE[column]) if column in _EDITABLE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NOTES and lead.notes:
                return lead.notes
            if column == RESULT and lead.do_not_call:
                return _tr("Do not call: {0}").format(lead.do_not_call_reason)
            if column == RESULT and lead.callback_at:
                return _tr("Call back at {0}").format(local_time(lead.callback_at))
            if column == CALLS:
                return _tr("%n call(s) to this number; a click on the header orders by it", "",
                           lead.call_count)  # fmt: skip
            if column in (RESULT, TIME) and lead.last_called_at:
                return _tr("Last call: {0} at {1}").format(
                    status_text(lead.last_result or ""), local_time(lead.last_called_at)
                )
            hint = _tr("Enter calls this lead; F2 edits; Delete removes")
            # A name or company cut in its cell is whole here.
            whole = {NAME: lead.name, COMPANY: lead.company}.get(column)
            return f"{whole}\n{hint}" if whole else hint
        return None

    @staticmethod
    def _display(lead: Lead, column: int) -> str:
        if column == NAME:
            return lead_name_text(lead.name)
        if column == NUMBER:
            return format_display(lead.number)
        if column == COMPANY:
            return lead.company
        if column == NOTES:
            # One line in the table; the whole note is in the tooltip.
            return lead.notes.splitlines()[0] if lead.notes else ""
        if column == RESULT:
            # What the agent must know before calling comes first: the wrap-up's marks.
            if lead.do_not_call:
                return _tr("Do not call")
            if lead.callback_due():
                return _tr("Call back due")
            if lead.callback_at:
                return _tr("Call back {0}").format(short_time(lead.callback_at))
            return status_text(lead.last_result) if lead.last_result else ""
        if column == TIME:
            return short_time(lead.last_called_at) if lead.last_called_at else ""
        if column == CALLS:
            return str(lead.call_count) if lead.call_count else ""
        return ""

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        lead = self.lead(index.row()) if index.isValid() else None
        if lead is None or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value or "")
        column = index.column()
        if column == NUMBER:
            check = check_phone(text)
            if check.digits is None:
                self.rejected.emit(_tr("Number {0!r} {1}; not saved.").format(text, check.error))
                return False
            changed = lead._replace(number=check.digits)
        elif column in _EDITABLE:
            field = _EDITABLE[column]
            cleaned = text.strip()[: _LIMITS[field]]
            changed = lead._replace(**{field: cleaned})
        else:
            return False
        if changed == lead:
            return False
        self.edited.emit(lead, changed)
        return True
