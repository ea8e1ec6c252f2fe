"""The team schema: versions migrated in order, and the two group roles with their rights.

Everything lives in the schema ``findme`` of a database the team dedicates to it (one
database per team). Migrations run in one transaction under ``pg_advisory_xact_lock``, so
two desktops starting at once apply each version once; the version is re-read under the lock.
"""

from __future__ import annotations

import psycopg

from console.store.dispositions import DEFAULTS
from console.store.models import CALL_STATUSES
from console.store.postgres.server import SCHEMA

# Any constant shared by every console: the advisory lock key for migrating the schema.
MIGRATION_LOCK = 0x46494E444D45  # "FINDME"
LEAD_ROLE, AGENT_ROLE = "findme_lead", "findme_agent"
CHANGES_CHANNEL = "findme_changes"

_STATUSES = ", ".join(f"'{s}'" for s in CALL_STATUSES)

_V1 = f"""
CREATE TABLE teams (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> '')
);
CREATE UNIQUE INDEX teams_name ON teams (lower(name));
CREATE TABLE team_members (
    team_id bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    position integer NOT NULL,
    label text NOT NULL,
    number text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    PRIMARY KEY (team_id, position)
);
CREATE TABLE presets (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    options jsonb NOT NULL DEFAULT '{{}}'
);
CREATE UNIQUE INDEX presets_name ON presets (lower(name));
CREATE TABLE leads (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    number text NOT NULL,
    company text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT ''
);
CREATE INDEX leads_name ON leads (lower(name), id);
-- One row per call. uuid is made by the desktop, so a retried INSERT (its COMMIT reply lost)
-- finds its own row instead of adding a second; id is only for people (not commit order).
CREATE TABLE calls (
    id bigserial PRIMARY KEY,
    uuid uuid NOT NULL UNIQUE,
    agent text NOT NULL,
    desktop text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    finished_at timestamptz,
    lead_name text NOT NULL DEFAULT '',
    lead_number text NOT NULL DEFAULT '',
    team_name text NOT NULL DEFAULT '',
    list_value text NOT NULL DEFAULT '',
    call_type integer NOT NULL,
    status text NOT NULL CHECK (status IN ({_STATUSES})),
    description text NOT NULL DEFAULT '',
    sid text NOT NULL DEFAULT '',
    request_redacted text NOT NULL DEFAULT '',
    raw_reply text NOT NULL DEFAULT ''
);
CREATE INDEX calls_page ON calls (created_at DESC, uuid DESC);
CREATE INDEX calls_lead ON calls (lead_number, created_at DESC);
CREATE INDEX calls_agent ON calls (agent, created_at DESC);
-- Without a policy for them, roles other than the owner see no calls at all.
ALTER TABLE calls ENABLE ROW LEVEL SECURITY;
-- Listeners are told which row changed, never its content: every user can see every payload.
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANGES_CHANNEL}', json_build_object(
        'table', TG_TABLE_NAME,
        'id', to_jsonb(COALESCE(NEW, OLD)) -> TG_ARGV[0])::text);
    RETURN NULL;
END $$;
CREATE TRIGGER teams_changed AFTER INSERT OR UPDATE OR DELETE ON teams
    FOR EACH ROW EXECUTE FUNCTION notify_change('id');
CREATE TRIGGER team_members_changed AFTER INSERT OR UPDATE OR DELETE ON team_members
    FOR EACH ROW EXECUTE FUNCTION notify_change('team_id');
CREATE TRIGGER presets_changed AFTER INSERT OR UPDATE OR DELETE ON presets
    FOR EACH ROW EXECUTE FUNCTION notify_change('id');
"""

