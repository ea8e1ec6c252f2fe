"""A store that cannot be used: one sentence naming it, never modified, set aside on request,
and what can still be read salvaged into a fresh one. Real SQLite files throughout."""

from __future__ import annotations

import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest

from console.problems import LocalProblem
from console.store import (
    DamagedStore,
    Lead,
    Store,
    StoreTooNew,
    TeamList,
    TeamMember,
    set_aside,
)
from console.store.damage import move_command, store_problem

CALLS = 600


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


def filled(db_path: Path) -> Store:
    """A store with a team list, two leads and CALLS calls (the history spans many pages)."""
    store = Store.open(db_path)
    store.save_team(TeamList(None, "Sales", [TeamMember("A", "5550000001")]))
    store.add_lead(Lead(None, "Ann", "5551112222"))
    store.add_lead(Lead(None, "Bob", "5551113333"))
    for i in range(CALLS):
        call_id = store.begin_call(
            lead_name=f"Lead {i}", lead_number="5551112222", team_name="Sales",
            list_value="5550000001", call_type=1,
            request_redacted="https://example.test/ibp_api.php?key=***",
        )  # fmt: skip
        store.finish_call(
            call_id, status="success", description=f"MARK-{i:05d} connected", sid=f"2611{i:012x}"
        )
    return store


def damage_page_holding(path: Path, marker: bytes) -> None:
    """Overwrite, with garbage, the page of ``path`` that holds ``marker``."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    offset = data.index(marker)
    start = offset - offset % page_size
    data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


def checkpointed(store: Store) -> Path:
    store.close()  # the last connection to close copies the log into the file
    assert not Path(f"{store.path}-wal").exists()
    return store.path


@pytest.mark.parametrize("kind", ["random bytes", "text", "truncated"])
def test_a_damaged_store_is_one_sentence_and_left_untouched(db_path: Path, kind: str) -> None:
    if kind == "truncated":
        checkpointed(filled(db_path))
        db_path.write_bytes(db_path.read_bytes()[: 40 * 1024])
    else:
        db_path.parent.mkdir(parents=True)
        db_path.write_bytes(bytes(range(256)) * 20 if kind == "random bytes" else b"hello\n" * 900)
    before = db_path.read_bytes()
    with pytest.raises(DamagedStore) as info:
        Store.open(db_path)
    sentence = info.value.sentence()
    assert sentence.startswith(f"The store {db_path} is damaged (")
    assert "left as it is" in sentence and "mv " in sentence
    assert "\n" not in sentence
    assert db_path.read_bytes() == before
    # Files only: owners/ (the store's call-owner locks) is not part of the store file.
    assert sorted(p.name for p in db_path.parent.iterdir() if p.is_file()) == ["findme.db"]


def test_the_mv_command_given_moves_the_store_with_its_log(db_path: Path) -> None:
    store = filled(db_path)  # open: its -wal and -shm exist
    command = move_command(db_path)
    store.close()
    db_path.with_name("findme.db-wal").write_bytes(b"log")
    db_path.with_name("findme.db-shm").write_bytes(b"shm")
    subprocess.run(["sh", "-c", command], check=True)
    names = sorted(p.name for p in db_path.parent.iterdir() if p.is_file())
    assert len(names) == 3 and all(n.startswith("findme.db.damaged-") for n in names)
    assert {n[-4:] for n in names} >= {"-wal", "-shm"}
    assert shlex.split(command)[0] == "mv"


def test_a_store_that_is_a_folder_names_the_folder(db_path: Path) -> None:
    db_path.mkdir(parents=True)
    with pytest.raises(LocalProblem) as info:
        Store.open(db_path)
    assert not isinstance(info.value, DamagedStore)
    assert f"The store {db_path} is a folder" in info.value.sentence()
    assert db_path.is_dir()


def test_a_store_that_cannot_grow_says_the_disk_is_full(db_path: Path) -> None:
    # SQLite's own "database or disk is full", as a full disk gives it (here: a page cap).
    store = Store.open(db_path)
    with store._read() as conn:
        conn.execute("PRAGMA max_page_count = 1")
        with pytest.raises(sqlite3.OperationalError) as raised:
            conn.execute("CREATE TABLE filler (x)")
    problem = store_problem(raised.value, db_path)
    store.close()
    assert "cannot grow: the disk is full; free some space" in problem.sentence()


def test_a_newer_store_says_to_update_or_start_fresh(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreTooNew) as info:
        Store.open(db_path)
    sentence = info.value.sentence()
    assert "written by a newer FindMe Console (schema version 99" in sentence
    assert "update FindMe Console, or start a fresh store" in sentence and ".newer-" in sentence


def test_set_aside_renames_the_store_and_its_log_and_changes_no_byte(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"not a database" * 100)
    db_path.with_name("findme.db-wal").write_bytes(b"wal bytes")
    db_path.with_name("findme.db-shm").write_bytes(b"shm bytes")
    with pytest.raises(DamagedStore) as info:
        Store.open(db_path)
    kept = set_aside(info.value)
    assert kept.name.startswith("findme.db.damaged-") and kept.parent == db_path.parent
    assert kept.read_bytes() == b"not a database" * 100
    assert Path(f"{kept}-wal").read_bytes() == b"wal bytes"
    assert Path(f"{kept}-shm").read_bytes() == b"shm bytes"
    assert not db_path.exists() and not db_path.with_name("findme.db-wal").exists()
    with Store.open(db_path) as fresh:  # a fresh store starts in its place
        assert fresh.list_teams() == []
    # Twice in the same second: a second name, nothing overwritten.
    db_path.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{db_path}{side}").unlink(missing_ok=True)
    db_path.write_bytes(b"second damaged store")
    with pytest.raises(DamagedStore) as again:
        Store.open(db_path)
    second = set_aside(again.value)
    assert second != kept and kept.read_bytes() == b"not a database" * 100


def test_salvage_keeps_every_row_before_the_damage(db_path: Path) -> None:
    path = checkpointed(filled(db_path))
    damage_page_holding(path, b"MARK-00400")
    # Opening reads only what it needs, so this damage shows when the history is read.
    kept = path.with_name("findme.db.damaged-test")
    path.rename(kept)
    before = kept.read_bytes()
    with Store.open(path) as fresh:
        copied = fresh.salvage_from(kept)
        assert copied["teams"] == 1 and copied["team_members"] == 1
        assert copied["leads"] == 2
        assert 300 < copied["history"] < 400  # the rows on pages before the damaged one
        assert fresh.get_team("Sales").list_value == "5550000001"
        rows = fresh.fetch_calls(limit=1000)
        assert len(rows) == copied["history"]
        assert all(r.status == "success" for r in rows)
        assert fresh.count_calls("MARK-00010") == 1  # the text index was filled too
    assert kept.read_bytes() == before  # salvage reads a copy: the old file is untouched


def test_salvage_of_a_file_that_is_not_a_database_reads_nothing(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    kept = db_path.with_name("findme.db.damaged-test")
    kept.write_bytes(b"garbage" * 1000)
    with Store.open(db_path) as fresh:
        assert sum(fresh.salvage_from(kept).values()) == 0
        assert fresh.list_teams() == []
