"""Every dialog and message box the window opens shows its whole title: short and complete,
with what varies (a file, a task, a lead) in the body, and the window wide enough for it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from window_kit import open_session, seed_window

from console.store import CallRecord
from ui.common.widgets import TITLE_CHROME


def _call_clipboard(window) -> object:
    QGuiApplication.clipboard().setText("(555) 222-3334")
    return window.call_clipboard()


MAX_TITLE = 32  # characters: a title names the dialog; details belong in its body


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def opened_by(action: Callable[[], object]) -> list[QWidget]:
    """The windows that ``action`` brings up (the main window itself aside)."""
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    action()
    QApplication.processEvents()  # a message box settles its size when shown
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and id(w) not in before and w.windowTitle()
    ]


def whole_title_fits(widget: QWidget) -> bool:
    metrics = QFontMetrics(QApplication.font("QMdiSubWindowTitleBar"))
    return widget.width() >= metrics.horizontalAdvance(widget.windowTitle()) + TITLE_CHROME


def test_every_dialog_title_is_short_and_shown_whole(session, arun, tmp_path: Path) -> None:
    engine, window = session.start()
    lead, _team = seed_window(engine, window)
    window.leads_panel.select_lead(lead.id)
    engine.store.save_preset("Mornings", {})
    window.call_panel.presets.reload(select="Mornings")
    engine.start_notices.append("The settings file could not be read; defaults are in use.")
    engine.store.add_calls_bulk(
        [
            CallRecord(
                None,
                "2024-05-01T10:00:00.000Z",
                "2024-05-01T10:00:05.000Z",
                "Jane Roe",
                "5552223334",
                "Sales East",
                "5551110003",
                1,
                "success",
                "",
                "2405011a2b3c4d5e",
                "",
                "",
                1,
            )  # fmt: skip
        ]
    )
    window.history.model.refresh()
    window.teams_panel.refresh()
    bad_team = tmp_path / "team.csv"
    bad_team.write_text("label,number\nAnn,12\n", encoding="utf-8")
    teams = window.teams_panel
    presets = window.call_panel.presets
    openers: dict[str, Callable[[], object]] = {
        "about": window.show_about,
        "notices": window.show_notices,
        "link refused": lambda: window.prefill_from_link("tel:12"),
        "clipboard call": lambda: _call_clipboard(window),
        "task failed": lambda: window._task_failed("checkpoint the store", OSError("disk full")),
        "rules": window.show_rules,
        "preferences": window.show_preferences,
        "account": window.show_account,
        "outbox": window.show_outbox,
        "dispositions": window.show_dispositions,
        "delete list": teams.confirm_delete_list,
        "team import summary": lambda: teams.import_csv(bad_team),
        "save preset": presets.ask_save,
        "rename preset": presets.ask_rename,
        "delete preset": presets.ask_delete,
        "call details": lambda: window.history.show_details(0),
        "lead notes": window.leads_panel.edit_notes,
    }
    problems = []
    for what, opener in openers.items():
        shown = opened_by(opener)
        assert shown, f"{what}: nothing was opened"
        for dialog in shown:
            title = dialog.windowTitle()
            if len(title) > MAX_TITLE:
                problems.append(f"{what}: {title!r} is long; put the detail in the body")
            if not whole_title_fits(dialog):
                problems.append(f"{what}: {title!r} is cut in a {dialog.width()} px window")
            dialog.close()
    assert problems == []
