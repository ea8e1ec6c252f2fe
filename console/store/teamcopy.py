"""The desktop's side of team mode in its SQLite store: what the sync thread (console.team)
reads to send, and how it writes the server's lists and other agents' calls into the copy.

The schema is console.store.teamsync_schema's. These methods belong to the local copy only
(a PgStore has no copy), so they are not part of the ConsoleStore interface.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from console.store.history import CALL_COLUMNS
from console.store.models import CallRecord, Preset, TeamList
from console.store.teamsync_schema import mirroring

_OUTBOX = (
    "SELECT {columns} FROM history INDEXED BY history_outbox"
    " WHERE origin = 'local' AND sent != status AND uuid != '' ORDER BY id LIMIT ?"
)
_MERGE = (
    "INSERT INTO history(created_at, finished_at, lead_name, lead_number, team_name,"
    " list_value, call_type, status, description, sid, request_redacted, raw_reply,"
    " owner_pid, owner_token, uuid, agent, origin, sent,"
    " disposition, notes, wrapped_at, callback_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, 'team', ?, ?, ?, ?, ?)"
    " ON CONFLICT(uuid) WHERE uuid != '' DO UPDATE SET finished_at = excluded.finished_at,"
    " status = excluded.status, description = excluded.description, sid = excluded.sid,"
    " raw_reply = excluded.raw_reply, sent = excluded.sent WHERE history.origin = 'team'"
)
# A pulled wrap-up replaces the one here only when it is later (a change made here and not
# sent yet wins over an older one from the server), on this desktop's rows as on the team's.
_WRAP = (
    "UPDATE history SET disposition = ?, notes = ?, wrapped_at = ?, callback_at = ?"
    " WHERE uuid = ? AND (wrapped_at IS NULL OR wrapped_at < ?)"
)
# What a pulled call may change in a row we have: how it ended.
_ENDING = ("status", "description", "sid", "finished_at")


class ListEdit(NamedTuple):
    """A captured edit of a team list or preset: ``op`` 'save', 'rename' (from ``old_name``)
    or 'delete', of the ``kind`` 'team' or 'preset' called ``name``."""

    seq: int
    kind: str
    op: str
    name: str
    old_name: str | None


class TeamCopyMixin:
    """Team-copy methods of Store (see the module)."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def list_teams(self) -> list[TeamList]: ...
        def list_presets(self) -> list[Preset]: ...

    def set_team_state(self, values: Mapping[str, str | None]) -> bool:
        """Write these team_state keys (None removes one); no write when nothing changes, so
        a window watching the file is not woken for nothing. Returns whether it wrote."""
        with self._read() as conn:
            now = dict(conn.execute("SELECT key, value FROM team_state").fetchall())
        changed = {k: v for k, v in values.items() if now.get(k) != v}
        if not changed:
            return False
        with self._tx() as conn:
            for key, value in changed.items():
                if value is None:
                    conn.execute("DELETE FROM team_state WHERE key = ?", (key,))
                else:
                    conn.execute(
                        "INSERT INTO team_state VALUES (?, ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value),
                    )
        return True

    def outbox_calls(self, limit: int = 200) -> list[CallRecord]:
        """This desktop's calls the server does not have as they are now, oldest first."""
        with self._read() as conn:
            rows = conn.execute(_OUTBOX.format(columns=CALL_COLUMNS), (limit,)).fetchall()
        return [CallRecord(*row) for row in rows]

    def mark_sent(self, records: Iterable[CallRecord], agent: str) -> None:
        """Note that the server has these calls as the records read (their status then);
        a row with no agent name gets ``agent``, the name it was sent under."""
        with self._tx() as conn:
            conn.executemany(
                "UPDATE history SET sent = ?,"
                " agent = CASE WHEN agent = '' THEN ? ELSE agent END WHERE id = ?",
                [(r.status, agent, r.id) for r in records],
            )

    def keep_copy(self, target: Path) -> None:
        """Copy the whole store into ``target`` (a consistent snapshot, SQLite's backup API)."""
        copy = sqlite3.connect(str(target))
        try:
            with self._read() as conn:
                conn.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()

    def data_version(self) -> int:
        """SQLite's PRAGMA data_version on this store's connection: it changes when another
        connection (a thread or process) commits to the file; cheap enough to poll."""
        with self._read() as conn:
            return int(conn.execute("PRAGMA data_version").fetchone()[0])

    def list_edits(self) -> list[ListEdit]:
        """The captured list and preset edits not sent yet, in order."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT seq, kind, op, name, old_name FROM team_outbox ORDER BY seq"
            ).fetchall()
        return [ListEdit(*row) for row in rows]

    def drop_list_edits(self, through_seq: int) -> None:
        """Forget the captured edits up to and including ``through_seq`` (sent or refused)."""
        with self._tx() as conn:
            conn.execute("DELETE FROM team_outbox WHERE seq <= ?", (through_seq,))

    def mirror_lists(self, teams: list[TeamList], presets: list[Preset]) -> bool | None:
        """Make the local lists and presets the server's (its ids kept); returns whether
        anything changed, None when skipped: edits made here wait to be sent first, and are
        never overwritten by an older copy of the server's."""
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM team_outbox LIMIT 1").fetchone():
                return None
            same_teams = self.list_teams() == teams
            same_presets = self.list_presets() == presets
            if same_teams and same_presets:
                return False
            # Seen only inside this transaction: the capture triggers skip the copy's writes.
            with mirroring(conn):
                if not same_teams:
                    conn.execute("DELETE FROM teams")  # members go with them (ON DELETE CASCADE)
                    for team in teams:
                        conn.execute(
                            "INSERT INTO teams(id, name) VALUES (?, ?)", (team.id, team.name)
                        )
                        conn.executemany(
                            "INSERT INTO team_members(team_id, position, label, number, enabled)"
                            " VALUES (?, ?, ?, ?, ?)",
                            [
                                (team.id, position, m.label, m.number, int(m.enabled))
                                for position, m in enumerate(team.members)
                            ],
                        )
                if not same_presets:
                    conn.execute("DELETE FROM presets")
                    conn.executemany(
                        "INSERT INTO presets(id, name, options) VALUES (?, ?, ?)",
                        [(p.id, p.name, json.dumps(p.options)) for p in presets],
                    )
        return True

    def merge_team_calls(self, records: list[CallRecord]) -> int:
        """Add or update other desktops' calls (origin 'team'); this desktop's own rows keep
        how they ended. A call's wrap-up is taken, on any row, when it is later than the one
        here (console.store.teamshare sends this desktop's). Returns how many rows were
        written (none when all are as they are)."""
        if not records:
            return 0
        with self._read() as conn:
            have: dict[str, tuple] = {}
            for start in range(0, len(records), 500):
                chunk = [r.uuid for r in records[start : start + 500]]
                rows = conn.execute(
                    "SELECT uuid, origin, status, description, sid, finished_at, wrapped_at"
                    f" FROM history WHERE uuid IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
                have.update({row[0]: row[1:] for row in rows})
        todo = [
            r
            for r in records
            if r.uuid not in have or (have[r.uuid][0] == "team" and have[r.uuid][1:5] != _ending(r))
        ]
        wraps = [
            r
            for r in records
            if r.uuid in have and r.wrapped_at and (have[r.uuid][5] or "") < r.wrapped_at
        ]
        if not todo and not wraps:
            return 0
        # Seen only inside this transaction: the wrap-ups taken are not sent back.
        with self._tx() as conn, mirroring(conn):
            conn.executemany(
                _MERGE,
                [
                    (
                        r.created_at,
                        r.finished_at,
                        r.lead_name,
                        r.lead_number,
                        r.team_name,
                        r.list_value,
                        r.call_type,
                        r.status,
                        r.description,
                        r.sid,
                        r.request_redacted,
                        r.raw_reply,
                        r.uuid,
                        r.agent,
                        r.status,
                        r.disposition,
                        r.notes,
                        r.wrapped_at,
                        r.callback_at,
                    )
                    for r in todo
                ],
            )
            conn.executemany(
                _WRAP,
                [
                    (r.disposition, r.notes, r.wrapped_at, r.callback_at, r.uuid, r.wrapped_at)
                    for r in wraps
                ],
            )
        return len({r.uuid for r in todo} | {r.uuid for r in wraps})


def _ending(record: CallRecord) -> tuple:
    return tuple(getattr(record, name) for name in _ENDING)
