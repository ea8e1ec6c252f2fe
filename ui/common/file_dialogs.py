"""File dialogs that open where the person last went for that kind of file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from console.settings import LAST_FOLDERS, Settings
from ui.common.settings_save import keep_settings

if TYPE_CHECKING:  # QFileDialog is imported when a dialog is first made, not at start
    from PySide6.QtWidgets import QFileDialog, QWidget


class Folders:
    """The last folder used for each kind of file ("leads", "team lists", "history"...).

    Kept in ``settings`` (saved at once, so a crash later loses nothing), or for this run
    only when there are none (a panel on its own, in a test).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._memory: dict[str, str] = {}

    def _all(self) -> dict[str, str]:
        # Read each time: another Folders (a dialog's) may have noted a kind since.
        return self._settings.get(LAST_FOLDERS) if self._settings else dict(self._memory)

    def start(self, kind: str) -> Path:
        """Where a dialog for ``kind`` opens: the last folder used, while it exists; else home."""
        last = self._all().get(kind)
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        return Path.home()

    def remember(self, kind: str, chosen: str | Path) -> None:
        """Note the folder of ``chosen`` (a file) as the start for ``kind`` next time."""
        folder = str(Path(chosen).parent)
        folders = self._all()
        if folders.get(kind) == folder:
            return
        folders[kind] = folder
        if self._settings is None:
            self._memory = folders
            return
        # The file itself was chosen; only the convenience is lost if it cannot be kept.
        keep_settings(self._settings, f"the last folder for {kind}", {LAST_FOLDERS: folders})


def file_dialog(
    parent: QWidget,
    folders: Folders,
    kind: str,
    title: str,
    filters: str,
    *,
    save_as: str = "",
    suffix: str = "",
) -> QFileDialog:
    """A non-modal dialog (``open()`` it) to pick an existing file of ``kind``, or, with
    ``save_as`` (a file name), to name one to write; it starts in the last folder used for
    ``kind`` and remembers the folder chosen."""
    from PySide6.QtWidgets import QFileDialog

    start = folders.start(kind)
    dialog = QFileDialog(parent, title, str(start / save_as) if save_as else str(start), filters)
    if save_as:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        if suffix:
            dialog.setDefaultSuffix(suffix)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(lambda path: folders.remember(kind, path))
    return dialog
