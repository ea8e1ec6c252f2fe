"""Team mode, local-first: the sync engine between a desktop's SQLite store and the team server.

The window and the `call` command never talk to the team server: they use the desktop's
SQLite store (console.store.Store) as always. TeamSync, in a thread of its own, is the only
code that does (psycopg is imported with this package: import it in team mode only).

Public API (for ui/shell, which starts it when the desktop is in team mode)::

    from console.team import TeamSync, SyncReport

    sync = TeamSync(store_path, url, password, agent, on_change=None)
    sync.start()          # a daemon thread; returns at once; never blocks the caller
    sync.stop(timeout=2)  # -> bool: ended within timeout (see TeamSync.stop)
    sync.sync_once()      # -> SyncReport: one pass in the calling thread (`team sync`)
    sync.running          # -> bool

- ``store_path``: the SQLite file (console.paths.store_path()); the sync opens its own
  connection to it (or pass a factory ``() -> Store`` the sync owns and closes).
- ``url``, ``password``, ``agent``: as console.team_cli.configured() returns them.
- ``on_change(tables: set[str])``: optional, called from the sync thread after it wrote
  ({"teams", "presets", "history", "team_state"}); emit a Qt signal there, nothing more.

What the thread does: on every (re)connection, LISTEN findme_changes and a full pass (send
the list edits captured here, send this desktop's calls oldest first, copy the server's
lists and presets into the local tables, pull calls changed on the server since the last
pull); then a pass for each notification (ids only) and each local change (PRAGMA
data_version polled every 0.25 s), and a heartbeat every 30 s. Lost or unreachable: the
state says so (connected '0', offline_since, error) and it reconnects with backoff (0.5 s
doubling to 10 s, jittered). Its state is in the store's team_state table: read it with
Store.team_state() (keys in docs/team-server.md).

It uses no asyncio: a plain thread with psycopg's synchronous connection behaves the same on
Windows (qasync's Proactor loop, which psycopg's async API does not support, is not
involved), macOS and Linux.
"""

from console.team.sync import SyncReport, TeamSync

__all__ = ["SyncReport", "TeamSync"]
