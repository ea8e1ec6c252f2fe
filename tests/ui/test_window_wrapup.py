"""Wrap-up through the real window (offscreen) and the command line, against the sandbox:
the strip's keyboard flow, changes from the history, do-not-call, due call-backs."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from test_mnemonics import repeated
from window_kit import open_session, pick, seed_window

from console.store.dispositions import DO_NOT_CALL
from tests.conftest import until
from ui.leads.model import RESULT


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _final(window):
    record = window.history.model.record(0)
    return record if record is not None and record.status != "pending" else None


def _place(window, lead, team, arun):
    async def scenario():
        pick(window, lead, team)
        window.call_panel.call_button.setFocus()  # as pressing Call from the keyboard does
        window.call_panel.call_button.click()
        return await until(lambda: _final(window), what="a final history row")

    return arun(scenario())


def _strip_up(window):
    strip = window.wrap_ups.strip
    return strip if strip is not None and strip.isVisible() and strip.record else None


def test_the_strip_comes_up_and_the_keyboard_wraps_up(session, arun, qtbot):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    window.activateWindow()
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    assert strip.record.id == record.id
    assert repeated(window) == {}  # Alt+W (and the call-back's Alt+B) reach one control each
    strip.choose("Call back")
    assert strip.callback.isVisible() and repeated(window) == {}
    # Nobody was typing (the Call button had the keyboard): the strip takes it.
    assert strip.hasFocus()
    qtbot.keyClick(strip, Qt.Key.Key_2)  # the second disposition
    assert strip.chosen.name == "Left voicemail"
    qtbot.keyClick(strip, Qt.Key.Key_N)  # N: No answer, then Not interested
    assert strip.chosen.name == "No answer"
    qtbot.keyClick(strip, Qt.Key.Key_N)
    assert strip.chosen.name == "Not interested"
    strip.notes.setFocus()
    qtbot.keyClicks(strip.notes, "3 kids, call after 5")  # digits typed here are notes
    assert strip.chosen.name == "Not interested"
    qtbot.keyClick(strip.notes, Qt.Key.Key_Return)
    saved = engine.store.get_call(record.id)
    assert (saved.disposition, saved.notes) == ("Not interested", "3 kids, call after 5")
    assert not strip.isVisible()
    row = window.history.model.row_of(record.id)
    model = window.history.model
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert model.index(row, columns.index("Disposition")).data() == "Not interested"
    assert model.index(row, columns.index("Notes")).data() == "3 kids, call after 5"


def test_the_strip_never_takes_the_keyboard_from_a_search(session, arun, qtbot):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    window.activateWindow()
    pick(window, lead, team)
    window.leads_panel.search.setFocus()
    window.call_panel.call_button.click()
    qtbot.keyClicks(window.leads_panel.search, "Ja")
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    assert QApplication.focusWidget() is window.leads_panel.search
    qtbot.keyClicks(window.leads_panel.search, "ne")
    assert window.leads_panel.search.text() == "Jane"
    assert strip.chosen is None
    # Escape in the strip skips: nothing written.
    strip.setFocus()
    qtbot.keyClick(strip, Qt.Key.Key_Escape)
    assert not strip.isVisible()
    (placed,) = engine.store.fetch_calls(limit=5)  # the one call, read from the store itself
    assert placed.status != "pending" and placed.disposition == ""
    # ...and the history shows it (its row comes on the loop's next turns, not with the strip)
    arun(until(lambda: window.history.model.record(0) is not None, what="the history row"))
    assert window.history.model.record(0).id == placed.id


def test_a_wrap_up_from_the_cli_shows_in_the_window_and_the_export(
    session, arun, run_cli, tmp_path
):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    strip.skip()
    done = run_cli(
        "history", "wrap-up", record.sid, "--disposition", "interested", "--notes", "demo Friday"
    )
    assert done.returncode == 0, done.stderr
    window.history.model.refresh()
    model = window.history.model
    row = model.row_of(record.id)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert model.index(row, headers.index("Disposition")).data() == "Interested"
    assert model.index(row, headers.index("Notes")).data() == "demo Friday"
    # The disposition filter, then the export of what it shows.
    combo = window.history.disposition_combo
    combo.setCurrentIndex(combo.findData("Interested"))
    arun(until(lambda: window.history.model.disposition == "Interested", what="the filter"))
    assert window.history.model.rowCount() == 1
    out = tmp_path / "wrapped.csv"
    assert arun(window.history.export(out)) == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert (rows[0]["disposition"], rows[0]["notes"]) == ("Interested", "demo Friday")
    # The details say it too, and "Wrap up…" there opens the strip on that call.
    dialog = window.history.show_details(row if combo.currentData() is None else 0)
    assert dialog._facts["disposition"].text() == "Interested"
    dialog.wrap_button.click()
    assert strip.isVisible() and strip.record.id == record.id
    assert strip.chosen.name == "Interested" and strip.notes.text() == "demo Friday"
    strip.choose("Connected")
    strip.save()
    assert engine.store.get_call(record.id).disposition == "Connected"
    assert dialog._facts["disposition"].text() == "Connected"


def test_do_not_call_is_refused_with_the_reason_then_overridden(session, arun, qtbot):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    dnc = next(d for d in strip.dispositions if d.kind == DO_NOT_CALL)
    strip.choose(dnc.name)
    strip.notes.setText("asked to be removed")
    strip.save()
    arun(until(lambda: window.leads_panel.model.lead(0).do_not_call, what="the lead marked"))
    assert "Do not call" in window.leads_panel.model.index(0, RESULT).data()
    window.leads_panel.select_lead(lead.id)  # picked again: the call panel says it before Call
    assert "Do not call" in window.call_panel.lead_label.full_text()

    window.call_panel.call_button.click()
    box = arun(until(lambda: _box("do_not_call"), what="the do-not-call question"))
    assert "Jane Roe" in box.text()
    assert "asked to be removed" in box.informativeText()
    assert engine.store.count_calls() == 1  # nothing was sent
    no = next(b for b in box.buttons() if "Don't" in b.text())
    no.click()
    assert engine.store.count_calls() == 1

    window.call_panel.call_button.click()
    box = arun(until(lambda: _box("do_not_call"), what="the question again"))
    anyway = next(b for b in box.buttons() if "anyway" in b.text())
    anyway.click()
    second = arun(
        until(
            lambda: (row := _final(window)) is not None and row.id != record.id and row,
            what="the overridden call, ended",
        )
    )
    assert second.status == "success" and engine.store.count_calls() == 2


def _box(name: str) -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget
    return None


def test_a_due_call_back_shows_in_the_leads_and_as_a_notification(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    arun(until(lambda: _strip_up(window), what="the wrap-up strip")).skip()
    soon = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    engine.store.wrap_up(record.id, "Call back", "", soon)
    fresh = arun(window.wrap_ups.check())
    assert [c.id for c in fresh] == [record.id]
    # The real tray: offscreen there is no system tray, so the status bar says it.
    assert not window.tray.shown
    assert "Call back due: Jane Roe" in window.statusBar().currentMessage()
    assert "Call back due" in window.leads_panel.model.index(0, RESULT).data()
    assert arun(window.wrap_ups.check()) == []  # told once a run


def test_a_call_back_in_the_past_is_refused_with_the_rule_and_loses_nothing(session, arun):
    # It was saved silently, and the "due" notice came at once for a time already gone.
    from PySide6.QtCore import QDateTime

    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    strip.choose("Call back")
    strip.notes.setText("try the mobile")
    strip.callback.setDateTime(QDateTime.currentDateTime().addSecs(-3600))
    assert strip.save() is None
    said = strip.problem.text()
    assert said.startswith("Call back at:") and "in the past" in said and "later than now" in said
    assert strip.problem.isVisible() and strip.isVisible() and strip.record.id == record.id
    assert (strip.chosen.name, strip.notes.text()) == ("Call back", "try the mobile")
    assert engine.store.get_call(record.id).disposition == ""  # nothing written
    strip.callback.setDateTime(QDateTime.currentDateTime().addDays(1))
    saved = strip.save()
    assert saved is not None and saved.callback_at is not None
    # A call-back already saved that has come due is kept when only the notes change.
    gone = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    engine.store.wrap_up(record.id, "Call back", "try the mobile", gone)
    strip.edit(engine.store.get_call(record.id))
    strip.notes.setText("try the mobile after 6")
    kept = strip.save()
    assert kept is not None and kept.notes == "try the mobile after 6"
    assert kept.callback_at == engine.store.get_call(record.id).callback_at


def test_a_do_not_call_lead_without_a_name_is_its_formatted_number(session, arun):
    # Found by a newcomer: the refusal read "5552223334 is marked …" where the lists show
    # "(555) 222-3334".
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    engine.store.update_lead(lead._replace(name=""))
    engine.store.set_do_not_call(lead.id, "asked not to be called")
    window.leads_panel.refresh()
    pick(window, lead, team)
    window.call_panel.call_button.click()
    box = arun(until(lambda: _box("do_not_call"), what="the do-not-call question"))
    assert box.text() == "(555) 222-3334 is marked \u201cDo not call\u201d; nothing was sent."
    next(b for b in box.buttons() if "Don't" in b.text()).click()
    assert engine.store.count_calls() == 0


def test_a_wrap_up_the_history_cannot_take_keeps_what_was_typed(session, arun, monkeypatch):
    import sqlite3

    from console.store import connection as store_connection

    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)  # the UI thread waits 0.1 s
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    strip.choose("Interested")
    strip.notes.setText("wants the price list")
    other = sqlite3.connect(engine.store.path, isolation_level=None)  # another writer
    other.execute("BEGIN IMMEDIATE")
    try:
        assert strip.save() is None
        assert "could not take the wrap-up" in strip.problem.text()
        assert strip.isVisible() and strip.record.id == record.id
        assert strip.chosen.name == "Interested"
        assert strip.notes.text() == "wants the price list"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert strip.save() is not None  # the same Save again, once the store is free
    assert engine.store.get_call(record.id).notes == "wants the price list"
    assert not strip.isVisible()


def test_a_lead_is_marked_do_not_call_by_hand_and_allowed_again(session, arun):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QInputDialog

    engine, window = session.start()
    lead, _team = seed_window(engine, window)
    panel = window.leads_panel
    panel.select_lead(lead.id)

    def menu_action(text: str):
        panel._context_menu(panel.model.index(0, 0), QPoint(0, 0))
        menu = panel.context_menu
        found = next(a for a in menu.actions() if a.text() == text)
        menu.close()
        return found

    menu_action("D&o not call…").trigger()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()
    )
    dialog.setTextValue("on the national registry")
    dialog.accept()
    arun(until(lambda: panel.model.lead(0).do_not_call, what="the lead marked"))
    assert engine.store.do_not_call_lead(lead.number).do_not_call_reason == (
        "on the national registry"
    )
    assert "Do not call" in window.call_panel.lead_label.full_text()
    menu_action("&Allow calls again").trigger()
    arun(until(lambda: not panel.model.lead(0).do_not_call, what="the mark taken away"))
    assert engine.store.do_not_call_lead(lead.number) is None


def test_alt_w_brings_the_keyboard_from_a_search_to_the_strip(session, arun, qtbot):
    # Found by trying it: the hint label carrying "&Wrap up" was disabled (to look quieter),
    # and a disabled label's Alt+letter does nothing, so the strip could not be reached.
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    window.show()
    window.activateWindow()
    pick(window, lead, team)
    window.leads_panel.search.setFocus()
    window.call_panel.call_button.click()
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    assert QApplication.focusWidget() is window.leads_panel.search
    qtbot.keyClick(window.leads_panel.search, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    focused = QApplication.focusWidget()
    assert focused is strip or strip.isAncestorOf(focused)
    assert window.leads_panel.search.text() == ""
    qtbot.keyClick(focused, Qt.Key.Key_2)
    assert strip.chosen.name == "Left voicemail"
    # Alt+W again only brings the keyboard back: it picks nothing (a button as the label's
    # buddy was clicked by it, and "Connected" replaced the disposition picked).
    window.leads_panel.search.setFocus()
    qtbot.keyClick(window.leads_panel.search, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(300)  # a button's animated click lands after 100 ms
    assert strip.chosen.name == "Left voicemail"
    # Picked, Tab goes on to the notes (it went to Skip, and from a button out of the strip).
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is strip.notes
    strip.group.button(1).setFocus()
    qtbot.keyClick(strip.group.button(1), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is strip


def test_a_call_loaded_from_the_history_is_its_saved_lead_with_its_mark(session, arun):
    # Found by trying it: "Load into call panel" made a lead with no id from the call, so a
    # saved lead's number offered "Save as lead…" and hid its "Do not call" mark until Call.
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    engine.store.set_do_not_call(lead.id, "asked not to be called")
    window.leads_panel.refresh()
    window.leads_panel.clear_pick()
    window.history.load_call.emit(engine.store.get_call(record.id))
    panel = window.call_panel
    assert panel.lead() is not None and panel.lead().id == lead.id
    assert panel.lead().do_not_call
    assert panel.save_lead_button.isHidden()
    assert "Do not call" in panel.lead_label.full_text()
    # A number that is no saved lead still offers Save as lead, shown as a number.
    engine.store.delete_lead(lead.id)
    window.leads_panel.refresh()
    window.history.load_call.emit(engine.store.get_call(record.id))
    assert panel.lead().id is None and not panel.save_lead_button.isHidden()


def test_a_double_enter_on_the_strip_places_no_call(session, arun, qtbot):
    # Enter saves and gives the keyboard back to where it was: the Call button. A second
    # Enter (a key bounce, a habit) must not place the call again.
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    window.activateWindow()
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    assert strip.hasFocus()
    qtbot.keyClick(strip, Qt.Key.Key_1)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    assert engine.store.get_call(record.id).disposition == "Connected"
    assert QApplication.focusWidget() is window.call_panel.call_button
    qtbot.keyClick(window.call_panel.call_button, Qt.Key.Key_Return)
    qtbot.wait(300)
    assert engine.calls.count_sent() == 0
    assert engine.store.count_calls() == 1


def test_new_notes_on_a_call_whose_disposition_was_removed_keep_it(session, arun, qtbot):
    # A team lead took "Sent brochure" off the list; calls keep the name they got. Changing
    # such a call's notes from the history wiped its disposition without a word: now the
    # strip says so and asks for another one, and nothing is lost meanwhile.
    from console.store.models import Disposition

    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    added = engine.store.save_disposition(Disposition(None, "Sent brochure", 99, ""))
    engine.store.wrap_up(record.id, "Sent brochure", "pdf sent")
    engine.store.delete_disposition(added.id)
    window.wrap_ups.edit(engine.store.get_call(record.id))
    strip = window.wrap_ups.strip
    strip.notes.setText("pdf sent, call Monday")
    qtbot.keyClick(strip.notes, Qt.Key.Key_Return)
    saved = engine.store.get_call(record.id)
    assert (saved.disposition, saved.notes) == ("Sent brochure", "pdf sent")
    assert strip.isVisible() and "Sent brochure" in strip.problem.text()
    assert strip.notes.text() == "pdf sent, call Monday"
    strip.choose("interested")
    qtbot.keyClick(strip.notes, Qt.Key.Key_Return)
    saved = engine.store.get_call(record.id)
    assert (saved.disposition, saved.notes) == ("Interested", "pdf sent, call Monday")


def test_do_not_call_on_a_number_that_is_no_lead_says_nothing_blocks_it(session, arun):
    # Found by trying it: the strip said "the lead will not be called again without an
    # override" for a dialed number that is no saved lead, and the next call went through.
    engine, window = session.start()
    _lead, team = seed_window(engine, window)
    assert window.call_panel.select_team(team.name)
    number = "5551114442"
    assert window.dialing.dial(number) is not None  # the Dial tab's way
    record = arun(until(lambda: _final(window), what="a final history row"))
    assert record.lead_number == number
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    said = []
    strip.message.connect(said.append)
    strip.choose("Do not call")
    assert strip.save() is not None
    assert engine.store.get_call(record.id).disposition == "Do not call"
    assert engine.store.do_not_call_lead(number) is None
    assert "not be called again" not in said[-1]
    assert "not a saved lead" in said[-1]


def test_a_call_ending_during_a_wrap_up_waits_its_turn_and_takes_nothing(session, arun, qtbot):
    engine, window = session.start()
    _lead, team = seed_window(engine, window)
    assert window.call_panel.select_team(team.name)
    first, second = "5551114442", "5551114443"
    assert window.dialing.dial(first) is not None
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    assert strip.record.lead_number == first
    strip.notes.setFocus()
    qtbot.keyClicks(strip.notes, "half typed")
    assert window.dialing.dial(second) is not None
    arun(until(lambda: strip.queue, what="the second call waiting"))
    assert strip.record.lead_number == first and strip.notes.text() == "half typed"
    assert QApplication.focusWidget() is strip.notes
    assert "1 more waiting" in strip.waiting.text()
    strip.choose("Connected")
    qtbot.keyClick(strip.notes, Qt.Key.Key_Return)
    assert strip.record is not None and strip.record.lead_number == second
    assert strip.notes.text() == "" and strip.chosen is None
    qtbot.keyClick(strip.notes, Qt.Key.Key_3)  # in the notes a digit is text
    qtbot.keyClick(strip, Qt.Key.Key_3)
    qtbot.keyClick(strip, Qt.Key.Key_Return)
    calls = {c.lead_number: c for c in (engine.store.find_call(str(i)) for i in (1, 2)) if c}
    assert (calls[first].disposition, calls[first].notes) == ("Connected", "half typed")
    assert (calls[second].disposition, calls[second].notes) == ("No answer", "3")
    assert not strip.isVisible()


def test_closing_on_a_wrap_up_begun_asks_and_loses_nothing(session, arun, qtbot):
    # Found by trying it: Ctrl+Q with a disposition picked and notes typed closed the window
    # at once, and the wrap-up was gone (the next start does not offer the call again).
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    record = _place(window, lead, team, arun)
    strip = arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    strip.choose("Interested")
    strip.notes.setText("wants a demo")
    window.close()
    box = arun(until(lambda: _box("wrap_up_unsaved"), what="the unsaved wrap-up question"))
    assert window.isVisible() and "Jane Roe" in box.text()
    keep = next(b for b in box.buttons() if "Keep" in b.text())
    keep.click()
    assert window.isVisible() and strip.notes.text() == "wants a demo"
    window.close()
    box = arun(until(lambda: _box("wrap_up_unsaved"), what="the question again"))
    save = next(b for b in box.buttons() if "Save" in b.text())
    save.click()
    saved = engine.store.get_call(record.id)
    assert (saved.disposition, saved.notes) == ("Interested", "wants a demo")
    arun(until(lambda: not window.isVisible(), what="the window closed"))


def test_closing_with_nothing_begun_on_the_strip_asks_nothing(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    _place(window, lead, team, arun)
    arun(until(lambda: _strip_up(window), what="the wrap-up strip"))
    window.close()
    arun(until(lambda: not window.isVisible(), what="the window closed"))
    assert _box("wrap_up_unsaved") is None
