"""Call history: a row per call, written before the request goes out and finished after."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

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
_INSERT_COLUMNS = CALL_COLUMNS.removeprefix("id, ")
_INSERT = f"INSERT INTO history({_INSERT_COLUMNS}) VALUES ({', '.join(['?'] * 13)})"
_TEXT_COLUMNS = ("lead_name", "lead_number", "team_name", "description", "sid")
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


def _call_filter(text: str, status: str | None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if status is not None:
        if status not in CALL_STATUSES:
            raise ValueError(f"unknown call status {status!r}")
        clauses.append("status = ?")
        params.append(status)
    text = text.strip()
    if text:
        pattern = like_pattern(text)
        matches = [f"{column} LIKE ? ESCAPE '\\'" for column in _TEXT_COLUMNS]
        params.extend([pattern] * len(_TEXT_COLUMNS))
        # Numbers are stored as bare digits, so "(555) 111-2" should find 5551112222.
        digits = phone_digits(text)
        if digits and digits != text:
            matches.append("lead_number LIKE ?")
            params.append(f"%{digits}%")
        clauses.append("(" + " OR ".join(matches) + ")")
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


class HistoryMixin:
    """History methods of Store."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

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

    def count_calls(self, text: str = "", status: str | None = None) -> int:
        """How many calls match the filter that fetch_calls takes."""
        where, params = _call_filter(text, status)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM history {where}", params).fetchone()[0])

    def fetch_calls(
        self, text: str = "", status: str | None = None, offset: int = 0, limit: int = 200
    ) -> list[CallRecord]:
        """A page of calls, newest first, matching `text` (ignoring case) and `status`."""
        where, params = _call_filter(text, status)
        sql = f"SELECT {CALL_COLUMNS} FROM history {where} ORDER BY id DESC LIMIT ? OFFSET ?"
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
