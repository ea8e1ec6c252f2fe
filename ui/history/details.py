"""One call in full: the request as sent (secrets redacted) and the raw reply."""

from __future__ import annotations

import shlex
from urllib.parse import parse_qsl, urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.masking import SECRETS
from console.phone import format_display
from console.store import CallRecord
from ui.common.words import local_time, status_text, type_text


def curl_command(request_redacted: str) -> str:
    """The stored request as a curl command line; it carries the *** placeholders, never secrets."""
    return f"curl -G {shlex.quote(SECRETS.mask(request_redacted))}"


def request_lines(request_redacted: str) -> str:
    """The request's URL, then one ``name = value`` line per parameter, for reading."""
    parts = urlsplit(SECRETS.mask(request_redacted))
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    width = max((len(k) for k, _ in pairs), default=0)
    return "\n".join([base, *(f"  {k.ljust(width)} = {v}" for k, v in pairs)])


class CallDetailDialog(QDialog):
    """Non-modal; opened from the history with Enter, a double click or "Details…".

    ``show_record`` fills it again, so a dialog opened on a pending call shows its answer.
    ``wrap_up_requested`` asks for the call's wrap-up to be changed.
    """

    wrap_up_requested = Signal(object)  # CallRecord

    def __init__(self, record: CallRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(720, 560)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QVBoxLayout(self)
        facts = QFormLayout()
        self._facts: dict[str, QLabel] = {}
        for key, name in (
            ("time", self.tr("Time")),
            ("finished", self.tr("Finished")),
            ("lead", self.tr("Lead")),
            ("team", self.tr("Team list")),
            ("numbers", self.tr("Numbers")),
            ("type", self.tr("Type")),
            ("result", self.tr("Result")),
            ("description", self.tr("Description")),
            ("sid", self.tr("Sid")),
            ("disposition", self.tr("Disposition")),
            ("notes", self.tr("Notes")),
            ("callback", self.tr("Call back")),
        ):
            label = QLabel(self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            facts.addRow(name + ":", label)
            self._facts[key] = label
        # Typed by a person: shown as typed, never read as markup.
        self._facts["notes"].setTextFormat(Qt.TextFormat.PlainText)
        layout.addLayout(facts)
        layout.addWidget(QLabel(self.tr("Request as sent (credentials shown as ***):"), self))
        self.request = QPlainTextEdit(self)
        self.request.setReadOnly(True)
        self.request.setFont(mono)
        self.request.setAccessibleName(self.tr("Request as sent"))
        self.request.setToolTip(self.tr("Every parameter sent; secrets are never stored"))
        layout.addWidget(self.request, 1)
        layout.addWidget(QLabel(self.tr("Raw reply:"), self))
        self.reply = QPlainTextEdit(self)
        self.reply.setReadOnly(True)
        self.reply.setFont(mono)
        self.reply.setAccessibleName(self.tr("Raw reply"))
        self.reply.setToolTip(self.tr("The service's answer exactly as received"))
        layout.addWidget(self.reply, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.curl_button = QPushButton(self.tr("Copy as c&url"), self)
        self.curl_button.setAccessibleName(self.tr("Copy as curl"))
        self.curl_button.setToolTip(
            self.tr("Copy a curl command for this request; credentials stay as ***")
        )
        self.curl_button.clicked.connect(self.copy_curl)
        buttons.addButton(self.curl_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.wrap_button = QPushButton(self.tr("&Wrap up…"), self)
        self.wrap_button.setAccessibleName(self.tr("Wrap up"))
        self.wrap_button.setToolTip(self.tr("Set or change this call's disposition and notes"))
        self.wrap_button.clicked.connect(lambda: self.wrap_up_requested.emit(self.record))
        buttons.addButton(self.wrap_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setToolTip(self.tr("Close the call details"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_record(record)

    def show_record(self, record: CallRecord) -> None:
        """Show ``record`` (the same call, read again once it has ended)."""
        self.record = record
        # Rows are masked when written; this also hides a secret that an older row kept.
        sid, description = SECRETS.mask(record.sid), SECRETS.mask(record.description)
        self.setWindowTitle(self.tr("Call {0}").format(sid or f"#{record.id}"))
        numbers = ", ".join(format_display(n) for n in record.list_value.split("|"))
        finished = local_time(record.finished_at) if record.finished_at else "—"
        for key, value in (
            ("time", local_time(record.created_at)),
            ("finished", finished),
            ("lead", f"{record.lead_name} {format_display(record.lead_number)}".strip()),
            ("team", record.team_name or "—"),
            ("numbers", numbers),
            ("type", type_text(record.call_type)),
            ("result", status_text(record.status)),
            ("description", description),
            ("sid", sid or "—"),
            ("disposition", record.disposition or self.tr("(not wrapped up)")),
            ("notes", SECRETS.mask(record.notes) or "—"),
            ("callback", local_time(record.callback_at) if record.callback_at else "—"),
        ):
            self._facts[key].setText(value)
        self.request.setPlainText(request_lines(record.request_redacted))
        self.reply.setPlainText(SECRETS.mask(record.raw_reply) or self.tr("(no reply)"))
        self.curl_button.setEnabled(bool(record.request_redacted))

    def copy_curl(self) -> str:
        command = curl_command(self.record.request_redacted)
        QGuiApplication.clipboard().setText(command)
        return command
