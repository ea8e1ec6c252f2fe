"""The call history on the team server: PgStore's calls, begun and finished by UUID (see
console.store.history for SQLite). An agent's role sees and completes only their own calls
(the calls table's row policy)."""

from __future__ import annotations

import uuid as uuidlib
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store.models import FINAL_STATUSES, CallRecord, utc_now
from console.store.postgres.filters import call_filter as _call_filter

if TYPE_CHECKING:
    import psycopg

_ISO = """to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
_CALL_COLUMNS = (
    f"id, {_ISO.format('created_at')}, {_ISO.format('finished_at')}, lead_name, lead_number,"
    " team_name, list_value, call_type, status, description, sid, {bodies}, 0, desktop,"
    f" uuid::text, agent, disposition, notes, {_ISO.format('wrapped_at')},"
    f" {_ISO.format('callback_at')}"
)


class PgCallsMixin:
    """Call-history methods of PgStore."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[psycopg.Connection]: ...
        def _read(self) -> AbstractContextManager[psycopg.Connection]: ...

        agent: str
        desktop: str

    # History
    def begin_call(
        self,
        *,
        lead_name: str,
        lead_number: str,
        team_name: str,
        list_value: str,
        call_type: int,
        request_redacted: str,
        call_uuid: str | None = None,
        created_at: str | None = None,
    ) -> str:
        """Record a call as pending; returns its UUID (made here unless ``call_uuid`` is given).

        Idempotent: the same ``call_uuid`` again (a retry after a lost COMMIT reply, the
        outbox sending a row twice) leaves the one row there is.
        """
        call_uuid = str(uuidlib.UUID(call_uuid)) if call_uuid else str(uuidlib.uuid4())
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO calls(uuid, agent, desktop, created_at, lead_name, lead_number,"
                " team_name, list_value, call_type, status, request_redacted)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s)"
                " ON CONFLICT (uuid) DO NOTHING",
                (
                    call_uuid,
                    self.agent,
                    self.desktop,
                    created_at or utc_now(),
                    lead_name,
                    lead_number,
                    team_name,
                    list_value,
                    call_type,
                    request_redacted,
                ),
            )
        return call_uuid

    def finish_call(
        self,
        call_id: int | str,
        *,
        status: str,
        description: str,
        sid: str = "",
        raw_reply: str = "",
        finished_at: str | None = None,
    ) -> None:
        """Complete a pending call; once only (a call already complete is left as it is).

        KeyError when there is no such call (or it is another agent's, for an agent).
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"{status!r} is not a final call status")
        call_uuid = str(uuidlib.UUID(str(call_id)))
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE calls SET status = %s, description = %s, sid = %s, raw_reply = %s,"
                " finished_at = %s WHERE uuid = %s AND status = 'pending'",
                (status, description, sid, raw_reply, finished_at or utc_now(), call_uuid),
            )
            if cur.rowcount == 0:
                found = conn.execute("SELECT 1 FROM calls WHERE uuid = %s", (call_uuid,))
                if found.fetchone() is None:
                    raise KeyError(f"no call with id {call_id}")

    def get_call(self, call_id: int | str) -> CallRecord | None:
        column, key = ("id", call_id) if isinstance(call_id, int) else ("uuid", str(call_id))
        sql = f"SELECT {_CALL_COLUMNS.format(bodies='request_redacted, raw_reply')} FROM calls"
        with self._read() as conn:
            row = conn.execute(f"{sql} WHERE {column} = %s", (key,)).fetchone()
        return CallRecord(*row) if row else None

    def count_calls(
        self,
        text: str = "",
        status: str | None = None,
        agent: str | None = None,
        disposition: str | None = None,
    ) -> int:
        where_sql, params = _call_filter(text, status, agent, None, disposition)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM calls{where_sql}", params).fetchone()[0])

    def fetch_calls(
        self,
        text: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int = 200,
        bodies: bool = True,
        agent: str | None = None,
        before: CallRecord | None = None,
        disposition: str | None = None,
    ) -> list[CallRecord]:
        """A page of calls, newest first by (created_at, uuid): ids are not in commit order.

        ``before`` starts the page after that call (keyset paging); ``agent`` keeps one
        agent's calls (an agent's role sees only their own whatever is asked); ``disposition``
        the calls wrapped up with it (ignoring case; "" for those not wrapped up).
        """
        key = (before.created_at, before.uuid) if before is not None else None
        where_sql, params = _call_filter(text, status, agent, key, disposition)
        columns = _CALL_COLUMNS.format(bodies="request_redacted, raw_reply" if bodies else "'', ''")
        sql = (
            f"SELECT {columns} FROM calls{where_sql}"
            " ORDER BY created_at DESC, uuid DESC LIMIT %s OFFSET %s"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [CallRecord(*row) for row in rows]

    def list_agents(self) -> list[str]:
        """The agent names on the calls this role sees, sorted."""
        with self._read() as conn:
            rows = conn.execute("SELECT DISTINCT agent FROM calls ORDER BY agent").fetchall()
        return [name for (name,) in rows]
