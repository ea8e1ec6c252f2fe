"""The column step: for a CSV file whose columns were not recognised, the person picks them.

Shows the first rows of the file and a choice per part (name, last name, phone, company,
notes; for a team list: label and number). The engine reads the file with the chosen
console.csvlayout.Mapping, and remembers it for files with the same header.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.csvlayout import Mapping, Preview, SettingsLike, preview, remembered, remembering
from console.phone import read_digits
from ui.common.settings_save import keep_settings
from ui.common.tasks import off_thread

NONE = -1  # the combo entry "(none)"


def guess_phone_column(preview: Preview) -> int:
    """The column whose shown cells are most often dialable numbers, or NONE."""
    best, best_count = NONE, 0
    for index in range(len(preview.header)):
        count = sum(
            1 for row in preview.rows if index < len(row) and read_digits(row[index])[0] is not None
        )
        if count > best_count:
            best, best_count = index, count
    return best


class ColumnMappingDialog(QDialog):
    """Pick which columns hold the name, the number, the company and the notes."""

    def __init__(
        self, preview: Preview, file_name: str, parent: QWidget | None = None, *, team=False
    ) -> None:
        super().__init__(parent)
        self.preview = preview
        self.team = team
        self.setWindowTitle(self.tr("Choose the columns"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The columns of {0} were not recognised. Pick the column that holds the phone "
                "number, and the others if the file has them; the choice is remembered for "
                "files with the same columns."
            ).format(file_name),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = self._sample_table()
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        layout.addLayout(form)
        labels = (
            [("name", self.tr("&Label")), ("phone", self.tr("&Number"))]
            if team
            else [
                ("name", self.tr("&Name")),
                ("last", self.tr("&Last name (if apart)")),
                ("phone", self.tr("&Phone")),
                ("company", self.tr("&Company")),
                ("notes", self.tr("N&otes")),
            ]
        )
        self.combos: dict[str, QComboBox] = {}
        for part, label in labels:
            combo = QComboBox(self)
            combo.addItem(self.tr("(none)"), NONE)
            for index, name in enumerate(preview.header):
                combo.addItem(name or self.tr("column {0}").format(index + 1), index)
            combo.setAccessibleName(label.replace("&", ""))
            combo.setToolTip(self.tr("The column that holds this; (none) if the file has none"))
            combo.currentIndexChanged.connect(self._check)
            self.combos[part] = combo
            form.addRow(label, combo)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("Column check"))
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("&Import"))
        ok.setAccessibleName(self.tr("Import with these columns"))
        ok.setToolTip(self.tr("Read the file with the columns chosen above"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        cancel.setToolTip(self.tr("Import nothing"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.choose("phone", guess_phone_column(preview))
        self._check()

    def _sample_table(self) -> QTableWidget:
        header, rows = self.preview.header, self.preview.rows
        table = QTableWidget(len(rows), len(header), self)
        table.setHorizontalHeaderLabels(header)
        for r, row in enumerate(rows):
            for c, cell in enumerate(row[: len(header)]):
                table.setItem(r, c, QTableWidgetItem(cell))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setAccessibleName(self.tr("First rows of the file"))
        table.setToolTip(self.tr("The file's first rows, to see which column holds what"))
        return table

    def choose(self, part: str, column: int) -> None:
        """Pick ``column`` (0-based, or NONE) for ``part`` (name, last, phone, ...)."""
        combo = self.combos[part]
        combo.setCurrentIndex(max(combo.findData(column), 0))

    def _column(self, part: str) -> int | None:
        combo = self.combos.get(part)
        value = combo.currentData() if combo is not None else NONE
        return None if value in (None, NONE) else int(value)

    def _check(self) -> None:
        phone = self._column("phone")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(phone is not None)
        if phone is None:
            self.note.setText(self.tr("⚠ Pick the column that holds the phone number."))
            return
        dialable = sum(
            1 for row in self.preview.rows if phone < len(row) and read_digits(row[phone])[0]
        )
        self.note.setText(
            self.tr("{0} of the {1} rows shown have a number that can be dialed there.").format(
                dialable, len(self.preview.rows)
            )
        )

    async def chosen(self) -> Mapping | None:
        """Show the step (the loop keeps turning) and return the choice; None if cancelled."""
        done: asyncio.Future[Mapping | None] = asyncio.get_running_loop().create_future()

        def finished(code: int) -> None:
            if not done.done():
                accepted = code == QDialog.DialogCode.Accepted.value
                done.set_result(self.mapping() if accepted else None)

        self.finished.connect(finished)
        self.open()
        return await done

    def mapping(self) -> Mapping | None:
        """The columns picked, or None while no phone column is."""
        phone = self._column("phone")
        if phone is None:
            return None
        name, last = self._column("name"), self._column("last")
        if last is not None:
            parts = tuple(i for i in (name, last) if i is not None)
            return Mapping(
                phones=(phone,),
                name_parts=parts,
                company=self._column("company"),
                notes=self._column("notes"),
            )
        return Mapping(
            phones=(phone,),
            full_name=name,
            company=self._column("company"),
            notes=self._column("notes"),
        )


async def columns_for(
    parent: QWidget,
    path: Path,
    settings: SettingsLike | None,
    *,
    team: bool = False,
    progress: Callable[[str], None] | None = None,
    on_dialog: Callable[[ColumnMappingDialog | None], None] | None = None,
) -> tuple[Mapping | None, bool]:
    """The columns to read ``path`` with: (mapping, go on).

    ``mapping`` is None when the engine recognises the header itself (or the file is empty:
    the import then says what it found); else the choice remembered in ``settings`` for this
    header, or the person's choice asked now (go on is False when they cancel). Raises
    OSError when the file cannot be read. ``team``: the columns of a team list;
    ``on_dialog`` is told of the column dialog when it opens, and None when it closes.
    """
    shown = await off_thread(functools.partial(preview, path, 5, team=team))
    if shown.mapping is not None or not shown.header:
        return None, True
    if settings is not None:
        known = remembered(settings, shown.header)
        if known is not None:
            return known, True
    if progress is not None:
        progress(QDialog.tr("Choose the columns of {0}…").format(path.name))
    dialog = ColumnMappingDialog(shown, path.name, parent, team=team)
    if on_dialog is not None:
        on_dialog(dialog)
    try:
        mapping = await dialog.chosen()
    finally:
        if on_dialog is not None:
            on_dialog(None)
    if mapping is None:
        return None, False
    if settings is not None:  # not kept (the settings file): the import goes on all the same
        what = f"the column choice for {path.name}"
        keep_settings(settings, what, remembering(settings, shown.header, mapping))
    return mapping, True
