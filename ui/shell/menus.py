"""The main window's menus and their actions, with the platform's standard shortcuts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from console import APP_NAME
from ui.common.resources import icon


class MenuHost(Protocol):
    """What the menus trigger; the main window offers it (the menus never reach into panels)."""

    def export_history(self) -> None: ...
    def quit(self) -> None: ...
    def place_call(self) -> None: ...
    def focus_leads(self) -> None: ...
    def focus_history(self) -> None: ...
    def focus_in_flight(self) -> None: ...
    def show_reports(self) -> object: ...
    def show_account(self) -> object: ...
    def show_outbox(self) -> object: ...
    def show_preferences(self) -> object: ...
    def show_dispositions(self) -> object: ...
    def show_rules(self) -> object: ...
    def show_about(self) -> object: ...


class WindowActions(NamedTuple):
    """The window's own actions, as built by ``build_menus``.

    A named tuple, not a frozen dataclass: one is made by compiling six methods (~2 ms of
    the window's start for thirteen fields)."""

    export: QAction
    quit: QAction
    call: QAction
    find: QAction
    history: QAction
    in_flight: QAction
    reports: QAction
    account: QAction
    outbox: QAction
    prefs: QAction
    dispositions: QAction
    rules: QAction
    about: QAction


def _action(
    window: QMainWindow, text: str, tip: str, slot, shortcut=None, icon_name: str = ""
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


def build_menus(
    window: QMainWindow,
    host: MenuHost,
    file_groups: Sequence[Sequence[QAction]],
    call_extras: Sequence[QAction],
) -> WindowActions:
    """The menu bar, with standard shortcuts where the platform has them.

    ``file_groups``: the panels' own import/export actions, one separated group each;
    ``call_extras``: actions shown at the end of the Call menu (the tray's, so a desktop
    without a tray still has them).
    """
    keys = QKeySequence.StandardKey
    tr = window.tr
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    export = _action(
        window,
        tr("&Export history…"),
        tr("Export the calls shown to CSV"),
        host.export_history,
        keys.SaveAs,
        "export",
    )
    quit_ = _action(
        window,
        tr("&Quit"),
        tr("End the console, also when it closes to the tray"),
        host.quit,
        keys.Quit,
    )
    quit_.setMenuRole(QAction.MenuRole.QuitRole)
    for group in file_groups:
        file_menu.addActions(list(group))
        file_menu.addSeparator()
    file_menu.addAction(export)
    file_menu.addSeparator()
    file_menu.addAction(quit_)

    call_menu = bar.addMenu(tr("&Call"))
    call = _action(
        window,
        tr("&Place call"),
        tr("Call the chosen lead with the chosen team list"),
        host.place_call,
        [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
        "call",
    )
    call.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    find = _action(window, tr("&Find lead"), tr("Search the leads"), host.focus_leads, keys.Find)
    history = _action(
        window,
        tr("Go to &history"),
        tr("Move to the call history"),
        host.focus_history,
        QKeySequence("Ctrl+Shift+H"),
    )
    in_flight = _action(
        window,
        tr("Calls &in flight"),
        tr("Move to the calls in flight, where Delete cancels one"),
        host.focus_in_flight,
        QKeySequence("Ctrl+Shift+F"),
    )
    call_menu.addActions([call, find, history, in_flight])
    call_menu.addActions(list(call_extras))
    # Charts for the team lead: loaded when first opened (pyqtgraph is heavy to import).
    reports = _action(
        window,
        tr("&Reports…"),
        tr("Charts of the calls: per day, answer rate by team list and hour, wait, dispositions"),
        host.show_reports,
        QKeySequence("Ctrl+Shift+R"),
    )
    call_menu.addSeparator()
    call_menu.addAction(reports)

    account_menu = bar.addMenu(tr("&Account"))
    account = _action(
        window,
        tr("&Account…"),
        tr("The sandbox or a DialogTech account"),
        host.show_account,
        None,
        "account",
    )
    outbox = _action(
        window,
        tr("Sandbox &outbox…"),
        tr("What the sandbox would have sent"),
        host.show_outbox,
        None,
        "outbox",
    )
    account_menu.addActions([account, outbox])

    edit_menu = bar.addMenu(tr("&Edit"))
    # Preferences has no standard key on Linux and Windows, so Ctrl+, is added there.
    prefs_keys = [*QKeySequence.keyBindings(keys.Preferences), QKeySequence("Ctrl+,")]
    prefs = _action(
        window,
        tr("&Preferences…"),
        tr("Default call options and behaviour"),
        host.show_preferences,
        prefs_keys,
    )
    prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
    dispositions = _action(
        window,
        tr("&Dispositions…"),
        tr("The list the wrap-up offers: add, rename, remove, order"),
        host.show_dispositions,
    )
    edit_menu.addActions([dispositions, prefs])

    help_menu = bar.addMenu(tr("&Help"))
    rules = _action(
        window,
        tr("Sandbox &rules"),
        tr("How the sandbox's numbers answer"),
        host.show_rules,
        None,
        "sandbox",
    )
    about = _action(
        window,
        tr("&About {0}").format(APP_NAME),
        tr("Version and licence"),
        host.show_about,
        keys.HelpContents,
    )
    about.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addActions([rules, about])
    return WindowActions(
        export=export,
        quit=quit_,
        call=call,
        find=find,
        history=history,
        in_flight=in_flight,
        reports=reports,
        account=account,
        outbox=outbox,
        prefs=prefs,
        dispositions=dispositions,
        rules=rules,
        about=about,
    )
