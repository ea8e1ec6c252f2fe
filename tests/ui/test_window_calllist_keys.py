"""The Call list tab by keyboard alone (real window offscreen, real SQLite, the sandbox over
loopback), as found driving it under Xvfb with xdotool at 1024x768: a list built from the
File menu, Call, the wrap-up saved with Enter, the next lead called; the keyboard stays on
Call with its focus mark, and Tab into the leads of the list marks the lead up next."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from window_kit import open_session, select_all_leads, start_call_list

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
