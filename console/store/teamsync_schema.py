"""SQLite schema for team mode (local-first): call ids, the outboxes and the sync's state.

The desktop keeps working on its own SQLite store; the sync thread (console.team) is the only
code that talks to the team server. What it needs here:

- ``history.uuid``: the call's id on the team server, made on the desktop at begin_call, so a
  retried insert finds its own row (``calls.uuid UNIQUE``). Rows from before this version get
  one too (made here). ``history.agent``: who placed the call.
- ``history.origin``: 'local' (placed on this desktop: the outbox) or 'team' (another
  desktop's call, pulled from the server; never sent back, never recovered here).
- ``history.sent``: the status the server holds for a local row ('' when it has none yet). A
  local row waits to be sent while ``sent != status``: not inserted yet, or inserted while
  pending and finished since (a row with no uuid, a bulk copy of old records, is never
  sent). Rows from before this version count as sent: a desktop's old history is not
  uploaded when it joins a team.
- ``team_outbox``: a lead's list and preset edits, captured by triggers while the desktop is
  in team mode (team_state has 'mode'), pushed in order by the sync. The sync's own mirror
  writes are not captured: it writes a ``team_state`` row ``mirroring`` inside its
  transaction, which no other connection can see.
- ``team_state(key, value)``: the sync's state for the window and `team status` (keys in
  docs/team-server.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

# Lists and presets are captured by name: the server's ids are not this desktop's.
_TEAM_NAME = "(SELECT name FROM teams WHERE id = {0}.team_id)"


# Captured only in team mode (a desktop alone has nobody to send edits to), and never the
# sync's own copy of the server's lists.
@contextmanager
def mirroring(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside the sync's own transaction: what is written is the team's copy, which the
    capture triggers do not send back (``_NOT_MIRRORING``). The mark is seen only inside
    that transaction: it is taken out at the end, and a rollback takes it out too."""
    conn.execute("INSERT OR REPLACE INTO team_state VALUES ('mirroring', '1')")
    yield
    conn.execute("DELETE FROM team_state WHERE key = 'mirroring'")


_NOT_MIRRORING = (
    "EXISTS (SELECT 1 FROM team_state WHERE key = 'mode')"
    " AND NOT EXISTS (SELECT 1 FROM team_state WHERE key = 'mirroring')"
)


def _capture_triggers() -> list[str]:
    out = "INSERT INTO team_outbox(kind, op, name, old_name)"
    return [
        f"""CREATE TRIGGER teams_outbox_insert AFTER INSERT ON teams WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('team', 'save', NEW.name, NULL); END""",
        f"""CREATE TRIGGER teams_outbox_update AFTER UPDATE ON teams WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('team', CASE WHEN OLD.name = NEW.name THEN 'save' ELSE 'rename'
            END, NEW.name, OLD.name); END""",
        f"""CREATE TRIGGER teams_outbox_delete AFTER DELETE ON teams WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('team', 'delete', OLD.name, NULL); END""",
        f"""CREATE TRIGGER members_outbox_insert AFTER INSERT ON team_members
        WHEN {_NOT_MIRRORING} AND {_TEAM_NAME.format("NEW")} IS NOT NULL
        BEGIN {out} VALUES ('team', 'save', {_TEAM_NAME.format("NEW")}, NULL); END""",
        f"""CREATE TRIGGER members_outbox_update AFTER UPDATE ON team_members
        WHEN {_NOT_MIRRORING} AND {_TEAM_NAME.format("NEW")} IS NOT NULL
        BEGIN {out} VALUES ('team', 'save', {_TEAM_NAME.format("NEW")}, NULL); END""",
        # A whole team's delete cascades here after its row is gone: the name is NULL, skipped.
        f"""CREATE TRIGGER members_outbox_delete AFTER DELETE ON team_members
        WHEN {_NOT_MIRRORING} AND {_TEAM_NAME.format("OLD")} IS NOT NULL
        BEGIN {out} VALUES ('team', 'save', {_TEAM_NAME.format("OLD")}, NULL); END""",
        f"""CREATE TRIGGER presets_outbox_insert AFTER INSERT ON presets WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('preset', 'save', NEW.name, NULL); END""",
        f"""CREATE TRIGGER presets_outbox_update AFTER UPDATE ON presets WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('preset', CASE WHEN OLD.name = NEW.name THEN 'save' ELSE 'rename'
            END, NEW.name, OLD.name); END""",
        f"""CREATE TRIGGER presets_outbox_delete AFTER DELETE ON presets WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('preset', 'delete', OLD.name, NULL); END""",
    ]


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: history.uuid/agent/origin/sent, team_outbox, team_state (see the module)."""
    for column in (
        "uuid TEXT NOT NULL DEFAULT ''",
        "agent TEXT NOT NULL DEFAULT ''",
        "origin TEXT NOT NULL DEFAULT 'local'",
        "sent TEXT NOT NULL DEFAULT ''",
    ):
        conn.execute(f"ALTER TABLE history ADD COLUMN {column}")
    import uuid  # here: only an upgrade needs it

    ids = [row[0] for row in conn.execute("SELECT id FROM history")]
    conn.executemany(
        "UPDATE history SET uuid = ?, sent = status WHERE id = ?",
        ((str(uuid.uuid4()), row_id) for row_id in ids),
    )
    # Partial: a bulk copy of old records may carry no uuid ('').
    conn.execute("CREATE UNIQUE INDEX history_uuid ON history(uuid) WHERE uuid != ''")
    # The outbox's rows, found without a scan however long the history.
    conn.execute(
        "CREATE INDEX history_outbox ON history(id)"
        " WHERE origin = 'local' AND sent != status AND uuid != ''"
    )
    conn.execute("CREATE INDEX history_agent ON history(agent, id)")
    conn.execute(
        """CREATE TABLE team_outbox (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('team', 'preset')),
            op TEXT NOT NULL CHECK (op IN ('save', 'rename', 'delete')),
            name TEXT NOT NULL,
            old_name TEXT
        )"""
    )
    conn.execute("CREATE TABLE team_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for sql in _capture_triggers():
        conn.execute(sql)
