"""Team phone lists: named lists of members, edited with undo and saved as they change."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from console.phone import format_display
from console.store import Store, TeamList, TeamMember
from console.store.teams import merged
from ui.common.errors import ask, show_error
from ui.common.file_dialogs import Folders, file_dialog
from ui.common.saved_state import header_state, restore_header
from ui.common.tasks import TaskRunner
from ui.common.undo import Ref, StoreUndo
from ui.common.widgets import fit_title
from ui.teams.actions import TeamFileActions
from ui.teams.layout import TeamsPanelBase
from ui.teams.live import LiveLists
from ui.teams.model import LABEL, moved

# The CSV reader and writer and the message boxes are imported when first used: none of
# them is needed to show the window.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from console.csvlayout import Mapping, SettingsLike
    from ui.common.column_mapping import ColumnMappingDialog

log = logging.getLogger(__name__)
TEAM_FILES = "team lists"  # the kind of file whose folder is remembered, for import and export


class TeamsPanel(LiveLists, TeamsPanelBase):
    """Pick, create, rename and delete team lists and edit their members; every change saved."""

    teams_changed = Signal()

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        folders: Folders | None = None,
        settings: SettingsLike | None = None,
        tasks: TaskRunner | None = None,
        file_actions: TeamFileActions | None = None,
    ) -> None:
        super().__init__(parent, file_actions)
        self._store = store
        self._folders = folders or Folders()  # where its file dialogs open
        # Where column choices for unrecognised rosters are remembered (None: not remembered).
        self._settings = settings
        self.tasks = tasks or TaskRunner(self._task_failed)
        self.mapping_dialog: ColumnMappingDialog | None = None
        self.import_task: asyncio.Task | None = None  # the last file chosen, being imported
        self._changes = StoreUndo(self.undo_stack, self._save, self._saved, self._not_saved)
        self._teams: list[TeamList] = []
        self.confirm_box: QMessageBox | None = None
        self.summary_box: QMessageBox | None = None
        self.mode_box: QMessageBox | None = None
        self._connect()
        self.refresh()

    def _connect(self) -> None:
        self.team_combo.currentIndexChanged.connect(lambda _i: self._show(self.current_team()))
        self.new_button.clicked.connect(self.new_list)
        self.delete_button.clicked.connect(self.confirm_delete_list)
        self.import_button.clicked.connect(self._choose_import)
        self.export_button.clicked.connect(self._choose_export)
        self.name_edit.editingFinished.connect(self._rename_from_field)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        self.remove_button.clicked.connect(self.remove_member)
        self.label_edit.returnPressed.connect(self.add_member)
        self.number_field.edit.returnPressed.connect(self.add_member)
        self.add_button.clicked.connect(self.add_member)
        self.move_up_action.triggered.connect(lambda: self.move(-1))
        self.move_down_action.triggered.connect(lambda: self.move(1))
        self.remove_action.triggered.connect(self.remove_member)
        self.import_action.triggered.connect(self._choose_import)
        self.export_action.triggered.connect(self._choose_export)
        self.model.edited.connect(self._edit_members)
        self.model.reordered.connect(self._reorder)
        self.model.rejected.connect(lambda text: self.undo_bar.report(text, undoable=False))

    # ---- reading ---------------------------------------------------------------------------

    def file_actions(self) -> list[QAction]:
        """Import and export, for the window's File menu."""
        return [self.import_action, self.export_action]

    def save_state(self) -> dict[str, Any]:
        """What of this panel to keep for the next run: the members table's column widths."""
        return header_state(self.table)

    def restore_state(self, state: dict[str, Any]) -> None:
        """Put back what ``save_state`` gave (anything unreadable is ignored)."""
        restore_header(self.table, state)

    def current_team(self) -> TeamList | None:
        """The list picked in the combo, as last saved."""
        team_id = self.team_combo.currentData()
        return next((t for t in self._teams if t.id == team_id), None)

    def refresh(self, select: int | None = None) -> None:
        """Re-read the lists from the store, keeping (or moving to) the picked one."""
        if select is None:
            select = self.team_combo.currentData()
        self._teams = self._store.list_teams()
        self.team_combo.blockSignals(True)
        self.team_combo.clear()
        for team in self._teams:
            self.team_combo.addItem(team.name, team.id)
        index = self.team_combo.findData(select) if select is not None else -1
        self.team_combo.setCurrentIndex(max(index, 0) if self._teams else -1)
        self.team_combo.blockSignals(False)
        self._show(self.current_team())

    def _show(self, team: TeamList | None) -> None:
        self.model.set_members(team.members if team else [])
        self.name_edit.setText(team.name if team else "")
        self.name_note.clear()
        for widget in (
            self.name_edit,
            self.delete_button,
            self.export_button,
            self.table,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.add_box,
        ):
            widget.setEnabled(team is not None)
        self.export_action.setEnabled(team is not None)
        self.preview.setText(team.list_value if team else "")
        self.preview_note.setText(self._preview_note(team))
        # What the last Add said is about members that have changed since (a duplicate
        # warning must not outlive the duplicate).
        self.add_note.clear()
        self._apply_read_only()

    def _preview_note(self, team: TeamList | None) -> str:
        if team is None:
            return self.tr("No lists yet: press New list to make one.")
        if not team.members:
            return self.tr("⚠ This list is empty: add a member below.")
        enabled = [m for m in team.members if m.enabled]
        if not enabled:
            return self.tr("⚠ No enabled numbers: a call with this list would be refused.")
        seen: set[str] = set()
        for member in enabled:
            if member.number in seen:
                return self.tr(
                    "⚠ {0} is enabled twice; the service refuses a list that repeats a number."
                ).format(format_display(member.number))
            seen.add(member.number)
        return self.tr("Rings {0} of %n number(s), in this order.", "", len(team.members)).format(
            len(enabled)
        )

    # ---- changes: each one is an undoable command that saves straight away ----------------

    def _not_saved(self, exc: Exception) -> None:
        self.undo_bar.report(self.tr("Not saved: {0}").format(exc), undoable=False)
        self.refresh()

    def _saved(self, ref: Ref, _state: TeamList | None) -> None:
        self.refresh(select=ref.id)
        self.teams_changed.emit()

    def _save(self, ref: Ref, state: TeamList | None) -> None:
        if state is None:
            if ref.id is not None:
                self._store.delete_team(ref.id)
            ref.id = None
            return
        try:
            ref.id = self._store.save_team(state._replace(id=ref.id)).id
        except KeyError:  # deleted elsewhere meanwhile: bring it back as new
            ref.id = self._store.save_team(state._replace(id=None)).id

    def _edit_members(self, members: list[TeamMember], text: str) -> bool:
        """Save the list with ``members`` as one undoable step; False if it was not saved."""
        team = self.current_team()
        rebased = self._rebased(team, members) if team is not None else None
        if rebased is None:
            if team is not None:  # changed elsewhere meanwhile, beyond what an edit can join
                self._not_saved(ValueError(self.tr("the list was changed elsewhere meanwhile")))
            return False
        team, members = rebased
        self._changes.push(
            self._changes.ref(team.id), team, team._replace(members=list(members)), text
        )
        now = self.current_team()
        return now is not None and now.members == list(members)

    def _reorder(self, members: list[TeamMember], first: int, count: int) -> None:
        """Save a new ringing order; the moved members stay selected and current (in the
        column the cursor was in), so the next Alt+Up, F2 or drag acts on them again."""
        column = self.table.currentIndex().column()
        if not self._edit_members(members, self.tr("Move member")):
            return
        last = self.model.columnCount() - 1
        rows = QItemSelection(self.model.index(first, 0), self.model.index(first + count - 1, last))
        current = self.model.index(first, column if column >= 0 else LABEL)
        flags = QItemSelectionModel.SelectionFlag
        selection = self.table.selectionModel()
        selection.setCurrentIndex(current, flags.NoUpdate)
        selection.select(rows, flags.ClearAndSelect)
        self.table.scrollTo(current)

    def _unique_name(self, base: str) -> str:
        taken = {t.name.casefold() for t in self._teams}
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} {n}"
        return name

    def new_list(self) -> None:
        """Create an empty list and put the cursor in its name to rename it."""
        name = self._unique_name(self.tr("New list"))
        self._changes.push(
            self._changes.ref(None), None, TeamList(None, name, []), self.tr("New list")
        )
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _rename_from_field(self) -> None:
        team = self.current_team()
        name = self.name_edit.text().strip()
        if team is None or name == team.name:
            return
        clash = any(t.name.casefold() == name.casefold() and t.id != team.id for t in self._teams)
        if not name or clash:
            why = self.tr("needs a name") if not name else self.tr("another list has that name")
            self.name_note.setText("⚠ " + why)
            self.name_edit.setText(team.name)
            return
        self._changes.push(
            self._changes.ref(team.id), team, team._replace(name=name), self.tr("Rename list")
        )

    def confirm_delete_list(self) -> None:
        """Ask (without blocking the loop) before deleting the picked list."""
        team = self.current_team()
        if team is None:
            return
        self.confirm_box = ask(
            self,
            self.tr("Delete list"),
            self.tr("Delete the list {0!r} and its %n member(s)?", "", len(team.members)).format(
                team.name
            ),
            lambda: self.delete_list(team),
            yes=self.tr("&Delete"),
            no=self.tr("&Keep"),
            informative=self.tr("You can undo this with Ctrl+Z."),
        )

    def delete_list(self, team: TeamList) -> None:
        """Delete `team` at once, offering Undo."""
        self._changes.push(
            self._changes.ref(team.id), team, None, self.tr("Delete list {0}").format(team.name)
        )
        self.undo_bar.report(self.tr("Deleted the list {0!r}.").format(team.name))

    def add_member(self) -> None:
        """Add the typed label and number to the end of the list, if the number is good."""
        team = self.current_team()
        if team is None:
            return
        check = self.number_field.check()
        if check.digits is None:
            why = self.number_field.problem() or self.tr("is needed")
            self.add_note.setText(self.tr("⚠ Not added: the number {0}.").format(why))
            self.number_field.setFocus()
            return
        label = self.label_edit.text().strip()
        member = TeamMember(label, check.digits, True)
        same = [i + 1 for i, m in enumerate(team.members) if m.number == check.digits]
        shown = label or format_display(member.number)
        self._edit_members([*team.members, member], self.tr("Add {0}").format(shown))
        now = self.current_team()
        if now is None or len(now.members) <= len(team.members):
            return  # not saved: the undo bar says why
        if same:
            note = self.tr("⚠ Added, but this number is also on row {0}.").format(same[0])
        else:
            note = self.tr("Added {0}.").format(shown)
        self.add_note.setText(note)  # after the list is shown again, which clears the note
        self.label_edit.clear()
        self.number_field.setText("")
        self.label_edit.setFocus()
        self.table.selectRow(len(team.members))

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else (index.row() if index.isValid() else -1)

    def remove_member(self) -> None:
        """Remove the selected member, offering Undo."""
        team, row = self.current_team(), self._current_row()
        if team is None or not 0 <= row < len(team.members):
            return
        gone = team.members[row]
        members = team.members[:row] + team.members[row + 1 :]
        name = gone.label or format_display(gone.number)
        self._edit_members(members, self.tr("Remove {0}").format(name))
        self.undo_bar.report(self.tr("Removed {0!r} from {1!r}.").format(name, team.name))
        if members:
            self.table.selectRow(min(row, len(members) - 1))

    def move(self, delta: int) -> None:
        """Move the selected member up (-1) or down (+1) the ringing order."""
        team, row = self.current_team(), self._current_row()
        if team is None or not 0 <= row < len(team.members):
            return
        target = row + delta
        if not 0 <= target < len(team.members):
            return
        # moved() inserts before its target, so moving down means "before the row after next".
        self._reorder(moved(team.members, [row], target + (1 if delta > 0 else 0)), target, 1)

    # ---- CSV -----------------------------------------------------------------------------

    def _choose_import(self) -> QFileDialog:
        dialog = file_dialog(
            self, self._folders, TEAM_FILES, self.tr("Import team list"),
            self.tr("CSV files (*.csv);;All files (*)"),
        )  # fmt: skip
        dialog.fileSelected.connect(self.ask_import_mode)
        dialog.open()
        return dialog

    def ask_import_mode(self, path: str | Path) -> None:
        """With a list picked, ask whether the file makes a new list, adds to it or replaces
        its members; without one, make a new list."""
        from PySide6.QtWidgets import QMessageBox

        team = self.current_team()
        if team is None:
            self.import_chosen(path, "new")
            return
        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowTitle(self.tr("Import team list"))
        box.setText(self.tr("Import {0} into:").format(Path(path).name))
        choices = {
            "new": box.addButton(self.tr("A &new list"), QMessageBox.ButtonRole.AcceptRole),
            "add": box.addButton(
                self.tr("&Add to {0}").format(team.name), QMessageBox.ButtonRole.AcceptRole
            ),
            "replace": box.addButton(
                self.tr("&Replace the members of {0}").format(team.name),
                QMessageBox.ButtonRole.DestructiveRole,
            ),
        }
        tips = {
            "new": self.tr("Make a new list named after the file"),
            "add": self.tr("Add the file's numbers that the list does not have yet, at its end"),
            "replace": self.tr("The file's members take the place of the list's (undoable)"),
        }
        for mode, button in choices.items():
            button.setAccessibleName(button.text().replace("&", ""))
            button.setToolTip(tips[mode])
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(choices["new"])

        def chosen(button) -> None:
            mode = next((m for m, b in choices.items() if b is button), None)
            if mode is not None:
                self.import_chosen(path, mode)

        box.buttonClicked.connect(chosen)
        self.mode_box = box
        box.open()

    def _choose_export(self) -> QFileDialog | None:
        team = self.current_team()
        if team is None:
            return None
        dialog = file_dialog(
            self, self._folders, TEAM_FILES, self.tr("Export team list"),
            self.tr("CSV files (*.csv);;All files (*)"), save_as=f"{team.name}.csv", suffix="csv",
        )  # fmt: skip
        dialog.fileSelected.connect(self.export_csv)
        dialog.open()
        return dialog

    def import_chosen(self, path: str | Path, mode: str) -> asyncio.Task:
        """Import a file chosen by the person: its columns asked first when the roster's header
        is not recognised (and remembered), then ``import_csv``."""
        self.import_task = self.tasks.spawn(
            self._import_chosen(Path(path), mode), name="import team list"
        )
        return self.import_task

    async def _import_chosen(self, path: Path, mode: str) -> TeamList | None:
        from ui.common.column_mapping import columns_for  # only when a file is imported

        try:
            mapping, go = await columns_for(
                self, path, self._settings, team=True, on_dialog=self._mapping
            )
        except OSError as exc:
            show_error(self.tr("Team list not imported"), exc, self)
            return None
        return self.import_csv(path, mode, mapping) if go else None

    def _mapping(self, dialog: ColumnMappingDialog | None) -> None:
        self.mapping_dialog = dialog  # open while the person picks the columns

    def _task_failed(self, name: str, exc: BaseException) -> None:
        show_error(self.tr("Team list not imported"), exc, self)

    def import_csv(
        self, path: str | Path, mode: str = "new", mapping: Mapping | None = None
    ) -> TeamList | None:
        """Import a CSV file as a new list named after the file ("new"), or into the picked
        list ("add" its new numbers, "replace" its members); undoable; reports skipped rows.
        ``mapping``: the columns to read, when the header is not recognised."""
        from console.csvio import import_team

        path = Path(path)
        try:
            result = import_team(path, mapping)
        except OSError as exc:
            show_error(self.tr("Team list not imported"), exc, self)
            return None
        team = self.current_team() if mode != "new" else None
        done = None
        if result.members and team is None:
            created = TeamList(None, self._unique_name(path.stem or "Imported"), result.members)
            ref = self._changes.ref(None)
            self._changes.push(ref, None, created, self.tr("Import {0}").format(created.name))
            done = self.current_team() if ref.id is not None else None
            if done is not None:
                text = self.tr("Imported {0!r} with %n member(s).", "", len(done.members))
                self.undo_bar.report(text.format(done.name) + self._skipped(result.problems))
        elif result.members and team is not None:
            after, already = merged(team, result.members, mode)
            ref = self._changes.ref(team.id)
            verb = self.tr("Add to {0}") if mode == "add" else self.tr("Replace {0}")
            self._changes.push(ref, team, after, verb.format(team.name))
            done = self.current_team() if ref.id is not None else None
            if mode == "add":
                text = self.tr("Added %n member(s) to {0}", "", len(result.members) - len(already))
                text = text.format(team.name)
                if already:
                    text += self.tr("; %n number(s) already on it", "", len(already))
            else:
                text = self.tr("{0} now has the %n member(s) of {1}", "", len(after.members))
                text = text.format(team.name, path.name)
            self.undo_bar.report(text + "." + self._skipped(result.problems))
        if result.problems:
            self._summary(path, result.problems, done is not None)
        return done

    def _skipped(self, problems: list[str]) -> str:
        if not problems:
            return ""
        return " " + self.tr("%n row(s) were skipped.", "", len(problems))

    def _summary(self, path: Path, problems: list[str], imported: bool) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Import team list"))
        if imported:
            box.setText(self.tr("%n row(s) of {0} skipped.", "", len(problems)).format(path.name))
        else:
            box.setText(self.tr("Nothing was imported from {0}.").format(path.name))
        box.setInformativeText("\n".join(problems[:10]))
        box.setDetailedText("\n".join(problems))
        fit_title(box)
        self.summary_box = box
        box.open()

    def export_csv(self, path: str | Path) -> int:
        """Write the picked list to a CSV file; returns how many members were written."""
        from console.csvio import export_team

        team = self.current_team()
        if team is None:
            return 0
        try:
            count = export_team(team, path)
        except OSError as exc:
            show_error(self.tr("Team list not exported"), exc, self)
            return 0
        self.undo_bar.report(
            self.tr("Exported %n member(s) to {0}.", "", count).format(Path(path).name),
            undoable=False,
        )
        return count
