"""The team server's half of the sync (console.team): calls sent from a desktop's outbox, and
the calls and lists a desktop pulls into its local copy.

Sending is idempotent: a call is inserted ``ON CONFLICT (uuid) DO NOTHING`` and completed
only ``WHERE status = 'pending'``, so sending a row again (its COMMIT reply was lost, two
processes of one desktop sent it) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from console.store.models import CallRecord, Preset, TeamList
from console.store.postgres.calls import _CALL_COLUMNS, _ISO
from console.store.postgres.store import PgStore

_INSERT = (
    "INSERT INTO calls(uuid, agent, desktop, created_at, finished_at, lead_name, lead_number,"
    " team_name, list_value, call_type, status, description, sid, request_redacted, raw_reply)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (uuid) DO NOTHING"
)
_COMPLETE = (
    "UPDATE calls SET status = %s, description = %s, sid = %s, raw_reply = %s, finished_at = %s"
    " WHERE uuid = %s AND status = 'pending'"
)


def send_calls(store: PgStore, records: Iterable[CallRecord], agent: str) -> None:
    """Put this desktop's ``records`` (in order) on the server in one transaction.

    A record not there yet is inserted as it is now; a pending one there is completed when
    the record has finished. ``agent`` names records that have no agent. Raises NotALead
    when the row policy refuses (an agent sending another agent's call), psycopg.Error when
    the server is lost (the transaction then either committed whole or not at all).
    """
    with store._tx() as conn, conn.cursor() as cur:
        for r in records:
            cur.execute(
                _INSERT,
                (
                    r.uuid,
                    r.agent or agent,
                    r.owner_token,
                    r.created_at,
                    r.finished_at if r.status != "pending" else None,
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
                ),
            )
            if r.status != "pending" and cur.rowcount == 0:
                cur.execute(
                    _COMPLETE,
                    (r.status, r.description, r.sid, r.raw_reply, r.finished_at, r.uuid),
                )


class Changed(NamedTuple):
    """Calls changed on the server since a mark, and the mark to ask from next time."""

    calls: list[CallRecord]
    mark: str  # the server's changed_at of the last call, ISO 8601 UTC; '' when none


def calls_changed(
    store: PgStore, since: str, limit: int = 500, margin_seconds: float = 0.0
) -> Changed:
    """Up to ``limit`` calls changed at or after ``since`` less ``margin_seconds`` (changed_at;
    '' for all), oldest change first, bodies included; what the role sees (an agent: its own).

    The margin is for rows whose transaction committed after a later one's: changed_at is
    taken at the statement, a moment before the commit makes the row visible.
    """
    columns = _CALL_COLUMNS.format(bodies="request_redacted, raw_reply")
    where = "WHERE changed_at >= %s::timestamptz - make_interval(secs => %s)" if since else ""
    params: list[object] = [since, margin_seconds] if since else []
    sql = (
        f"SELECT {columns}, {_ISO.format('changed_at')} FROM calls {where}"
        " ORDER BY changed_at, uuid LIMIT %s"
    )
    with store._read() as conn:
        rows = conn.execute(sql, [*params, limit]).fetchall()
    calls = [CallRecord(*row[:-1]) for row in rows]
    return Changed(calls, rows[-1][-1] if rows else "")


def lists_snapshot(store: PgStore) -> tuple[list[TeamList], list[Preset]]:
    """The team's lists and presets as they are now, read in one snapshot."""
    with store._read() as conn, conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return store.list_teams(), store.list_presets()
