"""Dialing any number, the clipboard's number, and a lead's calls: the real window, offscreen,
against the real sandbox, driven from the keyboard where a person would use it."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from window_kit import answer, open_session, pick, seed_window

from console.store import Lead
from tests.conftest import until
from ui.common import lead_calls
from ui.leads.model import CALLS, NAME, TIME
from ui.shell.dialing import CLIPBOARD_KEYS, DIAL_KEYS

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


@pytest.fixture
def clipboard(qapp):
    board = QGuiApplication.clipboard()
    before = board.text()
    yield board
    board.setText(before)


def _final(window, number: str):
    """The newest history row for ``number``, once it is final."""
    model = window.history.model
    for row in range(model.rowCount()):
        record = model.record(row)
        if record is not None and record.lead_number == number:
            return record if record.status != "pending" else None
    return None


def _press(widget, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifiers)


def _active(window, arun) -> None:
    """The window in front and active: its shortcuts work only then."""
    window.activateWindow()
    arun(until(lambda: QApplication.activeWindow() is window, what="the window active"))


def test_the_keys_are_the_documented_ones():
    assert (DIAL_KEYS, CLIPBOARD_KEYS) == ("Ctrl+L", "Ctrl+Shift+V")


def test_the_dial_pad_calls_a_number_that_is_not_a_lead_then_save_as_lead(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    assert window.call_panel.select_team(team.name)
    assert window.dialing.pad is None  # built when the Dial tab is first shown
    _active(window, arun)
    _press(window.leads_panel.search, Qt.Key.Key_L, CTRL)
    pad = window.dialing.pad
    assert pad is not None and window.left_tabs.currentWidget() is window.dialing.tab
    field = pad.field.edit
    assert QApplication.focusWidget() is field
    QTest.keyClicks(field, "555 222 444")
    pad.keys["6"].click()  # the mouse on the pad types into the field, which keeps the keyboard
    assert field.text() == "555 222 4446" and QApplication.focusWidget() is field
    assert "Not a saved lead" in pad.who.text()
    # * and # are on the pad; the API cannot dial them: refused with the reader's reason.
    pad.keys["#"].click()
    _press(field, Qt.Key.Key_Return)
    assert "Not dialed" in pad.note.text() and "* or #" in pad.note.text()
    pad.keys["⌫"].click()
    assert field.text() == "555 222 4446"

    async def scenario():
        _press(field, Qt.Key.Key_Return)
        return await until(lambda: _final(window, "5552224446"), what="the call's answer")

    record = arun(scenario())
    assert (record.status, record.lead_name, record.team_name) == ("success", "", team.name)
    assert len(engine.sandbox.received) == 1
    assert engine.sandbox.received[0]["phone_to_call"] == "5552224446"
    # Afterwards: Save as lead, with the number filled in; the name is typed and Enter saves.
    save = window.call_panel.save_lead_button
    assert save.isVisibleTo(window)
    save.click()
    leads = window.leads_panel
    assert window.left_tabs.currentWidget() is leads
    assert leads.number_field.text() == "(555) 222-4446"
    assert QApplication.focusWidget() is leads.name_edit
    QTest.keyClicks(leads.name_edit, "Ann Lee")
    _press(leads.name_edit, Qt.Key.Key_Return)
    saved = leads.find_lead("5552224446")
    assert saved is not None and saved.name == "Ann Lee"
    assert saved.call_count == 1  # its number's call counts: the history is by number
    assert engine.store.count_leads() == 2 and lead.id != saved.id


def test_a_pasted_formatted_number_of_a_lead_is_dialed_with_ctrl_enter(session, arun, clipboard):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    assert window.call_panel.select_team(team.name)
    pad = window.dialing.show_pad()
    clipboard.setText("+1 (555) 222‑3334")  # a non-breaking hyphen, as a web page has it
    _press(pad.field.edit, Qt.Key.Key_V, CTRL)
    assert pad.field.digits() == lead.number
    assert "Jane Roe, a saved lead" in pad.who.text()

    async def scenario():
        # Ctrl+Enter, the window's Call key, dials the field's number here.
        _press(pad.field.edit, Qt.Key.Key_Return, CTRL)
        return await until(lambda: _final(window, lead.number), what="the call's answer")

    record = arun(scenario())
    assert record.lead_name == "Jane Roe"
    assert window.call_panel.lead().id == lead.id
    assert not window.call_panel.save_lead_button.isVisibleTo(window)  # already a lead
    assert len(engine.sandbox.received) == 1


def test_the_pad_names_the_saved_lead_among_leads_whose_text_quotes_its_number(session, arun):
    # The lead was looked up by a search of the text, first 50 by name: 60 leads whose company
    # quotes the number, named before Jane Roe, hid her ("Not a saved lead").
    engine, window = session.start()
    lead, _team = seed_window(engine, window)
    engine.store.add_leads(
        [Lead(None, f"Aaron {i:02d}", f"555000{i:04d}", f"Desk {lead.number}") for i in range(60)]
    )
    window.leads_panel.refresh()
    pad = window.dialing.show_pad()
    QTest.keyClicks(pad.field.edit, lead.number)
    assert "Jane Roe, a saved lead" in pad.who.text()
    assert window.leads_panel.find_lead(lead.number).id == lead.id


def test_the_clipboard_shortcut_asks_then_calls_once_on_a_double_press(session, arun, clipboard):
    # Real time: a number ending in 9 answers after 9 s, so the call is still pending when
    # the shortcut comes again.
    engine, window = session.start(time_scale=1.0)
    lead, team = seed_window(engine, window, lead_number="5552223339")
    assert window.call_panel.select_team(team.name)
    clipboard.setText("tel:+1-555-222-3339")
    _active(window, arun)
    focus = window.leads_panel.search

    action = window.dialing.clipboard_action

    async def press_twice():
        """The shortcut twice, as fast as keys go (the second may reach the question, which
        is in front), then the action again (the tray's entry): one question, the same."""
        window.activateWindow()
        await until(lambda: QApplication.activeWindow() is window, what="the window active")
        _press(focus, Qt.Key.Key_V, CTRL_SHIFT)
        first = window.dialing.question
        assert isinstance(first, QMessageBox)
        _press(QApplication.focusWidget() or first, Qt.Key.Key_V, CTRL_SHIFT)
        action.trigger()
        assert window.dialing.question is first
        assert [w for w in QApplication.topLevelWidgets() if w.objectName() == "clipboard_call"
                and w.isVisible()] == [first]  # fmt: skip
        return first

    async def scenario():
        first = await press_twice()
        assert "(555) 222-3339" in first.text()
        assert "Jane Roe" in first.informativeText() and team.name in first.informativeText()
        assert engine.sandbox.received == []  # shown first; nothing sent yet
        _press(first, Qt.Key.Key_Escape)  # Escape: not called
        await asyncio.sleep(0.2)
        assert engine.sandbox.received == [] and window.dialing.question is None
        second = await press_twice()
        _press(second, Qt.Key.Key_Return)  # Enter: called
        await until(lambda: engine.sandbox.received, what="the request")
        # Again while it rings: the confirmation, then the engine's "Call again?" (No).
        third = await press_twice()
        _press(third, Qt.Key.Key_Return)
        again = window.call_panel._question
        assert again is not None and "still pending" in again.text()
        answer(again, yes=False)
        await asyncio.sleep(0.3)
        sent = len(engine.sandbox.received)
        record = window.history.model.record(0)
        window.call_panel.pending.cancel(record.id)
        await until(lambda: _final(window, lead.number), what="the cancelled row")
        return sent, record

    sent, record = arun(scenario())
    assert sent == 1
    assert record.lead_name == "Jane Roe" and engine.store.count_calls() == 1


def test_the_tray_entry_calls_the_clipboard_number_after_asking(session, arun, clipboard):
    engine, window = session.start()
    seed_window(engine, window)
    tray = window.tray
    assert tray.clipboard_action is window.dialing.clipboard_action  # the tray's entry
    assert "Call the number on the &clipboard" in tray.clipboard_action.text()
    assert tray.clipboard_action in window.menu_actions.call.parent().actions()
    clipboard.setText("555.222.4447")
    tray.clipboard_action.trigger()
    box = window.dialing.question
    assert "(555) 222-4447" in box.text() and "Not a saved lead" in box.informativeText()

    async def scenario():
        _press(box, Qt.Key.Key_Return)
        return await until(lambda: _final(window, "5552224447"), what="the call's answer")

    record = arun(scenario())
    assert record.lead_name == "" and window.call_panel.save_lead_button.isVisibleTo(window)
    clipboard.setText("call me")
    tray.clipboard_action.trigger()
    assert window.dialing.question is None
    assert "contains letters" in window.dialing.refusal.text()
    assert len(engine.sandbox.received) == 1


def test_picking_a_lead_shows_its_calls_and_leaves_the_history_filter(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    other = engine.store.add_lead(Lead(None, "Bob Other", "5552224448"))
    window.leads_panel.refresh()
    box = window.leads_panel.lead_calls
    window.history.filter_edit.setText("")

    async def call(target):
        want = engine.store.count_calls() + 1
        pick(window, target, team)
        window.call_panel.call_button.click()

        def ended() -> bool:
            newest = engine.store.fetch_calls(limit=1)
            return engine.store.count_calls() == want and newest[0].status != "pending"

        await until(ended, what=f"the call to {target.name}")
        await until(lambda: _final(window, target.number), what="its row in the history")
        await asyncio.sleep(0.1)  # the leads re-read after calls end (batched)

    async def scenario():
        await call(lead)
        await call(other)
        await call(lead)

    arun(scenario())
    pick(window, lead, team)
    assert box.title.full_text() == "Calls to Jane Roe: 2."
    assert box.model.rowCount() == 2
    assert box.model.index(0, lead_calls.RESULT).data() == "Success"
    assert box.model.index(0, lead_calls.TEAM).data() == team.name
    # The history was not filtered to show them: it still has every call.
    assert window.history.filter_edit.text() == "" and window.history.model.rowCount() == 3
    # A wrap-up shows in the lead's list, disposition and notes.
    newest = engine.store.lead_calls(lead.number).recent[0]
    engine.store.wrap_up(newest.id, "Interested", "wants a quote\nby Friday")
    window.leads_panel.lead_called(lead.number)
    arun(until(lambda: box.model.index(0, lead_calls.DISPOSITION).data(), what="the wrap-up"))
    assert box.model.index(0, lead_calls.DISPOSITION).data() == "Interested"
    assert box.model.index(0, lead_calls.NOTES).data() == "wants a quote"
    # The leads table shows the count, and orders by the last call (newest first).
    leads = window.leads_panel
    row = leads.model.row_of(lead.id)
    assert leads.model.index(row, CALLS).data() == "2"
    leads.table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
    assert [leads.model.lead(r).name for r in range(2)] == ["Jane Roe", "Bob Other"]
    leads.table.sortByColumn(CALLS, Qt.SortOrder.AscendingOrder)
    assert [leads.model.lead(r).name for r in range(2)] == ["Bob Other", "Jane Roe"]
    leads.table.sortByColumn(NAME, Qt.SortOrder.DescendingOrder)
    assert [leads.model.lead(r).name for r in range(2)] == ["Jane Roe", "Bob Other"]
    # No lead picked: the box says how to see some.
    leads.clear_pick()
    assert "pick a lead" in box.title.full_text() and box.model.rowCount() == 0


def test_a_history_that_cannot_be_read_is_said_in_the_lead_line(session):
    import sqlite3

    engine, window = session.start()
    lead, _team = seed_window(engine, window)
    box = window.leads_panel.lead_calls
    # Another program leaves the store without its history table (a real SQLite error on
    # the read, as a damaged or foreign file gives).
    other = sqlite3.connect(engine.store.path, isolation_level=None, timeout=5)
    other.execute("ALTER TABLE history RENAME TO history_elsewhere")
    try:
        box.show_lead(lead)  # as picking the lead does: no error box, no traceback
        assert "could not be read just now" in box.title.full_text()
        assert "history" in box.title.full_text()
    finally:
        other.execute("ALTER TABLE history_elsewhere RENAME TO history")
        other.close()
    box.show_lead(lead)
    assert box.title.full_text() == "Calls to Jane Roe: none yet."


def test_the_leads_order_comes_back_at_the_next_start(session):
    engine, window = session.start()
    seed_window(engine, window)
    engine.store.add_lead(Lead(None, "Bob Other", "5552224448"))
    window.leads_panel.refresh()
    window.leads_panel.table.sortByColumn(TIME, Qt.SortOrder.DescendingOrder)
    assert window.leads_panel.model.order == ("last_call", True)
    assert window.close()
    again = session.window(engine)
    assert again.leads_panel.model.order == ("last_call", True)
    header = again.leads_panel.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        TIME,
        Qt.SortOrder.DescendingOrder,
    )


def test_without_a_team_list_the_dial_pad_says_nothing_was_dialed(session):
    engine, window = session.start()
    pad = window.dialing.show_pad()
    QTest.keyClicks(pad.field.edit, "5552224446")
    _press(pad.field.edit, Qt.Key.Key_Return)
    assert "not dialed" in pad.note.text()
    assert "team list" in window.call_panel.feedback.text()
    assert engine.sandbox.received == [] and engine.store.count_calls() == 0


def test_a_do_not_call_lead_is_said_before_asking_to_dial_it(session, arun, clipboard):
    # Found by trying it: the clipboard's question said "Jane Roe, a saved lead." and the pad
    # the same, and only after "Call" did the window say the lead is marked "Do not call".
    engine, window = session.start()
    lead, team = seed_window(engine, window, lead_number="5552223335")
    engine.store.set_do_not_call(lead.id, "asked not to be called")
    window.leads_panel.refresh()
    assert window.call_panel.select_team(team.name)
    pad = window.dialing.show_pad()
    QTest.keyClicks(pad.field.edit, "5552223335")
    assert "Do not call" in pad.who.text()
    clipboard.setText("tel:+1-555-222-3335")
    box = window.dialing.confirm_clipboard()
    assert box is not None and "Do not call" in box.informativeText()
    box.reject()
    assert engine.calls.count_sent() == 0
