"""Small widgets several features use."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget


def button(parent: QWidget, text: str, name: str, tip: str) -> QPushButton:
    """A push button with its accessible name and tooltip set."""
    widget = QPushButton(text, parent)
    widget.setAccessibleName(name)
    widget.setToolTip(tip)
    return widget


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" to the width the layout gives it; the whole text
    is in the tooltip. A long text never widens the window (a QLabel's minimum is its text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))