# Wrap-up (console.store.dispositions): the team's dispositions, a call's wrap-up, do-not-call.
_DEFAULT_DISPOSITIONS = ", ".join(
    f"('{name}', {position}, '{kind}')" for position, (name, kind) in enumerate(DEFAULTS)
)
_WRAP_UP = f"""
CREATE TABLE dispositions (
    id bigserial PRIMARY KEY,
    name text NOT NULL CHECK (btrim(name) <> ''),
    position integer NOT NULL DEFAULT 0,
    kind text NOT NULL DEFAULT '' CHECK (kind IN ('', 'do_not_call', 'call_back'))
);
CREATE UNIQUE INDEX dispositions_name ON dispositions (lower(name));
CREATE UNIQUE INDEX dispositions_kind ON dispositions (kind) WHERE kind <> '';
INSERT INTO dispositions (name, position, kind) VALUES {_DEFAULT_DISPOSITIONS};
CREATE TRIGGER dispositions_changed AFTER INSERT OR UPDATE OR DELETE ON dispositions
    FOR EACH ROW EXECUTE FUNCTION notify_change('id');
ALTER TABLE calls ADD COLUMN disposition text NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN notes text NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN wrapped_at timestamptz;
ALTER TABLE calls ADD COLUMN callback_at timestamptz;
CREATE INDEX calls_callback ON calls (callback_at) WHERE callback_at IS NOT NULL;
ALTER TABLE leads ADD COLUMN do_not_call boolean NOT NULL DEFAULT false;
ALTER TABLE leads ADD COLUMN do_not_call_reason text NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN do_not_call_call text NOT NULL DEFAULT '';
CREATE INDEX leads_do_not_call ON leads (number) WHERE do_not_call;
-- Rights as ROLES_SQL gives them, for a team whose roles exist already (an upgrade).
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD_ROLE}') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON dispositions TO {LEAD_ROLE};
        GRANT USAGE ON SEQUENCE dispositions_id_seq TO {LEAD_ROLE};
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AGENT_ROLE}') THEN
        GRANT SELECT ON dispositions TO {AGENT_ROLE};
    END IF;
END $$;
"""

# v3: what the desktops' sync threads (console.team) need to pull other agents' calls. A call
# may reach the server long after it was made (a desktop offline for a day), so its
# created_at cannot say what is new: changed_at is the server's clock at each insert or
# update. Listeners hear of a call's change by id, as of the lists'.
_V3 = """
ALTER TABLE calls ADD COLUMN changed_at timestamptz NOT NULL DEFAULT clock_timestamp();
CREATE INDEX calls_changed ON calls (changed_at);
CREATE FUNCTION touch_changed_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_at := clock_timestamp();
    RETURN NEW;
END $$;
CREATE TRIGGER calls_touched BEFORE UPDATE ON calls
    FOR EACH ROW EXECUTE FUNCTION touch_changed_at();
CREATE TRIGGER calls_changed AFTER INSERT OR UPDATE ON calls
    FOR EACH ROW EXECUTE FUNCTION notify_change('id');
"""

# v4, reports (console.store.postgres.reports): a team list's calls over a period without
# reading the rest; a period alone reads calls_page.
_REPORTS = """
CREATE INDEX calls_report_team ON calls (team_name, created_at) INCLUDE (status, finished_at);
"""

# v5, shared do-not-call (console.team): the team's do-not-call numbers. Leads are not copied
# to the desktops, so a mark is shared by number. A row is kept when a number is unmarked
# (marked false): marked_at then orders a mark and an unmark made on two desktops, whichever
# reaches the server first (the later change wins; a change sent again is a no-op). A mark on
# a lead here (PgStore, the `leads` commands with a server) becomes the team's mark too.
_SHARED_DNC = f"""
CREATE TABLE do_not_call (
    number text PRIMARY KEY CHECK (number <> ''),
    marked boolean NOT NULL,
    reason text NOT NULL DEFAULT '',
    marked_by text NOT NULL DEFAULT current_user,
    marked_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER do_not_call_changed AFTER INSERT OR UPDATE OR DELETE ON do_not_call
    FOR EACH ROW EXECUTE FUNCTION notify_change('number');
CREATE FUNCTION share_do_not_call() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {SCHEMA}.do_not_call AS d (number, marked, reason, marked_by, marked_at)
    VALUES (NEW.number, NEW.do_not_call, NEW.do_not_call_reason, current_user,
            clock_timestamp())
    ON CONFLICT (number) DO UPDATE SET marked = excluded.marked, reason = excluded.reason,
        marked_by = excluded.marked_by, marked_at = excluded.marked_at;
    RETURN NULL;
END $$;
CREATE TRIGGER leads_do_not_call_shared AFTER UPDATE OF do_not_call ON leads
    FOR EACH ROW WHEN (OLD.do_not_call IS DISTINCT FROM NEW.do_not_call AND NEW.number <> '')
    EXECUTE FUNCTION share_do_not_call();
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD_ROLE}') THEN
        GRANT SELECT, INSERT, UPDATE ON do_not_call TO {LEAD_ROLE};
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AGENT_ROLE}') THEN
        GRANT SELECT, INSERT, UPDATE ON do_not_call TO {AGENT_ROLE};
    END IF;
END $$;
"""

