"""Call history as a Qt table model over the store: fetched in chunks, fast at 100,000 rows."""

from __future__ import annotations

import bisect
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from console.outcome import Status
from console.phone import format_display
from console.store import CallRecord, Store

CHUNK = 200
COLUMNS = ("time", "lead", "team", "type", "result", "description", "sid")
SID_COLUMN = COLUMNS.index("sid")
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_SERVED = frozenset((_DISPLAY, _TOOLTIP, int(RECORD_ROLE)))
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("HistoryModel", text)


@cache  # asked for every visible row at each repaint; the words do not change while running
def status_text(status: str) -> str:
    """A status as a person reads it in the table and the filter."""
    words = {
        Status.PENDING: _tr("Pending"),
        Status.SUCCESS: _tr("Success"),
        Status.FAILED: _tr("Failed"),
        Status.INVALID: _tr("Invalid"),
        Status.NETWORK: _tr("Network failure"),
        Status.UNKNOWN: _tr("Outcome unknown"),
        Status.CANCELLED: _tr("Cancelled"),
        Status.INTERRUPTED: _tr("Interrupted"),
    }
    return words.get(status, status)


@lru_cache(maxsize=4096)  # asked for every visible row at each repaint
def local_time(iso: str) -> str:
    """The stored UTC time in the computer's zone, to the second."""
    try:
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return stamp.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def short_time(iso: str) -> str:
    """The time alone for today, the date alone before: for narrow columns (tooltips say all)."""
    full = local_time(iso)
    day, _, clock = full.partition(" ")
    return clock[:5] if day == datetime.now().strftime("%Y-%m-%d") else day


@cache
def type_text(call_type: int) -> str:
    return _tr("Lead first") if call_type == 1 else _tr("Team first")


def query_first_page(
    store: Store, text: str, status: str | None, count: bool = True
) -> tuple[list[CallRecord], int | None]:
    """The first chunk and the count for a filter (None: left to count later); safe off the UI
    thread. A first chunk shorter than CHUNK is the whole answer, so it needs no count.

    Records leave out the request and the raw reply (the details dialog re-reads the call).
    """
    rows = store.fetch_calls(text, status, 0, CHUNK, bodies=False)
    if len(rows) < CHUNK:
        return rows, len(rows)
    return rows, store.count_calls(text, status) if count else None


class HistoryModel(QAbstractTableModel):
    """Newest call first; rows are fetched as the view scrolls (canFetchMore/fetchMore)."""

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self._rows: list[CallRecord] = []
        self._neg_ids: list[int] = []  # -id per row, ascending, for bisect lookups
        self._total: int | None = 0  # None: the filter shown is not counted yet
        self._text = ""
        self._status: str | None = None
        self.headers = (
            _tr("Time"),
            _tr("Lead"),
            _tr("Team list"),
            _tr("Type"),
            _tr("Result"),
            _tr("Description"),
            _tr("Sid"),
        )

    # Filtering and loading
    def set_filter(self, text: str = "", status: str | None = None) -> None:
        """Filter and reload now, on this thread (the view runs the query off it instead)."""
        self.show_page(text, status, *query_first_page(self.store, text, status))

    def refresh(self) -> None:
        """Re-read the first chunk and the count for the current filter."""
        self.set_filter(self._text, self._status)

    @property
    def text(self) -> str:
        return self._text

    @property
    def status(self) -> str | None:
        return self._status

    def show_page(
        self, text: str, status: str | None, rows: list[CallRecord], total: int | None
    ) -> None:
        """Show a first page read by ``query_first_page`` (a reset: the filter changed).

        A ``total`` of None is given later by ``set_total``: the rows need not wait for it.
        """
        self.beginResetModel()
        self._text, self._status = text, status
        self._rows = rows
        self._neg_ids = [-r.id for r in rows]
        self._total = total
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count of the filter shown, counted after its first page."""
        self._total = max(total, len(self._rows))

    @property
    def counted(self) -> bool:
        return self._total is not None

    @property
    def total(self) -> int:
        """How many calls match the filter, fetched or not (until counted: those fetched)."""
        return len(self._rows) if self._total is None else self._total

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid():
            return False
        return self._total is None or len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid():
            return
        # After the last row fetched, not at an offset: an offset makes SQLite step over every
        # row before it, so scrolling to the end of 100,000 calls would slow down as it goes.
        last = self._rows[-1].id if self._rows else None
        more = self.store.fetch_calls(
            self._text, self._status, 0, CHUNK, before_id=last, bodies=False
        )
        if not more:
            self._total = len(self._rows)  # the end (rows vanished meanwhile, or not counted)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self._neg_ids.extend(-r.id for r in more)
        self.endInsertRows()
        if self._total is None and len(more) < CHUNK:
            self._total = len(self._rows)  # the end, before the count came

    def add_new(self) -> int:
        """Insert calls newer than the top row that match the filter; returns how many."""
        newest = self._rows[0].id if self._rows else 0
        fresh: list[CallRecord] = []
        offset = 0
        while True:
            page = self.store.fetch_calls(self._text, self._status, offset, 50, bodies=False)
            newer = [r for r in page if r.id > newest]
            fresh.extend(newer)
            if len(newer) < len(page) or len(page) < 50:
                break
            offset += len(page)
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._rows[:0] = fresh
            self._neg_ids[:0] = [-r.id for r in fresh]
            if self._total is not None:
                self._total += len(fresh)
            self.endInsertRows()
        return len(fresh)

    def row_of(self, call_id: int) -> int | None:
        """The row showing ``call_id``, if fetched."""
        index = bisect.bisect_left(self._neg_ids, -call_id)
        if index < len(self._neg_ids) and self._neg_ids[index] == -call_id:
            return index
        return None

    def update_call(self, call_id: int) -> None:
        """Re-read one call (e.g. a pending call became final) and repaint only its row."""
        row = self.row_of(call_id)
        if row is None:
            self.add_new()
            return
        record = self.store.get_call(call_id)
        if record is None:
            return
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def record(self, row: int) -> CallRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # The table model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Asked for ~8 roles per cell at every repaint: the roles not served return at once.
        if role not in _SERVED or not index.isValid():
            return None
        record = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == _DISPLAY:
            return self._display(record, column)
        if role == _TOOLTIP:
            if column == "description":
                return record.description
            if column == "lead":
                return f"{record.lead_name} {format_display(record.lead_number)}".strip()
            if column == "team":
                return record.list_value.replace("|", ", ")
            if column == "sid" and record.sid:
                return _tr("Ctrl+C copies the sid")
            return None
        if role == RECORD_ROLE:
            return record
        return None

    @staticmethod
    def _display(record: CallRecord, column: str) -> str:
        if column == "time":
            return local_time(record.created_at)
        if column == "lead":
            number = format_display(record.lead_number)
            return f"{record.lead_name} · {number}" if record.lead_name else number
        if column == "team":
            return record.team_name or record.list_value.replace("|", ", ")
        if column == "type":
            return type_text(record.call_type)
        if column == "result":
            return status_text(record.status)
        if column == "description":
            if not record.description and record.status == Status.PENDING:
                return _tr("Waiting for the first leg to be answered…")
            return record.description
        return record.sid
