"""The main window's menus and their actions, with the platform's standard shortcuts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from console import APP_NAME
from ui.common.resources import icon

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow


def _action(
    window: MainWindow, text: str, tip: str, slot, shortcut=None, icon_name: str = ""
) -> QAction:
    """A window action with tooltip and status tip; its shortcut works even with no menu bar."""
    action = QAction(text, window)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        if isinstance(shortcut, list):
            action.setShortcuts(shortcut)
        else:
            action.setShortcut(shortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """The menu bar, with standard shortcuts where the platform has them."""
    keys = QKeySequence.StandardKey
    tr = window.tr
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    window.export_action = _action(
        window,
        tr("&Export history…"),
        tr("Export the calls shown to CSV"),
        window.history.ask_export,
        keys.SaveAs,
        "export",
    )
    window.quit_action = _action(
        window,
        tr("&Quit"),
        tr("End the console, also when it closes to the tray"),
        window.quit,
        keys.Quit,
    )
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    for panel in (window.leads_panel, window.teams_panel):  # their own import/export
        file_menu.addActions(panel.file_actions())
        file_menu.addSeparator()
    file_menu.addAction(window.export_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)

    call_menu = bar.addMenu(tr("&Call"))
    window.call_action = _action(
        window,
        tr("&Place call"),
        tr("Call the chosen lead with the chosen team list"),
        window.call_panel.call,
        [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
        "call",
    )
    window.call_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.find_action = _action(
        window, tr("&Find lead"), tr("Search the leads"), window.focus_leads, keys.Find
    )
    window.history_action = _action(
        window,
        tr("Go to &history"),
        tr("Move to the call history"),
        window.history.table.setFocus,
        QKeySequence("Ctrl+Shift+H"),
    )
    window.in_flight_action = _action(
        window,
        tr("Calls in &flight"),
        tr("Move to the calls in flight, where Delete cancels one"),
        lambda: (
            window.call_panel.pending.focus_list()
            or window.show_message(tr("No calls are in flight."))
        ),
        QKeySequence("Ctrl+Shift+F"),
    )
    call_menu.addActions(
        [window.call_action, window.find_action, window.history_action, window.in_flight_action]
    )
    call_menu.addAction(window.tray.clipboard_action)  # also where the desktop has no tray

    account_menu = bar.addMenu(tr("&Account"))
    window.account_action = _action(
        window,
        tr("&Account…"),
        tr("The sandbox or a DialogTech account"),
        window.show_account,
        None,
        "account",
    )
    window.outbox_action = _action(
        window,
        tr("Sandbox &outbox…"),
        tr("What the sandbox would have sent"),
        window.show_outbox,
        None,
        "outbox",
    )
    account_menu.addActions([window.account_action, window.outbox_action])

    edit_menu = bar.addMenu(tr("&Edit"))
    # Preferences has no standard key on Linux and Windows, so Ctrl+, is added there.
    prefs_keys = [*QKeySequence.keyBindings(keys.Preferences), QKeySequence("Ctrl+,")]
    window.prefs_action = _action(
        window,
        tr("&Preferences…"),
        tr("Default call options and behaviour"),
        window.show_preferences,
        prefs_keys,
    )
    window.prefs_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    edit_menu.addAction(window.prefs_action)

    help_menu = bar.addMenu(tr("&Help"))
    window.rules_action = _action(
        window,
        tr("Sandbox &rules"),
        tr("How the sandbox's numbers answer"),
        window.show_rules,
        None,
        "sandbox",
    )
    window.about_action = _action(
        window,
        tr("&About {0}").format(APP_NAME),
        tr("Version and licence"),
        window.show_about,
        keys.HelpContents,
    )
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addActions([window.rules_action, window.about_action])
