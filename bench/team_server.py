"""A team server for the team benchmarks: tests/pg.py's throwaway cluster, started and stopped
here, with one migrated database and the two login roles, as `team init` and the tests make them.

When PostgreSQL cannot be had the benchmark is not run (NotRun: one line saying why), unless
FINDME_REQUIRE_POSTGRES=1, where that is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench.results import NotRun

DATABASE = "findme_bench"


@dataclass
class TeamServer:
    cluster: Any  # tests.pg.Cluster
    lead_url: str  # password included: the desktops' FINDME_TEAM_URL
    agent_url: str
    admin_url: str


@contextmanager
def team_server() -> Iterator[TeamServer]:
    """A fresh cluster with the team schema in DATABASE; destroyed at the end."""
    from tests import pg

    why = pg.unavailable()
    if why:
        if os.environ.get(pg.REQUIRE_ENV) == "1":
            raise RuntimeError(f"PostgreSQL is required ({pg.REQUIRE_ENV}=1) but {why}")
        raise NotRun(f"the team server benchmarks need PostgreSQL: {why}")
    cluster = pg.start_cluster()
    try:
        import psycopg

        from console.store.postgres import migrate

        cluster.admin(f"CREATE DATABASE {DATABASE}")
        with psycopg.connect(cluster.admin_url(DATABASE), autocommit=True) as conn:
            migrate(conn)  # the schema and the two group roles
        for user, group in ((pg.LEAD_USER, "findme_lead"), (pg.AGENT_USER, "findme_agent")):
            cluster.admin(f"CREATE ROLE {user} LOGIN PASSWORD '{pg.ROLE_PASSWORD}' IN ROLE {group}")
        yield TeamServer(
            cluster,
            cluster.url(DATABASE, pg.LEAD_USER, pg.ROLE_PASSWORD),
            cluster.url(DATABASE, pg.AGENT_USER, pg.ROLE_PASSWORD),
            cluster.admin_url(DATABASE),
        )
    finally:
        pg.destroy(cluster)


def server_calls(admin_url: str) -> list[tuple[str, str]]:
    """(uuid, status) of every row of the team's calls, read as the owner (no row policy)."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT uuid::text, status FROM findme.calls").fetchall()
