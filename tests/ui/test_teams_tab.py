"""The Teams panel is built when first shown or used (ui/shell/teams_tab.py): until then the
window looks, sizes and answers as it did with the panel built at start."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from window_kit import open_session, seed

from console.settings import PAGE_SIZES, STYLE_FACTS
from tests.conftest import until
from ui.teams.model import LABEL


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _restart(session, engine, window):
    """Close the window (its layout saved) and open a new one on the same engine."""
    assert window.close()
    return session.window(engine)


def _focus_chain(window) -> list[str]:
    """The widgets Tab stops at, in order, from the window's first one round to it again."""
    names, widget = [], window.nextInFocusChain()
    while widget is not window:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(window):
            names.append(widget.accessibleName() or type(widget).__name__)
        widget = widget.nextInFocusChain()
    return names


def test_a_first_start_builds_it_and_the_next_ones_do_not(session):
    engine, window = session.start(seed_with=seed)
    assert window.teams.is_built  # nothing known yet of its size here
    assert "teams" in engine.settings.get(PAGE_SIZES)
    again = _restart(session, engine, window)
    assert not again.teams.is_built
    again.left_tabs.setCurrentWidget(again.teams.page)
    assert again.teams.is_built
    assert again.teams_panel.current_team().name == "Sales East"


def test_the_window_keeps_its_minimum_size_before_the_panel_is_built(session):
    engine, window = session.start(seed_with=seed)
    built_at_start = window.minimumSizeHint()
    again = _restart(session, engine, window)
    assert not again.teams.is_built
    assert again.minimumSizeHint() == built_at_start
    again.teams.panel()
    assert again.minimumSizeHint() == built_at_start


def test_a_changed_font_or_style_builds_it_at_start_again(session):
    engine, window = session.start()
    sizes = engine.settings.get(PAGE_SIZES)
    sizes["teams"]["environment"] += " and another font"
    engine.settings.set(PAGE_SIZES, sizes)
    again = _restart(session, engine, window)
    assert again.teams.is_built


def test_the_style_is_asked_once_shown_and_a_changed_one_builds_it_then(session, arun):
    # A start uses the style's name and title bar kept by the last one (asking the style makes
    # PySide6 build QStyle's type, ~10 ms), and asks it once the window is shown and idle.
    engine, window = session.start()
    kept = engine.settings.get(STYLE_FACTS)
    assert kept["name"] == window.style().name()
    again = _restart(session, engine, window)
    assert not again.style_facts.asked and not again.teams.is_built
    arun(until(lambda: again.style_facts.asked, what="the style asked once shown"))
    assert not again.teams.is_built  # it answered as kept
    # The desktop's style changed since the page's size and the answers were kept.
    sizes = engine.settings.get(PAGE_SIZES)
    name = kept["name"]
    sizes["teams"]["environment"] = sizes["teams"]["environment"].replace(name, "another")
    engine.settings.set(PAGE_SIZES, sizes)
    engine.settings.set(STYLE_FACTS, {**kept, "name": "another", "title_bar": 90})
    third = _restart(session, engine, again)
    assert not third.teams.is_built  # as the kept answers say
    arun(until(lambda: third.teams.is_built, what="the page built once the style answered"))
    assert engine.settings.get(STYLE_FACTS) == kept
    assert name in engine.settings.get(PAGE_SIZES)["teams"]["environment"]


def test_tab_goes_through_the_panel_where_it_was_built_at_start(session):
    engine, window = session.start(seed_with=seed)
    window.left_tabs.setCurrentWidget(window.teams.page)
    built_at_start = _focus_chain(window)
    window.left_tabs.setCurrentIndex(0)
    again = _restart(session, engine, window)
    again.left_tabs.setCurrentWidget(again.teams.page)
    assert "Members" in built_at_start
    assert _focus_chain(again) == built_at_start


def test_its_tab_letter_takes_the_keyboard_to_the_team_list_picker(session, arun):
    engine, window = session.start(seed_with=seed)
    again = _restart(session, engine, window)
    again.activateWindow()
    again.focus_leads()
    arun(until(lambda: QApplication.focusWidget() is again.leads_panel.search))
    QTest.keyClick(again, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert again.teams.is_built
    arun(until(lambda: QApplication.focusWidget() is again.teams_panel.team_combo))


def test_the_file_menu_actions_work_before_the_panel_exists(session):
    engine, window = session.start()
    again = _restart(session, engine, window)
    files = again.teams.files
    assert not files.export.isEnabled()  # no team list to export, as the panel would say
    files.import_.trigger()
    assert again.teams.is_built
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)]
    assert [d.isVisible() for d in dialogs] == [True]
    dialogs[0].reject()
    assert not files.export.isEnabled()


def test_export_is_offered_before_the_panel_exists_when_there_is_a_list(session):
    engine, window = session.start(seed_with=seed)
    again = _restart(session, engine, window)
    assert again.teams.files.export.isEnabled()
    again.teams.files.export.trigger()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)]
    assert [d.isVisible() for d in dialogs] == [True]
    assert "Sales East" in dialogs[0].selectedFiles()[0]
    dialogs[0].reject()


def test_its_column_widths_survive_a_run_that_never_showed_it(session):
    engine, window = session.start(seed_with=seed)
    table = window.teams_panel.table
    table.horizontalHeader().resizeSection(LABEL, table.columnWidth(LABEL) + 41)
    dragged = table.columnWidth(LABEL)
    never_shown = _restart(session, engine, window)
    assert not never_shown.teams.is_built
    third = _restart(session, engine, never_shown)
    assert third.teams_panel.table.columnWidth(LABEL) == dragged


def test_the_page_holds_nothing_but_the_panel(session):
    engine, window = session.start()
    page = window.teams.page
    assert page.layout().contentsMargins().isNull()
    assert [w for w in page.findChildren(QWidget) if w.parent() is page] == [window.teams_panel]


def test_a_settings_file_that_cannot_be_written_only_costs_the_next_start(session, home, caplog):
    engine, window = session.start()
    sizes = engine.settings.get(PAGE_SIZES)
    sizes["teams"]["environment"] += " and another font"
    engine.settings.set(PAGE_SIZES, sizes)
    engine.settings.set(STYLE_FACTS, {})  # the style is asked at once, and kept: that fails too
    assert window.close()
    settings_file = engine.settings.path
    settings_file.unlink()
    settings_file.mkdir()  # where the settings go, a folder: every save fails
    try:
        again = session.window(engine)
    finally:
        settings_file.rmdir()
    assert again.teams.is_built and again.teams_panel.isVisibleTo(again.teams.page)
    assert "could not keep the teams page's size" in caplog.text
    assert "could not keep the style's answers" in caplog.text
    assert again.style_facts.asked and again.style_facts.name == again.style().name()


def test_closing_with_a_settings_file_that_cannot_be_written_still_closes(session, caplog):
    # Settings.save raises LocalProblem (not OSError) when the file cannot be written: the
    # window's layout is then not kept, and the window closes all the same.
    engine, window = session.start()
    settings_file = engine.settings.path
    engine.settings.save()
    settings_file.unlink()
    settings_file.mkdir()  # where the settings go, a folder: every save fails
    try:
        assert window.close()
    finally:
        settings_file.rmdir()
    assert not window.isVisible()
    assert "could not keep the window layout" in caplog.text
