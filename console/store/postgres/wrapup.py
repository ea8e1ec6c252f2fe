"""Wrap-up on the team server: PgStore's dispositions, wrap-ups, call-backs and do-not-call.

The rules are console.store.dispositions' (shared with SQLite); rights are the server's: a
team lead edits the dispositions, an agent reads them (NotALead otherwise) and wraps up only
their own calls (the calls table's row policy).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from psycopg import errors

from console.store.dispositions import (
    _duplicate,
    check_disposition,
    check_wrap_up,
    do_not_call_reason,
    write_placing,
)
from console.store.donotcall import DoNotCallLookup, DoNotCallMark
from console.store.models import CallRecord, Disposition, Lead, utc_now
from console.store.postgres.calls import _ISO

if TYPE_CHECKING:
    import psycopg

_DISPOSITIONS = "SELECT id, name, position, kind FROM dispositions ORDER BY position, id"
# A team mark's columns, as DoNotCallMark.from_row takes them (share.py reads them too).
_MARK_COLUMNS = f"number, reason, marked_by, {_ISO.format('marked_at')}"


def _uuid(text: str) -> str | None:
    try:
        return str(uuidlib.UUID(text))
    except ValueError:
        return None


class PgWrapUpMixin(DoNotCallLookup):
    """Wrap-up methods of PgStore (see console.store.dispositions.WrapUpMixin for SQLite)."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[psycopg.Connection]: ...
        def _read(self) -> AbstractContextManager[psycopg.Connection]: ...
        def get_call(self, call_id: int | str) -> CallRecord | None: ...
        def get_lead(self, lead_id: int) -> Lead | None: ...

    # The team's list
    def list_dispositions(self) -> list[Disposition]:
        with self._read() as conn:
            return [Disposition(*row) for row in conn.execute(_DISPOSITIONS).fetchall()]

    def save_disposition(self, disposition: Disposition) -> Disposition:
        """As Store.save_disposition; NotALead for an agent."""
        d = check_disposition(disposition, self.list_dispositions())
        try:
            with self._tx() as conn:
                if d.id is None:
                    row = conn.execute(
                        "INSERT INTO dispositions(name, position, kind) VALUES (%s, %s, %s)"
                        " RETURNING id",
                        (d.name, d.position, d.kind),
                    ).fetchone()
                    return Disposition(int(row[0]), d.name, d.position, d.kind)
                cur = conn.execute(
                    "UPDATE dispositions SET name = %s, position = %s, kind = %s WHERE id = %s",
                    (d.name, d.position, d.kind, d.id),
                )
                if cur.rowcount == 0:
                    raise KeyError(f"no disposition with id {d.id}")
                return d
        except errors.UniqueViolation:
            raise ValueError(_duplicate(d)) from None

    def place_disposition(self, disposition: Disposition, place: int) -> Disposition:
        """As Store.place_disposition (one transaction); NotALead for an agent."""
        with self._tx() as conn:
            # Two leads placing at once would each renumber the list they read: the second
            # waits for the first (reads go on; the mode conflicts with itself).
            conn.execute("LOCK TABLE dispositions IN SHARE ROW EXCLUSIVE MODE")
            return write_placing(conn, disposition, place, "%s", errors.UniqueViolation)

    def delete_disposition(self, disposition_id: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM dispositions WHERE id = %s", (disposition_id,))

    # A call's wrap-up
    def find_call(self, ref: str) -> CallRecord | None:
        """The call named by its id (for people), its UUID, else its sid (newest first)."""
        ref = ref.strip()
        if ref.isdigit() and (call := self.get_call(int(ref))) is not None:
            return call
        if (made := _uuid(ref)) is not None and (call := self.get_call(made)) is not None:
            return call
        with self._read() as conn:
            row = conn.execute(
                "SELECT uuid::text FROM calls WHERE sid = %s AND sid <> ''"
                " ORDER BY created_at DESC, uuid DESC LIMIT 1",
                (ref,),
            ).fetchone()
        return self.get_call(row[0]) if row else None

    def _call_key(self, call_id: int | str) -> tuple[str, object]:
        if isinstance(call_id, int):
            return "id", call_id
        made = _uuid(str(call_id))
        if made is None:
            raise KeyError(f"no call with id {call_id}")
        return "uuid", made

    def wrap_up(
        self,
        call_id: int | str,
        disposition: str,
        notes: str = "",
        callback_at: str | None = None,
    ) -> CallRecord:
        """As Store.wrap_up; an agent may wrap up only their own calls (KeyError otherwise)."""
        wrap = check_wrap_up(self.list_dispositions(), disposition, notes, callback_at)
        column, key = self._call_key(call_id)
        with self._tx() as conn:
            row = conn.execute(
                "UPDATE calls SET disposition = %s, notes = %s, wrapped_at = %s,"
                f" callback_at = %s WHERE {column} = %s"
                " RETURNING uuid::text, lead_number,"
                " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
                (wrap.name, wrap.notes, wrap.wrapped_at, wrap.callback_at, key),
            ).fetchone()
            if row is None:
                raise KeyError(f"no call with id {call_id}")
            made, number, day = row
            reason = do_not_call_reason(wrap, day)
            if wrap.do_not_call:
                conn.execute(
                    "UPDATE leads SET do_not_call = true, do_not_call_reason = %s,"
                    " do_not_call_call = %s WHERE number = %s AND NOT do_not_call",
                    (reason, made, number),
                )
            else:
                conn.execute(
                    "UPDATE leads SET do_not_call = false, do_not_call_reason = '',"
                    " do_not_call_call = '' WHERE number = %s AND do_not_call_call = %s",
                    (number, made),
                )
        found = self.get_call(made)
        assert found is not None
        return found

    # Do not call
    def set_do_not_call(self, lead_id: int, reason: str | None) -> None:
        if reason is not None and not reason.strip():
            raise ValueError("say why the lead is not to be called")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE leads SET do_not_call = %s, do_not_call_reason = %s,"
                " do_not_call_call = '' WHERE id = %s",
                (reason is not None, (reason or "").strip(), lead_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no lead with id {lead_id}")

    def _marked_lead_id(self, number: str) -> int | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM leads WHERE number = %s AND do_not_call ORDER BY id LIMIT 1",
                (number,),
            ).fetchone()
        return int(row[0]) if row else None

    def team_marks(self, numbers: Iterable[str]) -> dict[str, DoNotCallMark]:
        """The team's marks of these numbers (the do_not_call table), by number."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_MARK_COLUMNS} FROM do_not_call WHERE marked AND number = ANY(%s)",
                (list(numbers),),
            ).fetchall()
        return {row[0]: DoNotCallMark.from_row(row) for row in rows}

    # Call-backs
    def due_callbacks(self, now: str | None = None) -> list[CallRecord]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT h.uuid::text FROM calls h WHERE h.callback_at IS NOT NULL"
                " AND h.callback_at <= %s AND NOT EXISTS (SELECT 1 FROM calls n"
                " WHERE n.lead_number = h.lead_number AND n.created_at > h.created_at)"
                " ORDER BY h.callback_at, h.uuid",
                (now or utc_now(),),
            ).fetchall()
        # A handful at most: each read whole, as get_call reads it.
        found = (self.get_call(row[0]) for row in rows)
        return [call for call in found if call is not None]
