"""The team lists panel in a shared store: changes made elsewhere, and lists only a lead edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView

if TYPE_CHECKING:
    from console.store import Store, TeamList, TeamMember
    from ui.teams.layout import TeamsPanelBase

    _Base = TeamsPanelBase
else:
    _Base = object

RETRY_MS = 300  # a member being edited: look again this soon


class LiveLists(_Base):
    """Mixed into TeamsPanel (which has ``refresh``, ``current_team``, ``_store``, ``_teams``)."""

    _read_only_reason = ""
    _retry: QTimer | None = None
    _stale = False  # lists changed elsewhere are not shown yet (a member is being edited)

    if TYPE_CHECKING:
        _teams: list[TeamList]
        _store: Store

        def _show(self, team: TeamList | None) -> None: ...

        def refresh(self, select: int | None = None) -> None: ...
        def current_team(self) -> TeamList | None: ...

    def refresh_from_elsewhere(self) -> bool:
        """Show the lists as the store has them now (another process, or the team's sync,
        wrote them), keeping the picked list, the current member and a name being typed.

        A member being edited in the table is not interrupted: the refresh waits until the
        editor closes (False is returned meanwhile). Nothing moves when the lists are as shown.
        """
        if self.table.state() == QAbstractItemView.State.EditingState:
            if self._retry is None:
                self._retry = QTimer(self)
                self._retry.setSingleShot(True)
                self._retry.setInterval(RETRY_MS)
                self._retry.timeout.connect(self.refresh_from_elsewhere)
            self._retry.start()
            self._stale = True
            return False
        self._stale = False
        if self._store.list_teams() == self._teams:
            return True
        shown, current = self.current_team(), self.table.currentIndex()
        typed = self.name_edit.text() if self.name_edit.isModified() else None
        self.refresh()
        now = self.current_team()
        if now is None or shown is None or now.id != shown.id:
            return True
        if typed is not None and typed != now.name:
            self.name_edit.setText(typed)
            self.name_edit.setModified(True)  # Enter still renames
        if current.isValid() and current.row() < len(now.members):
            if self.table.currentIndex().row() != current.row():
                self.table.selectRow(current.row())
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        return True

    def _rebased(
        self, team: TeamList, members: list[TeamMember]
    ) -> tuple[TeamList, list[TeamMember]] | None:
        """An edit of ``team`` (as shown) made onto the list as stored, when it changed
        elsewhere while a member was being edited: the members changed here replace theirs,
        and the other writer's changes stay. None when that cannot be done (the member is
        gone, or the edit moved rows): the caller says so and saves nothing."""
        if not self._stale:
            return team, members
        fresh = next((t for t in self._store.list_teams() if t.id == team.id), None)
        if fresh is None or fresh.members == team.members:
            return team, members
        if len(members) != len(team.members):
            return None
        result = list(fresh.members)
        for before, after in zip(team.members, members, strict=True):
            if before == after:
                continue
            if before not in result:
                return None
            result[result.index(before)] = after
        return fresh, result

    @property
    def read_only_reason(self) -> str:
        return self._read_only_reason

    def set_read_only(self, reason: str) -> None:
        """With a ``reason`` (one sentence), the lists are shown and exported, never changed,
        and the reason is shown above them; "" makes them editable again."""
        if reason == self._read_only_reason:
            return
        self._read_only_reason = reason
        self.model.read_only = bool(reason)
        self.read_only_note.setText(reason)
        self.read_only_note.setVisible(bool(reason))
        self._show(self.current_team())  # which applies it (see _apply_read_only)

    def _apply_read_only(self) -> None:
        """After the panel enabled its controls for the list shown: switch off the editing."""
        if not self._read_only_reason:
            self.table.setEditTriggers(
                QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
            )
            self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
            self.name_edit.setReadOnly(False)
            for widget in (
                self.new_button,
                self.import_button,
                self.import_action,
                self.move_up_action,
                self.move_down_action,
                self.remove_action,
            ):
                widget.setEnabled(True)
            return
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        # Read-only rather than disabled: the name can still be selected and read aloud.
        self.name_edit.setReadOnly(True)
        for widget in (
            self.new_button,
            self.delete_button,
            self.import_button,
            self.import_action,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.move_up_action,
            self.move_down_action,
            self.remove_action,
            self.add_box,
        ):
            widget.setEnabled(False)
