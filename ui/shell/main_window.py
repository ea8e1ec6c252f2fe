"""The main window: leads and teams on the left, the call panel on the right, history below."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console import APP_NAME
from console.engine import Engine
from console.settings import ACCOUNT_LABEL, CLOSE_TO_TRAY, WINDOW_STATE
from console.store import Lead
from ui.calls.panel import CallPanel
from ui.common.errors import ask, show_error
from ui.common.file_dialogs import Folders
from ui.common.resources import icon
from ui.common.saved_state import from_text, to_text
from ui.common.screen import fit_to_screen
from ui.common.tasks import TaskRunner, off_thread
from ui.common.widgets import ElidedLabel
from ui.history.view import HistoryView
from ui.leads.panel import LeadsPanel
from ui.shell.calllist_tab import CallListTab
from ui.shell.dialing import Dialing
from ui.shell.live import follow_store
from ui.shell.menus import build_menus
from ui.shell.parts import SandboxBanner
from ui.shell.style_facts import StyleFacts
from ui.shell.team_mode import TeamLine, TeamMode
from ui.shell.teams_tab import TeamsTab
from ui.shell.tray import Tray, closes_to_tray
from ui.shell.window_dialogs import WindowDialogs
from ui.shell.wrapups import WrapUps

if TYPE_CHECKING:  # message boxes are imported when one is first shown, not at start
    from collections.abc import Callable

    from PySide6.QtWidgets import QMessageBox

    from ui.teams.panel import TeamsPanel

log = logging.getLogger(__name__)
DEFAULT_SIZE = (1280, 800)
CHECKPOINT_MS = 5000
CHECKPOINT_TASK = "checkpoint the store"


class MainWindow(WindowDialogs, QMainWindow):
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
        self._shown_once = False
        self._when_idle: list[Callable[[], None]] = []  # see after_first_idle
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("findme"))
        # The style's name and a title bar's height as last found, checked once shown.
        self.style_facts = StyleFacts(self, engine.settings)
        self._build()
        self.dialing = Dialing(
            self, self.left_tabs, self.leads_panel, self.call_panel, self.present, self.show_message
        )
        self.team_mode = TeamMode(engine, self.team_line, self.teams, self.history, self)
        self.tray = Tray(
            self, self, self.call_panel.in_flight_changed, self.dialing.clipboard_action
        )
        self.menu_actions = build_menus(
            self,
            self,
            [
                self.leads_panel.file_actions(),
                self.teams.file_actions(),
                self.call_list.menu_actions(),
            ],
            [self.dialing.dial_action, self.dialing.clipboard_action],
        )
        self._connect()
        self.wrap_ups = WrapUps(self)
        self.wrap_ups.done.connect(self.call_list.wrap_up_done)  # the list's next lead
        self.update_account()
        self.restore_state()
        # The day starts by finding a lead: the keyboard starts in the search, not on the
        # banner's links, which come first in the focus chain.
        self.leads_panel.setFocus()
        self._keep_store_checkpointed()
        # Edits made by another connection (the team's sync, the command line) show too.
        parts = (self.teams, self.call_panel, self.leads_panel, self.history)
        self.store_watcher = follow_store(
            engine.store, self, *parts, self.team_mode.read, self.dispositions_changed_elsewhere
        )

    def _keep_store_checkpointed(self) -> None:
        """Commits on this thread never stop to checkpoint the store's log; a timer has it
        done off the thread instead (see Store.defer_checkpoints)."""
        self.engine.store.defer_checkpoints()
        timer = QTimer(self)
        timer.setInterval(CHECKPOINT_MS)
        timer.timeout.connect(self._checkpoint_store)
        timer.start()

    def _checkpoint_store(self) -> None:
        self.tasks.single_flight(CHECKPOINT_TASK, self._checkpoint)

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
        self.team_line = TeamLine(central)  # the team server's state, in team mode
        layout.addWidget(self.team_line)
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
        folders = Folders(self.engine.settings)  # one memory of folders for every file dialog
        self.leads_panel = LeadsPanel(
            store, self.left_tabs, tasks=self.tasks, folders=folders, settings=self.engine.settings
        )
        self.left_tabs.addTab(self.leads_panel, self.tr("&Leads"))
        # Built when first shown or used (on a first start, at once: see ui/shell/teams_tab.py).
        self.teams = TeamsTab(
            self,
            self.left_tabs,
            store=store,
            settings=self.engine.settings,
            folders=folders,
            tasks=self.tasks,
            changed=self._teams_changed,
            style=lambda: self.style_facts.name,
        )
        # The call list's tab (built when first shown); its calls go through the call panel.
        self.call_list = CallListTab(
            self, self.left_tabs, self.engine, self.leads_panel, lambda: self.call_panel,
            tasks=self.tasks, folders=folders, say=self.show_message,
            style=lambda: self.style_facts.name,
        )  # fmt: skip
        self.call_panel = CallPanel(self.engine, self.tasks, self.main_split)
        self.main_split.addWidget(self.call_panel)
        self.history = HistoryView(store, self.tasks, self.outer_split, folders=folders)
        self.outer_split.addWidget(self.history)
        self.main_split.setStretchFactor(0, 2)
        self.main_split.setStretchFactor(1, 3)
        self.outer_split.setStretchFactor(0, 3)
        self.outer_split.setStretchFactor(1, 2)
        for split in (self.main_split, self.outer_split):
            split.setChildrenCollapsible(False)
        # The account's own label and host can be long: cut, whole in the tooltip.
        self.account_label = ElidedLabel(self, QSizePolicy.Policy.Preferred)
        self.account_label.setAccessibleName(self.tr("Account state"))
        self.memory_warning = QLabel(self)
        self.memory_warning.setAccessibleName(self.tr("Credentials warning"))
        self.statusBar().addPermanentWidget(self.memory_warning)
        self.statusBar().addPermanentWidget(self.account_label)

    def _connect(self) -> None:
        self.banner.link.connect(self._banner_link)
        self.leads_panel.current_lead_changed.connect(self.call_panel.set_lead)
        self.leads_panel.lead_activated.connect(self._lead_activated)
        self.leads_panel.offer_call(self.menu_actions.call)
        self.leads_panel.offer_call_list(self.call_list.menu_actions()[:2])
        self.statusBar().insertPermanentWidget(0, self.call_list.status)
        self.call_panel.call_started.connect(self.history.call_started)
        # What waits to be sent grows with this window's calls and list edits.
        self.call_panel.call_started.connect(lambda _id: self.team_mode.read())
        self.call_panel.call_unsaved.connect(self.history.model.keep)
        self.call_panel.call_finished.connect(self._call_finished)
        self.call_panel.message.connect(self.show_message)
        self.history.message.connect(self.show_message)
        self.history.load_call.connect(self._load_call)
        self.call_panel.set_lead(self.leads_panel.current_lead())

    @property
    def teams_panel(self) -> TeamsPanel:
        """The Teams tab's panel, built now if it was not yet."""
        return self.teams.panel()

    # Reactions
    def _load_call(self, record) -> None:
        # The saved lead with the call's number, so the panel shows its name and its
        # "Do not call" mark and offers no "Save as lead" for it.
        self.call_panel.load_call(record, self.leads_panel.find_lead(record.lead_number))

    def _lead_activated(self, lead) -> None:
        self.call_panel.set_lead(lead)
        self.call_panel.focus_team()

    def _call_finished(self, call_id: int) -> None:
        record = self.history.model.unsaved.get(call_id) or self.engine.store.get_call(call_id)
        self.history.call_finished(call_id, record)
        if record is not None:
            # Each lead shows its last result: only the called lead's row is re-read (reloading
            # every lead per call stalls the window when many calls end together).
            self.leads_panel.lead_called(record.lead_number)
            self.tray.call_answered(record, self.isActiveWindow())
            if call_id not in self.history.model.unsaved:  # a row the history has
                self.wrap_ups.call_ended(record)

    def _banner_link(self, target: str) -> None:
        {"outbox": self.show_outbox, "rules": self.show_rules, "account": self.show_account}[
            target
        ]()

    def _task_failed(self, name: str, exc: BaseException) -> None:
        show_error(
            self.tr("Background task failed"),
            exc,
            self,
            context=self.tr("Could not {0}:").format(name),
        )

    # What the menus trigger (ui/shell/menus.py's MenuHost)
    def place_call(self) -> None:
        if self.call_list.is_current():  # Ctrl+Enter on the Call list tab: its lead up next
            self.call_list.call_current()
        else:
            self.call_panel.call()

    def export_history(self) -> None:
        self.history.ask_export()

    def focus_history(self) -> None:
        self.history.focus_calls()

    def focus_in_flight(self) -> None:
        if not self.call_panel.focus_in_flight():
            self.show_message(self.tr("No calls are in flight."))

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
        return self.dialing.prefill_from_link(text)

    def call_clipboard(self) -> object:
        """The clipboard's number, called once the agent confirms what will be dialed."""
        return self.dialing.confirm_clipboard()

    def focus_leads(self) -> None:
        self.left_tabs.setCurrentWidget(self.leads_panel)
        self.leads_panel.focus_search()

    def update_account(self) -> None:
        """Banner, status bar and outbox action follow the account in use."""
        engine = self.engine
        sandbox = engine.uses_sandbox
        self.banner.setVisible(sandbox)
        self.menu_actions.outbox.setEnabled(sandbox)
        if sandbox:
            self.account_label.set_full_text(self.tr("Sandbox (no real calls)"))
            self.memory_warning.clear()
            self.memory_warning.setVisible(False)
            return
        settings = engine.settings
        label = settings.get(ACCOUNT_LABEL) or self.tr("DialogTech account")
        host = urlsplit(engine.api_url).netloc
        text = self.tr("{0} · {1} · secrets in {2}").format(label, host, engine.vault.location)
        if engine.trusted_ca:
            text += " · ⚠ " + self.tr("a custom certificate is trusted")
        self.account_label.set_full_text(text)
        self.memory_warning.setVisible(engine.vault.in_memory)
        if engine.vault.in_memory:
            self.memory_warning.setText("⚠ " + self.tr("credentials kept for this run only"))
            self.memory_warning.setToolTip(engine.vault.warning or "")

    # Layout persistence
    def _panels(self) -> dict[str, LeadsPanel | TeamsTab | HistoryView]:
        """The parts that keep their own layout (their tables' columns) across runs."""
        return {"leads": self.leads_panel, "teams": self.teams, "history": self.history}

    def save_state(self) -> None:
        state = {
            "geometry": to_text(self.saveGeometry()),
            "state": to_text(self.saveState()),
            "main_split": to_text(self.main_split.saveState()),
            "outer_split": to_text(self.outer_split.saveState()),
            "panels": {name: panel.save_state() for name, panel in self._panels().items()},
            "left_tab": self.left_tabs.currentIndex(),
            "call_panel": self.call_panel.layout_state(),
        }
        from ui.common.settings_save import keep_settings

        keep_settings(self.engine.settings, "the window layout", {WINDOW_STATE: json.dumps(state)})

    def restore_state(self) -> None:
        """The layout of last time, else a sensible default size."""
        text = self.engine.settings.get(WINDOW_STATE)
        try:
            state = json.loads(text) if text else {}
        except ValueError:
            state = {}
        if state.get("geometry") and self.restoreGeometry(from_text(state["geometry"])):
            self._fit_to_screen()  # saved on a larger screen, or with a screen now gone
        else:
            size = fit_to_screen(
                self, QSize(*DEFAULT_SIZE), title_bar=self.style_facts.title_bar
            ).size()
            # The leads table's columns without scrolling (600 of 1280 px); on a smaller
            # screen, in proportion, or nearly all of them when the call panel has room.
            spare = size.width() - self.call_panel.minimumSizeHint().width() - 40
            left = max(size.width() * 600 // DEFAULT_SIZE[0], min(560, spare))
            self.main_split.setSizes([left, size.width() - left])
            top = size.height() * 540 // DEFAULT_SIZE[1]
            self.outer_split.setSizes([top, size.height() - top])
        restorers = (
            ("state", self.restoreState),
            ("main_split", self.main_split.restoreState),
            ("outer_split", self.outer_split.restoreState),
        )
        for key, restore in restorers:
            if state.get(key):
                try:
                    restore(from_text(state[key]))
                except (ValueError, TypeError):
                    log.warning("window state: ignoring %s", key)
        panels = state.get("panels")
        if not isinstance(panels, dict):  # saved by a version that kept the history's alone
            panels = {"history": {"header": state.get("history_header")}}
        for name, panel in self._panels().items():
            saved = panels.get(name)
            if isinstance(saved, dict):
                panel.restore_state(saved)
        self.left_tabs.setCurrentIndex(int(state.get("left_tab", 0)))
        panel = state.get("call_panel")
        if not isinstance(panel, dict):  # saved by an earlier version
            panel = {"options_tab": state.get("options_tab", 0)}
        self.call_panel.restore_layout(panel)

    def _fit_to_screen(self) -> None:
        if not self.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            fit_to_screen(self, title_bar=self.style_facts.title_bar)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self, self._first_turn)  # dropped if the window goes first

    def _first_turn(self) -> None:
        # Again once shown: the frame's real size (title bar) is known only now.
        self._fit_to_screen()
        # Queued behind what the first turn of the loop has to do (show, expose, paint).
        QTimer.singleShot(0, self, self._after_first_idle)

    def after_first_idle(self, work: Callable[[], None]) -> None:
        """Run ``work`` once the window is shown and idle (the start's leftovers)."""
        self._when_idle.append(work)

    def _after_first_idle(self) -> None:
        """Once the window is shown and idle: what was left from the start."""
        self.call_list.show_status()  # reads the call list (console.calllist loads then)
        for work in self._when_idle:
            work()
        if self.style_facts.check():  # the style changed since the answers were kept
            self._fit_to_screen()
            self.teams.panel()  # their remembered sizes were the old style's
            self.call_list.page.panel()
        # Its configuration is read (keyring, settings) on another thread: not while the
        # window lays itself out and paints, when each Python call from Qt waits for the GIL.
        self.team_mode.start()

    # Closing
    def quit(self) -> None:
        """End the console (File or tray Quit), asking first if calls are in flight."""
        if self.engine.calls.count_sent():
            self.present()  # the question about them needs the window in view
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._may_close:
            event.accept()
            return
        quitting, self._quitting = self._quitting, False
        to_tray = self.engine.settings.get(CLOSE_TO_TRAY)
        if closes_to_tray(to_tray, self.tray.shown, quitting):
            event.ignore()
            self.hide()  # calls keep running; the tray brings the window back
            self.tray.hidden_to_tray()
            return
        dispositions = self._dialogs.get("dispositions")

        def again() -> None:  # after a question answered "go on": closed again, as asked
            self._close_again(quitting)

        if dispositions is not None and dispositions.ask_before_close(again):  # type: ignore[attr-defined]
            event.ignore()  # a disposition typed and not saved: its dialog asks first
            dispositions.raise_()
            return
        if self.wrap_ups.ask_before_close(again):
            event.ignore()  # a wrap-up begun and not saved: asked first
            return
        # Only calls that may have been sent are worth a question; one still being checked
        # (waiting for the keyring) sent nothing and is cancelled with the window's tasks.
        pending = self.engine.calls.count_sent()
        if pending:
            event.ignore()
            self._question = ask(
                self,
                self.tr("Calls in flight"),
                self.tr("%n call(s) still waiting for an answer.", "", pending),
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

    def _close_again(self, quitting: bool) -> None:
        self._quitting = quitting
        self.close()

    def _close_after_cancelling(self) -> None:
        async def cancel_then_close() -> None:
            await self.tasks.cancel_all()
            self._finish_close()
            self.close()

        # Held by the loop until done; the window stays open (and referenced) meanwhile.
        self._closing = asyncio.ensure_future(cancel_then_close())

    def _teams_changed(self) -> None:
        """The Teams panel saved a change (made after the call panel and team mode)."""
        self.call_panel.refresh_teams()
        self.team_mode.read()  # a list edit waits to be sent, in team mode

    def _finish_close(self) -> None:
        self._may_close = True
        self.store_watcher.stop()
        self.team_mode.stop()  # not waiting on a stalled team server
        self.save_state()
        for dialog in list(self._dialogs.values()):
            dialog.close()
        self.dialing.close()
        self.tray.close()
        QTimer.singleShot(0, self.closed.emit)
