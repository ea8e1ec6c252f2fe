"""The Call list tab in the person's words (real window offscreen, real SQLite): Pause on a
finished list, a lead without a name, a call's result as the history words it, each status
of an entry worded by the window, and the lead up next's calls as the Leads tab says them."""

from __future__ import annotations

import pytest
from window_kit import open_session, start_call_list

from console.calllist import EntryState
from console.store import Lead
from console.store.calllist_rows import Entry
from ui.calllist.model import LEAD, NOTE, NUMBER


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _cell(page, row: int, column: int) -> str:
    model = page.entries_model
    return model.data(model.index(row, column))


def test_pause_is_off_once_the_list_is_done(session):
    engine, window = session.start()
    leads = [engine.store.add_lead(Lead(None, n, f"555222000{i}")) for i, n in enumerate("AB")]
    window.call_list.list.from_lead_ids([lead.id for lead in leads], "2 leads")
    page = window.call_list.show()
    assert page.pause_button.isEnabled()  # leads waiting: it can pause
    page.skip_button.click()
    assert page.pause_button.isEnabled()
    page.skip_button.click()  # both dealt with: nothing left to pause
    assert page.progress.text() == "2 of 2 · 0 reached"
    assert not page.pause_button.isEnabled()


def test_a_paused_list_that_finishes_is_no_longer_paused(session):
    # Found by a newcomer: Pause, then Skip to the end, left "· paused" on the tab and status
    # bar, a disabled "Resume", and Call saying to press it.
    engine, window = session.start()
    leads = [engine.store.add_lead(Lead(None, n, f"555222000{i}")) for i, n in enumerate("AB")]
    window.call_list.list.from_lead_ids([lead.id for lead in leads], "2 leads")
    page = window.call_list.show()
    page.pause_button.click()
    assert page.progress.text() == "0 of 2 · 0 reached · paused"
    page.skip_button.click()
    assert page.progress.text() == "1 of 2 · 0 reached · paused"  # still leads to hold back
    page.skip_button.click()
    assert not window.call_list.list.paused
    assert page.progress.text() == "2 of 2 · 0 reached"
    assert window.call_list.status.full_text() == "Call list: 2 of 2 · 0 reached"
    assert page.pause_button.text().replace("&", "") == "Pause"
    assert not page.pause_button.isEnabled()
    page.call_button.click()
    assert page.message.text() == "All 2 leads are done."
    # As stored: the next start finds it finished, not paused.
    session.close(engine, window)
    engine, window = session.start()
    assert window.call_list.list.is_done() and not window.call_list.list.paused


def test_a_lead_without_a_name_says_so_in_its_cell(session):
    engine, window = session.start()
    lead = engine.store.add_lead(Lead(None, "", "5552220002"))
    window.call_list.list.from_lead_ids([lead.id], "1 lead")
    page = window.call_list.show()
    assert _cell(page, 0, LEAD) == "(no name)"
    assert _cell(page, 0, NUMBER) == "(555) 222-0002"


def test_a_calls_result_in_the_note_is_the_historys_word(session, home):
    # A call of the list's whose end the list never heard (the console stopped): the next
    # start reads its result from the history, "unknown" there, into the lead's note.
    engine, window = session.start()
    store = engine.store
    lead = store.add_lead(Lead(None, "Ann Archer", "5552220002"))
    call_id = store.begin_call(
        lead_name=lead.name,
        lead_number=lead.number,
        team_name="Sales",
        list_value="5551110003",
        call_type=1,
        request_redacted="",
    )
    store.finish_call(call_id, status="unknown", description="no answer read", sid="")
    store.replace_call_list("1 lead", [Entry(lead.id, lead.name, lead.number, call_id=call_id)])
    session.close(engine, window)

    engine, window = session.start()
    assert window.call_list.list.entries[0].state == EntryState.CALLED
    page = window.call_list.show()
    note = _cell(page, 0, NOTE)
    assert note.startswith("called at ") and note.endswith(": Outcome unknown"), note


