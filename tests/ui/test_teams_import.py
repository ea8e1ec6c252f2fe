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


def _choose(panel: TeamsPanel, roster: Path, words: str) -> None:
    panel.ask_import_mode(roster)
    box = panel.mode_box
    assert box is not None and box.isVisible()
    [button] = [b for b in box.buttons() if words in b.text()]
    button.click()


def test_add_to_the_picked_list_keeps_its_members(qtbot, panel, store, roster) -> None:
    _choose(panel, roster, "Add to Sales")
    # Names from first + last name; the number already on the list is not added twice.
    assert _members(store, "Sales") == [
        ("Ann", "5551112222"), ("Cy", "5551114444"), ("Ed Eng", "5551115555"),
    ]  # fmt: skip
    assert "Added 1 member to Sales; 1 number already on it." in panel.undo_bar.label.text()
    panel.undo_stack.undo()
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]


def test_replace_the_members_of_the_picked_list(qtbot, panel, store, roster) -> None:
    _choose(panel, roster, "Replace the members of Sales")
    assert _members(store, "Sales") == [("Dee Dunn", "5551114444"), ("Ed Eng", "5551115555")]
    assert [t.name for t in store.list_teams()] == ["Sales"]
    panel.undo_stack.undo()
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]


def test_a_new_list_is_named_after_the_file(qtbot, panel, store, roster) -> None:
    _choose(panel, roster, "new list")
    assert _members(store, "roster") == [("Dee Dunn", "5551114444"), ("Ed Eng", "5551115555")]
    assert _members(store, "Sales") == [("Ann", "5551112222"), ("Cy", "5551114444")]
