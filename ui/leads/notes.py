"""A lead's notes, edited in a window of their own: several lines, which a table cell cannot
hold (its one-line editor would join them), opened by double-click, F2 or Shift+F2."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QStyledItemDelegate, QVBoxLayout, QWidget

from console.phone import format_display
from console.store import Lead
from ui.common.undo import Note
from ui.common.widgets import fit_title, save_cancel_buttons
from ui.leads.model import NOTES_LIMIT

_Index = QModelIndex | QPersistentModelIndex


class NotesDelegate(QStyledItemDelegate):
    """The notes column: a double-click or F2 asks for the notes window (``open_notes``)
    instead of a one-line editor; handled here, the double-click does not also pick the lead."""

    open_notes = Signal(QModelIndex)

    def editorEvent(self, event: QEvent, model, option, index: _Index) -> bool:  # noqa: N802
        double_click = (
            event.type() == QEvent.Type.MouseButtonDblClick
            and event.button() == Qt.MouseButton.LeftButton
        )
        f2 = event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_F2
        if double_click or f2:
            self.open_notes.emit(QModelIndex(index))
            return True
        return super().editorEvent(event, model, option, index)


class NotesDialog(QDialog):
    """Non-modal. ``save(lead_id, text)`` stores the notes and returns None, or says why it
    could not (the window then stays open with the text, so nothing typed is lost)."""

    def __init__(
        self, lead: Lead, save: Callable[[int, str], str | None], parent: QWidget | None = None
    ) -> None:
        # Imported when a notes window first opens: PySide6 builds each Qt class on first
        # import, and the delegate above is all the window needs at start.
        from PySide6.QtGui import QKeySequence, QShortcut
        from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

        super().__init__(parent)
        assert lead.id is not None
        self.lead_id = lead.id
        self._save = save
        self.setWindowTitle(self.tr("Lead notes"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(480, 320)
        who = QLabel(self)
        who.setWordWrap(True)
        who.setTextFormat(Qt.TextFormat.PlainText)
        name = lead.name or self.tr("(no name)")
        who.setText(self.tr("Notes for {0} · {1}:").format(name, format_display(lead.number)))
        self.edit = QPlainTextEdit(lead.notes, self)
        self.edit.setAccessibleName(self.tr("Lead notes"))
        self.edit.setToolTip(self.tr("Several lines are kept; Ctrl+Enter saves"))
        who.setBuddy(self.edit)
        self.problem = Note(self.tr("Notes message"), self)
        self.buttons = save_cancel_buttons(
            self, self.tr("Save the notes (Ctrl+Enter)"), self.tr("Close without saving")
        )
        self._save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        self.edit.textChanged.connect(self._check_length)
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        fit_title(self)

    def text(self) -> str:
        return self.edit.toPlainText()

    def _check_length(self) -> bool:
        over = len(self.text().strip()) - NOTES_LIMIT
        self._save_button.setEnabled(over <= 0)
        if over > 0:
            self.problem.setText(
                "⚠ "
                + self.tr("Notes hold up to {0} characters: {1} too many.").format(
                    NOTES_LIMIT, over
                )
            )
        else:
            self.problem.clear()
        return over <= 0

    def save(self) -> None:
        if not self._check_length():
            return
        problem = self._save(self.lead_id, self.text())
        if problem:
            self.problem.setText("⚠ " + problem)
            return
        self.accept()