def test_the_lead_up_calls_read_as_the_leads_tab_says_them(session, arun):
    # The Call list tab shows its lead's calls with the Leads tab's box (one implementation):
    # more calls than it lists are said as such, and the list is the box's own.
    engine, window, leads = start_call_list(session)
    for _ in range(12):
        call_id = engine.store.begin_call(
            lead_name="Ann Archer", lead_number=leads[0].number, team_name="Sales East",
            list_value="5551110003", call_type=1, request_redacted="GET /list?access_key=***",
        )  # fmt: skip
        engine.store.finish_call(call_id, status="failed", description="busy", sid="S")
    window.call_list.list.from_lead_ids([leads[0].id], "1 lead")
    page = window.call_list.show()
    assert page.calls_title.full_text() == "Calls to Ann Archer: 12 in all, the newest 10 below."
    assert page.recent.model().rowCount() == 10 and page.recent.isVisible()
    assert page.recent.accessibleName() == "Calls to the lead up next"
    assert page.recent is window.call_list.panel().calls_box.table


def test_the_window_words_each_status_of_the_list(session):
    # The engine wrote its notes in English and the window took them apart again with a
    # regular expression; now the status is data (Entry) and the window words it, a call's
    # result in the History tab's words. A list stored by an older console keeps its words.
    from console.calllist import SkipReason

    engine, window, leads = start_call_list(session)
    page = window.call_list.show()
    called, reached, skipped, waiting = (
        EntryState.CALLED,
        EntryState.REACHED,
        EntryState.SKIPPED,
        EntryState.WAITING,
    )
    entries = [
        Entry(1, "A", "5552220002", called, at="02:27", result="unknown", disposition="No answer"),
        Entry(2, "B", "5552220003", called, result="interrupted"),
        Entry(3, "C", "5552220004", called, at="09:00"),
        Entry(
            4, "D", "5552220005", reached, at="10:14", result="success", disposition="Interested"
        ),
        Entry(5, "E", "5552220006", skipped, skip=SkipReason.REACHED_TODAY, at="08:05"),
        Entry(6, "F", "5552220007", skipped, skip=SkipReason.NOT_SAVED),
        Entry(7, "G", "5552220008", called, note="called at 01:00: failed · Old words"),
        Entry(8, "H", "5552220009", waiting),
    ]
    page.entries_model.set_entries(entries, 7)
    assert [page.entries_model.index(row, NOTE).data() for row in range(8)] == [
        "called at 02:27: Outcome unknown · No answer",
        "called: Interrupted",
        "called at 09:00: ended",
        "reached at 10:14 · Interested",
        "skipped: reached today at 08:05",
        "skipped: no longer a saved lead",
        "called at 01:00: Failed · Old words",  # an old note: its status in words too
        "",
    ]


def test_calls_that_cannot_be_read_are_said_on_the_lead_up_line(session):
    # The tab's copy said only "Its calls could not be read just now."; the shared box says
    # whose and why, and the next reading shows them again.
    import sqlite3

    engine, window, leads = start_call_list(session)
    engine.store.update_lead(leads[0]._replace(company="Acme", notes="mornings"))
    window.call_list.list.from_lead_ids([leads[0].id], "1 lead")
    page = window.call_list.show()
    other = sqlite3.connect(engine.store.path, isolation_level=None, timeout=5)
    other.execute("ALTER TABLE history RENAME TO history_elsewhere")
    try:
        page.refresh()  # no error box, no traceback
        said = page.calls_title.full_text()
        assert (
            said.startswith("Calls to Ann Archer could not be read just now (")
            and "history" in said
        )
        assert not page.recent.isVisible()
        # The lead is still the saved lead (it said "no longer a saved lead"): its calls
        # alone could not be read, and the line above says so once.
        assert page.lead.full_text() == "Up next: Ann Archer · (555) 222-0002 · Acme"
        assert page.notes.text() == "mornings"
        # The lead itself unreadable too: not said to be gone, but not read just now.
        other.execute("ALTER TABLE leads RENAME TO leads_elsewhere")
        try:
            page.refresh()
            line = page.lead.full_text()
            assert line.startswith("Up next: Ann Archer · (555) 222-0002 · could not be read")
            assert "no longer a saved lead" not in line and page.notes.text() == ""
        finally:
            other.execute("ALTER TABLE leads_elsewhere RENAME TO leads")
    finally:
        other.execute("ALTER TABLE history_elsewhere RENAME TO history")
        other.close()
    page.refresh()
    assert page.calls_title.full_text() == "Calls to Ann Archer: none yet."
