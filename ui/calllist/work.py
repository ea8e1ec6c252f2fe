"""The call list's work in the window: its lead up next called through the call panel, the
next lead brought up when that call's wrap-up is saved or skipped, and a new list built from
leads, a search or a CSV file (asking before it replaces one with leads waiting).

The rules are the engine's (console.calllist.CallList). The window wires this in
(ui/shell/calllist_tab.py): it hands over the call panel's call (``place``: the same checks,
the engine's reservation and its "Call again?"), the calls' starts and ends, and the wrap-ups.
The list keeps the reservation ``place`` returns, so it never starts a second call while its
own is pending. Imported when first used, with console.calllist: the window's first frame
needs neither.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.calllist import LIST_KEPT, CallList, CallListRefused, no_leads_in
from console.calls import InFlight
from console.engine import Engine
from console.phone import lead_label
from console.problems import file_unreadable
from console.settings import CALL_LIST_AUTO_ADVANCE
from console.store import CallRecord, Lead
from ui.common.errors import ask, show_error
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.tasks import TaskRunner, off_thread

if TYPE_CHECKING:
    from console.csvio import ImportReport
    from ui.calllist.page import CallListPage

log = logging.getLogger(__name__)
FILE_TASK = "build a call list from a file"
LIST_FILES = "leads"  # the same folder as the leads' imports


class CallListWork(QObject):
    """What the Call list tab does; ``question`` is "Replace the call list?" while open.

    ``page()``: the tab's page (built if it was not); ``built()``: whether it is; ``show()``
    brings the tab up, reads the list into the page once and returns the page; ``changed()``:
    the list moved while its page is not built (the status bar's line). ``place(lead)``: the
    call panel's call to ``lead``, the reservation it made or None (refused: it says why).
    ``say(text)``: the status bar.
    ``file_read(path, report, added)``: a CSV file's leads were read (``added`` new ones).
    """

    def __init__(
        self,
        window: QWidget,
        engine: Engine,
        *,
        tasks: TaskRunner,
        folders: Folders,
        page: Callable[[], CallListPage],
        built: Callable[[], bool],
        show: Callable[[], CallListPage],
        changed: Callable[[], None],
        place: Callable[[Lead], InFlight | None],
        say: Callable[[str], None],
        file_read: Callable[[Path, ImportReport, int], None],
    ) -> None:
        super().__init__(window)
        self._window, self._engine, self._tasks, self._folders = window, engine, tasks, folders
        self._page, self._built, self._show, self._changed = page, built, show, changed
        self._place, self._say, self._file_read = place, say, file_read
        self.list = CallList(engine.store, engine.calls.registry)
        self.question = None
        self.file_dialog = None

    def status_text(self) -> str:
        """The list's progress for the status bar; "" when there is no list."""
        if not self.list.entries:
            return ""
        text = self.tr("Call list: {0}").format(self.list.progress().text())
        if self.list.paused:
            return text + " · " + self.tr("paused")
        if self.list.held_after_restart and self._engine.settings.get(CALL_LIST_AUTO_ADVANCE):
            # The page may not be built (another tab in front): the hold is said here too.
            return text + " · " + self.tr("auto-advance paused after a restart")
        return text

    def _refresh(self) -> None:
        if self._built():
            self._page().refresh()  # its changed signal updates the status bar
        else:
            self._changed()

    def _tell(self, text: str) -> None:
        if self._built():
            self._page().say(text)
        self._say(text)

    # Calling
    def call_current(self) -> asyncio.Task | None:
        """Call the lead up next through the call panel; None (and why) when not started."""
        page = self._page()
        page.end_countdown()  # Ctrl+Enter during the countdown: the call it counted to
        try:
            entry, lead = self.list.check_call()  # the lead read once: checked, dialed, shown
        except CallListRefused as exc:
            self._tell(str(exc))
            page.refresh()
            return None
        except sqlite3.Error as exc:
            self._tell(self.tr("The call list could not be read just now ({0}).").format(exc))
            return None
        who = lead_label(entry.name, entry.number)
        call = self._place(lead)  # the reservation, made at once (none: refused, or asked)
        if call is None:  # the call panel says why beside its Call button
            self._tell(self._not_called(who))
            return None
        task = call.task
        self.list.calling(call)
        self._tell(self.tr("Calling {0}…").format(who))
        page.refresh((entry, lead))
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

    def call_started(self, call: InFlight) -> None:
        """The registry says ``call`` has its history row."""
        self.list.call_started(call)  # a write refused is kept (CallList.save_problem)

    def call_ended(self, call: InFlight) -> None:
        """The registry says ``call`` ended: the list waits for its wrap-up (if it was the
        list's call and has a history row), else the next lead comes up."""
        entry = self.list.call_ended(call)
        if entry is None:
            return
        if self.list.awaiting_wrap_up is None:  # no history row to wrap up: on at once
            self._next_up()
        else:
            self._refresh()
            self._tell(self.tr("Wrap up the call to {0}; then the next lead comes up.")
                       .format(lead_label(entry.name, entry.number)))  # fmt: skip

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
            who = lead_label(entry.name, entry.number)
            self._tell(self.tr("Up next: {0}.").format(who))
        if self._built():
            self._page().next_lead_up()
        else:
            self._changed()

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
        try:
            build()
        except CallListRefused as exc:
            self._tell(str(exc))
            return
        except sqlite3.Error as exc:
            show_error(self.tr("Call list not made"), exc, self._window)
            return
        # The tab in front, the new list read once, the keyboard on Call with its focus mark:
        # built from the menu (Alt+F), Qt had the focus land there unmarked.
        self._show().focus_call()
        self._tell(self.tr("New call list: {0}.").format(self.list.source))

    def new_from_leads(self, leads: list[Lead]) -> None:
        """A list of ``leads`` (those picked in the Leads tab), in that order."""
        ids = [lead.id for lead in leads if lead.id is not None]
        if not ids:
            self._tell(self.tr("Pick leads in the Leads tab first (Ctrl+click or Shift+click "
                               "picks several); no call list was made."))  # fmt: skip
            return
        source = self.tr("%n selected lead(s)", "", len(ids))
        self._replace_then(lambda: self._built_list(lambda: self.list.from_lead_ids(ids, source)))

    def new_from_search(self, text: str) -> None:
        """A list of the leads the Leads tab's search ``text`` finds."""
        self._replace_then(lambda: self._built_list(lambda: self.list.from_search(text)))

    def choose_file(self) -> None:
        """Ask for a CSV file (non-modal); a chosen one is read as ``from_csv`` does."""
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
            report, ids, source, added = await off_thread(self.list.read_file, path, mapping)
        except OSError as exc:  # the file's problem, said as a list refused: no traceback
            said = file_unreadable(path, exc, LIST_KEPT)
            log.warning("%s", said)
            self._tell(said)
            return None
        except sqlite3.Error as exc:
            show_error(self.tr("Call list not made"), exc, self._window)
            return None
        # The list itself changes here, on the window's thread.
        self._built_list(lambda: self.list.from_lead_ids(ids, source, no_leads_in(path, report)))
        self._file_read(path, report, added)  # the importer's count: no counting around it
        return report
