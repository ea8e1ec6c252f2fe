"""The widgets and layout of the team lists panel; its behaviour is in ui/teams/panel.py."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.common.phone_field import PhoneField
from ui.common.resources import icon
from ui.common.shortcuts import view_action
from ui.common.undo import Note, UndoBar, undo_actions
from ui.common.widgets import button
from ui.teams.actions import TeamFileActions
from ui.teams.model import ENABLED, LABEL, NOTE, NUMBER, MembersModel


class TeamsPanelBase(QWidget):
    """Builds the controls; every interactive one has an accessible name and a tooltip."""

    def __init__(
        self, parent: QWidget | None = None, file_actions: TeamFileActions | None = None
    ) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        undo_actions(self.undo_stack, self)
        self._build(file_actions or TeamFileActions(self))

    def _build(self, file_actions: TeamFileActions) -> None:
        tr = self.tr
        self.team_combo = QComboBox(self)
        self.team_combo.setAccessibleName(tr("Team list"))
        self.team_combo.setToolTip(tr("The team list to edit"))
        self.team_combo.setMinimumContentsLength(16)
        # Why the lists cannot be changed here (an agent's copy of the team's); hidden otherwise.
        self.read_only_note = QLabel(self)
        self.read_only_note.setAccessibleName(tr("Team lists are read-only"))
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setVisible(False)
        self.new_button = button(self, tr("Ne&w list"), tr("New list"), tr("Create an empty list"))
        self.delete_button = button(
            self, tr("&Delete list…"), tr("Delete list"), tr("Delete this list (can be undone)")
        )
        self.import_button = button(
            self, tr("&Import…"), tr("Import list"), tr("Make a new list from a CSV file")
        )
        self.export_button = button(
            self, tr("E&xport…"), tr("Export list"), tr("Save this list as a CSV file")
        )
        self.export_button.setIcon(icon("export"))
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName(tr("List name"))
        self.name_edit.setToolTip(tr("The list's name; press Enter to rename it"))
        self.name_edit.setMaxLength(80)
        self.name_note = QLabel(self)
        self.name_note.setWordWrap(True)  # a long message wraps rather than widening the panel
        self.name_note.setAccessibleName(tr("List name check"))

        self.model = MembersModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Members"))
        self.table.setToolTip(
            tr("Members in ringing order. F2 edits, Delete removes, Alt+Up/Alt+Down or drag moves.")
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDropIndicatorShown(True)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # Tab leaves the table (arrows move inside it), so the tab order stays short.
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        # Labels are the one free text: their width is the person's (kept across runs); the
        # check column, mostly empty, takes what is left.
        for column, mode in (
            (ENABLED, QHeaderView.ResizeMode.ResizeToContents),
            (LABEL, QHeaderView.ResizeMode.Interactive),
            (NUMBER, QHeaderView.ResizeMode.ResizeToContents),
            (NOTE, QHeaderView.ResizeMode.Stretch),
        ):
            header.setSectionResizeMode(column, mode)
        self.table.setColumnWidth(LABEL, 160)
        self.up_button = button(self, tr("Move up"), tr("Move up"), tr("Ring earlier (Alt+Up)"))
        self.down_button = button(
            self, tr("Move down"), tr("Move down"), tr("Ring later (Alt+Down)")
        )
        self.remove_button = button(
            self,
            tr("&Remove"),
            tr("Remove member"),
            tr("Remove the member (Delete; can be undone)"),
        )
        self.move_up_action = view_action(self.table, tr("Move up"), "Alt+Up")
        self.move_down_action = view_action(self.table, tr("Move down"), "Alt+Down")
        self.remove_action = view_action(
            self.table, tr("Remove member"), QKeySequence.StandardKey.Delete
        )

        self.add_box = QGroupBox(tr("Add member"), self)
        self.label_edit = QLineEdit(self.add_box)
        self.label_edit.setAccessibleName(tr("New member label"))
        self.label_edit.setToolTip(tr('Who answers this phone, e.g. "Ann (desk)"'))
        self.label_edit.setPlaceholderText(tr("Label"))
        self.label_edit.setMaxLength(80)
        self.number_field = PhoneField(tr("New member number"), self.add_box)
        self.add_button = button(
            self.add_box,
            tr("Add"),
            tr("Add member"),
            tr("Add this number to the end of the list (Enter in either field)"),
        )
        self.add_note = Note(tr("Add member message"), self.add_box)

        self.preview = QLineEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(tr("List value sent"))
        self.preview.setToolTip(tr("The exact list value a call sends: enabled numbers, in order"))
        self.preview_note = QLabel(self)
        self.preview_note.setAccessibleName(tr("List value check"))
        self.preview_note.setWordWrap(True)
        self.undo_bar = UndoBar(self.undo_stack, self)
        # The File menu's, made by the window before this panel when it builds it later.
        self.import_action, self.export_action = file_actions.import_, file_actions.export
        # Focusing the panel (from the window's menu or a shortcut) lands on the list picker.
        self.setFocusProxy(self.team_combo)
        self._lay_out()

    def _lay_out(self) -> None:
        tr = self.tr
        top = QHBoxLayout()
        list_label = QLabel(tr("Li&st:"), self)
        list_label.setBuddy(self.team_combo)
        top.addWidget(list_label)
        top.addWidget(self.team_combo, 1)
        # The list's buttons on a row of their own: beside the list they set the narrowest
        # the whole window could be (about 1,100 px, too wide for a window beside a CRM).
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        name_row = QHBoxLayout()
        name_label = QLabel(tr("&Name:"), self)
        name_label.setBuddy(self.name_edit)
        name_row.addWidget(name_label)
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.name_note, 1)
        moves = QHBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        moves.addWidget(self.remove_button)
        form = QGridLayout(self.add_box)
        for column, (text, buddy) in enumerate(
            ((tr("La&bel:"), self.label_edit), (tr("N&umber:"), self.number_field))
        ):
            caption = QLabel(text, self.add_box)
            caption.setBuddy(buddy)
            form.addWidget(caption, 0, 2 * column)
            form.addWidget(buddy, 0, 2 * column + 1)
        form.addWidget(self.add_button, 0, 4)
        form.addWidget(self.add_note, 1, 0, 1, 5)
        form.setColumnStretch(1, 2)
        form.setColumnStretch(3, 4)
        preview_row = QHBoxLayout()
        preview_label = QLabel(tr("Sent as list:"), self)
        preview_label.setBuddy(self.preview)
        preview_row.addWidget(preview_label)
        preview_row.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        for part in (top, buttons, name_row):
            layout.addLayout(part)
        layout.addWidget(self.table, 1)
        layout.addLayout(moves)
        layout.addWidget(self.add_box)
        layout.addLayout(preview_row)
        layout.addWidget(self.preview_note)
        layout.addWidget(self.undo_bar)
        order = [
            self.team_combo, self.new_button, self.delete_button, self.import_button,
            self.export_button, self.name_edit, self.table, self.up_button, self.down_button,
            self.remove_button, self.label_edit, self.number_field.edit, self.add_button,
            self.preview,
        ]  # fmt: skip
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._tab_stops = [*order, self.undo_bar.undo_button, self.undo_bar.close_button]

    def tab_stops(self) -> list[QWidget]:
        """The widgets Tab stops at, in order (for the window, which builds this panel late:
        walking Qt's focus chain from Python would meet widgets Qt made itself)."""
        return list(self._tab_stops)
