"""The team store on PostgreSQL: the same interface as the SQLite store (console.store.base).

One connection, autocommit, each write in its own transaction; safe to share between threads
(a lock serialises them). Rights are the server's: an agent's edit of a team list or preset
is refused by PostgreSQL and raised here as NotALead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import psycopg
from psycopg import errors

from console.store.base import NotALead
from console.store.models import utc_now
from console.store.postgres import schema
from console.store.postgres.calls import PgCallsMixin
from console.store.postgres.leads import PgLeadsMixin
from console.store.postgres.lists import PgListsMixin
from console.store.postgres.reports import PgReportsMixin
from console.store.postgres.server import (
    TeamServerProblem,
    connect,
    unreachable,
    where,
)
from console.store.postgres.wrapup import PgWrapUpMixin

_LEAD_ONLY = {
    "teams": "team lists",
    "team_members": "team lists",
    "presets": "presets",
    "dispositions": "dispositions",
}


class PgStore(PgListsMixin, PgLeadsMixin, PgCallsMixin, PgWrapUpMixin, PgReportsMixin):
    """The team's lists, presets, leads and calls in one PostgreSQL database (see the module).

    Its methods by concern: lists.py (team lists, presets), leads.py, calls.py (the history),
    wrapup.py (dispositions, wrap-ups, call-backs, "Do not call"), reports.py; here the
    connection, its transactions and the role's facts.

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
