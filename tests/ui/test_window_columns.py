"""Every table's column widths are kept across runs: the leads, the team members, the history."""

from __future__ import annotations

import json

import pytest
from window_kit import open_session, seed_window

from ui.common.saved_state import header_state, restore_header
from ui.history.model import COLUMNS
from ui.leads.model import COMPANY, NAME
from ui.teams.model import LABEL


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def widths(window) -> dict[str, int]:
    return {
        "lead name": window.leads_panel.table.columnWidth(NAME),
        "lead company": window.leads_panel.table.columnWidth(COMPANY),
        "member label": window.teams_panel.table.columnWidth(LABEL),
        "history lead": window.history.table.columnWidth(COLUMNS.index("lead")),
        "history sid": window.history.table.columnWidth(COLUMNS.index("sid")),
    }


def test_column_widths_come_back_after_a_restart(session) -> None:
    engine, window = session.start()
    seed_window(engine, window)
    window.teams_panel.refresh()
    first = widths(window)
    # Dragged by the person: each header's own resize, as a drag of its divider does.
    for table, column in (
        (window.leads_panel.table, NAME),
        (window.leads_panel.table, COMPANY),
        (window.teams_panel.table, LABEL),
        (window.history.table, COLUMNS.index("lead")),
        (window.history.table, COLUMNS.index("sid")),
    ):
        table.horizontalHeader().resizeSection(column, table.columnWidth(column) + 37)
    dragged = widths(window)
    assert all(dragged[k] == first[k] + 37 for k in first), (first, dragged)
    assert window.close()
    again = session.window(engine)
    assert widths(again) == dragged


def test_history_widths_saved_by_the_previous_version_still_come_back(session) -> None:
    engine, window = session.start()
    table = window.history.table
    column = COLUMNS.index("team")
    table.horizontalHeader().resizeSection(column, 201)
    old = {"history_header": header_state(table)["header"]}  # the one key it wrote
    assert window.close()
    engine.settings.set("ui.window_state", json.dumps(old))
    again = session.window(engine)
    assert again.history.table.columnWidth(column) == 201


def test_a_layout_saved_for_other_columns_is_ignored(session) -> None:
    engine, window = session.start()
    calls, history = window.leads_panel.lead_calls.calls_table(), window.history.table
    before = [history.columnWidth(c) for c in range(len(COLUMNS))]
    # The lead's calls have five columns, not the history's seven.
    assert calls.model().columnCount() != len(COLUMNS)
    assert not restore_header(history, header_state(calls))
    assert not restore_header(history, {"header": "not base64 at all!", "columns": len(COLUMNS)})
    assert [history.columnWidth(c) for c in range(len(COLUMNS))] == before
