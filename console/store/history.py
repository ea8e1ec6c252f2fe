"""Call history: a row per call, written before the request goes out and finished after."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from console.store import journal, owners, search
from console.store.journal import Unsaved
from console.store.models import (
    CALL_STATUSES,
    FINAL_STATUSES,
    CallRecord,
    like_pattern,
    phone_digits,
    utc_now,
)

log = logging.getLogger(__name__)

# The columns history's INSERT writes, in CallRecord field order (id first).
CALL_COLUMNS = (
    "id, created_at, finished_at, lead_name, lead_number, team_name, list_value, call_type,"
    " status, description, sid, request_redacted, raw_reply, owner_pid,"
    " owner_token, uuid, agent"
)
# What a row is read as: CallRecord's fields in order, so a row unpacks straight into
# CallRecord(*row).
RECORD_COLUMNS = f"{CALL_COLUMNS}, disposition, notes, wrapped_at, callback_at"
# The same, with the two long texts (the request as sent, the raw reply) left empty.
_BODIES = ("request_redacted", "raw_reply")
SUMMARY_COLUMNS = ", ".join(
    "''" if c.strip() in _BODIES else c.strip() for c in RECORD_COLUMNS.split(",")
)
_JOINED_COLUMNS = ", ".join(
    c if c == "''" else f"h.{c}" for c in (c.strip() for c in RECORD_COLUMNS.split(","))
)
_JOINED_SUMMARY = ", ".join(c if c == "''" else f"h.{c}" for c in SUMMARY_COLUMNS.split(", "))
_INSERT_COLUMNS = CALL_COLUMNS.removeprefix("id, ")
_INSERT = f"INSERT INTO history({_INSERT_COLUMNS}) VALUES ({', '.join(['?'] * 16)})"
# The fields of a CallRecord that the INSERT writes (all but the id and the wrap-up).
_STORED = slice(1, 17)
_TEXT_COLUMNS = search.COLUMNS  # searched with LIKE when there is no text index
INTERRUPTED_DESCRIPTION = "outcome unknown (interrupted)"
# What a journal entry may complete: a row still waiting, or one a later start gave up on.
_OPEN_STATUSES = ("pending", "interrupted")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id is running on this machine.

    Only for rows written before schema v3, which name no owner token: a pid may be reused
    (console.store.owners says why), so newer rows are owned through a lock instead.
    """
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
    disposition: str | None = None,
    agent: str | None = None,
) -> tuple[str, str, list[object]]:
    """``FROM ... WHERE`` for the calls matching a filter, their id column, and the parameters.

    With ``match`` (search.match_query's) the text index finds the text; else every row's
    text columns are scanned. ``before_id`` keeps only older calls (the next page),
    ``since_id`` only that call and newer ones; ``disposition`` a wrap-up's disposition by
    name, ignoring case ("" for the calls not wrapped up); ``agent`` one agent's calls.
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
    if disposition is not None:
        clauses.append(f"{prefix}disposition = ? COLLATE NOCASE")
        params.append(disposition.strip())
    if agent is not None:
        clauses.append(f"{prefix}agent = ?")
        params.append(agent)
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
        _owner: owners.OwnerLock
        _begun: dict[int, CallRecord]
        _journaled: bool
        path: Path

    @property
    def journal_folder(self) -> Path:
        """Where call endings wait when the history cannot take them (console.store.journal)."""
        return self.path.parent / journal.JOURNAL_DIR

    def _owner_token(self) -> str:
        try:
            return self._owner.token()
        except OSError as exc:
            # The call can still be recorded; only its recovery falls back on the pid.
            log.warning("owner lock in %s cannot be taken (%s); using the pid", exc.filename, exc)
            return ""

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
        """Record a call as pending before it is sent; returns its id.

        The row gets a UUID (its id on a team server) and this desktop's agent name (the
        team_state key 'agent', '' when it has none); the team sync sends it from here.
        """
        import uuid  # here, not at start-up: it imports platform (~10 ms)

        agent = self._agent_name()
        # Committed before the request leaves, so a crash mid-call still leaves a trace
        # that the next open turns into 'interrupted'.
        record = CallRecord(
            None,
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
            self._owner_token(),
            str(uuid.uuid4()),
            agent,
        )
        with self._tx() as conn:
            cur = conn.execute(_INSERT, record[_STORED])
        call_id = int(cur.lastrowid)
        # Kept while in flight: if the history cannot take the ending, the journal has the
        # whole row without reading it back.
        self._begun[call_id] = record._replace(id=call_id)
        return call_id

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
        self._begun.pop(call_id, None)

    def complete_call(
        self, call_id: int, *, status: str, description: str, sid: str = "", raw_reply: str = ""
    ) -> Unsaved | None:
        """finish_call, or, when the history cannot take it, keep the ending in the journal.

        Returns None when the row was written; else what happened (journal.Unsaved), with the
        call as its row should read. Never raises for a storage problem: the call has ended,
        and its result must reach the person whatever the disk does.
        """
        raw_reply = raw_reply[: journal.MAX_RAW_CHARS]
        try:
            self.finish_call(
                call_id, status=status, description=description, sid=sid, raw_reply=raw_reply
            )
        except sqlite3.Error as exc:
            problem = str(exc) or type(exc).__name__
        else:
            if self._journaled:
                self._merge_journal_quietly()  # the history takes writes again
            return None
        begun = self._begun.pop(call_id, None)
        if begun is None:  # begun elsewhere (a test's bulk insert): what is known of it
            begun = CallRecord(call_id, "", None, "", "", "", "", 1, "pending", "", "", "", "", 0)
        record = begun._replace(
            status=status,
            description=description,
            sid=sid,
            raw_reply=raw_reply,
            finished_at=utc_now(),
        )
        try:
            kept_in = journal.write(self.journal_folder, record)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            unsaved = Unsaved(record, problem, None, reason)
        else:
            self._journaled = True
            unsaved = Unsaved(record, problem, kept_in)
        # INFO: the log file keeps it; the caller tells the person (a command line's stderr
        # shows warnings, and would say it twice).
        log.info("call %s: %s", call_id, unsaved.sentence())
        return unsaved

    def merge_journal(self) -> int:
        """Complete the history from the journal's entries; returns how many were merged.

        Idempotent: an entry completes its row only while that row is pending or interrupted,
        and adds it when the row is missing altogether (a store started afresh); the row is
        found by its owner token, start time and lead, which a new id cannot disturb. Entries
        are removed once committed. Raises sqlite3.Error when the history cannot be written.
        """
        found = journal.entries(self.journal_folder)
        if not found:
            return 0
        with self._tx() as conn:
            for _path, record in found:
                row = conn.execute(
                    "SELECT id, status FROM history WHERE (uuid = ? AND uuid != '') OR"
                    " (created_at = ? AND owner_token = ? AND lead_number = ?)"
                    " ORDER BY uuid = ? DESC, id = ? DESC LIMIT 1",
                    (
                        record.uuid,
                        record.created_at,
                        record.owner_token,
                        record.lead_number,
                        record.uuid,
                        record.id,
                    ),
                ).fetchone()
                if row is None:
                    conn.execute(_INSERT, record[_STORED])
                elif row[1] in _OPEN_STATUSES:
                    conn.execute(
                        "UPDATE history SET status = ?, description = ?, sid = ?,"
                        " raw_reply = ?, finished_at = ? WHERE id = ?",
                        (
                            record.status,
                            record.description,
                            record.sid,
                            record.raw_reply,
                            record.finished_at,
                            row[0],
                        ),
                    )
        for path, _record in found:
            journal.remove(path)
        return len(found)

    def _merge_journal_quietly(self) -> int:
        """merge_journal, leaving the entries for a later open when the history is still busy."""
        try:
            merged = self.merge_journal()
        except sqlite3.Error as exc:
            log.warning("journal not merged into the history yet (%s)", exc)
            return 0
        self._journaled = False
        return merged

    def _agent_name(self) -> str:
        """This desktop's agent name in team mode (team_state 'agent'), else ''."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM team_state WHERE key = 'agent'").fetchone()
        return str(row[0]) if row else ""

    def list_agents(self) -> list[str]:
        """The agent names on calls in this history, sorted (no '')."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT DISTINCT agent FROM history WHERE agent != '' ORDER BY agent"
            ).fetchall()
        return [name for (name,) in rows]

    def team_state(self) -> dict[str, str]:
        """The team sync's state (docs/team-server.md lists the keys), all text; 'waiting' is
        counted now: this desktop's calls, list edits and shared changes (wrap-ups, dispositions,
        do-not-call marks) the team server does not have yet.
        Empty but for 'waiting' = '0' on a desktop that never joined a team."""
        with self._read() as conn:
            state = dict(conn.execute("SELECT key, value FROM team_state").fetchall())
            calls = conn.execute(
                "SELECT count(*) FROM history INDEXED BY history_outbox"
                " WHERE origin = 'local' AND sent != status AND uuid != ''"
            ).fetchone()[0]
            # A list saved is several captured rows (the list, each member): counted once.
            edits = conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT kind, name FROM team_outbox)"
            ).fetchone()[0]
            # Wrap-ups, dispositions and do-not-call marks (console.store.teamshare), likewise.
            edits += conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT kind, name FROM share_outbox)"
            ).fetchone()[0]
        state.pop("mirroring", None)
        state["waiting"] = str(calls + edits)
        return state

    def get_call(self, call_id: int) -> CallRecord | None:
        """One call, or None."""
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {RECORD_COLUMNS} FROM history WHERE id = ?", (call_id,)
            ).fetchone()
        return CallRecord(*row) if row else None

    def count_calls(
        self,
        text: str = "",
        status: str | None = None,
        before_id: int | None = None,
        disposition: str | None = None,
        agent: str | None = None,
    ) -> int:
        """How many calls match the filter that fetch_calls takes (older than ``before_id``)."""
        match = search.match_query(text) if self._history_fts else None
        if match and status is None and disposition is None and agent is None:
            sql, params = "SELECT count(*) FROM history_fts WHERE history_fts MATCH ?", [match]
        else:
            source, _, params = _call_filter(
                text, status, match=match, disposition=disposition, agent=agent
            )
            sql = f"SELECT count(*) {source}"
        if before_id is not None:
            # All of them less the few newer ones: "id < ?" would make SQLite count along the
            # table itself, several times slower than along its smallest index.
            source, _, newer = _call_filter(
                text,
                status,
                match=match,
                since_id=before_id,
                disposition=disposition,
                agent=agent,
            )
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
        disposition: str | None = None,
        agent: str | None = None,
    ) -> list[CallRecord]:
        """A page of calls, newest first, matching `text` (ignoring case), `status` and
        `agent` (the name on the call, exactly; None: everyone's).

        ``before_id`` starts the page after that call, which stays fast however deep the page
        is (an offset makes SQLite step over every row before it). Without ``bodies`` the
        records leave ``request_redacted`` and ``raw_reply`` empty (get_call has them): a list
        of 100,000 calls then holds a fraction of the memory. ``oldest_first`` counts the
        offset from the oldest call instead, so the end of a long history is as quick to read
        as its start. ``disposition`` keeps the calls wrapped up with it (by name, ignoring
        case; "" for those not wrapped up).
        """
        match = search.match_query(text) if self._history_fts else None
        source, order, params = _call_filter(
            text, status, before_id, match, disposition=disposition, agent=agent
        )
        if match:
            columns = _JOINED_COLUMNS if bodies else _JOINED_SUMMARY
        else:
            columns = RECORD_COLUMNS if bodies else SUMMARY_COLUMNS
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
                        r.owner_token,
                        r.uuid,
                        r.agent,
                    )
                    for r in records
                ),
            )
        return cur.rowcount

    def _recover_interrupted(self) -> int:
        """Mark pending calls whose owner has gone as interrupted; returns how many.

        An owner is the store that began the call, alive while its lock is held
        (console.store.owners); rows from before schema v3 have only a pid to go by.
        """
        with self._read() as conn:
            # Only this desktop's rows: another desktop's pending call (pulled from the team
            # server) is in flight there, and names an owner this machine cannot see.
            owned = conn.execute(
                "SELECT DISTINCT owner_token, owner_pid FROM history"
                " WHERE status = 'pending' AND origin = 'local'"
            ).fetchall()
        folder = self._owner.folder
        # A live owner may be the window while the command line opens the store (or the
        # reverse), or a store on another machine: its calls are in flight and left alone.
        gone = {token for token, _pid in owned if token and not owners.owner_alive(folder, token)}
        dead_pids = {pid for token, pid in owned if not token and not pid_alive(pid)}
        owners.sweep(folder, keep={token for token, _pid in owned})
        if not gone and not dead_pids:
            return 0  # the common case: no write, so opening never waits for a writer
        now = utc_now()
        with self._tx() as conn:
            # 'pending' is re-checked under the write lock in case the row finished meanwhile.
            cur = conn.execute(
                "UPDATE history SET status = 'interrupted', description = ?, finished_at = ?"
                " WHERE status = 'pending' AND origin = 'local'"
                " AND ((owner_token != '' AND owner_token IN"
                f" ({', '.join('?' * len(gone))})) OR (owner_token = '' AND owner_pid IN"
                f" ({', '.join('?' * len(dead_pids))})))",
                [INTERRUPTED_DESCRIPTION, now, *gone, *dead_pids],
            )
        owners.forget(folder, sorted(gone))
        return max(cur.rowcount, 0)
