"""A line edit for phone numbers that checks and normalizes as the person types."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from console.phone import MAX_LENGTH, PhoneCheck, check_phone, format_display, is_fictional


class PhoneField(QWidget):
    """A number field with its problem shown beside it; empty counts as "no number"."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None, *, required: bool = False):
        super().__init__(parent)
        self._required = required
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("(555) 111-2222"))
        self.edit.setAccessibleName(name)
        self.edit.setToolTip(
            self.tr("{0}: a 10-digit North American number, in any format").format(name)
        )
        self.edit.setMaxLength(MAX_LENGTH)  # a tel: link can be long; the reader decides
        self.note = QLabel(self)
        self.note.setAccessibleName(self.tr("{0} check").format(name))
        self.note.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 2)
        layout.addWidget(self.note, 3)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._recheck)
        self.edit.editingFinished.connect(self._tidy)
        self._check = check_phone("")
        self._recheck("")

    def _recheck(self, text: str) -> None:
        self._check = check_phone(text)
        if not text.strip():
            self.note.setText(self.tr("required") if self._required else "")
        elif self._check.error:
            self.note.setText("⚠ " + self._check.error)
        elif self._check.warning:
            digits = self._check.digits or ""
            if is_fictional(digits):
                self.note.setText(self.tr("✓ {0} (a fictional 555 number)").format(digits))
            else:
                self.note.setText(self.tr("✓ {0} (not an assigned number)").format(digits))
        else:
            self.note.setText("✓ " + (self._check.digits or ""))
        self.changed.emit()

    def _tidy(self) -> None:
        # Show a pasted number in one familiar shape once the person leaves the field.
        if self._check.digits:
            self.edit.setText(format_display(self._check.digits))

    def check(self) -> PhoneCheck:
        return self._check

    def digits(self) -> str | None:
        return self._check.digits

    def problem(self) -> str | None:
        """Why the typed text is not a number; None when empty or fine."""
        return self._check.error if self.edit.text().strip() else None

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming, so it reads like a widget
        self.edit.setText(text)
