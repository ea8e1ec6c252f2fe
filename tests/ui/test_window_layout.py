"""The workspace holds still: the window fits its screen, Call never moves, long texts are cut
with the whole in a tooltip, and the keyboard stays where the agent works."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMargins, QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from window_kit import answer, open_session, pick, seed_window

from console.store import Lead
from tests.conftest import until
from ui.common.screen import fit_within
from ui.common.widgets import ElidedLabel
from ui.history.model import COLUMNS

PROBE = Path(__file__).with_name("screen_probe.py")
NARROWEST = 900  # beside a CRM on half of a 1920-pixel screen, with room to spare


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


# ---- the window fits the screen it opens on ------------------------------------------------


def test_a_window_larger_than_the_screen_is_shrunk_and_moved_in():
    frame = QMargins(4, 30, 4, 4)
    available = QRect(0, 0, 1024, 728)  # 1024x768 less a 40-pixel taskbar
    fitted = fit_within(QRect(100, 50, 1280, 800), available, frame)
    assert available.contains(fitted.marginsAdded(frame))
    assert fitted.size().toTuple() == (1024 - 8, 728 - 34)


def test_a_window_off_a_second_screen_comes_back_onto_it():
    # 150 % scaling on 1920x1080 is 1280x720 logical pixels; this screen is right of another.
    available = QRect(1920, 0, 1280, 680)
    fitted = fit_within(QRect(2800, 400, 900, 600), available, QMargins(0, 30, 0, 0))
    assert available.contains(fitted.marginsAdded(QMargins(0, 30, 0, 0)))
    assert fitted.size().toTuple() == (900, 600)  # it fitted: only moved


def test_a_window_that_fits_is_left_where_it_is():
    available = QRect(0, 0, 1920, 1040)
    assert fit_within(QRect(100, 100, 800, 600), available) == QRect(100, 100, 800, 600)


def _probe(tmp_path: Path, env: dict, size: tuple[int, int], dpr: float, *args: str) -> dict:
    """Run screen_probe.py on an offscreen screen of ``size`` logical pixels."""
    config = tmp_path / "screen.json"
    screen = {"name": "probe", "x": 0, "y": 0, "width": size[0], "height": size[1]}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": dpr}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = {**env, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("size", "dpr", "args"),
    [
        ((1024, 768), 1.0, ()),  # a first start: the default size
        # 150 % on 1920x1080, and a layout saved on a larger screen.
        ((1280, 720), 1.5, ("--saved-geometry", "300,200,1700,1000")),
    ],
    ids=["1024x768", "1280x720-at-150%-restored"],
)
def test_on_a_small_screen_the_window_fits_and_call_holds_still(tmp_path, cli_env, size, dpr, args):
    seen = _probe(tmp_path, cli_env, size, dpr, *args)
    screen = QRect(*seen["available"])
    assert seen["available"] == [0, 0, *size]
    assert seen["name_length"] == 90
    for key in ("frame", "frame_after"):
        assert screen.contains(QRect(*seen[key])), (key, seen[key])
    # The Call button where it was: before the first call, after each of four, and after
    # they all ended.
    assert len(seen["positions"]) == 9
    assert all(p == seen["positions"][0] for p in seen["positions"]), seen["positions"]
    assert screen.contains(QRect(*seen["positions"][0], 1, 1))
    # Every click said something beside the button.
    assert all(text.startswith("Calling ") for text in seen["feedback"])
    assert seen["minimum_width"] < NARROWEST
    assert seen["narrowest"][0] < NARROWEST
    assert seen["minimum_height"] < size[1] - 100  # room for a title bar and a taskbar


# ---- long texts are cut, whole in a tooltip ------------------------------------------------

LONG_NAME = "Maximiliana Alexandrovna Featherstonehaugh-Cholmondeley of the Northwind Procurement"


def test_a_cut_line_keeps_its_middle_part_whole(qtbot):
    label = ElidedLabel()
    qtbot.addWidget(label)
    label.show()  # a hidden widget gets its resize events only when shown
    label.set_parts(LONG_NAME, " · (555) 222-3334", " · Northwind Traders", bold=True)
    label.resize(300, label.sizeHint().height())
    assert "(555) 222-3334" in label.text()
    assert "…" in label.text()  # the name gave way
    assert "Northwind Traders" not in label.text()
    assert label.toolTip() == f"{LONG_NAME} · (555) 222-3334 · Northwind Traders"
    assert label.minimumSizeHint().width() == 0
    label.resize(label.sizeHint().width(), label.height())
    assert "…" not in label.text() and "Northwind Traders" in label.text()


def test_long_names_are_cut_where_they_show_and_whole_in_tooltips(session, arun):
    engine, window = session.start(time_scale=1.0)
    company = "Consolidated Intercontinental Widget Exporters and Sons Limited"
    team_name = "Sales East, the regional overflow hunt list for the northern territory"
    lead = engine.store.add_lead(Lead(None, LONG_NAME, "5552223330", company))
    _, team = seed_window(engine, window)
    engine.store.save_team(team.__class__(team.id, team_name, team.members))
    window.call_panel.refresh_teams()
    window.teams_panel.refresh()
    narrowest = window.minimumSizeHint().width()

    async def scenario():
        window.leads_panel.select_lead(lead.id)
        assert window.call_panel.select_team(team_name)
        window.call_panel.call_button.click()
        await until(lambda: window.call_panel.in_flight_count() == 1, what="the call in flight")
        await until(lambda: window.history.model.record(0) is not None, what="the history row")
        try:
            shown()
        finally:  # the lead never answers: the call is ended while the loop runs
            await window.tasks.cancel_all()

    def shown():
        panel = window.call_panel
        assert panel.lead_label.toolTip().startswith(LONG_NAME)
        assert company in panel.lead_label.toolTip()
        assert team_name in panel.team_combo.toolTip()
        assert LONG_NAME in panel.pending.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
        leads = window.leads_panel.model
        row = leads.row_of(lead.id)
        assert LONG_NAME in leads.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
        assert company in leads.index(row, 2).data(Qt.ItemDataRole.ToolTipRole)
        history = window.history.model
        lead_column, team_column = COLUMNS.index("lead"), COLUMNS.index("team")
        assert LONG_NAME in history.index(0, lead_column).data(Qt.ItemDataRole.ToolTipRole)
        assert team_name in history.index(0, team_column).data(Qt.ItemDataRole.ToolTipRole)
        # None of it widened the window: "Calling <the name>…" beside Call did, to ~1,500 px.
        # (The lead's calls shown under the leads table may narrow it a little: not a jump.)
        assert window.minimumSizeHint().width() <= narrowest < NARROWEST

    arun(scenario())


def test_the_calls_in_flight_rows_fit_the_cancel_button_the_delegate_paints(session):
    # The rows and the Cancel column are sized at start from a push button like the one the
    # delegate paints (so the style is not asked from Python at start): the same size the
    # delegate itself gives.
    from PySide6.QtWidgets import QStyleOptionViewItem

    _engine, window = session.start()
    panel = window.call_panel.pending
    option = QStyleOptionViewItem()
    option.initFrom(panel.view)
    option.widget = panel.view
    option.text = "Cancel"
    button = panel.cancel_delegate.sizeHint(option, panel.model.index(0, 0))
    assert panel.view.verticalHeader().defaultSectionSize() == max(button.height(), 24)
    assert panel.view.horizontalHeader().sectionSize(2) == button.width() + 4


def test_a_long_account_label_is_cut_in_the_status_bar(session, arun):
    engine, window = session.start()
    narrowest = window.minimumSizeHint().width()
    label = "Acme sales, the overflow team account of the northern territory " * 2
    engine.settings.set("account.mode", "dialogtech")
    engine.settings.set("account.label", label)
    arun(engine.apply_account())  # no request is sent: the client is only made
    window.update_account()
    assert label in window.account_label.toolTip()
    assert label in window.account_label.full_text()
    assert window.minimumSizeHint().width() == narrowest


def test_an_import_in_progress_does_not_widen_the_window(session, arun, tmp_path):
    # Found at 1024x768: "Importing <file name>…" beside the leads' buttons raised the
    # window's minimum past the screen while a file was read, and the window kept that width.
    engine, window = session.start()
    narrowest = window.minimumSizeHint().width()
    source = (
        Path(__file__).resolve().parent.parent / "data" / "imports" / "hubspot_contacts_export.csv"
    )
    path = tmp_path / (
        "Contacts of the northern territory exported for the east team " * 2 + ".csv"
    )
    path.write_bytes(source.read_bytes())
    widths: list[int] = []

    async def scenario():
        task = window.leads_panel.import_csv(path)
        while not task.done():
            widths.append(window.minimumSizeHint().width())
            await asyncio.sleep(0.005)
        await task

    arun(scenario())
    assert widths and max(widths) <= narrowest < NARROWEST
    assert window.leads_panel.progress_label.full_text() == ""  # said while it ran, then gone


# ---- the keyboard stays where the agent works ----------------------------------------------


def _active(arun, window) -> None:
    """The window active, waited for on the test's loop (Qt events run outside the loop
    would run the engine's callbacks with no loop running)."""
    window.activateWindow()
    arun(until(window.isActiveWindow, what="the window to be active"))


