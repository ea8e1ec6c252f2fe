"""Wiring the call list (console.calllist, ui/calllist) into the window.

The list itself (the engine's CallList) is read once the window is shown and idle (or when
first used, if sooner), so the status bar can show its progress on every tab; its page is
built when first shown
(ui/shell/lazy_page.py). Calls from the list go through the call panel (CallPanel.call: the
same checks, the engine's reservation and its "Call again?"), and the list remembers the
reservation it made, so it never starts a second call while its own is pending. When that
call ends the list waits for its wrap-up (ui/shell/wrapups.py tells it saved or skipped),
then brings the next lead up.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSizePolicy, QTabWidget, QWidget

from console.calls import InFlight
from console.engine import Engine
from console.phone import format_display
from console.store import CallRecord
from ui.common.errors import ask, show_error
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.tasks import TaskRunner, off_thread
from ui.common.widgets import ElidedLabel
from ui.shell.lazy_page import LazyPage

if TYPE_CHECKING:
    from console.calllist import CallList
    from ui.calllist.page import CallListPage
    from ui.calls.panel import CallPanel
    from ui.leads.panel import LeadsPanel

log = logging.getLogger(__name__)
FILE_TASK = "build a call list from a file"
LIST_FILES = "leads"  # the same folder as the leads' imports
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
        self.question = None  # "Replace the call list?" while open
        self._list: CallList | None = None  # read when first needed: see list
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
        stop = engine.calls.observe(started=self._call_started, ended=self._call_ended)
        self.destroyed.connect(lambda _object=None: stop())
        self.status.setVisible(False)  # until the list is read (show_status)

    @property
    def list(self) -> CallList:
        """The engine's call list, read from the store on first use (the window asks once it
        is shown and idle: console.calllist is not needed to draw the first frame)."""
        if self._list is None:
            from console.calllist import CallList

            self._list = CallList(self._engine.store, self._engine.calls.registry)
        return self._list

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
            self.panel().refresh()

    def is_current(self) -> bool:
        """Whether the Call list tab is in front (Ctrl+Enter then calls its lead)."""
        return self._tabs.currentWidget() is self.page

    def show(self) -> CallListPage:
        self._tabs.setCurrentWidget(self.page)
        return self.panel()

    def show_status(self) -> None:
        """The list's progress in the status bar (hidden when there is no list)."""
        entries = self.list.entries
        self.status.setVisible(bool(entries))
        if entries:
            text = self.tr("Call list: {0}").format(self.list.progress().text())
            self.status.set_full_text(
                text + (" · " + self.tr("paused") if self.list.paused else "")
            )

    def _refresh(self) -> None:
        if self.page.is_built:
            self.panel().refresh()
        else:
            self.show_status()

    def _tell(self, text: str) -> None:
        if self.page.is_built:
            self.panel().say(text)
        self._say(text)

    # Calling
    def call_current(self) -> asyncio.Task | None:
        """Call the lead up next through the call panel; None (and why) when not started."""
        from console.calllist import CallListRefused  # loaded with the list (see list)

        page = self.panel()
        page.end_countdown()  # Ctrl+Enter during the countdown: the call it counted to
        try:
            entry = self.list.check_call()
        except CallListRefused as exc:
            self._tell(str(exc))
            page.refresh()
            return None
        except sqlite3.Error as exc:
            self._tell(self.tr("The call list could not be read just now ({0}).").format(exc))
            return None
        lead = self._engine.store.get_lead(entry.lead_id)
        who = entry.name or format_display(entry.number)
        if lead is None:  # deleted between the check and now
            self._tell(self.tr("{0} is no longer a saved lead; nothing was sent.").format(who))
            return None
        panel = self._call_panel()
        panel.set_lead(lead)
        call = panel.call()  # the reservation it made, at once (none: refused, or asked)
        if call is None:  # the call panel says why beside its Call button
            self._tell(self._not_called(who))
            return None
        task = call.task
        self.list.calling(call)
        self._tell(self.tr("Calling {0}…").format(who))
        page.refresh()
        if task is not None:  # refused after the checks (the request, the keyring): said
            task.add_done_callback(lambda _task: self._not_placed(call, who))
        return task

    def _not_placed(self, call: InFlight, who: str) -> None:
        if call.call_id is None:  # never recorded: nothing was sent ("Calling…" stood on)
            self._tell(self._not_called(who))
            self._refresh()

    def _not_called(self, who: str) -> str:
        # Not "beside Call": the tab has a Call of its own, with no such line by it.
        return self.tr(
            "{0} was not called: the call panel says why, beside its Call button."
        ).format(who)

    def _call_started(self, call: InFlight) -> None:
        self.list.call_started(call)  # a write refused is kept (CallList.save_problem)

    def _call_ended(self, call: InFlight) -> None:
        entry = self.list.call_ended(call)
        if entry is None:
            return
        if self.list.awaiting_wrap_up is None:  # no history row to wrap up: on at once
            self._next_up()
        else:
            self._refresh()
            self._tell(self.tr("Wrap up the call to {0}; then the next lead comes up.")
                       .format(entry.name or format_display(entry.number)))  # fmt: skip

    def wrap_up_done(self, record: CallRecord, saved: bool) -> None:
        """A wrap-up was saved (or skipped): a list's call keeps its disposition in its
        lead's note, and the awaited one brings the next lead."""
        awaited = record.id is not None and record.id == self.list.awaiting_wrap_up
        try:
            self.list.wrapped_up(record, saved)
        except sqlite3.Error as exc:  # reading the next lead
            self._tell(self.tr("The call list could not be read just now ({0}).").format(exc))
        if awaited:
            self._next_up()
        else:
            self._refresh()

    def _next_up(self) -> None:
        entry = self.list.current()
        if entry is None:
            self._tell(self.list.nothing_left())
        else:
            who = entry.name or format_display(entry.number)
            self._tell(self.tr("Up next: {0}.").format(who))
        if self.page.is_built:
            self.panel().next_lead_up()
        else:
            self.show_status()

    # Building a list
    def _replace_then(self, build: Callable[[], object]) -> None:
        """Build at once, or after asking when the list in use still has leads waiting."""
        progress = self.list.progress()  # the engine counts: waiting = not yet dealt with
        waiting = progress.total - progress.done
        if not waiting:
            build()
            return
        if self.question is not None:
            self.question.close()
        self.question = ask(
            self._window,
            self.tr("Replace the call list?"),
            self.tr("The call list in use still has %n lead(s) waiting.", "", waiting),
            build,
            yes=self.tr("&Replace it"),
            no=self.tr("&Keep it"),
            informative=self.tr(
                "The new list takes its place; the calls made stay in the history."
            ),
        )
        self.question.setObjectName("replace_call_list")
        self.question.finished.connect(lambda _r: setattr(self, "question", None))

    def _built_list(self, build: Callable[[], Any]) -> None:
        from console.calllist import CallListRefused

        try:
            build()
        except CallListRefused as exc:
            self._tell(str(exc))
            return
        except sqlite3.Error as exc:
            show_error(self.tr("Call list not made"), exc, self._window)
            return
        page = self.show()
        page.refresh()
        self._tell(self.tr("New call list: {0}.").format(self.list.source))

    def new_from_selection(self) -> None:
        leads = self._leads.selected_leads()
        ids = [lead.id for lead in leads if lead.id is not None]
        if not ids:
            self._tell(self.tr("Pick leads in the Leads tab first (Ctrl+click or Shift+click "
                               "picks several); no call list was made."))  # fmt: skip
            return
        source = self.tr("%n selected lead(s)", "", len(ids))
        self._replace_then(lambda: self._built_list(lambda: self.list.from_lead_ids(ids, source)))

    def new_from_search(self) -> None:
        text = self._leads.search_text()
        self._replace_then(lambda: self._built_list(lambda: self.list.from_search(text)))

    def choose_file(self) -> None:
        dialog = file_dialog(
            self._window, self._folders, LIST_FILES, self.tr("New call list from a CSV file"),
            self.tr("CSV files (*.csv *.txt);;All files (*)"),
        )  # fmt: skip
        dialog.fileSelected.connect(lambda path: self._replace_then(lambda: self.from_csv(path)))
        dialog.open()
        self.file_dialog = dialog

    def from_csv(self, path: str | Path) -> asyncio.Task:
        """Read ``path`` in the background into a new list; the task returns the report."""
        return self._tasks.single_flight(FILE_TASK, lambda: self._from_csv(Path(path)))

    async def _from_csv(self, path: Path):
        from ui.common.column_mapping import columns_for  # only when a file is read

        settings = self._engine.settings
        try:
            mapping, go = await columns_for(self._window, path, settings)  # type: ignore[arg-type]
            if not go:
                return None
            store = self._engine.store
            before = store.count_leads()
            report, ids, source = await off_thread(self.list.read_file, path, mapping)
        except (OSError, sqlite3.Error) as exc:
            show_error(self.tr("Call list not made"), exc, self._window)
            return None
        # The list itself changes here, on the window's thread.
        self._built_list(lambda: self.list.from_lead_ids(ids, source, _no_leads_in(path)))
        self._leads.refresh()  # the file's new leads
        if report.problems or report.notices:
            from ui.leads.importer import ImportSummary, LeadImport

            added = store.count_leads() - before
            self.summary = ImportSummary(LeadImport(path, report, added), self._window)
            self.summary.open()
        return report


def _no_leads_in(path: Path) -> str:
    from console.calllist import no_leads_in

    return no_leads_in(path)
