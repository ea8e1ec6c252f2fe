"""The SQLite store against real files in a temporary folder."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import (
    Lead,
    Store,
    StoreTooNew,
    TeamList,
    TeamMember,
    backup_path,
)
from console.store import connection as store_connection
from console.store.base import ConsoleStore
from tests.store_kit import begin as _call
from tests.store_kit import record as _record


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


# Teams


def test_open_creates_folder_and_sets_pragmas(store: Store, db_path: Path) -> None:
    assert db_path.exists()
    with store._read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(store_connection.MIGRATIONS)
    assert store.recovered_calls == 0


def test_team_round_trip_keeps_order_and_skips_disabled(any_store: ConsoleStore) -> None:
    store = any_store
    members = [
        TeamMember("Zed", "5550000003"),
        TeamMember("Amy", "5550000001", enabled=False),
        TeamMember("Bob", "5550000002"),
    ]
    saved = store.save_team(TeamList(None, "  Sales ", members))
    assert saved.id is not None
    assert saved.name == "Sales"
    assert saved.list_value == "5550000003|5550000002"

    loaded = store.get_team("sales")
    assert loaded == saved
    assert [m.label for m in loaded.members] == ["Zed", "Amy", "Bob"]

    store.save_team(TeamList(None, "Alpha", []))
    teams = store.list_teams()
    assert [t.name for t in teams] == ["Alpha", "Sales"]
    assert teams[0].members == []
    assert teams[1].members == members


def test_save_team_replaces_members_and_rename_and_delete(store: Store, db_path: Path) -> None:
    team = store.save_team(TeamList(None, "Sales", [TeamMember("A", "5550000001")]))
    store.save_team(TeamList(team.id, "Sales", [TeamMember("B", "5550000002")]))
    assert store.get_team("Sales").members == [TeamMember("B", "5550000002")]

    store.rename_team(team.id, "Support")
    assert store.get_team("Sales") is None
    assert store.get_team("Support").id == team.id

    store.delete_team(team.id)
    assert store.list_teams() == []
    with sqlite3.connect(db_path) as raw:  # members went with the team
        assert raw.execute("SELECT count(*) FROM team_members").fetchone()[0] == 0
    with pytest.raises(KeyError):
        store.rename_team(team.id, "Gone")


def test_duplicate_team_name_is_refused(any_store: ConsoleStore) -> None:
    store = any_store
    store.save_team(TeamList(None, "Sales", []))
    other = store.save_team(TeamList(None, "Support", []))
    with pytest.raises(ValueError, match="SALES"):
        store.save_team(TeamList(None, "SALES", []))
    with pytest.raises(ValueError, match="sales"):
        store.rename_team(other.id, "sales")
    with pytest.raises(ValueError, match="name"):
        store.save_team(TeamList(None, "   ", []))
    assert [t.name for t in store.list_teams()] == ["Sales", "Support"]


# Leads


def test_leads_search_by_text_and_digits(any_store: ConsoleStore) -> None:
    store = any_store
    ann = store.add_lead(Lead(None, "Ann Smith", "5551112222", company="Acme"))
    store.add_lead(Lead(None, "bob jones", "5553334444", company="Widgets 100%"))
    store.add_lead(Lead(None, "Carl", "5559990000", notes="call after 5"))
    assert ann.id is not None
    assert store.count_leads() == 3

    def names(text: str) -> list[str]:
        return [lead.name for lead in store.search_leads(text)]

    assert names("") == ["Ann Smith", "bob jones", "Carl"]
    assert names("SMITH") == ["Ann Smith"]
    assert names("acme") == ["Ann Smith"]
    assert names("555-111") == ["Ann Smith"]
    assert names("(555) 333") == ["bob jones"]
    assert names("9990000") == ["Carl"]
    assert names("100%") == ["bob jones"]
    assert names("%") == ["bob jones"]  # a typed % is literal, not a wildcard
    assert names("after") == []  # notes are not searched
    assert len(store.search_leads(limit=2)) == 2


def test_lead_update_get_delete(any_store: ConsoleStore) -> None:
    store = any_store
    lead = store.add_lead(Lead(None, "Ann", "5551112222"))
    store.update_lead(Lead(lead.id, "Ann B", "5551112223", "Acme", "VIP"))
    assert store.get_lead(lead.id) == Lead(lead.id, "Ann B", "5551112223", "Acme", "VIP")
    store.delete_lead(lead.id)
    assert store.get_lead(lead.id) is None
    with pytest.raises(KeyError):
        store.update_lead(lead)
    with pytest.raises(ValueError):
        store.update_lead(Lead(None, "x", "5551112222"))


def test_many_leads_in_one_go(store: Store) -> None:
    leads = [Lead(None, f"Lead {i:06d}", f"555{i:07d}") for i in range(100_000)]
    assert store.add_leads(leads) == 100_000
    assert store.count_leads() == 100_000
    assert [lead.name for lead in store.search_leads("lead 09999")] == [
        f"Lead 09999{d}" for d in range(10)
    ]
    assert len(store.search_leads()) == 500


# Presets


def test_presets_upsert_rename_delete(any_store: ConsoleStore) -> None:
    store = any_store
    first = store.save_preset("Daytime", {"call_type": 1, "retries": [1, 2]})
    again = store.save_preset("daytime", {"call_type": 2})
    assert again.id == first.id
    assert store.get_preset("DAYTIME") == again
    assert again.options == {"call_type": 2}
    store.save_preset("Night", {})
    assert [p.name for p in store.list_presets()] == ["daytime", "Night"]

    with pytest.raises(ValueError, match="Night"):
        store.rename_preset("daytime", "Night")
    with pytest.raises(KeyError):
        store.rename_preset("missing", "Other")
    store.rename_preset("daytime", "Morning")
    assert store.get_preset("daytime") is None
    assert store.get_preset("Morning").options == {"call_type": 2}

    store.delete_preset("morning")
    assert [p.name for p in store.list_presets()] == ["Night"]
    with pytest.raises(TypeError):  # not JSON: refused before anything is written
        store.save_preset("Bad", {"when": object()})
    assert store.get_preset("Bad") is None


# History


def test_history_basics_on_both_engines(any_store: ConsoleStore) -> None:
    store = any_store
    assert isinstance(store, ConsoleStore)
    first = _call(store, "Ann", "5551112222", "Sales")
    second = _call(store, "Bob", "5553334444", "Support")
    pending = store.get_call(first)
    assert (pending.status, pending.finished_at, pending.lead_name) == ("pending", None, "Ann")
    assert pending.created_at.endswith("Z") and len(pending.created_at) == 24
    store.finish_call(second, status="failed", description="busy", sid="S2", raw_reply="<r/>")
    done = store.get_call(second)
    assert (done.status, done.description, done.sid, done.raw_reply) == (
        "failed",
        "busy",
        "S2",
        "<r/>",
    )
    assert done.finished_at >= done.created_at
    assert store.count_calls() == 2
    assert store.count_calls(status="failed") == 1
    assert store.count_calls("support") == 1
    assert store.count_calls("555-111") == 1
    assert [c.lead_name for c in store.fetch_calls()] == ["Bob", "Ann"]
    assert [c.lead_name for c in store.fetch_calls(offset=1, limit=1)] == ["Ann"]
    summary = store.fetch_calls(status="failed", bodies=False)  # type: ignore[call-arg]
    assert [(c.sid, c.raw_reply) for c in summary] == [("S2", "")]
    with pytest.raises(ValueError):
        store.finish_call(first, status="pending", description="")
    with pytest.raises(ValueError):
        store.count_calls(status="bogus")


def test_begin_and_finish_call(store: Store) -> None:
    call_id = _call(store)
    pending = store.get_call(call_id)
    assert pending.status == "pending"
    assert pending.owner_pid == os.getpid()
    assert pending.finished_at is None
    assert pending.created_at.endswith("Z") and len(pending.created_at) == 24

    store.finish_call(call_id, status="success", description="ok", sid="S1", raw_reply="<x/>")
    done = store.get_call(call_id)
    assert (done.status, done.description, done.sid, done.raw_reply) == (
        "success",
        "ok",
        "S1",
        "<x/>",
    )
    assert done.finished_at >= done.created_at
    assert store.get_call(call_id + 1) is None
    with pytest.raises(ValueError):
        store.finish_call(call_id, status="pending", description="")
    with pytest.raises(KeyError):
        store.finish_call(999, status="failed", description="")


def test_history_filter_count_and_paging(store: Store) -> None:
    ids = []
    for i in range(25):
        call_id = _call(store, f"Person {i}", f"555000{i:04d}", "Sales" if i % 2 else "Support")
        store.finish_call(
            call_id, status="success" if i % 5 else "failed", description="x", sid=f"SID{i}"
        )
        ids.append(call_id)

    assert store.count_calls() == 25
    assert store.count_calls(status="failed") == 5
    assert store.count_calls("support") == 13
    assert store.count_calls("support", status="failed") == 3
    assert store.count_calls("sid7") == 1
    assert store.count_calls("555-000-0012") == 1

    page1 = store.fetch_calls(limit=10)
    page3 = store.fetch_calls(offset=20, limit=10)
    assert [c.id for c in page1] == ids[::-1][:10]
    assert [c.id for c in page3] == ids[::-1][20:]
    failed = store.fetch_calls(status="failed")
    assert [c.lead_name for c in failed] == [f"Person {i}" for i in (20, 15, 10, 5, 0)]
    with pytest.raises(ValueError):
        store.count_calls(status="bogus")

    # Bounded (older than a call) and from the oldest end, for every kind of filter.
    for text, status in (("", None), ("support", None), ("", "failed"), ("person 1", "success")):
        everything = store.fetch_calls(text, status, limit=100)
        for bound in (ids[0], ids[7], ids[-1], ids[-1] + 1):
            older = [c.id for c in everything if c.id < bound]
            assert store.count_calls(text, status, before_id=bound) == len(older)
            oldest = store.fetch_calls(text, status, 1, 3, before_id=bound, oldest_first=True)
            assert [c.id for c in oldest] == older[::-1][1:4]


def test_hundred_thousand_calls(store: Store) -> None:
    records = (_record(i, status="failed" if i % 10 == 0 else "success") for i in range(100_000))
    assert store.add_calls_bulk(records) == 100_000
    assert store.count_calls() == 100_000
    assert store.count_calls(status="failed") == 10_000
    assert store.count_calls("lead 9999") == 11  # 9999 and 99990..99999
    assert store.count_calls("even", status="failed") == 10_000

    newest = store.fetch_calls(limit=200)
    assert len(newest) == 200
    assert newest[0].lead_name == "Lead 99999"
    page = store.fetch_calls("lead 9999", offset=5, limit=200)
    assert [c.lead_name for c in page] == [f"Lead {n}" for n in (99994, 99993, 99992, 99991)] + [
        "Lead 99990",
        "Lead 9999",
    ]
    deep = store.fetch_calls(status="failed", offset=9_990, limit=200)
    assert [c.lead_name for c in deep] == [f"Lead {n}" for n in range(90, -1, -10)]


# Migrations


def test_upgrade_backs_up_old_file_first(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(db_path) as old:
        old.save_team(TeamList(None, "Sales", [TeamMember("A", "5550000001")]))
    old_version = len(store_connection.MIGRATIONS)

    def add_column(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE leads ADD COLUMN email TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(store_connection, "MIGRATIONS", [*store_connection.MIGRATIONS, add_column])
    with Store.open(db_path) as new:
        assert new.get_team("Sales").list_value == "5550000001"
        with new._read() as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == old_version + 1
            columns = [row[1] for row in conn.execute("PRAGMA table_info(leads)")]
        assert "email" in columns

    backup = backup_path(db_path, old_version)
    assert backup.name == f"findme.db.v{old_version}.bak"
    with sqlite3.connect(backup) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == old_version
        assert raw.execute("SELECT name FROM teams").fetchall() == [("Sales",)]
        assert "email" not in [row[1] for row in raw.execute("PRAGMA table_info(leads)")]


def test_new_file_gets_no_backup(db_path: Path) -> None:
    Store.open(db_path).close()
    Store.open(db_path).close()
    assert list(db_path.parent.glob("*.bak")) == []


def test_newer_schema_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("CREATE TABLE future (x)")
        raw.execute("PRAGMA user_version = 99")
    before = db_path.read_bytes()
    with pytest.raises(StoreTooNew, match="99") as info:
        Store.open(db_path)
    assert info.value.found == 99
    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.bak")) == []
