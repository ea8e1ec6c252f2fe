"""The question when Call meets a lead marked "Do not call": why, and whether to override."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from console.calls import DoNotCall
from ui.common.errors import ask

if TYPE_CHECKING:  # imported when a question is first asked, not at start
    from PySide6.QtWidgets import QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("DoNotCall", text)


def ask_override(
    parent: QWidget, refusal: DoNotCall, call_anyway: Callable[[], object]
) -> QMessageBox:
    """Say why the call was not placed and offer the override; No (the default) calls nobody.

    ``call_anyway`` runs on "Call anyway" only: the override is always the person's choice.
    """
    from PySide6.QtWidgets import QMessageBox

    from console.phone import lead_label

    lead = refusal.lead
    who = lead_label(lead.name, lead.number)
    box = ask(
        parent,
        _tr("Do not call"),
        _tr("{0} is marked \u201cDo not call\u201d; nothing was sent.").format(who),
        call_anyway,
        yes=_tr("Call &anyway"),
        no=_tr("&Don't call"),
        informative=_tr("Why: {0}").format(lead.do_not_call_reason or _tr("no reason given")),
    )
    box.setIcon(QMessageBox.Icon.Warning)
    box.setObjectName("do_not_call")
    return box
