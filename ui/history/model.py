"""Call history as a Qt table model over the store, read a page at a time: fast at 100,000 rows."""

from __future__ import annotations

import bisect
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console.calls.outcome import Status
from console.phone import format_display
from console.store import CallRecord, Store
from ui.common.colours import status_colour
from ui.common.words import local_time, status_text, type_text

CHUNK = 200  # rows per page read from the store
CACHED_PAGES = 50  # pages kept in memory: 10,000 calls at most
# "agent": who placed the call, shown in team mode (hidden on a desktop of its own).
COLUMNS = (
    "time",
    "agent",
    "lead",
    "team",
    "type",
    "result",
    "disposition",
    "notes",
    "description",
    "sid",
)
SID_COLUMN = COLUMNS.index("sid")
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_MARKS = frozenset((_FOREGROUND, _DECORATION))
_SERVED = frozenset((_DISPLAY, _TOOLTIP)) | _MARKS
RESULT_COLUMN = COLUMNS.index("result")
# A shape as well as a colour, so a result reads without telling red from green. By name:
# QStyle is imported when the first icon is drawn (PySide6 makes its type, ~600 enum
# members and ~10 ms, on first use; a start with no finished call in view never needs it).
_STATUS_ICONS = {
    Status.SUCCESS: "SP_DialogApplyButton",
    Status.FAILED: "SP_MessageBoxCritical",
    Status.INVALID: "SP_MessageBoxCritical",
    Status.NETWORK: "SP_MessageBoxCritical",
    Status.UNKNOWN: "SP_MessageBoxWarning",
    Status.INTERRUPTED: "SP_MessageBoxWarning",
    Status.CANCELLED: "SP_MessageBoxWarning",
}
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("HistoryModel", text)


def query_first_page(
    store: Store,
    text: str,
    status: str | None,
    count: bool = True,
    disposition: str | None = None,
    agent: str | None = None,
) -> tuple[list[CallRecord], int | None]:
    """The first chunk and the count for a filter (None: left to count later); safe off the UI
    thread. A first chunk shorter than CHUNK is the whole answer, so it needs no count.

    Records leave out the request and the raw reply (the details dialog re-reads the call).
    ``disposition``: only calls wrapped up so ("" for those not wrapped up; None for all).
    """
    rows = store.fetch_calls(
        text, status, 0, CHUNK, bodies=False, disposition=disposition, agent=agent
    )
    if len(rows) < CHUNK:
        return rows, len(rows)
    if not count:
        return rows, None
    before_id = rows[0].id + 1
    return rows, store.count_calls(
        text, status, before_id=before_id, disposition=disposition, agent=agent
    )


