"""Endings the history cannot take: kept in the journal, merged once, never lost or doubled.

A real SQLite file whose write lock another connection holds, as another program would.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console.store import Store, journal
from console.store import connection as store_connection


@pytest.fixture(autouse=True)
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 50)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.close()


def _begin(store: Store, number: str = "5551112222") -> int:
    return store.begin_call(
        lead_name="Ann",
        lead_number=number,
        team_name="Sales",
        list_value="5559998888",
        call_type=1,
        request_redacted="https://x/ibp_api.php?key=***&list=5559998888",
    )


def _kept(store: Store, call_id: int, sid: str = "181127fc48636186", raw: str = "<r/>"):
    with _locked(store.path):
        unsaved = store.complete_call(
            call_id, status="success", description="Call Connected", sid=sid, raw_reply=raw
        )
    assert unsaved is not None and unsaved.kept_in is not None
    return unsaved


def test_the_history_written_means_no_journal(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        assert store.complete_call(call_id, status="failed", description="Busy") is None
        assert store.get_call(call_id).status == "failed"
    assert not (db_path.parent / journal.JOURNAL_DIR).exists()


def test_a_kept_ending_is_the_whole_row_and_is_merged_once(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        unsaved = _kept(store, call_id)
        assert store.get_call(call_id).status == "pending"
        record = unsaved.record
        assert (record.id, record.status, record.sid, record.lead_number) == (
            call_id,
            "success",
            "181127fc48636186",
            "5551112222",
        )
        assert record.finished_at and record.owner_token
        on_disk = json.loads(unsaved.kept_in.read_text("utf-8"))
        assert on_disk["call"]["request_redacted"].endswith("key=***&list=5559998888")
    with Store.open(db_path) as again:
        assert again.merged_calls == 1
        row = again.get_call(call_id)
        assert row == record
    assert not unsaved.kept_in.exists()
    with Store.open(db_path) as third:
        assert third.merged_calls == 0
        assert third.count_calls() == 1


def test_a_row_already_marked_interrupted_is_completed(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        unsaved = _kept(store, call_id)
    # Another start saw the owner gone before the journal was read (an older console, say).
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE history SET status = 'interrupted' WHERE id = ?", (call_id,))
    raw.close()
    with Store.open(db_path) as again:
        assert again.get_call(call_id).status == "success"
        assert again.recovered_calls == 0
    assert not unsaved.kept_in.exists()


def test_a_merge_never_overwrites_a_row_that_ended_otherwise(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        _kept(store, call_id)
        store.finish_call(call_id, status="failed", description="written after all")
        store.merge_journal()
        assert store.get_call(call_id).description == "written after all"


def test_the_next_write_that_succeeds_merges_what_this_store_kept(db_path: Path) -> None:
    with Store.open(db_path) as window:  # a window stays open for days
        first = _begin(window)
        unsaved = _kept(window, first)
        second = _begin(window)
        assert window.complete_call(second, status="failed", description="Busy") is None
        assert window.get_call(first).sid == "181127fc48636186"
        assert not unsaved.kept_in.exists()


def test_a_store_started_afresh_gets_the_call_back(db_path: Path) -> None:
    with Store.open(db_path) as store:
        _begin(store, "5551110000")
        call_id = _begin(store)
        unsaved = _kept(store, call_id)
    # The damaged file moved aside: a fresh store, where the id names nothing (or someone else).
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    with Store.open(db_path) as fresh:
        other = _begin(fresh, "5553334444")
        fresh.merge_journal()
        rows = {r.lead_number: r for r in fresh.fetch_calls()}
        assert rows["5553334444"].id == other and rows["5553334444"].status == "pending"
        assert rows["5551112222"].sid == "181127fc48636186"
        fresh.merge_journal()
        assert fresh.count_calls() == 2
    assert not unsaved.kept_in.exists()


def test_an_unreadable_entry_is_moved_aside_and_the_rest_merged(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        unsaved = _kept(store, call_id)
    bad = unsaved.kept_in.with_name("call-9-broken.json")
    bad.write_text('{"version": 1, "call": {"id": 9')  # cut short
    with Store.open(db_path) as again:
        assert again.get_call(call_id).status == "success"
    assert bad.with_name(bad.name + journal.UNREADABLE_SUFFIX).exists()


def test_when_the_journal_cannot_be_written_the_record_is_still_returned(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        (db_path.parent / journal.JOURNAL_DIR).write_text("")  # a file in the folder's place
        with _locked(db_path):
            unsaved = store.complete_call(
                call_id, status="success", description="Call Connected", sid="181127fc48636186"
            )
    assert unsaved.kept_in is None and unsaved.journal_problem
    assert unsaved.record.sid == "181127fc48636186"
    assert "only record of the result" in unsaved.sentence()


def test_the_raw_reply_kept_is_bounded(db_path: Path) -> None:
    with Store.open(db_path) as store:
        call_id = _begin(store)
        unsaved = _kept(store, call_id, raw="x" * (journal.MAX_RAW_CHARS + 10))
    assert len(unsaved.record.raw_reply) == journal.MAX_RAW_CHARS
    assert unsaved.kept_in.stat().st_size < journal.MAX_RAW_CHARS + 2000
