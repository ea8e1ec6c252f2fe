"""The desktop's change watcher (console.store.watch) on real SQLite files: another connection's
writes are seen, with the tables they touched; this store's own are not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import Lead, Store, TeamList, TeamMember
from console.store.watch import LISTS, NOTHING, watch_store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


@pytest.fixture
def pair(db_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores on one file: the window's and another process's (or the sync thread's)."""
    with Store.open(db_path) as mine, Store.open(db_path) as other:
        yield mine, other


def _call(store: Store) -> int:
    return store.begin_call(
        lead_name="Jane",
        lead_number="5552223334",
        team_name="Sales",
        list_value="5551110003",
        call_type=1,
        request_redacted="",
    )


def test_nothing_changed_is_nothing(pair: tuple[Store, Store]) -> None:
    mine, _other = pair
    mark = mine.change_mark()
    assert mine.changes_since(mark) == (mark, NOTHING)


def test_another_connections_writes_are_named_by_table(pair: tuple[Store, Store]) -> None:
    mine, other = pair
    mark = mine.change_mark()
    other.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551110003")]))
    mark, changed = mine.changes_since(mark)
    assert changed == {"teams", "team_members"}
    other.save_preset("Quick", {"call_type": 1})
    mark, changed = mine.changes_since(mark)
    assert changed == {"presets"}
    other.add_lead(Lead(None, "Jane", "5552223334"))
    mark, changed = mine.changes_since(mark)
    assert changed == {"leads"}
    call_id = _call(other)
    mark, changed = mine.changes_since(mark)
    assert changed == {"history"}
    other.finish_call(call_id, status="success", description="answered")
    mark, changed = mine.changes_since(mark)
    assert changed == {"history"}
    # Looked at: the same changes are not reported twice.
    assert mine.changes_since(mark)[1] == NOTHING


def test_own_writes_are_not_reported(pair: tuple[Store, Store]) -> None:
    """The window shows its own edits already: reporting them would reload under the person."""
    mine, _other = pair
    mark = mine.change_mark()
    mine.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551110003")]))
    mine.add_lead(Lead(None, "Jane", "5552223334"))
    assert mine.changes_since(mark)[1] == NOTHING


def test_a_busy_store_answers_at_once_and_reports_later(pair: tuple[Store, Store]) -> None:
    """The window's timer asks on the UI thread: it must never wait for a long query."""
    mine, other = pair
    mark = mine.change_mark()
    other.add_lead(Lead(None, "Jane", "5552223334"))
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with mine._read():
            held.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(5)
        started = time.perf_counter()
        assert mine.changes_since(mark) == (mark, NOTHING)
        assert time.perf_counter() - started < 0.05
    finally:
        release.set()
        worker.join()
    assert mine.changes_since(mark)[1] == {"leads"}


def test_history_bookkeeping_is_not_a_change(pair: tuple[Store, Store]) -> None:
    """Only the columns a window shows count: an owner's bookkeeping does not reload it."""
    mine, other = pair
    call_id = _call(other)
    mark = mine.change_mark()
    with other._tx() as conn:
        conn.execute("UPDATE history SET owner_pid = owner_pid + 1 WHERE id = ?", (call_id,))
    assert mine.changes_since(mark)[1] == NOTHING


def test_the_team_syncs_state_and_sending_are_the_team_counter(pair: tuple[Store, Store]) -> None:
    """The window's "offline since … · N waiting" line follows the sync's writes, and a list
    edit made in team mode waits in the team outbox (console.store.teamsync_schema)."""
    mine, other = pair
    call_id = _call(mine)
    mark = mine.change_mark()
    with other._tx() as conn:
        conn.execute("INSERT INTO team_state(key, value) VALUES ('connected', '0')")
    mark, changed = mine.changes_since(mark)
    assert changed == {"team"}
    with other._tx() as conn:  # the sync sent the call: it waits no more
        conn.execute("UPDATE history SET sent = status WHERE id = ?", (call_id,))
    mark, changed = mine.changes_since(mark)
    assert changed == {"team"}
    other.set_team_state({"mode": "team"})
    mark = mine.changes_since(mark)[0]
    other.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551110003")]))
    mark, changed = mine.changes_since(mark)
    assert changed == {"teams", "team_members", "team"}


def test_watch_store_emits_resync_then_each_changed_list(pair: tuple[Store, Store]) -> None:
    mine, other = pair
    events: list[dict] = []
    stop = threading.Event()
    worker = threading.Thread(
        target=watch_store, args=(mine, events.append, stop, 0.02), kwargs={"tables": LISTS}
    )
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.01)
        other.add_lead(Lead(None, "Jane", "5552223334"))  # not a list: not reported
        other.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551110003")]))
        while len(events) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        worker.join()
    assert events == [
        {"event": "resync"},
        {"event": "change", "table": "teams"},
        {"event": "change", "table": "team_members"},
    ]
