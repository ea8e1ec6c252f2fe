"""The Call list tab in the person's words (real window offscreen, real SQLite): Pause on a
finished list, a lead without a name, and a call's result as the history words it."""

from __future__ import annotations

import pytest
from window_kit import open_session

from console.calllist import EntryState
from console.store import Lead
from console.store.calllists import Entry
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
