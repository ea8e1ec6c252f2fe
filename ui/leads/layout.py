"""The widgets and layout of the leads panel; its behaviour is in ui/leads/panel.py."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.store.base import ConsoleStore
from ui.common.columns import ColumnFit
from ui.common.lead_calls_box import LeadCallsBox
from ui.common.phone_field import PhoneField
from ui.common.shortcuts import view_action
from ui.common.undo import Note, UndoBar, undo_actions
from ui.common.widgets import ElidedLabel, button, clear_on_escape, keep_selection_visible
from ui.leads.model import CALLS, COMPANY, NAME, NOTES, NUMBER, RESULT, TIME, LeadsModel
from ui.leads.notes import NotesDelegate


def _line_edit(parent: QWidget, name: str, tip: str, limit: int = 120) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setAccessibleName(name)
    edit.setToolTip(tip)
    edit.setMaxLength(limit)
    return edit


class LeadsTable(QTableView):
    """The leads table; ``menu_requested`` (index, global position) for a lead's menu.

    A right-click on the viewport and the menu key on the table both end in the table's
    contextMenuEvent: no event filter on the viewport, whose wrapper PySide6 builds at start
    only by creating a Python type for every Qt widget class (tens of ms).
    """

    menu_requested = Signal(QModelIndex, QPoint)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt's name
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            # The menu key: the current row, at its place (the event's is not one).
            index = self.currentIndex()
            where = self.viewport().mapToGlobal(self.visualRect(index).center())
        else:
            # A right-click reaches the viewport, at the row under the mouse.
            index, where = self.indexAt(event.pos()), event.globalPos()
        if not index.isValid():
            event.ignore()
            return
        event.accept()
        self.menu_requested.emit(index, where)


class LeadsPanelBase(QWidget):
    """Builds the controls; every interactive one has an accessible name and a tooltip."""

    def __init__(self, store: ConsoleStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        undo_actions(self.undo_stack, self)
        # The picked lead's calls, under the table (read from the store, not the history).
        self.lead_calls = LeadCallsBox(store, self)
        self._build()
        self._lay_out()

    def _build(self) -> None:
        tr = self.tr
        self.search = _line_edit(
            self, tr("Search leads"), tr("Type part of a name, company or number"), 200
        )
        self.search.setPlaceholderText(tr("Search name, company or number"))
        self.search.setClearButtonEnabled(True)
        clear_on_escape(self.search)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(tr("Leads shown"))

        self.model = LeadsModel(self)
        self.table = LeadsTable(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Leads"))
        self.table.setToolTip(
            tr(
                "Enter or double-click picks the lead to call; F2 edits; double-click a note "
                "or Shift+F2 edits the notes; Delete removes; Ctrl+V pastes a number into "
                "quick add; the menu key or a right-click shows every action"
            )  # fmt: skip
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several can be picked (Ctrl/Shift+click) for a call list; the current lead is the one.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Double-click and Enter pick the lead; editing is F2 or the Edit button; the notes
        # open in their own window (double-click or F2 there, or Shift+F2 anywhere in a row).
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.notes_delegate = NotesDelegate(self.table)
        self.table.setItemDelegateForColumn(NOTES, self.notes_delegate)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        keep_selection_visible(self.table)  # the lead picked stays marked while Call is used
        self.table.verticalHeader().hide()
        # Compact rows: an agent scans many leads at once.
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, mode in (
            (NAME, QHeaderView.ResizeMode.Interactive),
            (NUMBER, QHeaderView.ResizeMode.ResizeToContents),
            (COMPANY, QHeaderView.ResizeMode.Interactive),
            (RESULT, QHeaderView.ResizeMode.ResizeToContents),
            (TIME, QHeaderView.ResizeMode.ResizeToContents),
            (CALLS, QHeaderView.ResizeMode.ResizeToContents),
            (NOTES, QHeaderView.ResizeMode.Stretch),
        ):
            header.setSectionResizeMode(column, mode)
        # A click on a header orders the leads (the store does: see LeadsModel.sort), by
        # name to start with.
        header.setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        # Fitted to the rows in view, not to all 500: measuring every row again each time a
        # lead's last result changes stalled the window when many calls ended at once.
        header.setResizeContentsPrecision(0)
        # Notes give way altogether in a narrow window (1024 px) rather than the table
        # scrolling sideways, which took one of the few rows there: a note is whole in its
        # tooltip and its window.
        em = self.fontMetrics().horizontalAdvance("M")
        header.setMinimumSectionSize(em * 2)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Notes come last and keep a fair share (a few words: at 1024 px they had two
        # letters); then the name and the company narrow (cut with "…", whole in their
        # tooltips) so that Calls stays in view.
        # Result, Time and Calls of leads never called are empty: as wide as their headers then.
        self.column_fit = ColumnFit(
            self.table, {NAME: 110, COMPANY: 90}, fill=NOTES, fill_min=em * 7, floor=em * 4,
            shrink_empty=(RESULT, TIME, CALLS),
        )  # fmt: skip

        self.edit_button = button(self, tr("Ed&it"), tr("Edit lead"), tr("Edit the lead (F2)"))
        self.delete_button = button(
            self, tr("&Delete"), tr("Delete lead"), tr("Delete the lead (Delete; undoable)")
        )
        self.import_button = button(
            self, tr("Import CS&V…"), tr("Import leads"),
            tr("Add leads from a CSV file with name, phone, company and notes columns"),
        )  # fmt: skip
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # busy: the row count is not known until the end
        self.progress.setAccessibleName(tr("Import progress"))
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        # Cut to the room left: "Importing <file name>…" beside the buttons widened the window
        # past a 1024-pixel screen, for good (a window grows to its minimum, never shrinks back).
        self.progress_label = ElidedLabel(self, QSizePolicy.Policy.Preferred)
        self.progress_label.setAccessibleName(tr("Import status"))
        self.paste_action = view_action(
            self.table, tr("Paste number"), QKeySequence.StandardKey.Paste
        )
        self.delete_action = view_action(
            self.table, tr("&Delete lead"), QKeySequence.StandardKey.Delete
        )
        self.notes_action = view_action(self.table, tr("Edit &notes…"), "Shift+F2")
        self.copy_action = view_action(
            self.table, tr("&Copy number"), QKeySequence.StandardKey.Copy
        )
        # In the lead's menu only, its key shown there: in the table F2 edits the cell it is on.
        self.edit_action = QAction(tr("&Edit"), self)
        self.edit_action.setShortcut(QKeySequence("F2"))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.add_box = QGroupBox(tr("&Quick add"), self)
        self.name_edit = _line_edit(self.add_box, tr("New lead name"), tr("The lead's name"))
        self.number_field = PhoneField(tr("New lead number"), self.add_box, required=False)
        self.company_edit = _line_edit(
            self.add_box, tr("New lead company"), tr("The lead's company (optional)")
        )
        self.add_button = button(
            self.add_box, tr("Add"), tr("Add lead"), tr("Add this lead (Enter in any field)")
        )
        self.add_note = Note(tr("Quick add message"), self.add_box)
        self.undo_bar = UndoBar(self.undo_stack, self)
        self.import_action = QAction(tr("Import leads…"), self)
        self.import_action.setToolTip(tr("Add leads from a CSV file"))
        # Focusing the panel (from the window's menu or a shortcut) lands in the search box.
        self.setFocusProxy(self.search)

    def lead_menu(
        self, call: QAction | None, others: list[QAction] | None = None
    ) -> tuple[QMenu, QAction]:
        """The picked lead's context menu (deleted once closed): Call first, when given, then
        ``others`` (the call list's), the lead's own actions, and Delete apart. Returns it with
        the separator above Delete: more of the lead's own actions go before it."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if call is not None:
            menu.addAction(call)
            menu.addSeparator()
        if others:
            menu.addActions(others)
            menu.addSeparator()
        for action in (self.edit_action, self.notes_action, self.copy_action):
            menu.addAction(action)
        above_delete = menu.addSeparator()
        menu.addAction(self.delete_action)
        return menu, above_delete

    def _lay_out(self) -> None:
        tr = self.tr
        top = QHBoxLayout()
        search_label = QLabel(tr("&Search:"), self)
        search_label.setBuddy(self.search)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        actions.addWidget(self.progress_label)
        actions.addWidget(self.progress)
        actions.addWidget(self.import_button)
        form = QGridLayout(self.add_box)
        fields = (
            (tr("&Name:"), self.name_edit),
            (tr("N&umber:"), self.number_field),
            (tr("Compan&y:"), self.company_edit),
        )
        for row, (text, field) in enumerate(fields):
            caption = QLabel(text, self.add_box)
            caption.setBuddy(field)
            form.addWidget(caption, row, 0)
            form.addWidget(field, row, 1)
        form.addWidget(self.add_button, 2, 2)
        form.addWidget(self.add_note, 3, 0, 1, 3)
        form.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.lead_calls)
        layout.addWidget(self.add_box)
        layout.addWidget(self.undo_bar)
        order = [
            self.search, self.table, self.edit_button, self.delete_button, self.import_button,
            self.name_edit, self.number_field.edit, self.company_edit, self.add_button,
        ]  # fmt: skip
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.lead_calls.set_tab_order(self.import_button, self.name_edit)
