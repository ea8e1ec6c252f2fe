"""Placing calls from the window against the real sandbox: results, failures, cancel, repeat."""

from __future__ import annotations

import asyncio
import socket

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from window_kit import answer, open_session, pick, seed, seed_window

from console.calls import CallPlan
from console.calls.params import BY_NAME
from console.credentials import Credentials
from tests.conftest import until
from ui.calls.in_flight import CANCEL_COLUMN, ELAPSED_COLUMN
from ui.shell import main_window


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
    # Named as the form names the field; the API's name is in the tooltip.
    assert BY_NAME["first_callerid"].label in window.call_panel.feedback.text()
    assert "first_callerid" in window.call_panel.feedback.toolTip()
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


def _questions() -> list[QWidget]:
    return [
        w for w in QApplication.topLevelWidgets() if w.objectName() == "question" and w.isVisible()
    ]


@pytest.mark.parametrize("yes", [True, False], ids=["call-again", "dont-call"])
def test_two_keys_and_two_clicks_in_one_turn_send_one_request_and_ask(session, arun, yes):
    # The lead ending in 9 answers after 9 simulated seconds: 1.8 s here, pending while asked.
    engine, window = session.start(time_scale=0.2)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110004",))
    panel = window.call_panel
    pick(window, lead, team)
    window.activateWindow()
    panel.team_combo.setFocus()
    # Ctrl+Enter twice and Call clicked twice with no await between: the loop never turns.
    for _ in range(2):
        QTest.keyClick(panel.team_combo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    panel.call_button.click()
    panel.call_button.click()
    asked = _questions()

    async def scenario():
        await until(lambda: engine.sandbox.received, what="the first request")
        await asyncio.sleep(0.3)  # time for any other request to arrive too
        sent = len(engine.sandbox.received)
        in_flight = len(panel.pending.rows)
        answer(asked[0], yes=yes)
        want = 2 if yes else 1
        await until(lambda: len(engine.sandbox.received) == want, what=f"{want} request(s)")
        await until(lambda: engine.calls.count() == 0, timeout=15, what="the calls to end")
        return sent, in_flight

    assert len(asked) == 1 and asked[0] is panel._question
    assert "still pending" in asked[0].text()
    sent, in_flight = arun(scenario())
    assert sent == 1 and in_flight == 1  # one request, one row in the calls in flight
    assert len(engine.sandbox.received) == (2 if yes else 1)
    assert [r.status for r in engine.store.fetch_calls()] == ["success"] * (2 if yes else 1)
    assert not panel.pending.rows


def test_a_link_from_the_tray_and_call_again_meet_the_same_pending_call(session, arun):
    # Real time: the lead ending in 9 answers after 9 seconds, so the call stays pending.
    engine, window = session.start(time_scale=1.0)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110004",))
    panel = window.call_panel
    pick(window, lead, team)
    clipboard = QGuiApplication.clipboard()
    before = clipboard.text()

    async def scenario():
        panel.call_button.click()
        record = await until(lambda: _row(window, "pending"), what="the pending row")
        # The same number from a tel: link, then Ctrl+Enter's
        # action: the question, and nothing sent.
        clipboard.setText("tel:+1-555-222-3339")
        window.prefill_from_link("tel:+1-555-222-3339")
        window.menu_actions.call.trigger()
        first = panel._question
        assert first is not None and "still pending" in first.text()
        answer(first, yes=False)
        # The history's Call again on that call, then Call: asked again.
        window.history.select_call(record.id)
        window.history.load_button.click()
        panel.call_button.click()
        second = panel._question
        assert second is not first and _questions() == [second]
        answer(second, yes=False)
        await asyncio.sleep(0.3)
        sent = len(engine.sandbox.received)
        panel.pending.cancel(record.id)  # through the engine, by the row's call id
        await until(lambda: _row(window, "cancelled"), what="the cancelled row")
        return sent

    try:
        sent = arun(scenario())
    finally:
        clipboard.setText(before)
    assert sent == 1 and engine.store.count_calls() == 1
    assert engine.calls.count() == 0 and not panel.pending.rows


def test_a_call_placed_through_the_engine_shows_in_the_window(session, arun):
    # The list is a view of the engine's calls in flight, whoever placed the call.
    engine, window = session.start(time_scale=0.2)
    lead, team = seed_window(engine, window, lead_number="5552223339", team_numbers=("5551110004",))
    panel = window.call_panel

    async def scenario():
        credentials = await engine.credentials()
        plan = CallPlan(lead.number, team.list_value, lead_name=lead.name, team_name=team.name)
        task = asyncio.ensure_future(engine.calls.place(plan, credentials))
        await until(lambda: panel.pending.rows, what="the row in the calls in flight")
        shown = panel.pending.model.index(0, 0).data()
        history = await until(lambda: _row(window, "pending"), what="the pending history row")
        placed = await task
        await until(lambda: _row(window), what="the final history row")
        return shown, history, placed

    shown, history, placed = arun(scenario())
    assert shown == "Jane Roe ← Sales East"
    assert history is not None and history.id == placed.call_id
    assert not panel.pending.rows


def test_a_deleted_window_stops_following_the_engine_calls(session, arun, caplog):
    # The engine outlives a window: its calls must not reach into deleted widgets.
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    session.opened.remove((engine, window))  # closed here, engine and all
    window._may_close = True
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    async def call():
        try:
            plan = CallPlan(lead.number, team.list_value)
            return await engine.calls.place(plan, await engine.credentials())
        finally:
            await engine.close()

    assert arun(call()).result.ok
    assert "observer of the calls in flight failed" not in caplog.text


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
        await window.tasks.running(main_window.CHECKPOINT_TASK)
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
        await window.tasks.running(main_window.CHECKPOINT_TASK)

    with caplog.at_level("WARNING", logger="ui.shell.main_window"):
        arun(scenario())
    assert "could not checkpoint the store: disk I/O error" in caplog.text
    assert set(errors._open) == before  # no error dialog every 5 s


TWENTY = tuple(f"555111{i:04d}" for i in range(2, 22))  # each ends in 2-9, 0 or 1


def test_the_sandbox_shows_no_warning_for_its_555_numbers(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window, team_numbers=TWENTY)

    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.click()
        return await until(lambda: _row(window), what="a final history row")

    arun(scenario())
    shown = window.call_panel.feedback
    assert "⚠" not in shown.text() and "⚠" not in shown.toolTip()
    assert "555" not in shown.text().replace(lead.name, "")


def test_a_real_account_shows_one_line_for_the_555_numbers_in_the_window(session, arun):
    from tests.faults import VENDOR_SUCCESS, FaultServer, reply

    engine, window = session.start()
    lead, team = seed_window(engine, window, team_numbers=TWENTY)
    engine.vault.save(Credentials(key="k-555"))

    async def scenario():
        async with FaultServer(reply(VENDOR_SUCCESS)) as server:
            engine.settings.set("account.mode", "dialogtech")
            engine.settings.set("account.api_url", server.url)
            await engine.apply_account()
            window.update_account()
            pick(window, lead, team)
            window.call_panel.call_button.click()
            return await until(lambda: _row(window), what="a final history row")

    record = arun(scenario())
    assert record.status == "success"
    text = window.call_panel.feedback.text()
    # One line, in the window beside Call (not a tooltip a keyboard cannot open).
    assert text.count("⚠") == 1
    assert "21 numbers are in the fictional 555 range" in text
    assert window.minimumSizeHint().width() <= 900
