"""The Dial tab: a number field (typed, pasted, or keyed on the dial pad) and Dial.

Keyboard first: the field takes digits, + * # and pasted numbers in any format; Enter (or
Ctrl+Enter, the window's Call key) dials what the field holds. The pad's keys never take the
focus, so a click on one types into the field and the keyboard stays there. The number is
read by the engine's one reader (console.phone.check_phone), so a number the API cannot dial
(* or #, an extension, outside North America) is refused here with the same reason as
everywhere else, and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.phone import format_display, lead_label
from console.store import Lead
from ui.common.phone_field import PhoneField
from ui.common.widgets import button

# The pad as phones have it, then the + of an international number and the editing keys.
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")
BACKSPACE = "⌫"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class DialPad(QWidget):
    """``dial(digits)`` asks for a call to the 10 digits the field holds, read and checked.

    ``find_lead(digits)`` names the saved lead with that number, if any (shown under the
    field, so the agent sees who it is before dialing).
    """

    dial = Signal(str)

    def __init__(
        self, find_lead: Callable[[str], Lead | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._find_lead = find_lead
        tr = self.tr
        self.field = PhoneField(tr("Number to dial"), self)
        self.field.edit.setPlaceholderText(tr("Type or paste a number"))
        self.field.edit.setToolTip(
            tr(
                "A 10-digit North American number in any format, or a tel: link; Enter dials "
                "it with the team list and options on the right"
            )
        )
        caption = QLabel(tr("&Number:"), self)
        caption.setBuddy(self.field.edit)
        self.who = QLabel(self)
        self.who.setAccessibleName(tr("Who the number is"))
        self.who.setWordWrap(True)
        self.keys: dict[str, QPushButton] = {}
        pad = QGridLayout()
        pad.setContentsMargins(0, 0, 0, 0)
        pad.setSpacing(4)
        for i, key in enumerate(KEYS):
            pad.addWidget(self._key(key, key, tr("Type {0}").format(key)), i // 3, i % 3)
        pad.addWidget(self._key("+", "+", tr("Type + (for +1)")), 4, 0)
        pad.addWidget(self._key(BACKSPACE, None, tr("Delete the last character")), 4, 1)
        pad.addWidget(self._key(tr("Clear"), "", tr("Clear the number")), 4, 2)
        self.dial_button = button(
            self, tr("&Dial"), tr("Dial the number"),
            tr("Call the number with the team list on the right (Enter in the number field)"),
        )  # fmt: skip
        self.dial_button.clicked.connect(self.request_dial)
        self.note = QLabel(self)
        self.note.setAccessibleName(tr("Dial message"))
        self.note.setWordWrap(True)
        pad.addWidget(self.dial_button, 5, 0, 1, 3)
        # A phone's pad: keys of a thumb's size, not stretched across the tab.
        keys = QWidget(self)
        keys.setLayout(pad)
        keys.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 24)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.field)
        layout.addWidget(self.who)
        layout.addWidget(keys, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.setFocusProxy(self.field.edit)
        self.field.changed.connect(self._show_who)
        self.field.edit.returnPressed.connect(self.request_dial)
        # Ctrl+Enter is the window's Call key: in this field it dials the field's number.
        self.field.edit.installEventFilter(self)
        self._show_who()

    def _key(self, text: str, types: str | None, tip: str) -> QPushButton:
        key = QPushButton(text, self)
        key.setMinimumHeight(self.fontMetrics().height() * 2 + 4)
        key.setAccessibleName(tip)
        key.setToolTip(tip)
        # Never the keyboard's: a click types into the field, which keeps the focus.
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoDefault(False)
        key.clicked.connect(lambda _checked=False: self.press(types))
        self.keys[text] = key
        return key

    def press(self, types: str | None) -> None:
        """What a pad key does: type ``types`` at the cursor; None deletes one back; "" clears."""
        edit = self.field.edit
        if types is None:
            edit.backspace()
        elif types == "":
            edit.clear()
        else:
            edit.insert(types)
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.field.edit and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key = event if isinstance(event, QKeyEvent) else None
            if key is not None and key.key() in _ENTER:
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # the field takes Ctrl+Enter before the window's Call
                    return True
                self.request_dial()
                return True
        return super().eventFilter(watched, event)

    def _show_who(self) -> None:
        digits = self.field.digits()
        if digits is None:
            self.who.setText("")
            return
        lead = self._find_lead(digits)
        if lead is not None and lead.do_not_call:  # said before Dial, not only after
            self.who.setText(
                self.tr("{0}, a saved lead marked \u201cDo not call\u201d.").format(
                    lead_label(lead.name, lead.number)
                )
            )
        elif lead is not None and lead.name:
            self.who.setText(self.tr("{0}, a saved lead.").format(lead.name))
        else:
            self.who.setText(self.tr("Not a saved lead: after the call, Save as lead keeps it."))

    def request_dial(self) -> str | None:
        """Dial the field's number when it reads as one; returns its digits, or None (and why,
        under the field). Nothing is sent from here: the window places the call."""
        check = self.field.check()
        if check.digits is None:
            why = self.field.problem() or self.tr("is needed")
            self.note.setText(self.tr("⚠ Not dialed: the number {0}.").format(why))
            self.field.setFocus()
            return None
        self.field.setText(format_display(check.digits))
        self.note.setText(self.tr("Dialing {0}…").format(format_display(check.digits)))
        self.dial.emit(check.digits)
        return check.digits

    def say(self, text: str) -> None:
        """A line under Dial (what became of the number)."""
        self.note.setText(text)
