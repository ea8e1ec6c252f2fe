"""Small pieces of the main window: the sandbox banner and a text viewer."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.common.colours import readable
from ui.common.resources import icon


class SandboxBanner(QFrame):
    """Shown whenever the sandbox is in use, in the palette's tooltip colours (dark mode too)."""

    link = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self._follow_palette()
        badge = QLabel(self)
        badge.setPixmap(icon("sandbox").pixmap(20, 20))
        self.text = QLabel(
            self.tr(
                "<b>Sandbox: no real calls are placed.</b> "
                "<a href='outbox'>Open the outbox</a> · <a href='rules'>Sandbox rules</a> · "
                "<a href='account'>Use a DialogTech account…</a>"
            ),
            self,
        )
        self.text.setAccessibleName(self.tr("Sandbox banner"))
        self.text.setToolTip(self.tr("Calls go to a simulator on this computer"))
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.text.linkActivated.connect(self.link.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(badge)
        layout.addWidget(self.text, 1)

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

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._follow_palette()  # the desktop switched between light and dark


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
