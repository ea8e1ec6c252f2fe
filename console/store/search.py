"""The history's text search: an FTS5 trigram index, so a filter never scans 100,000 rows.

The index (``history_fts``) mirrors the searchable columns of ``history`` through triggers, and
finds any substring of three characters or more, ignoring case, like the LIKE scan it replaces.
Shorter text, and SQLite builds without FTS5's trigram tokenizer, fall back to that scan.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from console.store.models import phone_digits

log = logging.getLogger(__name__)

COLUMNS = ("lead_name", "lead_number", "team_name", "description", "sid", "notes")
# What schema v2 indexed: the wrap-up's notes came later (dispositions.migrate), and are
# indexed by index_notes, appended after it.
_V2_COLUMNS = COLUMNS[:5]
MIN_CHARS = 3  # the trigram index cannot find shorter text


def _triggers(columns: tuple[str, ...]) -> dict[str, str]:
    """The triggers keeping an index of ``columns`` in step with history, by name."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return {
        "history_fts_insert": f"""CREATE TRIGGER history_fts_insert AFTER INSERT ON history BEGIN
            INSERT INTO history_fts(rowid, {listed}) VALUES (new.id, {new});
        END""",
        "history_fts_delete": f"""CREATE TRIGGER history_fts_delete AFTER DELETE ON history BEGIN
            INSERT INTO history_fts(history_fts, rowid, {listed}) VALUES ('delete', old.id, {old});
        END""",
        "history_fts_update": f"""CREATE TRIGGER history_fts_update AFTER UPDATE OF {listed}
            ON history BEGIN
            INSERT INTO history_fts(history_fts, rowid, {listed}) VALUES ('delete', old.id, {old});
            INSERT INTO history_fts(rowid, {listed}) VALUES (new.id, {new});
        END""",
    }


_TRIGGERS = _triggers(COLUMNS)


def _names(conn: sqlite3.Connection, kind: str) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,)).fetchall()
    return {name for (name,) in rows}


def _create_triggers_and_fill(
    conn: sqlite3.Connection, triggers: dict[str, str] = _TRIGGERS
) -> None:
    _drop_triggers(conn)
    for sql in triggers.values():
        conn.execute(sql)
    conn.execute("INSERT INTO history_fts(history_fts) VALUES ('rebuild')")


def _create(conn: sqlite3.Connection, columns: tuple[str, ...]) -> None:
    """The index of ``columns``, its triggers, filled; nothing when this SQLite has none."""
    try:
        conn.execute(
            f"CREATE VIRTUAL TABLE history_fts USING fts5({', '.join(columns)},"
            " content='history', content_rowid='id', tokenize='trigram')"
        )
    except sqlite3.OperationalError as exc:
        log.warning("history search: this SQLite has no FTS5 trigram index (%s)", exc)
        return
    _create_triggers_and_fill(conn, _triggers(columns))


def migrate(conn: sqlite3.Connection) -> None:
    """Schema v2: the history's trigram index, when this SQLite has one (else nothing)."""
    _create(conn, _V2_COLUMNS)


def index_notes(conn: sqlite3.Connection) -> None:
    """The index made again over the wrap-up's notes too, so a search finds a word an agent
    wrote (the scan without an index reads COLUMNS, notes included, already)."""
    if "history_fts" in _names(conn, "table"):
        _drop_triggers(conn)
        conn.execute("DROP TABLE history_fts")
    _create(conn, COLUMNS)


def usable(conn: sqlite3.Connection) -> bool:
    """Whether filters can use the index; repairs it when another SQLite left it behind.

    Called at every open. A file written by an SQLite without FTS5 (a different Python on
    this computer) has its triggers dropped, so that writing still works there; the next open
    with FTS5 recreates them and rebuilds the index.
    """
    if "history_fts" not in _names(conn, "table"):
        return False
    try:
        conn.execute("SELECT rowid FROM history_fts WHERE history_fts MATCH 'abc' LIMIT 0")
    except sqlite3.OperationalError as exc:
        log.warning("history search: the index cannot be used here (%s); scanning instead", exc)
        _in_transaction(conn, _drop_triggers)
        return False
    if not set(_TRIGGERS) <= _names(conn, "trigger"):
        log.warning("history search: the index was left behind by another SQLite; rebuilding it")
        _in_transaction(conn, _create_triggers_and_fill)
    return True


def _drop_triggers(conn: sqlite3.Connection) -> None:
    for name in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def _in_transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], None]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_query(text: str) -> str | None:
    """The index query finding ``text`` (and a typed number's digits), or None if it cannot."""
    text = text.strip()
    digits = phone_digits(text)
    if len(text) < MIN_CHARS or (digits and digits != text and len(digits) < MIN_CHARS):
        return None
    query = _phrase(text)
    if digits and digits != text:
        # Numbers are stored as bare digits, so "(555) 111-2" should find 5551112222.
        query += f" OR lead_number : {_phrase(digits)}"
    return query
