"""Importing leads from CSV: the work done off the UI thread, and the summary shown after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.csvio import ImportReport, import_leads_into
from console.csvlayout import Mapping
from console.store import Store


def _tr(text: str, n: int = -1) -> str:
    # Thread-safe, so the worker can word its progress in the person's language.
    return QCoreApplication.translate("LeadsImport", text, None, n)


@dataclass
class LeadImport:
    """What an import did: the report (problems by line), and how many leads were added."""

    path: Path
    report: ImportReport
    added: int


def run_import(
    store: Store, path: Path, say: Callable[[str], None], mapping: Mapping | None = None
) -> LeadImport:
    """Read (with ``mapping``, else the columns recognised), check against existing leads
    and save; blocking, so run it with off_thread."""
    say(_tr("Reading {0}…").format(path.name))
    report, added = import_leads_into(
        store, path, mapping, progress=lambda line: say(_tr("Reading line {0}…").format(line))
    )
    return LeadImport(path, report, added)


class ImportSummary(QDialog):
    """How many leads came in, in which encoding, and every skipped row by its line."""

    def __init__(self, result: LeadImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import leads"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 360)
        report = result.report
        layout = QVBoxLayout(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Import summary"))
        # %n lets a translation pick the right plural form.
        where = self.tr("from {0} (read as {1})").format(result.path.name, report.encoding)
        if result.added:
            text = self.tr("Added %n lead(s) {0}.", "", result.added).format(where)
            text += " " + self.tr("%n row(s) skipped:", "", len(report.problems))
        else:
            text = self.tr("Nothing was added {0}:").format(where)
        self.message.setText(text)
        layout.addWidget(self.message)
        # Which columns were read and ignored, where numbers came from, footers skipped.
        self.details = QLabel("\n".join(report.summary()), self)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName(self.tr("Columns read"))
        layout.addWidget(self.details)
        lines = list(report.problems)
        if report.notices:
            lines += ["", self.tr("Kept, with a note:"), *report.notices]
        self.problems = QPlainTextEdit("\n".join(lines), self)
        self.problems.setReadOnly(True)
        # Wrapped: one long sentence must be readable without scrolling sideways.
        self.problems.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.problems.setAccessibleName(self.tr("Skipped rows"))
        self.problems.setToolTip(
            self.tr("Each skipped row with its line number, as a text editor counts lines")
        )
        layout.addWidget(self.problems, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = QPushButton(self.tr("&Copy list"), self)
        copy.setAccessibleName(self.tr("Copy skipped rows"))
        copy.setToolTip(self.tr("Copy the skipped rows to the clipboard, to fix them"))
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.problems.toPlainText())
        )
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setToolTip(self.tr("Close this summary"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
