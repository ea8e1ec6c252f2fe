"""Team lists and presets on the team server: PgStore's (see console.store.teams and
console.store.presets for SQLite). A team lead edits them, an agent reads them (NotALead)."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from psycopg import errors

from console.store.models import Preset, TeamList, TeamMember
from console.store.teams import IMPORT_MODES, TeamImportResult, merged

if TYPE_CHECKING:
    import psycopg

_TEAMS = """
    SELECT t.id, t.name, m.label, m.number, m.enabled
    FROM teams t LEFT JOIN team_members m ON m.team_id = t.id
    {where}
    ORDER BY lower(t.name), t.id, m.position
"""


def _group(rows: list[tuple]) -> list[TeamList]:
    teams: dict[int, TeamList] = {}
    for team_id, name, label, number, enabled in rows:
        team = teams.setdefault(team_id, TeamList(team_id, name, []))
        if label is not None:
            team.members.append(TeamMember(label, number, bool(enabled)))
    return list(teams.values())


def _name(name: str, what: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValueError(f"a {what} needs a name")
    return cleaned


class PgListsMixin:
    """Team-list and preset methods of PgStore."""

    if TYPE_CHECKING:

        def _tx(self) -> AbstractContextManager[psycopg.Connection]: ...
        def _read(self) -> AbstractContextManager[psycopg.Connection]: ...

    # Team lists
    def list_teams(self) -> list[TeamList]:
        with self._read() as conn:
            return _group(conn.execute(_TEAMS.format(where="")).fetchall())

    def get_team(self, name: str) -> TeamList | None:
        sql = _TEAMS.format(where="WHERE lower(t.name) = lower(%s)")
        with self._read() as conn:
            teams = _group(conn.execute(sql, (name.strip(),)).fetchall())
        return teams[0] if teams else None

    def save_team(self, team: TeamList) -> TeamList:
        name = _name(team.name, "team")
        try:
            with self._tx() as conn:
                if team.id is None:
                    row = conn.execute(
                        "INSERT INTO teams(name) VALUES (%s) RETURNING id", (name,)
                    ).fetchone()
                    team_id = int(row[0])
                else:
                    team_id = team.id
                    cur = conn.execute("UPDATE teams SET name = %s WHERE id = %s", (name, team_id))
                    if cur.rowcount == 0:
                        raise KeyError(f"no team with id {team_id}")
                conn.execute("DELETE FROM team_members WHERE team_id = %s", (team_id,))
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO team_members(team_id, position, label, number, enabled)"
                        " VALUES (%s, %s, %s, %s, %s)",
                        [
                            (team_id, position, m.label, m.number, m.enabled)
                            for position, m in enumerate(team.members)
                        ],
                    )
        except errors.UniqueViolation:
            raise ValueError(f"a team named {name!r} already exists (names ignore case)") from None
        return team._replace(id=team_id, name=name, members=list(team.members))

    def import_members(
        self, name: str, members: list[TeamMember], mode: str = "new"
    ) -> TeamImportResult:
        if mode not in IMPORT_MODES:
            raise ValueError(f"mode must be one of {', '.join(IMPORT_MODES)}, not {mode!r}")
        existing = self.get_team(name)
        if existing is not None and mode == "new":
            raise ValueError(f"a team named {existing.name!r} already exists (names ignore case)")
        if existing is None:
            team = self.save_team(TeamList(None, name, list(members)))
            return TeamImportResult(team, True, len(members), [])
        after, already = merged(existing, members, mode)
        return TeamImportResult(self.save_team(after), False, len(members) - len(already), already)

    def rename_team(self, team_id: int, new_name: str) -> None:
        name = _name(new_name, "team")
        try:
            with self._tx() as conn:
                cur = conn.execute("UPDATE teams SET name = %s WHERE id = %s", (name, team_id))
                if cur.rowcount == 0:
                    raise KeyError(f"no team with id {team_id}")
        except errors.UniqueViolation:
            raise ValueError(f"a team named {name!r} already exists (names ignore case)") from None

    def delete_team(self, team_id: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM teams WHERE id = %s", (team_id,))

    # Presets
    def list_presets(self) -> list[Preset]:
        with self._read() as conn:
            rows = conn.execute("SELECT id, name, options FROM presets ORDER BY lower(name), id")
            return [Preset(*row) for row in rows.fetchall()]

    def get_preset(self, name: str) -> Preset | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT id, name, options FROM presets WHERE lower(name) = lower(%s)",
                (name.strip(),),
            ).fetchone()
        return Preset(*row) if row else None

    def save_preset(self, name: str, options: dict[str, object]) -> Preset:
        name = _name(name, "preset")
        text = json.dumps(options)  # before the transaction: unserialisable options write nothing
        with self._tx() as conn:
            row = conn.execute(
                "INSERT INTO presets(name, options) VALUES (%s, %s::jsonb)"
                " ON CONFLICT ((lower(name))) DO UPDATE SET name = excluded.name,"
                " options = excluded.options RETURNING id",
                (name, text),
            ).fetchone()
        return Preset(int(row[0]), name, json.loads(text))

    def rename_preset(self, old: str, new: str) -> None:
        new = _name(new, "preset")
        try:
            with self._tx() as conn:
                cur = conn.execute(
                    "UPDATE presets SET name = %s WHERE lower(name) = lower(%s)", (new, old.strip())
                )
                if cur.rowcount == 0:
                    raise KeyError(f"no preset named {old!r}")
        except errors.UniqueViolation:
            raise ValueError(f"a preset named {new!r} already exists (names ignore case)") from None

    def delete_preset(self, name: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM presets WHERE lower(name) = lower(%s)", (name.strip(),))
