"""The leads panel's CSV import: a file chosen, its columns, the rows read off the UI thread."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ui.common.errors import show_error
from ui.common.file_dialogs import file_dialog
from ui.common.tasks import off_thread

# The reader, the column-mapping and summary dialogs are imported when a file is imported.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QFileDialog

    from ui.common.column_mapping import ColumnMappingDialog
    from ui.leads.importer import LeadImport

log = logging.getLogger(__name__)
IMPORT_TASK = "import leads"
LEAD_FILES = "leads"  # the kind of file whose folder is remembered


class LeadImportMixin:
    """CSV import methods of LeadsPanel (which has the store, the tasks and the widgets)."""

    def _choose_import(self) -> QFileDialog:
        csv_filter = self.tr("CSV files (*.csv *.txt);;All files (*)")
        dialog = file_dialog(self, self._folders, LEAD_FILES, self.tr("Import leads"), csv_filter)
        dialog.fileSelected.connect(self.import_csv)
        dialog.open()
        return dialog

    def import_csv(self, path: str | Path) -> asyncio.Task:
        """Start importing a CSV file in the background; the task returns a LeadImport."""
        running = self.tasks.running(IMPORT_TASK)
        if running is not None:
            return running  # one at a time: the button is disabled meanwhile
        path = Path(path)
        # Busy from this moment, not from the task's first step, so a second click cannot
        # slip in between.
        self._importing(True, path)
        return self.tasks.single_flight(IMPORT_TASK, lambda: self._import(path))

    async def _import(self, path: Path) -> LeadImport | None:
        from ui.leads.importer import ImportSummary, run_import

        loop = asyncio.get_running_loop()

        def say(text: str) -> None:  # called from the worker thread
            loop.call_soon_threadsafe(self._progress_text, text)

        try:
            from ui.common.column_mapping import columns_for  # only when a file is imported

            mapping, go = await columns_for(
                self, path, self._settings, progress=self._progress_text, on_dialog=self._mapping
            )
            if not go:
                return None
            result = await off_thread(run_import, self._store, path, say, mapping)
        except OSError as exc:  # the file's problem (gone since it was picked): no traceback
            from console.problems import file_unreadable

            said = file_unreadable(path, exc, "no lead was added")
            log.warning("%s", said)
            self.error_dialog = show_error(self.tr("Leads not imported"), said, self, quiet=True)
            return None
        finally:
            self._importing(False, path)
        self._reload()
        self.undo_bar.report(
            self.tr("Added %Ln lead(s) from {0}.", "", result.added).format(path.name),
            undoable=False,
        )
        report = result.report
        if report.worth_showing():
            self.summary_dialog = ImportSummary(result, self)
            self.summary_dialog.open()
        return result

    def _mapping(self, dialog: ColumnMappingDialog | None) -> None:
        self.mapping_dialog = dialog  # open while the person picks the columns

    def _progress_text(self, text: str) -> None:
        try:
            if self.progress.isVisible():
                self.progress_label.set_full_text(text)
        except RuntimeError:  # the panel was closed while the import ran
            pass

    def _importing(self, busy: bool, path: Path) -> None:
        self.progress.setVisible(busy)
        self.progress_label.set_full_text(
            self.tr("Importing {0}…").format(path.name) if busy else ""
        )
        self.import_button.setEnabled(not busy)
        self.import_action.setEnabled(not busy)

    def _task_failed(self, name: str, exc: BaseException) -> None:
        show_error(self.tr("Leads not imported"), exc, self)
