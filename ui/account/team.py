"""The Account dialog's Team section: join or leave a team server (console.team_join, as
`team connect` / `team disconnect` do), and how the team sync is doing."""

from __future__ import annotations

import asyncio
import logging
import os

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from console.engine import Engine
from console.problems import LocalProblem
from console.settings import TEAM_AGENT, TEAM_URL
from ui.common.errors import show_error
from ui.common.screen import fit_to_screen
from ui.common.tasks import TaskRunner, off_thread
from ui.common.team_state import describe

log = logging.getLogger(__name__)
CHECK_DELAY_MS = 300  # the URL is read (off the UI thread) once typing pauses
URL_ENV = "FINDME_TEAM_URL"


class TeamSection(QGroupBox):
    """``changed`` is emitted once the desktop joined or left a team server."""

    changed = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Team server (shared team lists and history)"), parent)
        self.engine = engine
        self.tasks = TaskRunner(self._failed)
        self._build()
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_url)
        self.url_edit.textChanged.connect(lambda _t: self._check_timer.start())
        self._load()

    def _field(self, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setAccessibleName(name)
        edit.setToolTip(tip)
        return edit

    def _build(self) -> None:
        tr = self.tr
        self.url_edit = self._field(
            tr("Team server URL"),
            tr("The PostgreSQL server's URL, e.g. postgresql://ann@db.example.com/sales"),
        )
        self.url_edit.setPlaceholderText("postgresql://user@host/database")
        self.url_check = QLabel(self)
        self.url_check.setWordWrap(True)
        self.url_check.setAccessibleName(tr("Team server URL check"))
        self.agent_edit = self._field(
            tr("Agent name"),
            tr("The name on your calls; for an agent it is the login name, set by the server"),
        )
        self.agent_edit.setPlaceholderText(tr("your login name"))
        self.password_edit = self._field(
            tr("Team server password"), tr("Kept in the keyring, never in the settings")
        )
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.connect_button = QPushButton(tr("&Connect"), self)
        self.connect_button.setAccessibleName(tr("Connect to the team server"))
        self.connect_button.setToolTip(
            tr("Try the server; when it answers, this desktop uses it (nothing is kept otherwise)")
        )
        self.connect_button.clicked.connect(self.join)
        self.disconnect_button = QPushButton(tr("Disco&nnect"), self)
        self.disconnect_button.setAccessibleName(tr("Disconnect from the team server"))
        self.disconnect_button.setToolTip(
            tr("Stop using the team server and forget its password; the lists copied stay")
        )
        self.disconnect_button.clicked.connect(self.leave)
        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.disconnect_button)
        buttons.addStretch(1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Team server status"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form = form = QFormLayout(self)
        form.addRow(tr("Se&rver URL:"), self.url_edit)
        form.addRow("", self.url_check)
        form.addRow(tr("A&gent name:"), self.agent_edit)
        form.addRow(tr("Pass&word:"), self.password_edit)
        form.addRow("", buttons)
        form.addRow(tr("Status:"), self.status)
        form.setRowVisible(self.url_check, False)  # until there is something to say

    def _load(self) -> None:
        settings = self.engine.settings
        self._saved_url = settings.get(TEAM_URL)
        self.url_edit.setText(self._saved_url)
        self.agent_edit.setText(settings.get(TEAM_AGENT))
        hint = self.tr("leave empty to keep the stored one") if self._saved_url else ""
        self.password_edit.setPlaceholderText(hint)
        self.disconnect_button.setEnabled(bool(self._saved_url))
        self.show_status()

    def _say_url(self, text: str) -> None:
        self.url_check.setText(text)
        self.form.setRowVisible(self.url_check, bool(text))
        self._fit()

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self._fit()

    def _fit(self) -> None:
        """A longer message makes the dialog taller (within the screen) rather than cut it."""
        dialog = self.window()
        layout = dialog.layout()
        if layout is None or not dialog.isVisible():
            return
        layout.activate()
        if layout.hasHeightForWidth():
            wanted = layout.totalHeightForWidth(dialog.width())
        else:
            wanted = dialog.sizeHint().height()
        if wanted > dialog.height():
            rect = QRect(dialog.geometry())
            rect.setHeight(wanted)
            fit_to_screen(dialog, rect)

    # What the URL will be
    def check_url(self) -> asyncio.Task:
        """Say what will be saved for the URL typed (read off the UI thread: it needs psycopg)."""
        self._check_timer.stop()
        return self.tasks.latest("check the team server URL", self._check(self.url_edit.text()))

    async def _check(self, text: str) -> None:
        from console.team_join import proposed_url

        if not text.strip():
            self._say_url("")
            return
        try:
            url, password = await off_thread(proposed_url, text)
        except ValueError as exc:
            self._say_url("⚠ " + str(exc))
            return
        notes = []
        if "sslmode=verify-full" in url and "sslmode" not in text:
            notes.append(
                self.tr(
                    "sslmode=verify-full will be added: a remote server's certificate and name "
                    "are checked."
                )
            )
        if password:
            notes.append(self.tr("The password in the URL goes to the keyring, not the settings."))
        self._say_url(" ".join(notes) or "✓ " + self.tr("a PostgreSQL URL"))

    # Status
    def show_status(self) -> asyncio.Task:
        """The team sync's state as the window's team line says it (off the UI thread)."""
        return self.tasks.latest("read the team state", self._status())

    async def _status(self) -> None:
        override = os.environ.get(URL_ENV, "").strip()
        if not self.engine.settings.get(TEAM_URL) and not override:
            self._say(self.tr("Not connected: this desktop uses its own store."))
            return
        state = await off_thread(self.engine.store.team_state)
        line, problem, _tip = describe(state)
        if not line and state.get("connected") == "1":
            who = state.get("agent", "")
            line = self.tr("Connected to {0} as {1} ({2}).").format(
                state.get("server", ""), who, state.get("role", "") or "?"
            )
        text = line or self.tr("Connecting to the team server…")
        if problem:
            text += "\n⚠ " + problem
        if override:
            text += "\n" + self.tr("{0} is set: it is used instead of these settings.").format(
                URL_ENV
            )
        self._say(text)

    # Joining and leaving
    def join(self) -> asyncio.Task:
        """Try the server, then keep it (off the UI thread: it may take connect_timeout)."""
        return self.tasks.single_flight("connect to the team server", self._join)

    async def _join(self) -> None:
        from console.team_join import KEYRING_ENTRY, join

        url, agent = self.url_edit.text(), self.agent_edit.text()
        password = self.password_edit.text() or None
        vault = self.engine.vault
        self.connect_button.setEnabled(False)
        self._say(self.tr("Connecting…"))
        try:
            if password is None and url.strip() == self._saved_url:
                password = await off_thread(vault.load_text, KEYRING_ENTRY)  # kept as it was
            joined = await off_thread(join, url, password, agent, vault, self.engine.settings)
        except (ValueError, LocalProblem) as exc:
            sentence = exc.sentence() if isinstance(exc, LocalProblem) else str(exc) + "."
            self._say("⚠ " + self.tr("Not connected: {0}").format(sentence))
            return
        finally:
            self.connect_button.setEnabled(True)
        self.password_edit.clear()
        self._saved_url = joined.url
        self.url_edit.setText(joined.url)
        self.disconnect_button.setEnabled(True)
        self.password_edit.setPlaceholderText(self.tr("leave empty to keep the stored one"))
        text = joined.sentence()
        if joined.password_kept_in:
            text += " " + self.tr("The password is kept in {0}.").format(joined.password_kept_in)
        if joined.keyring_warning:
            text += " ⚠ " + joined.keyring_warning
        self._say(text)
        self.changed.emit()

    def leave(self) -> asyncio.Task:
        return self.tasks.single_flight("disconnect from the team server", self._leave)

    async def _leave(self) -> None:
        from console.team_join import leave

        self.disconnect_button.setEnabled(False)
        try:
            await off_thread(leave, self.engine.vault, self.engine.settings, self.engine.store)
        except Exception:
            self.disconnect_button.setEnabled(True)
            raise
        self._saved_url = ""
        self.password_edit.setPlaceholderText("")
        self._say(self.tr("Disconnected: this desktop uses its own store; the lists copied stay."))
        self.changed.emit()

    def _failed(self, name: str, exc: BaseException) -> None:
        context = self.tr("Could not {0}:").format(name)
        show_error(self.tr("Team server"), exc, self, context=context)
