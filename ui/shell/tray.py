"""The tray icon: quick actions, call notifications, and the window closing to it."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from console import APP_NAME
from console.calls.outcome import Status
from console.phone import format_display, lead_label
from console.store import CallRecord
from ui.common.resources import icon
from ui.common.words import local_time, status_text


class TrayHost(Protocol):
    """What the tray asks of the window it belongs to."""

    def present(self) -> None: ...
    def quit(self) -> None: ...
    def call_clipboard(self) -> object: ...
    def show_message(self, text: str) -> None: ...


NOTIFY_MS = 10000


def should_notify(status: str, window_active: bool) -> bool:
    """A finished call is announced only when the agent is not looking at the window."""
    # The agent ended a cancelled call themselves; a pending one has no answer yet.
    return not window_active and status not in (Status.CANCELLED, Status.PENDING)


def closes_to_tray(preference: bool, tray_shown: bool, quitting: bool) -> bool:
    """Whether closing the window hides it in the tray rather than ending the console."""
    # Without a tray there would be no way back to a hidden window.
    return preference and tray_shown and not quitting


class Tray(QObject):
    """The tray icon and its menu; ``icon`` is None where the desktop has no tray."""

    def __init__(
        self,
        window: QWidget,
        host: TrayHost,
        in_flight_changed: SignalInstance,
        clipboard_action: QAction | None = None,
        available: bool | None = None,
    ) -> None:
        """``window``: the widget that owns the tray menu; ``in_flight_changed(count)``: the
        number of calls in flight, shown in the icon's tooltip; ``clipboard_action``: the
        window's "Call the number on the clipboard" (its shortcut works in the window), else
        one made here that asks the host."""
        super().__init__(window)
        self.window = window
        self.host = host
        if available is None:
            available = QSystemTrayIcon.isSystemTrayAvailable()
        # It shows what it will dial and calls once the agent says so (the host asks).
        self.clipboard_action = clipboard_action or self._action(
            self.tr("Call the number on the &clipboard…"),
            self.tr("Call the copied number or tel: link, after showing what will be dialed"),
            host.call_clipboard,
        )
        self.show_action = self._action(
            self.tr("&Show {0}").format(APP_NAME),
            self.tr("Bring the console's window to the front"),
            host.present,
        )
        self.quit_action = self._action(
            self.tr("&Quit"),
            self.tr("End the console (asks first if calls are in flight)"),
            host.quit,
        )
        self.icon: QSystemTrayIcon | None = None
        self._told_hidden = False
        if available:
            self.menu = QMenu(window)
            self.menu.setAccessibleName(self.tr("Console tray menu"))
            self.menu.addActions([self.clipboard_action, self.show_action])
            self.menu.addSeparator()
            self.menu.addAction(self.quit_action)
            self.icon = QSystemTrayIcon(icon("findme"), self)
            self.icon.setContextMenu(self.menu)
            self.icon.activated.connect(self._activated)
            self._pending_changed(0)
            in_flight_changed.connect(self._pending_changed)
            self.icon.show()

    def _action(self, text: str, tip: str, slot, icon_name: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def shown(self) -> bool:
        """Whether the icon is in the tray, so a hidden window can be brought back."""
        return self.icon is not None and self.icon.isVisible()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        why = QSystemTrayIcon.ActivationReason
        if reason in (why.Trigger, why.DoubleClick):
            self.host.present()

    def _pending_changed(self, count: int) -> None:
        if self.icon is None:
            return
        tip = APP_NAME
        if count:
            tip += " · " + self.tr("%n call(s) in flight", "", count)
        self.icon.setToolTip(tip)

    def call_answered(self, record: CallRecord, window_active: bool) -> str:
        """Tell an agent who is elsewhere how a call ended; "tray", "status" or "" (not told)."""
        if not should_notify(record.status, window_active):
            return ""
        who = lead_label(record.lead_name, record.lead_number)
        title = self.tr("Call to {0}: {1}").format(who, status_text(record.status))
        text = record.description or status_text(record.status)
        if record.sid:
            text += " · " + self.tr("sid {0}").format(record.sid)
        if self.shown:
            assert self.icon is not None
            kind = (
                QSystemTrayIcon.MessageIcon.Information
                if record.status == Status.SUCCESS
                else QSystemTrayIcon.MessageIcon.Warning
            )
            self.icon.showMessage(title, text, kind, NOTIFY_MS)
            return "tray"
        # No tray: the status bar says it, and the taskbar entry asks for attention.
        self.host.show_message(f"{title} · {text}")
        QApplication.alert(self.window)
        return "status"

    def call_back_due(self, calls: list[CallRecord], window_active: bool) -> str:
        """Tell the agent call-backs have come due: "tray", or "status" without a tray."""
        first = calls[0]
        who = lead_label(first.lead_name, first.lead_number)
        if len(calls) == 1:
            title = self.tr("Call back due: {0}").format(who)
        else:
            title = self.tr("%n call-back(s) due", "", len(calls))
        text = "\n".join(
            f"{lead_label(c.lead_name, c.lead_number)} · {format_display(c.lead_number)}"
            f" · {local_time(c.callback_at or '')[:16]}"
            for c in calls[:5]
        )
        if self.shown:  # a reminder is worth a notification even over the window
            assert self.icon is not None
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, NOTIFY_MS)
            return "tray"
        self.host.show_message(f"{title} · {text.splitlines()[0]}")
        if not window_active:
            QApplication.alert(self.window)
        return "status"

    def hidden_to_tray(self) -> None:
        """Say once per run where the window went, and that calls keep running."""
        if self._told_hidden or self.icon is None:
            return
        self._told_hidden = True
        self.icon.showMessage(
            APP_NAME,
            self.tr("Still running in the tray; calls keep going. Quit from the tray menu."),
            QSystemTrayIcon.MessageIcon.Information,
            NOTIFY_MS,
        )

    def close(self) -> None:
        """Take the icon out of the tray (the console is ending)."""
        if self.icon is not None:
            self.icon.hide()
