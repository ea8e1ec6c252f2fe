"""Leads: search as you type, quick add, paste a number, CSV import; edits can be undone."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QWidget

from console.phone import check_phone, format_display, lead_label
from console.store import Lead, Store
from ui.common.file_dialogs import Folders
from ui.common.tasks import TaskRunner
from ui.common.undo import Ref, StoreUndo
from ui.leads.import_csv import LeadImportMixin
from ui.leads.layout import LeadsPanelBase
from ui.leads.model import NAME, NOTES

# The CSV import (its reader, the column-mapping and summary dialogs) and the notes window
# are imported when first used: none of them is needed to show the window.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from console.csvlayout import SettingsLike
    from ui.common.column_mapping import ColumnMappingDialog
    from ui.leads.importer import ImportSummary
    from ui.leads.notes import NotesDialog

log = logging.getLogger(__name__)
PAGE = 500  # leads shown at once; search_leads is limited, so a search narrows the list
DEBOUNCE_MS = 150
CALLED_DELAY_MS = 50  # calls ending are shown in batches: one repaint per call stalled the window


class LeadsPanel(LeadImportMixin, LeadsPanelBase):
    """The agent's list of people to call, backed by the store."""

    current_lead_changed = Signal(object)  # Lead | None
    lead_activated = Signal(object)  # Lead, on Enter or double-click

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        tasks: TaskRunner | None = None,
        folders: Folders | None = None,
        settings: SettingsLike | None = None,
    ) -> None:
        super().__init__(store, parent)
        self._store = store
        self._folders = folders or Folders()  # where its file dialogs open
        # Where column choices for unrecognised files are remembered (None: not remembered).
        self._settings = settings
        self.mapping_dialog: ColumnMappingDialog | None = None
        self._changes = StoreUndo(self.undo_stack, self._save, self._saved, self._not_saved)
        self._announced: Lead | None = None
        # The window's runner when given, so its tasks are cancelled on quit with the rest.
        self.tasks = tasks or TaskRunner(self._task_failed)
        self.summary_dialog: ImportSummary | None = None
        self.context_menu: QMenu | None = None
        self._call_action: QAction | None = None
        self._list_actions: list[QAction] = []  # "new call list from…", offered by the shell
        self._notes: dict[int, NotesDialog] = {}  # open notes windows, by lead id
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        # Numbers whose calls ended, re-read together (see lead_called).
        self._called: set[str] = set()
        self._called_timer = QTimer(self)
        self._called_timer.setSingleShot(True)
        self._called_timer.setInterval(CALLED_DELAY_MS)
        self._called_timer.timeout.connect(self._show_called)
        self._connect()
        self.refresh()

    def _connect(self) -> None:
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        self.search.installEventFilter(self)  # Down from the search box goes to the results
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._announce())
        self.table.activated.connect(self._activated)
        self.model.edited.connect(self._edited)
        self.model.order_changed.connect(lambda *_: self._reload())
        self.model.rejected.connect(lambda text: self.undo_bar.report(text, undoable=False))
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.delete_action.triggered.connect(self.delete_current)
        self.edit_action.triggered.connect(self.edit_current)
        self.notes_action.triggered.connect(self.edit_notes)
        self.copy_action.triggered.connect(self.copy_number)
        self.notes_delegate.open_notes.connect(self._open_notes_at)
        self.table.menu_requested.connect(self._context_menu)
        self.paste_action.triggered.connect(self._paste)
        self.import_button.clicked.connect(self._choose_import)
        self.import_action.triggered.connect(self._choose_import)
        for edit in (self.name_edit, self.number_field.edit, self.company_edit):
            edit.returnPressed.connect(self.add_lead)
        self.add_button.clicked.connect(self.add_lead)

    def file_actions(self) -> list[QAction]:
        """Import, for the window's File menu."""
        return [self.import_action]

    def save_state(self) -> dict[str, Any]:
        """What of this panel to keep for the next run: the leads table's column widths."""
        return self.column_fit.state()

    def restore_state(self, state: dict[str, Any]) -> None:
        """Put back what ``save_state`` gave (anything unreadable is ignored)."""
        self.column_fit.restore(state)

    # ---- reading ---------------------------------------------------------------------------

    def current_lead(self) -> Lead | None:
        """The lead picked in the table."""
        index = self.table.currentIndex()
        return self.model.lead(index.row()) if index.isValid() else None

    def refresh(self) -> None:
        """Re-run the search (last results come from history), keeping the picked lead."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            # A reload would close the editor and lose what is being typed; try again soon.
            self._debounce.start()
            return
        self._reload()

    def _reload(self) -> None:
        self._debounce.stop()
        keep = self.current_lead()
        text = self.search.text()
        order, descending = self.model.order
        leads = self._store.search_leads(text, PAGE + 1, order, descending)
        self.model.set_leads(leads[:PAGE])
        self._count(len(leads[:PAGE]), more=len(leads) > PAGE, searching=bool(text.strip()))
        row = self.model.row_of(keep.id if keep else None)
        if row >= 0:
            self.table.selectRow(row)
        self._announce()

    def lead_called(self, number: str) -> None:
        """A call to ``number`` ended: its leads' last result is re-read soon, with others'."""
        self._called.add(number)
        if not self._called_timer.isActive():
            self._called_timer.start()  # not restarted: a steady stream still shows

    def _show_called(self) -> None:
        """Re-read the leads shown whose calls ended since the last time (last result)."""
        numbers, self._called = self._called, set()
        for row in range(self.model.rowCount()):
            shown = self.model.lead(row)
            if shown is not None and shown.number in numbers and shown.id is not None:
                lead = self._store.get_lead(shown.id)
                if lead is not None:
                    self.model.update_lead(lead)
        picked = self._announced
        self._announce()  # the call panel shows the picked lead's last result too
        if picked is not None and picked == self._announced and picked.number in numbers:
            # The lead reads the same, yet its calls changed (a wrap-up, say): read them again.
            self.lead_calls.refresh()

    def _count(self, shown: int, *, more: bool, searching: bool) -> None:
        locale = QLocale()
        count = self._store.count_leads()
        total = locale.toString(count)
        if more and searching:
            text = self.tr("showing first {0} matches — refine the search").format(PAGE)
        elif more:
            text = self.tr("showing first {0} of {1} — refine the search").format(PAGE, total)
        elif searching:
            text = self.tr("Matches: {0} of %Ln lead(s)", "", count).format(locale.toString(shown))
        else:
            text = self.tr("%Ln lead(s)", "", count)
        self.count_label.setText(text)

    def _announce(self) -> None:
        lead = self.current_lead()
        for control in (
            self.edit_button, self.delete_button, self.delete_action, self.edit_action,
            self.notes_action, self.copy_action,
        ):  # fmt: skip
            control.setEnabled(lead is not None)  # nothing to edit or delete without a pick
        if lead != self._announced:
            self._announced = lead
            self.lead_calls.show_lead(lead)
            self.current_lead_changed.emit(lead)

    def select_lead(self, lead_id: int) -> bool:
        """Pick a lead by id, clearing or changing the search if it is not shown."""
        row = self.model.row_of(lead_id)
        if row < 0:
            lead = self._store.get_lead(lead_id)
            if lead is None:
                return False
            self._set_search("")
            row = self.model.row_of(lead_id)
            if row < 0:  # beyond the first page: search for it by number
                self._set_search(lead.number)
                row = self.model.row_of(lead_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, NAME))
        self._announce()
        return True

    def clear_pick(self) -> None:
        """No lead picked (the call panel shows a number that is not one of the leads)."""
        self.table.setCurrentIndex(QModelIndex())
        self.table.clearSelection()

    def focus_search(self) -> None:
        """The keyboard in the search box with its text selected, so typing replaces it."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()  # focused already, it got no focus-in to select it

    def _set_search(self, text: str) -> None:
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self._reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            self._search_now()
            return True
        return super().eventFilter(watched, event)

    def offer_call(self, action: QAction) -> None:
        """Put the window's Call action (its key shown) first in each lead's menu."""
        self._call_action = action

    def offer_call_list(self, actions: list[QAction]) -> None:
        """Put the window's "new call list from…" actions after Call in each lead's menu."""
        self._list_actions = list(actions)

    def selected_leads(self) -> list[Lead]:
        """The leads selected in the table, in the table's order (Ctrl/Shift+click picks
        several); the current lead alone when none is selected."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        leads = [lead for row in rows if (lead := self.model.lead(row)) is not None]
        if not leads and (current := self.current_lead()) is not None:
            leads = [current]
        return leads

    def search_text(self) -> str:
        """What the search box holds (the leads shown are what it finds)."""
        return self.search.text()

    def _context_menu(self, index: QModelIndex, where: QPoint) -> None:
        """The lead's menu at ``where``: what can be done with it, each with its key."""
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.setCurrentIndex(index)  # the menu acts on this lead, and shows it picked
        else:  # on one of several selected: the selection stays (for a call list)
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.context_menu, above_delete = self.lead_menu(self._call_action, self._list_actions)
        lead = self.current_lead()
        if lead is not None and lead.id is not None:
            from ui.leads import do_not_call

            report = lambda text: self.undo_bar.report(text, undoable=False)  # noqa: E731
            do_not_call.add_action(
                self.context_menu,
                lead,
                self._store,
                lambda x: self.lead_called(x.number),
                report,
                above_delete,  # with the lead's edits
            )
        self.context_menu.popup(where)

    def _search_now(self) -> None:
        self.refresh()
        if self.model.rowCount():
            # Selected, not only current (the table makes its first row current on focus-in,
            # unselected): the row stays marked when Enter takes the keyboard to the team list.
            current = self.table.currentIndex()
            self.table.selectRow(current.row() if current.isValid() else 0)
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)  # a key moved it: marked

    def _activated(self, index: QModelIndex) -> None:
        lead = self.model.lead(index.row())
        if lead is not None:
            self.lead_activated.emit(lead)

    def find_lead(self, number: str) -> Lead | None:
        """The stored lead with exactly this number (digits, as check_phone gives them)."""
        return self._store.lead_with_number(number) if number else None

    # ---- changes: undoable commands that save straight away ------------------------------

    def _not_saved(self, exc: Exception) -> None:
        self.undo_bar.report(self.tr("Not saved: {0}").format(exc), undoable=False)
        self._reload()

    def _saved(self, ref: Ref, state: Lead | None) -> None:
        self._reload()
        if state is not None and ref.id is not None:
            self.select_lead(ref.id)

    def _save(self, ref: Ref, state: Lead | None) -> None:
        if state is None:
            if ref.id is not None:
                self._store.delete_lead(ref.id)
            ref.id = None
        elif ref.id is None:
            ref.id = self._store.add_lead(state).id
        else:
            try:
                self._store.update_lead(state._replace(id=ref.id))
            except KeyError:  # deleted elsewhere meanwhile: bring it back as new
                ref.id = self._store.add_lead(state).id

    def _edited(self, before: Lead, after: Lead) -> None:
        if after.number != before.number:
            other = self.find_lead(after.number)
            if other is not None and other.id != before.id:
                self.undo_bar.report(
                    self.tr("{0} is already the lead {1!r}; not saved.").format(
                        format_display(after.number), other.name
                    ),
                    undoable=False,
                )
                return
        name = lead_label(after.name, after.number)
        self._changes.push(
            self._changes.ref(before.id), before, after, self.tr("Edit lead {0}").format(name)
        )

    def edit_current(self) -> None:
        """Edit the picked lead: the cell the cursor is on, else its name; notes in their
        window."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        if index.column() == NOTES:
            self.edit_notes()
            return
        self.table.setFocus()
        if not self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
            index = self.model.index(index.row(), NAME)
        self.table.edit(index)

    def _open_notes_at(self, index: QModelIndex) -> None:
        self.table.setCurrentIndex(index)
        self.edit_notes()

    def edit_notes(self) -> NotesDialog | None:
        """The picked lead's notes in a window of their own (the one already open, raised)."""
        lead = self.current_lead()
        if lead is None or lead.id is None:
            return None
        dialog = self._notes.get(lead.id)
        if dialog is None:
            from ui.leads.notes import NotesDialog

            dialog = NotesDialog(lead, self._save_notes, self)
            self._notes[lead.id] = dialog
            dialog.finished.connect(lambda _r, key=lead.id: self._notes.pop(key, None))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _save_notes(self, lead_id: int, text: str) -> str | None:
        """Save a lead's notes as one undoable step; None, or why they were not saved."""
        before = self._store.get_lead(lead_id)  # as stored now: other fields may have changed
        if before is None:
            return self.tr("This lead was deleted meanwhile; copy the notes before closing.")
        after = before._replace(notes=text.strip())
        if after == before:
            return None
        name = lead_label(before.name, before.number)
        ref = self._changes.ref(lead_id)
        self._changes.push(ref, before, after, self.tr("Edit notes of {0}").format(name))
        saved = self._store.get_lead(ref.id) if ref.id is not None else None
        if saved is None or saved.notes != after.notes:
            return self.tr("The notes could not be saved; see the message below the leads.")
        return None

    def copy_number(self) -> str:
        """Put the picked lead's number on the clipboard, as shown; returns it."""
        lead = self.current_lead()
        if lead is None:
            return ""
        number = format_display(lead.number)
        QGuiApplication.clipboard().setText(number)
        self.undo_bar.report(self.tr("Copied {0}.").format(number), undoable=False)
        return number

    def delete_current(self) -> None:
        """Delete the picked lead, offering Undo (its call history stays)."""
        lead = self.current_lead()
        if lead is None:
            return
        row = self.table.currentIndex().row()
        name = lead_label(lead.name, lead.number)
        self._changes.push(
            self._changes.ref(lead.id), lead, None, self.tr("Delete lead {0}").format(name)
        )
        self.undo_bar.report(self.tr("Deleted the lead {0!r}.").format(name))
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
            self._announce()

    def add_lead(self) -> Lead | None:
        """Add the quick-add fields as a new lead, if the number is good and not known."""
        check = self.number_field.check()
        if check.digits is None:
            why = self.number_field.problem() or self.tr("is needed")
            self.add_note.setText(self.tr("⚠ Not added: the number {0}.").format(why))
            self.number_field.setFocus()
            return None
        known = self.find_lead(check.digits)
        if known is not None and known.id is not None:
            self._say_known(known)
            return None
        lead = Lead(None, self.name_edit.text().strip(), check.digits,
                    self.company_edit.text().strip())  # fmt: skip
        ref = self._changes.ref(None)
        name = lead_label(lead.name, lead.number)
        self._changes.push(ref, None, lead, self.tr("Add lead {0}").format(name))
        if ref.id is None:
            return None
        for edit in (self.name_edit, self.company_edit):
            edit.clear()
        self.number_field.setText("")
        self.add_note.setText(self.tr("Added {0}.").format(name))
        self.name_edit.setFocus()
        return self.current_lead()

    def _say_known(self, lead: Lead) -> None:
        self.add_note.setText(
            self.tr("{0} is already the lead {1!r}; picked it.").format(
                format_display(lead.number), lead.name
            )
        )
        if lead.id is not None:
            self.select_lead(lead.id)

    def prefill_number(self, text: str) -> str | None:
        """Put a pasted number or tel: link in quick add, normalized; the digits or None."""
        raw = text.strip()
        # The engine's one reader: a typed number and a tel: link are read alike.
        check = check_phone(raw)
        digits = check.digits
        if digits is None:
            # Said here too: the field keeps 40 characters, and a long link would be cut.
            return self._refuse_number(raw, self.tr("The pasted text {0}.").format(check.error))
        self.number_field.setText(format_display(digits))
        known = self.find_lead(digits)
        if known is not None:
            self._say_known(known)
        else:
            self.add_note.setText(self.tr("Type the name and press Enter to add this lead."))
            self.name_edit.setFocus()
        return digits

    def _refuse_number(self, raw: str, why: str) -> None:
        self.number_field.setText(raw)
        self.add_note.setText("⚠ " + why if why else "")
        self.number_field.setFocus()
        return None

    def _paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        if text.strip():
            self.prefill_number(text)
