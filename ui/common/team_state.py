"""The team sync's state (the store's team_state, keys in docs/team-server.md) in words: the
window's team line and the Account dialog's Team section say it the same way."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.common.words import local_time, short_time


def _tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("TeamState", text, disambiguation, n)


def describe(state: dict[str, str]) -> tuple[str, str, str]:
    """(the line, the last problem, a tooltip) for a desktop in team mode.

    The line is "" when there is nothing to say: connected, nothing waiting to be sent.
    """
    parts: list[str] = []
    connected = state.get("connected")
    since = state.get("offline_since", "")
    tip = _tr("Calls go out as usual; the team server gets them when it is back.")
    refused = state.get("refused_login", "")
    if connected == "0" and refused:
        # The server answered, and said no: "offline" would send the person to the network.
        parts.append(
            _tr("Team server refused the login for {0}: wrong password or user").format(refused)
        )
        tip = _tr("Connect again with the right password (Account… → Team).") + " " + tip
    elif connected == "0":
        if since:
            parts.append(_tr("Team server offline since {0}").format(short_time(since)))
            tip = _tr("Offline since {0}.").format(local_time(since)) + " " + tip
        else:
            parts.append(_tr("Team server offline"))
    elif connected != "1":
        parts.append(_tr("Connecting to the team server…"))
    try:
        waiting = int(state.get("waiting") or 0)
    except ValueError:
        waiting = 0
    if waiting:
        if not parts:
            parts.append(_tr("Team server connected"))
        parts.append(_tr("%n call(s) or edit(s) waiting to be sent", "", waiting))
    if state.get("last_sync"):
        tip += " " + _tr("Last sync: {0}.").format(local_time(state["last_sync"]))
    return " · ".join(parts), state.get("error", ""), tip
