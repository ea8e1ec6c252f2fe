"""The team lists panel, driven through its real widgets against a real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QWidget

from console.store import Store, TeamList, TeamMember
from ui.teams.model import ENABLED, LABEL, NOTE, NUMBER
from ui.teams.panel import TeamsPanel

# Any Qt warning (a bad index, a failed connection...) fails the test; only the offscreen
# platform's own notice about window size hints is expected.
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "findme.db") as opened:
        yield opened


@pytest.fixture
def panel(qtbot, store: Store) -> TeamsPanel:
    widget = TeamsPanel(store)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def sales(store: Store, panel: TeamsPanel) -> TeamList:
    team = store.save_team(
        TeamList(
            None,
            "Sales",
            [
                TeamMember("Ann", "5551112222"),
                TeamMember("Bob", "5551113333"),
                TeamMember("Cy", "5551114444"),
            ],
        )
    )
    panel.refresh()
    return team


def _saved(store: Store, name: str = "Sales") -> list[tuple[str, str, bool]]:
    team = store.get_team(name)
    assert team is not None
    return [(m.label, m.number, m.enabled) for m in team.members]


def _type_member(qtbot, panel: TeamsPanel, label: str, number: str) -> None:
    panel.label_edit.setFocus()
    qtbot.keyClicks(panel.label_edit, label)
    qtbot.keyClicks(panel.number_field.edit, number)
    qtbot.keyClick(panel.number_field.edit, Qt.Key.Key_Return)


def _focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_create_a_list_by_typing_and_add_members(qtbot, panel: TeamsPanel, store: Store) -> None:
    with qtbot.waitSignal(panel.teams_changed):
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert [t.name for t in store.list_teams()] == ["New list"]
    assert panel.name_edit.selectedText() == "New list"
    qtbot.keyClicks(panel.name_edit, "Sales")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert [t.name for t in store.list_teams()] == ["Sales"]
    assert panel.team_combo.currentText() == "Sales"

    _type_member(qtbot, panel, "Ann (desk)", "(555) 111-2222")
    _type_member(qtbot, panel, "Bob", "555.111.3333")
    assert _saved(store) == [("Ann (desk)", "5551112222", True), ("Bob", "5551113333", True)]
    assert panel.preview.text() == "5551112222|5551113333"
    assert panel.preview.isReadOnly()
    assert panel.current_team().list_value == "5551112222|5551113333"
    # The form is cleared and ready for the next member.
    assert panel.label_edit.text() == "" and panel.number_field.text() == ""


def test_bad_number_shows_its_problem_and_is_not_saved(qtbot, panel, store, sales) -> None:
    _type_member(qtbot, panel, "Dee", "555-12")
    assert "too short" in panel.number_field.note.text()
    assert "Not added" in panel.add_note.text() and "too short" in panel.add_note.text()
    assert len(_saved(store)) == 3
    # What was typed stays, so it can be fixed.
    assert panel.number_field.text() == "555-12"


def test_typing_a_bad_number_into_the_table_is_refused(qtbot, panel, store, sales) -> None:
    index = panel.model.index(0, NUMBER)
    assert not panel.model.setData(index, "123")
    assert "too short" in panel.undo_bar.label.text()
    assert _saved(store)[0][1] == "5551112222"


def test_edit_a_label_in_the_table_by_keyboard(qtbot, panel, store, sales) -> None:
    _focus(qtbot, panel.table)
    panel.table.setCurrentIndex(panel.model.index(1, LABEL))
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Bob (cell)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits on the next turn of the event loop.
    qtbot.waitUntil(lambda: _saved(store)[1] == ("Bob (cell)", "5551113333", True))


def test_duplicates_are_flagged(qtbot, panel, store, sales) -> None:
    _type_member(qtbot, panel, "Ann again", "555 111 2222")
    assert "also on row 1" in panel.add_note.text()
    assert panel.model.index(0, NOTE).data() == "⚠ duplicate of row 4"
    assert panel.model.index(3, NOTE).data() == "⚠ duplicate of row 1"
    assert panel.model.index(1, NOTE).data() == ""
    assert "twice" in panel.preview_note.text()


def test_reorder_with_alt_down_and_alt_up(qtbot, panel, store, sales) -> None:
    _focus(qtbot, panel.table)
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [m[0] for m in _saved(store)] == ["Bob", "Ann", "Cy"]
    qtbot.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [m[0] for m in _saved(store)] == ["Bob", "Cy", "Ann"]
    # The moved member stays selected, so repeated presses keep moving it.
    assert panel.table.selectionModel().selectedRows()[0].row() == 2
    qtbot.keyClick(panel.table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [m[0] for m in _saved(store)] == ["Bob", "Ann", "Cy"]
    assert panel.preview.text() == "5551113333|5551112222|5551114444"


def test_reorder_by_drag_and_drop(qtbot, panel, store, sales) -> None:
    model = panel.model
    data = model.mimeData([model.index(0, LABEL), model.index(0, NUMBER)])
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    # Dropped below the last row: Ann goes to the end.
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [m[0] for m in _saved(store)] == ["Bob", "Cy", "Ann"]
    # Dropped on Bob's row (the view gives row -1 and Bob as the parent): Cy goes before Bob.
    data = model.mimeData([model.index(1, LABEL)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, LABEL))
    assert [m[0] for m in _saved(store)] == ["Cy", "Bob", "Ann"]
    assert panel.model.rowCount() == 3  # nothing removed by the view after the move
    panel.undo_stack.undo()
    assert [m[0] for m in _saved(store)] == ["Bob", "Cy", "Ann"]


def _current(panel: TeamsPanel) -> tuple[int, int, list[int]]:
    """The current cell's row and column, and the selected rows."""
    index = panel.table.currentIndex()
    return (
        index.row(),
        index.column(),
        [i.row() for i in panel.table.selectionModel().selectedRows()],
    )


