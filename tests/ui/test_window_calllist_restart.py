"""The call list after a restart (real window offscreen, real SQLite, the sandbox over
loopback): the console stopped while auto-advance counted down to the next lead; the list
comes back with that lead up, no call by itself, a line saying why, and Call or Resume."""

from __future__ import annotations

import asyncio

import pytest
from window_kit import open_session, start_call_list, strip_for

from console.settings import CALL_LIST_AUTO_ADVANCE
from tests.conftest import until

HELD = "Auto-advance paused: the console was restarted. Press Call or Resume."


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _stopped_during_the_countdown(session, arun):
    """A list of three, auto-advance on, Ann called and wrapped up: the countdown to Bob
    runs when the console stops. The window opened again: (engine, window, page)."""
    engine, window, leads = start_call_list(session)
    window.call_list.list.from_lead_ids([lead.id for lead in leads[:3]], "3 leads")
    page = window.call_list.show()
    page.auto.setChecked(True)
    page.call_button.click()
    strip = arun(until(lambda: strip_for(window, "Ann Archer"), what="Ann's wrap-up"))
    strip.choose("Interested")
    strip.save()
    assert page.countdown.running
    session.close(engine, window)

    engine, window = session.start()
    assert engine.settings.get(CALL_LIST_AUTO_ADVANCE) is True
    # Said in the status bar before the tab is shown (its page not built yet).
    said = "Call list: 1 of 3 · 1 reached · auto-advance paused after a restart"
    assert window.call_list.status.full_text() == said
    return engine, window, window.call_list.show()


def test_a_restart_during_the_countdown_holds_it_and_says_so(session, arun):
    engine, window, page = _stopped_during_the_countdown(session, arun)
    assert page.lead.full_text().startswith("Up next: Bob Baker")
    assert not page.countdown.running and not page._timer.isActive()
    assert page.countdown_label.text() == HELD and page.countdown_label.isVisibleTo(page)
    assert page.pause_button.text() == "Res&ume"
    assert page.progress.text() == "1 of 3 · 1 reached"  # held, not paused
    for _ in range(page.countdown.seconds):  # the countdown's time passes: no call by itself
        page._tick()
    arun(asyncio.sleep(0.3))  # the loop runs, as it would for a call asked for
    assert len(engine.store.fetch_calls(limit=10)) == 1

    page.pause_button.click()  # Resume: the countdown the restart stopped starts again
    assert page.countdown.running
    assert window.call_list.status.full_text() == "Call list: 1 of 3 · 1 reached"
    assert page.countdown_label.text().startswith("Calling Bob Baker in 5 s")
    assert page.pause_button.text() == "Pa&use"
    for _ in range(page.countdown.seconds):
        page._tick()
    arun(until(lambda: strip_for(window, "Bob Baker"), what="Bob called once resumed"))
    assert len(engine.store.fetch_calls(limit=10)) == 2


def test_call_after_a_restart_calls_the_lead_up_and_ends_the_hold(session, arun):
    engine, window, page = _stopped_during_the_countdown(session, arun)
    page.call_button.click()
    strip = arun(until(lambda: strip_for(window, "Bob Baker"), what="Bob's wrap-up"))
    assert page.countdown_label.isHidden() and page.pause_button.text() == "Pa&use"
    strip.choose("Interested")
    strip.save()  # the hold is over: auto-advance goes on as before the restart
    assert page.countdown.running
    assert page.countdown_label.text().startswith("Calling Cy Cole in 5 s")


def test_turning_auto_advance_off_after_a_restart_takes_the_line_away(session, arun):
    engine, window, page = _stopped_during_the_countdown(session, arun)
    page.auto.setChecked(False)
    assert page.countdown_label.isHidden() and page.pause_button.text() == "Pa&use"


def test_auto_advance_switched_on_in_this_run_is_not_held(session, arun):
    # Auto-advance was off when the console stopped: switching it on now is the agent's choice
    # of this run, not a countdown the restart stopped, so no "the console was restarted".
    engine, window, page = _stopped_during_the_countdown(session, arun)
    page.auto.setChecked(False)
    session.close(engine, window)
    engine, window = session.start()
    page = window.call_list.show()
    assert not page.auto.isChecked() and page.countdown_label.isHidden()
    page.auto.setChecked(True)
    assert page.countdown_label.isHidden() and page.pause_button.text() == "Pa&use"
    assert window.call_list.status.full_text() == "Call list: 1 of 3 · 1 reached"
    assert not page.countdown.running  # no call by itself: it counts after the next wrap-up
    page.call_button.click()
    strip = arun(until(lambda: strip_for(window, "Bob Baker"), what="Bob's wrap-up"))
    strip.choose("Interested")
    strip.save()
    assert page.countdown.running
