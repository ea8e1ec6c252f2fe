"""The history pane: filter, copy the sid, call again, details and CSV export."""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.store import CALL_STATUSES, CallRecord, Store
from ui.common.columns import ColumnFit
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.resources import icon
from ui.common.shortcuts import view_action
from ui.common.tasks import TaskRunner, off_thread
from ui.common.widgets import bold_label, clear_on_escape
from ui.common.words import status_text
from ui.history.model import COLUMNS, HistoryModel, query_first_page

# The details dialog, the menu and the file dialog are imported when first used.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog

    from ui.history.agents import AgentFilter
    from ui.history.details import CallDetailDialog

log = logging.getLogger(__name__)
FILTER_DELAY_MS = 250
# Calls starting and ending are shown in batches at most this often: with 200 calls in flight,
# one table update per call kept the window too busy to answer promptly.
UPDATE_DELAY_MS = 50
HISTORY_FILES = "history"  # the kind of file whose folder is remembered
AGENT_COLUMN = COLUMNS.index("agent")
DESCRIPTION_MIN, LEAD_MIN = 160, 160  # px: what showing the Agent column leaves them


class HistoryView(QWidget):
    """Every call, newest first; ``load_call`` asks the call panel to load a past call."""

    load_call = Signal(object)  # CallRecord
    wrap_up_requested = Signal(object)  # CallRecord: change its wrap-up
    message = Signal(str)  # for the status bar
    filtered = Signal()  # a filter's results are shown

    def __init__(
        self,
        store: Store,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        folders: Folders | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.tasks = tasks
        self._folders = folders or Folders()  # where the export dialog opens
        self.model = HistoryModel(store, self)
        self._build()
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self._new_calls = False
        self._finished_calls: dict[int, CallRecord | None] = {}
        self._details: dict[int, CallDetailDialog] = {}  # open details, by call id
        # Team mode: this desktop's agent name (None: not in team mode), and whether a lead.
        self._team: tuple[str | None, bool] = (None, False)
        self._update_timer = QTimer(self)
        self._update_timer.setSingleShot(True)
        self._update_timer.setInterval(UPDATE_DELAY_MS)
        self._update_timer.timeout.connect(self._show_calls)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.disposition_combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.refresh()
        self._update_count()

    def _build(self) -> None:
        title = bold_label(self.tr("Hist&ory"), self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by lead, number, team, sid, notes…"))
        self.filter_edit.setAccessibleName(self.tr("Filter history"))
        self.filter_edit.setToolTip(
            self.tr(
                "Show only calls whose lead, number, team list, description, sid or wrap-up "
                "notes match"
            )
        )
        self.filter_edit.setClearButtonEnabled(True)
        clear_on_escape(self.filter_edit)
        self.status_combo = QComboBox(self)
        self.status_combo.setAccessibleName(self.tr("Filter by result"))
        self.status_combo.setToolTip(self.tr("Show only calls with this result"))
        self.status_combo.addItem(self.tr("All results"), None)
        for status in CALL_STATUSES:
            self.status_combo.addItem(status_text(status), status)
        self.disposition_combo = QComboBox(self)
        self.disposition_combo.setAccessibleName(self.tr("Filter by disposition"))
        self.disposition_combo.setToolTip(self.tr("Show only calls wrapped up so"))
        # As narrow as a short name: the filter's text field needs the room more.
        self.disposition_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.disposition_combo.setMinimumContentsLength(10)
        self.refresh_dispositions()
        # The Agent filter: team mode only, made when first used (see agent_filter).
        self._agent_filter: AgentFilter | None = None
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(self.tr("Matching calls"))
        self.copy_button = self._button(self.tr("Copy sid"), self.tr("Copy the sid (Ctrl+C)"))
        self.copy_button.setIcon(icon("copy"))
        # It loads, it does not call: Call in the call panel places it, with what it shows.
        self.load_button = self._button(
            self.tr("Load into call panel"),
            self.tr("Put this call's lead, list and options in the call panel; Call places it"),
        )
        self.details_button = self._button(
            self.tr("Details…"), self.tr("The request as sent and the raw reply (Enter)")
        )
        self.export_button = self._button(
            self.tr("Export CSV…"), self.tr("Export the calls matching the filter to a CSV file")
        )
        self.export_button.setIcon(icon("export"))
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Call history"))
        self.table.setToolTip(self.tr("Every call, newest first; Enter shows the details"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move in it
        self.table.verticalHeader().setVisible(False)
        # Fixed row heights and column widths: no per-row measuring, so 100,000 rows stay fast.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        widths = {
            "time": 150,
            "agent": 110,
            "lead": 240,
            "team": 130,
            "type": 85,
            "result": 115,
            "disposition": 120,
            "notes": 180,
            "sid": 140,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(COLUMNS.index(column), width)
        header.setSectionResizeMode(COLUMNS.index("description"), QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(AGENT_COLUMN, True)  # team mode only (show_team)
        # The columns of text that can be long narrow in a narrow window (cut with "…", whole
        # in their tooltips) rather than the table scrolling sideways; the time, type and
        # result keep their widths.
        em = self.fontMetrics().horizontalAdvance("M")
        narrowing = ("agent", "lead", "team", "disposition", "notes", "sid")
        self.column_fit = ColumnFit(
            self.table,
            {COLUMNS.index(c): widths[c] for c in narrowing},
            fill=COLUMNS.index("description"),
            fill_min=em * 8,
            floor=em * 4,
        )
        title.setBuddy(self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda index: self.show_details(index.row()))
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.copy_action = view_action(
            self.table, self.tr("Copy sid"), QKeySequence.StandardKey.Copy
        )
        self.copy_action.triggered.connect(self.copy_sid)
        self.copy_button.clicked.connect(self.copy_sid)
        self.load_button.clicked.connect(self._load_call)
        self.details_button.clicked.connect(lambda: self.show_details(self.current_row()))
        self.export_button.clicked.connect(self.ask_export)

        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addWidget(self.filter_edit, 2)
        bar.addWidget(self.status_combo)
        bar.addWidget(self.disposition_combo)
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        for button in (
            self.copy_button,
            self.load_button,
            self.details_button,
            self.export_button,
        ):
            bar.addWidget(button)
        self._bar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    @property
    def agent_filter(self) -> AgentFilter:
        """The Agent filter, beside the disposition's (hidden out of team mode), made on
        first use: most desktops are on their own."""
        if self._agent_filter is None:
            from ui.history.agents import AgentFilter

            agents = self._agent_filter = AgentFilter(self)
            agents.setVisible(False)
            self._bar.insertWidget(self._bar.indexOf(self.disposition_combo) + 1, agents)
            QWidget.setTabOrder(self.disposition_combo, agents)  # not after the window's last
            agents.currentIndexChanged.connect(lambda _i: self.apply_filter())
        return self._agent_filter

    def _button(self, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        return button

    # Filtering
    def apply_filter(self) -> asyncio.Task:
        """Run the filter (typing waits FILTER_DELAY_MS first, so each key is not a query)."""
        self._filter_timer.stop()
        # Latest wins: a filter still reading is cancelled, so its rows never land.
        return self.tasks.latest("filter history", self._filter())

    def refresh_dispositions(self) -> None:
        """The disposition filter's choices from the team's list (it may have changed)."""
        combo = self.disposition_combo
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("All dispositions"), None)
        combo.addItem(self.tr("Not wrapped up"), "")
        for disposition in self.store.list_dispositions():
            combo.addItem(disposition.name, disposition.name)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def _filters(self) -> tuple[str, str | None, str | None, str | None]:
        """The filter as chosen: text, result, disposition and agent (None: any)."""
        text, status = self.filter_edit.text(), self.status_combo.currentData()
        agents = self._agent_filter
        agent = agents.currentData() if agents is not None else None
        return text, status, self.disposition_combo.currentData(), agent

    async def _filter(self) -> None:
        text, status, disposition, agent = self._filters()
        # Never on the UI thread; the rows are shown first, and counted after (counting a word
        # found in most of 100,000 calls takes longer than finding the first page of them).
        rows, total = await off_thread(
            partial(query_first_page, disposition=disposition, agent=agent),
            self.store,
            text,
            status,
            False,
        )
        self.model.show_page(text, status, rows, total, disposition=disposition, agent=agent)
        self._update_count()
        self.filtered.emit()
        # Counted up to the newest row shown; a call added meanwhile moves that bound, and
        # the count is taken again.
        while total is None and not self.model.counted:
            bound = self.model.upper_bound
            counted = await off_thread(
                partial(self.store.count_calls, disposition=disposition, agent=agent),
                text,
                status,
                bound,
            )
            if bound == self.model.upper_bound:
                self.model.set_total(counted)
                self._update_count()

    def _update_count(self) -> None:
        if self.model.counted:
            self.count_label.setText(self.tr("%n call(s)", "", self.model.total))
        else:
            self.count_label.setText(self.tr("%n+ call(s)", "", self.model.total))

    def call_started(self, call_id: int) -> None:
        """A new pending row: inserted at the top soon, without resetting the table."""
        self._new_calls = True
        self._show_calls_soon()

    # Team mode
    def show_team(self, own: str | None, lead: bool = False, agents: list[str] = ()) -> None:
        """Team mode, ``own`` being this desktop's agent name (None: a desktop on its own),
        ``agents`` the names on the calls in the history (the filter offers them).

        In team mode the Agent column and filter show, and the filter starts on the agent's
        own calls (a lead's on everyone's); later picks are the person's. Out of it, both
        are hidden and every call is shown.
        """
        team = own is not None
        if team and self.table.isColumnHidden(AGENT_COLUMN):
            QTimer.singleShot(0, self, self._make_room_for_agents)  # once laid out
        self.table.setColumnHidden(AGENT_COLUMN, not team)
        # The filter is made for team mode only; out of it, one made before is hidden.
        agent_filter = self.agent_filter if team else self._agent_filter
        if agent_filter is not None:
            agent_filter.setVisible(team)
            agent_filter.set_agents(list(agents), own or "")
        if (own, lead) == self._team:
            return
        self._team = (own, lead)
        if agent_filter is not None:
            agent_filter.pick(own if own and not lead else None)
        self.apply_filter()

    def _make_room_for_agents(self) -> None:
        """The Agent column's width is taken from the lead's (down to 160 px) while the
        description, which stretches, would get less than its own share: on a 1024-px
        screen it was cut to a few letters."""
        description = COLUMNS.index("description")
        lead = COLUMNS.index("lead")
        short = DESCRIPTION_MIN - (
            self.table.columnWidth(description) - self.table.columnWidth(AGENT_COLUMN)
        )
        if short > 0:
            width = self.table.columnWidth(lead)
            self.table.setColumnWidth(lead, max(LEAD_MIN, width - short))

    def changed_elsewhere(self) -> None:
        """Another connection wrote the history (the team's sync, the command line): calls
        new to this view go on top and the pending ones shown are read again, soon, in the
        same batch as this window's own calls, keeping the row picked and the scroll."""
        self._new_calls = True
        for call_id in self.model.pending_ids():
            self._finished_calls.setdefault(call_id, None)
        self._show_calls_soon()

    def _full_record(self, record: CallRecord) -> CallRecord:
        """The call with its request and reply (rows leave them out), as shown in its row."""
        return self.model.unsaved.get(record.id) or self.store.get_call(record.id) or record

    def call_finished(self, call_id: int, record: CallRecord | None = None) -> None:
        """A pending row became final (``record``, if already read): only it repaints, soon."""
        self._finished_calls[call_id] = record
        self._show_calls_soon()

    def _show_calls_soon(self) -> None:
        if not self._update_timer.isActive():
            self._update_timer.start()  # not restarted: a steady stream still shows

    def _show_calls(self) -> None:
        """The calls that started and ended since the last batch, in one update."""
        if self._new_calls:
            self._new_calls = False
            self.model.add_new()
            self._update_count()
        finished, self._finished_calls = self._finished_calls, {}
        placed = True
        for call_id in sorted(finished):
            record = finished[call_id] or self.store.get_call(call_id)
            placed = self.model.update_call(call_id, record) and placed
            dialog = self._details.get(call_id)
            if dialog is not None and record is not None:
                dialog.show_record(record)  # opened while the call was pending: how it ended
        if not placed:
            self.apply_filter()  # off this thread, like any filter
        if finished:
            self._update_buttons()
            self._update_count()  # an ended call may have left a "Pending" result

    def save_state(self) -> dict[str, Any]:
        """What of this pane to keep for the next run: the history table's column widths."""
        return self.column_fit.state()

    def restore_state(self, state: dict[str, Any]) -> None:
        """Put back what ``save_state`` gave (anything unreadable is ignored)."""
        self.column_fit.restore(state)

    # What the window may ask of the view
    def focus_calls(self) -> None:
        """The keyboard in the table of calls, with the focus mark shown."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # The current row and its actions
    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def current_record(self) -> CallRecord | None:
        return self.model.record(self.current_row())

    def select_call(self, call_id: int) -> None:
        row = self.model.row_of(call_id)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        record = self.current_record()
        self.copy_button.setEnabled(bool(record and record.sid))
        self.load_button.setEnabled(record is not None)
        self.details_button.setEnabled(record is not None)

    def copy_sid(self) -> str:
        record = self.current_record()
        if record is None or not record.sid:
            return ""
        QGuiApplication.clipboard().setText(record.sid)
        self.message.emit(self.tr("Copied sid {0}").format(record.sid))
        return record.sid

    def _load_call(self) -> None:
        record = self.current_record()
        if record is not None:
            # The table's records leave out the request; the options to call again are in it.
            self.load_call.emit(self._full_record(record))

    def show_details(self, row: int) -> CallDetailDialog | None:
        """The call's details: a dialog of its own, or the one already open, raised."""
        record = self.model.record(row)
        if record is None:
            return None
        dialog = self._details.get(record.id)
        if dialog is None:
            from ui.history.details import CallDetailDialog

            # Re-read: the table's records leave out the request and the reply.
            dialog = CallDetailDialog(self._full_record(record), self)
            dialog.wrap_up_requested.connect(self.ask_wrap_up)
            self._details[record.id] = dialog
            dialog.finished.connect(lambda _result: self._details.pop(record.id, None))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _context_menu(self, pos) -> None:
        index: QModelIndex = self.table.indexAt(pos)
        if not index.isValid():
            return
        from PySide6.QtWidgets import QMenu

        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.addAction(self.load_button.text(), self._load_call)
        menu.addAction(self.tr("Details…"), lambda: self.show_details(index.row()))
        menu.addAction(self.tr("Wrap up…"), self.ask_wrap_up)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # Wrap-up
    def ask_wrap_up(self, record: CallRecord | None = None) -> None:
        """Ask (the window's wrap-up strip) to change the wrap-up of ``record`` (the current
        call by default)."""
        record = record or self.current_record()
        if record is not None:
            self.wrap_up_requested.emit(record)

    def wrapped_up(self, record: CallRecord) -> None:
        """A call's wrap-up changed: its row and any open details show it."""
        if not self.model.update_call(record.id, record):
            self.apply_filter()
        dialog = self._details.get(record.id)
        if dialog is not None:
            dialog.show_record(self._full_record(record))

    # Export
    def ask_export(self) -> QFileDialog:
        dialog = file_dialog(
            self, self._folders, HISTORY_FILES, self.tr("Export history"),
            self.tr("CSV files (*.csv)"), save_as="findme-history.csv", suffix="csv",
        )  # fmt: skip
        dialog.fileSelected.connect(self._export_selected)
        dialog.open()
        return dialog

    def _export_selected(self, path: str) -> None:
        self.tasks.spawn(self.export(Path(path)), name="export history")

    async def export(self, path: Path) -> int:
        """Write every call matching the filter to ``path``, off the UI thread."""
        text, status, disposition, agent = self._filters()
        self.export_button.setEnabled(False)
        try:
            count = await off_thread(_export, self.store, text, status, path, disposition, agent)
        finally:
            self.export_button.setEnabled(True)
        self.message.emit(self.tr("Exported %n call(s) to {0}", "", count).format(path))
        return count


def _export(
    store: Store,
    text: str,
    status: str | None,
    path: Path,
    disposition: str | None = None,
    agent: str | None = None,
) -> int:
    from console.csvio import export_calls  # written by the leads/teams side; imported late

    return export_calls(store, path, text, status, disposition, agent=agent)
