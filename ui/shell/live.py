"""Writes made to the desktop's store by another connection, shown in the window within a second.

Another connection is the team's sync thread, the command line (`teams import`, `call`), or
another console on this desktop. A timer asks the store (console.store.watch: one PRAGMA when
nothing changed, and it never waits for the store) and each part re-reads what it shows.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from console.store.watch import ChangeMark

if TYPE_CHECKING:
    from console.store import Store
    from ui.calls.panel import CallPanel
    from ui.history.view import HistoryView
    from ui.leads.panel import LeadsPanel
    from ui.shell.teams_tab import TeamsTab

log = logging.getLogger(__name__)
# An edit elsewhere shows within this, plus the re-read; a look that finds nothing is one
# PRAGMA (about 11 us), so ten a second cost nothing.
WATCH_MS = 100


class StoreWatcher(QObject):
    """``changed`` carries the names of the tables other connections wrote (a frozenset)."""

    changed = Signal(frozenset)

    def __init__(self, store: Store, parent: QObject | None = None, interval: int = WATCH_MS):
        super().__init__(parent)
        self._store = store
        # The window was just built from the store as it is now.
        self._mark: ChangeMark = store.change_mark()
        self.timer = QTimer(self)
        self.timer.setInterval(interval)
        self.timer.timeout.connect(self.look)
        self.timer.start()

    def look(self) -> frozenset[str]:
        """Ask the store now; emits ``changed`` when something changed. Returns the tables."""
        try:
            self._mark, tables = self._store.changes_since(self._mark)
        except sqlite3.Error as exc:
            # Logged, not a dialog 5 times a second: the next look tries again.
            log.warning("could not look for changes in the store: %s", exc)
            return frozenset()
        if tables:
            self.changed.emit(tables)
        return tables

    def stop(self) -> None:
        self.timer.stop()


def follow_store(
    store: Store,
    parent: QObject,
    teams: TeamsTab,
    calls: CallPanel,
    leads: LeadsPanel,
    history: HistoryView,
    team: Callable[[], object],
    dispositions: Callable[[], object],
) -> StoreWatcher:
    """Keep the window's team lists, presets, leads and history as the store has them;
    ``team`` is called when the team sync's state or what waits to be sent changed,
    ``dispositions`` when the team's dispositions did (the history's filter, the strip)."""
    watcher = StoreWatcher(store, parent)

    def show(tables: frozenset[str]) -> None:
        if tables & {"teams", "team_members"}:
            teams.refresh_from_elsewhere()
            calls.refresh_teams()
        if "presets" in tables:
            calls.presets.reload()
        if tables & {"leads", "history"}:  # a lead shows its last call's result
            leads.refresh()
        if "history" in tables:
            history.changed_elsewhere()
        if "dispositions" in tables:  # the team's list, copied by the team sync
            dispositions()
        if tables & {"team", "history"}:  # a call recorded elsewhere waits to be sent too
            team()

    watcher.changed.connect(show)
    return watcher
