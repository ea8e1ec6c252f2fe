"""The team store on PostgreSQL (team mode only: psycopg is imported here and nowhere else).

server: URLs, passwords kept out of them, connecting; schema: versions and roles;
store: PgStore, the console.store.base.ConsoleStore interface on the team server.
"""

from console.store.base import NotALead
from console.store.postgres.schema import MIGRATIONS, SchemaTooNew, migrate
from console.store.postgres.server import TeamServerProblem, connect, split_password
from console.store.postgres.store import PgStore

__all__ = [
    "MIGRATIONS",
    "NotALead",
    "PgStore",
    "SchemaTooNew",
    "TeamServerProblem",
    "connect",
    "migrate",
    "split_password",
]
