"""Undo for store edits: a snapshot command, and a message bar that offers Undo."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

log = logging.getLogger(__name__)


class Note(QLabel):
    """A word-wrapped message line that takes no room while it has nothing to say."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name, so callers read it as a label
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class UndoBar(QFrame):
    """Says what just changed, with an Undo button valid only while that change is the latest."""

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = stack
        self._index = -1
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Message"))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("Message text"))
        self.undo_button = QPushButton(self.tr("Undo"), self)
        self.undo_button.setAccessibleName(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Undo this change (Ctrl+Z)"))
        self.undo_button.clicked.connect(self._undo)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAccessibleName(self.tr("Dismiss message"))
        self.close_button.setToolTip(self.tr("Hide this message"))
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.close_button)
        # Once another change lands (or this one is undone), the button would undo the
        # wrong thing, so the bar goes away.
        stack.indexChanged.connect(self._stack_moved)
        self.hide()

    def report(self, text: str, *, undoable: bool = True) -> None:
        """Show `text`; with Undo when the latest command on the stack is the one reported."""
        self._index = self._stack.index() if undoable else -1
        self.label.setText(text)
        self.undo_button.setVisible(undoable)
        self.show()

    def _stack_moved(self, index: int) -> None:
        if self._index != -1 and index != self._index:
            self.hide()
            self._index = -1

    def _undo(self) -> None:
        if self._stack.index() == self._index and self._stack.canUndo():
            self._stack.undo()
        self.hide()


def undo_actions(stack: QUndoStack, owner: QWidget) -> tuple[QAction, QAction]:
    """Undo/Redo actions scoped to `owner`, so two panels in one window do not clash."""
    undo = stack.createUndoAction(owner, owner.tr("Undo"))
    redo = stack.createRedoAction(owner, owner.tr("Redo"))
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    for action in (undo, redo):
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        owner.addAction(action)
    return undo, redo


T = TypeVar("T")


class Ref:
    """The store id of one record, which changes when Undo brings a deleted record back.

    Each is itself (compared by identity): two refs to one id are two records' histories.
    """

    __slots__ = ("id",)

    def __init__(self, id: int | None) -> None:  # noqa: A002 - the record's field name
        self.id = id

    def __repr__(self) -> str:
        return f"Ref(id={self.id!r})"


class StoreChange(QUndoCommand, Generic[T]):
    """Records' states before and after a change (None = not in the store), applied as a batch.

    ``apply`` writes the given states to the store, updating each Ref's id, and returns
    False when it could not (it reports why itself).
    """

    def __init__(
        self,
        apply: Callable[[Sequence[tuple[Ref, T | None]]], bool],
        changes: Sequence[tuple[Ref, T | None, T | None]],
        text: str,
    ) -> None:
        super().__init__(text)
        self._apply = apply
        self.changes = list(changes)

    def redo(self) -> None:
        # A change that cannot be saved (say, another window took the name) is dropped from
        # the history rather than left as a step that undoes nothing.
        if not self._apply([(ref, after) for ref, _before, after in self.changes]):
            self.setObsolete(True)

    def undo(self) -> None:
        self._apply([(ref, before) for ref, before, _after in reversed(self.changes)])


class StoreUndo(Generic[T]):
    """Undoable store edits for one kind of record (leads, team lists): each change saves at
    once and lands on ``stack`` as a StoreChange.

    ``save(ref, state)`` writes one state (None deletes) and sets ``ref.id``; it may raise
    ValueError or sqlite3.Error, which ends the batch: ``failed(exc)`` then says so.
    ``saved(ref, state)`` runs after a batch was saved, with its last Ref and state.
    """

    def __init__(
        self,
        stack: QUndoStack,
        save: Callable[[Ref, T | None], None],
        saved: Callable[[Ref, T | None], None],
        failed: Callable[[Exception], None],
    ) -> None:
        self._stack = stack
        self._save = save
        self._saved = saved
        self._failed = failed
        # One Ref per record, shared by every command about it, so an id changed by Undo
        # (a deleted record brought back gets a new id) is seen by the commands after it.
        self._refs: list[Ref] = []

    def ref(self, record_id: int | None) -> Ref:
        """The Ref of a stored record (a new one for a record not stored yet: None)."""
        ref = next((r for r in self._refs if record_id is not None and r.id == record_id), None)
        if ref is None:
            ref = Ref(record_id)
            self._refs.append(ref)
        return ref

    def push(self, ref: Ref, before: T | None, after: T | None, text: str) -> None:
        """Save ``after`` in place of ``before`` (None: absent), undoably, as ``text``."""
        self._stack.push(StoreChange(self.apply, [(ref, before, after)], text))

    def apply(self, states: Sequence[tuple[Ref, T | None]]) -> bool:
        """Make the store hold each state; False (after ``failed``) if one could not be saved."""
        try:
            for ref, state in states:
                self._save(ref, state)
        except (ValueError, sqlite3.Error) as exc:
            log.warning("change not saved: %s", exc)
            self._failed(exc)
            return False
        self._saved(*states[-1])
        return True
