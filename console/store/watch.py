"""Which tables another connection changed in the desktop's SQLite file, cheaply and often.

SQLite's ``PRAGMA data_version`` (https://sqlite.org/pragma.html#pragma_data_version) is a
number, private to a connection, that moves only when *another* connection commits to the
file: the sync thread's connection, the command line, a second window. Reading it costs a
few microseconds and no disk access, so the window can ask every 200 ms. When it moved,
the ``changes`` table (one counter per watched table, bumped by triggers in the same
transaction as the write) says which tables were written, so the window re-reads only those.

This store's own writes never move its data_version: the window already shows them.

On the team server the same question is answered by LISTEN/NOTIFY
(console.store.postgres.watch); this module is the desktop's half.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

# The tables a window shows, each counted by its own triggers (see migrate), and "team": the
# team sync's state and what waits to be sent (team_state, team_outbox, history.sent).
WATCHED = ("teams", "team_members", "presets", "leads", "history", "team")
# What `teams watch` reports: the team's lists and presets, as the team server's NOTIFY does.
LISTS = ("teams", "team_members", "presets")
# History columns a window shows: other updates (an owner's bookkeeping) are not counted.
_HISTORY_SHOWN = (
    "finished_at, lead_name, lead_number, team_name, list_value, call_type, status, "
    "description, sid, agent, disposition, notes, wrapped_at, callback_at"
)
_ANY = ("INSERT", "DELETE", "UPDATE")
# counter: (table, the trigger events that bump it)
_TRIGGERS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "teams": [("teams", _ANY)],
    "team_members": [("team_members", _ANY)],
    "presets": [("presets", _ANY)],
    "leads": [("leads", _ANY)],
    "history": [("history", ("INSERT", "DELETE", f"UPDATE OF {_HISTORY_SHOWN}"))],
    "team": [
        ("team_state", _ANY),
        ("team_outbox", ("INSERT", "DELETE")),
        ("history", ("UPDATE OF sent",)),
    ],
}


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: the ``changes`` counters and the triggers that bump them on every write.

    After console.store.teamsync_schema's migration (team_state, team_outbox, history.sent)
    and console.store.dispositions' (the wrap-up's columns of history).
    """
    conn.execute(
        "CREATE TABLE changes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID"
    )
    for counter, sources in _TRIGGERS.items():
        conn.execute("INSERT INTO changes (tbl, n) VALUES (?, 0)", (counter,))
        bump = f"BEGIN UPDATE changes SET n = n + 1 WHERE tbl = '{counter}'; END"
        for table, events in sources:
            for event in events:
                name = f"changes_{counter}_{table}_{event.split()[0].lower()}"
                conn.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} {bump}")


class ChangeMark(NamedTuple):
    """Where a look at the store left off: its data_version and the counters then."""

    data_version: int = -1
    counts: Mapping[str, int] = MappingProxyType({})  # a tuple's defaults are shared: read-only


NOTHING: frozenset[str] = frozenset()


class WatchMixin:
    """``changes_since`` for the SQLite Store (which provides ``_conn`` and ``_lock``)."""

    if TYPE_CHECKING:
        _conn: sqlite3.Connection
        _lock: threading.RLock

    def change_mark(self) -> ChangeMark:
        """The store as it is now, to compare later looks with (blocks for the store's lock)."""
        with self._lock:
            return ChangeMark(_data_version(self._conn), _counts(self._conn))

    def changes_since(self, mark: ChangeMark) -> tuple[ChangeMark, frozenset[str]]:
        """(the new mark, the WATCHED tables other connections wrote since ``mark``).

        Never waits: when another thread holds the store (a long history query off the UI
        thread), it answers "nothing yet" with ``mark`` unchanged, and the next look sees it.
        Costs one PRAGMA when nothing changed. Raises sqlite3.Error when the file cannot be
        read (the caller logs it and looks again later).
        """
        if not self._lock.acquire(blocking=False):
            return mark, NOTHING
        try:
            version = _data_version(self._conn)
            if version == mark.data_version:
                return mark, NOTHING
            counts = _counts(self._conn)
        finally:
            self._lock.release()
        changed = {
            t for t in counts.keys() | mark.counts.keys() if counts.get(t) != mark.counts.get(t)
        }
        return ChangeMark(version, counts), frozenset(changed)


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT tbl, n FROM changes").fetchall())


Event = dict[str, Any]


def watch_store(
    store: WatchMixin,
    emit: Callable[[Event], None],
    stop: threading.Event,
    interval: float = 0.2,
    tables: tuple[str, ...] = WATCHED,
) -> None:
    """Call ``emit`` per change until ``stop`` is set: ``{"event": "resync"}`` first (read
    everything), then ``{"event": "change", "table": name}`` for each WATCHED table another
    connection wrote among ``tables``, looked at every ``interval`` seconds (the events of
    `teams watch` on the team server, without row ids: the counters do not keep them)."""
    mark = store.change_mark()
    emit({"event": "resync"})
    while not stop.wait(interval):
        mark, changed = store.changes_since(mark)
        for table in tables:
            if table in changed:
                emit({"event": "change", "table": table})
