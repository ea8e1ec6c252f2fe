"""The team store on PostgreSQL: the same interface as the SQLite store (console.store.base).

One connection, autocommit, each write in its own transaction; safe to share between threads
(a lock serialises them). Rights are the server's: an agent's edit of a team list or preset
is refused by PostgreSQL and raised here as NotALead.
"""

from __future__ import annotations

import json
import threading
import uuid as uuidlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import TracebackType
from typing import Any

import psycopg
from psycopg import errors

from console.store.base import NotALead
from console.store.donotcall import with_team_marks
from console.store.leads import lead_from_row
from console.store.models import (
    FINAL_STATUSES,
    LEAD_ORDERS,
    CallRecord,
    Lead,
    LeadCalls,
    Preset,
    TeamList,
    TeamMember,
    utc_now,
)
from console.store.postgres import schema
from console.store.postgres.filters import call_filter as _call_filter
from console.store.postgres.filters import lead_filter as _lead_filter
from console.store.postgres.reports import PgReportsMixin
from console.store.postgres.server import (
    TeamServerProblem,
    connect,
    unreachable,
    where,
)
from console.store.postgres.wrapup import PgWrapUpMixin
from console.store.teams import IMPORT_MODES, TeamImportResult, merged

_ISO = """to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
_CALL_COLUMNS = (
    f"id, {_ISO.format('created_at')}, {_ISO.format('finished_at')}, lead_name, lead_number,"
    " team_name, list_value, call_type, status, description, sid, {bodies}, 0, desktop,"
    f" uuid::text, agent, disposition, notes, {_ISO.format('wrapped_at')},"
    f" {_ISO.format('callback_at')}"
)
_TEAMS = """
    SELECT t.id, t.name, m.label, m.number, m.enabled
    FROM teams t LEFT JOIN team_members m ON m.team_id = t.id
    {where}
    ORDER BY lower(t.name), t.id, m.position
"""
# As the SQLite store's (console.store.leads): the lookups through calls(lead_number,
# created_at) run for the leads of the page only, after the inner query filters, orders and
# limits them.
_LEADS = f"""
    SELECT l.id, l.name, l.number, l.company, l.notes, c.status, {_ISO.format("c.created_at")},
        l.do_not_call, l.do_not_call_reason, {_ISO.format("c.callback_at")},
        (SELECT count(*) FROM calls WHERE lead_number = l.number)
    FROM ({{inner}}) l
    LEFT JOIN LATERAL (
        SELECT status, created_at, callback_at FROM calls WHERE lead_number = l.number
        ORDER BY created_at DESC, uuid DESC LIMIT 1
    ) c ON true
    ORDER BY {{order}}
