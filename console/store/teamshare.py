"""Team mode, what is shared beyond lists and calls: wrap-ups, the team's dispositions and
its do-not-call numbers (the desktop's SQLite side; the server's is
console.store.postgres.share, the sync's console.team.share).

- ``share_outbox``: what a desktop changed and the server should have, captured by triggers
  in team mode as ``team_outbox`` captures list edits (never the sync's own copy: the
  ``mirroring`` key of team_state, seen only inside the sync's transaction):
  ``wrap_up`` (name = the call's uuid, at = its wrapped_at), ``disposition`` (save, rename,
  delete by name, as lists are) and ``do_not_call`` (mark or unmark a number, detail = the
  reason, at = when).
- ``team_do_not_call``: the team's marked numbers, copied from the server; ``do_not_call_lead``
  answers them (console.store.donotcall.marked_lead). Unmarking a lead here takes its number
  out of the copy at once (and sends the unmark).
- The dispositions table becomes the team's copy: mirror_dispositions writes the server's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, NamedTuple

from console.store.donotcall import DoNotCallMark
from console.store.models import Disposition
from console.store.teamsync_schema import _NOT_MIRRORING, mirroring

KINDS = ("wrap_up", "disposition", "do_not_call")
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_WRAP_COLUMNS = ("disposition", "notes", "wrapped_at", "callback_at")
_MARK_COLUMNS = "number, reason, marked_by, marked_at"  # DoNotCallMark.from_row's order


def _triggers() -> list[str]:
    out = "INSERT INTO share_outbox(kind, op, name, old_name, detail, at)"
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _WRAP_COLUMNS)
    return [
        f"""CREATE TRIGGER history_share_wrap_up
        AFTER UPDATE OF {", ".join(_WRAP_COLUMNS)} ON history
        WHEN {_NOT_MIRRORING} AND NEW.uuid != '' AND NEW.wrapped_at IS NOT NULL AND ({changed})
        BEGIN {out} VALUES ('wrap_up', 'save', NEW.uuid, NULL, '', NEW.wrapped_at); END""",
        f"""CREATE TRIGGER dispositions_share_insert AFTER INSERT ON dispositions
        WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('disposition', 'save', NEW.name, NULL, '', {_NOW}); END""",
        f"""CREATE TRIGGER dispositions_share_update AFTER UPDATE ON dispositions
        WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('disposition', CASE WHEN OLD.name = NEW.name THEN 'save'
            ELSE 'rename' END, NEW.name, OLD.name, '', {_NOW}); END""",
        f"""CREATE TRIGGER dispositions_share_delete AFTER DELETE ON dispositions
        WHEN {_NOT_MIRRORING}
        BEGIN {out} VALUES ('disposition', 'delete', OLD.name, NULL, '', {_NOW}); END""",
        # A mark (or its reason changed) on a lead: the team's mark of its number.
        f"""CREATE TRIGGER leads_share_mark AFTER UPDATE OF do_not_call, do_not_call_reason
        ON leads WHEN {_NOT_MIRRORING} AND NEW.number != '' AND NEW.do_not_call = 1
            AND (OLD.do_not_call = 0 OR NEW.do_not_call_reason IS NOT OLD.do_not_call_reason)
        BEGIN {out} VALUES ('do_not_call', 'mark', NEW.number, NULL,
            NEW.do_not_call_reason, {_NOW}); END""",
        # Unmarking a lead, whether it or the team had the mark: the team's mark goes too.
        f"""CREATE TRIGGER leads_share_unmark AFTER UPDATE OF do_not_call ON leads
        WHEN {_NOT_MIRRORING} AND NEW.number != '' AND NEW.do_not_call = 0
            AND (OLD.do_not_call = 1
                 OR EXISTS (SELECT 1 FROM team_do_not_call WHERE number = NEW.number))
        BEGIN {out} VALUES ('do_not_call', 'unmark', NEW.number, NULL, '', {_NOW});
            DELETE FROM team_do_not_call WHERE number = NEW.number; END""",
    ]


def migrate(conn: sqlite3.Connection) -> None:
    """Schema: share_outbox, team_do_not_call and their triggers (see the module); the window's
    change counters (console.store.watch) learn of both ('team' and 'leads') and count the
    dispositions ('dispositions')."""
    conn.execute(
        """CREATE TABLE share_outbox (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('wrap_up', 'disposition', 'do_not_call')),
            op TEXT NOT NULL CHECK (op IN ('save', 'rename', 'delete', 'mark', 'unmark')),
            name TEXT NOT NULL,
            old_name TEXT,
            detail TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE team_do_not_call (
            number TEXT PRIMARY KEY,
            reason TEXT NOT NULL DEFAULT '',
            marked_by TEXT NOT NULL DEFAULT '',
            marked_at TEXT NOT NULL
        ) WITHOUT ROWID"""
    )
    for sql in _triggers():
        conn.execute(sql)
    # A counter of its own for the dispositions (the window's wrap-up and history filter).
    conn.execute("INSERT INTO changes (tbl, n) VALUES ('dispositions', 0)")
    for counter, table, event in (
        ("team", "share_outbox", "INSERT"),
        ("team", "share_outbox", "DELETE"),
        ("leads", "team_do_not_call", "INSERT"),
        ("leads", "team_do_not_call", "DELETE"),
        ("dispositions", "dispositions", "INSERT"),
        ("dispositions", "dispositions", "UPDATE"),
        ("dispositions", "dispositions", "DELETE"),
    ):
        conn.execute(
            f"CREATE TRIGGER changes_{counter}_{table}_{event.lower()} AFTER {event} ON {table}"
            f" BEGIN UPDATE changes SET n = n + 1 WHERE tbl = '{counter}'; END"
        )


class ShareEdit(NamedTuple):
    """A captured change (see the module): ``kind``, ``op``, ``name`` (a uuid, a disposition's
    name or a number), ``old_name`` (a rename's), ``detail`` (a mark's reason), ``at``."""

    seq: int
    kind: str
    op: str
    name: str
    old_name: str | None
    detail: str
    at: str


class WrapUpRow(NamedTuple):
    """A call's wrap-up as this desktop has it now, to send by the call's uuid."""

    uuid: str
    disposition: str
    notes: str
    wrapped_at: str
    callback_at: str | None


class TeamShareMixin:
    """Store's side of the shared wrap-ups, dispositions and do-not-call numbers."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def list_dispositions(self) -> list[Disposition]: ...

    def share_edits(self, kind: str) -> list[ShareEdit]:
        """The captured changes of ``kind`` not sent yet, in order."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT seq, kind, op, name, old_name, detail, at FROM share_outbox"
                " WHERE kind = ? ORDER BY seq",
                (kind,),
            ).fetchall()
        return [ShareEdit(*row) for row in rows]

    def drop_share_edits(self, kind: str, through_seq: int) -> None:
        """Forget the changes of ``kind`` up to and including ``through_seq`` (sent, refused)."""
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM share_outbox WHERE kind = ? AND seq <= ?", (kind, through_seq)
            )

    def wrap_ups(self, uuids: Iterable[str]) -> list[WrapUpRow]:
        """The wrap-ups of these calls as they are now (calls not wrapped up are left out)."""
        wanted = list(dict.fromkeys(uuids))
        found: list[WrapUpRow] = []
        with self._read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found += [
                    WrapUpRow(*row)
                    for row in conn.execute(
                        "SELECT uuid, disposition, notes, wrapped_at, callback_at FROM history"
                        " WHERE wrapped_at IS NOT NULL"
                        f" AND uuid IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                ]
        return found

    def mirror_dispositions(self, dispositions: list[Disposition]) -> bool | None:
        """Make the local dispositions the team's (its ids kept); whether anything changed,
        None when skipped: edits made here wait to be sent first."""
        with self._tx() as conn:
            if _waiting(conn, "disposition"):
                return None
            if self.list_dispositions() == dispositions:
                return False
            with mirroring(conn):
                conn.execute("DELETE FROM dispositions")
                conn.executemany(
                    "INSERT INTO dispositions(id, name, position, kind) VALUES (?, ?, ?, ?)",
                    [(d.id, d.name, d.position, d.kind) for d in dispositions],
                )
        return True

    def mirror_do_not_call(self, marks: list[DoNotCallMark]) -> bool | None:
        """Make the copy of the team's do-not-call numbers the server's marked ones (a number
        that leaves it takes the marks of this desktop's leads with it: unmarked for the
        team); whether anything changed, None when skipped: marks made here wait to be sent
        first."""
        wanted = {(m.number, m.reason, m.marked_by, m.marked_at) for m in marks if m.marked}
        with self._tx() as conn:
            if _waiting(conn, "do_not_call"):
                return None
            have = set(conn.execute(f"SELECT {_MARK_COLUMNS} FROM team_do_not_call"))
            if have == wanted:
                return False
            with mirroring(conn):
                gone = [(row[0],) for row in have - wanted]
                conn.executemany("DELETE FROM team_do_not_call WHERE number = ?", gone)
                # Unmarked for the team (a reason changed is a mark still): the marks of this
                # desktop's leads with that number go too. Only a mark the team had can go so;
                # marks from before team mode were never in the copy.
                numbers = {w[0] for w in wanted}
                unmarked = [row for row in gone if row[0] not in numbers]
                conn.executemany(
                    "UPDATE leads SET do_not_call = 0, do_not_call_reason = '',"
                    " do_not_call_call = '' WHERE number = ? AND do_not_call = 1",
                    unmarked,
                )
                conn.executemany(
                    "INSERT OR REPLACE INTO team_do_not_call VALUES (?, ?, ?, ?)",
                    sorted(wanted - have),
                )
        return True

    def team_marks(self, numbers: Iterable[str]) -> dict[str, DoNotCallMark]:
        """The team's marks (the copy) of these numbers, by number."""
        wanted, found = list(numbers), {}
        with self._read() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for row in conn.execute(
                    f"SELECT {_MARK_COLUMNS} FROM team_do_not_call"
                    f" WHERE number IN ({', '.join('?' * len(chunk))})",
                    chunk,
                ):
                    found[row[0]] = DoNotCallMark.from_row(row)
        return found


def _waiting(conn: sqlite3.Connection, kind: str) -> bool:
    found = conn.execute("SELECT 1 FROM share_outbox WHERE kind = ? LIMIT 1", (kind,))
    return found.fetchone() is not None