def test_a_dragged_member_stays_selected_and_current(qtbot, panel, store, sales) -> None:
    _focus(qtbot, panel.table)
    ann = panel.table.visualRect(panel.model.index(0, LABEL)).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=ann)
    assert _current(panel) == (0, LABEL, [0])
    # What the view does when the row is dropped below the last one (QDrag itself cannot run
    # on the offscreen platform): it hands the dragged cells to the model.
    model = panel.model
    data = model.mimeData(panel.table.selectionModel().selectedIndexes())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [m[0] for m in _saved(store)] == ["Bob", "Cy", "Ann"]
    assert _current(panel) == (2, LABEL, [2])
    # Dropped on Bob's row, Ann goes before him and is still the one picked.
    data = model.mimeData(panel.table.selectionModel().selectedIndexes())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, model.index(0, LABEL))
    assert [m[0] for m in _saved(store)] == ["Ann", "Bob", "Cy"]
    assert _current(panel) == (0, LABEL, [0])


def test_alt_down_keeps_the_moved_member_current_in_its_column(qtbot, panel, store, sales) -> None:
    _focus(qtbot, panel.table)
    panel.table.setCurrentIndex(panel.model.index(0, LABEL))
    qtbot.keyClick(panel.table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _current(panel) == (1, LABEL, [1])
    # So F2 renames the member just moved, as it would have before the move.
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Ann (desk)")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: [m[0] for m in _saved(store)] == ["Bob", "Ann (desk)", "Cy"])


def test_disabling_a_member_changes_the_preview(qtbot, panel, store, sales) -> None:
    assert panel.preview.text() == "5551112222|5551113333|5551114444"
    _focus(qtbot, panel.table)
    panel.table.setCurrentIndex(panel.model.index(1, ENABLED))
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    assert panel.preview.text() == "5551112222|5551114444"
    assert _saved(store)[1] == ("Bob", "5551113333", False)
    assert "2 of 3" in panel.preview_note.text()


def test_delete_a_member_and_undo(qtbot, panel, store, sales) -> None:
    _focus(qtbot, panel.table)
    panel.table.selectRow(1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert [m[0] for m in _saved(store)] == ["Ann", "Cy"]
    assert panel.undo_bar.isVisible() and "Bob" in panel.undo_bar.label.text()
    qtbot.mouseClick(panel.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert [m[0] for m in _saved(store)] == ["Ann", "Bob", "Cy"]
    assert not panel.undo_bar.isVisible()
    # Redo and undo again by keyboard, from inside the panel.
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [m[0] for m in _saved(store)] == ["Ann", "Bob", "Cy"]  # nothing more to undo
    panel.undo_stack.redo()
    assert [m[0] for m in _saved(store)] == ["Ann", "Cy"]
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [m[0] for m in _saved(store)] == ["Ann", "Bob", "Cy"]


def _answer(box: QMessageBox, yes: bool) -> None:
    role = QMessageBox.ButtonRole.YesRole if yes else QMessageBox.ButtonRole.NoRole
    button = next(b for b in box.buttons() if box.buttonRole(b) == role)
    button.click()


def test_delete_a_list_asks_first_and_can_be_undone(qtbot, panel, store, sales) -> None:
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    box = panel.confirm_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    _answer(box, yes=False)
    assert store.get_team("Sales") is not None

    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.teams_changed):
        _answer(panel.confirm_box, yes=True)
    assert store.list_teams() == []
    assert panel.current_team() is None and not panel.add_box.isEnabled()
    qtbot.mouseClick(panel.undo_bar.undo_button, Qt.MouseButton.LeftButton)
    assert _saved(store) == [(m.label, m.number, m.enabled) for m in sales.members]
    # The restored list has a new id; later edits and undo still reach it.
    _type_member(qtbot, panel, "Dee", "5551115555")
    assert len(_saved(store)) == 4
    panel.undo_stack.undo()
    assert len(_saved(store)) == 3
    panel.undo_stack.redo()
    assert len(_saved(store)) == 4


def test_undo_and_redo_a_new_list_and_its_rename_keep_one_list(qtbot, panel, store) -> None:
    with qtbot.waitSignal(panel.teams_changed):
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(panel.name_edit, "Alpha")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    # Another window adds a list meanwhile, so the new list cannot get its old id back.
    store.save_team(TeamList(None, "Other", []))
    panel.undo_stack.undo()
    panel.undo_stack.undo()
    assert [t.name for t in store.list_teams()] == ["Other"]
    panel.undo_stack.redo()
    panel.undo_stack.redo()
    # The rename follows the list to its new id rather than making a second list.
    assert sorted(t.name for t in store.list_teams()) == ["Alpha", "Other"]
    assert panel.current_team().name == "Alpha"


def test_rename_to_a_taken_name_is_refused(qtbot, panel, store, sales) -> None:
    store.save_team(TeamList(None, "Support", []))
    panel.refresh()
    panel.team_combo.setCurrentIndex(panel.team_combo.findText("Sales"))
    panel.name_edit.selectAll()
    qtbot.keyClicks(panel.name_edit, "support")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert "another list" in panel.name_note.text()
    assert sorted(t.name for t in store.list_teams()) == ["Sales", "Support"]


def test_csv_export_import_round_trip(qtbot, panel, store, sales, tmp_path: Path) -> None:
    panel.model.setData(panel.model.index(2, ENABLED), Qt.CheckState.Unchecked.value,
                        Qt.ItemDataRole.CheckStateRole)  # fmt: skip
    path = tmp_path / "sales team.csv"
    assert panel.export_csv(path) == 3
    imported = panel.import_csv(path)
    assert imported is not None and imported.name == "sales team"
    assert imported.members == store.get_team("Sales").members
    assert panel.current_team().name == "sales team"
    # Importing is undoable like any other change.
    panel.undo_stack.undo()
    assert store.get_team("sales team") is None


def test_csv_import_reports_bad_rows_by_line(qtbot, panel, store, tmp_path: Path) -> None:
    path = tmp_path / "night.csv"
    path.write_text("label,number,enabled\nAnn,5551112222,yes\nBob,12,yes\n", encoding="utf-8")
    imported = panel.import_csv(path)
    assert imported is not None and [m.label for m in imported.members] == ["Ann"]
    box = panel.summary_box
    assert box is not None and box.isVisible()
    assert "line 3: number '12' is too short" in box.informativeText()
    box.close()


def test_controls_have_names_and_tooltips(panel: TeamsPanel) -> None:
    for widget in panel.findChildren(QWidget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(panel):
            if widget.parent() is panel.table or widget is panel.table.viewport():
                continue
            assert widget.accessibleName(), widget
            assert widget.toolTip() or widget.parent().toolTip(), widget


def test_read_only_lists_cannot_be_changed_and_say_why(panel: TeamsPanel, store: Store) -> None:
    """An agent's copy of the team's lists (ui.shell.team_mode sets it from team_state)."""
    from PySide6.QtWidgets import QAbstractItemView

    store.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551110003")]))
    store.save_team(TeamList(None, "Night", [TeamMember("Dee", "5551114444")]))
    panel.refresh()
    reason = "Only a team lead can edit team lists."
    panel.set_read_only(reason)
    assert panel.read_only_note.isVisible() and panel.read_only_note.text() == reason
    for widget in (
        panel.new_button,
        panel.delete_button,
        panel.import_button,
        panel.up_button,
        panel.down_button,
        panel.remove_button,
        panel.add_box,
        panel.import_action,
        panel.remove_action,
        panel.move_up_action,
    ):
        assert not widget.isEnabled(), widget
    assert panel.name_edit.isReadOnly()
    assert panel.export_button.isEnabled()  # reading is still fine
    index = panel.model.index(0, LABEL)
    assert not panel.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not panel.model.setData(index, "Changed")
    assert panel.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    # Another list picked: read-only too. Made editable again: all of it.
    panel.team_combo.setCurrentIndex(1 - panel.team_combo.currentIndex())
    assert not panel.delete_button.isEnabled() and not panel.add_box.isEnabled()
    assert [t.members for t in store.list_teams()] == [t.members for t in panel._teams]
    panel.set_read_only("")
    assert not panel.read_only_note.isVisible()
    assert panel.delete_button.isEnabled() and panel.add_box.isEnabled()
    assert panel.remove_action.isEnabled() and panel.import_action.isEnabled()
    assert panel.model.flags(index) & Qt.ItemFlag.ItemIsEditable
