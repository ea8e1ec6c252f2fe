"""Numbers that arrive from outside the window: tel:/callto: links, pasted text, macOS events."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject

from console import tel
from console.tel import is_call_link


def find_link(argv: Sequence[str]) -> str:
    """The tel: or callto: link among the command-line arguments, or ""."""
    return next((arg for arg in argv if is_call_link(arg)), "")


def read_number(text: str) -> str:
    """The 10 digits of a link or a typed number; ValueError naming the text and the rule."""
    if not text.strip():
        raise ValueError("There is no number to call: the text is empty")
    return tel.read_number(text)  # the engine's one reader of numbers, links included


class FileOpenFilter(QObject):
    """macOS hands links to the app as FileOpen events, even at launch: pass each one on."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler: Callable[[str], object] | None = None
        self._early: list[str] = []  # links that came before the window existed

    def deliver_to(self, handler: Callable[[str], object]) -> None:
        """Send links to ``handler`` from now on, starting with any that came early."""
        self._handler = handler
        early, self._early = self._early, []
        for link in early:
            handler(link)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.FileOpen:
            return super().eventFilter(watched, event)
        link = event.url().toString() or event.file()
        if self._handler is None:
            self._early.append(link)
        else:
            self._handler(link)
        return True


def install_file_open_filter(app: QObject) -> FileOpenFilter | None:
    """On macOS, a filter on the app for link events; elsewhere None (links come in argv)."""
    if sys.platform != "darwin":
        # An application-wide filter in Python runs for every event the app gets; only macOS
        # sends FileOpen, so nowhere else pays for it.
        return None
    opened = FileOpenFilter(app)
    app.installEventFilter(opened)
    return opened
