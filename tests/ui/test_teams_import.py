"""Importing a roster into the teams panel: a new list, added to the picked one, or replacing it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from console.store import Store, TeamList, TeamMember
from ui.teams.panel import TeamsPanel

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("does not support propagateSizeHints"),
]
ROSTER = "First Name,Last Name,Mobile\nDee,Dunn,555-111-4444\nEd,Eng,555-111-5555\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "findme.db") as opened:
        yield opened


@pytest.fixture
def panel(qtbot, store: Store) -> TeamsPanel:
    store.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5551112222"),
                                             TeamMember("Cy", "5551114444")]))  # fmt: skip
    widget = TeamsPanel(store)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def _members(store: Store, name: str) -> list[tuple[str, str]]:
    team = store.get_team(name)
    assert team is not None
    return [(m.label, m.number) for m in team.members]


def _choose(panel: TeamsPanel, roster: Path, words: str, arun) -> None:
    panel.ask_import_mode(roster)
    box = panel.mode_box
    assert box is not None and box.isVisible()
    [button] = [b for b in box.buttons() if words in b.text()]
    button.click()
    arun(panel.import_task)  # the columns are looked at off the UI thread first


def test_add_to_the_picked_list_keeps_its_members(qtbot, arun, panel, store, roster) -> None:
    _choose(panel, roster, "Add to Sales", arun)
    # Names from first + last name; the number already on the list is not added twice.
    assert _members(store, "Sales") == [
        ("Ann", "5551112222"), ("Cy", "5551114444"), ("Ed Eng", "5551115555"),
    ]  # fmt: skip
    assert "Added 1 member to Sales; 1 number already on it." in panel.undo_bar.label.text()
    panel.undo_stack.undo()
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]


def test_replace_the_members_of_the_picked_list(qtbot, arun, panel, store, roster) -> None:
    _choose(panel, roster, "Replace the members of Sales", arun)
    assert _members(store, "Sales") == [("Dee Dunn", "5551114444"), ("Ed Eng", "5551115555")]
    assert [t.name for t in store.list_teams()] == ["Sales"]
    panel.undo_stack.undo()
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]


def test_a_new_list_is_named_after_the_file(qtbot, arun, panel, store, roster) -> None:
    _choose(panel, roster, "new list", arun)
    assert _members(store, "roster") == [("Dee Dunn", "5551114444"), ("Ed Eng", "5551115555")]
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]


def test_a_roster_with_unknown_columns_asks_for_them_once(qtbot, arun, store, tmp_path) -> None:
    # "Mitarbeiter, Durchwahl": nothing the layouts know; the column step asks, and remembers.
    from PySide6.QtWidgets import QDialogButtonBox

    from console.csvlayout import remembered
    from console.settings import Settings
    from tests.conftest import until

    settings = Settings(tmp_path / "settings.json")
    widget = TeamsPanel(store, settings=settings)
    qtbot.addWidget(widget)
    path = tmp_path / "dienstplan.csv"
    path.write_text("Mitarbeiter,Durchwahl\nDee Dunn,555-111-4444\n", encoding="utf-8")

    async def import_choosing_columns():
        task = widget.import_chosen(path, "new")
        await until(lambda: widget.mapping_dialog is not None and widget.mapping_dialog.isVisible())
        dialog = widget.mapping_dialog
        assert dialog.combos["phone"].currentData() == 1  # guessed from the values
        dialog.choose("name", 0)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        return await task

    team = arun(import_choosing_columns())
    assert team is not None and team.name == "dienstplan"
    assert [(m.label, m.number) for m in team.members] == [("Dee Dunn", "5551114444")]
    assert remembered(Settings(tmp_path / "settings.json"), ["Mitarbeiter", "Durchwahl"])
    assert widget.mapping_dialog is None
