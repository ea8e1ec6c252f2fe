"""Call history: a row per call, written before the request goes out and finished after."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from console.store import search
from console.store.models import (
    CALL_STATUSES,
    FINAL_STATUSES,
    CallRecord,
    like_pattern,
    phone_digits,
    utc_now,
)

# In CallRecord field order, so a row unpacks straight into CallRecord(*row).
CALL_COLUMNS = (
    "id, created_at, finished_at, lead_name, lead_number, team_name, list_value, call_type,"
    " status, description, sid, request_redacted, raw_reply, owner_pid"
)
# The same, with the two long texts (the request as sent, the raw reply) left empty.
_BODIES = ("request_redacted", "raw_reply")
_SUMMARY_COLUMNS = ", ".join(
    "''" if c.strip() in _BODIES else c.strip() for c in CALL_COLUMNS.split(",")
)
_JOINED_COLUMNS = ", ".join(f"h.{c.strip()}" for c in CALL_COLUMNS.split(","))
_JOINED_SUMMARY = ", ".join(c if c == "''" else f"h.{c}" for c in _SUMMARY_COLUMNS.split(", "))
_INSERT_COLUMNS = CALL_COLUMNS.removeprefix("id, ")
_INSERT = f"INSERT INTO history({_INSERT_COLUMNS}) VALUES ({', '.join(['?'] * 13)})"
_TEXT_COLUMNS = search.COLUMNS  # searched with LIKE when there is no text index
INTERRUPTED_DESCRIPTION = "outcome unknown (interrupted)"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running on this machine."""
    if pid <= 0:  # 0 and negatives name process groups to os.kill, never one process
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:
    # os.kill(pid, 0) is not a probe on Windows: 0 is CTRL_C_EVENT, sent to a process group.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: exists, not ours
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _call_filter(
    text: str,
    status: str | None,
    before_id: int | None = None,
    match: str | None = None,
    since_id: int | None = None,
) -> tuple[str, str, list[object]]:
    """``FROM ... WHERE`` for the calls matching a filter, their id column, and the parameters.

    With ``match`` (search.match_query's) the text index finds the text; else every row's
    text columns are scanned. ``before_id`` keeps only older calls (the next page),
    ``since_id`` only that call and newer ones.
    """
    clauses: list[str] = []
    params: list[object] = []
    prefix = "h." if match else ""
    if match:
        clauses.append("history_fts MATCH ?")
        params.append(match)
    if status is not None:
        if status not in CALL_STATUSES:
            raise ValueError(f"unknown call status {status!r}")
        clauses.append(f"{prefix}status = ?")
        params.append(status)
    if before_id is not None:
        clauses.append("f.rowid < ?" if match else "id < ?")
        params.append(before_id)
    if since_id is not None:
        clauses.append("f.rowid >= ?" if match else "id >= ?")
        params.append(since_id)
    text = text.strip()
    if text and not match:
        pattern = like_pattern(text)
        matches = [f"{column} LIKE ? ESCAPE '\\'" for column in _TEXT_COLUMNS]
        params.extend([pattern] * len(_TEXT_COLUMNS))
        # Numbers are stored as bare digits, so "(555) 111-2" should find 5551112222.
        digits = phone_digits(text)
        if digits and digits != text:
            matches.append("lead_number LIKE ?")
            params.append(f"%{digits}%")
        clauses.append("(" + " OR ".join(matches) + ")")
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    if match:
        # CROSS JOIN keeps the index first: the other order runs the text query once per row.
        source = f"FROM history_fts f CROSS JOIN history h ON h.id = f.rowid{where}"
        return source, "f.rowid", params
    return f"FROM history{where}", "id", params


