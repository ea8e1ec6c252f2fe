"""Small widgets several features use."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QWidget,
)

# What a title bar takes besides the title's text: the window icon, the close button (46 px
# alone on Windows 10 and 11) and margins. Qt leaves a message box only 50 px for all of
# them, so a box as narrow as its title has that title cut.
TITLE_CHROME = 120


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


def title_width(widget: QWidget) -> int:
    """The width (px) a window needs for its whole title in the title bar."""
    metrics = QFontMetrics(QApplication.font("QMdiSubWindowTitleBar"))
    return metrics.horizontalAdvance(widget.windowTitle()) + TITLE_CHROME


def fit_title(dialog: QDialog) -> None:
    """Widen ``dialog`` so its title is never cut. Call it last, just before showing: a
    message box rebuilds its layout when its informative or detailed text is set."""
    width = title_width(dialog)
    dialog.sizeHint()  # an input dialog builds its layout on this first ask
    layout = dialog.layout()
    # A width in the layout itself: message and input dialogs size themselves from their
    # layout's minimum when shown, overriding a minimum width set on the dialog.
    spacer = QSpacerItem(width, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
    if isinstance(layout, QGridLayout):
        layout.addItem(spacer, layout.rowCount(), 0, 1, layout.columnCount())
    elif layout is not None:
        layout.addItem(spacer)
    else:
        dialog.setMinimumWidth(max(dialog.minimumWidth(), width))
