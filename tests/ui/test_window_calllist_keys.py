"""The Call list tab by keyboard alone (real window offscreen, real SQLite, the sandbox over
loopback), as found driving it under Xvfb with xdotool at 1024x768: a list built from the
File menu, Call, the wrap-up saved with Enter, the next lead called; the keyboard stays on
Call with its focus mark, and Tab into the leads of the list marks the lead up next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_kit import open_session, select_all_leads, start_call_list, strip_for

from tests.conftest import until

MARK = Qt.WidgetAttribute.WA_KeyboardFocusChange  # Qt draws focus marks while it is set


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _active(session, qtbot):
    engine, window, leads = start_call_list(session)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return engine, window, leads


def _from_the_menu(window) -> None:
    """Ctrl+A in the leads, then File → New call list from the selected leads: the menu bar
    took the keyboard, which drops Qt's focus marks."""
    table = window.leads_panel.table
    table.setFocus(Qt.FocusReason.TabFocusReason)
    select_all_leads(window)
    window.setAttribute(MARK, False)  # as the menu bar leaves it
    window.call_list.from_selection.trigger()


def test_a_list_built_from_the_menu_leaves_the_keyboard_on_call_marked(session, qtbot):
    # Found by keyboard: the keyboard was on Call, but nothing showed it.
    engine, window, leads = _active(session, qtbot)
    _from_the_menu(window)
    page = window.call_list.panel()
    assert QApplication.focusWidget() is page.call_button
    assert window.testAttribute(MARK)


def test_enter_saving_the_wrap_up_brings_the_keyboard_back_to_call_marked(session, arun, qtbot):
    # Found by keyboard: Enter saved the wrap-up, the strip hid first and Qt handed the
    # keyboard to the banner's "Open the outbox" link, then to Call, unmarked.
    engine, window, leads = _active(session, qtbot)
    _from_the_menu(window)
    page = window.call_list.panel()
    window.setAttribute(MARK)  # the marks shown, as after a Tab
    qtbot.keyClick(page.call_button, Qt.Key.Key_Space)
    strip = arun(until(lambda: strip_for(window, "Ann Archer"), what="Ann's wrap-up"))
    qtbot.waitUntil(lambda: strip.isAncestorOf(QApplication.focusWidget()) or strip.hasFocus())
    assert window.testAttribute(MARK)  # the strip took the keyboard, the mark kept
    moves: list[object] = []
    QApplication.instance().focusChanged.connect(lambda _old, new: moves.append(new))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_5)  # "Interested"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert page.lead.full_text().startswith("Up next: Bob Baker")
    assert moves == [page.call_button]  # straight back, no stop on the way
    assert window.testAttribute(MARK)
    qtbot.keyClick(page.call_button, Qt.Key.Key_Space)  # the next lead, by the same key
    arun(until(lambda: strip_for(window, "Bob Baker"), what="Bob's wrap-up"))


def test_tab_into_the_list_lands_on_the_lead_up_next(session, qtbot):
    # Found by keyboard: the table had no current row; its only mark was a faint one in the
    # "#" cell of the first row, whichever lead was up.
    engine, window, leads = _active(session, qtbot)
    _from_the_menu(window)
    page = window.call_list.panel()
    page.skip_button.click()
    assert page.lead.full_text().startswith("Up next: Bob Baker")
    page.entries.setFocus(Qt.FocusReason.TabFocusReason)
    current = page.entries.currentIndex()
    assert current.isValid() and current.row() == 1
    assert page.entries.selectionModel().selectedRows() == []  # marked, not coloured


def test_alt_v_turns_auto_advance_on_and_leaves_the_keyboard_on_call(session, qtbot):
    # Found by keyboard: Alt+V took the keyboard to the box with no mark anywhere, and the
    # Space meant for Call turned auto-advance off again.
    engine, window, leads = _active(session, qtbot)
    _from_the_menu(window)
    page = window.call_list.panel()
    assert QApplication.focusWidget() is page.call_button and window.testAttribute(MARK)
    qtbot.keyClick(page.call_button, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.auto.isChecked)  # Qt clicks it a moment later
    assert QApplication.focusWidget() is page.call_button and window.testAttribute(MARK)
    assert page.auto in page.tab_stops()  # Tab still reaches it
    assert page.auto.focusPolicy() & Qt.FocusPolicy.TabFocus
