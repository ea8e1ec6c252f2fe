"""Team lists: named, ordered phone numbers that one call rings."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, NamedTuple

from console.store.models import TeamList, TeamMember

_SELECT = """
    SELECT t.id, t.name, m.label, m.number, m.enabled
    FROM teams t LEFT JOIN team_members m ON m.team_id = t.id
    {where}
    ORDER BY t.name COLLATE NOCASE, t.id, m.position
"""


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a team needs a name")
    return cleaned


def _duplicate(name: str) -> ValueError:
    return ValueError(f"a team named {name!r} already exists (names ignore case)")


# How imported members join a team list: a new list, added to one, or in place of its members.
IMPORT_MODES = ("new", "add", "replace")


class TeamImportResult(NamedTuple):
    """What importing members into a list did: the list as saved, whether it was created,
    how many members were added, and the numbers skipped because the list had them."""

    team: TeamList
    created: bool
    added: int
    already: list[str]


def merged(team: TeamList, members: list[TeamMember], mode: str) -> tuple[TeamList, list[str]]:
    """``team`` with imported ``members``: "add" appends those whose number it does not
    have yet (the others' numbers are returned), "replace" puts them in place of its
    members. The store is not touched, so the window can offer the change as an undo step."""
    if mode == "replace":
        return team._replace(members=list(members)), []
    if mode != "add":
        raise ValueError(f"mode must be add or replace, not {mode!r}")
    have = {m.number for m in team.members}
    new = [m for m in members if m.number not in have]
    already = [m.number for m in members if m.number in have]
    return team._replace(members=[*team.members, *new]), already


def _group(rows: list[tuple]) -> list[TeamList]:
    """Fold joined team/member rows into teams, keeping row order."""
    teams: dict[int, TeamList] = {}
    for team_id, name, label, number, enabled in rows:
        team = teams.setdefault(team_id, TeamList(team_id, name, []))
        if label is not None:  # a team with no members joins to one row of NULLs
            team.members.append(TeamMember(label, number, bool(enabled)))
    return list(teams.values())


class TeamsMixin:
    """Team methods of Store."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def list_teams(self) -> list[TeamList]:
        """All teams by name, members in their stored order."""
        with self._read() as conn:
            return _group(conn.execute(_SELECT.format(where="")).fetchall())

    def get_team(self, name: str) -> TeamList | None:
        """The team called `name` (ignoring case), or None."""
        with self._read() as conn:
            rows = conn.execute(_SELECT.format(where="WHERE t.name = ?"), (name.strip(),))
            teams = _group(rows.fetchall())
        return teams[0] if teams else None

    def save_team(self, team: TeamList) -> TeamList:
        """Insert a new team (id None) or update one, replacing its members; returns it saved."""
        name = _clean_name(team.name)
        with self._tx() as conn:
            try:
                if team.id is None:
                    team_id = conn.execute("INSERT INTO teams(name) VALUES (?)", (name,)).lastrowid
                else:
                    team_id = team.id
                    cur = conn.execute("UPDATE teams SET name = ? WHERE id = ?", (name, team_id))
                    if cur.rowcount == 0:
                        raise KeyError(f"no team with id {team_id}")
            except sqlite3.IntegrityError as exc:
                raise _duplicate(name) from exc
            conn.execute("DELETE FROM team_members WHERE team_id = ?", (team_id,))
            conn.executemany(
                "INSERT INTO team_members(team_id, position, label, number, enabled)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (team_id, position, m.label, m.number, int(m.enabled))
                    for position, m in enumerate(team.members)
                ],
            )
        return team._replace(id=team_id, name=name, members=list(team.members))

    def import_members(
        self, name: str, members: list[TeamMember], mode: str = "new"
    ) -> TeamImportResult:
        """Put imported members into the list called ``name`` (ignoring case).

        ``mode``: "new" makes a new list (ValueError if one has that name); "add" appends
        members whose number the list does not have; "replace" replaces its members. With
        "add" or "replace" a missing list is created. See IMPORT_MODES and merged().
        """
        if mode not in IMPORT_MODES:
            raise ValueError(f"mode must be one of {', '.join(IMPORT_MODES)}, not {mode!r}")
        existing = self.get_team(name)
        if existing is not None and mode == "new":
            raise _duplicate(existing.name)
        if existing is None:
            team = self.save_team(TeamList(None, name, list(members)))
            return TeamImportResult(team, True, len(members), [])
        after, already = merged(existing, members, mode)
        saved = self.save_team(after)
        added = len(members) - len(already)
        return TeamImportResult(saved, False, added, already)

    def rename_team(self, team_id: int, new_name: str) -> None:
        """Rename a team; ValueError if another team has that name."""
        name = _clean_name(new_name)
        with self._tx() as conn:
            try:
                cur = conn.execute("UPDATE teams SET name = ? WHERE id = ?", (name, team_id))
            except sqlite3.IntegrityError as exc:
                raise _duplicate(name) from exc
            if cur.rowcount == 0:
                raise KeyError(f"no team with id {team_id}")

    def delete_team(self, team_id: int) -> None:
        """Delete a team and its members; a missing id is not an error."""
        with self._tx() as conn:
            conn.execute("DELETE FROM teams WHERE id = ?", (team_id,))
