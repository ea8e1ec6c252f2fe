"""Live team lists: LISTEN on a dedicated connection, one event per change, resync on reconnect.

A plain synchronous connection in the calling thread (not psycopg's async API, which
Windows' Proactor loop does not support): the window can run it in a thread feeding a Qt
signal, the command line runs it in the foreground. Notifications carry ids only
(PostgreSQL shows every payload to every user); the ones sent while the listener was away
are lost, so every (re)connection starts with a "resync" event: read the lists again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from console.store.postgres.schema import CHANGES_CHANNEL
from console.store.postgres.server import TeamServerProblem, connect, unreachable

Event = dict[str, Any]
# The tables whose changes are list changes (the channel also carries the calls').
LIST_TABLES = frozenset({"teams", "team_members", "presets"})


def watch(
    url: str,
    password: str | None,
    emit: Callable[[Event], None],
    stop: threading.Event,
    retry_seconds: float = 1.0,
) -> None:
    """Call ``emit`` for each event until ``stop`` is set.

    Events: ``{"event": "resync"}`` after each (re)connection, ``{"event": "change",
    "table": "teams"|"team_members"|"presets", "id": N}`` per changed row, and
    ``{"event": "offline", "problem": sentence}`` when the server is lost (retried every
    ``retry_seconds``).
    """
    offline = False
    while not stop.is_set():
        try:
            with connect(url, password) as conn:
                conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                offline = False
                emit({"event": "resync"})
                while not stop.is_set():
                    for note in conn.notifies(timeout=0.5):
                        change = json.loads(note.payload)
                        if change.get("table") in LIST_TABLES:  # calls are not lists
                            emit({"event": "change", **change})
        except (TeamServerProblem, psycopg.Error) as exc:
            problem = exc if isinstance(exc, TeamServerProblem) else unreachable(exc, url)
            if not offline:
                emit({"event": "offline", "problem": problem.sentence()})
                offline = True
            stop.wait(retry_seconds)
