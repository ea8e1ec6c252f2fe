"""Small widgets several features use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QTableView,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialogButtonBox

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


def bold_label(text: str, parent: QWidget) -> QLabel:
    """A plain-text label in the bold of its font.

    Not ``<b>…</b>``: the first rich text in a process loads Qt's HTML document and its
    layout (~15 ms), which a window that shows only plain text never pays at start.
    """
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def rows_table(parent: QWidget, model, name: str) -> QTableView:
    """A read-only table of whole rows on ``model``: one row picked at a time, nothing edited
    in place, Tab leaves it, no row numbers, each row one line as tall as the text (+6 px)."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(parent.fontMetrics().height() + 6)
    return table


def note_label(parent: QWidget) -> QLabel:
    """A word-wrapped plain-text note in the italic of its font, hidden until it is given
    something to say.

    Italic by its font, not a style sheet: a widget with one gets a style-sheet style of its
    own, polished apart (~0.5 ms a note on a page that has seven).
    """
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    font = label.font()
    font.setItalic(True)
    label.setFont(font)
    label.setVisible(False)
    return label


class ElidedLabel(QLabel):
    """One line of text, cut with "…" to the width the layout gives it; the whole text is in
    the tooltip. A long text never widens the window (a QLabel's minimum is its text).

    The line may come in three parts (``set_parts``): a ``head`` (bold if asked), cut first
    when room is short; a ``keep`` shown whole after it; and a ``tail`` that gets what room is
    left. The lead line is "name · number · company": a long name gives way, the number never.

    ``policy``: Ignored lets the layout's stretch factors share the room; Preferred asks for
    the whole text when there is room (a status bar's permanent label).
    """

    def __init__(self, parent: QWidget | None = None, policy=QSizePolicy.Policy.Ignored) -> None:
        super().__init__(parent)
        self._parts = ("", "", "")
        self._bold = False
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(policy, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        return "".join(self._parts)

    def set_full_text(self, text: str) -> None:
        self.set_parts(text)

    def set_parts(self, head: str, keep: str = "", tail: str = "", *, bold: bool = False) -> None:
        """Show ``head`` + ``keep`` + ``tail``, cut as described above."""
        self._parts = (head, keep, tail)
        self._bold = bold
        self.setTextFormat(Qt.TextFormat.RichText if bold else Qt.TextFormat.PlainText)
        self.setToolTip(self.full_text())
        self._elide()
        self.updateGeometry()

    def _head_metrics(self) -> QFontMetrics:
        font = QFont(self.font())
        if self._bold:  # a label bold as a whole (its font) stays bold: measured as drawn
            font.setBold(True)
        return QFontMetrics(font)

    def _margins(self) -> int:
        margins = self.contentsMargins()
        return margins.left() + margins.right() + 2 * max(self.margin(), 0) + 2

    def sizeHint(self) -> QSize:  # noqa: N802
        head, keep, tail = self._parts
        plain = self.fontMetrics()
        width = self._head_metrics().horizontalAdvance(head)
        width += plain.horizontalAdvance(keep) + plain.horizontalAdvance(tail)
        # A pixel or two over: the text's advance is rounded, and eliding is strict.
        return QSize(width + self._margins() + 2, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        head, keep, tail = self._parts
        plain, bold = self.fontMetrics(), self._head_metrics()
        room = self.width() - self._margins()
        right = Qt.TextElideMode.ElideRight
        head_width = bold.horizontalAdvance(head)
        keep_width = plain.horizontalAdvance(keep)
        if head_width + keep_width <= room:
            tail = plain.elidedText(tail, right, room - head_width - keep_width)
        else:
            head = bold.elidedText(head, right, max(room - keep_width, 0))
            tail = ""
        if self._bold:
            import html  # with its table of 2,000 entity names: not needed to start

            cut = f"<b>{html.escape(head)}</b>{html.escape(keep + tail)}"
        else:
            cut = head + keep + tail
        if cut != self.text():
            self.setText(cut)


class KeepFocusButton(QPushButton):
    """A push button that takes the keyboard back when it is enabled again.

    Disabling the focused widget makes Qt hand the focus to the next one in the chain (for
    Call, that was the History filter, so the next search typed filtered the history). When
    the window's focus is still where Qt put it on re-enabling, it comes back here.
    """

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._handed_to: QWidget | None = None
        self._handed = False

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        # Already disabled when the focus is handed on: that is how this case is told apart.
        self._handed = not self.isEnabled()
        self._handed_to = None
        super().focusOutEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() != QEvent.Type.EnabledChange or not self._handed:
            return
        window = self.window()
        if not self.isEnabled():
            self._handed_to = window.focusWidget()  # where Qt has just put it
            return
        handed_to, self._handed, self._handed_to = self._handed_to, False, None
        # The window's own focus widget: with a question open meanwhile ("Call again?"), the
        # keyboard comes back here when it closes, not to the widget Qt handed it to.
        if window.focusWidget() is handed_to:
            self.setFocus(Qt.FocusReason.OtherFocusReason)


class _EscapeClears(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if (
            kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and isinstance(watched, QLineEdit)
            and watched.text()
        ):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes here as a key press, not to a shortcut
                return False
            watched.clear()  # as the clear button does: textChanged runs the search again
            return True
        return False


def clear_on_escape(edit: QLineEdit) -> None:
    """Escape empties a search or filter field; in an empty field it does what it did before
    (closes a dialog, say)."""
    edit.installEventFilter(_EscapeClears(edit))


class _SelectionKept(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            _show_selection_inactive(watched)  # a theme change (dark mode) brings new colours
        return False


def _show_selection_inactive(view) -> None:
    palette = view.palette()
    active, inactive = QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive
    roles = (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText)
    if all(palette.color(active, role) == palette.color(inactive, role) for role in roles):
        return  # also ends the PaletteChange that setPalette below sends
    for role in roles:
        palette.setColor(inactive, role, palette.color(active, role))
    view.setPalette(palette)


def keep_selection_visible(view: QAbstractItemView) -> None:
    """The selected row keeps its highlight when the keyboard moves elsewhere (the lead being
    called stays marked while the agent picks the team list); many styles grey it out or hide
    it in an unfocused view."""
    _show_selection_inactive(view)
    view.installEventFilter(_SelectionKept(view))


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


def save_cancel_buttons(dialog: QDialog, save_tip: str, cancel_tip: str) -> QDialogButtonBox:
    """Save and Cancel for ``dialog``, named and explained, wired to its ``save()`` and
    ``reject()``."""
    from PySide6.QtWidgets import QDialogButtonBox  # dialogs only: not made at start

    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    for which, tip in (
        (QDialogButtonBox.StandardButton.Save, save_tip),
        (QDialogButtonBox.StandardButton.Cancel, cancel_tip),
    ):
        button = buttons.button(which)
        button.setAccessibleName(button.text().replace("&", ""))
        button.setToolTip(tip)
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons
