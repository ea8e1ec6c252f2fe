"""Wiring the call list (console.calllist, ui/calllist) into the window: its tab (the page
built when first shown: ui/shell/lazy_page.py), its "new call list from…" actions, its line in
the status bar, and what its work (ui/calllist/work.py) needs from the other parts.

The list itself (the engine's CallList) is read once the window is shown and idle (or when
first used, if sooner), so the status bar can show its progress on every tab. Calls from the
list go through the call panel (CallPanel.call: the same checks, the engine's reservation and
its "Call again?"), which returns the reservation the list then keeps; the calls' starts and
ends come from the engine's registry, the wrap-ups from ui/shell/wrapups.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QWidget

from console.calls import InFlight
from console.engine import Engine
from console.store import CallRecord, Lead
from ui.common.file_dialogs import Folders
from ui.common.tasks import TaskRunner
from ui.common.widgets import ElidedLabel
from ui.shell.lazy_page import LazyPage

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from console.calllist import CallList
    from console.csvio import ImportReport
    from ui.calllist.page import CallListPage
    from ui.calllist.work import CallListWork
    from ui.calls.panel import CallPanel
    from ui.leads.panel import LeadsPanel

log = logging.getLogger(__name__)
SHOW_KEYS = "Ctrl+Shift+L"  # to the Call list tab (Ctrl+L is the Dial tab's number field)


class CallListTab(QObject):
    """The Call list tab, its "new call list from…" actions and its line in the status bar."""

    def __init__(
        self,
        window: QWidget,
        tabs: QTabWidget,
        engine: Engine,
        leads: LeadsPanel,
        calls: Callable[[], CallPanel],
        *,
        tasks: TaskRunner,
        folders: Folders,
        say: Callable[[str], None],
        style: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(window)
        self._window, self._tabs, self._engine = window, tabs, engine
        # The call panel is made after this tab (the tab's place in the keyboard's order).
        self._leads, self._call_panel, self._tasks, self._folders = leads, calls, tasks, folders
        self._say = say
        self._work: CallListWork | None = None  # made when first needed: see work
        tr = self.tr
        self.from_selection = self._action(
            tr("New call list from the se&lected leads"), tr("Selected leads"),
            tr("A call list of the leads picked in the Leads tab (Ctrl+click or Shift+click "
               "picks several)"), self.new_from_selection,
        )  # fmt: skip
        self.from_search = self._action(
            tr("New call list from the lead sea&rch"), tr("Search result"),
            tr("A call list of the leads the Leads tab's search finds"), self.new_from_search,
        )  # fmt: skip
        self.from_file = self._action(
            tr("New call list from a CS&V file…"), tr("CSV file…"),
            tr("Read leads from a CSV file (new ones are saved as leads) and list them in "
               "the file's order"), self.choose_file,
        )  # fmt: skip
        # The style's name as the last start found it (ui/shell/style_facts.py): asking Qt
        # for it makes QStyle's Python type, ~10 ms of every start.
        kept_style = {"style": style} if style is not None else {}
        self.page = LazyPage(
            "calllist", self._make, self._built, engine.settings, tabs, **kept_style
        )
        # No Alt+letter: none of its letters is free on every tab; Ctrl+Shift+L is its key.
        tabs.addTab(self.page, tr("Call list"))
        tabs.setTabToolTip(
            tabs.indexOf(self.page), tr("Work through a list of leads ({0})").format(SHOW_KEYS)
        )
        self.show_action = QAction(tr("Show the call list"), window)
        self.show_action.setShortcut(SHOW_KEYS)
        self.show_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.show_action.triggered.connect(lambda _checked=False: self.show().focus_call())
        window.addAction(self.show_action)
        tabs.currentChanged.connect(self._shown)
        self.status = ElidedLabel(window, QSizePolicy.Policy.Preferred)
        self.status.setAccessibleName(tr("Call list progress"))
        stop = engine.calls.observe(
            started=lambda call: self.work.call_started(call),
            ended=lambda call: self.work.call_ended(call),
        )
        self.destroyed.connect(lambda _object=None: stop())
        self.status.setVisible(False)  # until the list is read (show_status)

    @property
    def work(self) -> CallListWork:
        """The list's work (ui/calllist/work.py), made on first use with the engine's call
        list read from the store (the window asks once it is shown and idle: neither is
        needed to draw the first frame)."""
        if self._work is None:
            from ui.calllist.work import CallListWork

            self._work = CallListWork(
                self._window, self._engine, tasks=self._tasks, folders=self._folders,
                page=self.panel, built=lambda: self.page.is_built, show=self.show,
                changed=self.show_status, place=self._place, say=self._say,
                file_read=self._file_read,
            )  # fmt: skip
        return self._work

    @property
    def list(self) -> CallList:
        """The engine's call list (console.calllist.CallList)."""
        return self.work.list

    @property
    def question(self) -> QMessageBox | None:
        """ "Replace the call list?" while open."""
        return self._work.question if self._work is not None else None

    def _action(self, text: str, short: str, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        action.setIconText(short)  # the page's buttons show the short words
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def menu_actions(self) -> list[QAction]:
        """For the window's File menu."""
        return [self.from_selection, self.from_search, self.from_file]

    # The page
    def panel(self) -> CallListPage:
        return self.page.panel()  # type: ignore[return-value]

    def _make(self, parent: QWidget) -> CallListPage:
        from ui.calllist.page import CallListPage

        return CallListPage(
            self.list, self._engine.store, self._engine.settings, self.menu_actions(), parent
        )

    def _built(self, panel: QWidget) -> None:
        panel.call_asked.connect(self.call_current)  # type: ignore[attr-defined]
        panel.changed.connect(self.show_status)  # type: ignore[attr-defined]
        # The countdown can run with another tab in front (the wrap-up strip is under every
        # tab): its line is in the status bar too, so no call comes unannounced.
        panel.countdown_said.connect(self._say)  # type: ignore[attr-defined]

    def _shown(self, index: int) -> None:
        if self._tabs.widget(index) is self.page:
            self._read_page()

    def _read_page(self) -> CallListPage:
        """The page, read once: built now (it reads the list as it is made), or read again."""
        built = self.page.is_built
        panel = self.panel()
        if built:
            panel.refresh()
        else:  # its first reading was before its changed signal was joined to the status
            self.show_status()
        return panel

    def is_current(self) -> bool:
        """Whether the Call list tab is in front (Ctrl+Enter then calls its lead)."""
        return self._tabs.currentWidget() is self.page

    def show(self) -> CallListPage:
        """The tab in front, its page read once (as it is shown, or again when in front)."""
        if self._tabs.currentWidget() is not self.page:
            self._tabs.setCurrentWidget(self.page)  # _shown reads it
            return self.panel()
        return self._read_page()

    def show_status(self) -> None:
        """The list's progress in the status bar (hidden when there is no list)."""
        text = self.work.status_text()
        self.status.setVisible(bool(text))
        if text:
            self.status.set_full_text(text)

    # What the window hands over
    def _place(self, lead: Lead) -> InFlight | None:
        panel = self._call_panel()
        panel.set_lead(lead)
        return panel.call()

    def _file_read(self, path: Path, report: ImportReport, added: int) -> None:
        self._leads.refresh()  # the file's new leads
        if report.worth_showing():
            from ui.leads.importer import ImportSummary, LeadImport

            self.summary = ImportSummary(LeadImport(path, report, added), self._window)
            self.summary.open()

    def call_current(self) -> asyncio.Task | None:
        """Call the lead up next through the call panel; None (and why) when not started."""
        return self.work.call_current()

    def wrap_up_done(self, record: CallRecord, saved: bool) -> None:
        """A wrap-up was saved or skipped (ui/shell/wrapups.py)."""
        self.work.wrap_up_done(record, saved)

    def new_from_selection(self) -> None:
        self.work.new_from_leads(self._leads.selected_leads())

    def new_from_search(self) -> None:
        self.work.new_from_search(self._leads.search_text())

    def choose_file(self) -> None:
        self.work.choose_file()

    def from_csv(self, path: str | Path) -> asyncio.Task:
        """Read ``path`` in the background into a new list; the task returns the report."""
        return self.work.from_csv(path)
