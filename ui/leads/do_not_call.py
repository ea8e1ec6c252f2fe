"""Marking a lead "Do not call" by hand, with the reason, or allowing calls again.

The mark is the engine's rule (console.calls.DoNotCall refuses the number until overridden);
a "Do not call" wrap-up sets it too (console.store.dispositions).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from console.store import Lead

if TYPE_CHECKING:  # imported when the menu is first opened, not at start
    from PySide6.QtGui import QAction  # noqa: F811
    from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

    from console.store.base import ConsoleStore


def _tr(text: str) -> str:
    return QCoreApplication.translate("DoNotCall", text)


def add_action(
    menu: QMenu,
    lead: Lead,
    store: ConsoleStore,
    done: Callable[[Lead], None],
    failed: Callable[[str], None],
    before: QAction | None = None,
) -> QAction:
    """The lead's "Do not call…" (asks why) or "Allow calls again" in ``menu`` (above
    ``before``); ``done`` gets the lead once saved, ``failed`` one sentence when the store
    refused."""
    from PySide6.QtGui import QAction

    def save(reason: str | None) -> None:
        try:
            store.set_do_not_call(lead.id, reason)
        except (ValueError, KeyError, sqlite3.Error) as exc:
            failed(_tr("Not saved: {0}").format(str(exc).strip("'\"")))
            return
        done(lead)

    if lead.do_not_call:
        action = QAction(_tr("&Allow calls again"), menu)
        action.setToolTip(_tr("Marked: {0}").format(lead.do_not_call_reason))
        action.triggered.connect(lambda: save(None))
    else:
        action = QAction(_tr("D&o not call…"), menu)
        action.triggered.connect(lambda: ask_reason(menu.parentWidget(), lead, save))
    menu.insertAction(before, action)  # None: at the end
    return action


def ask_reason(parent: QWidget | None, lead: Lead, save: Callable[[str], None]) -> QInputDialog:
    """Ask why (non-modal); ``save`` gets the reason on OK."""
    from PySide6.QtWidgets import QInputDialog

    from console.phone import lead_label

    dialog = QInputDialog(parent)
    dialog.setObjectName("do_not_call_reason")
    dialog.setWindowTitle(_tr("Do not call"))
    dialog.setLabelText(
        _tr("Why is {0} not to be called? (Call will say it)").format(
            lead_label(lead.name, lead.number)
        )
    )
    dialog.textValueSelected.connect(save)
    dialog.open()
    return dialog
