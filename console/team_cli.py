"""`team`: make this desktop one of a team's, sharing team lists on a PostgreSQL server.

    main.py team init URL [--password-stdin]      create or upgrade the team schema and roles
    main.py team connect URL [--agent NAME] [--password-stdin]
    main.py team status [--json]
    main.py team sync [--json]
    main.py team disconnect

The URL is libpq's (postgresql://user@host:port/dbname?sslmode=...). Its password, or the one
read with --password-stdin, goes to the OS keyring (console.credentials.Vault); the URL
without it to the settings. FINDME_TEAM_URL overrides the settings for scripts and tests (a
password in it, or PGPASSWORD / ~/.pgpass, is used; the keyring is not asked). The password is
registered with console.masking.SECRETS, so no message or log line shows it.

Local-first (docs/team-server.md): `call` and `history` use this desktop's SQLite store, and
in team mode run one pass of the sync (console.team.TeamSync.sync_once) to send its calls and
bring its copy of the lists and the team's calls up to date; `team sync` runs one pass alone.

Exit codes, as the README's table has them: 0 done (status: connected, or no team server
set); 3 the team server cannot be reached, a network failure (connect, status, sync: nothing
saved by connect); 4 a local problem, or the server refused (the login: wrong password or
user; a schema this console cannot use), one sentence, nothing changed.
psycopg is imported only when one of these commands (or a team-mode `teams` command) runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from console.credentials import Vault
from console.problems import EXIT_LOCAL
from console.team_join import KEYRING_ENTRY

if TYPE_CHECKING:
    from console.store.postgres import PgStore

URL_ENV = "FINDME_TEAM_URL"
EXIT_OK, EXIT_UNREACHABLE = 0, 3


def register(sub: argparse._SubParsersAction) -> None:
    """Add `team init|connect|status|disconnect` to the top-level parser."""
    team = sub.add_parser(
        "team",
        help="share team lists and history on a PostgreSQL team server (preview)",
        description="Join a team server (PostgreSQL). Exit codes: 0 done, 3 the server "
        "cannot be reached (connect, status, sync), 4 a local problem or the server refused "
        "(the login: wrong password or user).",
    )
    actions = team.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    init = actions.add_parser(
        "init",
        help="create or upgrade the team schema in an existing database, and the roles",
        description="Create or upgrade the schema 'findme' in the database of URL, and the "
        "group roles findme_lead and findme_agent when this user may; otherwise print the "
        "SQL an administrator runs.",
    )
    init.add_argument("url", metavar="URL")
    init.add_argument("--password-stdin", action="store_true", help="read the password")
    connect = actions.add_parser("connect", help="make this desktop use the team server")
    connect.add_argument("url", metavar="URL")
    connect.add_argument("--agent", default="", help="the agent name (default: the user name)")
    connect.add_argument(
        "--password-stdin", action="store_true", help="read the password (to the keyring)"
    )
    status = actions.add_parser(
        "status", help="connected or offline, server, schema, role, rows waiting, last sync"
    )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    sync = actions.add_parser(
        "sync",
        help="send this desktop's calls and list edits, bring its copy up to date (one pass)",
    )
    sync.add_argument("--json", action="store_true", help="print one JSON object")
    actions.add_parser("disconnect", help="stop using the team server; forget its password")


def handles(args: argparse.Namespace) -> bool:
    return args.command == "team"


def run(args: argparse.Namespace, vault: Vault) -> int:
    """Run a `team` command; LocalProblem (TeamServerProblem) propagates to the caller."""
    return {
        "init": _init,
        "connect": _connect,
        "status": _status,
        "sync": _sync,
        "disconnect": _disconnect,
    }[args.team_action](args, vault)


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Team server password: ").strip()
    return sys.stdin.readline().strip()


def _password(args: argparse.Namespace, inline: str | None) -> str | None:
    from console.masking import SECRETS

    password = _read_password() if args.password_stdin else inline
    if password:
        SECRETS.register([password])
    return password


def configured(vault: Vault | None = None) -> tuple[str, str | None, str] | None:
    """(URL without password, password or None, agent) of this desktop's team server; None
    when it has none. FINDME_TEAM_URL wins over the settings (and skips the keyring)."""
    from console import paths
    from console.settings import TEAM_AGENT, TEAM_URL, Settings

    settings = Settings(paths.settings_path())
    agent = settings.get(TEAM_AGENT)
    override = os.environ.get(URL_ENV, "").strip()
    if override:
        from console.store.postgres import split_password

        url, password = split_password(override)
        return url, password, agent
    url = settings.get(TEAM_URL)
    if not url:
        return None
    return url, (vault or Vault()).load_text(KEYRING_ENTRY), agent


def open_team_store(vault: Vault | None = None) -> PgStore | None:
    """This desktop's team store, or None when it uses only its own (SQLite) store.

    Raises TeamServerProblem (a LocalProblem: one sentence) when the server cannot be used.
    """
    found = configured(vault)
    if found is None:
        return None
    from console.store.postgres import PgStore

    url, password, agent = found
    return PgStore.open(url, password=password, agent=agent)


def _init(args: argparse.Namespace, vault: Vault) -> int:
    import psycopg

    from console.store.postgres import SchemaTooNew, connect, migrate, split_password
    from console.store.postgres.schema import ROLES_SQL
    from console.store.postgres.server import TeamServerProblem, where

    url, inline = split_password(args.url)
    password = _password(args, inline)
    place = where(url)
    with connect(url, password) as conn:
        try:
            found, now, granted = migrate(conn)
        except SchemaTooNew as exc:
            raise TeamServerProblem(str(exc), "update this console", place) from None
        except psycopg.errors.InsufficientPrivilege as exc:
            raise TeamServerProblem(
                f"this user may not create the team schema on {place} ({exc.diag.message_primary})",
                "run `team init` with the database owner's URL",
                place,
            ) from None
        except psycopg.Error as exc:
            raise TeamServerProblem(
                f"the team schema on {place} could not be made ({exc.diag.message_primary})",
                "check the server's log",
                place,
            ) from None
    did = "is at" if found == now else f"went from version {found} to"
    print(f"The team schema on {place} {did} version {now}.")
    if granted:
        print(
            "The roles findme_lead and findme_agent have their rights. Add a person with, "
            "for example: CREATE ROLE ann LOGIN PASSWORD '...' IN ROLE findme_agent;"
        )
    else:
        print(
            "This user may not create the roles; an administrator runs this SQL in that database:"
        )
        print(ROLES_SQL.strip())
    return EXIT_OK


def _connect(args: argparse.Namespace, vault: Vault) -> int:
    from console import paths
    from console.settings import Settings
    from console.team_join import join, proposed_url

    try:
        _url, inline = proposed_url(args.url)
    except ValueError as exc:
        print(f"team connect: {exc}.", file=sys.stderr)
        return EXIT_LOCAL
    password = _password(args, inline)
    from console.store.postgres.server import TeamServerProblem

    try:
        joined = join(args.url, password, args.agent, vault, Settings(paths.settings_path()))
    except TeamServerProblem as problem:
        if not problem.unreachable:
            raise  # refused: a local problem to fix here (exit 4)
        # Down, or the network: exit 3 as `team status` and `team sync` (a network failure).
        print(f"team connect: {problem.sentence()} Nothing was saved.", file=sys.stderr)
        return problem.exit_code
    print(joined.sentence())
    if joined.password_kept_in:
        print(f"The password is kept in {joined.password_kept_in}.")
        if joined.keyring_warning:
            print(f"note: {joined.keyring_warning}")
    return EXIT_OK


def _local_state() -> dict[str, str]:
    """This desktop's team_state (console.store.Store.team_state): what waits, since when
    the server is offline, the last sync."""
    from console import paths
    from console.store import Store

    with Store.open(paths.store_path()) as store:
        return store.team_state()


def _status(args: argparse.Namespace, vault: Vault) -> int:
    from console.problems import LocalProblem

    found = configured(vault)
    if found is None:
        payload: dict[str, Any] = {"configured": False, "connected": False}
        text = "No team server: this desktop uses its own store (see `team connect`)."
        print(json.dumps(payload) if args.json else text)
        return EXIT_OK
    from console.store.postgres import PgStore
    from console.store.postgres.server import TeamServerProblem, where

    url, password, agent = found
    state = _local_state()
    payload = {
        "configured": True,
        "server": where(url),
        "url": url,
        "waiting_to_send": int(state.get("waiting", "0")),
        "last_sync": state.get("last_sync") or None,
        "offline_since": state.get("offline_since") or None,
        "error": state.get("error") or None,
    }
    waiting = (
        f"rows waiting to be sent: {payload['waiting_to_send']}; "
        f"last sync: {payload['last_sync'] or 'never'}"
    )
    try:
        with PgStore.open(url, password=password, agent=agent) as store:
            facts = store.describe()
            payload["agent"] = store.agent
    except TeamServerProblem as problem:
        payload.update(connected=False, problem=problem.sentence())
        payload["refused_login"] = problem.refused_login or None
        since = payload["offline_since"]
        if args.json:
            print(json.dumps(payload))
        elif problem.unreachable:
            print(f"Offline: {problem.sentence()}")
            # Null in --json too: only a sync that failed notes the moment (team_state).
            print(f"offline since: {since or 'not noted yet (no sync has found it offline)'}; "
                  f"{waiting}")  # fmt: skip
        else:  # it answered and said no: not "offline"
            print(f"Refused: {problem.sentence()}")
            print(waiting)
        return problem.exit_code
    except LocalProblem:
        raise
    payload.update(connected=True, **facts)
    if args.json:
        print(json.dumps(payload))
    else:
        print(f"Connected to {payload['server']} (PostgreSQL {facts['server_version']}).")
        print(f"user: {facts['user']} (role {facts['role']}), agent name: {payload['agent']}")
        print(f"schema version: {facts['schema_version']}; {waiting}")
        if payload["error"]:
            print(f"last problem: {payload['error']}")
    return EXIT_OK


def sync_now(vault: Vault | None = None, say: str = "") -> Any:
    """One sync pass when this desktop is in team mode (console.team.TeamSync.sync_once);
    returns its SyncReport, or None when it has no team server.

    With ``say`` (the command's name) a problem is one line on stderr and is not raised: the
    command goes on with the local copy (a call placed is kept and sent later).
    """
    from console.problems import LocalProblem

    try:
        found = configured(vault)
    except LocalProblem:
        if not say:
            raise
        return None  # the settings or the keyring: the command itself says so, once
    if found is None:
        return None
    try:
        from console import paths
        from console.team import TeamSync

        url, password, agent = found
        report = TeamSync(paths.store_path(), url, password, agent).sync_once()
    except LocalProblem as problem:
        if not say:
            raise
        print(f"{say}: the team sync did not run: {problem.sentence()}", file=sys.stderr)
        return None
    if say and report.refused_login:
        # Not offline: waiting for the server to come back would wait forever.
        _say_once(
            f"{say}: {report.problem} The team server refused the login, so this desktop's "
            "copy is used; its calls and edits are sent once it is connected with the right "
            "password or user."
        )
    elif say and not report.connected:
        _say_once(
            f"{say}: {report.problem} This desktop's copy is used; its calls and edits are "
            "sent when the team server is back."
        )
    elif say and report.problem:
        _say_once(f"{say}: {report.problem}")
    return report


# What this process said on stderr about the team server: `call` syncs before and after the
# call, and an unreachable server is said once, not twice.
_SAID: set[str] = set()


def _say_once(line: str) -> None:
    if line not in _SAID:
        _SAID.add(line)
        print(line, file=sys.stderr)


def _sync(args: argparse.Namespace, vault: Vault) -> int:
    report = sync_now(vault)
    if report is None:
        print("team sync: this desktop has no team server (see `team connect`).", file=sys.stderr)
        return 2
    state = _local_state()
    payload = {
        "connected": report.connected,
        "sent_calls": report.sent_calls,
        "sent_edits": report.sent_edits,
        "pulled_calls": report.pulled_calls,
        "lists_changed": report.lists_changed,
        "sent_shared": report.sent_shared,  # wrap-ups and do-not-call marks the server took
        "shared_changed": report.shared_changed,  # the team's dispositions or marks copied
        "waiting_to_send": int(state.get("waiting", "0")),
        "problem": report.problem or None,
    }
    if args.json:
        print(json.dumps(payload))
    elif report.connected:
        print(
            f"Synced: {report.sent_calls} calls, {report.sent_edits} list edits and "
            f"{report.sent_shared} wrap-ups or do-not-call marks sent, "
            f"{report.pulled_calls} calls received"
            f"{', lists updated' if report.lists_changed else ''}"
            f"{', dispositions or do-not-call numbers updated' if report.shared_changed else ''}; "
            f"{payload['waiting_to_send']} waiting."
        )
        if report.problem:
            print(f"problem: {report.problem}", file=sys.stderr)
    else:
        said = "Refused" if report.refused_login else "Offline"
        print(f"{said}: {report.problem}", file=sys.stderr)
        print(f"rows waiting to be sent: {payload['waiting_to_send']}", file=sys.stderr)
    if report.connected:
        return EXIT_OK
    # The login refused is the password or user here (exit 4); anything else, the network.
    return EXIT_LOCAL if report.refused_login else EXIT_UNREACHABLE


def _disconnect(args: argparse.Namespace, vault: Vault) -> int:
    from console import paths
    from console.settings import Settings
    from console.store import Store
    from console.team_join import leave

    with Store.open(paths.store_path()) as store:
        had = leave(vault, Settings(paths.settings_path()), store)
    if had:
        print("This desktop no longer uses the team server; its own store is used again.")
    else:
        print("This desktop was not using a team server.")
    return EXIT_OK


def watch_lists(vault: Vault | None = None) -> int:
    """`teams watch`: one JSON line per change of the team's lists, until Ctrl+C.

    On the team server when this desktop has one (LISTEN/NOTIFY, console.store.postgres.watch);
    otherwise this desktop's own store, for edits made by other processes on it
    (console.store.watch, the window's own watcher).
    """
    import threading

    stop = threading.Event()

    def emit(event: dict[str, Any]) -> None:
        print(json.dumps(event), flush=True)

    found = configured(vault)
    try:
        if found is None:
            from console import paths
            from console.store import Store
            from console.store.watch import LISTS, watch_store

            with Store.open(paths.store_path()) as store:
                watch_store(store, emit, stop, tables=LISTS)
        else:
            from console.store.postgres.watch import watch

            url, password, _agent = found
            watch(url, password, emit, stop)
    except KeyboardInterrupt:
        stop.set()
    return EXIT_OK
