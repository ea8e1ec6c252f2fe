"""The call list's rules (console.calllist) on a real SQLite store: next, skip, reached today,
progress, never two calls at once, and the list kept across a reopen."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from console.calllist import (
    LIST_KEPT,
    CallList,
    CallListRefused,
    Countdown,
    EntryState,
    SkipReason,
)
from console.calls import CallRegistry
from console.calls.outcome import Status
from console.problems import file_unreadable
from console.store import Lead, Store
from tests.calllist_kit import NOW, add, clock

LIST = "5551110003|5551110004"


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.db") as store:
        yield store


def call(store: Store, number: str, status: Status, at: datetime) -> int:
    call_id = store.begin_call(
        lead_name="", lead_number=number, team_name="Sales", list_value=LIST,
        call_type=1, request_redacted="",
    )  # fmt: skip
    store.finish_call(call_id, status=str(status), description="")
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    with store._tx() as conn:  # the call's time as if it was placed then
        conn.execute("UPDATE history SET created_at = ? WHERE id = ?", (stamp, call_id))
    return call_id


def place(calls: CallList, registry: CallRegistry, store: Store, status: Status):
    """A call from the list as the window makes it: reserved, recorded, ended."""
    entry, _lead = calls.check_call()
    reservation = registry.reserve(entry.number, LIST, lead_name=entry.name)
    calls.calling(reservation)
    call_id = store.begin_call(
        lead_name=entry.name, lead_number=entry.number, team_name="Sales", list_value=LIST,
        call_type=1, request_redacted="",
    )  # fmt: skip
    registry.record(reservation, call_id)
    with pytest.raises(CallListRefused, match=f"A call to {entry.name} is still in progress"):
        calls.check_call()
    with pytest.raises(CallListRefused, match="in progress; nothing was skipped"):
        calls.skip()  # said as what Skip does, not "nothing more was sent"
    with pytest.raises(CallListRefused, match="in progress; no new list was made"):
        calls.from_search("")
    store.finish_call(call_id, status=str(status), description="")
    reservation.status = status
    registry.release(reservation)
    assert calls.call_ended(reservation) is entry
    return store.get_call(call_id)


def test_next_passes_over_do_not_call_and_reached_today_with_a_note(store):
    ann, bob, cy, dee = add(store, "Ann", "Bob", "Cy", "Dee")
    store.set_do_not_call(bob, "asked on the phone")
    call(store, "5552220002", Status.SUCCESS, NOW.replace(hour=10, minute=14))  # Cy, today
    call(store, "5552220003", Status.SUCCESS, NOW - timedelta(days=1))  # Dee, yesterday
    calls = CallList(store, CallRegistry(), clock)
    assert calls.from_lead_ids([ann, bob, cy, dee], "4 selected leads") == 4
    assert calls.current().name == "Ann"
    calls.skip()
    entry = calls.current()
    assert entry.name == "Dee"  # yesterday's call does not count as today
    states = [(e.name, e.state, e.skip, e.at) for e in calls.entries]
    assert states[:3] == [
        ("Ann", EntryState.SKIPPED, SkipReason.AGENT, ""),
        ("Bob", EntryState.SKIPPED, SkipReason.DO_NOT_CALL, ""),
        ("Cy", EntryState.SKIPPED, SkipReason.REACHED_TODAY, "10:14"),
    ]
    assert all(e.note == "" for e in calls.entries)  # the status is data, not words
    assert calls.progress().text() == "3 of 4 · 0 reached"


def test_a_failed_call_today_is_not_reached(store):
    (ann,) = add(store, "Ann")
    call(store, "5552220000", Status.FAILED, NOW.replace(hour=9))
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann], "1 lead")
    assert calls.current().state == EntryState.WAITING


def test_working_through_counts_progress_and_waits_for_the_wrap_up(store):
    ids = add(store, "Ann", "Bob", "Cy")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids(ids, "3 selected leads")
    record = place(calls, registry, store, Status.SUCCESS)
    assert calls.progress().text() == "1 of 3 · 1 reached"
    with pytest.raises(CallListRefused, match="wrap-up of the call to Ann"):
        calls.check_call()
    store.wrap_up(record.id, "Interested")
    assert calls.wrapped_up(store.get_call(record.id)).name == "Bob"
    first = calls.entries[0]
    assert (first.state, first.at, first.result, first.disposition) == (
        EntryState.REACHED, "15:00", Status.SUCCESS, "Interested"
    )  # fmt: skip
    record = place(calls, registry, store, Status.FAILED)
    assert calls.entries[1].state == EntryState.CALLED
    assert calls.wrapped_up(record, saved=False).name == "Cy"  # skipped wrap-up moves on too
    calls.skip()
    assert calls.current() is None
    assert calls.progress().text() == "3 of 3 · 1 reached"
    with pytest.raises(CallListRefused, match="All 3 leads are done"):
        calls.check_call()


def test_do_not_call_marked_after_the_lead_came_up_is_skipped_at_call(store):
    ann, bob = add(store, "Ann", "Bob")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann, bob], "2 leads")
    store.set_do_not_call(ann, "wrong person")
    with pytest.raises(CallListRefused, match="Ann was skipped \\(Do not call\\)"):
        calls.check_call()
    assert calls.current().name == "Bob"


def test_paused_refuses_and_resume_goes_on(store):
    calls = CallList(store, CallRegistry(), clock)
    with pytest.raises(CallListRefused, match="empty"):
        calls.check_call()
    calls.from_lead_ids(add(store, "Ann"), "1 lead")
    calls.pause()
    with pytest.raises(CallListRefused, match="paused"):
        calls.check_call()
    assert calls.resume().name == "Ann"
    assert calls.check_call()[0].name == "Ann"


def test_a_finished_list_is_never_paused(store, tmp_path):
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(add(store, "Ann", "Bob"), "2 leads")
    calls.pause()
    calls.skip()
    assert calls.paused  # Bob still waits: held back
    calls.skip()
    assert calls.is_done() and not calls.paused
    with pytest.raises(CallListRefused, match="All 2 leads are done"):
        calls.check_call()
    with pytest.raises(CallListRefused, match="All 2 leads are done"):
        calls.pause()
    with Store.open(tmp_path / "store.db") as again:  # as written
        assert not CallList(again, CallRegistry(), clock).paused


def test_the_list_survives_a_reopen(store, tmp_path):
    ids = add(store, "Ann", "Bob", "Cy")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(ids, "3 selected leads")
    calls.skip()
    calls.pause()
    with Store.open(tmp_path / "store.db") as again:
        reopened = CallList(again, CallRegistry(), clock)
        assert reopened.current().name == "Bob" and reopened.paused
        assert reopened.source == "3 selected leads"
        assert [e.state for e in reopened.entries] == [
            EntryState.SKIPPED, EntryState.WAITING, EntryState.WAITING
        ]  # fmt: skip


def test_from_file_saves_new_leads_and_lists_the_file_order(store, tmp_path):
    (known,) = add(store, "Zed")
    path = tmp_path / "today.csv"
    path.write_text(
        "name,phone\nCy,5553330001\nbad row,12\nZed again,5552220000\nAb,5553330002\n",
        encoding="utf-8",
    )
    calls = CallList(store, CallRegistry(), clock)
    report = calls.from_file(path)
    assert [e.name for e in calls.entries] == ["Cy", "Zed", "Ab"]
    assert calls.entries[1].lead_id == known
    assert store.count_leads() == 3
    assert any(p.startswith("line 3:") for p in report.problems)
    assert calls.source == "3 leads from today.csv"


def test_from_file_reads_the_leads_once_through_the_leads_importer(store, tmp_path):
    # read_file had its own copy of csvio.import_leads_into and read every lead twice (before
    # and after saving the new ones). A real store, counted: one full read, the file's
    # numbers looked up after.
    (zed, zed_copy) = add(store, "Zed", "Zed copy")
    store.update_lead(Lead(zed_copy, "Zed copy", "5552220000"))  # a number saved twice
    reads: list[tuple[str, int]] = []

    class Counted:
        def __init__(self, inner: Store) -> None:
            self.inner = inner

        def __getattr__(self, name: str):
            return getattr(self.inner, name)

        def search_leads(self, text: str = "", limit: int = 500, *args, **kwargs):
            reads.append((text, limit))
            return self.inner.search_leads(text, limit, *args, **kwargs)

    path = tmp_path / "today.csv"
    path.write_text("name,phone\nCy,5553330001\nZed again,5552220000\n", encoding="utf-8")
    calls = CallList(Counted(store), CallRegistry(), clock)  # type: ignore[arg-type]
    report, ids, source, _added = calls.read_file(path)
    assert len([r for r in reads if r[0] == ""]) == 1, reads
    assert ids[1] == zed  # a number saved twice is its oldest lead
    assert store.get_lead(ids[0]).name == "Cy" and source == "2 leads from today.csv"
    assert report.notices == [
        "line 3: (555) 222-0000 is already the lead Zed; listed, not added again"
    ]


def test_from_search(store):
    add(store, "Ann Smith", "Bob", "Annie")
    calls = CallList(store, CallRegistry(), clock)
    assert calls.from_search("ann") == 2
    assert sorted(e.name for e in calls.entries) == ["Ann Smith", "Annie"]


def test_a_list_of_one_lead_says_one_lead(store, tmp_path):
    add(store, "Ann Smith", "Bob")  # "New call list: 1 leads from ..." was shown
    calls = CallList(store, CallRegistry(), clock)
    assert calls.from_search("bob") == 1 and calls.source == "1 lead from search \u201cbob\u201d"
    path = tmp_path / "one.csv"
    path.write_text("name,phone\nCy,5553330001\n", encoding="utf-8")
    calls.from_file(path)
    assert calls.source == "1 lead from one.csv"


def test_countdown_and_auto_advance_rules(store):
    countdown = Countdown(3)
    assert not countdown.running
    countdown.start()
    assert [countdown.tick(), countdown.tick()] == [False, False] and countdown.left == 1
    assert countdown.cancel() and not countdown.running and not countdown.tick()
    countdown.start()
    assert [countdown.tick() for _ in range(3)] == [False, False, True]
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(add(store, "Ann"), "1 lead")
    assert calls.auto_advance_to(False) is None  # off: never by itself
    assert calls.auto_advance_to(True).name == "Ann"
    calls.pause()
    assert calls.auto_advance_to(True) is None


def test_after_a_restart_auto_advance_waits_for_call_or_resume(store, tmp_path):
    ids = add(store, "Ann", "Bob", "Cy")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids(ids, "3 selected leads")
    assert not calls.held_after_restart  # a new list: nothing was counting down
    record = place(calls, registry, store, Status.SUCCESS)
    assert calls.wrapped_up(record, saved=False).name == "Bob"
    assert calls.auto_advance_to(True).name == "Bob"  # the countdown to Bob would start
    # The console stops during that countdown; the next start holds the list.
    with Store.open(tmp_path / "store.db") as again:
        reopened = CallList(again, CallRegistry(), clock)
        assert reopened.current().name == "Bob" and not reopened.paused
        assert reopened.held_after_restart
        assert reopened.auto_advance_to(True) is None  # never a call by itself
        reopened.resume()
        assert not reopened.held_after_restart
        assert reopened.auto_advance_to(True).name == "Bob"
        # Held again at the next start; the agent's Call ends the hold too.
        held = CallList(again, registry := CallRegistry(), clock)
        assert held.held_after_restart
        entry, _lead = held.check_call()  # Call is not refused: only auto-advance waits
        held.calling(registry.reserve(entry.number, LIST, lead_name=entry.name))
        assert not held.held_after_restart
    # A paused list, one not called from yet (Ann passed over as reached today) and a
    # finished one are not held.
    calls.pause()
    assert not CallList(store, CallRegistry(), clock).held_after_restart
    calls.from_lead_ids(ids, "3 selected leads")
    assert not CallList(store, CallRegistry(), clock).held_after_restart
    while calls.current() is not None:
        calls.skip()
    assert not CallList(store, CallRegistry(), clock).held_after_restart


def test_auto_advance_switched_on_after_a_restart_ends_the_hold(store, tmp_path):
    # The hold is for a countdown of the last run; an agent who switches auto-advance on in
    # this run chose it now (it was off when the console stopped, or off and on again).
    ids = add(store, "Ann", "Bob")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids(ids, "2 selected leads")
    record = place(calls, registry, store, Status.SUCCESS)
    calls.wrapped_up(record, saved=False)
    reopened = CallList(store, CallRegistry(), clock)
    assert reopened.held_after_restart
    reopened.auto_advance_switched_on()
    assert not reopened.held_after_restart and not reopened.paused
    assert reopened.auto_advance_to(True).name == "Bob"


def test_a_call_started_before_a_restart_is_not_up_again(store, tmp_path):
    ann, bob = add(store, "Ann", "Bob")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids([ann, bob], "2 leads")
    entry, _lead = calls.check_call()
    reservation = registry.reserve(entry.number, LIST)
    calls.calling(reservation)
    call_id = store.begin_call(
        lead_name="Ann", lead_number=entry.number, team_name="Sales", list_value=LIST,
        call_type=1, request_redacted="",
    )  # fmt: skip
    registry.record(reservation, call_id)
    calls.call_started(reservation)
    # The console stops here; the next start finds the row pending (a crash: interrupted).
    with store._tx() as conn:
        conn.execute("UPDATE history SET status = 'interrupted' WHERE id = ?", (call_id,))
    reopened = CallList(store, CallRegistry(), clock)
    assert reopened.entries[0].state == EntryState.CALLED
    assert reopened.entries[0].result == Status.INTERRUPTED
    assert reopened.current().name == "Bob"


def test_a_new_list_with_no_leads_keeps_the_one_in_use(store, tmp_path):
    # Found by trying it: a search that finds nobody (or a file of bad rows) replaced a list
    # with leads still waiting by an empty one; the list in use was lost.
    ids = add(store, "Ann", "Bob")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(ids, "2 selected leads")
    calls.skip()
    with pytest.raises(CallListRefused, match="finds no leads; the call list in use is kept"):
        calls.from_search("nobody")
    path = tmp_path / "bad.csv"
    path.write_text("name,phone\nx,12\n", encoding="utf-8")
    with pytest.raises(CallListRefused, match="bad.csv has no leads to call: .*; the call list in"):
        calls.from_file(path)
    with pytest.raises(CallListRefused, match="None of these leads is saved any more; the"):
        calls.from_lead_ids([9999], "1 selected lead")  # deleted since it was picked
    for reopened in (calls, CallList(store, CallRegistry(), clock)):
        assert reopened.source == "2 selected leads"
        assert reopened.current().name == "Bob"


def test_the_lead_up_is_the_lead_as_saved_now(store, tmp_path):
    # Found by trying it: after the lead's name and number were edited, the list still showed
    # the old ones (and the old number's calls) while Call dialed the new number.
    ann, bob = add(store, "Ann", "Bob")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann, bob], "2 leads")
    store.update_lead(Lead(ann, "Ann Edited", "5559990001"))
    entry, lead = calls.lead_up()
    assert (entry.name, entry.number) == ("Ann Edited", "5559990001") == (lead.name, lead.number)
    with Store.open(tmp_path / "store.db") as again:  # written, not only in memory
        assert again.load_call_list().entries[0].number == "5559990001"
    store.delete_lead(ann)
    entry, lead = calls.lead_up()
    assert lead is None and entry.name == "Ann Edited"  # still reads as it last was


def test_the_lead_up_whose_calls_cannot_be_read_is_still_the_saved_lead(store, tmp_path):
    # Reading the lead read its calls too (the history): when they could not be read, the
    # whole read failed and the window said the lead was "no longer a saved lead".
    import sqlite3

    (ann,) = add(store, "Ann")
    store.update_lead(Lead(ann, "Ann", "5552220000", "Acme", "mornings"))
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann], "1 lead")
    other = sqlite3.connect(str(tmp_path / "store.db"), isolation_level=None)
    other.execute("ALTER TABLE history RENAME TO history_elsewhere")
    try:
        entry, lead = calls.lead_up()
        assert lead is not None and (lead.id, lead.company, lead.notes) == (ann, "Acme", "mornings")
        other.execute("ALTER TABLE leads RENAME TO leads_elsewhere")
        try:  # the lead itself cannot be read: said as a store problem, not as no lead
            with pytest.raises(sqlite3.Error):
                calls.lead_up()
        finally:
            other.execute("ALTER TABLE leads_elsewhere RENAME TO leads")
    finally:
        other.execute("ALTER TABLE history_elsewhere RENAME TO history")
        other.close()
    assert calls.lead_up()[1].call_count == 0  # read with its calls again


def test_a_held_store_while_skipping_onto_a_do_not_call_lead_is_a_sentence(store, tmp_path):
    # The rules' own skips were written at once, outside the one write per change: a store
    # another program held raised out of Skip (a traceback) instead of going on in memory.
    import sqlite3

    ann, bob, cy = add(store, "Ann", "Bob", "Cy")
    store.set_do_not_call(bob, "asked")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann, bob, cy], "3 leads")
    other = sqlite3.connect(str(tmp_path / "store.db"), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        assert calls.skip().name == "Cy"
        began = time.monotonic()
        assert calls.lead_up()[0].name == "Cy"  # the window's read: no write, no wait
        assert time.monotonic() - began < 2  # the store's busy wait is 5 s
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert calls.save_problem.startswith("The call list could not be saved just now (")
    calls.pause()  # the next change writes what was kept
    assert calls.save_problem == ""
    with Store.open(tmp_path / "store.db") as again:
        stored = again.load_call_list()
        skips = [e.skip for e in stored.entries[:2]]
        assert skips == [SkipReason.AGENT, SkipReason.DO_NOT_CALL]
        assert stored.position == 2


def test_a_call_to_the_lead_up_placed_outside_the_list_holds_the_list(store):
    # Found by trying it: with a call to the lead up next pending from the call panel, Call on
    # the list went on to the panel's "Call again?"; a Yes there placed a call the list never
    # knew of (the lead stayed up, to be called a third time).
    ann, bob = add(store, "Ann", "Bob")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids([ann, bob], "2 leads")
    other = registry.reserve("+1 (555) 222-0000", "5550001111", lead_name="Ann")  # any list
    with pytest.raises(CallListRefused) as refused:
        calls.check_call()
    assert str(refused.value) == (
        "A call to Ann placed outside the list is still in progress; nothing more was sent."
    )
    registry.release(other)
    assert calls.check_call()[0].name == "Ann"


def test_a_wrap_up_saved_after_skip_moved_on_joins_the_note(store):
    # Skip after a call goes on without its wrap-up; saved later (the strip, the history),
    # the disposition was dropped from the lead's note, and the list must not move again.
    ids = add(store, "Ann", "Bob", "Cy")
    registry = CallRegistry()
    calls = CallList(store, registry, clock)
    calls.from_lead_ids(ids, "3 leads")
    record = place(calls, registry, store, Status.SUCCESS)
    assert calls.skip().name == "Bob"
    assert calls.entries[0].state == EntryState.REACHED  # called, not skipped
    store.wrap_up(record.id, "Interested")
    assert calls.wrapped_up(store.get_call(record.id)) is None
    assert (calls.entries[0].at, calls.entries[0].disposition) == ("15:00", "Interested")
    assert calls.current().name == "Bob"


def test_a_number_marked_do_not_call_on_another_lead_is_passed_over(store):
    # The engine refuses a number any marked lead has (then asks for an override the list
    # never hears of); the list passed over only the lead itself when marked.
    (ann,) = add(store, "Ann")
    copy = store.add_lead(Lead(None, "Ann (copy)", store.get_lead(ann).number))
    store.set_do_not_call(copy.id, "asked to be removed")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids([ann], "1 lead")
    assert calls.entries[0].skip == SkipReason.DO_NOT_CALL


def test_a_file_that_makes_no_list_says_why_as_the_importer_found_it(store, tmp_path):
    # It said only "x.csv has no leads to call", whatever was wrong with the file.
    calls = CallList(store, CallRegistry(), clock)
    calls.from_lead_ids(add(store, "Ann"), "1 lead")
    nophone = tmp_path / "nophone.csv"
    nophone.write_text("name,email\nBo,bo@example.com\n", encoding="utf-8")
    with pytest.raises(CallListRefused) as refused:
        calls.from_file(nophone)
    assert str(refused.value) == (
        "nophone.csv has no leads to call: line 1: no column holds phone numbers (found "
        "'name', 'email'); name one Phone, Mobile or Number, or pick the columns in the "
        "window's import; the call list in use is kept."
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("name,phone\nx,12\ny,abc\nz,5\n", encoding="utf-8")
    with pytest.raises(CallListRefused) as refused:
        calls.from_file(bad)
    assert str(refused.value) == (
        "bad.csv has no leads to call: 3 rows could not be read as leads (the first, line 2: "
        "phone '12' is too short for a 10-digit North American number); the call list in use "
        "is kept."
    )
    bare = tmp_path / "bare.csv"
    bare.write_text("name,phone\n", encoding="utf-8")
    with pytest.raises(CallListRefused, match="^bare.csv has no leads to call: it has no rows "):
        calls.from_file(bare)
    assert calls.source == "1 lead" and store.count_leads() == 1  # nothing lost, nothing added


def test_from_file_reads_a_path_given_as_text_and_says_when_it_is_missing(store, tmp_path):
    # Found by hand: a str path was read as CSV text ("no column holds phone numbers (found
    # '/…/today.csv')"), so a good file made no list and a missing one was not said.
    path = tmp_path / "today.csv"
    path.write_text("name,phone\nCy,5553330001\n", encoding="utf-8")
    calls = CallList(store, CallRegistry(), clock)
    calls.from_file(str(path))
    assert [e.name for e in calls.entries] == ["Cy"]
    with pytest.raises(OSError) as raised:
        calls.from_file(str(tmp_path / "missing.csv"))
    assert [e.name for e in calls.entries] == ["Cy"]  # the list in use is kept
    assert file_unreadable(tmp_path / "missing.csv", raised.value, LIST_KEPT) == (
        "missing.csv could not be read: it is no longer there (moved, renamed or deleted"
        " since it was picked?); the call list in use is kept."
    )
    with pytest.raises(OSError) as raised:
        calls.from_file(tmp_path)  # a folder
    assert file_unreadable(tmp_path, raised.value, LIST_KEPT).endswith(
        " could not be read: it is a folder, not a file; the call list in use is kept."
    )
