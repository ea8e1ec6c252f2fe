"""The window's Teams tab: its panel is built when first shown or used, not at start.

Building it (and importing ui/teams/panel.py) was ~10 ms of every start, for a tab most
starts never open. Until it is built, its File-menu actions exist and build it when
triggered, its page keeps the window's minimum size (ui/shell/lazy_page.py), and the column
widths saved for it are kept for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from console.store import Store
from ui.common.file_dialogs import Folders
from ui.common.tasks import TaskRunner
from ui.shell.lazy_page import LazyPage, SettingsLike, style_name
from ui.teams.actions import TeamFileActions

if TYPE_CHECKING:
    from ui.teams.panel import TeamsPanel


class TeamsTab:
    """``panel()`` is the Teams panel, built on demand; ``files`` its File-menu actions.

    ``changed`` is called when the panel has saved a change to the team lists; ``style``
    gives the style's name (see LazyPage).
    """

    def __init__(
        self,
        window: QWidget,
        tabs: QTabWidget,
        *,
        store: Store,
        settings: SettingsLike,
        folders: Folders,
        tasks: TaskRunner,
        changed: Callable[[], object],
        style: Callable[[], str] = style_name,
    ) -> None:
        self._store, self._settings, self._folders, self._tasks = store, settings, folders, tasks
        self._changed = changed
        self._saved: dict[str, Any] | None = None  # column widths, until there is a panel
        self._read_only = ""  # why the lists cannot be edited here (team mode), until built
        self.files = TeamFileActions(window, store)
        self.files.import_.triggered.connect(self._import_before_built)
        self.files.export.triggered.connect(self._export_before_built)
        self.page = LazyPage("teams", self._make, self._built, settings, tabs, style=style)
        tabs.addTab(self.page, window.tr("Tea&ms"))
        self._tabs = tabs
        tabs.currentChanged.connect(self._shown)

    @property
    def is_built(self) -> bool:
        return self.page.is_built

    def panel(self) -> TeamsPanel:
        return self.page.panel()  # type: ignore[return-value]

    def set_read_only(self, reason: str) -> None:
        """The panel's read-only mode (team mode, an agent), now or when it is built."""
        self._read_only = reason
        if self.is_built:
            self.panel().set_read_only(reason)

    def refresh_from_elsewhere(self) -> None:
        """Lists changed by another connection: re-read if built (else read when built)."""
        if self.is_built:
            self.panel().refresh_from_elsewhere()

    def file_actions(self) -> list[QAction]:
        """Import and export, for the window's File menu."""
        return self.files.all()

    def save_state(self) -> dict[str, Any] | None:
        """The panel's, or what was restored for it when it was not built this run."""
        return self.panel().save_state() if self.is_built else self._saved

    def restore_state(self, state: dict[str, Any]) -> None:
        if self.is_built:
            self.panel().restore_state(state)
        else:
            self._saved = state

    def _make(self, parent: QWidget) -> TeamsPanel:
        from ui.teams.panel import TeamsPanel

        return TeamsPanel(
            self._store,
            parent,
            folders=self._folders,
            settings=self._settings,  # type: ignore[arg-type]
            tasks=self._tasks,
            file_actions=self.files,
        )

    def _built(self, panel: QWidget) -> None:
        panel.teams_changed.connect(self._changed)  # type: ignore[attr-defined]
        self.files.import_.triggered.disconnect(self._import_before_built)
        self.files.export.triggered.disconnect(self._export_before_built)
        if self._saved is not None:
            panel.restore_state(self._saved)  # type: ignore[attr-defined]
            self._saved = None
        if self._read_only:
            panel.set_read_only(self._read_only)  # type: ignore[attr-defined]

    def _shown(self, index: int) -> None:
        if self._tabs.widget(index) is self.page:
            self.page.panel()

    # A File-menu action triggered before the panel existed: built, then triggered again
    # (the panel's own connection, made while the signal runs, is not called for it).
    def _import_before_built(self) -> None:
        self.page.panel()
        self.files.import_.trigger()

    def _export_before_built(self) -> None:
        self.page.panel()
        self.files.export.trigger()
