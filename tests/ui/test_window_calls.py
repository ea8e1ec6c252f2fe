"""Placing calls from the window against the real sandbox: results, failures, cancel, repeat."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit
from window_kit import answer, open_session, pick, seed, seed_window

from console.credentials import Credentials
from tests.conftest import until
from ui.calls.in_flight import CANCEL_COLUMN, ELAPSED_COLUMN


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _row(window, status: str | None = None):
    """The newest history row, once it is final (or has ``status``)."""
    record = window.history.model.record(0)
    if record is None:
        return None
    if status is None:
        return record if record.status != "pending" else None
    return record if record.status == status else None


def test_keyboard_call_shows_the_sid_in_the_history(session, arun, qtbot):
    engine, window = session.start()
    lead, team = seed(engine.store)
    window.leads_panel.refresh()
    window.teams_panel.teams_changed.emit()
    window.activateWindow()

    async def scenario():
        pick(window, lead, team)
        window.call_panel.team_combo.setFocus()
        qtbot.keyClick(
            window.call_panel.team_combo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
        record = await until(lambda: _row(window), what="a final history row")
        return record

    record = arun(scenario())
    assert record.status == "success"
    assert len(record.sid) == 16
    assert record.lead_name == "Jane Roe" and record.team_name == "Sales East"
    model = window.history.model
    sid_column = model.columnCount() - 1
    assert model.index(0, sid_column).data() == record.sid
    assert "Success" in window.statusBar().currentMessage()
    assert not window.call_panel.pending.rows
    # Reading the result by keyboard: go to the history and copy the sid.
    window.history.table.setFocus()
    window.history.select_call(record.id)
    qtbot.keyClick(window.history.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == record.sid
    assert "Copied sid" in window.statusBar().currentMessage()


def test_a_call_the_service_fails_is_a_failed_row(session, arun):
    engine, window = session.start()
    # A lead number ending in 0 never answers in the sandbox.
    lead, team = seed_window(engine, window, lead_number="5552223330")

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        return await until(lambda: _row(window), what="the failed row")

    record = arun(scenario())
    assert record.status == "failed"
    assert record.description == "No Answer"
    assert record.sid  # the service answered, so there is a sid


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_service_is_a_network_failure_row(session, arun, memory_keyring):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    engine.settings.set("account.mode", "dialogtech")
    engine.settings.set("account.api_url", f"http://127.0.0.1:{_closed_port()}/ibp_api.php")
    engine.vault.save(Credentials(key="k-123"))

    async def scenario():
        await engine.apply_account()
        window.update_account()
        pick(window, lead, team)
        window.call_panel.call_button.click()
        return await until(lambda: _row(window), timeout=20, what="the network row")

    record = arun(scenario())
    assert not window.banner.isVisible()
    assert record.status == "network"
    assert "could not be reached" in record.description
    assert "k-123" not in record.request_redacted


def test_problems_are_listed_and_nothing_is_sent(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)

    async def scenario():
        pick(window, lead, team)
        window.call_panel.form.fields["first_callerid"].widget.setText("555-12")
        window.call_panel.call_button.click()
        await until(lambda: "nothing was sent" in window.call_panel.feedback.text())

    arun(scenario())
    assert "first_callerid" in window.call_panel.feedback.text()
    assert engine.store.count_calls() == 0
    assert engine.sandbox.received == []


def test_cancel_a_pending_call(session, arun):
    # Real time: the lead ending in 9 answers after 9 seconds, so the call stays pending.
    engine, window = session.start(time_scale=1.0)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110009",))
    pending = window.call_panel.pending

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        await until(lambda: pending.rows, what="the pending row")
        call_id = next(iter(pending.rows))
        assert pending.model.index(0, ELAPSED_COLUMN).data() == "0:00"
        cancel = pending.model.index(0, CANCEL_COLUMN)
        assert "may still go ahead" in cancel.data(Qt.ItemDataRole.ToolTipRole)
        await until(lambda: "(1)" in pending.title.text(), what="the calls in flight")
        # By keyboard: Shift+Tab from the history's filter reaches the list, its row is
        # current, Delete asks; "Keep waiting" keeps the call.
        window.history.filter_edit.setFocus()
        QTest.keyClick(
            window.history.filter_edit, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier
        )
        assert QApplication.focusWidget() is pending.view
        assert pending.view.currentIndex().row() == 0
        window.history.table.setFocus()
        window.menu_actions.in_flight.trigger()  # Ctrl+Shift+F, from anywhere in the window
        assert QApplication.focusWidget() is pending.view
        QTest.keyClick(pending.view, Qt.Key.Key_Delete)
        assert "may still go ahead" in pending._question.informativeText()
        answer(pending._question, yes=False)
        assert call_id in pending.rows
        # A real click on the painted Cancel button.
        where = pending.cancel_rect(call_id).center()
        assert pending.view.viewport().rect().contains(where)
        QTest.mouseClick(pending.view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        question = pending._question
        assert "may still go ahead" in question.informativeText()
        answer(question, yes=True)
        return await until(lambda: _row(window, "cancelled"), what="the cancelled row")

    record = arun(scenario())
    assert record.status == "cancelled"
    assert "may still go ahead" in record.description
    assert not pending.rows


def test_a_second_call_on_the_same_lead_and_list_asks_first(session, arun):
    engine, window = session.start(time_scale=1.0)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110009",))
    panel = window.call_panel

    async def scenario():
        pick(window, lead, team)
        panel.call_button.click()
        await until(lambda: len(panel.pending.rows) == 1)
        await until(lambda: panel.call_button.isEnabled())
        panel.call_button.click()
        box = await until(lambda: panel._question, what="the question")
        assert "still pending" in box.text()
        answer(box, yes=False)
        assert len(panel.pending.rows) == 1
        panel._question = None
        panel.call_button.click()
        box = await until(lambda: panel._question, what="the second question")
        answer(box, yes=True)
        await until(lambda: len(panel.pending.rows) == 2, what="two pending calls")
        # Closing with calls in flight asks, then cancels them cleanly.
        closed = []
        window.closed.connect(lambda: closed.append(True))
        window.close()
        assert window.isVisible()
        answer(window._question, yes=True)
        await until(lambda: closed, what="the window to close")

    arun(scenario())
    assert not window.isVisible()
    statuses = [r.status for r in engine.store.fetch_calls()]
    assert statuses == ["cancelled", "cancelled"]


def test_tab_order_follows_the_layout(session):
    engine, window = session.start()
    order = []
    widget = window.left_tabs.tabBar()
    for _ in range(500):
        widget = widget.nextInFocusChain()
        if widget is window.left_tabs.tabBar():
            break
        if widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(widget)
    panel, history = window.call_panel, window.history
    expected = [
        window.leads_panel.findChildren(QLineEdit)[0],  # the leads search, first on the left
        panel.team_combo,
        panel.presets.combo,
        panel.form.fields["type"].widget,
        panel.call_button,
        history.filter_edit,
        history.table,
    ]
    positions = [order.index(w) for w in expected]
    assert positions == sorted(positions)


def test_the_window_checkpoints_the_store_off_its_thread(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    store = engine.store
    with store._read() as conn:  # commits on the window's thread never checkpoint
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        await until(lambda: _row(window), what="the call to end")
        written = store.writes
        window._checkpoint_store()  # what its timer does every few seconds
        await window._checkpointing
        return written

    written = arun(scenario())
    assert written > 0 and store._checkpointed_at == written
    assert store.checkpoint_if_written() is False  # the log is already in the database


def test_details_opened_on_a_pending_call_show_how_it_ended(session, arun):
    # The lead ending in 9 answers after 9 simulated seconds: 1.8 s here.
    engine, window = session.start(time_scale=0.2)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110004",))
    history = window.history

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        await until(lambda: _row(window, "pending"), what="the pending row")
        dialog = history.show_details(0)
        assert dialog._facts["result"].text() == "Pending"
        assert dialog.reply.toPlainText() == "(no reply)"
        await until(lambda: _row(window), what="the answer")
        await until(lambda: dialog._facts["result"].text() != "Pending", what="the dialog")
        return dialog

    dialog = arun(scenario())
    record = engine.store.fetch_calls()[0]
    assert dialog._facts["result"].text() == "Success"
    assert dialog._facts["sid"].text() == record.sid and record.sid in dialog.windowTitle()
    assert "<result>success</result>" in dialog.reply.toPlainText().lower()
    assert history.show_details(0) is dialog  # the one already open, raised


def test_a_failing_checkpoint_is_logged_not_shown(session, arun, caplog, monkeypatch):
    import sqlite3

    from ui.common import errors

    engine, window = session.start()

    def disk_failure():  # what a full or failing disk raises; as root it cannot be made here
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(engine.store, "checkpoint_if_written", disk_failure)
    before = set(errors._open)

    async def scenario():
        window._checkpoint_store()
        await window._checkpointing

    with caplog.at_level("WARNING", logger="ui.shell.main_window"):
        arun(scenario())
    assert "could not checkpoint the store: disk I/O error" in caplog.text
    assert set(errors._open) == before  # no error dialog every 5 s