class HistoryMixin:
    """History methods of Store."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

        _history_fts: bool

    def begin_call(
        self,
        *,
        lead_name: str,
        lead_number: str,
        team_name: str,
        list_value: str,
        call_type: int,
        request_redacted: str,
    ) -> int:
        """Record a call as pending before it is sent; returns its id."""
        # Committed before the request leaves, so a crash mid-call still leaves a trace
        # that the next open turns into 'interrupted'.
        with self._tx() as conn:
            cur = conn.execute(
                _INSERT,
                (
                    utc_now(),
                    None,
                    lead_name,
                    lead_number,
                    team_name,
                    list_value,
                    call_type,
                    "pending",
                    "",
                    "",
                    request_redacted,
                    "",
                    os.getpid(),
                ),
            )
        return int(cur.lastrowid)

    def finish_call(
        self, call_id: int, *, status: str, description: str, sid: str = "", raw_reply: str = ""
    ) -> None:
        """Record how a call ended; KeyError if there is no such call."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"{status!r} is not a final call status")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE history SET status = ?, description = ?, sid = ?, raw_reply = ?,"
                " finished_at = ? WHERE id = ?",
                (status, description, sid, raw_reply, utc_now(), call_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no call with id {call_id}")

    def get_call(self, call_id: int) -> CallRecord | None:
        """One call, or None."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {CALL_COLUMNS} FROM history WHERE id = ?", (call_id,)
            ).fetchone()
        return CallRecord(*row) if row else None

    def count_calls(
        self, text: str = "", status: str | None = None, before_id: int | None = None
    ) -> int:
        """How many calls match the filter that fetch_calls takes (older than ``before_id``)."""
        match = search.match_query(text) if self._history_fts else None
        if match and status is None:
            sql, params = "SELECT count(*) FROM history_fts WHERE history_fts MATCH ?", [match]
        else:
            source, _, params = _call_filter(text, status, match=match)
            sql = f"SELECT count(*) {source}"
        if before_id is not None:
            # All of them less the few newer ones: "id < ?" would make SQLite count along the
            # table itself, several times slower than along its smallest index.
            source, _, newer = _call_filter(text, status, match=match, since_id=before_id)
            sql = f"SELECT ({sql}) - (SELECT count(*) {source})"
            params = [*params, *newer]
        with self._read() as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    def fetch_calls(
        self,
        text: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int = 200,
        before_id: int | None = None,
        bodies: bool = True,
        oldest_first: bool = False,
    ) -> list[CallRecord]:
        """A page of calls, newest first, matching `text` (ignoring case) and `status`.

        ``before_id`` starts the page after that call, which stays fast however deep the page
        is (an offset makes SQLite step over every row before it). Without ``bodies`` the
        records leave ``request_redacted`` and ``raw_reply`` empty (get_call has them): a list
        of 100,000 calls then holds a fraction of the memory. ``oldest_first`` counts the
        offset from the oldest call instead, so the end of a long history is as quick to read
        as its start.
        """
        match = search.match_query(text) if self._history_fts else None
        source, order, params = _call_filter(text, status, before_id, match)
        if match:
            columns = _JOINED_COLUMNS if bodies else _JOINED_SUMMARY
        else:
            columns = CALL_COLUMNS if bodies else _SUMMARY_COLUMNS
        direction = "ASC" if oldest_first else "DESC"
        sql = f"SELECT {columns} {source} ORDER BY {order} {direction} LIMIT ? OFFSET ?"
        with self._read() as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [CallRecord(*row) for row in rows]

    def add_calls_bulk(self, records: Iterable[CallRecord]) -> int:
        """Insert finished or pending records as given (ids ignored) in one transaction."""
        with self._tx() as conn:
            cur = conn.executemany(
                _INSERT,
                (
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
                        r.owner_pid,
                    )
                    for r in records
                ),
            )
        return cur.rowcount

    def _recover_interrupted(self) -> int:
        """Mark pending calls whose process has died as interrupted; returns how many."""
        with self._read() as conn:
            owners = conn.execute(
                "SELECT DISTINCT owner_pid FROM history WHERE status = 'pending'"
            ).fetchall()
        # A live owner may be the window while the command line opens the store (or the
        # reverse): its calls are still in flight and must be left alone.
        dead = [pid for (pid,) in owners if not pid_alive(pid)]
        if not dead:
            return 0  # the common case: no write, so opening never waits for a writer
        now = utc_now()
        with self._tx() as conn:
            # 'pending' is re-checked under the write lock in case the row finished meanwhile.
            cur = conn.executemany(
                "UPDATE history SET status = 'interrupted', description = ?, finished_at = ?"
                " WHERE status = 'pending' AND owner_pid = ?",
                [(INTERRUPTED_DESCRIPTION, now, pid) for pid in dead],
            )
        return max(cur.rowcount, 0)
