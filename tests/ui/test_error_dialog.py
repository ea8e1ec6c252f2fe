"""The error dialog (ui.common.errors.ErrorDialog): its details, and copying them."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from ui.common.errors import ErrorDialog


def _copy(dialog: ErrorDialog) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Copy details")


def test_copy_details_shows_only_when_there_are_details(qtbot) -> None:
    # It offered "Copy details" under a message with no details to copy.
    bare = ErrorDialog("Leads not imported", "The file is empty.")
    qtbot.addWidget(bare)
    bare.show()
    assert not bare.details.isVisible() and not _copy(bare).isVisible()
    full = ErrorDialog("Unexpected error", "boom", details="Traceback (most recent call last)")
    qtbot.addWidget(full)
    full.show()
    assert full.details.isVisible() and _copy(full).isVisible()
    _copy(full).click()
    assert QGuiApplication.clipboard().text() == "boom\n\nTraceback (most recent call last)"
