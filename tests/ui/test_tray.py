"""The tray: the clipboard action, call notifications, and closing to the tray."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from window_kit import answer, open_session, pick, seed_window

from console.calls.outcome import Status
from console.store import CallRecord
from tests.conftest import until
from ui.shell.tray import Tray, closes_to_tray, should_notify


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


@pytest.fixture
def clipboard(qapp):
    board = QGuiApplication.clipboard()
    before = board.text()
    yield board
    board.setText(before)


def _start(session, time_scale: float | None = None, lead_number: str = "5552223334"):
    engine, window = session.start() if time_scale is None else session.start(time_scale)
    lead, team = seed_window(engine, window, lead_number=lead_number)
    return engine, window, lead, team


def _tray_shown(window) -> Tray:
    """A tray icon even offscreen, where Qt reports no system tray."""
    window.tray = Tray(window, window, window.call_panel.in_flight_changed, available=True)
    assert window.tray.shown
    return window.tray


def _record(status: str, sid: str = "2611270000abcdef01") -> CallRecord:
    return CallRecord(
        7, "2026-11-27T00:00:00.000Z", "2026-11-27T00:00:04.000Z", "Jane Roe", "5552223334",
        "Sales East", "5551110003", 1, status, "Call Placed", sid, "", "", 0,
    )  # fmt: skip


def test_notify_only_an_agent_who_is_elsewhere_of_an_answer() -> None:
    assert should_notify(Status.SUCCESS, window_active=False)
    assert should_notify(Status.UNKNOWN, window_active=False)
    assert not should_notify(Status.SUCCESS, window_active=True)  # the history shows it
    assert not should_notify(Status.CANCELLED, window_active=False)  # the agent did that
    assert not should_notify(Status.PENDING, window_active=False)


def test_close_to_tray_needs_the_preference_and_a_tray_and_no_quit() -> None:
    assert closes_to_tray(True, tray_shown=True, quitting=False)
    assert not closes_to_tray(False, tray_shown=True, quitting=False)
    assert not closes_to_tray(True, tray_shown=False, quitting=False)
    assert not closes_to_tray(True, tray_shown=True, quitting=True)


def test_the_clipboard_entry_asks_first_and_dials_nothing_until_confirmed(session, clipboard):
    # Confirmed, it calls: tests/ui/test_window_dial.py follows it to the sandbox.
    engine, window, lead, _team = _start(session)
    tray = _tray_shown(window)
    assert tray.clipboard_action in tray.menu.actions()
    assert tray.clipboard_action.toolTip() and tray.quit_action.toolTip()
    clipboard.setText("(555) 222-3334")
    tray.clipboard_action.trigger()
    box = window.dialing.question
    assert box is not None and "(555) 222-3334" in box.text()
    assert "Jane Roe" in box.informativeText()
    answer(box, yes=False)
    assert window.dialing.question is None
    clipboard.setText("call me")
    tray.clipboard_action.trigger()
    assert window.dialing.question is None
    assert "contains letters" in window.dialing.refusal.text()
    assert engine.store.count_calls() == 0 and engine.sandbox.received == []


def test_an_answer_is_told_in_the_status_bar_without_a_tray(session):
    _engine, window, _lead, _team = _start(session)
    assert window.tray.icon is None  # offscreen has no system tray
    assert window.tray.call_answered(_record(Status.SUCCESS), window_active=True) == ""
    assert window.tray.call_answered(_record(Status.SUCCESS), window_active=False) == "status"
    message = window.statusBar().currentMessage()
    assert "Jane Roe" in message and "Success" in message and "2611270000abcdef01" in message


def test_with_a_tray_closing_hides_the_window_and_calls_run_on(session, arun):
    engine, window, lead, team = _start(session)
    tray = _tray_shown(window)
    engine.settings.set("ui.close_to_tray", True)
    routes: list[str] = []
    told = tray.call_answered
    tray.call_answered = lambda record, active: routes.append(told(record, active)) or routes[-1]
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    pick(window, lead, team)

    async def scenario():
        window.call_panel.call_button.click()
        await until(lambda: window.call_panel.pending.rows, what="the pending row")
        assert window.close() is False
        assert not window.isVisible()
        record = await until(
            lambda: (r := window.history.model.record(0)) and r.status != "pending" and r,
            what="the answer, while hidden",
        )
        await until(lambda: routes, what="the notification")
        return record

    record = arun(scenario())
    assert record.status == "success"
    assert routes == ["tray"]  # a hidden window is not looked at
    assert not closed
    tray.show_action.trigger()
    assert window.isVisible()
    tray.quit_action.trigger()  # Quit really ends the console
    arun(until(lambda: closed, what="the window to close"))
    assert not window.isVisible() and not tray.shown


def test_quit_from_the_tray_asks_about_calls_in_flight(session, arun):
    # Real time: the lead ending in 9 answers after 9 seconds, so the call stays pending.
    engine, window, lead, team = _start(session, time_scale=1.0, lead_number="5552223339")
    tray = _tray_shown(window)
    engine.settings.set("ui.close_to_tray", True)
    pick(window, lead, team)

    async def scenario():
        window.call_panel.call_button.click()
        await until(lambda: window.call_panel.pending.rows, what="the pending row")
        window.close()
        assert not window.isVisible()
        tray.quit_action.trigger()
        assert window.isVisible()  # brought back to show the question
        answer(window._question, yes=False)  # keep working
        assert window.isVisible() and window.call_panel.pending.rows
        window.close()  # a plain close still goes to the tray, not to the question
        assert not window.isVisible()
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        tray.quit_action.trigger()
        answer(window._question, yes=True)  # cancel the call and quit
        await until(lambda: closed, what="the window to close")

    arun(scenario())
    assert [r.status for r in engine.store.fetch_calls()] == ["cancelled"]


def test_without_a_tray_closing_ends_the_console(session, arun):
    engine, window, _lead, _team = _start(session)
    engine.settings.set("ui.close_to_tray", True)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    assert window.close() is True  # no tray to come back from
    arun(until(lambda: closed, what="the window to close"))