class HistoryModel(QAbstractTableModel):
    """Newest call first, read from the store a page at a time as rows come into view.

    Once the filter is counted, every row exists for the view (Ctrl+End goes straight to the
    oldest call) but only the pages looked at are read, and at most CACHED_PAGES are kept.
    Until then, rows are added a chunk at a time (canFetchMore/fetchMore).

    The rows are the calls matching the filter up to the newest one shown (``upper_bound``),
    so a call recorded meanwhile shifts nothing until ``add_new`` puts it on top.
    """

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self._pages: OrderedDict[int, list[CallRecord]] = OrderedDict()
        self._rows = 0  # rows the view has
        self._newest: int | None = None  # id of the top row
        self._total: int | None = 0  # None: the filter shown is not counted yet
        self._text = ""
        self._status: str | None = None
        self._disposition: str | None = None
        self._agent: str | None = None  # one agent's calls (team mode); None: everyone's
        # Calls whose ending the history could not take (see keep): shown from memory.
        self.unsaved: dict[int, CallRecord] = {}
        self._icons: dict[str, QIcon] = {}  # by _STATUS_ICONS' names
        self.headers = (
            _tr("Time"),
            _tr("Agent"),
            _tr("Lead"),
            _tr("Team list"),
            _tr("Type"),
            _tr("Result"),
            _tr("Disposition"),
            _tr("Notes"),
            _tr("Description"),
            _tr("Sid"),
        )

    # Filtering and loading
    def set_filter(
        self,
        text: str = "",
        status: str | None = None,
        disposition: str | None = None,
        agent: str | None = None,
    ) -> None:
        """Filter and reload now, on this thread (the view runs the query off it instead)."""
        first = query_first_page(self.store, text, status, disposition=disposition, agent=agent)
        self.show_page(text, status, *first, disposition=disposition, agent=agent)

    def refresh(self) -> None:
        """Re-read the first chunk and the count for the current filter."""
        self.set_filter(self._text, self._status, self._disposition, self._agent)

    @property
    def disposition(self) -> str | None:
        return self._disposition

    @property
    def status(self) -> str | None:
        return self._status

    @property
    def agent(self) -> str | None:
        return self._agent

    @property
    def upper_bound(self) -> int | None:
        """The ``before_id`` that keeps queries to the calls shown (None: no call yet)."""
        return None if self._newest is None else self._newest + 1

    def show_page(
        self,
        text: str,
        status: str | None,
        rows: list[CallRecord],
        total: int | None,
        disposition: str | None = None,
        agent: str | None = None,
    ) -> None:
        """Show a first page read by ``query_first_page`` (a reset: the filter changed).

        A ``total`` of None is given later by ``set_total``: the rows need not wait for it.
        """
        self.beginResetModel()
        self._text, self._status = text, status
        self._disposition, self._agent = disposition, agent
        self._pages = OrderedDict({0: rows})
        self._newest = rows[0].id if rows else None
        self._total = total
        self._rows = len(rows) if total is None else total
        self.endResetModel()

    def set_total(self, total: int) -> None:
        """The count of the filter shown (counted up to ``upper_bound``), after its first page."""
        self._total = total = max(total, self._rows)
        if total > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, total - 1)
            self._rows = total
            self.endInsertRows()

    @property
    def counted(self) -> bool:
        return self._total is not None

    @property
    def total(self) -> int:
        """How many calls match the filter, read or not (until counted: those read)."""
        return self._rows if self._total is None else self._total

    def cached_rows(self) -> int:
        """How many records are held in memory."""
        return sum(len(page) for page in self._pages.values())

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._total is None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        """Before the count: a chunk more rows (found now, so the end shows without a count)."""
        if parent.isValid() or self._total is not None:
            return
        last = self._record_at(self._rows - 1)
        before = last.id if last is not None else self.upper_bound
        more = len(self._fetch(0, CHUNK, before))
        if more:
            self.beginInsertRows(QModelIndex(), self._rows, self._rows + more - 1)
            self._rows += more
            self.endInsertRows()
        if more < CHUNK:
            self._total = self._rows  # the end, before the count came

    def _fetch(
        self, offset: int, limit: int, before_id: int | None = None, oldest_first: bool = False
    ) -> list[CallRecord]:
        """Rows of the filter shown (without their request and reply bodies)."""
        return self.store.fetch_calls(
            self._text,
            self._status,
            offset,
            limit,
            before_id,
            bodies=False,
            oldest_first=oldest_first,
            disposition=self._disposition,
            agent=self._agent,
        )

    def _page(self, number: int) -> list[CallRecord]:
        """Page ``number`` (rows number*CHUNK onwards), from the cache or the store."""
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self._read_page(number)
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def _read_page(self, number: int) -> list[CallRecord]:
        read = self._fetch
        before = self._pages.get(number - 1)
        if before:
            # After the page above, not at an offset: an offset makes SQLite step over every
            # row before it, and scrolling is mostly reading the next page down.
            return read(0, CHUNK, before_id=before[-1].id) if len(before) == CHUNK else []
        offset = number * CHUNK
        if self._total is not None and offset > self._total // 2:
            # Nearer the oldest call: count the offset from that end (Ctrl+End, the scroll
            # bar dragged down).
            size = max(0, min(CHUNK, self._total - offset))
            start = self._total - offset - size
            rows = read(start, size, before_id=self.upper_bound, oldest_first=True)
            return rows[::-1]
        return read(offset, CHUNK, before_id=self.upper_bound)

    def _record_at(self, row: int) -> CallRecord | None:
        if not 0 <= row < self._rows:
            return None
        page = self._page(row // CHUNK)
        offset = row % CHUNK
        record = page[offset] if offset < len(page) else None
        if self.unsaved and record is not None:
            return self.unsaved.get(record.id, record)
        return record

    def keep(self, record: CallRecord) -> None:
        """Show ``record`` for its call whatever the store says: an ending the history could
        not take, kept in the journal until the next start merges it."""
        self.unsaved[record.id] = record

    def add_new(self) -> int:
        """Insert calls newer than the top row that match the filter; returns how many."""
        fresh: list[CallRecord] = []
        offset = 0
        while True:
            page = self._fetch(offset, 50)
            newer = [r for r in page if self._newest is None or r.id > self._newest]
            fresh.extend(newer)
            if len(newer) < len(page) or len(page) < 50:
                break
            offset += len(page)
        if fresh:
            # Every row moves down: the pages are read again as they come into view.
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            top = self._pages.get(0)
            if top is not None or not self._rows:
                self._pages = OrderedDict({0: (fresh + (top or []))[:CHUNK]})
            else:
                self._pages = OrderedDict()
            self._newest = fresh[0].id
            self._rows += len(fresh)
            if self._total is not None:
                self._total += len(fresh)
            self.endInsertRows()
        return len(fresh)

    def pending_ids(self) -> list[int]:
        """The calls read into memory that were pending when read."""
        return [r.id for page in self._pages.values() for r in page if r.status == Status.PENDING]

    def row_of(self, call_id: int) -> int | None:
        """The row showing ``call_id``, if its page has been read."""
        for number, page in self._pages.items():
            # A page holds a run of ids, newest first: look only in the one that spans it.
            if page and page[0].id >= call_id >= page[-1].id:
                offset = bisect.bisect_left(page, -call_id, key=lambda record: -record.id)
                if offset < len(page) and page[offset].id == call_id:
                    return number * CHUNK + offset
        return None

    def update_call(self, call_id: int, record: CallRecord | None = None) -> bool:
        """Show how one call is now (``record``, else re-read): repaint its row only.

        False when it may have left the result shown but its row was not read, so where it
        was is unknown: the caller runs the filter again.
        """
        if self._newest is None or call_id > self._newest:
            self.add_new()
            return True
        row = self.row_of(call_id)
        if row is None:
            # Else it is read as it is when it comes into view.
            return self._status is None and self._disposition is None
        record = record or self.store.get_call(call_id)
        if record is None:
            return True
        if self._status is not None and record.status != self._status:
            self._remove_row(row)  # e.g. a pending call ended under the "Pending" filter
            return True
        wanted = self._disposition
        if wanted is not None and record.disposition.casefold() != wanted.strip().casefold():
            self._remove_row(row)  # wrapped up otherwise than the filter shows
            return True
        self._pages[row // CHUNK][row % CHUNK] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return True

    def _remove_row(self, row: int) -> None:
        """A call no longer in the result shown: out, and the pages from its own on re-read."""
        number = row // CHUNK
        self.beginRemoveRows(QModelIndex(), row, row)
        self._pages = OrderedDict((n, page) for n, page in self._pages.items() if n < number)
        self._rows -= 1
        if self._total is not None:
            self._total -= 1
        self.endRemoveRows()

    def record(self, row: int) -> CallRecord | None:
        return self._record_at(row)

    # The table model
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._rows

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
        if role in _MARKS and index.column() != RESULT_COLUMN:
            return None  # failed and successful calls must not look alike: the result is marked
        record = self._record_at(index.row())
        if record is None:
            return None
        column = COLUMNS[index.column()]
        if role == _DISPLAY:
            return self._display(record, column)
        if role == _FOREGROUND:
            return status_colour(record.status)
        if role == _DECORATION:
            return self._icon(record.status)
        if role == _TOOLTIP:
            if column == "description":
                return record.description
            if column == "notes" and record.notes:
                return record.notes
            if column == "disposition" and record.callback_at:
                return _tr("Call back at {0}").format(local_time(record.callback_at))
            # A narrow window cuts these cells ("…"): whole here.
            if column == "disposition" and record.disposition:
                return record.disposition
            if column == "agent" and record.agent:
                return record.agent
            if column == "lead":
                return f"{record.lead_name} {format_display(record.lead_number)}".strip()
            if column == "team":  # the list's name, cut in its cell, and its numbers
                numbers = record.list_value.replace("|", ", ")
                return f"{record.team_name}: {numbers}" if record.team_name else numbers
            if column == "sid" and record.sid:
                return _tr("{0} (Ctrl+C copies the sid)").format(record.sid)
        return None

    def _icon(self, status: str) -> QIcon | None:
        pixmap = _STATUS_ICONS.get(status)
        if pixmap is None:
            return None
        icon = self._icons.get(pixmap)
        if icon is None:
            from PySide6.QtWidgets import QStyle

            standard = getattr(QStyle.StandardPixmap, pixmap)
            icon = self._icons[pixmap] = QApplication.style().standardIcon(standard)
        return icon

    @staticmethod
    def _display(record: CallRecord, column: str) -> str:
        if column == "time":
            return local_time(record.created_at)
        if column == "agent":
            return record.agent
        if column == "lead":
            number = format_display(record.lead_number)
            return f"{record.lead_name} · {number}" if record.lead_name else number
        if column == "team":
            return record.team_name or record.list_value.replace("|", ", ")
        if column == "type":
            return type_text(record.call_type)
        if column == "result":
            return status_text(record.status)
        if column == "disposition":
            if record.callback_at:
                return f"{record.disposition} · {local_time(record.callback_at)}"
            return record.disposition
        if column == "notes":
            return record.notes.replace("\n", " ")
        if column == "description":
            if not record.description and record.status == Status.PENDING:
                return _tr("Waiting for the first leg to be answered…")
            return record.description
        return record.sid
