"""The sandbox's outbox: the no-answer email, SMS, URL reports and transfers, live."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.engine import Engine

KIND_WORDS = {"email": "Email", "sms": "SMS", "url": "URL report", "transfer": "Transfer"}


class OutboxDialog(QDialog):
    """Non-modal; follows the sandbox's outbox hook while open (a handful of rows, so a table
    widget is enough here)."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._sandbox = None
        self.setWindowTitle(self.tr("Sandbox outbox"))
        self.resize(820, 520)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Kind"),
                self.tr("To"),
                self.tr("Subject"),
                self.tr("Status"),
                self.tr("Sid"),
            ]
        )
        self.table.setAccessibleName(self.tr("Outbox entries"))
        self.table.setToolTip(self.tr("What the simulated service would have sent"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.body = QPlainTextEdit(self)
        self.body.setReadOnly(True)
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setAccessibleName(self.tr("Entry body"))
        self.body.setToolTip(self.tr("The selected entry's message or XML report"))
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setToolTip(self.tr("Close the outbox"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_body(row))
        self.finished.connect(lambda _r: self._unhook())
        self.reload()

    def reload(self) -> None:
        """Show the sandbox in use now, and follow its new entries."""
        self._unhook()
        self.table.setRowCount(0)
        sandbox = self.engine.sandbox
        if sandbox is None:
            self.note.setText(self.tr("The sandbox is not in use, so there is no outbox."))
            return
        self.note.setText(
            self.tr(
                "When the team is called first and nobody accepts, the call's no-answer "
                "follow-ups land here. Nothing is really sent, except the URL report, which is "
                "posted to its address."
            )
        )
        self.note.setToolTip(
            self.tr(
                "type=2 calls: no_answer_email, no_answer_sms, no_answer_phone (transfer) "
                "and no_answer_url"
            )
        )
        for entry in sandbox.outbox:
            self._append(entry)
        sandbox.on_outbox.append(self._append)
        self._sandbox = sandbox

    def _unhook(self) -> None:
        if self._sandbox is not None and self._append in self._sandbox.on_outbox:
            self._sandbox.on_outbox.remove(self._append)
        self._sandbox = None

    def _append(self, entry) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        values = (
            entry.created_at,
            self.tr(KIND_WORDS.get(entry.kind, entry.kind)),
            entry.to,
            entry.subject,
            entry.status,
            entry.sid,
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.table.setItem(row, column, item)
        if row == 0:
            self.table.setCurrentCell(0, 0)

    def _show_body(self, row: int) -> None:
        item = self.table.item(row, 0)
        entry = item.data(Qt.ItemDataRole.UserRole) if item else None
        if entry is None:
            self.body.clear()
            return
        subject = self.tr("Subject: {0}").format(entry.subject) + "\n\n" if entry.subject else ""
        self.body.setPlainText(subject + entry.body)
