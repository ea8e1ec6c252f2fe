"""Opening the SQLite file: pragmas, versioned migrations, backups and crash recovery."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from console.problems import LocalProblem
from console.store import (
    calllists,
    dispositions,
    owners,
    search,
    teamshare,
    teamsync_schema,
    watch,
)
from console.store.calllists import CallListMixin
from console.store.damage import (
    DamagedStore,
    StoreTooNew,
    header_problem,
    salvage,
    store_problem,
)
from console.store.dispositions import WrapUpMixin
from console.store.history import INTERRUPTED_DESCRIPTION, HistoryMixin
from console.store.leads import LeadsMixin
from console.store.models import CallRecord
from console.store.presets import PresetsMixin
from console.store.reports_mixin import ReportsMixin
from console.store.teamcopy import TeamCopyMixin
from console.store.teams import TeamsMixin
from console.store.teamshare import TeamShareMixin

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# How many Stores this process has open on each file (by its real path). Reading a store's
# header (damage.header_problem) opens and closes the file, and closing any descriptor of a
# file drops every POSIX lock the process holds on it, SQLite's own included
# (https://sqlite.org/howtocorrupt.html, section 2.2.1). Another process then believes it
# holds the last connection, checkpoints and deletes the write-ahead log under ours, and
# writes are lost. So the header is read only before this process's first Store on a file:
# SQLite then has it open and guards its own descriptors.
_OPEN_STORES: Counter[str] = Counter()
_OPEN_STORES_LOCK = threading.Lock()


def _v1_initial(conn: sqlite3.Connection) -> None:
    """Teams, leads, presets and call history."""
    statements = [
        """CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        )""",
        """CREATE TABLE team_members (
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            number TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (team_id, position)
        )""",
        """CREATE TABLE leads (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            number TEXT NOT NULL,
            company TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX leads_name ON leads(name COLLATE NOCASE)",
        """CREATE TABLE presets (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            options TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            finished_at TEXT,
            lead_name TEXT NOT NULL DEFAULT '',
            lead_number TEXT NOT NULL DEFAULT '',
            team_name TEXT NOT NULL DEFAULT '',
            list_value TEXT NOT NULL DEFAULT '',
            call_type INTEGER NOT NULL,
            status TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            sid TEXT NOT NULL DEFAULT '',
            request_redacted TEXT NOT NULL DEFAULT '',
            raw_reply TEXT NOT NULL DEFAULT '',
            owner_pid INTEGER NOT NULL
        )""",
        "CREATE INDEX history_status ON history(status)",
        "CREATE INDEX history_created ON history(created_at)",
        # Serves the "last result" lookup for each lead in search_leads.
        "CREATE INDEX history_lead ON history(lead_number, created_at)",
    ]
    for statement in statements:
        conn.execute(statement)


def _v3_owner_tokens(conn: sqlite3.Connection) -> None:
    """Each call names the store that placed it (console.store.owners), not only its pid.

    Rows written before keep '' and are recovered by their pid, as they were.
    """
    conn.execute("ALTER TABLE history ADD COLUMN owner_token TEXT NOT NULL DEFAULT ''")


def _reports_index(conn: sqlite3.Connection) -> None:
    """Reports (console.store.reports) count calls by time, team list and result: indexes that
    hold every column they read, in the order they group by, so a report reads one index in
    one pass and never the rows (whose request and reply texts make them many times larger);
    and the first leg's time as a column computed on reading, which an index keeps."""
    from console.store.reports import REPORT_SCHEMA  # only when migrating

    for statement in REPORT_SCHEMA:
        conn.execute(statement)


# Ordered; a database at version N has had MIGRATIONS[:N] applied. Only ever append.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _v1_initial,
    search.migrate,
    _v3_owner_tokens,
    dispositions.migrate,
    teamsync_schema.migrate,
    _reports_index,
    watch.migrate,
    calllists.migrate,  # the desktop's call list (SQLite only: see console.store.calllists)
    teamshare.migrate,
    search.index_notes,
    calllists.migrate_status,  # a call list entry's status as data, not words
]


