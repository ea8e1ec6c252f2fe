"""The lead's context menu in the window: Call (with its key) places a call to that lead."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QApplication
from window_kit import open_session, seed_window

from console.store import Lead
from tests.conftest import until
from ui.leads.model import NAME

pytestmark = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "does not support grabbing"
)


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def test_call_from_the_lead_menu_calls_that_lead(session, arun) -> None:
    engine, window = session.start()
    jane, team = seed_window(engine, window)
    zed = engine.store.add_lead(Lead(None, "Zed Zane", "5552223335", "Initech"))
    window.leads_panel.refresh()
    assert window.call_panel.select_team(team.name)
    leads = window.leads_panel
    leads.select_lead(jane.id)
    table = leads.table
    where = table.visualRect(leads.model.index(leads.model.row_of(zed.id), NAME)).center()
    QApplication.sendEvent(
        table.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, table.mapToGlobal(where)),
    )
    menu = leads.context_menu
    assert menu is not None and menu.isVisible()
    call = menu.actions()[0]
    assert call is window.menu_actions.call
    # Call; the call list's; the lead's own, "Do not call" last of them; Delete apart.
    shape = [a.text().replace("&", "") if not a.isSeparator() else "-" for a in menu.actions()]
    assert shape == [
        "Place call", "-",
        "New call list from the selected leads", "New call list from the lead search", "-",
        "Edit", "Edit notes…", "Copy number", "Do not call…", "-",
        "Delete lead",
    ]  # fmt: skip
    assert QKeySequence("Ctrl+Return") in call.shortcuts()
    call.trigger()
    menu.close()

    def ended():
        record = window.history.model.record(0)
        return record if record is not None and record.status != "pending" else None

    record = arun(until(ended, what="the call's final history row"))
    assert (record.lead_name, record.lead_number) == ("Zed Zane", zed.number)
