"""Edits made by another connection to the desktop's store (the command line in another
process, or the team's sync thread) show in the window within a second, without losing the
person's place: the real window offscreen, a real SQLite file, real processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QLineEdit
from window_kit import open_session, seed

from console.store import Lead, Store, TeamList, TeamMember
from tests.conftest import ROOT, until

ROSTER = "First Name,Last Name,Mobile\nDee,Dunn,555-111-4444\nEd,Eng,555-111-5555\n"


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _other(engine) -> Store:
    """A second connection to the window's file, as the sync thread or a second console has."""
    return Store.open(engine.store.path)


def test_a_list_imported_by_another_process_shows_within_a_second(
    session, arun, cli_env: dict[str, str], tmp_path: Path
) -> None:
    engine, window = session.start(seed_with=seed)
    panel = window.teams_panel
    panel.table.selectRow(0)
    # The person is renaming the picked list when the other process writes.
    panel.name_edit.setText("Sales East (day)")
    panel.name_edit.setModified(True)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    async def go() -> float:
        loop = asyncio.get_running_loop()
        done = await loop.run_in_executor(
            None,
            lambda: subprocess.run(
                [sys.executable, str(ROOT / "main.py"), "teams", "import", str(roster)]
                + ["--name", "Night"],
                env=cli_env,
                capture_output=True,
                text=True,
                timeout=60,
            ),
        )
        assert done.returncode == 0, done.stderr
        started = time.monotonic()
        await until(lambda: panel.team_combo.findText("Night") >= 0, 1.0, "the list shown")
        return time.monotonic() - started

    assert arun(go()) < 1.0
    # The call panel offers it too; the picked list, its member and the typed name stayed.
    assert any("Night" in window.call_panel.team_combo.itemText(i) for i in range(10))
    assert panel.current_team().name == "Sales East"
    assert panel.table.currentIndex().row() == 0
    assert panel.name_edit.text() == "Sales East (day)" and panel.name_edit.isModified()


def test_a_member_being_edited_is_not_interrupted_nor_the_other_edit_lost(session, arun) -> None:
    engine, window = session.start(seed_with=seed)
    panel = window.teams_panel
    index = panel.model.index(0, 1)
    panel.table.setCurrentIndex(index)
    panel.table.edit(index)
    assert panel.table.state() == QAbstractItemView.State.EditingState
    editor = panel.table.findChild(QLineEdit)
    editor.setText("Agent One (mobile)")
    # Meanwhile another desktop's console (or the lead, through the sync) adds a member to
    # this very list, and another list.
    with _other(engine) as other:
        shown = other.get_team("Sales East")
        other.save_team(
            TeamList(shown.id, shown.name, [*shown.members, TeamMember("Dee", "5551114444")])
        )
        other.save_team(TeamList(None, "Night", [TeamMember("Ed", "5551115555")]))
    arun(asyncio.sleep(0.6))  # several looks of the watcher
    assert panel.table.state() == QAbstractItemView.State.EditingState
    assert editor.text() == "Agent One (mobile)"
    panel.table.commitData(editor)
    panel.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    arun(until(lambda: panel.team_combo.findText("Night") >= 0, 2.0, "the list shown"))
    # Both edits are kept: this one's label and the other's member.
    labels = [m.label for m in engine.store.get_team("Sales East").members]
    assert labels == ["Agent One (mobile)", "Dee"]
    assert [m.label for m in panel.current_team().members] == labels


def test_presets_leads_and_history_written_elsewhere_show(session, arun) -> None:
    engine, window = session.start(seed_with=seed)
    history = window.history
    shown_calls = history.model.rowCount()
    with _other(engine) as other:
        other.save_preset("Evening", {"call_type": 1})
        other.add_lead(Lead(None, "Zed Zulu", "5559990000", "Zeta"))
        call_id = other.begin_call(
            lead_name="Zed Zulu",
            lead_number="5559990000",
            team_name="Sales East",
            list_value="5551110003",
            call_type=1,
            request_redacted="",
        )
        presets = window.call_panel.presets.combo
        arun(until(lambda: presets.findData("Evening") >= 0, 1.0, "the preset"))
        arun(until(lambda: window.leads_panel.find_lead("5559990000"), 1.0, "the lead"))
        arun(until(lambda: history.model.rowCount() == shown_calls + 1, 1.0, "the call"))
        assert history.model.record(0).status == "pending"
        # Ended elsewhere (another process placed it): the row shows how.
        other.finish_call(call_id, status="success", description="Answered by Agent 1")
        arun(until(lambda: history.model.record(0).status == "success", 1.0, "the ending"))
    lead_row = window.leads_panel.model.row_of(window.leads_panel.find_lead("5559990000").id)
    assert lead_row >= 0


def test_the_windows_own_edits_do_not_reload_it(session, arun) -> None:
    engine, window = session.start(seed_with=seed)
    seen: list[frozenset] = []
    window.store_watcher.changed.connect(seen.append)
    window.teams_panel.new_list()
    window.leads_panel.add_lead  # noqa: B018 - the window's own writes go through its store
    engine.store.add_lead(Lead(None, "Own", "5553334444"))
    arun(asyncio.sleep(0.5))
    assert seen == []


def test_the_teams_dispositions_copied_by_the_sync_show_in_the_history_filter(
    session, arun
) -> None:
    from console.store.models import Disposition

    engine, window = session.start(seed_with=seed)
    combo = window.history.disposition_combo
    assert combo.findText("Voicemail full") < 0
    with _other(engine) as other:  # as the team sync writes the server's list
        other.set_team_state({"mode": "team"})
        team = [Disposition(41, "Reached", 0), Disposition(42, "Voicemail full", 1)]
        assert other.mirror_dispositions(team) is True
    arun(until(lambda: combo.findText("Voicemail full") >= 0, 1.0, "the team's dispositions"))
    assert combo.findText("Connected") < 0  # the desktop's own list is gone