def _use_wal(conn: sqlite3.Connection) -> None:
    """PRAGMA journal_mode=WAL, waiting as busy_timeout would. SQLite answers it SQLITE_BUSY
    at once, without calling the busy handler, while another process's last connection
    closes (it checkpoints and removes the log under an exclusive lock): seen when a command
    ended just as another process opened the store."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _forget_open(key: str) -> None:
    with _OPEN_STORES_LOCK:
        _OPEN_STORES[key] -= 1
        if _OPEN_STORES[key] <= 0:
            del _OPEN_STORES[key]


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_path(path: Path, version: int) -> Path:
    """Where the copy of a version-`version` file goes before it is migrated."""
    return path.with_name(f"{path.name}.v{version}.bak")


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> None:
    target = sqlite3.connect(str(backup_path(path, version)))
    try:
        # The backup API copies a consistent snapshot even while another process writes.
        conn.backup(target)
        # The copied header says WAL; switch so the backup is one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


class Store(
    TeamsMixin,
    LeadsMixin,
    PresetsMixin,
    HistoryMixin,
    WrapUpMixin,
    TeamCopyMixin,
    TeamShareMixin,
    ReportsMixin,
    watch.WatchMixin,
    CallListMixin,
):
    """The local database; safe to share between threads, and between processes via SQLite."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpoint_lock = threading.Lock()
        self.path = path
        self.writes = 0  # transactions committed through this store, for checkpoint_if_written
        self._checkpointed_at = 0
        self.recovered_calls = 0
        self.merged_calls = 0  # journal entries merged at open
        self._history_fts = False  # whether filters can use the history's text index
        # Held from this store's first call until it closes: its pending rows have an owner.
        self._owner = owners.OwnerLock(path.parent / owners.OWNERS_DIR)
        self._begun: dict[int, CallRecord] = {}  # calls in flight, as begun (see begin_call)
        self._journaled = False  # whether this store kept an ending in the journal
        self._open_key: str | None = None  # its entry in _OPEN_STORES, until closed

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) and migrate the store at `path`; mark orphaned calls.

        Call endings kept in the journal (console.store.journal) go into the history first.
        Raises LocalProblem (one sentence) when it cannot: DamagedStore and StoreTooNew (see
        console.store.damage) for a file to move aside, others for the folder or the disk.
        """
        path = Path(path)
        try:
            return cls._open(path)
        except LocalProblem:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise store_problem(exc, path) from exc

    @classmethod
    def _open(cls, path: Path) -> Store:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.path.realpath(path)
        with _OPEN_STORES_LOCK:
            if not _OPEN_STORES[key]:  # see _OPEN_STORES: never while SQLite has it open
                damage = header_problem(path)
                if damage:
                    raise DamagedStore(path, damage)
            _OPEN_STORES[key] += 1
        try:
            return cls._connect(path, key)
        except BaseException:
            _forget_open(key)
            raise

    @classmethod
    def _connect(cls, path: Path, key: str) -> Store:
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        try:
            # The window and the command line may write at once: wait for the lock, not fail.
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            found = _user_version(conn)
            if found > len(MIGRATIONS):
                raise StoreTooNew(path, found, len(MIGRATIONS))
            _use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            cls._migrate(conn, path, found)
            store = cls(conn, path)
            store._open_key = key
            store._history_fts = search.usable(conn)
            store.merged_calls = store._merge_journal_quietly()
            store.recovered_calls = store._recover_interrupted()
        except BaseException:
            conn.close()
            raise
        return store

    @staticmethod
    def _migrate(conn: sqlite3.Connection, path: Path, found: int) -> None:
        known = len(MIGRATIONS)
        if found == known:
            return
        if found > 0:
            _backup(conn, path, found)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = _user_version(conn)
            if current > known:
                raise StoreTooNew(path, current, known)
            for migrate in MIGRATIONS[current:]:
                migrate(conn)
            conn.execute(f"PRAGMA user_version={known}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def salvage_from(self, kept: Path) -> dict[str, int]:
        """Copy what can still be read from a store moved aside (see damage.salvage) into this
        one; its pending calls arrive as interrupted. Returns the rows copied per table."""
        with self._tx() as conn:
            copied = salvage(kept, conn)
            conn.execute(
                "UPDATE history SET status = 'interrupted', description = ? "
                "WHERE status = 'pending'",
                (INTERRUPTED_DESCRIPTION,),
            )
        return copied

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; not reentrant (SQLite has no nested BEGIN)."""
        with self._lock:
            conn = self._conn
            # IMMEDIATE takes the write lock up front, so busy_timeout applies here rather
            # than failing later when a read transaction tries to upgrade.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
                self.writes += 1
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads, held by this thread until the block ends."""
        with self._lock:
            yield self._conn

    def defer_checkpoints(self) -> None:
        """Stop commits from copying the write-ahead log into the database themselves.

        The commit that fills SQLite's 1,000-page log runs that checkpoint on the spot (about
        15 ms here, with an fsync): on the window's thread, a stall the agent can see. Whoever
        calls this calls checkpoint_if_written() regularly, off that thread.
        """
        with self._lock:
            self._conn.execute("PRAGMA wal_autocheckpoint=0")

    def checkpoint_if_written(self) -> bool:
        """Copy the log into the database if this store wrote since the last time; any thread.

        Runs on a connection of its own, in SQLite's PASSIVE mode, so writers never wait.
        """
        with self._checkpoint_lock:
            writes = self.writes
            if writes == self._checkpointed_at:
                return False
            if self._checkpointer is None:
                self._checkpointer = sqlite3.connect(
                    str(self.path), check_same_thread=False, isolation_level=None
                )
                self._checkpointer.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._checkpointed_at = writes
            return True

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._checkpoint_lock:
            if self._checkpointer is not None:
                self._checkpointer.close()
                self._checkpointer = None
        with self._lock:
            self._conn.close()
        self._owner.release()
        key, self._open_key = self._open_key, None
        if key is not None:
            _forget_open(key)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
