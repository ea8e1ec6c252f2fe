"""Errors a person can see: a non-modal dialog with the details, and the app-wide excepthook."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from console.calls.outcome import CallError
from console.masking import SECRETS
from ui.common.widgets import fit_title

# The Qt classes only a dialog or a question needs are imported when one is first shown:
# PySide6 builds each class (and its enums) on first import, and none is needed at start.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger(__name__)
# Dialogs without a parent are owned by Python: hold them until closed, or they vanish at once.
_open: set[QWidget] = set()


def _keep(dialog: QDialog) -> None:
    _open.add(dialog)
    dialog.finished.connect(lambda _result: _open.discard(dialog))


class ErrorDialog(QDialog):
    """An error in one sentence, with the traceback folded below it (after Vorta's)."""

    def __init__(self, title: str, message: str, details: str = "", parent: QWidget | None = None):
        from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit

        super().__init__(parent)
        # Shown, copied and mailed around: credentials in an error's text never get this far.
        message, details = SECRETS.mask(message), SECRETS.mask(details)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName(self.tr("Error message"))
        layout.addWidget(self.message)
        self.details = QPlainTextEdit(details, self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName(self.tr("Error details"))
        self.details.setToolTip(self.tr("The technical details, also written to the log"))
        self.details.setVisible(bool(details))
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = self.copy_button = QPushButton(self.tr("&Copy details"), self)
        copy.setAccessibleName(self.tr("Copy details"))
        copy.setToolTip(self.tr("Copy the message and details to the clipboard"))
        copy.clicked.connect(self._copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.setVisible(bool(details))  # no details: nothing to copy beyond the message shown
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setToolTip(self.tr("Close this message"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_title(self)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(
            f"{self.message.text()}\n\n{self.details.toPlainText()}"
        )


def describe(exc: BaseException) -> str:
    """One sentence for a person: a CallError's own sentence, else the exception's text."""
    if isinstance(exc, CallError):
        return exc.sentence()
    return str(exc) or type(exc).__name__


def show_error(
    title: str,
    exc: BaseException | str,
    parent: QWidget | None = None,
    *,
    details: str = "",
    context: str = "",
    quiet: bool = False,
) -> ErrorDialog:
    """Log and show an error without blocking the loop (the dialog is opened, not exec'd).

    ``title`` is short and complete ("Leads not imported"); what varies (a file, a task)
    goes in ``context``, a sentence start shown before the error in the body, where it is
    never cut. ``quiet``: the caller has logged it already (a local problem, as a warning).
    """
    if quiet:
        message = describe(exc) if isinstance(exc, BaseException) else exc
    elif isinstance(exc, BaseException):
        message = describe(exc)
        if not details:
            details = "".join(traceback.format_exception(exc))
        log.error("%s: %s", title, message, exc_info=exc)
    else:
        message = exc
        log.error("%s: %s", title, message)
    if context:
        message = f"{context} {message}"
    dialog = ErrorDialog(title, message, details, parent or QApplication.activeWindow())
    _keep(dialog)
    dialog.open()
    return dialog


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Every uncaught exception in a slot ends in the log and a visible dialog."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.critical("uncaught exception:\n%s", details)
    if QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    try:
        title = QApplication.translate("errors", "Unexpected error")
        show_error(title, str(exc) or exc_type.__name__, details=details)
    except Exception:  # the hook must never raise: that would hide the original error
        sys.__excepthook__(exc_type, exc, tb)


def install_excepthook() -> Callable[..., None]:
    """Route uncaught exceptions to ``excepthook``; returns the previous hook."""
    previous = sys.excepthook
    sys.excepthook = excepthook
    return previous


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    on_yes: Callable[[], object],
    *,
    yes: str = "",
    no: str = "",
    informative: str = "",
    also: tuple[str, Callable[[], object]] | None = None,
    default_yes: bool = False,
) -> QMessageBox:
    """A non-modal question (open(), never exec() under qasync); ``on_yes`` runs on Yes.

    ``also``: a third answer, (its button's text, what it does), between Yes and No. Enter
    answers No unless ``default_yes`` (a confirmation of what the person just asked for);
    Escape always answers No.
    """
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if informative:
        box.setInformativeText(informative)
    yes_button = box.addButton(yes or box.tr("Yes"), QMessageBox.ButtonRole.YesRole)
    other = box.addButton(also[0], QMessageBox.ButtonRole.ActionRole) if also else None
    no_button = box.addButton(no or box.tr("No"), QMessageBox.ButtonRole.NoRole)
    for button in (yes_button, other, no_button):
        if button is None:
            continue
        button.setAccessibleName(button.text().replace("&", ""))
        button.setToolTip(button.text().replace("&", ""))
    box.setDefaultButton(yes_button if default_yes else no_button)
    box.setEscapeButton(no_button)
    box.setObjectName("question")

    def clicked(button) -> None:
        if button is yes_button:
            on_yes()
        elif also and button is other:
            also[1]()

    box.buttonClicked.connect(clicked)
    _keep(box)
    fit_title(box)
    box.open()
    return box
