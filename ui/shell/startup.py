"""Starting the engine for the window: a store that cannot be used is offered to be set aside.

The store is never changed or deleted here: with the person's word it is renamed (with its
-wal and -shm), a fresh one starts in its place, and what can be read from the old one is
copied into it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console import APP_NAME
from console.engine import Engine, start_engine
from console.store import DamagedStore, UnusableStore, set_aside
from console.store.damage import restore_hint

log = logging.getLogger(__name__)
TABLE_WORDS = {  # one, many
    "teams": ("team list", "team lists"),
    "leads": ("lead", "leads"),
    "presets": ("preset", "presets"),
    "history": ("call in the history", "calls in the history"),
}


class QuitOnProblem(Exception):
    """The person chose Quit rather than set the store aside; ``problem`` is why."""

    def __init__(self, problem: UnusableStore) -> None:
        super().__init__(str(problem))
        self.problem = problem


async def open_engine() -> Engine:
    """The engine (started later, see start_engine).

    Raises QuitOnProblem when the store cannot be used and the person chose Quit, LocalProblem
    (or ValueError for the API URL) when it cannot start.
    """
    try:
        return await start_engine(later=True)
    except UnusableStore as problem:
        log.warning("store: %s", problem)
        unusable = problem
    if not await ask_to_set_aside(unusable):
        raise QuitOnProblem(unusable)
    kept = set_aside(unusable)
    engine = await start_engine(later=True)
    notice = f"The store was moved aside as {kept.name} and a fresh one started."
    if isinstance(unusable, DamagedStore):
        notice += " " + await _salvage(engine, kept)
    engine.start_notices.append(f"{notice} To go back to it, {restore_hint(kept, unusable.path)}.")
    return engine


async def _salvage(engine: Engine, kept: Path) -> str:
    """Copy what can be read from ``kept`` into the fresh store; says what was read."""
    try:
        # Off the loop: a large store takes a while to read.
        copied = await asyncio.to_thread(engine.store.salvage_from, kept)
    except (sqlite3.Error, OSError) as exc:
        log.error("store salvage failed: %s", exc)
        return "Nothing could be read from it."
    read = [
        f"{copied[t]:,} {one if copied[t] == 1 else many}"
        for t, (one, many) in TABLE_WORDS.items()
        if copied.get(t)
    ]
    return ("Read from it: " + ", ".join(read) + ".") if read else "Nothing could be read from it."


async def ask_to_set_aside(problem: UnusableStore) -> bool:
    """Ask, before any window, whether to set the store aside; True for "Move aside"."""
    from PySide6.QtWidgets import QMessageBox  # only a store that cannot be used needs it

    tr = QApplication.translate
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, _first_upper(problem.problem) + ".")
    box.setObjectName("unusable store")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(
        tr(
            "startup",
            "Move aside renames it, with its -wal and -shm files, to {0}.{1}-<date>-<time> in "
            "the same folder, starts a fresh store and copies into it what can still be read. "
            "Nothing is deleted, and the next message says how to go back to it.",
        ).format(problem.path.name, "damaged" if isinstance(problem, DamagedStore) else "newer")
    )
    move = box.addButton(
        tr("startup", "&Move aside and start fresh"), QMessageBox.ButtonRole.AcceptRole
    )
    quit_button = box.addButton(tr("startup", "&Quit"), QMessageBox.ButtonRole.RejectRole)
    for button in (move, quit_button):
        button.setAccessibleName(button.text().replace("&", ""))
        button.setToolTip(button.text().replace("&", ""))
    box.setDefaultButton(quit_button)
    box.setEscapeButton(quit_button)
    answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finished(_result: int) -> None:
        if not answered.done():
            answered.set_result(box.clickedButton() is move)

    box.finished.connect(finished)
    box.open()  # not exec(): the loop keeps running
    return await answered


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
