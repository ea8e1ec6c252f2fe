"""Calls in flight: one row each, with the elapsed time ticking and a Cancel button.

A view of the engine's calls in flight (console.calls.CallService, which owns them): rows
come and go as its observers are told. A table over a model, not a widget per call: with 200
calls in flight, laying out and painting 200 rows of widgets (and relabelling each every
second) kept the window from answering. The view paints only the rows in sight, and the
Cancel buttons are painted by a delegate.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.calls import CallService, InFlight
from ui.common.errors import ask
from ui.common.resources import icon
from ui.common.shortcuts import view_action
from ui.common.widgets import bold_label

# QStyle and its option classes are imported where a Cancel button is painted or measured:
# PySide6 makes a Python type for a Qt class on first use, and QStyle's (~600 enum members,
# ~10 ms) is not needed to show the window (the list is empty at start).
if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionButton, QStyleOptionViewItem

_Index = QModelIndex | QPersistentModelIndex
CALL_COLUMN, ELAPSED_COLUMN, CANCEL_COLUMN = range(3)
_SERVED = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
    )
)
TITLE_DELAY_MS = 100
VISIBLE_ROWS = 3  # calls in sight at once; more scroll


def elapsed_text(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class PendingCallsModel(QAbstractTableModel):
    """The calls in flight, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls: list[InFlight] = []

    def add(self, call: InFlight) -> None:
        row = len(self.calls)
        self.beginInsertRows(QModelIndex(), row, row)
        self.calls.append(call)
        self.endInsertRows()

    def remove(self, call_id: int) -> InFlight | None:
        for row, call in enumerate(self.calls):
            if call.call_id == call_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.calls[row]
                self.endRemoveRows()
                return call
        return None

    def tick(self) -> None:
        """The elapsed times moved on: the view repaints those in sight."""
        if self.calls:
            last = len(self.calls) - 1
            self.dataChanged.emit(
                self.index(0, ELAPSED_COLUMN),
                self.index(last, ELAPSED_COLUMN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.calls)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Asked for ~10 roles per cell at every repaint: the roles not served return at once.
        if role not in _SERVED or not index.isValid():
            return None
        call = self.calls[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == CALL_COLUMN:
                return self.tr("{0} ← {1}").format(call.lead, self.team_text(call))
            if column == ELAPSED_COLUMN:
                return elapsed_text(time.monotonic() - call.started)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return self.tr("Cancel call to {0}").format(call.lead)
            return self.tr("Cancel")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CALL_COLUMN:  # the whole of a name cut in the cell
                return self.tr("{0} ← {1}: waiting for the first leg to be answered").format(
                    call.lead, self.team_text(call)
                )
            if column == ELAPSED_COLUMN:
                return self.tr("Time since the request was sent")
            return self.tr(
                "Stop waiting for this call (Delete); it may still go ahead at the service"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ELAPSED_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def team_text(self, call: InFlight) -> str:
        return call.team_name or self.tr("ad-hoc list")


class CancelButtonDelegate(QStyledItemDelegate):
    """Paints the Cancel column as a push button; ``clicked`` when one is pressed and released."""

    clicked = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pressed: QPersistentModelIndex | None = None

    def _button(self, option: QStyleOptionViewItem, index: _Index) -> QStyleOptionButton:
        from PySide6.QtWidgets import QStyle, QStyleOptionButton

        button = QStyleOptionButton()
        button.rect = QRect(option.rect).adjusted(2, 1, -2, -1)
        # The row's own words; with no row (measuring), the option's.
        button.text = str(index.data()) if index.isValid() else option.text
        button.icon = icon("cancel")
        button.iconSize = QSize(16, 16)
        button.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Raised
        if self._pressed is not None and self._pressed == QPersistentModelIndex(index):
            button.state |= QStyle.StateFlag.State_Sunken
        return button

    def paint(self, painter, option: QStyleOptionViewItem, index: _Index) -> None:
        from PySide6.QtWidgets import QStyle

        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        style.drawControl(
            QStyle.ControlElement.CE_PushButton, self._button(option, index), painter, widget
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        from PySide6.QtWidgets import QStyle

        widget = option.widget
        if widget is None:
            return super().sizeHint(option, index)
        button = self._button(option, index)
        text = option.fontMetrics.size(Qt.TextFlag.TextShowMnemonic, button.text)
        content = QSize(text.width() + 16 + 4, max(text.height(), 16))
        return widget.style().sizeFromContents(
            QStyle.ContentsType.CT_PushButton, button, content, widget
        )

    def editorEvent(self, event: QEvent, model, option, index: _Index) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            return False
        assert isinstance(event, QMouseEvent)
        inside = option.rect.contains(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonPress:
            self._pressed = QPersistentModelIndex(index) if inside else None
            return inside
        pressed, self._pressed = self._pressed, None
        if inside and pressed is not None and pressed == QPersistentModelIndex(index):
            self.clicked.emit(QModelIndex(index))
            return True
        return False


class PendingCallsPanel(QWidget):
    """The list of calls in flight; a row comes as its call is recorded and goes as it ends.

    Empty until ``follow`` gives it the engine's calls to show.
    """

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[int, InFlight] = {}
        self._calls: CallService | None = None
        self._shown_count = -1
        self._question = None
        self.title = bold_label("", self)
        self.model = PendingCallsModel(self)
        self.view = view = QTableView(self)
        view.setModel(self.model)
        view.setAccessibleName(self.tr("Calls in flight"))
        view.setToolTip(
            self.tr("Calls waiting for their first leg; Cancel (or Delete) stops waiting for one")
        )
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setTabKeyNavigation(False)  # Tab leaves the list; the arrows move in it
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # until a call is in it
        view.horizontalHeader().hide()
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        # Fixed sizes, set in showEvent: sizing to contents would measure every row at each
        # insert and each tick of the clock.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(CALL_COLUMN, QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.cancel_delegate = CancelButtonDelegate(view)
        view.setItemDelegateForColumn(CANCEL_COLUMN, self.cancel_delegate)
        self.cancel_delegate.clicked.connect(lambda index: self.ask_cancel_row(index.row()))
        self.cancel_action = view_action(view, self.tr("Cancel the call"), "Delete")
        self.cancel_action.triggered.connect(lambda: self.ask_cancel_row(view.currentIndex().row()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(view, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.model.tick)
        # The title and the count follow in batches: relabelling (and so laying out the
        # panel) once per call kept the window from answering with 200 calls starting at once.
        self._title_timer = QTimer(self)
        self._title_timer.setSingleShot(True)
        self._title_timer.setInterval(TITLE_DELAY_MS)
        self._title_timer.timeout.connect(self._update_title)
        self._update_title()

    def showEvent(self, event) -> None:  # noqa: N802
        # Measured once the style and font are final: rows as tall as a button, the clock
        # as wide as "00:00".
        button = self.cancel_button_size()
        row = max(button.height(), 24)
        self.view.verticalHeader().setDefaultSectionSize(row)
        header = self.view.horizontalHeader()
        header.resizeSection(CANCEL_COLUMN, button.width() + 4)
        clock = self.view.fontMetrics().horizontalAdvance("00:00")
        header.resizeSection(ELAPSED_COLUMN, clock + 16)
        # The same height with no call or a hundred (the list scrolls): what is laid out
        # around it, the Call button above all, never moves as calls start and end.
        spacing = max(self.layout().spacing(), 0)
        frame = 2 * self.view.frameWidth()
        self.setFixedHeight(self.title.sizeHint().height() + spacing + VISIBLE_ROWS * row + frame)
        super().showEvent(event)

    def cancel_button_size(self) -> QSize:
        """The size the delegate gives a Cancel button (CancelButtonDelegate.sizeHint), asked
        of a push button with the same text, icon and font: Qt sizes it with the same style
        call, and Python never sees the style (see the imports)."""
        probe = QPushButton(icon("cancel"), self.tr("Cancel"))
        probe.setIconSize(QSize(16, 16))
        probe.setFont(self.view.font())
        return probe.sizeHint()

    def follow(self, calls: CallService) -> None:
        """Show ``calls``' calls in flight, now and as they come and go."""
        self._calls = calls
        for call in calls.registry.in_flight():
            self.add(call)
        stop = calls.observe(started=self.add, ended=lambda call: self.remove(call.call_id))
        # The engine outlives the window: it must not call into a deleted view.
        self.destroyed.connect(lambda _object=None: stop())

    def add(self, call: InFlight) -> None:
        """Show a new call in flight."""
        self.rows[call.call_id] = call
        self.model.add(call)
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if not self.view.currentIndex().isValid():
            # Tabbed into, the list has a row for Delete to act on (current, not yet selected:
            # a highlighted row in a list nobody is using only draws the eye).
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0, CALL_COLUMN), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self._timer.start()
        self._update_title_soon()

    def remove(self, call_id: int) -> None:
        """The call ended: its row goes."""
        if self.rows.pop(call_id, None) is None:
            return
        self.model.remove(call_id)
        if not self.view.hasFocus():
            # Qt selects the row that becomes current when the current one goes.
            self.view.clearSelection()
        if not self.rows:
            self._timer.stop()
            self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab passes an empty list by
        self._update_title_soon()

    def focus_list(self) -> bool:
        """Put the keyboard in the list, on its current call; False when it is empty."""
        if not self.rows:
            return False
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.view.selectRow(max(self.view.currentIndex().row(), 0))
        return True

    def cancel_rect(self, call_id: int) -> QRect:
        """Where the call's Cancel button is painted, in the view's viewport."""
        for row, call in enumerate(self.model.calls):
            if call.call_id == call_id:
                return self.view.visualRect(self.model.index(row, CANCEL_COLUMN))
        return QRect()

    def _update_title_soon(self) -> None:
        if not self._title_timer.isActive():
            self._title_timer.start()  # not restarted: a steady stream still shows

    def _update_title(self) -> None:
        count = len(self.rows)
        if count == self._shown_count:
            return
        self._shown_count = count
        self.count_changed.emit(count)
        if count:
            self.title.setText(self.tr("Calls in flight (%n)", "", count))
        else:
            self.title.setText(self.tr("Calls in flight: none"))

    def ask_cancel_row(self, row: int) -> None:
        if 0 <= row < len(self.model.calls):
            self.ask_cancel(self.model.calls[row].call_id)

    def ask_cancel(self, call_id: int) -> None:
        """Explain what cancelling means, then cancel on confirmation."""
        call = self.rows.get(call_id)
        if call is None:
            return
        self._question = ask(
            self,
            self.tr("Cancel the call?"),
            self.tr("Stop waiting for the call to {0}?").format(call.lead),
            lambda: self.cancel(call_id),
            yes=self.tr("&Stop waiting"),
            no=self.tr("&Keep waiting"),
            informative=self.tr(
                "The request has already been sent: the call may still go ahead at the "
                "service. It is recorded as cancelled in the history."
            ),
        )

    def cancel(self, call_id: int) -> None:
        if self._calls is not None:
            self._calls.cancel(call_id)
