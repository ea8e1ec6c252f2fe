"""Shortcuts that belong to one view, so the same keys keep their meaning elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def view_action(view: QWidget, text: str, keys: str | QKeySequence.StandardKey) -> QAction:
    """An action on ``view`` whose shortcut works only while the view has focus.

    Delete or Paste in a text field must still edit the text, not the table beside it.
    """
    action = QAction(text, view)
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    view.addAction(action)
    return action
