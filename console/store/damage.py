"""A store that cannot be used: what is wrong in one sentence, moving it aside, and salvage.

The console never modifies or deletes such a file. It can move it aside, with its -wal and
-shm files, under a name with the time (findme.db.damaged-20261127-101500), so a fresh store
starts in its place; renaming it back restores it.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from console.problems import LocalProblem, file_problem, os_hint

log = logging.getLogger(__name__)

# SQLite's primary result codes (https://sqlite.org/rescode.html) that mean the file itself
# is bad, as opposed to the folder, the disk or another program holding it.
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_SIDE_FILES = ("-wal", "-shm")
# What salvage copies, parents before children (team_members refers to teams).
_TABLES = ("teams", "team_members", "leads", "presets", "history", "dispositions")


class UnusableStore(LocalProblem):
    """The store file itself cannot be used; moving it aside and starting fresh would help."""

    def __init__(self, problem: str, path: Path, hint: str) -> None:
        self.path = path
        super().__init__(problem, where=path, hint=hint, kind="store")


class DamagedStore(UnusableStore):
    """The store is not an SQLite database, or is damaged (truncated, a bad page)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"the store {path} is damaged ({reason})",
            path,
            f"it was left as it is: to keep it and start a fresh store, run {move_command(path)}"
            " (the window offers to do this, and to read what it can from the old one)",
        )


class StoreTooNew(UnusableStore):
    """The file was written by a newer FindMe Console whose schema this one cannot read."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"the store {path} was written by a newer FindMe Console (schema version {found}; "
            f"this one knows up to {known}) and was left untouched",
            path,
            "update FindMe Console, or start a fresh store beside it by running "
            + move_command(path, "newer"),
        )


def header_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an SQLite database, read from its header alone; None if it may be.

    Checked before SQLite opens the file: SQLite may write to a file it opens (a -shm, a
    checkpoint on close), and a damaged store must not be changed. See the file format,
    https://sqlite.org/fileformat.html#the_database_header.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
            size = handle.seek(0, 2)
    except (FileNotFoundError, IsADirectoryError):
        return None  # a new store, or a folder (said by store_problem)
    except OSError:
        return None  # unreadable: SQLite's own error says why
    if not header:
        return None  # an empty file is an empty database to SQLite
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is valid only when written by the same change as the counter beside it.
    valid = pages > 0 and header[92:96] == header[24:28]
    wal = Path(f"{path}-wal")
    has_log = wal.exists() and wal.stat().st_size > 0  # a log may hold the missing pages
    if valid and not has_log and size < pages * page_size:
        return f"truncated: {size:,} of {pages * page_size:,} bytes"
    return None


def store_problem(exc: sqlite3.Error | OSError, path: Path) -> LocalProblem:
    """``exc``, met opening or reading the store at ``path``, as one sentence."""
    if isinstance(exc, OSError):
        return file_problem(exc, path, what="the store", kind="store")
    name = getattr(exc, "sqlite_errorname", "")
    if name in _DAMAGED:
        return DamagedStore(path, str(exc))
    if path.is_dir():
        return file_problem(IsADirectoryError(21, "Is a directory"), path, what="the store",
                            kind="store")  # fmt: skip
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        problem = "is held by another program for too long"
        hint = "close other programs using it (another FindMe Console, a database browser)"
    elif name.startswith("SQLITE_FULL"):
        problem, hint = "cannot grow: the disk is full", os_hint(OSError(28, ""), path.parent)
    elif name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        problem = f"cannot be opened for writing ({exc})"
        hint = os_hint(PermissionError(13, ""), path.parent)
    else:  # SQLITE_IOERR and the rest: the disk or the file system
        problem, hint = f"cannot be used ({exc})", os_hint(OSError(5, ""), path.parent)
    return LocalProblem(f"the store {path} {problem}", where=path, hint=hint, kind="store")


def aside_path(path: Path, label: str = "damaged", when: float | None = None) -> Path:
    """Where ``path`` goes when moved aside: findme.db.damaged-20261127-101500."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    return path.with_name(f"{path.name}.{label}-{stamp}")


