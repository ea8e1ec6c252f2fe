"""The Call list tab reads once (real window offscreen, real SQLite, the sandbox over
loopback): a new list read into the page once, Call's lead read once, a file's leads counted
once. Counted on the store's own connection (sqlite3's trace callback)."""

from __future__ import annotations

import pytest
from window_kit import answer, open_session, select_all_leads, start_call_list, strip_for

from tests.conftest import until


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _traced(store, act) -> list[str]:
    """The statements ``act()`` sends to the store's SQLite connection (the real store)."""
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        act()
    finally:
        store._conn.set_trace_callback(None)
    return statements


def test_a_new_list_is_read_into_the_page_once(session, monkeypatch):
    # The page was read up to three times as a list was made (the build, the tab's change,
    # the page's first reading): counted by its refresh, as a list comes from either tab.
    from ui.calllist.page import CallListPage

    engine, window, leads = start_call_list(session)
    reads: list[int] = []
    refresh = CallListPage.refresh
    monkeypatch.setattr(
        CallListPage, "refresh", lambda page, *a: reads.append(1) or refresh(page, *a)
    )
    select_all_leads(window)
    window.left_tabs.setCurrentWidget(window.leads_panel)
    window.call_list.from_selection.trigger()  # from the Leads tab: the Call list comes up
    assert window.left_tabs.currentWidget() is window.call_list.page and len(reads) == 1
    reads.clear()
    window.leads_panel.search.setText("")
    window.call_list.from_search.trigger()  # from the Call list tab, already in front
    answer(window.call_list.question, yes=True)
    assert len(window.call_list.list.entries) == 5 and len(reads) == 1


def test_call_reads_the_lead_up_once(session, arun):
    # Call read the lead three times (the check, the call panel's lead, the page after).
    engine, window, leads = start_call_list(session)
    window.call_list.list.from_lead_ids([leads[0].id, leads[1].id], "2 leads")
    page = window.call_list.show()
    tasks = []
    statements = _traced(engine.store, lambda: tasks.append(window.call_list.call_current()))
    by_id = [sql for sql in statements if "FROM leads l WHERE l.id = " in sql]
    assert len(by_id) == 1, by_id
    assert page.message.text() == "Calling Ann Archer…"
    assert page.lead.full_text() == "Up next: Ann Archer · (555) 222-0002"
    arun(until(lambda: strip_for(window, "Ann Archer"), what="the wrap-up")).skip()


def test_a_list_from_a_file_counts_the_leads_once_through_the_importer(session, arun, tmp_path):
    # The leads were counted before and after the file was read, around the importer that
    # counts them itself and knows how many it added.
    engine, window, leads = start_call_list(session)
    path = tmp_path / "today.csv"
    path.write_text("name,phone\nNew One,5553330006\nNew Two,5553330007\nAnn,5552220002\n")
    statements = _traced(engine.store, lambda: arun(window.call_list.from_csv(path)))
    counts = [sql for sql in statements if "count(*) FROM leads" in sql.replace("COUNT", "count")]
    assert len(counts) == 2, counts  # the importer's, and the Leads tab's as it shows them
    assert len(window.call_list.list.entries) == 3 and engine.store.count_leads() == 7
    summary = window.call_list.summary  # a notice (Ann is a lead already): the summary opens
    assert "2" in summary.message.text()
    summary.close()
