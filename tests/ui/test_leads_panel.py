"""The leads panel, driven through its real widgets against a real store."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWidget

from console.store import Lead, Store
from tests.conftest import until
from ui.leads.model import COMPANY, NAME, NOTES, NOTES_LIMIT, NUMBER, RESULT, TIME
from ui.leads.panel import PAGE, LeadsPanel

# Any Qt warning fails the test; only the offscreen platform's size-hint notice is expected.
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


@pytest.fixture(autouse=True)
def _collect_earlier_garbage() -> None:
    """Free earlier tests' Qt objects now, on the UI thread.

    Otherwise the garbage collector may first run inside a worker thread (off_thread), and
    destroying a Qt object with live timers there (an old qasync loop's timer, say) makes Qt
    warn, which these tests treat as a failure.
    """
    gc.collect()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "findme.db") as opened:
        yield opened


@pytest.fixture
def panel(qtbot, store: Store) -> LeadsPanel:
    widget = LeadsPanel(store)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def ann(store: Store, panel: LeadsPanel) -> Lead:
    lead = store.add_lead(Lead(None, "Ann Archer", "5551112222", "Acme Corp", "mornings"))
    store.add_lead(Lead(None, "Bob Baker", "5551113333", "Initech"))
    panel.refresh()
    return lead


def _names(panel: LeadsPanel) -> list[str]:
    return [panel.model.index(row, NAME).data() for row in range(panel.model.rowCount())]


def _focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def _quick_add(qtbot, panel: LeadsPanel, name: str, number: str, company: str = "") -> None:
    _focus(qtbot, panel.name_edit)
    qtbot.keyClicks(panel.name_edit, name)
    qtbot.keyClicks(panel.number_field.edit, number)
    qtbot.keyClicks(panel.company_edit, company)
    qtbot.keyClick(panel.company_edit, Qt.Key.Key_Return)


def test_quick_add_by_typing(qtbot, panel: LeadsPanel, store: Store) -> None:
    with qtbot.waitSignal(panel.current_lead_changed) as picked:
        _quick_add(qtbot, panel, "Ann Archer", "555.111.2222", "Acme")
    [lead] = store.search_leads()
    assert (lead.name, lead.number, lead.company) == ("Ann Archer", "5551112222", "Acme")
    assert picked.args == [panel.current_lead()] and panel.current_lead().id == lead.id
    assert panel.model.index(0, NUMBER).data() == "(555) 111-2222"
    assert panel.name_edit.text() == "" and panel.number_field.text() == ""
    assert panel.name_edit.hasFocus()  # ready for the next one


def test_quick_add_refuses_a_bad_or_known_number(qtbot, panel, store, ann) -> None:
    _quick_add(qtbot, panel, "Cy", "555-12")
    assert "too short" in panel.number_field.note.text()
    assert "Not added" in panel.add_note.text()
    assert store.count_leads() == 2
    panel.number_field.setText("")
    panel.name_edit.clear()
    panel.company_edit.clear()
    panel.table.clearSelection()
    _quick_add(qtbot, panel, "Ann again", "(555) 111-2222")
    assert "already the lead 'Ann Archer'" in panel.add_note.text()
    assert store.count_leads() == 2
    assert panel.current_lead().id == ann.id


def test_search_filters_as_you_type(qtbot, panel, store, ann) -> None:
    _focus(qtbot, panel.search)
    qtbot.keyClicks(panel.search, "acme")
    qtbot.waitUntil(lambda: _names(panel) == ["Ann Archer"], timeout=2000)
    panel.search.clear()
    qtbot.keyClicks(panel.search, "(555) 111-3")
    qtbot.waitUntil(lambda: _names(panel) == ["Bob Baker"], timeout=2000)
    assert "Matches: 1 of 2 leads" in panel.count_label.text()
    # Enter searches at once and moves to the results, where Enter picks the lead.
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert panel.table.hasFocus() and panel.current_lead().name == "Bob Baker"
    with qtbot.waitSignal(panel.lead_activated) as activated:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert activated.args[0].name == "Bob Baker"


def test_down_from_the_search_box_moves_into_the_results(qtbot, panel, store, ann) -> None:
    _focus(qtbot, panel.search)
    qtbot.keyClicks(panel.search, "bob")
    qtbot.keyClick(panel.search, Qt.Key.Key_Down)
    assert panel.table.hasFocus()
    assert panel.current_lead().name == "Bob Baker"


def test_only_a_page_is_shown_with_a_hint_to_refine(qtbot, panel, store) -> None:
    store.add_leads([Lead(None, f"Lead {i:04d}", f"555{i:07d}") for i in range(PAGE + 100)])
    panel.refresh()
    assert panel.model.rowCount() == PAGE
    assert panel.count_label.text() == f"showing first {PAGE} of 600 — refine the search"
    # A lead beyond the first page can still be picked: the search narrows to it.
    last = store.search_leads("Lead 0599")[0]
    assert panel.select_lead(last.id)
    assert panel.current_lead().id == last.id


def test_last_result_shows_after_a_call_is_recorded(qtbot, panel, store, ann) -> None:
    panel.select_lead(ann.id)
    assert panel.model.index(0, RESULT).data() == ""
    call = store.begin_call(
        lead_name=ann.name, lead_number=ann.number, team_name="Sales",
        list_value="5550001111", call_type=1, request_redacted="",
    )  # fmt: skip
    store.finish_call(call, status="success", description="connected", sid="sid1")
    with qtbot.waitSignal(panel.current_lead_changed) as changed:
        panel.refresh()
    assert changed.args[0].last_result == "success"
    row = panel.model.row_of(ann.id)
    assert panel.model.index(row, RESULT).data() == "Success"
    # A call from today shows its time alone (HH:MM); the tooltip has the full date and time.
    assert re.fullmatch(r"\d\d:\d\d", panel.model.index(row, TIME).data())
    assert "Success at 20" in panel.model.index(row, TIME).data(Qt.ItemDataRole.ToolTipRole)


def test_a_call_ending_updates_its_lead_row_without_a_reload(qtbot, panel, store, ann) -> None:
    panel.select_lead(ann.id)
    resets: list[bool] = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    call = store.begin_call(
        lead_name=ann.name, lead_number=ann.number, team_name="Sales",
        list_value="5550001111", call_type=1, request_redacted="",
    )  # fmt: skip
    store.finish_call(call, status="failed", description="Busy", sid="sid2")
    with qtbot.waitSignal(panel.current_lead_changed) as changed:
        panel.lead_called(ann.number)  # many calls ending at once are shown together
    assert changed.args[0].last_result == "failed"
    assert panel.model.index(panel.model.row_of(ann.id), RESULT).data() == "Failed"
    assert resets == []


def test_prefill_number_normalizes_pastes_and_links(qtbot, panel, store, ann) -> None:
    assert panel.prefill_number(" tel:+1-555-111-4444 ") == "5551114444"
    assert panel.number_field.text() == "(555) 111-4444"
    assert panel.name_edit.hasFocus()
    assert panel.prefill_number("555-12") is None
    assert "too short" in panel.number_field.note.text()
    assert panel.prefill_number("tel:5551114444;ext=12") is None
    assert "extension" in panel.add_note.text()
    # A known number picks its lead.
    assert panel.prefill_number("+1 (555) 111-3333") == "5551113333"
    assert panel.current_lead().name == "Bob Baker"


def test_paste_in_the_table_fills_quick_add(qtbot, panel, ann) -> None:
    QGuiApplication.clipboard().setText("1-555-111-9999")
    _focus(qtbot, panel.table)
    qtbot.keyClick(panel.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert panel.number_field.digits() == "5551119999"


def test_edit_a_lead_by_keyboard_and_undo(qtbot, panel, store, ann) -> None:
    panel.select_lead(ann.id)
    _focus(qtbot, panel.table)
    panel.table.setCurrentIndex(panel.model.index(panel.model.row_of(ann.id), NAME))
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Ann Arbor")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.get_lead(ann.id).name == "Ann Arbor")
    panel.undo_stack.undo()
    assert store.get_lead(ann.id).name == "Ann Archer"
    # A bad number typed into the table is refused with the reason.
    assert not panel.model.setData(panel.model.index(0, NUMBER), "12")
    assert "too short" in panel.undo_bar.label.text()


def test_delete_a_lead_and_undo(qtbot, panel, store, ann) -> None:
    panel.select_lead(ann.id)
    _focus(qtbot, panel.table)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert store.get_lead(ann.id) is None and _names(panel) == ["Bob Baker"]
    assert "Ann Archer" in panel.undo_bar.label.text()
    qtbot.mouseClick(panel.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    [back] = store.search_leads("Ann")
    assert (back.name, back.number, back.notes) == ("Ann Archer", "5551112222", "mornings")
    assert panel.current_lead().id == back.id
    # Redo then undo again still reaches the restored lead (its id changed).
    panel.undo_stack.redo()
    assert store.search_leads("Ann") == []
    panel.undo_stack.undo()
    assert len(store.search_leads("Ann")) == 1


def test_import_csv_reports_bad_rows_and_keeps_good_ones(qtbot, arun, panel, store, ann, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_bytes(
        "Name,Phone,Company,Notes\n"
        "Cy Cole,(555) 111-4444,Globex,\n"
        "Di Dee,12,Hooli,\n"
        "Ann Again,555-111-2222,,\n"
        "Éva Étoile,555 111 5555,Café,\n".encode("cp1252")
    )
    task = panel.import_csv(path)
    assert panel.progress.isVisible() and not panel.import_button.isEnabled()
    result = arun(task)
    assert result.added == 2 and result.report.encoding == "cp1252"
    assert store.count_leads() == 4
    assert "Éva Étoile" in _names(panel) and "Cy Cole" in _names(panel)
    assert not panel.progress.isVisible() and panel.import_button.isEnabled()
    dialog = panel.summary_dialog
    assert dialog is not None and dialog.isVisible()
    lines = dialog.problems.toPlainText().splitlines()
    assert lines[0].startswith("line 3: Phone '12' is too short")
    assert lines[1].startswith("line 4: phone (555) 111-2222 is already the lead 'Ann Archer'")
    dialog.close()


@pytest.mark.timeout(60)
def test_a_large_import_runs_off_the_ui_thread(qtbot, arun, panel, store, tmp_path) -> None:
    rows = [f"Lead {i},555{i:07d},Co" for i in range(100_000)]
    path = tmp_path / "big.csv"
    path.write_text("name,phone,company\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ticks = []

    async def import_while_ticking():
        task = panel.import_csv(path)
        while not task.done():
            ticks.append(1)  # the loop, and so the UI, keeps turning during the import
            await asyncio.sleep(0.02)
        await until(lambda: panel.import_button.isEnabled())
        return task.result()

    result = arun(import_while_ticking())
    assert result.added == 100_000
    assert len(ticks) > 5
    assert panel.count_label.text() == f"showing first {PAGE} of 100000 — refine the search"
    assert panel.summary_dialog is None  # nothing was skipped, so no summary to read


def test_controls_have_names_and_tooltips(panel: LeadsPanel) -> None:
    for widget in panel.findChildren(QWidget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(panel):
            if widget.parent() is panel.table or widget is panel.table.viewport():
                continue
            assert widget.accessibleName(), widget
            assert widget.toolTip(), widget


def test_edit_and_delete_are_offered_only_with_a_lead_picked(qtbot, panel, store, ann) -> None:
    panel.table.setCurrentIndex(QModelIndex())
    assert not panel.edit_button.isEnabled() and not panel.delete_button.isEnabled()
    panel.select_lead(ann.id)
    assert panel.edit_button.isEnabled() and panel.delete_button.isEnabled()


def _cell_center(panel: LeadsPanel, lead: Lead, column: int):
    panel.resize(1000, 500)  # every column in view
    index = panel.model.index(panel.model.row_of(lead.id), column)
    panel.table.scrollTo(index)
    return panel.table.visualRect(index).center()


def _double_click(qtbot, panel: LeadsPanel, lead: Lead, column: int) -> None:
    """Press, release, then the second press as Qt delivers it (a double-click event)."""
    where = _cell_center(panel, lead, column)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=where)


# A menu or a window raised on the offscreen platform makes it say what it cannot do.
OFFSCREEN_NOTICES = pytest.mark.qt_log_ignore(
    "does not support propagateSizeHints", "does not support raise", "does not support grabbing"
)


def _menu_items(panel: LeadsPanel) -> list[tuple[str, str]]:
    menu = panel.context_menu
    assert menu is not None and menu.isVisible()
    return [(a.text(), a.shortcut().toString()) for a in menu.actions() if not a.isSeparator()]


LEAD_MENU = [
    ("&Edit", "F2"),
    ("Edit &notes…", "Shift+F2"),
    ("&Copy number", "Ctrl+C"),
    ("D&o not call…", ""),  # the engine's mark, with a reason (ui/leads/do_not_call.py)
    ("&Delete lead", "Del"),
]


@OFFSCREEN_NOTICES
def test_right_click_opens_the_lead_menu_with_its_keys(qtbot, panel, store, ann) -> None:
    bob = store.search_leads("Bob")[0]
    where = _cell_center(panel, bob, COMPANY)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, where, panel.table.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(panel.table.viewport(), event)
    assert panel.current_lead().id == bob.id  # the menu acts on the row clicked
    assert _menu_items(panel) == LEAD_MENU
    copy = next(a for a in panel.context_menu.actions() if a.text() == "&Copy number")
    copy.trigger()
    assert QGuiApplication.clipboard().text() == "(555) 111-3333"
    panel.context_menu.close()


@OFFSCREEN_NOTICES
def test_the_menu_key_opens_the_menu_of_the_current_lead(qtbot, panel, store, ann) -> None:
    bob = store.search_leads("Bob")[0]
    panel.select_lead(bob.id)
    _focus(qtbot, panel.table)
    # What Qt sends for the menu key: the table itself, at the current cell's place in the
    # viewport, which in the table's own coordinates lies a header's height higher.
    where = panel.table.visualRect(panel.table.currentIndex()).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, where, panel.table.viewport().mapToGlobal(where)
    )
    QApplication.sendEvent(panel.table, event)
    assert panel.current_lead().id == bob.id
    assert _menu_items(panel) == LEAD_MENU
    panel.context_menu.close()


@OFFSCREEN_NOTICES
def test_notes_open_by_double_click_and_keep_their_lines(qtbot, panel, store, ann) -> None:
    picked = []
    panel.lead_activated.connect(picked.append)
    _double_click(qtbot, panel, ann, NOTES)
    dialog = panel._notes.get(ann.id)
    assert dialog is not None and dialog.isVisible()
    assert picked == []  # a double-click on the notes edits them; it does not pick the lead
    assert dialog.text() == "mornings"
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.edit, "ask for the buyer")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert store.get_lead(ann.id).notes == "mornings\nask for the buyer"
    assert panel.model.index(panel.model.row_of(ann.id), NOTES).data() == "mornings"
    panel.undo_stack.undo()
    assert store.get_lead(ann.id).notes == "mornings"
    # Elsewhere on the row a double-click still picks the lead, and so does Enter on a note.
    _double_click(qtbot, panel, ann, NAME)
    assert [lead.id for lead in picked] == [ann.id]
    panel.table.setCurrentIndex(panel.model.index(panel.model.row_of(ann.id), NOTES))
    panel.activateWindow()  # back from the notes window
    _focus(qtbot, panel.table)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert [lead.id for lead in picked] == [ann.id, ann.id]


@OFFSCREEN_NOTICES
def test_notes_open_by_keyboard_and_refuse_what_is_too_long(qtbot, panel, store, ann) -> None:
    _focus(qtbot, panel.table)
    row = panel.model.row_of(ann.id)
    panel.table.setCurrentIndex(panel.model.index(row, NAME))
    qtbot.keyClick(panel.table, Qt.Key.Key_F2, Qt.KeyboardModifier.ShiftModifier)
    dialog = panel._notes.get(ann.id)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    # F2 on the notes cell opens the same window, not a one-line editor.
    panel.table.setCurrentIndex(panel.model.index(row, NOTES))
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    dialog = panel._notes.get(ann.id)
    assert dialog is not None and dialog.isVisible()
    assert not isinstance(panel.table.focusWidget(), QLineEdit)
    dialog.edit.setPlainText("x" * (NOTES_LIMIT + 5))
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and "5 too many" in dialog.problem.text()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and store.get_lead(ann.id).notes == "mornings"  # nothing lost
    dialog.reject()


@OFFSCREEN_NOTICES
def test_notes_of_a_lead_deleted_meanwhile_stay_in_their_window(qtbot, panel, store, ann) -> None:
    panel.select_lead(ann.id)
    dialog = panel.edit_notes()
    assert dialog is not None
    store.delete_lead(ann.id)  # from another window, or the CLI
    dialog.edit.setPlainText("call back Tuesday")
    dialog.save()
    assert dialog.isVisible() and dialog.text() == "call back Tuesday"
    assert "deleted" in dialog.problem.text()
    assert store.get_lead(ann.id) is None  # not brought back behind the person's back
    dialog.reject()


@OFFSCREEN_NOTICES
def test_do_not_call_asks_about_a_lead_without_a_name_by_its_formatted_number(
    qtbot, panel, store
) -> None:
    # Found by hand: the question said "Why is 5551114444 not to be called?", raw digits.
    from ui.leads.do_not_call import ask_reason

    lead = store.add_lead(Lead(None, "", "5551114444", "Initech"))
    saved: list[str] = []
    dialog = ask_reason(panel, lead, saved.append)
    assert dialog.labelText() == "Why is (555) 111-4444 not to be called? (Call will say it)"
    dialog.setTextValue("moved away")
    dialog.accept()
    assert saved == ["moved away"]


def test_the_headers_are_translated_once_not_at_each_paint(qtbot) -> None:
    # Qt asks a header's title at every layout and paint (~200 times before the window is
    # first shown); each went through every translator, one of them Python's.
    from PySide6.QtCore import QCoreApplication, QTranslator

    from ui.leads.model import HEADERS, LeadsModel

    class Counting(QTranslator):
        asked = 0

        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: N802
            Counting.asked += 1
            return None

    counting = Counting()
    QCoreApplication.installTranslator(counting)
    try:
        model = LeadsModel()
        made = Counting.asked
        titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))]
        for _ in range(20):
            model.headerData(0, Qt.Orientation.Horizontal)
    finally:
        QCoreApplication.removeTranslator(counting)
    assert titles == list(HEADERS)  # English: the sources
    assert made == len(HEADERS) and Counting.asked == made
