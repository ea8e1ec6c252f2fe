"""A lead's calls: how many, and the newest few, without touching the history filter. Under
the leads table (the picked lead) and on the Call list tab (the lead up next)."""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtWidgets import (
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.phone import lead_label
from console.store import CallRecord, Lead, LeadCalls
from console.store.base import ConsoleStore
from ui.common.lead_calls import DISPOSITION, NOTES, RESULT, TEAM, TIME, LeadCallsModel
from ui.common.widgets import ElidedLabel, rows_table

log = logging.getLogger(__name__)
RECENT = 20  # calls listed; the count is of all of them
ROWS_SHOWN = 3  # the list's height, in rows (more scroll): the table above keeps the room


class LeadCallsBox(QWidget):
    """A line with the lead's call count, and a short list of its newest calls.

    Read from the store (``lead_calls``: the count and the rows through the lead's index),
    so the history's filter and its page stay as the agent left them. The list is made when
    a lead first has calls to show: the window starts without it.

    ``recent``: how many of the newest calls are listed; ``rows``: the list's height in rows
    (more scroll). ``who``: whose calls, for the list's accessible name and tip ("the picked
    lead"); ``none``: the line when there is no lead.
    """

    def __init__(
        self,
        store: ConsoleStore,
        parent: QWidget | None = None,
        *,
        recent: int = RECENT,
        rows: int = ROWS_SHOWN,
        who: str = "",
        none: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._store, self._recent, self._rows = store, recent, rows
        self._who = who or self.tr("the picked lead")
        self._none = self.tr("Calls: pick a lead to see its calls.") if none is None else none
        self._lead: Lead | None = None
        self._neighbours: tuple[QWidget, QWidget] | None = None
        self.calls: LeadCalls | None = None
        self.title = ElidedLabel(self)  # a long name is cut, never widening the window
        self.title.setAccessibleName(self.tr("The lead's calls"))
        self.model: LeadCallsModel | None = None
        self.table: QTableView | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.title)
        self.show_lead(None)

    def set_tab_order(self, before: QWidget, after: QWidget) -> None:
        """Where the list goes in the keyboard's order, once it is made."""
        self._neighbours = (before, after)

    def calls_table(self) -> QTableView:
        """The list of calls (made the first time)."""
        if self.table is not None:
            return self.table
        self.model = LeadCallsModel(self)
        name = self.tr("Calls to {0}").format(self._who)
        table = self.table = rows_table(self, self.model, name)
        table.setToolTip(self.tr("The newest calls to {0}, newest first").format(self._who))
        row = table.verticalHeader().defaultSectionSize()
        header = table.horizontalHeader()
        for column in (TIME, TEAM, RESULT, DISPOSITION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTES, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # the rows in view
        # A fixed height, shown only when the lead has calls: what is below stays put.
        table.setFixedHeight(header.sizeHint().height() + row * self._rows + 4)
        self._layout.addWidget(table)
        if self._neighbours is not None:
            before, after = self._neighbours
            QWidget.setTabOrder(before, table)
            QWidget.setTabOrder(table, after)
        return table

    def _list(self, calls: list[CallRecord]) -> None:
        if not calls and self.table is None:
            return  # nothing to list, and no list yet
        table = self.calls_table()
        assert self.model is not None
        self.model.set_calls(calls)
        # A line is enough to say there is nothing: the leads get the room.
        table.setVisible(bool(calls))

    def show_lead(self, lead: Lead | None) -> None:
        """The calls to ``lead`` (read again each time: after a call, the newest is there)."""
        self._lead = lead
        if lead is None:
            self.calls = None
            self._list([])
            self.title.set_full_text(self._none)
            return
        who = lead_label(lead.name, lead.number)
        try:
            self.calls = self._store.lead_calls(lead.number, self._recent)
        except (sqlite3.Error, OSError) as exc:
            # Another program holds the store, say: a line here, not an error box on each
            # pick; the lead can still be called, and the next pick tries again.
            log.warning("calls to a lead not read: %s", exc)
            self.calls = None
            self._list([])
            self.title.set_full_text(
                self.tr("Calls to {0} could not be read just now ({1}).").format(who, exc)
            )
            return
        self._list(self.calls.recent)
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
