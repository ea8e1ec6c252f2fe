"""The Teams tab's File-menu actions, which exist before its panel does.

The window builds the Teams panel the first time it is needed (ui/shell/lazy_page.py); the
menu's Import and Export are made here at start, cheaply, and handed to the panel when it is
built. Kept apart from ui/teams/layout.py: importing that makes PySide6 build every widget
class the panel uses.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.store import Store
from ui.common.resources import icon


class TeamFileActions:
    """``import_`` makes a new team list from a CSV file; ``export`` saves the picked list."""

    def __init__(self, parent: QWidget, store: Store | None = None) -> None:
        tr = parent.tr
        self.import_ = QAction(tr("Import team list…"), parent)
        self.import_.setToolTip(tr("Make a new team list from a CSV file"))
        self.export = QAction(icon("export"), tr("Export team list…"), parent)
        self.export.setToolTip(tr("Save the picked team list as a CSV file"))
        if store is not None:
            # Until the panel says otherwise: it picks the first list there is, if any.
            self.export.setEnabled(bool(store.list_teams()))

    def all(self) -> list[QAction]:
        """Import then export, in the order of the File menu."""
        return [self.import_, self.export]
