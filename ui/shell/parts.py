"""Small pieces of the main window: the sandbox banner and a text viewer."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.common.colours import readable
from ui.common.resources import icon
from ui.common.widgets import bold_label

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent, QPaintEvent


class SandboxBanner(QFrame):
    """Shown whenever the sandbox is in use, in the palette's tooltip colours (dark mode too).

    Plain text and link-like buttons, not a rich-text label: the first rich text in a process
    loads Qt's HTML document and its layout, ~15 ms that the window's start would pay for
    one line. Buttons are also what a keyboard reaches with Tab and a screen reader names.
    """

    link = Signal(str)
    LINKS = (  # (target emitted by ``link``, text)
        ("outbox", QT_TRANSLATE_NOOP("SandboxBanner", "Open the outbox")),
        ("rules", QT_TRANSLATE_NOOP("SandboxBanner", "Sandbox rules")),
        ("account", QT_TRANSLATE_NOOP("SandboxBanner", "Use a DialogTech account…")),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        badge = QLabel(self)
        badge.setPixmap(icon("sandbox").pixmap(20, 20))
        self.text = bold_label(self.tr("Sandbox: no real calls are placed."), self)
        self.text.setAccessibleName(self.tr("Sandbox banner"))
        self.text.setToolTip(self.tr("Calls go to a simulator on this computer"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(badge)
        layout.addWidget(self.text)
        self.links: dict[str, QPushButton] = {}
        for target, text in self.LINKS:
            button = _LinkButton(self.tr(text), self)
            button.clicked.connect(partial(self.link.emit, target))
            self.links[target] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self._follow_palette()

    def _follow_palette(self) -> None:
        palette = QGuiApplication.palette()
        ground = palette.color(QPalette.ColorRole.ToolTipBase)
        palette.setColor(QPalette.ColorRole.Window, ground)
        palette.setColor(
            QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.ToolTipText)
        )
        # A dark theme's links are light, for dark windows; on the (often yellow) tooltip
        # colours they fell under 4.5:1. Darkened (or lightened) just enough.
        for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
            palette.setColor(role, readable(palette.color(role), ground))
        self.setPalette(palette)
        # The buttons draw their text in ButtonText on the banner's ground: the link colour.
        link = QPalette(palette)
        link.setColor(QPalette.ColorRole.ButtonText, palette.color(QPalette.ColorRole.Link))
        link.setColor(QPalette.ColorRole.Button, ground)
        for button in self.links.values():
            button.setPalette(link)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._follow_palette()  # the desktop switched between light and dark


class _LinkButton(QPushButton):
    """A flat push button that reads as a link: underlined, in the link colour, a hand over
    it; Enter and Space press it, and the keyboard's focus is drawn (a flat button's style
    draws none)."""

    def __init__(self, text: str, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoDefault(False)
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)
        self.setToolTip(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # A push button that is not a dialog's default takes Space only; a link takes Enter.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.hasFocus():
            return
        # Drawn here, not by the style: Fusion draws a focus frame only on raised buttons.
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.ButtonText))
        painter.drawRect(self.rect().adjusted(1, 1, -2, -2))


class TextDialog(QDialog):
    """A read-only text in a fixed font (the sandbox rules); ``tip`` is the text's tooltip
    (the title when not given)."""

    def __init__(
        self, title: str, text: str, parent: QWidget | None = None, *, tip: str = ""
    ) -> None:
        # Imported when first shown: PySide6 builds each Qt class on first import.
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 420)
        view = QPlainTextEdit(text, self)
        view.setReadOnly(True)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setAccessibleName(title)
        view.setToolTip(tip or title)
        self.view = view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setToolTip(self.tr("Close this window"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
