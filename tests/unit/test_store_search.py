"""The history's text index (schema v2) finds what the LIKE scan finds, and pages stay fast."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.store import CallRecord, Store, search
from console.store import connection as store_connection

NAMES = ("Ann Lee", "Bob O'Neil", 'Cy "Q" Doe', "Dana 100%", "Eve_Ng", "Zoë Brandt")
TERMS = (
    "lee",
    "o'neil",
    '"q"',
    "100%",
    "e_n",
    "zoë",
    "(555) 000-12",
    "555-0001",
    "Connected",
    "abcdef",
    "ann lee",
    "  Bob ",
    "sales",
    "nothing here",
)


def _records(count: int) -> list[CallRecord]:
    return [
        CallRecord(
            id=None,
            created_at=f"2025-01-01T00:00:{i % 60:02d}.000Z",
            finished_at="2025-01-01T00:01:00.000Z",
            lead_name=NAMES[i % len(NAMES)],
            lead_number=f"555000{i:04d}",
            team_name="Sales East" if i % 3 else "Support",
            list_value="5551110003",
            call_type=1,
            status="success" if i % 4 else "failed",
            description="Call Connected" if i % 4 else "No Answer",
            sid=f"250101abcdef{i:04x}",
            request_redacted="https://x/ibp_api.php?key=***",
            raw_reply="<response/>",
            owner_pid=1,
        )
        for i in range(count)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "findme.db")
    opened.add_calls_bulk(_records(300))
    yield opened
    opened.close()


def _scan(store: Store, text: str, status: str | None = None) -> list[int]:
    """The ids the LIKE scan finds: the index switched off for this read."""
    store._history_fts = False
    try:
        return [r.id for r in store.fetch_calls(text, status, 0, 10_000)]
    finally:
        store._history_fts = True


@pytest.mark.parametrize("text", TERMS)
@pytest.mark.parametrize("status", [None, "failed"])
def test_the_index_finds_what_the_scan_finds(store: Store, text: str, status: str | None) -> None:
    assert store._history_fts, "this SQLite has FTS5 with the trigram tokenizer"
    found = [r.id for r in store.fetch_calls(text, status, 0, 10_000)]
    assert found == _scan(store, text, status)
    assert store.count_calls(text, status) == len(found)


def test_short_text_is_scanned(store: Store) -> None:
    assert search.match_query("ab") is None
    assert search.match_query("1-2") is None  # its digits are too short for the index
    assert [r.id for r in store.fetch_calls("ee", None, 0, 1000)] == _scan(store, "ee")


def test_finished_calls_are_found_by_their_new_text(store: Store) -> None:
    call_id = store.begin_call(
        lead_name="New Lead",
        lead_number="5552223334",
        team_name="T",
        list_value="5551110003",
        call_type=1,
        request_redacted="",
    )
    assert store.count_calls("Busy signal") == 0
    store.finish_call(call_id, status="failed", description="Busy signal", sid="260101ffff")
    assert [r.id for r in store.fetch_calls("busy signal")] == [call_id]
    assert [r.id for r in store.fetch_calls("260101ffff")] == [call_id]


def test_pages_after_an_id_match_pages_at_an_offset(store: Store) -> None:
    for text in ("", "sales", "ee"):
        by_offset = [r.id for r in store.fetch_calls(text, None, 40, 25)]
        before = store.fetch_calls(text, None, 39, 1)[0].id
        by_id = [r.id for r in store.fetch_calls(text, None, 0, 25, before_id=before)]
        assert by_id == by_offset


def test_records_without_bodies_leave_only_the_long_texts_out(store: Store) -> None:
    full = store.fetch_calls("sales", None, 0, 5)
    light = store.fetch_calls("sales", None, 0, 5, bodies=False)
    assert [r.id for r in light] == [r.id for r in full]
    assert all(r.raw_reply == "" and r.request_redacted == "" for r in light)
    assert [r.sid for r in light] == [r.sid for r in full]


def test_a_v1_file_is_indexed_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "findme.db"
    # Written as a console of schema v1 wrote it: today's code expects today's columns.
    with sqlite3.connect(path) as old:
        store_connection.MIGRATIONS[0](old)
        old.execute("PRAGMA user_version = 1")
        v1_columns = list(CallRecord._fields[1:14])
        old.executemany(
            f"INSERT INTO history({', '.join(v1_columns)}) VALUES ({', '.join('?' * 13)})",
            [r[1:14] for r in _records(50)],
        )
    old.close()
    with Store.open(path) as upgraded:
        assert upgraded._history_fts
        assert upgraded.count_calls("lee") == len(_scan(upgraded, "lee")) > 0


def test_a_file_whose_triggers_went_missing_is_reindexed(tmp_path: Path) -> None:
    path = tmp_path / "findme.db"
    with Store.open(path) as first:
        first.add_calls_bulk(_records(20))
    # What an SQLite without FTS5 leaves behind: no triggers, then rows the index never saw.
    raw = sqlite3.connect(path)
    for name in ("history_fts_insert", "history_fts_delete", "history_fts_update"):
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute(
        "INSERT INTO history(created_at, lead_name, call_type, status, owner_pid)"
        " VALUES ('2025-01-02T00:00:00.000Z', 'Unindexed Person', 1, 'failed', 1)"
    )
    raw.commit()
    raw.close()
    with Store.open(path) as reopened:
        assert reopened._history_fts
        assert reopened.count_calls("unindexed") == 1


def test_words_of_the_wrap_up_notes_are_found_on_both_engines(any_store) -> None:
    # The search read the call's lead, list, result and sid, never what the agent wrote.
    store = any_store
    ids = []
    for name in ("Ann Lee", "Bob Hay"):
        call_id = store.begin_call(
            lead_name=name,
            lead_number="5552223334",
            team_name="Sales",
            list_value="5551110003",
            call_type=1,
            request_redacted="",
        )
        store.finish_call(call_id, status="success", description="Connected", sid=f"S{name[0]}")
        ids.append(call_id)
    store.wrap_up(ids[0], "Interested", "wants the Blue brochure by Friday")

    def found(text: str) -> list:
        return [r.uuid if isinstance(ids[0], str) else r.id for r in store.fetch_calls(text)]

    assert found("blue brochure") == [ids[0]] and store.count_calls("BROCHURE") == 1
    assert found("by") == [ids[0]]  # two letters: the scan, which reads the notes too
    assert store.count_calls("brochure", "success", disposition="interested") == 1
    store.wrap_up(ids[0], "Interested", "sent the price list")  # the old words are gone
    assert found("brochure") == [] and found("price list") == [ids[0]]
    assert store.count_calls("brochure") == 0


def test_a_file_indexed_before_the_notes_finds_them_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "findme.db"
    before = store_connection.MIGRATIONS.index(search.index_notes)
    with sqlite3.connect(path) as old:
        for step in store_connection.MIGRATIONS[:before]:
            step(old)
        old.execute(f"PRAGMA user_version = {before}")
        old.execute(
            "INSERT INTO history(created_at, lead_name, call_type, status, owner_pid, notes)"
            " VALUES ('2025-01-02T00:00:00.000Z', 'Ann', 1, 'success', 1, 'gate code 4417')"
        )
    old.close()
    with Store.open(path) as upgraded:
        assert upgraded._history_fts
        assert [r.lead_name for r in upgraded.fetch_calls("gate code")] == ["Ann"]
        assert upgraded.count_calls("4417") == 1 == len(_scan(upgraded, "4417"))