"""
_LEAD_ONLY = {
    "teams": "team lists",
    "team_members": "team lists",
    "presets": "presets",
    "dispositions": "dispositions",
}
# The lead columns _LEADS's inner query selects, in lead_from_row's order.
_LEAD_COLUMNS = "l.id, l.name, l.number, l.company, l.notes, l.do_not_call, l.do_not_call_reason"
# Each order of LEAD_ORDERS as an expression over leads l.
_SORT_KEYS = {
    "name": "lower(l.name)",
    "number": "l.number",
    "company": "lower(l.company)",
    "last_call": "(SELECT max(created_at) FROM calls WHERE lead_number = l.number)",
    "calls": "(SELECT count(*) FROM calls WHERE lead_number = l.number)",
}


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


class PgStore(PgWrapUpMixin, PgReportsMixin):
    """The team's lists, presets, leads and calls in one PostgreSQL database (see the module).

    ``agent`` names this desktop's calls (default: the server's current_user), ``desktop``
    the console that placed them (its owner token, for recovering its own calls only).
    """

    def __init__(self, conn: psycopg.Connection, url: str, agent: str, desktop: str = "") -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.url = url
        self.agent = agent
        self.desktop = desktop

    @classmethod
    def open(
        cls,
        url: str,
        *,
        password: str | None = None,
        agent: str = "",
        desktop: str = "",
        **extra: Any,
    ) -> PgStore:
        """Connect and check the schema version; TeamServerProblem (one sentence) if unusable.

        ``extra``: libpq parameters over the defaults (console.store.postgres.server.connect).
        """
        conn = connect(url, password, **extra)
        try:
            found = schema.schema_version(conn)
            if found != len(schema.MIGRATIONS):
                newer = found > len(schema.MIGRATIONS)
                raise TeamServerProblem(
                    f"the team schema on {where(url)} is at version {found}, this console "
                    f"uses version {len(schema.MIGRATIONS)}",
                    "update this console" if newer else "run `team init` with the owner's URL",
                    where(url),
                )
            if not agent:
                agent = str(conn.execute("SELECT current_user").fetchone()[0])
        except psycopg.Error as exc:
            conn.close()
            raise unreachable(exc, url) from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, url, agent, desktop)

    @property
    def connection(self) -> psycopg.Connection:
        """The connection itself, for the one thread that owns this store (console.team's
        sync listens on it); others go through the store's methods."""
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection]:
        """A write transaction; the server's refusals become NotALead or ValueError."""
        with self._lock:
            try:
                with self._conn.transaction():
                    yield self._conn
            except errors.InsufficientPrivilege as exc:
                raise self._refused(exc) from None

    @contextmanager
    def _read(self) -> Iterator[psycopg.Connection]:
        with self._lock:
            yield self._conn

    @staticmethod
    def _refused(exc: errors.InsufficientPrivilege) -> NotALead:
        table = getattr(exc.diag, "table_name", None) or ""
        text = str(exc)
        for name, what in _LEAD_ONLY.items():
            if table == name or f"table {name}" in text:
                return NotALead(f"Only a team lead can edit {what}.")
        if table == "calls" or "calls" in text:
            return NotALead("An agent can record and complete only their own calls.")
        return NotALead("The team server refused this change for your role.")

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
        return replace(team, id=team_id, name=name, members=list(team.members))

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

    # Leads
    def add_lead(self, lead: Lead) -> Lead:
        with self._tx() as conn:
            row = conn.execute(
                "INSERT INTO leads(name, number, company, notes) VALUES (%s, %s, %s, %s)"
                " RETURNING id",
                (lead.name, lead.number, lead.company, lead.notes),
            ).fetchone()
        return Lead(int(row[0]), lead.name, lead.number, lead.company, lead.notes)

    def add_leads(self, leads: list[Lead]) -> int:
        rows = [(lead.name, lead.number, lead.company, lead.notes) for lead in leads]
        with self._tx() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO leads(name, number, company, notes) VALUES (%s, %s, %s, %s)", rows
            )
        return len(rows)

    def update_lead(self, lead: Lead) -> None:
        if lead.id is None:
            raise ValueError("cannot update a lead that has no id; use add_lead")
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE leads SET name = %s, number = %s, company = %s, notes = %s WHERE id = %s",
                (lead.name, lead.number, lead.company, lead.notes, lead.id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no lead with id {lead.id}")

    def delete_lead(self, lead_id: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM leads WHERE id = %s", (lead_id,))

    def get_lead(self, lead_id: int) -> Lead | None:
        inner = f"SELECT {_LEAD_COLUMNS}, l.id AS sort_key FROM leads l WHERE l.id = %s"
        with self._read() as conn:
            row = conn.execute(_LEADS.format(inner=inner, order="l.id"), (lead_id,)).fetchone()
        return with_team_marks([lead_from_row(row)], self._team_marks)[0] if row else None

    def lead_with_number(self, number: str) -> Lead | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT id FROM leads WHERE number = %s ORDER BY lower(name), id LIMIT 1",
                (number,),
            ).fetchone()
        return self.get_lead(int(row[0])) if row else None  # one reading of a lead

    def search_leads(
        self, text: str = "", limit: int = 500, order: str = "name", descending: bool = False
    ) -> list[Lead]:
        where_sql, params = _lead_filter(text)
        key = _SORT_KEYS.get(order, "")
        inner = (
            f"SELECT {_LEAD_COLUMNS}, {key} AS sort_key FROM leads l {where_sql}"
            f" ORDER BY {_order_by(key, order, descending)} LIMIT %s"
        )
        sql = _LEADS.format(inner=inner, order=_order_by("l.sort_key", order, descending))
        with self._read() as conn:
            rows = conn.execute(sql, (*params, limit)).fetchall()
        return with_team_marks([lead_from_row(row) for row in rows], self._team_marks)

    def lead_calls(self, number: str, limit: int = 10) -> LeadCalls:
        """The calls to ``number``: how many, and the newest ``limit`` without bodies (an
        agent's role sees only their own)."""
        columns = _CALL_COLUMNS.format(bodies="'', ''")
        with self._read() as conn:
            total = conn.execute(
                "SELECT count(*) FROM calls WHERE lead_number = %s", (number,)
            ).fetchone()[0]
            rows = conn.execute(
                f"SELECT {columns} FROM calls WHERE lead_number = %s"
                " ORDER BY created_at DESC, uuid DESC LIMIT %s",
                (number, limit),
            ).fetchall()
        return LeadCalls(int(total), [CallRecord(*row) for row in rows])

    def count_leads(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])

    # History
    def begin_call(
        self,
        *,
        lead_name: str,
        lead_number: str,
        team_name: str,
        list_value: str,
        call_type: int,
        request_redacted: str,
        call_uuid: str | None = None,
        created_at: str | None = None,
    ) -> str:
        """Record a call as pending; returns its UUID (made here unless ``call_uuid`` is given).

        Idempotent: the same ``call_uuid`` again (a retry after a lost COMMIT reply, the
        outbox sending a row twice) leaves the one row there is.
        """
        call_uuid = str(uuidlib.UUID(call_uuid)) if call_uuid else str(uuidlib.uuid4())
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO calls(uuid, agent, desktop, created_at, lead_name, lead_number,"
                " team_name, list_value, call_type, status, request_redacted)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending', %s)"
                " ON CONFLICT (uuid) DO NOTHING",
                (
                    call_uuid,
                    self.agent,
                    self.desktop,
                    created_at or utc_now(),
                    lead_name,
                    lead_number,
                    team_name,
                    list_value,
                    call_type,
                    request_redacted,
                ),
            )
        return call_uuid

    def finish_call(
        self,
        call_id: int | str,
        *,
        status: str,
        description: str,
        sid: str = "",
        raw_reply: str = "",
        finished_at: str | None = None,
    ) -> None:
        """Complete a pending call; once only (a call already complete is left as it is).

        KeyError when there is no such call (or it is another agent's, for an agent).
        """
        if status not in FINAL_STATUSES:
            raise ValueError(f"{status!r} is not a final call status")
        call_uuid = str(uuidlib.UUID(str(call_id)))
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE calls SET status = %s, description = %s, sid = %s, raw_reply = %s,"
                " finished_at = %s WHERE uuid = %s AND status = 'pending'",
                (status, description, sid, raw_reply, finished_at or utc_now(), call_uuid),
            )
            if cur.rowcount == 0:
                found = conn.execute("SELECT 1 FROM calls WHERE uuid = %s", (call_uuid,))
                if found.fetchone() is None:
                    raise KeyError(f"no call with id {call_id}")

    def get_call(self, call_id: int | str) -> CallRecord | None:
        column, key = ("id", call_id) if isinstance(call_id, int) else ("uuid", str(call_id))
        sql = f"SELECT {_CALL_COLUMNS.format(bodies='request_redacted, raw_reply')} FROM calls"
        with self._read() as conn:
            row = conn.execute(f"{sql} WHERE {column} = %s", (key,)).fetchone()
        return CallRecord(*row) if row else None

    def count_calls(
        self,
        text: str = "",
        status: str | None = None,
        agent: str | None = None,
        disposition: str | None = None,
    ) -> int:
        where_sql, params = _call_filter(text, status, agent, None, disposition)
        with self._read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM calls{where_sql}", params).fetchone()[0])

    def fetch_calls(
        self,
        text: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int = 200,
        bodies: bool = True,
        agent: str | None = None,
        before: CallRecord | None = None,
        disposition: str | None = None,
    ) -> list[CallRecord]:
        """A page of calls, newest first by (created_at, uuid): ids are not in commit order.

        ``before`` starts the page after that call (keyset paging); ``agent`` keeps one
        agent's calls (an agent's role sees only their own whatever is asked); ``disposition``
        the calls wrapped up with it (ignoring case; "" for those not wrapped up).
        """
        key = (before.created_at, before.uuid) if before is not None else None
        where_sql, params = _call_filter(text, status, agent, key, disposition)
        columns = _CALL_COLUMNS.format(bodies="request_redacted, raw_reply" if bodies else "'', ''")
        sql = (
            f"SELECT {columns} FROM calls{where_sql}"
            " ORDER BY created_at DESC, uuid DESC LIMIT %s OFFSET %s"
        )
        with self._read() as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [CallRecord(*row) for row in rows]

    def list_agents(self) -> list[str]:
        """The agent names on the calls this role sees, sorted."""
        with self._read() as conn:
            rows = conn.execute("SELECT DISTINCT agent FROM calls ORDER BY agent").fetchall()
        return [name for (name,) in rows]

    def team_state(self) -> dict[str, str]:
        """The keys of the SQLite store's team_state that apply to a direct connection: it is
        connected, and nothing waits (every write goes straight to the server)."""
        facts = self.describe()
        role = facts["role"] if facts["role"] in ("lead", "agent") else ""
        return {
            "mode": "team",
            "role": role,
            "agent": self.agent,
            "server": self.url,
            "connected": "1",
            "offline_since": "",
            "last_sync": utc_now(),
            "waiting": "0",
            "error": "",
            "schema_version": str(facts["schema_version"]),
        }

    # Team facts, for `team status`
    def describe(self) -> dict[str, Any]:
        """Server version, schema version, this user and its role ("lead", "agent" or "none")."""
        with self._read() as conn:
            user, server, lead, agent = conn.execute(
                "SELECT current_user, current_setting('server_version'),"
                " pg_has_role(current_user, %s, 'MEMBER') OR (SELECT rolsuper FROM pg_roles"
                "  WHERE rolname = current_user), pg_has_role(current_user, %s, 'MEMBER')",
                (schema.LEAD_ROLE, schema.AGENT_ROLE),
            ).fetchone()
            version = schema.schema_version(conn)
        role = "lead" if lead else "agent" if agent else "none"
        return {"user": user, "server_version": server, "schema_version": version, "role": role}

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _order_by(column: str, order: str, descending: bool) -> str:
    """ORDER BY terms for ``order`` over ``column`` (the sort key), then name and id."""
    if order not in _SORT_KEYS:
        raise ValueError(f"leads can be ordered by {', '.join(LEAD_ORDERS)}, not {order!r}")
    direction = "DESC" if descending else "ASC"
    if order == "name":  # as the index leads_name has it
        return f"{column} {direction}, l.id {direction}"
    # As SQLite does: a lead never called (NULL) comes first going up, last going down.
    nulls = "NULLS LAST" if descending else "NULLS FIRST"
    return f"{column} {direction} {nulls}, lower(l.name), l.id"
