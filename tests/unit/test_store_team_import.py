"""Importing members into a team list: new, add or replace, in the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.store import Store, TeamList, TeamMember

ANN, BOB, CY = (TeamMember("Ann", "5551112222"), TeamMember("Bob", "5551113333"),
                TeamMember("Cy", "5551114444"))  # fmt: skip


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "findme.db") as opened:
        yield opened


def test_new_makes_a_list_and_refuses_a_taken_name(store: Store) -> None:
    result = store.import_members("Night", [ANN, BOB])
    assert result.created and result.added == 2 and result.team.members == [ANN, BOB]
    with pytest.raises(ValueError, match="already exists"):
        store.import_members("night", [CY], "new")
    assert store.get_team("Night").members == [ANN, BOB]


def test_add_appends_new_numbers_only(store: Store) -> None:
    store.save_team(TeamList(None, "Night", [ANN, BOB]))
    result = store.import_members("NIGHT", [TeamMember("Bobby", BOB.number), CY], "add")
    assert not result.created and result.added == 1 and result.already == [BOB.number]
    assert store.get_team("Night").members == [ANN, BOB, CY]


def test_replace_puts_the_file_in_place_of_the_members(store: Store) -> None:
    store.save_team(TeamList(None, "Night", [ANN, BOB]))
    result = store.import_members("Night", [CY], "replace")
    assert result.added == 1 and store.get_team("Night").members == [CY]


def test_add_or_replace_creates_a_missing_list(store: Store) -> None:
    assert store.import_members("Day", [CY], "replace").created
    assert store.get_team("Day").members == [CY]
    with pytest.raises(ValueError, match="mode"):
        store.import_members("Day", [CY], "merge")
