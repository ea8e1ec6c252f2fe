"""The wrap-up strip: after a call ends, its disposition, notes and call-back, from the keyboard.

A digit or a disposition's first letter picks it, Enter saves, Escape skips. It takes the
keyboard only when the person is not typing somewhere else (a search, the notes of a lead):
then Alt+W brings them to it. Calls that end while one is being wrapped up wait their turn.
The rules (which names exist, what "Do not call" does) are the store's
(console.store.dispositions); the strip shows them.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from console.phone import format_display, lead_label
from console.store import CallRecord
from console.store.base import ConsoleStore
from console.store.dispositions import CALL_BACK, DO_NOT_CALL, PastCallBack, future_callback
from console.store.models import Disposition
from ui.common.widgets import ElidedLabel
from ui.common.words import local_time, status_text

PER_ROW = 8  # disposition buttons on a line; more wrap to the next
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_typing(widget: QWidget | None) -> bool:
    """Whether the keyboard is in a field the person types into (so it is not taken away)."""
    if widget is None:
        return False
    if isinstance(widget, QLineEdit):
        return not widget.isReadOnly()
    if isinstance(widget, QTextEdit | QPlainTextEdit):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox)


class WrapUpStrip(QFrame):
    """Hidden until a call is offered; ``wrapped`` (the call as saved) after each Save."""

    wrapped = Signal(object)  # CallRecord
    skipped = Signal(object)  # CallRecord left without a wrap-up (Escape, Skip)
    message = Signal(str)  # for the status bar

    def __init__(self, store: ConsoleStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.queue: list[CallRecord] = []
        self.record: CallRecord | None = None
        self.dispositions: list[Disposition] = []
        self._chosen: Disposition | None = None
        self._return_focus: QWidget | None = None
        self.setObjectName("wrap_up_strip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Wrap-up"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.hide()

    def _build(self) -> None:
        # Both give way on a narrow window: the call's line is cut with "…" (whole in its
        # tooltip), the hint is cut off (its keys are in the buttons' tooltips too).
        self.title = ElidedLabel(self, QSizePolicy.Policy.Preferred)
        self.keys = QLabel(
            self.tr("&Wrap up: a digit or first letter picks, Enter saves, Esc skips"), self
        )
        self.keys.setToolTip(self.keys.text().replace("&", ""))
        self.keys.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # A hint, drawn quieter than the call's line by colour: disabled, its Alt+W (the way
        # to the strip from a field in progress) would do nothing.
        self.keys.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.waiting = QLabel(self)
        self.skip_button = QPushButton(self.tr("Skip"), self)
        self.skip_button.setAccessibleName(self.tr("Skip"))
        self.skip_button.setToolTip(self.tr("Leave this call without a wrap-up (Esc)"))
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setAccessibleName(self.tr("Save wrap-up"))
        self.save_button.setToolTip(self.tr("Save the disposition and notes (Enter)"))
        self.skip_button.clicked.connect(self.skip)
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.keys, 1)
        top.addWidget(self.waiting)
        top.addWidget(self.skip_button)
        top.addWidget(self.save_button)

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self._clicked)
        self.buttons_grid = QGridLayout()
        self.buttons_grid.setHorizontalSpacing(4)
        self.buttons_grid.setVerticalSpacing(2)

        self.notes = QLineEdit(self)
        self.notes.setPlaceholderText(self.tr("Notes (Enter saves)"))
        self.notes.setAccessibleName(self.tr("Wrap-up notes"))
        self.notes.setToolTip(self.tr("What was said, for the next call to this lead"))
        self.callback_label = QLabel(self.tr("Call &back at:"), self)
        self.callback = QDateTimeEdit(self)
        self.callback.setCalendarPopup(True)
        self.callback.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.callback.setAccessibleName(self.tr("Call back at"))
        self.callback.setToolTip(self.tr("When to call back (your local time)"))
        self.callback_label.setBuddy(self.callback)
        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("Wrap-up problem"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.notes, 1)
        bottom.addWidget(self.callback_label)
        bottom.addWidget(self.callback)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(self.buttons_grid)
        layout.addLayout(bottom)
        layout.addWidget(self.problem)
        for widget in (self, self.notes, self.callback, self.skip_button, self.save_button):
            widget.installEventFilter(self)

    # What the window asks
    def offer(self, record: CallRecord) -> None:
        """A call has ended: wrap it up now, or after the ones already waiting."""
        if self.record is not None and self.record.id == record.id:
            return
        if any(waiting.id == record.id for waiting in self.queue):
            return
        if self.record is None:
            self._show(record, take_focus=False)
        else:
            self.queue.append(record)
            self._update_waiting()

    def edit(self, record: CallRecord) -> None:
        """Change a call's wrap-up (from the history): shown now, with what it has."""
        if self.record is not None and self.record.id != record.id:
            self.queue.insert(0, self.record)  # put back: it was not wrapped up yet
        self.queue = [r for r in self.queue if r.id != record.id]
        self._show(record, take_focus=True)

    def choose(self, name: str) -> bool:
        """Pick the disposition called ``name`` (case ignored); False when there is none."""
        for disposition in self.dispositions:
            if disposition.name.casefold() == name.strip().casefold():
                self._pick(disposition)
                return True
        return False

    def has_draft(self) -> bool:
        """Whether a disposition or notes differ from what the shown call has saved."""
        record = self.record
        if record is None:
            return False
        picked = self._chosen.name if self._chosen else ""
        return (
            picked.casefold() != record.disposition.casefold()
            or self.notes.text().strip() != record.notes.strip()
        )

    @property
    def chosen(self) -> Disposition | None:
        return self._chosen

    # Showing a call
    def _show(self, record: CallRecord, *, take_focus: bool) -> None:
        self.record = record
        self.dispositions = self.store.list_dispositions()
        self._fill_buttons()
        who = lead_label(record.lead_name, record.lead_number)
        number = format_display(record.lead_number)
        line = f"{who} · {number}" if record.lead_name else who
        self.title.set_parts(
            self.tr("Call to {0}").format(line),
            self.tr(" at {0}: {1}").format(
                local_time(record.created_at)[11:16], status_text(record.status)
            ),
            bold=True,
        )
        self.notes.setText(record.notes)
        self._chosen = None
        wanted = record.disposition.casefold()  # a rename may have changed only the case
        current = next((d for d in self.dispositions if d.name.casefold() == wanted), None)
        if current is not None:
            self._pick(current)
        else:
            self._update_callback()
        when = _default_callback()
        if record.callback_at:
            when = datetime.fromisoformat(record.callback_at.replace("Z", "+00:00")).astimezone()
        self.callback.setDateTime(QDateTime(when.replace(tzinfo=None)))
        self.problem.clear()
        self.problem.hide()
        self._update_waiting()
        self.show()
        focused = QApplication.focusWidget()
        inside = focused is not None and self.isAncestorOf(focused)
        if take_focus or inside or not is_typing(focused):
            if not inside:
                self._return_focus = focused
            self.setFocus(_keeping_mark(self))
        # Else never taken from a search or a field in progress: Alt+W comes here. (Not said
        # in the status bar, which is saying how the call ended.)

    def refresh_dispositions(self) -> None:
        """Read the team's list again (it was edited): the buttons and their digits follow,
        and what was picked stays picked while it is still on the list."""
        if self.record is None:
            return  # read again when the next call is shown
        picked = self._chosen.id if self._chosen else None
        self.dispositions = self.store.list_dispositions()
        self._fill_buttons()
        self._chosen = None
        again = next((d for d in self.dispositions if d.id == picked), None)
        if again is not None:
            self._pick(again)
        else:
            self._update_callback()

    def _fill_buttons(self) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.hide()  # now: a list edited while the strip is shown loses it at once
            button.deleteLater()
        for index, disposition in enumerate(self.dispositions):
            key = f"{index + 1} " if index < 9 else ""
            button = QPushButton(f"{key}{disposition.name}", self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAccessibleName(disposition.name)
            button.setToolTip(_tip(disposition, index))
            button.installEventFilter(self)
            self.group.addButton(button, index)
            self.buttons_grid.addWidget(button, index // PER_ROW, index % PER_ROW)
        # Alt+W to the strip itself, whose keys pick: a button as the buddy would be clicked by
        # Alt+W, changing the disposition already picked.
        self.keys.setBuddy(self if self.dispositions else self.notes)
        # Tab from the strip (where Alt+W and the picks are) goes on to the notes, and from a
        # disposition (Tab leaves an exclusive group) back to the strip: the buttons are made
        # after the rest, so Qt's own order left the strip.
        chain = [*self.group.buttons(), self, self.notes, self.callback, self.save_button]
        chain.append(self.skip_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _update_waiting(self) -> None:
        count = len(self.queue)
        self.waiting.setText(self.tr("%n more waiting", "", count) if count else "")

    def _clicked(self, index: int) -> None:
        self._pick(self.dispositions[index])

    def _pick(self, disposition: Disposition) -> None:
        self._chosen = disposition
        index = self.dispositions.index(disposition)
        for other in self.group.buttons():
            # Checked and bold: a pressed look alone is faint in some styles.
            font = other.font()
            font.setBold(self.group.id(other) == index)
            other.setFont(font)
        button = self.group.button(index)
        if button is not None:
            button.setChecked(True)
        self._update_callback()

    def _update_callback(self) -> None:
        asks = self._chosen is not None and self._chosen.kind == CALL_BACK
        self.callback_label.setVisible(asks)
        self.callback.setVisible(asks)

    # Keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and self.record is not None:
            assert isinstance(event, QKeyEvent)
            if self._key(watched, event):
                return True
        return super().eventFilter(watched, event)

    def _key(self, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.skip()
            return True
        if key in _ENTER and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if watched is self.callback and self.callback.calendarWidget().isVisible():
                return False
            self.save()
            return True
        if watched in (self.notes, self.callback):
            return False  # typed text, not a pick
        if event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        ):
            return False
        text = event.text()
        if len(text) != 1 or not text.isprintable() or text.isspace():
            return False
        return self._pick_by_key(text)

    def _pick_by_key(self, text: str) -> bool:
        if text.isdigit():
            index = int(text) - 1
            if 0 <= index < min(9, len(self.dispositions)):
                self._pick(self.dispositions[index])
                return True
            return False
        starting = [d for d in self.dispositions if d.name[:1].casefold() == text.casefold()]
        if not starting:
            return False
        # Pressed again, the same letter goes on to the next one that starts with it.
        after = starting.index(self._chosen) + 1 if self._chosen in starting else 0
        self._pick(starting[after % len(starting)])
        return True

    # Save and skip
    def save(self) -> CallRecord | None:
        """Write the wrap-up (the store checks it); the next call's comes up. None when it was
        refused: why is shown, and nothing is lost."""
        record = self.record
        if record is None:
            return None
        name = self._chosen.name if self._chosen else ""
        notes = self.notes.text()
        if not name and not notes.strip():
            self._refuse(self.tr("Pick a disposition or type notes; Esc skips."))
            return None
        if not name and record.disposition:
            # Its disposition was taken off the list (calls keep the name they got): saving
            # without one would wipe it unsaid.
            self._refuse(
                self.tr("\u201c{0}\u201d is no longer on the list: pick one to replace it; Esc "
                        "leaves the call as it is.").format(record.disposition)
            )  # fmt: skip
            return None
        callback = None
        if self._chosen is not None and self._chosen.kind == CALL_BACK:
            callback = self.callback.dateTime().toPython().isoformat(timespec="minutes")
            try:  # the store takes any time (a team's wrap-up synced late): a person's is checked
                future_callback(callback, kept=record.callback_at)
            except PastCallBack:
                shown = self.callback.dateTime().toString("yyyy-MM-dd HH:mm")
                self._refuse(
                    self.tr("Call back at: {0} is in the past; a call-back time must be later "
                            "than now.").format(shown)
                )  # fmt: skip
                self.callback.setFocus(Qt.FocusReason.OtherFocusReason)
                return None
        try:
            saved = self.store.wrap_up(record.id, name, notes, callback)
        except (ValueError, KeyError) as exc:
            self._refuse(str(exc).strip("'\""))
            return None
        except sqlite3.Error as exc:
            self._refuse(self.tr("The history could not take the wrap-up ({0}); try again.")
                         .format(exc))  # fmt: skip
            return None
        self.wrapped.emit(saved)
        said = saved.disposition or self.tr("notes")
        if self._chosen is not None and self._chosen.kind == DO_NOT_CALL:
            if self.store.do_not_call_lead(saved.lead_number) is not None:
                said += " · " + self.tr("the lead will not be called again without an override")
            else:  # only a saved lead carries the mark Call checks
                said += " · " + self.tr(
                    "{0} is not a saved lead, so nothing stops a later call: Save as lead, "
                    "then mark it"
                ).format(format_display(saved.lead_number))
        self.message.emit(self.tr("Wrapped up: {0}").format(said))
        self._next()
        return saved

    def skip(self) -> None:
        """Leave this call without a wrap-up (the history can add one later)."""
        record = self.record
        if record is not None:
            self._next()
            self.skipped.emit(record)

    def _refuse(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _next(self) -> None:
        had_focus = self.isAncestorOf(QApplication.focusWidget()) or self.hasFocus()
        if self.queue:
            self._show(self.queue.pop(0), take_focus=had_focus)
            return
        self.record = None
        self._chosen = None
        back = self._return_focus
        self._return_focus = None
        # Back before hiding: hidden first, Qt handed the keyboard on to the window's first
        # field (the banner's link) by a move that dropped the focus mark.
        if had_focus and back is not None and back.isVisible():
            back.setFocus(_keeping_mark(self))
        self.hide()


def _keeping_mark(widget: QWidget) -> Qt.FocusReason:
    """The reason to give when the strip moves the keyboard: one that keeps the focus mark
    shown when it was (a keyboard user's Call button), as Qt drops the mark on any other
    move (Enter saved the wrap-up and the Call list tab's Call came back unmarked)."""
    marked = widget.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    return Qt.FocusReason.ShortcutFocusReason if marked else Qt.FocusReason.OtherFocusReason


def _default_callback() -> datetime:
    """Tomorrow, on the hour after now: a time to change, not a guess to keep."""
    now = datetime.now()
    return (now + timedelta(days=1, hours=1)).replace(minute=0, second=0, microsecond=0)


def _tip(disposition: Disposition, index: int) -> str:
    """The keys that pick it, and what it does when it does more than record."""
    letter = disposition.name[:1].upper()
    tip = _tr("{0} or {1}").format(index + 1, letter) if index < 9 else letter
    if disposition.kind == DO_NOT_CALL:
        return _tr("{0}: the lead is not called again without an override").format(tip)
    if disposition.kind == CALL_BACK:
        return _tr("{0}: with a date and time to call back").format(tip)
    return tip


def _tr(text: str) -> str:
    return QCoreApplication.translate("WrapUpStrip", text)
