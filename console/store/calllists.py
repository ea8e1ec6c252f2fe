"""SQLite side of the call list (console.calllist): its schema and CallListMixin.

The call list is this desktop's own, like team_state: it is kept in the desktop's SQLite
store only and is deliberately not part of the ConsoleStore protocol (a team server has no
call lists; each agent works through their own). One list is kept at a time: building a new
one replaces it. Its rows' shapes are in console.store.calllist_rows, loaded with the first
call list (not with the store, which the window opens at start).
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.models import utc_now

if TYPE_CHECKING:
    from console.store.calllist_rows import Entry, StoredList


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: call_lists (one row in use) and call_list_entries, in the list's order."""
    conn.execute(
        """CREATE TABLE call_lists (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            paused INTEGER NOT NULL DEFAULT 0
        )"""
    )
    conn.execute(
        """CREATE TABLE call_list_entries (
            list_id INTEGER NOT NULL REFERENCES call_lists(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            lead_id INTEGER NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            number TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'called', 'reached', 'skipped')),
            note TEXT NOT NULL DEFAULT '',
            call_id INTEGER,
            PRIMARY KEY (list_id, position)
        )"""
    )


def migrate_status(conn: sqlite3.Connection) -> None:
    """Schema: an entry's status as data (Entry.skip, at, result, disposition), not words."""
    for column in ("skip", "at", "result", "disposition"):
        conn.execute(f"ALTER TABLE call_list_entries ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


_ENTRY_COLUMNS = "name, number, state, note, call_id, skip, at, result, disposition"


def _entry_row(e: Entry) -> tuple[object, ...]:
    """An entry's values in _ENTRY_COLUMNS' order."""
    skip = str(e.skip) if e.skip is not None else ""
    return (e.name, e.number, str(e.state), e.note, e.call_id, skip, e.at, e.result,
            e.disposition)  # fmt: skip


class CallListMixin:
    """The call list's rows in Store (SQLite only; see the module)."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def lead_ids(self, numbers: list[str]) -> dict[str, int]:
        """The saved lead of each of ``numbers`` (10 digits) that has one: number -> id, the
        oldest lead when a number is saved twice. One query, whatever the count."""
        import json

        with self._read() as conn:
            rows = conn.execute(
                "SELECT number, min(id) FROM leads"
                " WHERE number IN (SELECT value FROM json_each(?)) GROUP BY number",
                (json.dumps(numbers),),
            ).fetchall()
        return {number: int(lead_id) for number, lead_id in rows}

    def load_call_list(self) -> StoredList | None:
        """The call list in use (the newest), or None when none was ever built."""
        from console.store.calllist_rows import Entry, EntryState, SkipReason, StoredList

        with self._read() as conn:
            row = conn.execute(
                "SELECT id, source, created_at, position, paused FROM call_lists"
                " ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            entries = [
                Entry(lead_id, name, number, EntryState(state), note, call_id,
                      SkipReason(skip) if skip else None, at, result, disposition)
                for lead_id, name, number, state, note, call_id, skip, at, result, disposition
                in conn.execute(
                    f"SELECT lead_id, {_ENTRY_COLUMNS} FROM call_list_entries"
                    " WHERE list_id = ? ORDER BY position",
                    (row[0],),
                )
            ]  # fmt: skip
        return StoredList(row[0], row[1], row[2], row[3], bool(row[4]), entries)

    def replace_call_list(self, source: str, entries: list[Entry]) -> StoredList:
        """Store a new call list in place of the one in use (in one transaction)."""
        from console.store.calllist_rows import StoredList

        created = utc_now()
        with self._tx() as conn:
            conn.execute("DELETE FROM call_lists")  # the entries go with it (cascade)
            list_id = conn.execute(
                "INSERT INTO call_lists(source, created_at) VALUES (?, ?)", (source, created)
            ).lastrowid
            conn.executemany(
                f"INSERT INTO call_list_entries(list_id, position, lead_id, {_ENTRY_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(list_id, i, e.lead_id, *_entry_row(e)) for i, e in enumerate(entries)],
            )
        assert list_id is not None
        return StoredList(list_id, source, created, 0, False, entries)

    def save_call_list(
        self,
        list_id: int,
        entries: dict[int, Entry],
        place: tuple[int, bool] | None = None,
    ) -> None:
        """Write what changed in one transaction: each of ``entries`` (index -> entry: all
        of it as it now is) and, when given, ``place``
        (the current entry's index, whether the list is paused)."""
        with self._tx() as conn:
            sets = ", ".join(f"{column} = ?" for column in _ENTRY_COLUMNS.split(", "))
            conn.executemany(
                f"UPDATE call_list_entries SET {sets} WHERE list_id = ? AND position = ?",
                [(*_entry_row(e), list_id, index) for index, e in sorted(entries.items())],
            )
            if place is not None:
                conn.execute(
                    "UPDATE call_lists SET position = ?, paused = ? WHERE id = ?",
                    (place[0], int(place[1]), list_id),
                )
