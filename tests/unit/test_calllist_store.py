"""The call list's reads and writes on a real SQLite store, counted: a new list reads its
leads in one go, a change is one transaction, and a list stored before its entries' status
was data keeps its words."""

from __future__ import annotations

import pytest

from console.calllist import CallList, EntryState, SkipReason
from console.calls import CallRegistry
from console.store import Lead, Store, calllists
from tests.calllist_kit import add, clock
from ui.calllist.model import note_text


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.db") as store:
        yield store


def _lead_reads(store: Store, build) -> int:
    """How many statements reading the leads table ``build()`` sends to the store's SQLite
    connection (the real store, traced)."""
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        build()
    finally:
        store._conn.set_trace_callback(None)
    return sum(1 for sql in statements if "FROM leads" in sql)


@pytest.mark.parametrize("how", ["ids", "search"])
def test_a_new_list_reads_its_leads_in_one_go_whatever_their_count(store, how):
    # saved_entries read each lead again (a query per lead): for "all leads", thousands of
    # queries on the window's thread. Now the reads do not grow with the list.
    store.add_leads([Lead(None, f"Lead {i:03d}", f"555444{i:04d}") for i in range(200)])
    ids = [lead.id for lead in store.search_leads(limit=500)]
    calls = CallList(store, CallRegistry(), clock)

    def build(count: int):
        if how == "ids":
            return lambda: calls.from_lead_ids(ids[:count], f"{count} leads")
        return lambda: calls.from_search("Lead", limit=count)

    few, many = _lead_reads(store, build(5)), _lead_reads(store, build(200))
    assert len(calls.entries) == 200
    assert [e.name for e in calls.entries[:2]] == ["Lead 000", "Lead 001"]
    assert many == few <= 5, (few, many)


def test_a_change_is_written_in_one_transaction(store):
    # _flush wrote each changed entry in a transaction of its own (and the place in one
    # more): three "Do not call" leads passed over were four commits. Counted on the store.
    ids = add(store, "Ann", "Bob", "Cy", "Dee")
    for lead_id in ids[:3]:
        store.set_do_not_call(lead_id, "asked")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(ids, "4 leads")
    before = store.writes
    calls.next()  # nothing changes: nothing written
    assert store.writes == before
    calls.from_lead_ids(ids, "4 leads again")  # the list itself, then the three skips
    assert store.writes == before + 2
    assert [e.state for e in calls.entries] == [EntryState.SKIPPED] * 3 + [EntryState.WAITING]
    kept = CallList(store, CallRegistry(), clock)
    assert kept.entries == calls.entries and kept.position == 3


def test_a_list_stored_before_the_status_was_data_keeps_its_words(tmp_path, monkeypatch):
    # The entries' status became data (a schema step): a list made by the console before it
    # opens with its notes as they were written, and goes on with the new columns.
    from console.store import connection

    path = tmp_path / "old.db"
    steps = connection.MIGRATIONS
    assert steps[-1] is calllists.migrate_status
    monkeypatch.setattr(connection, "MIGRATIONS", steps[:-1])
    with Store.open(path) as old:
        ann, bob = add(old, "Ann", "Bob")
        with old._tx() as conn:
            list_id = conn.execute(
                "INSERT INTO call_lists(source, created_at, position) VALUES ('2 leads', 'x', 1)"
            ).lastrowid
            conn.execute(
                "INSERT INTO call_list_entries(list_id, position, lead_id, name, number, state,"
                " note) VALUES (?, 0, ?, 'Ann', '5552220000', 'called', 'called at 09:00: failed'),"
                " (?, 1, ?, 'Bob', '5552220001', 'waiting', '')",
                (list_id, ann, list_id, bob),
            )
    monkeypatch.setattr(connection, "MIGRATIONS", steps)
    with Store.open(path) as new:
        calls = CallList(new, CallRegistry(), clock)
        assert (calls.entries[0].note, calls.entries[0].result) == ("called at 09:00: failed", "")
        # Shown in the History tab's words, as before the upgrade (not the stored slug).
        assert note_text(calls.entries[0]) == "called at 09:00: Failed"
        calls.skip()
        assert CallList(new, CallRegistry(), clock).entries[1].skip == SkipReason.AGENT


@pytest.mark.parametrize("again", ["Interested", "Not interested"])
def test_an_old_entry_wrapped_up_after_the_upgrade_says_its_disposition_once(
    tmp_path, monkeypatch, again
):
    # Before the status was data, a wrap-up joined the entry's note ("… · Interested"); the
    # same call wrapped up again after the upgrade (its notes edited from the history) got
    # its disposition as data too, and the list showed "… · Interested · Interested".
    from console.store import connection

    path = tmp_path / "old.db"
    steps = connection.MIGRATIONS
    monkeypatch.setattr(connection, "MIGRATIONS", steps[:-1])
    with Store.open(path) as old:
        (ann,) = add(old, "Ann")
        call_id = old.begin_call(
            lead_name="Ann", lead_number="5552220000", team_name="Sales",
            list_value="5550001111", call_type=1, request_redacted="",
        )  # fmt: skip
        old.finish_call(call_id, status="failed", description="busy")
        old.wrap_up(call_id, "Interested")
        with old._tx() as conn:
            list_id = conn.execute(
                "INSERT INTO call_lists(source, created_at, position) VALUES ('1 lead', 'x', 1)"
            ).lastrowid
            conn.execute(
                "INSERT INTO call_list_entries(list_id, position, lead_id, name, number, state,"
                " note, call_id) VALUES (?, 0, ?, 'Ann', '5552220000', 'called',"
                " 'called at 09:00: failed · Interested', ?)",
                (list_id, ann, call_id),
            )
    monkeypatch.setattr(connection, "MIGRATIONS", steps)
    with Store.open(path) as new:
        calls = CallList(new, CallRegistry(), clock)
        calls.wrapped_up(new.wrap_up(call_id, again, notes="wants a call in May"))
        for entry in (calls.entries[0], CallList(new, CallRegistry(), clock).entries[0]):
            # What the list shows: the note's words, then the disposition (note_text).
            assert (entry.note, entry.disposition) == ("called at 09:00: failed", again)
            assert note_text(entry) == f"called at 09:00: Failed · {again}"
