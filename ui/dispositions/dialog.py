"""Edit → Dispositions…: the list the wrap-up strip offers, edited in the window.

The rules are the engine's (console.store.dispositions: check_disposition and placing through
the store, next_position, edit_refusal), as `main.py dispositions` applies them; this dialog
only shows them. Each change saves at once and can be undone (Ctrl+Z, or the message's Undo).
A name or kind typed and not saved is asked about on closing (Save / Discard / Cancel).
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.store.base import ConsoleStore, NotALead
from console.store.dispositions import (
    CALL_BACK,
    DO_NOT_CALL,
    MAX_NAME,
    BadDisposition,
    edit_refusal,
    next_position,
)
from console.store.models import Disposition
from ui.common.errors import ask
from ui.common.undo import Note, Ref, StoreChange, StoreUndo, UndoBar, undo_actions
from ui.common.widgets import button

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from PySide6.QtWidgets import QMessageBox

STRIP_KEYS = 9  # the wrap-up strip gives the first nine a digit


class RemovedMeanwhile(ValueError):
    """The disposition being saved is no longer in the store (another connection removed it)."""


class DispositionsDialog(QDialog):
    """The team's dispositions in the strip's order; ``changed`` after every saved edit."""

    changed = Signal()

    def __init__(self, store: ConsoleStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.dispositions: list[Disposition] = []
        self.read_only_reason = ""
        self._adding = False
        self.question: QMessageBox | None = None  # "not saved: Save / Discard / Cancel?"
        self._then: Callable[[], object] = lambda: None  # after Save or Discard in it
        # After a removal the neighbour is current (as in any list), and Remove rests for a
        # double-click's time: a double-click, or a second press before the list has been
        # seen again, would otherwise remove that neighbour too.
        self._settling = QTimer(self)
        self._settling.setSingleShot(True)
        self._settling.timeout.connect(self._update_buttons)
        self.setObjectName("dispositions")
        self.setWindowTitle(self.tr("Dispositions"))
        self.undo_stack = QUndoStack(self)
        self._changes: StoreUndo[Disposition] = StoreUndo(
            self.undo_stack, self._save, self._saved, self._not_saved
        )
        # Moves share _changes' Refs (an id Undo changes is seen by both).
        self._moves: StoreUndo[Disposition] = StoreUndo(
            self.undo_stack, self._place, self._saved, self._not_saved
        )
        self._build()
        undo_actions(self.undo_stack, self)
        self.reload()

    def _build(self) -> None:
        self.read_only_note = Note(self.tr("Why the list cannot be edited"), self)
        list_label = QLabel(self.tr("&List, in the wrap-up strip's order (its keys 1–9):"), self)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Dispositions"))
        self.list.setToolTip(
            self.tr("Insert adds, F2 renames, Delete removes, Alt+Up and Alt+Down move")
        )
        list_label.setBuddy(self.list)
        self.list.currentRowChanged.connect(self._show_current)
        self.list.installEventFilter(self)

        self.name = QLineEdit(self)
        self.name.setAccessibleName(self.tr("Disposition name"))
        self.name.setToolTip(self.tr("At most {0} characters; Enter saves").format(MAX_NAME))
        self.name.returnPressed.connect(self.save)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("What the disposition means"))
        self.kind.setToolTip(self.tr("Call back asks for a time; Do not call marks the lead"))
        self.kind.addItem(self.tr("Plain"), "")
        self.kind.addItem(self.tr("Call back (asks for a time)"), CALL_BACK)
        self.kind.addItem(self.tr("Do not call (marks the lead)"), DO_NOT_CALL)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Kind:"), self.kind)
        self.problem = Note(self.tr("Disposition problem"), self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)

        self.new_button = button(
            self, self.tr("&Add"), self.tr("Add a disposition"), self.tr("Type a new one (Insert)")
        )
        self.save_button = button(
            self, self.tr("&Save"), self.tr("Save disposition"), self.tr("Add or change (Enter)")
        )
        self.remove_button = button(
            self,
            self.tr("&Remove"),
            self.tr("Remove disposition"),
            self.tr("Take it off the list; calls keep it as their wrap-up (Delete)"),
        )
        self.up_button = button(
            self, self.tr("Move &up"), self.tr("Move up"), self.tr("Earlier in the list (Alt+Up)")
        )
        self.down_button = button(
            self,
            self.tr("Move &down"),
            self.tr("Move down"),
            self.tr("Later in the list (Alt+Down)"),
        )
        self.close_button = button(self, self.tr("Close"), self.tr("Close"), self.tr("Esc"))
        self.new_button.clicked.connect(self.new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self.remove)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.close_button.clicked.connect(self.close)
        buttons = QGridLayout()
        for index, widget in enumerate(
            (self.new_button, self.save_button, self.remove_button, self.up_button)
        ):
            buttons.addWidget(widget, index, 0)
        buttons.addWidget(self.down_button, 4, 0)
        buttons.setRowStretch(5, 1)
        buttons.addWidget(self.close_button, 6, 0)

        self.undo_bar = UndoBar(self.undo_stack, self)
        body = QGridLayout()
        body.addWidget(list_label, 0, 0)
        body.addWidget(self.list, 1, 0)
        body.addLayout(buttons, 1, 1)
        body.addLayout(form, 2, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        layout.addLayout(body)
        layout.addWidget(self.problem)
        layout.addWidget(self.undo_bar)
        # Enter belongs to the name field (it saves): a dialog's default button would take it
        # too, and Add empty what was just saved, or the message's Undo undo it.
        for widget in self.findChildren(QPushButton):
            widget.setAutoDefault(False)
        self._editors: tuple[QWidget, ...] = (
            self.name,
            self.kind,
            self.new_button,
            self.save_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        )

    # What the window asks
    def set_read_only(self, reason: str) -> None:
        """``reason`` (console.store.dispositions.edit_refusal) shown, nothing editable; ""
        makes the list editable again."""
        self.read_only_reason = reason
        self.read_only_note.setText(reason)
        for widget in self._editors:
            widget.setEnabled(not reason)
        self.undo_stack.setActive(not reason)
        self._update_buttons()

    def team_state_shown(self, state: dict[str, str] | None) -> None:
        """The team sync's state as the window shows it (None: not in team mode): an agent's
        list is read-only, saying why (console.store.dispositions.edit_refusal)."""
        self.set_read_only(edit_refusal(state or {}))

    def reload(self, select: int | None = None) -> None:
        """The list as the store has it; ``select`` the disposition with that id (else the
        row that was current)."""
        row = self.list.currentRow()
        self.dispositions = self.store.list_dispositions()
        self.list.blockSignals(True)
        self.list.clear()
        for index, d in enumerate(self.dispositions):
            key = f"{index + 1}  " if index < STRIP_KEYS else "    "
            meaning = {CALL_BACK: self.tr("call back"), DO_NOT_CALL: self.tr("do not call")}
            text = f"{key}{d.name}" + (f"  ({meaning[d.kind]})" if d.kind else "")
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, d.id)
        ids = [d.id for d in self.dispositions]
        if select in ids:
            row = ids.index(select)
        self.list.setCurrentRow(min(max(row, 0), len(ids) - 1) if ids else -1)
        self.list.blockSignals(False)
        self._show_current()

    def changed_elsewhere(self) -> None:
        """Another connection changed the list (the team sync, the command line): shown as it
        is now, keeping a name or kind being typed in."""
        current = self.current()
        adding, typed, kind = self._adding, self.name.text(), self.kind.currentIndex()
        editing = adding or (
            current is not None and (typed != current.name or kind != self._kind_index(current))
        )
        self.reload(select=current.id if current else None)
        if editing:
            self._adding = adding
            self.name.setText(typed)
            self.kind.setCurrentIndex(kind)
            self._update_buttons()

    def has_unsaved_edit(self) -> bool:
        """True when Save would add or change something: a name typed for a new one, or a
        name or kind changed on the current one."""
        if self.read_only_reason:
            return False
        typed = self.name.text().strip()
        current = None if self._adding else self.current()
        if current is None:
            return bool(typed)
        return typed != current.name or self.kind.currentData() != current.kind

    def reject(self) -> None:
        """Esc and Close (closeEvent calls this): an edit not saved is asked about first."""
        if not self.ask_before_close(lambda: None):
            super().reject()

    def ask_before_close(self, then: Callable[[], object]) -> bool:
        """Before the dialog (or the window, on quitting) closes on an edit not saved: Save,
        Discard or Cancel. Save (when the rules accept it) or Discard closes the dialog, then
        calls ``then`` (the window closes again); Cancel stays. True while asking (the close
        waits), False when there is nothing to ask."""
        if not self.has_unsaved_edit():
            return False
        self._then = then  # the latest asker goes on: Quit while Esc's question is open
        if self.question is not None:
            self.question.raise_()
            return True

        typed = self.name.text().strip()

        def close_then() -> None:
            super(DispositionsDialog, self).reject()
            self._then()

        def save() -> None:
            if self.save():  # refused: the problem is said, the dialog stays to correct it
                close_then()

        def discard() -> None:
            self._show_current()
            close_then()

        # The answers in the order the desktop's editors use; Enter saves (what was typed is
        # kept), Esc cancels (back to the dialog).
        box = ask(
            self,
            self.tr("Disposition not saved"),
            self.tr("“{0}” is not saved.").format(typed)
            if typed
            else self.tr("The change to the disposition is not saved."),
            save,
            yes=self.tr("&Save"),
            no=self.tr("&Cancel"),
            also=(self.tr("&Discard"), discard),
            default_yes=True,
        )
        box.finished.connect(lambda _result: setattr(self, "question", None))
        self.question = box
        return True

    def _kind_index(self, disposition: Disposition) -> int:
        return max(0, self.kind.findData(disposition.kind))

    def current(self) -> Disposition | None:
        row = self.list.currentRow()
        return self.dispositions[row] if 0 <= row < len(self.dispositions) else None

    # Edits
    def new(self) -> None:
        """Empty the fields for a new disposition (Insert); Save adds it at the end."""
        if self.read_only_reason:
            return
        self._adding = True
        self.name.clear()
        self.kind.setCurrentIndex(0)
        self.problem.clear()
        self.name.setFocus()
        self._update_buttons()

    def save(self) -> bool:
        """Add the typed disposition, or change the current one; False (the fields kept, the
        problem said) when the rules refuse it."""
        if self.read_only_reason:
            return False
        current = None if self._adding else self.current()
        kind = self.kind.currentData()
        if current is None:
            after = Disposition(None, self.name.text(), next_position(self.dispositions), kind)
            text = self.tr("Added “{0}”.").format(self.name.text().strip())
        else:
            after = current._replace(name=self.name.text(), kind=kind)
            if after.name.strip() == current.name and kind == current.kind:
                return True
            text = self.tr("Changed “{0}”.").format(current.name)
        self.problem.clear()
        index = self.undo_stack.index()
        self._changes.push(self._changes.ref(current.id if current else None), current, after, text)
        if self.undo_stack.index() == index:  # refused: the command was dropped
            return False
        self._adding = False
        self.undo_bar.report(text)
        return True

    def remove(self) -> None:
        """Take the current disposition off the list (Delete); Undo brings it back."""
        current = self.current()
        if self.read_only_reason or current is None or self._adding:
            return
        if self._settling.isActive():  # the press meant the one just removed
            return
        try:
            calls = self.store.count_calls(disposition=current.name)
        except sqlite3.Error:
            calls = 0
        text = self.tr("Removed “{0}”.").format(current.name)
        if calls:
            text += " " + self.tr("%n call(s) keep it as their wrap-up.", "", calls)
        index = self.undo_stack.index()
        self._changes.push(self._changes.ref(current.id), current, None, text)
        if self.undo_stack.index() != index:  # else refused: the problem is said instead
            self.undo_bar.report(text)
            self._settling.start(QApplication.doubleClickInterval())
            self._update_buttons()

    def move(self, step: int) -> None:
        """Move the current disposition up (-1) or down (+1): its digit on the strip."""
        row = self.list.currentRow()
        if self.read_only_reason or self._adding or row < 0:
            return
        target = row + step
        if not 0 <= target < len(self.dispositions):
            return
        chosen = self.dispositions[row]
        # One store write places it and renumbers the others (one transaction: no two share
        # a place if it fails midway); Undo places it back the same way.
        change = (self._changes.ref(chosen.id), chosen._replace(position=row),
                  chosen._replace(position=target))  # fmt: skip
        text = self.tr("Moved “{0}”.").format(chosen.name)
        index = self.undo_stack.index()
        self.undo_stack.push(StoreChange(self._moves.apply, [change], text))
        if self.undo_stack.index() != index:  # else not saved: the problem is said instead
            self.reload(select=chosen.id)  # it stays current, so Alt+Down again moves it on

    # StoreUndo's parts
    def _save(self, ref: Ref, state: Disposition | None) -> None:
        with self._refusals():
            if state is None:
                if ref.id is not None:
                    self.store.delete_disposition(ref.id)
                ref.id = None  # brought back by Undo, it is added again (a new id)
                return
            saved = self.store.save_disposition(state._replace(id=ref.id))
        ref.id = saved.id

    def _place(self, ref: Ref, state: Disposition | None) -> None:
        """A move's state: the disposition at its position (0-based) in the list."""
        assert state is not None  # a move never adds or removes
        with self._refusals():
            self.store.place_disposition(state._replace(id=ref.id), state.position + 1)

    @contextmanager
    def _refusals(self) -> Iterator[None]:
        """The store's refusals as the ValueErrors StoreUndo reports (``_not_saved``)."""
        try:
            yield
        except NotALead as exc:  # an agent on the team server
            raise ValueError(str(exc).strip("'\"")) from exc
        except KeyError as exc:  # another connection removed it since the list was read
            raise RemovedMeanwhile(
                self.tr(
                    "That disposition was removed meanwhile (by another desktop?); the list "
                    "is shown again as it is now."
                )
            ) from exc
        except IndexError as exc:  # a move past the list another connection shortened
            raise RemovedMeanwhile(
                self.tr("The list changed meanwhile (on another desktop?); it is shown again.")
            ) from exc

    def _saved(self, ref: Ref, state: Disposition | None) -> None:
        self.reload(select=ref.id if state is not None else None)
        self.changed.emit()

    def _not_saved(self, exc: Exception) -> None:
        field = exc.field if isinstance(exc, BadDisposition) else "name"
        text = str(exc)
        if isinstance(exc, RemovedMeanwhile):
            self.reload()  # the list as it is now; the message after it (reload clears it)
            self.changed.emit()  # the strip and the history's filter lose it too
            self.problem.setText(text)
            return
        # The fields keep what was typed: the person corrects it rather than types it again.
        self.problem.setText(text[:1].upper() + text[1:] + ".")
        (self.kind if field == "kind" else self.name).setFocus()

    # Showing
    def _show_current(self, _row: int = -1) -> None:
        current = self.current()
        self._adding = False
        self.problem.clear()
        self.name.setText(current.name if current else "")
        self.kind.setCurrentIndex(self._kind_index(current) if current else 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        editable = not self.read_only_reason
        row, count = self.list.currentRow(), len(self.dispositions)
        chosen = editable and row >= 0 and not self._adding
        self.remove_button.setEnabled(chosen and not self._settling.isActive())
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < count - 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._list_key(event)
        return super().eventFilter(watched, event)

    def _list_key(self, event: QKeyEvent) -> bool:
        key, alt = event.key(), event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move(-1 if key == Qt.Key.Key_Up else 1)
        elif key == Qt.Key.Key_Insert:
            self.new()
        elif key == Qt.Key.Key_F2 and not self.read_only_reason:
            self.name.setFocus()
            self.name.selectAll()
        elif key == Qt.Key.Key_Delete:
            self.remove()
        else:
            return False
        return True
