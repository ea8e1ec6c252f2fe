"""TeamSync: the thread that keeps a desktop's SQLite store and the team server in step.

See console/team/__init__.py for the public API and docs/team-server.md for the design.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from console.masking import SECRETS
from console.store import Store
from console.store.dispositions import DEFAULTS
from console.store.models import utc_now
from console.store.postgres import PgStore
from console.store.postgres.schema import CHANGES_CHANNEL
from console.store.postgres.server import TeamServerProblem, split_password, unreachable
from console.store.postgres.watch import LIST_TABLES
from console.team import passes, share

log = logging.getLogger(__name__)

# Seconds. How often the thread looks at the local store (and waits for notifications in
# between); how often it proves the server is still there when nothing happens; reconnect
# delays (doubled after each failure, with jitter so a team's desktops do not all come back
# in the same instant after a restart).
POLL_SECONDS = 0.1  # a PRAGMA on the local store and a wait on the socket: cheap
HEARTBEAT_SECONDS = 30.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0
# Server tables whose changes mean a copy to refresh (LIST_TABLES for lists and presets; these
# for console.team.share's): the team's dispositions and do-not-call numbers.
SHARED_TABLES = frozenset({"dispositions", "do_not_call"})
# Beside the store: a copy of it taken when it first joins a team with lists of its own.
BEFORE_TEAM_SUFFIX = ".before-team.bak"
# What "the server is gone" looks like: refused or lost connections, a stalled socket.
_LOST = (psycopg.Error, TeamServerProblem, OSError)


@dataclass
class SyncReport:
    """What one pass (sync_once) did: ``connected`` False means the server could not be
    used, ``problem`` says why in one sentence (also in team_state 'error')."""

    connected: bool
    sent_calls: int = 0
    sent_edits: int = 0
    pulled_calls: int = 0
    lists_changed: bool = False
    problem: str = ""
    # Wrap-ups and do-not-call marks the server took (console.team.share), and whether the
    # copy of the team's dispositions or do-not-call numbers changed.
    sent_shared: int = 0
    shared_changed: bool = False
    # The user name the server refused the login for (wrong password or user), '' otherwise:
    # not offline, and nothing is sent until the login is put right. Last: the fields above
    # are given by position.
    refused_login: str = ""


class TeamSync:
    """Mirror the team server's lists into a desktop's SQLite store, send its calls and list
    edits, pull other desktops' calls; one daemon thread with a synchronous connection.

    ``store``: the SQLite store's path (the sync opens its own connection, recommended), or a
    factory returning a Store the sync owns (closed when it stops). ``url`` and
    ``password``: the team server (console.team_cli.configured gives both). ``agent``: the
    name on this desktop's calls ('' = the server's login name). ``on_change(tables)`` is
    called from the sync thread after it wrote to the local store, with the names of the
    tables written ({"teams", "presets", "dispositions", "leads", "history", "team_state"});
    keep it short (emit a Qt signal). The window may as well just poll ``PRAGMA data_version``.
    """

    def __init__(
        self,
        store: Path | str | Callable[[], Store],
        url: str,
        password: str | None = None,
        agent: str = "",
        *,
        on_change: Callable[[set[str]], None] | None = None,
        poll_seconds: float = POLL_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        backoff: tuple[float, float] = (BACKOFF_FIRST, BACKOFF_MAX),
        connect_timeout: int | None = None,
    ) -> None:
        self._open_store = store if callable(store) else (lambda: Store.open(Path(store)))
        self.url, inline = split_password(url)
        self._password = password or inline
        self.agent = agent.strip()
        self._on_change = on_change
        self._poll = poll_seconds
        self._heartbeat = heartbeat_seconds
        self._backoff = backoff
        self._connect_timeout = connect_timeout
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # The public surface
    def start(self) -> None:
        """Start the thread (a daemon); returns at once. Starting twice does nothing."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="team-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> bool:
        """Ask the thread to end and wait up to ``timeout`` seconds; returns whether it ended.

        It ends within ``poll_seconds`` unless it is connecting to a server that does not
        answer (at most connect_timeout, 5 s) or waiting on one that stalled mid-query (TCP
        keepalives give up within 25 s): it is a daemon thread, so it then ends on its own
        without holding up the process, and writes nothing more once it sees the stop.
        """
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def sync_once(self) -> SyncReport:
        """One pass in the calling thread: connect, send, pull, disconnect (the command
        line's `team sync`). Never raises for the server: an unreachable one is reported
        (connected False) and noted in team_state. LocalProblem if the store cannot open."""
        store = self._open_store()
        try:
            self._join(store)
            try:
                server = self._connect(store)
            except _LOST as exc:
                problem, refused = self._offline(store, exc)
                return SyncReport(False, problem=problem, refused_login=refused)
            try:
                done = self._pass(store, server)
            except _LOST as exc:
                problem, refused = self._offline(store, exc)
                return SyncReport(False, problem=problem, refused_login=refused)
            finally:
                _close_quietly(server)
            return SyncReport(
                True,
                done.sent_calls,
                done.sent_edits,
                done.pulled_calls,
                done.lists_changed,
                done.problem,
                done.sent_shared,
                done.shared_changed,
            )
        finally:
            store.close()

    # The thread
    def _run(self) -> None:
        try:
            store = self._open_store()
        except Exception as exc:  # a local problem: said once, in the log
            log.error("team sync cannot open the local store: %s", exc)
            return
        delay = self._backoff[0]
        try:
            try:
                self._join(store)
            except sqlite3.Error as exc:  # busy: the next pass's writes will tell
                log.warning("team sync: the local store is busy (%s)", exc)
            while not self._stop.is_set():
                try:
                    server = self._connect(store)
                except _LOST as exc:
                    self._offline(store, exc)
                    self._stop.wait(delay * random.uniform(0.8, 1.2))
                    delay = min(delay * 2, self._backoff[1])
                    continue
                except sqlite3.Error as exc:
                    log.warning("team sync: the local store is busy (%s); retrying", exc)
                    self._stop.wait(delay)
                    continue
                delay = self._backoff[0]
                try:
                    self._serve(store, server)
                except _LOST as exc:
                    self._offline(store, exc)
                except sqlite3.Error as exc:
                    log.warning("team sync: the local store is busy (%s); retrying", exc)
                except Exception:  # a bug must not end the sync silently: logged, retried
                    log.exception("team sync failed; reconnecting")
                    self._note(store, {"error": "The team sync failed; see the log."})
                finally:
                    _close_quietly(server)
                self._stop.wait(delay * random.uniform(0.8, 1.2))
        finally:
            store.close()

    def _serve(self, store: Store, server: PgStore) -> None:
        """Connected: a full pass (notifications sent while away are lost), then wait for
        notifications and local changes until the connection fails or stop() is called."""
        conn = server.connection
        heard: set[str] = set()

        def note(n: Any) -> None:
            try:
                heard.add(str(json.loads(n.payload).get("table", "")))
            except (ValueError, AttributeError):
                heard.update(LIST_TABLES | SHARED_TABLES | {"calls"})

        # No notify handler: with one registered, psycopg keeps no backlog for notifies()
        # (psycopg#1092) and warns that mixing the two is unreliable. Without one, what
        # arrives during a pass's queries waits in that backlog for the next notifies()
        # (psycopg 3.2.4+, psycopg#975).
        # Read before each pass, never after: a write made here during a pass (the window's
        # edit) then counts as news for the next one. The pass's own writes do not change
        # this connection's data_version, so they never wake it.
        seen_version = store.data_version()
        self._pass(store, server)
        last_sync = time.monotonic()
        while not self._stop.is_set():
            # Back at the first notification (stop_after), not at the end of the wait.
            for n in conn.notifies(timeout=self._poll, stop_after=1):
                note(n)
            if self._stop.is_set():
                return
            version = store.data_version()
            local = version != seen_version
            seen_version = version
            tables, heard_now = set(heard), bool(heard)
            heard.clear()
            due = time.monotonic() - last_sync >= self._heartbeat
            if not (local or heard_now or due):
                continue
            self._pass(
                store,
                server,
                lists=local or bool(tables & (LIST_TABLES | SHARED_TABLES)),
                calls=local or "calls" in tables,
            )
            last_sync = time.monotonic()

    def _connect(self, store: Store) -> PgStore:
        extra = {"connect_timeout": self._connect_timeout} if self._connect_timeout else {}
        server = PgStore.open(self.url, password=self._password, agent=self.agent, **extra)
        try:
            server.connection.execute(f"LISTEN {CHANGES_CHANNEL}")
            facts = server.describe()
            role = facts["role"] if facts["role"] in ("lead", "agent") else ""
            if role == "agent":
                # The row policy takes an agent's calls only under its login name.
                server.agent = str(facts["user"])
            self._note(
                store,
                {
                    "mode": "team",
                    "server": self.url,
                    "agent": server.agent,
                    "role": role,
                    "schema_version": str(facts["schema_version"]),
                    "connected": "1",
                    "offline_since": "",
                    "error": "",
                },
            )
        except BaseException:
            _close_quietly(server)
            raise
        return server

    def _pass(
        self, store: Store, server: PgStore, lists: bool = True, calls: bool = True
    ) -> passes.Pass:
        done = passes.Pass()
        passes.send_list_edits(store, server, done)
        passes.send_calls_outbox(store, server, server.agent, done)
        # After the calls: a wrap-up is written on a call the server has.
        share.send_wrap_up_changes(store, server, done)
        share.send_disposition_edits(store, server, done)
        share.send_do_not_call_changes(store, server, server.agent, done)
        if lists or done.sent_edits or done.refused or done.sent_shared:
            passes.pull_lists(store, server, done)
            share.pull_shared(store, server, done)
        if calls:
            passes.pull_calls(store, server, done)
        changes: dict[str, str | None] = {"last_sync": utc_now(), "connected": "1"}
        if done.problem:
            changes["error"] = done.problem
        elif done.sent_edits:
            changes["error"] = ""  # an edit went through: an older refusal is stale
        self._note(store, changes)
        written = {"team_state"}
        if done.lists_changed:
            written |= {"teams", "presets"}
        if done.shared_changed:
            written |= {"dispositions", "leads"}
        if done.pulled_calls or done.sent_calls:
            written.add("history")
        self._changed(written)
        return done

    def _offline(self, store: Store, exc: BaseException) -> tuple[str, str]:
        """Note the server lost in team_state: (the sentence, the user whose login it
        refused or '')."""
        if isinstance(exc, psycopg.DatabaseError) and not isinstance(exc, psycopg.OperationalError):
            # Reached, but it refused what was sent (a constraint, a type): not "offline",
            # though the pass is retried like one; the sentence says what it said.
            detail = SECRETS.mask(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
            sentence = f"The team server refused the sync ({detail or type(exc).__name__})."
            self._note(store, {"error": sentence})
            log.warning("%s", sentence)
            return sentence, ""
        problem = exc if isinstance(exc, TeamServerProblem) else unreachable(exc, self.url)
        sentence = problem.sentence()
        try:
            since = store.team_state().get("offline_since") or utc_now()
            wrote = self._note(
                store,
                {
                    "connected": "0",
                    "offline_since": since,
                    "error": sentence,
                    # Not offline: the window says who was refused (ui/common/team_state.py).
                    "refused_login": problem.refused_login,
                },
            )
        except sqlite3.Error as local:
            log.warning("team sync: offline, and the local store is busy (%s)", local)
            return sentence, problem.refused_login
        if wrote:
            log.info("team server offline: %s", sentence)
            self._changed({"team_state"})
        return sentence, problem.refused_login

    def _note(self, store: Store, values: dict[str, str | None]) -> bool:
        if self._stop.is_set() and threading.current_thread() is self._thread:
            return False  # stopped: the window may be closing the store
        return store.set_team_state(values)

    def _join(self, store: Store) -> None:
        """Mark the store as in team mode (list edits are captured from now on); the first
        time, keep a copy of it if it has lists of its own (or dispositions other than the
        defaults), which the team's replace."""
        state = store.team_state()
        if "mode" not in state and _has_own_lists(store):
            kept = store.path.with_name(store.path.name + BEFORE_TEAM_SUFFIX)
            if not kept.exists():
                store.keep_copy(kept)
                log.info("this desktop's own lists were kept in %s before joining", kept)
        changes: dict[str, str | None] = {"mode": "team", "server": self.url}
        if state.get("server") not in (None, self.url):
            changes["calls_mark"] = None  # another team's server: its calls from the start
        self._note(store, changes)

    def _changed(self, tables: set[str]) -> None:
        if self._on_change is not None:
            try:
                self._on_change(tables)
            except Exception:
                log.exception("team sync: on_change failed")


def _has_own_lists(store: Store) -> bool:
    if store.list_teams() or store.list_presets():
        return True
    return [(d.name, d.kind) for d in store.list_dispositions()] != list(DEFAULTS)


def _close_quietly(server: PgStore) -> None:
    try:
        server.close()
    except Exception as exc:  # a dead connection may complain while closing
        log.debug("closing the team server connection: %s", exc)
