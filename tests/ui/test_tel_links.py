"""tel: and callto: links into the window: the lead is ready, nothing is dialed until Call."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QMessageBox
from window_kit import open_session, pick, seed_window

from console.store import Lead
from tests.conftest import ROOT, until
from ui.shell.app import connect_links
from ui.shell.links import FileOpenFilter, find_link, read_number
from ui.shell.single_instance import SingleInstanceServer


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _start(session, lead_number: str = "5552223334"):
    """A window with one lead, one team list, and nothing picked."""
    engine, window = session.start()
    lead, team = seed_window(engine, window, lead_number=lead_number)
    return engine, window, lead, team


def _final_row(window):
    record = window.history.model.record(0)
    return record if record is not None and record.status != "pending" else None


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("tel:+1-555-111-2222", "5551112222"),
        ("callto://+15551112222", "5551112222"),
        ("TEL:555.111.2222", "5551112222"),
        ("(555) 111-2222", "5551112222"),
        (" 555 111 2222 ", "5551112222"),
    ],
)
def test_links_and_typed_numbers_read_as_ten_digits(text: str, digits: str) -> None:
    assert read_number(text) == digits


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "the text is empty"),
        ("sip:5551112222", "only tel: and callto: links"),
        ("tel:555-111-2222;ext=12", "extension"),
        ("call me maybe", "contains letters"),
        ("tel:+44 20 7946 0000", "outside North America"),
    ],
)
def test_what_cannot_be_called_names_the_rule(text: str, rule: str) -> None:
    with pytest.raises(ValueError, match=rule):
        read_number(text)


def test_the_link_is_found_among_the_arguments() -> None:
    assert find_link(["-style", "fusion", "tel:+15551112222"]) == "tel:+15551112222"
    assert find_link(["CALLTO:5551112222"]) == "CALLTO:5551112222"
    assert find_link(["--verbose", "https://example.com"]) == ""


def test_a_link_to_a_known_number_picks_that_lead(session):
    engine, window, lead, _team = _start(session)
    other = engine.store.add_lead(Lead(None, "Bob Poe", "5553334444"))
    window.leads_panel.refresh()
    window.leads_panel.select_lead(other.id)
    # The launch's own link, as ui.shell.app hands it over once the window is shown.
    connect_links(window, None, None, "tel:+1-555-222-3334")
    assert window.call_panel.lead().id == lead.id
    assert window.leads_panel.current_lead().id == lead.id
    assert "(555) 222-3334" in window.call_panel.feedback.text()
    assert "press Call" in window.call_panel.feedback.text()
    assert window.focusWidget() is window.call_panel.call_button
    assert engine.store.count_calls() == 0  # a link alone dials nothing


def test_a_new_number_is_an_unsaved_lead_whose_call_lands_in_history(session, arun):
    engine, window, _lead, team = _start(session)
    leads_before = engine.store.count_leads()
    lead = window.prefill_from_link("callto://+1.555.222.4446")
    assert lead == Lead(None, "", "5552224446")
    assert window.call_panel.lead() == lead
    assert window.leads_panel.current_lead() is None
    assert "not a saved lead" in window.call_panel.lead_label.text()
    assert window.call_panel.current_team().name == team.name
    assert engine.store.count_calls() == 0 and window.history.model.record(0) is None

    async def call():
        window.call_panel.call_button.click()
        return await until(lambda: _final_row(window), what="the final row")

    record = arun(call())
    assert record.status == "success" and len(record.sid) == 16
    assert record.lead_number == "5552224446" and record.lead_name == ""
    model = window.history.model
    assert model.index(0, model.columnCount() - 1).data() == record.sid
    assert engine.store.count_leads() == leads_before  # calling it did not save it


def test_a_bad_link_says_why_and_changes_nothing(session):
    engine, window, lead, team = _start(session)
    pick(window, lead, team)
    feedback = window.call_panel.feedback.text()
    link = "tel:555-111-2222;ext=12"
    assert window.prefill_from_link(link) is None
    box = window.dialing.refusal
    assert isinstance(box, QMessageBox) and box.isVisible() and not box.isModal()
    assert repr(link) in box.text() and "extension" in box.text()
    assert window.call_panel.lead().id == lead.id
    assert window.call_panel.feedback.text() == feedback
    # A second bad link reuses the one message rather than stacking boxes.
    window.prefill_from_link("tel:")
    assert window.dialing.refusal is box and "holds no number" in box.text()
    assert engine.store.count_calls() == 0


def test_a_second_launch_hands_its_link_to_the_running_window(session, arun, cli_env):
    engine, window, lead, _team = _start(session)
    server = SingleInstanceServer()  # named from FINDME_HOME, as the launch below computes it
    assert server.listen()
    try:
        connect_links(window, server, None, "")
        launch = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "tel:+1-555-222-3334"],
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            picked = arun(until(window.call_panel.lead, timeout=20, what="the handed-over lead"))
            arun(until(lambda: launch.poll() is not None, timeout=20, what="the launch to end"))
        finally:
            if launch.poll() is None:  # it opened a console of its own: the hand-off failed
                launch.kill()
            out, err = launch.communicate()
        assert launch.returncode == 0, err
    finally:
        server.close()
    assert picked.id == lead.id
    assert engine.store.count_calls() == 0


def test_an_empty_hand_off_brings_the_window_back(session):
    _engine, window, _lead, _team = _start(session)
    window.showMinimized()
    window.open_link("")
    assert window.isVisible() and not window.isMinimized()
    assert window.call_panel.lead() is None


def test_macos_open_events_reach_the_window_even_before_it_exists(qapp):
    target = QObject()
    opened = FileOpenFilter(target)
    target.installEventFilter(opened)
    QCoreApplication.sendEvent(target, QFileOpenEvent(QUrl("tel:+15551112222")))
    seen: list[str] = []
    opened.deliver_to(seen.append)
    QCoreApplication.sendEvent(target, QFileOpenEvent(QUrl("callto:5553334444")))
    assert seen == ["tel:+15551112222", "callto:5553334444"]