def test_the_keyboard_starts_in_the_lead_search(session, arun):
    _engine, window = session.start()
    _active(arun, window)
    assert QApplication.focusWidget() is window.leads_panel.search


def test_after_a_click_on_call_the_keyboard_stays_on_call(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    _active(arun, window)
    button = window.call_panel.call_button

    async def scenario():
        pick(window, lead, team)
        button.setFocus(Qt.FocusReason.MouseFocusReason)  # as a click gives it
        button.click()
        await until(lambda: window.call_panel.in_flight_count() == 1, what="the call")
        await until(lambda: button.isEnabled(), what="Call ready again")
        # Not the History filter: the next search typed would filter the history.
        assert QApplication.focusWidget() is button
        await until(lambda: window.call_panel.in_flight_count() == 0, what="the call's end")

    arun(scenario())
    # The call ended: its wrap-up has the keyboard (nobody was typing), and skipping it
    # gives the keyboard back to Call.
    strip = window.wrap_ups.strip
    assert QApplication.focusWidget() is strip
    QTest.keyClick(strip, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is button


def test_after_the_call_again_question_the_keyboard_is_back_on_call(session, arun):
    # Real time: a lead ending in 0 never answers (30 s), so the first call stays pending.
    engine, window = session.start(time_scale=1.0)
    lead, team = seed_window(engine, window, lead_number="5552223330")
    _active(arun, window)
    panel = window.call_panel
    button = panel.call_button

    async def scenario():
        pick(window, lead, team)
        button.setFocus(Qt.FocusReason.MouseFocusReason)
        button.click()
        await until(lambda: panel.in_flight_count() == 1, what="the first call")
        await until(lambda: button.isEnabled(), what="Call ready again")
        button.click()
        box = await until(lambda: panel._question, what="the question")
        answer(box, yes=False)
        await until(lambda: not box.isVisible(), what="the question to close")
        try:
            assert window.focusWidget() is button
            assert panel.in_flight_count() == 1
        finally:
            # Ended while the loop runs: a call left mid-request when the test's loop stops
            # fails in ways the console never sees (its loop never stops under a call).
            await window.tasks.cancel_all()

    arun(scenario())


def test_escape_clears_the_lead_search_and_the_history_filter(session, arun):
    engine, window = session.start()
    seed_window(engine, window)
    _active(arun, window)
    for edit in (window.leads_panel.search, window.history.filter_edit):
        edit.setFocus()
        QTest.keyClicks(edit, "Roe")
        QTest.keyClick(edit, Qt.Key.Key_Escape)
        assert edit.text() == ""
        QTest.keyClick(edit, Qt.Key.Key_Escape)  # empty: nothing happens, nothing breaks
        assert edit.hasFocus()


def test_ctrl_f_selects_the_search_typed_before(session, arun):
    engine, window = session.start()
    seed_window(engine, window)
    _active(arun, window)
    search = window.leads_panel.search
    search.setFocus()
    QTest.keyClicks(search, "Roe")
    window.history.filter_edit.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.hasFocus() and search.selectedText() == "Roe"
    search.deselect()  # already in the box: Ctrl+F selects it again
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert search.selectedText() == "Roe"


def test_by_keyboard_alone_search_pick_call_and_the_focus_stays(session, arun):
    engine, window = session.start()
    lead, _team = seed_window(engine, window)
    _active(arun, window)
    app = QApplication.instance()
    palette = app.palette()
    # A desktop theme that greys out the selection of an unfocused view, as many do.
    themed = QPalette(palette)
    themed.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight, Qt.GlobalColor.gray)
    app.setPalette(themed)
    try:
        table = window.leads_panel.table
        QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(QApplication.focusWidget(), "Roe")
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        assert QApplication.focusWidget() is table
        assert window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
        QTest.keyClick(table, Qt.Key.Key_Return)
        combo = window.call_panel.team_combo
        assert QApplication.focusWidget() is combo
        # The focus mark is drawn: styles draw it for a focus the keyboard moved.
        assert window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
        # The picked lead stays marked with the focus elsewhere.
        assert window.leads_panel.current_lead().id == lead.id
        assert table.selectionModel().isRowSelected(table.currentIndex().row())
        shown = table.palette()
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
            assert shown.color(QPalette.ColorGroup.Inactive, role) == shown.color(
                QPalette.ColorGroup.Active, role
            )
        QTest.keyClick(combo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

        async def placed():
            await until(lambda: window.history.model.record(0) is not None, what="the call")
            await until(lambda: window.call_panel.in_flight_count() == 0, what="its end")

        arun(placed())
        assert engine.store.count_calls() == 1
        strip = window.wrap_ups.strip  # the wrap-up has the keyboard once the call ends
        assert QApplication.focusWidget() is strip
        QTest.keyClick(strip, Qt.Key.Key_1)
        QTest.keyClick(strip, Qt.Key.Key_Return)
        assert engine.store.get_call(window.history.model.record(0).id).disposition
        assert QApplication.focusWidget() is combo  # where the agent was
    finally:
        app.setPalette(palette)
