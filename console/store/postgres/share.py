"""The team server's half of what desktops share beyond lists and calls (console.team.share):
wrap-ups sent by a call's uuid, the team's do-not-call numbers, and a snapshot of both the
dispositions and the marks for a desktop's copy.

Every write is idempotent and ordered by the desktop's clock: a wrap-up or a mark is written
only when it is later than the one the server has (or differs at the same instant), so one
sent again (its COMMIT reply was lost) changes nothing, and of two changes made on two
desktops the later one wins whichever arrives first.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.store.donotcall import DoNotCallMark
from console.store.models import Disposition
from console.store.postgres.store import PgStore
from console.store.postgres.wrapup import _MARK_COLUMNS
from console.store.teamshare import WrapUpRow

_WRAP_UP = (
    "UPDATE calls SET disposition = %(d)s, notes = %(n)s, wrapped_at = %(w)s,"
    " callback_at = %(c)s WHERE uuid = %(u)s AND (wrapped_at IS NULL OR wrapped_at < %(w)s"
    " OR (wrapped_at = %(w)s AND (disposition, notes, callback_at)"
    " IS DISTINCT FROM (%(d)s, %(n)s, %(c)s::timestamptz)))"
)
_MARK = (
    "INSERT INTO do_not_call AS d (number, marked, reason, marked_by, marked_at)"
    " VALUES (%s, %s, %s, COALESCE(NULLIF(%s, ''), current_user), %s)"
    " ON CONFLICT (number) DO UPDATE SET marked = excluded.marked,"
    " reason = excluded.reason, marked_by = excluded.marked_by, marked_at = excluded.marked_at"
    " WHERE d.marked_at < excluded.marked_at"
)


def send_wrap_ups(store: PgStore, rows: Iterable[WrapUpRow]) -> int:
    """Write these wrap-ups on the server's calls in one transaction; returns how many rows
    changed (a call the role may not see, or not on the server, is skipped: 0). Raises
    psycopg.Error when the server is lost (the transaction committed whole or not at all)."""
    changed = 0
    with store._tx() as conn, conn.cursor() as cur:
        for r in rows:
            params = {
                "d": r.disposition,
                "n": r.notes,
                "w": r.wrapped_at,
                "c": r.callback_at,
                "u": r.uuid,
            }
            cur.execute(_WRAP_UP, params)
            changed += max(cur.rowcount, 0)
    return changed


def send_marks(store: PgStore, marks: Iterable[DoNotCallMark]) -> int:
    """Write these marks and unmarks of the team's do-not-call numbers in one transaction;
    returns how many changed (a change older than the server's is skipped)."""
    changed = 0
    with store._tx() as conn, conn.cursor() as cur:
        for m in marks:
            cur.execute(_MARK, (m.number, m.marked, m.reason, m.marked_by, m.marked_at))
            changed += max(cur.rowcount, 0)
    return changed


def shared_snapshot(store: PgStore) -> tuple[list[Disposition], list[DoNotCallMark]]:
    """The team's dispositions and its marked numbers as they are now, in one snapshot."""
    with store._read() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        marks = [
            DoNotCallMark.from_row(row)
            for row in conn.execute(
                f"SELECT {_MARK_COLUMNS} FROM do_not_call WHERE marked ORDER BY number"
            )
        ]
        return store.list_dispositions(), marks