# Ordered; a schema at version N has had MIGRATIONS[:N] applied. Only ever append.
MIGRATIONS: list[str] = [_V1, _WRAP_UP, _V3, _REPORTS, _SHARED_DNC]

# Run by `team init` when it may (CREATEROLE and owning the tables), else printed for an
# administrator. Idempotent: running it again changes nothing.
ROLES_SQL = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LEAD_ROLE}') THEN
        CREATE ROLE {LEAD_ROLE} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AGENT_ROLE}') THEN
        CREATE ROLE {AGENT_ROLE} NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA {SCHEMA} TO {LEAD_ROLE}, {AGENT_ROLE};
GRANT SELECT ON {SCHEMA}.schema_version TO {LEAD_ROLE}, {AGENT_ROLE};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {LEAD_ROLE}, {AGENT_ROLE};
-- Leads edit team lists and presets, and see every agent's calls.
GRANT SELECT, INSERT, UPDATE, DELETE
    ON {SCHEMA}.teams, {SCHEMA}.team_members, {SCHEMA}.presets, {SCHEMA}.leads, {SCHEMA}.calls
    TO {LEAD_ROLE};
-- Leads edit the team's dispositions (wrap-up); agents read them.
GRANT SELECT, INSERT, UPDATE, DELETE ON {SCHEMA}.dispositions TO {LEAD_ROLE};
GRANT SELECT ON {SCHEMA}.dispositions TO {AGENT_ROLE};
-- Everyone shares the team's do-not-call numbers (v5): a mark protects the whole team.
GRANT SELECT, INSERT, UPDATE ON {SCHEMA}.do_not_call TO {LEAD_ROLE}, {AGENT_ROLE};
-- Agents read team lists and presets, work the leads, and write only their own calls.
GRANT SELECT ON {SCHEMA}.teams, {SCHEMA}.team_members, {SCHEMA}.presets TO {AGENT_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON {SCHEMA}.leads TO {AGENT_ROLE};
GRANT SELECT, INSERT, UPDATE ON {SCHEMA}.calls TO {AGENT_ROLE};
DROP POLICY IF EXISTS calls_lead ON {SCHEMA}.calls;
CREATE POLICY calls_lead ON {SCHEMA}.calls TO {LEAD_ROLE} USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS calls_agent ON {SCHEMA}.calls;
CREATE POLICY calls_agent ON {SCHEMA}.calls TO {AGENT_ROLE}
    USING (agent = current_user) WITH CHECK (agent = current_user);
"""


def schema_version(conn: psycopg.Connection) -> int:
    """The team schema's version in this database; 0 when it has none yet."""
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",)
    ).fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute(f"SELECT version FROM {SCHEMA}.schema_version").fetchone()
    return int(found[0]) if found else 0


def migrate(conn: psycopg.Connection, *, roles: bool = True) -> tuple[int, int, bool]:
    """Bring the schema to len(MIGRATIONS) in one transaction; with ``roles``, try ROLES_SQL.

    Returns (version found, version now, whether the roles and rights were set). Raises
    SchemaTooNew when the database is newer than this console; psycopg.Error otherwise (an
    InsufficientPrivilege when the user may not create the schema).
    """
    known = len(MIGRATIONS)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        found = schema_version(conn)  # under the lock: another desktop may have just done it
        if found > known:
            raise SchemaTooNew(found, known)
        if found < known:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            conn.execute(f"SET LOCAL search_path = {SCHEMA}")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_version (version integer NOT NULL)"
            )
            for sql in MIGRATIONS[found:]:
                conn.execute(sql)
            conn.execute(f"DELETE FROM {SCHEMA}.schema_version")
            conn.execute(f"INSERT INTO {SCHEMA}.schema_version VALUES (%s)", (known,))
        granted = False
        if roles:
            try:
                with conn.transaction():  # a savepoint: the schema stays if this is refused
                    conn.execute(ROLES_SQL)
                granted = True
            except psycopg.errors.InsufficientPrivilege:
                granted = False
    return found, known, granted


class SchemaTooNew(Exception):
    """The team schema was made by a newer console."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"the team schema is at version {found}, newer than this console knows ({known})"
        )
        self.found, self.known = found, known
