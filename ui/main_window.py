"""The main window: leads and teams on the left, the call panel on the right, history below."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from urllib.parse import urlsplit

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console import APP_NAME, __version__
from console.engine import Engine
from console.phone import format_display
from console.store import Lead
from ui.call_panel import CallPanel
from ui.errors import ask, show_error
from ui.history_view import HistoryView
from ui.leads_panel import LeadsPanel
from ui.links import read_number
from ui.resources import icon
from ui.tasks import TaskRunner, off_thread
from ui.teams_panel import TeamsPanel
from ui.tray import Tray, closes_to_tray
from ui.window_menus import build_menus
from ui.window_parts import SandboxBanner, TextDialog, from_text, to_text

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1280, 800)
CHECKPOINT_MS = 5000


class MainWindow(QMainWindow):
    """``closed`` is emitted once the window has really closed (after pending calls ended)."""

    closed = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.tasks = TaskRunner(self._task_failed)
        self._may_close = False
        self._quitting = False  # Quit was chosen: closing ends the console even with a tray
        self._dialogs: dict[str, QWidget] = {}
        self._question: QMessageBox | None = None
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("findme"))
        self._build()
        self.tray = Tray(self)
        build_menus(self)
        self._connect()
        self.update_account()
        self.restore_state()
        self._keep_store_checkpointed()

    def _keep_store_checkpointed(self) -> None:
        """Commits on this thread never stop to checkpoint the store's log; a timer has it
        done off the thread instead (see Store.defer_checkpoints)."""
        self.engine.store.defer_checkpoints()
        self._checkpointing: asyncio.Task | None = None
        timer = QTimer(self)
        timer.setInterval(CHECKPOINT_MS)
        timer.timeout.connect(self._checkpoint_store)
        timer.start()

    def _checkpoint_store(self) -> None:
        if self._checkpointing is None or self._checkpointing.done():
            self._checkpointing = self.tasks.spawn(self._checkpoint(), name="checkpoint the store")

    async def _checkpoint(self) -> None:
        try:
            await off_thread(self.engine.store.checkpoint_if_written)
        except sqlite3.Error as exc:
            # Logged, not a dialog every 5 s: the calls are safe in the log meanwhile, and the
            # next try (or closing the store) folds it in.
            log.warning("could not checkpoint the store: %s", exc)

    # Building
    def _build(self) -> None:
        store = self.engine.store
        # Widgets join the focus chain in the order they land in the window, so they are
        # created in layout order: banner, leads and teams, call panel, history.
        central = QWidget(self)
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.banner = SandboxBanner(central)
        layout.addWidget(self.banner)
        self.outer_split = QSplitter(Qt.Orientation.Vertical, central)
        self.outer_split.setObjectName("outer_split")
        layout.addWidget(self.outer_split, 1)
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self.outer_split)
        self.main_split.setObjectName("main_split")
        self.outer_split.addWidget(self.main_split)
        self.left_tabs = QTabWidget(self.main_split)
        self.left_tabs.setAccessibleName(self.tr("Leads and team lists"))
        self.left_tabs.setToolTip(self.tr("Leads to call, and the team phone lists"))
        self.main_split.addWidget(self.left_tabs)
        self.leads_panel = LeadsPanel(
            store, self.left_tabs, tasks=self.tasks, settings=self.engine.settings
        )
        self.left_tabs.addTab(self.leads_panel, self.tr("&Leads"))
        self.teams_panel = TeamsPanel(store, self.left_tabs)
        self.left_tabs.addTab(self.teams_panel, self.tr("Tea&ms"))
        self.call_panel = CallPanel(self.engine, self.tasks, self.main_split)
        self.main_split.addWidget(self.call_panel)
        self.history = HistoryView(store, self.tasks, self.outer_split)
        self.outer_split.addWidget(self.history)
        self.main_split.setStretchFactor(0, 2)
        self.main_split.setStretchFactor(1, 3)
        self.outer_split.setStretchFactor(0, 3)
        self.outer_split.setStretchFactor(1, 2)
        for split in (self.main_split, self.outer_split):
            split.setChildrenCollapsible(False)
        self.account_label = QLabel(self)
        self.account_label.setAccessibleName(self.tr("Account state"))
        self.memory_warning = QLabel(self)
        self.memory_warning.setAccessibleName(self.tr("Credentials warning"))
        self.statusBar().addPermanentWidget(self.memory_warning)
        self.statusBar().addPermanentWidget(self.account_label)

    def _connect(self) -> None:
        self.banner.link.connect(self._banner_link)
        self.leads_panel.current_lead_changed.connect(self.call_panel.set_lead)
        self.leads_panel.lead_activated.connect(self._lead_activated)
        self.teams_panel.teams_changed.connect(self.call_panel.refresh_teams)
        self.call_panel.call_started.connect(self.history.call_started)
        self.call_panel.call_finished.connect(self._call_finished)
        self.call_panel.message.connect(self.show_message)
        self.history.message.connect(self.show_message)
        self.history.call_again.connect(self.call_panel.load_call)
        self.call_panel.set_lead(self.leads_panel.current_lead())

    # Reactions
    def _lead_activated(self, lead) -> None:
        self.call_panel.set_lead(lead)
        self.call_panel.team_combo.setFocus()

    def _call_finished(self, call_id: int) -> None:
        record = self.engine.store.get_call(call_id)
        self.history.call_finished(call_id, record)
        if record is not None:
            # Each lead shows its last result: only the called lead's row is re-read (reloading
            # every lead per call stalls the window when many calls end together).
            self.leads_panel.lead_called(record.lead_number)
            self.tray.call_answered(record, self.isActiveWindow())

    def _banner_link(self, target: str) -> None:
        {"outbox": self.show_outbox, "rules": self.show_rules, "account": self.show_account}[
            target
        ]()

    def _task_failed(self, name: str, exc: BaseException) -> None:
        show_error(self.tr("Background task failed: {0}").format(name), exc, self)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)

    def present(self) -> None:
        """Bring the window to the front, un-minimized (a link arrived, or the tray asked)."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def open_link(self, message: str) -> None:
        """What a later launch (or macOS) handed over: the window in front, then any link."""
        if self._may_close:
            return  # closing: raising now would bring back a window that is going away
        self.present()
        if message.strip():
            self.prefill_from_link(message)

    def prefill_from_link(self, text: str) -> Lead | None:
        """A tel:/callto: link or typed number as the lead, ready to call; nothing is dialed."""
        try:
            digits = read_number(text)
        except ValueError as exc:
            self._refuse_link(str(exc))
            return None
        lead = self.leads_panel.find_lead(digits)
        if lead is None or lead.id is None or not self.leads_panel.select_lead(lead.id):
            lead = Lead(None, "", digits)
            # No row stays picked, so refreshing the leads cannot swap the lead back.
            self.leads_panel.table.setCurrentIndex(QModelIndex())
            self.leads_panel.table.clearSelection()
            self.call_panel.set_lead(lead)
        number = format_display(digits)
        who = f"{lead.name} · {number}" if lead.name else number
        if self.call_panel.current_team() is None:
            ready = self.tr("{0} is ready, but there is no team list: add one in the Teams tab.")
        else:
            ready = self.tr("{0} is ready: press Call to dial it; nothing has been sent.")
        self.call_panel.show_feedback(ready.format(who))
        self.show_message(self.tr("Number received: {0}").format(number))
        self.call_panel.call_button.setFocus()
        return lead

    def _refuse_link(self, reason: str) -> None:
        box = self._dialogs.get("link")
        if not isinstance(box, QMessageBox):
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                self.tr("Cannot call"),
                "",
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setWindowModality(Qt.WindowModality.NonModal)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.setObjectName("link_problem")
            box.setInformativeText(self.tr("Nothing was dialed, and the call panel is unchanged."))
            box.finished.connect(lambda _r: self._dialogs.pop("link", None))
            self._dialogs["link"] = box
        box.setText(reason)
        box.show()
        box.raise_()
        self.show_message(reason)

    def focus_leads(self) -> None:
        self.left_tabs.setCurrentWidget(self.leads_panel)
        self.leads_panel.setFocus()

    def update_account(self) -> None:
        """Banner, status bar and outbox action follow the account in use."""
        engine = self.engine
        sandbox = engine.uses_sandbox
        self.banner.setVisible(sandbox)
        self.outbox_action.setEnabled(sandbox)
        if sandbox:
            self.account_label.setText(self.tr("Sandbox (no real calls)"))
            self.memory_warning.clear()
            self.memory_warning.setVisible(False)
            return
        settings = engine.settings
        label = settings.get("account.label") or self.tr("DialogTech account")
        host = urlsplit(engine.api_url).netloc
        text = self.tr("{0} · {1} · secrets in {2}").format(label, host, engine.vault.location)
        if engine.trusted_ca:
            text += " · ⚠ " + self.tr("a custom certificate is trusted")
        self.account_label.setText(text)
        self.memory_warning.setVisible(engine.vault.in_memory)
        if engine.vault.in_memory:
            self.memory_warning.setText("⚠ " + self.tr("credentials kept for this run only"))
            self.memory_warning.setToolTip(engine.vault.warning or "")

    # Dialogs, all non-modal and kept one of each
    def _open(self, key: str, make) -> QWidget:
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
        from ui.account_dialog import AccountDialog

        def make():
            dialog = AccountDialog(self.engine, self)
            dialog.applied.connect(self.update_account)
            return dialog

        return self._open("account", make)

    def show_outbox(self) -> QWidget:
        from ui.outbox_dialog import OutboxDialog

        return self._open("outbox", lambda: OutboxDialog(self.engine, self))

    def show_preferences(self) -> QWidget:
        from ui.preferences_dialog import PreferencesDialog

        def make():
            dialog = PreferencesDialog(self.engine.settings, self)
            dialog.saved.connect(self._preferences_saved)
            return dialog

        return self._open("preferences", make)

    def _preferences_saved(self) -> None:
        if not self.call_panel.presets.current_name():
            self.call_panel.presets.load("")  # the defaults preset shows the new defaults

    def show_rules(self) -> QWidget:
        from console.sandbox import describe_rules

        return self._open(
            "rules", lambda: TextDialog(self.tr("Sandbox rules"), describe_rules(), self)
        )

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("About {0}").format(APP_NAME))
        box.setIconPixmap(icon("findme").pixmap(64, 64))
        box.setText(f"<b>{APP_NAME}</b> {__version__}")
        box.setInformativeText(
            self.tr("Click-to-FindMe List calls for sales agents and team leads.")
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_notices(self) -> None:
        """Engine notices (settings reset, recovered calls), once, without blocking."""
        if not self.engine.notices:
            return
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
        box.show()

    # Layout persistence
    def save_state(self) -> None:
        state = {
            "geometry": to_text(self.saveGeometry()),
            "state": to_text(self.saveState()),
            "main_split": to_text(self.main_split.saveState()),
            "outer_split": to_text(self.outer_split.saveState()),
            "history_header": to_text(self.history.table.horizontalHeader().saveState()),
            "left_tab": self.left_tabs.currentIndex(),
            "options_tab": self.call_panel.form.tabs.currentIndex(),
        }
        settings = self.engine.settings
        settings.set("ui.window_state", json.dumps(state))
        settings.save()

    def restore_state(self) -> None:
        """The layout of last time, else a sensible default size."""
        text = self.engine.settings.get("ui.window_state")
        try:
            state = json.loads(text) if text else {}
        except ValueError:
            state = {}
        if not (state.get("geometry") and self.restoreGeometry(from_text(state["geometry"]))):
            self.resize(*DEFAULT_SIZE)
            self.main_split.setSizes([600, 680])  # the leads table's columns, without scrolling
            self.outer_split.setSizes([540, 260])
        restorers = (
            ("state", self.restoreState),
            ("main_split", self.main_split.restoreState),
            ("outer_split", self.outer_split.restoreState),
            ("history_header", self.history.table.horizontalHeader().restoreState),
        )
        for key, restore in restorers:
            if state.get(key):
                try:
                    restore(from_text(state[key]))
                except (ValueError, TypeError):
                    log.warning("window state: ignoring %s", key)
        self.left_tabs.setCurrentIndex(int(state.get("left_tab", 0)))
        self.call_panel.form.tabs.setCurrentIndex(int(state.get("options_tab", 0)))

    # Closing
    def quit(self) -> None:
        """End the console (File or tray Quit), asking first if calls are in flight."""
        if self.call_panel.pending.rows:
            self.present()  # the question about them needs the window in view
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._may_close:
            event.accept()
            return
        quitting, self._quitting = self._quitting, False
        to_tray = self.engine.settings.get("ui.close_to_tray")
        if closes_to_tray(to_tray, self.tray.shown, quitting):
            event.ignore()
            self.hide()  # calls keep running; the tray brings the window back
            self.tray.hidden_to_tray()
            return
        pending = len(self.call_panel.pending.rows)
        if pending:
            event.ignore()
            self._question = ask(
                self,
                self.tr("Calls in flight"),
                self.tr("%n call(s) are still waiting for an answer.", "", pending),
                self._close_after_cancelling,
                yes=self.tr("&Cancel them and quit"),
                no=self.tr("&Keep working"),
                informative=self.tr(
                    "Cancelled calls may still go ahead at the service; each is recorded as "
                    "cancelled in the history."
                ),
            )
            return
        self._finish_close()
        event.accept()

    def _close_after_cancelling(self) -> None:
        async def cancel_then_close() -> None:
            await self.tasks.cancel_all()
            self._finish_close()
            self.close()

        # Held by the loop until done; the window stays open (and referenced) meanwhile.
        self._closing = asyncio.ensure_future(cancel_then_close())

    def _finish_close(self) -> None:
        self._may_close = True
        try:
            self.save_state()
        except OSError as exc:
            log.warning("could not save the window layout: %s", exc)
        for dialog in list(self._dialogs.values()):
            dialog.close()
        self.tray.close()
        QTimer.singleShot(0, self.closed.emit)
