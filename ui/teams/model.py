"""The members table of a team list, as a Qt model that proposes changes rather than makes them."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QPalette

from console.phone import check_phone, format_display
from console.store import TeamMember

ROWS_MIME = "application/x-findme-team-rows"
ENABLED, LABEL, NUMBER, NOTE = range(4)
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("MembersModel", text)


def duplicate_rows(members: list[TeamMember]) -> dict[int, list[int]]:
    """For each row whose number repeats, the other rows (0-based) with the same number."""
    rows_by_number: dict[str, list[int]] = {}
    for row, member in enumerate(members):
        rows_by_number.setdefault(member.number, []).append(row)
    return {
        row: [other for other in rows if other != row]
        for rows in rows_by_number.values()
        if len(rows) > 1
        for row in rows
    }


def landing(rows: list[int], target: int) -> int:
    """The row the first of `rows` lands on when they are moved before row `target`."""
    return target - sum(1 for r in set(rows) if r < target)


def moved(members: list, rows: list[int], target: int) -> list:
    """`members` with `rows` taken out and put back, in order, before row `target`."""
    picked = sorted(set(rows))
    kept = [m for i, m in enumerate(members) if i not in picked]
    position = landing(picked, target)
    return kept[:position] + [members[r] for r in picked] + kept[position:]


class MembersModel(QAbstractTableModel):
    """A team's members; every change is proposed through `edited`, never applied here."""

    # The new member list and a short description for the undo history.
    edited = Signal(list, str)
    # Why a typed value was refused (it is then not saved).
    rejected = Signal(str)
    # Rows dragged to a new place: the reordered list, the row the first moved member lands
    # on, and how many moved (so the view can keep them selected).
    reordered = Signal(list, int, int)

    # Marked for lupdate here, translated when shown.
    HEADERS = (
        QT_TRANSLATE_NOOP("MembersModel", "On"),
        QT_TRANSLATE_NOOP("MembersModel", "Label"),
        QT_TRANSLATE_NOOP("MembersModel", "Number"),
        QT_TRANSLATE_NOOP("MembersModel", "Check"),
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._members: list[TeamMember] = []
        self._duplicates: dict[int, list[int]] = {}
        # An agent's copy of the team's lists: shown, never proposed to change.
        self.read_only = False

    def set_members(self, members: list[TeamMember]) -> None:
        """Show `members`; same-length updates keep the view's selection and open editors."""
        members = list(members)
        if len(members) == len(self._members) and members:
            self._members = members
            self._duplicates = duplicate_rows(members)
            last = self.index(len(members) - 1, len(self.HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._members = members
        self._duplicates = duplicate_rows(members)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _tr(self.HEADERS[section])
        return str(section + 1)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.read_only:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            # Drops land between rows (on the empty area below the last row too).
            return Qt.ItemFlag.ItemIsDropEnabled
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        base |= Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == ENABLED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() in (LABEL, NUMBER):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._members):
            return None
        member = self._members[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == ENABLED:
            return Qt.CheckState.Checked if member.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if column == LABEL:
                return member.label
            if column == NUMBER:
                return format_display(member.number)
            if column == NOTE:
                return self._note(index.row())
        if role == Qt.ItemDataRole.EditRole:
            return {LABEL: member.label, NUMBER: format_display(member.number)}.get(column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(index.row(), column)
        if role == Qt.ItemDataRole.ForegroundRole and not member.enabled:
            # Greyed like a disabled control: a skipped member reads as skipped at a glance.
            disabled = QPalette.ColorGroup.Disabled
            return QGuiApplication.palette().color(disabled, QPalette.ColorRole.Text)
        return None

    def _note(self, row: int) -> str:
        others = self._duplicates.get(row)
        if not others:
            return ""
        rows = ", ".join(str(r + 1) for r in others)
        return _tr("⚠ duplicate of row {0}").format(rows)

    def _tooltip(self, row: int, column: int) -> str:
        member = self._members[row]
        if column == ENABLED:
            state = _tr("rings") if member.enabled else _tr("skipped (disabled)")
            return _tr("{0}: {1}. Space toggles.").format(member.label or member.number, state)
        if column == NOTE and row in self._duplicates:
            return _tr(
                "The same number is on this list more than once; the service refuses a "
                "list that repeats a number"
            )
        if column in (LABEL, NUMBER) and not self.read_only:
            return _tr("F2 or double-click to edit; Alt+Up/Alt+Down to move; drag to reorder")
        return ""

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.read_only or not index.isValid() or index.row() >= len(self._members):
            return False
        row, column = index.row(), index.column()
        member = self._members[row]
        if column == ENABLED and role == Qt.ItemDataRole.CheckStateRole:
            enabled = _checked(value)
            if enabled == member.enabled:
                return False
            text = _tr("Enable {0}") if enabled else _tr("Disable {0}")
            return self._propose(row, member._replace(enabled=enabled), text)
        if role != Qt.ItemDataRole.EditRole:
            return False
        if column == LABEL:
            label = str(value or "").strip()
            if label == member.label:
                return False
            return self._propose(row, member._replace(label=label), _tr("Rename member {0}"))
        if column == NUMBER:
            check = check_phone(str(value or ""))
            if check.digits is None:
                self.rejected.emit(
                    _tr("Number {0!r} {1}; not saved.").format(str(value or ""), check.error)
                )
                return False
            if check.digits == member.number:
                return False
            return self._propose(row, member._replace(number=check.digits), _tr("Edit {0}"))
        return False

    def _propose(self, row: int, member: TeamMember, text: str) -> bool:
        members = list(self._members)
        members[row] = member
        self.edited.emit(members, text.format(member.label or format_display(member.number)))
        return True

    # ---- drag and drop: rows are moved by proposing a reordered list ---------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [ROWS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        if self.read_only or action != Qt.DropAction.MoveAction or not data.hasFormat(ROWS_MIME):
            return False
        try:
            rows = [int(r) for r in bytes(data.data(ROWS_MIME).data()).decode().split(",") if r]
        except ValueError:
            return False
        if not rows or any(r < 0 or r >= len(self._members) for r in rows):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._members)
        reordered = moved(self._members, rows, row)
        if reordered == self._members:
            return False
        self.reordered.emit(reordered, landing(rows, row), len(set(rows)))
        # The move is already made through `edited`; the view must not also remove the
        # source rows, and it will not: removeRows is left unimplemented (returns False).
        return True


def _checked(value: object) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    try:
        return int(value) == Qt.CheckState.Checked.value  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return bool(value)