def move_command(path: Path, label: str = "damaged") -> str:
    """The shell command that moves ``path`` (and its -wal and -shm) aside, for a person."""
    target = aside_path(path, label)
    import shlex  # for this message only: not at every start

    moves = [f"mv {shlex.quote(str(path))} {shlex.quote(str(target))}"]
    for side in _SIDE_FILES:
        if Path(f"{path}{side}").exists():
            moves.append(f"mv {shlex.quote(f'{path}{side}')} {shlex.quote(f'{target}{side}')}")
    return " && ".join(moves)


def set_aside(problem: UnusableStore) -> Path:
    """Rename the unusable store and its -wal and -shm; returns the new name of the store.

    Nothing is copied or deleted. Raises LocalProblem when a rename fails.
    """
    path = problem.path
    label = "newer" if isinstance(problem, StoreTooNew) else "damaged"
    first = target = aside_path(path, label)
    n = 1
    while target.exists():  # twice in the same second
        n += 1
        target = first.with_name(f"{first.name}-{n}")
    moved: list[tuple[Path, Path]] = []
    try:
        # The -wal first: a fresh store beside an old -wal would replay the old log into itself.
        for side in (*_SIDE_FILES, ""):
            source = Path(f"{path}{side}")
            if side and not source.exists():
                continue
            source.rename(f"{target}{side}")
            moved.append((source, Path(f"{target}{side}")))
    except OSError as exc:
        for source, moved_to in reversed(moved):  # all or nothing
            try:
                moved_to.rename(source)
            except OSError:
                log.error("store: %s could not be renamed back to %s", moved_to, source)
        raise file_problem(exc, path, what="the store", kind="store") from exc
    log.warning("store: %s moved aside as %s", path, target.name)
    return target


def restore_hint(kept: Path, path: Path) -> str:
    """How to go back to a store moved aside: "quit FindMe Console and rename ..."."""
    return (
        f"quit FindMe Console, move the fresh {path.name} (and its -wal and -shm) away, and "
        f"rename {kept.name} (with its -wal and -shm, if any) back to {path.name}"
    )


def salvage(kept: Path, into: sqlite3.Connection) -> dict[str, int]:
    """Copy the rows still readable in the moved-aside store ``kept`` into ``into``.

    ``into`` is the fresh store's connection, in a transaction the caller commits. The old
    files are copied to a temporary folder first, so even SQLite's read never touches them.
    Returns the rows copied per table; a table that cannot be read from its start gets 0,
    one that breaks part-way keeps the rows read before the damage.
    """
    copied = dict.fromkeys(_TABLES, 0)
    with tempfile.TemporaryDirectory(prefix="findme-salvage-") as folder:
        copy = Path(folder) / "old.db"
        try:
            shutil.copyfile(kept, copy)
            if Path(f"{kept}-wal").exists():
                shutil.copyfile(f"{kept}-wal", f"{copy}-wal")
            old = sqlite3.connect(copy)
        except (OSError, sqlite3.Error) as exc:
            log.warning("store salvage: %s cannot be copied (%s)", kept, exc)
            return copied
        try:
            for table in _TABLES:
                copied[table] = _copy_table(old, into, table)
        finally:
            old.close()
    return copied


def _copy_table(old: sqlite3.Connection, into: sqlite3.Connection, table: str) -> int:
    columns = [row[1] for row in into.execute(f"PRAGMA table_info({table})")]
    try:
        have = {row[1] for row in old.execute(f"PRAGMA table_info({table})")}
    except sqlite3.Error as exc:
        log.warning("store salvage: %s cannot be read (%s)", table, exc)
        return 0
    shared = [c for c in columns if c in have]
    if not shared:
        return 0
    names = ", ".join(shared)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(shared))})"
    count = 0
    try:
        for row in old.execute(f"SELECT {names} FROM {table}"):
            try:
                count += into.execute(insert, row).rowcount
            except sqlite3.IntegrityError:
                continue  # a member whose team list was lost, a row that breaks a rule
    except sqlite3.Error as exc:  # the damage: keep what was read before it
        log.warning("store salvage: %s read up to a damaged part (%s)", table, exc)
    return count
