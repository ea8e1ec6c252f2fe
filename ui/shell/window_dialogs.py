"""The main window's dialogs: account, reports, outbox, preferences, sandbox rules, about and
the engine's notices; each non-modal and kept one of each. A part of MainWindow (a mixin), so
the menus, the tray and links reach them as the window's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from console import APP_NAME, __version__
from ui.common.file_dialogs import Folders
from ui.common.resources import icon
from ui.common.widgets import fit_title
from ui.shell.parts import TextDialog

if TYPE_CHECKING:  # message boxes are imported when one is first shown, not at start
    from PySide6.QtWidgets import QMessageBox, QStatusBar

    from console.engine import Engine
    from ui.calls.panel import CallPanel
    from ui.common.tasks import TaskRunner
    from ui.history.view import HistoryView
    from ui.shell.team_mode import TeamMode
    from ui.shell.wrapups import WrapUps


class WindowDialogs:
    """The dialogs MainWindow opens; it provides the attributes below."""

    if TYPE_CHECKING:
        engine: Engine
        tasks: TaskRunner
        call_panel: CallPanel
        history: HistoryView
        wrap_ups: WrapUps
        team_mode: TeamMode
        _dialogs: dict[str, QWidget]

        def tr(self, text: str) -> str: ...
        def update_account(self) -> None: ...
        def statusBar(self) -> QStatusBar: ...  # noqa: N802

    def _open(self, key: str, make: Callable[[], QWidget]) -> QWidget:
        dialog = self._dialogs.get(key)
        if dialog is None:
            dialog = make()
            dialog.finished.connect(lambda _r: self._dialogs.pop(key, None))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._dialogs[key] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_account(self) -> QWidget:
        from ui.account.dialog import AccountDialog

        def make():
            dialog = AccountDialog(self.engine, self)
            dialog.applied.connect(self.update_account)
            dialog.team_changed.connect(self.team_mode.restart)
            return dialog

        return self._open("account", make)

    def show_reports(self) -> QWidget:
        if "reports" in self._dialogs:
            return self._open("reports", lambda: self._dialogs["reports"])  # raised
        # The first opening imports pyqtgraph and numpy (~2 s on a slow machine), each one
        # builds the charts (~0.4 s): said at once, not a window that stops answering.
        with self._busy(self.tr("Loading charts…")):
            from ui.reports.window import ReportsWindow  # with pyqtgraph: only when opened

            store, settings = self.engine.store, self.engine.settings
            folders = Folders(settings)
            return self._open(
                "reports",
                lambda: ReportsWindow(store, self.tasks, folders, self, settings=settings),
            )

    @contextmanager
    def _busy(self, say: str) -> Iterator[None]:
        """``say`` in the status bar, painted now, and a busy cursor, while the block runs on
        this thread."""
        bar = self.statusBar()
        bar.showMessage(say)
        bar.repaint()  # now: the work that follows holds the thread
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            yield
        finally:
            QApplication.restoreOverrideCursor()
            if bar.currentMessage() == say:
                bar.clearMessage()

    def show_outbox(self) -> QWidget:
        from ui.account.outbox import OutboxDialog

        return self._open("outbox", lambda: OutboxDialog(self.engine, self))

    def show_preferences(self) -> QWidget:
        from ui.shell.preferences import PreferencesDialog

        def make():
            dialog = PreferencesDialog(self.engine.settings, self)
            dialog.saved.connect(self._preferences_saved)
            return dialog

        return self._open("preferences", make)

    def show_dispositions(self) -> QWidget:
        from ui.dispositions.dialog import DispositionsDialog

        def make():
            dialog = DispositionsDialog(self.engine.store, self)
            # What the wrap-up offers follows each edit at once (another desktop's edit comes
            # through the store watcher: ui.shell.live).
            dialog.changed.connect(self.dispositions_changed)
            # The role the team sync last read, as the Teams tab's read-only lists have it.
            dialog.team_state_shown(self.team_mode.state)
            self.team_mode.shown.connect(dialog.team_state_shown)
            return dialog

        return self._open("dispositions", make)

    def dispositions_changed(self) -> None:
        """The team's dispositions changed: the history's filter and the wrap-up strip."""
        self.history.refresh_dispositions()
        self.wrap_ups.refresh_dispositions()

    def dispositions_changed_elsewhere(self) -> None:
        """As dispositions_changed, for a change made by another connection (the store
        watcher): the dispositions dialog, when open, shows it too."""
        self.dispositions_changed()
        dialog = self._dialogs.get("dispositions")
        if dialog is not None:
            dialog.changed_elsewhere()  # type: ignore[attr-defined]  # a DispositionsDialog

    def _preferences_saved(self) -> None:
        self.call_panel.presets.defaults_changed()

    def show_rules(self) -> QWidget:
        from console.sandbox import describe_rules
        from console.sandbox.rules import API_TERMS

        # The rules in the window's words; the API's names for them in the tooltip.
        return self._open(
            "rules",
            lambda: TextDialog(self.tr("Sandbox rules"), describe_rules(), self, tip=API_TERMS),
        )

    def show_about(self) -> QMessageBox:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About {0}").format(APP_NAME))
        box.setIconPixmap(icon("findme").pixmap(64, 64))
        box.setText(f"<b>{APP_NAME}</b> {__version__}")
        box.setInformativeText(
            self.tr("Click-to-FindMe List calls for sales agents and team leads.")
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fit_title(box)
        box.open()
        return box

    def show_notices(self) -> None:
        """Engine notices (settings reset, recovered calls), once, without blocking."""
        if not self.engine.notices:
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information,
            APP_NAME,
            "\n\n".join(self.engine.notices),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("notices")
        self._dialogs["notices"] = box
        box.finished.connect(lambda _r: self._dialogs.pop("notices", None))
        fit_title(box)
        box.show()
