"""The window in team mode: the sync thread started and stopped, its state shown.

The window never talks to the team server (docs/team-server.md): the sync thread
(console.team.TeamSync) does, with a connection of its own to the desktop's store, and writes
its state in the store's team_state table. This module starts that thread when the desktop
is connected (settings team.url, or FINDME_TEAM_URL), stops it without waiting on a stalled
server, and shows what team_state says: a line ("Team server offline since 14:02 · 3 calls
or edits waiting to be sent", and the last problem), the team lists read-only for an agent,
the history's Agent column and filter.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget
from shiboken6 import isValid

from ui.common.tasks import TaskRunner, off_thread
from ui.common.team_state import describe

if TYPE_CHECKING:
    from console.engine import Engine
    from ui.history.view import HistoryView
    from ui.shell.teams_tab import TeamsTab

log = logging.getLogger(__name__)
STOP_WAIT_S = 0.2  # closing waits no longer than this for the sync thread (a daemon)
Config = tuple[str, "str | None", str]  # (url without password, password, agent name)


class TeamLine(QFrame):
    """One line under the banner: the team server's state and the last problem; hidden when
    there is nothing to say (connected, nothing waiting, no problem)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel(self)
        self.text.setAccessibleName(self.tr("Team server state"))
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel(self)
        self.problem.setAccessibleName(self.tr("Team server problem"))
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.addWidget(self.text)
        layout.addWidget(self.problem, 1)
        self.setVisible(False)

    def show_state(self, state: dict[str, str] | None) -> None:
        """Show ``state`` (team_state's keys); None: not in team mode (hidden)."""
        line, problem, tip = describe(state) if state is not None else ("", "", "")
        self.text.setText(line)
        self.text.setToolTip(tip)
        self.problem.setText("⚠ " + problem if problem else "")
        self.problem.setToolTip(problem)
        self.problem.setVisible(bool(problem))
        self.setVisible(bool(line or problem))


class TeamMode(QObject):
    """Starts the sync for the desktop's team server and shows its state in the window;
    ``shown`` carries each state shown (team_state's keys; None: not in team mode)."""

    shown = Signal(object)

    def __init__(
        self,
        engine: Engine,
        line: TeamLine,
        teams: TeamsTab,
        history: HistoryView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.line = line
        self.teams = teams
        self.history = history
        self.tasks = TaskRunner(self._failed)
        self.config: Config | None = None  # None: a desktop on its own
        self.sync: Any = None  # console.team.TeamSync, imported in team mode only
        self.state: dict[str, str] = {}
        self.agents: list[str] = []  # the agent names on the history's calls
        self._closed = False  # the window is closing: nothing more is started or shown
        # However the window goes (a test deletes it without closing it first): no sync left.
        self.destroyed.connect(lambda: self.stop(0))

    def start(self) -> asyncio.Task | None:
        """Read the configuration (settings and keyring, off the UI thread) and start the
        sync thread when there is a team server; then show the state. One at a time.
        None once the window is closing."""
        if self._closed:
            return None
        return self.tasks.single_flight("start the team sync", self._start)

    def restart(self) -> asyncio.Task:
        """The desktop joined, left or changed team server (the Account dialog)."""

        async def again() -> None:
            starting = self.tasks.running("start the team sync")
            if starting is not None:
                await asyncio.shield(starting)  # its sync thread is then known, to be stopped
            self._stop_sync(STOP_WAIT_S)
            started = self.start()
            if started is not None:
                await started

        return self.tasks.latest("restart the team sync", again())

    async def _start(self) -> None:
        from console.team_cli import configured

        try:
            config = await off_thread(configured, self.engine.vault)
        except Exception as exc:  # a keyring or settings problem: said on the line
            self.config = None
            if self._closed or not isValid(self.line):
                return
            self.line.show_state({"mode": "team", "error": str(exc)})
            return
        self.config = config
        if config is not None and self.sync is None:
            team = await off_thread(_import_team)  # psycopg: a big import, off the UI thread
            url, password, agent = config
            # Made and started here, on this thread: a cancelled start leaves no thread behind.
            self.sync = team.TeamSync(
                str(self.engine.store.path),
                url,
                password,
                agent,
            )
            self.sync.start()
        await self._read()

    def stop(self, wait: float = STOP_WAIT_S) -> bool:
        """The window is closing: its reads are cancelled and the sync thread asked to end,
        waiting at most ``wait`` seconds (it is a daemon thread: one stuck on a stalled server
        ends on its own and writes nothing more). Returns whether it ended."""
        self._closed = True
        self.tasks.cancel_now()  # a read ending after the window is gone must not touch it
        return self._stop_sync(wait)

    def _stop_sync(self, wait: float) -> bool:
        sync, self.sync = self.sync, None
        return True if sync is None else bool(sync.stop(timeout=wait))

    def read(self) -> asyncio.Task | None:
        """Show team_state again (read off the UI thread: the store may be busy)."""
        if self._closed:
            return None
        return self.tasks.latest("read the team state", self._read())

    async def _read(self) -> None:
        if self.config is None:
            self.state, self.agents = {}, []
        else:
            self.state, self.agents = await off_thread(_read_state, self.engine.store)
        if self._closed or not isValid(self.line):
            return
        self.show(self.state if self.config is not None else None)

    def show(self, state: dict[str, str] | None) -> None:
        """The window as ``state`` says (None: not in team mode)."""
        self.line.show_state(state)
        role = (state or {}).get("role", "")
        reason = self.tr("Only a team lead can edit team lists.") if role == "agent" else ""
        self.teams.set_read_only(reason if state is not None else "")
        self.shown.emit(state)  # the dispositions dialog, when open, follows the role too
        if state is None:
            self.history.show_team(None)
            return
        own = state.get("agent") or (self.config[2] if self.config else "")
        self.history.show_team(own, lead=role == "lead", agents=self.agents)

    def _failed(self, name: str, exc: BaseException) -> None:
        log.warning("could not %s: %s", name, exc)
        if self._closed or not isValid(self.line):
            return
        self.line.show_state({"mode": "team", "error": str(exc)})


def _read_state(store: Any) -> tuple[dict[str, str], list[str]]:
    """team_state and the agent names on the history's calls (off the UI thread)."""
    return store.team_state(), store.list_agents()


def _import_team() -> Any:
    import console.team

    return console.team
