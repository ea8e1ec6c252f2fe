"""Desktops as processes, each with its own data folder and its own sync thread
(tests/team_desktop.py) or `main.py call`, on one real PostgreSQL server (tests/pg.py):
an edit seen on the other desktop within 1 s, 20 desktops calling at once, the server
killed and restarted mid-run."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import PIPE
from typing import Any

from console.store import Store, TeamList, TeamMember
from tests import pg
from tests.conftest import ROOT
from tests.integration.test_cli import LiveSandbox
from tests.team_kit import begin, server_calls

LIST = "5559998888"


def _url(cluster: Any, db: str, user: str) -> str:
    return cluster.url(db, user, pg.ROLE_PASSWORD)


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out ({timeout} s) waiting for {what}"
        time.sleep(0.01)


def peek(store: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read another process's store without opening it as a Store (no recovery, no lock)."""
    if not store.exists():
        return []
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # not made yet
        return []
    finally:
        conn.close()


def state(store: Path) -> dict[str, str]:
    return dict(peek(store, "SELECT key, value FROM team_state"))


def members(store: Path, team: str) -> str:
    rows = peek(
        store,
        "SELECT m.number FROM team_members m JOIN teams t ON t.id = m.team_id"
        " WHERE t.name = ? ORDER BY m.position",
        (team,),
    )
    return "|".join(n for (n,) in rows)


@contextmanager
def desktop(cli_env: dict[str, str], store: Path, url: str) -> Iterator[subprocess.Popen]:
    """A desktop's sync thread in a process of its own, stopped (and checked) at the end."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "team_desktop.py"), str(store), url, "0.5"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        yield proc
        proc.stdin.write("stop\n")
        proc.stdin.flush()
        out, err = proc.communicate(timeout=10)
        assert out.strip() == "stopped" and proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_edit_on_one_desktop_shows_on_the_other_within_a_second(
    cli_env: dict[str, str], pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.postgres import PgStore

    lead_url, agent_url = (
        _url(pg_cluster, pg_db, pg.LEAD_USER),
        _url(pg_cluster, pg_db, pg.AGENT_USER),
    )
    with PgStore.open(lead_url) as server:
        server.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
    lead_store = tmp_path / "lead" / "findme.db"
    agent_store = tmp_path / "agent" / "findme.db"
    with (
        desktop(cli_env, lead_store, lead_url),
        desktop(cli_env, agent_store, agent_url),
    ):
        for store in (lead_store, agent_store):
            wait_for(lambda s=store: members(s, "Night") == "5550001111", 20, "the first copy")
        with Store.open(lead_store) as window:  # the lead's window edits its local copy
            night = window.get_team("Night")
            edited = [TeamMember("A", "5550001111"), TeamMember("B", "5550002222")]
            started = time.monotonic()
            window.save_team(TeamList(night.id, "Night", edited))
            wait_for(
                lambda: members(agent_store, "Night") == "5550001111|5550002222",
                5,
                "the edit on the agent's desktop",
            )
            elapsed = time.monotonic() - started
        assert elapsed < 1.0, f"the edit took {elapsed:.2f} s to reach the other desktop"
        assert state(agent_store)["error"] == ""


def test_twenty_desktops_calling_at_once_record_every_call_once(
    cli_env: dict[str, str], pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    agent_url = _url(pg_cluster, pg_db, pg.AGENT_USER)
    homes = [tmp_path / f"desk{i:02d}" for i in range(20)]
    with LiveSandbox() as live:
        procs = []
        for i, home in enumerate(homes):
            home.mkdir()
            env = {
                **cli_env,
                "FINDME_HOME": str(home),
                "FINDME_TEAM_URL": agent_url,
                "FINDME_KEY": "k-123",
            }
            command = [sys.executable, str(ROOT / "main.py"), "call", "--list", LIST]
            command += ["--phone-to-call", f"5551{i:05d}2", "--api-url", live.url, "--json"]
            procs.append(subprocess.Popen(command, env=env, stdout=PIPE, stderr=PIPE, text=True))
        results = [(p, *p.communicate(timeout=120)) for p in procs]
    for proc, out, err in results:
        assert proc.returncode == 0, err
        assert json.loads(out)["result"] == "success"
        assert "team" not in err  # the sync after the call had nothing to say
    rows = server_calls(pg_cluster, pg_db)
    # Each desktop's own call (one agent on all of them: each may also have pulled some of
    # its other desktops' calls, origin 'team').
    own = "SELECT uuid, status, sent FROM history WHERE origin = 'local'"
    local = [peek(h / "findme.db", own) for h in homes]
    assert all(len(rows_here) == 1 for rows_here in local)
    assert sorted(r["uuid"] for r in rows) == sorted(rows_here[0][0] for rows_here in local)
    assert len({r["uuid"] for r in rows}) == 20  # every call once: no loss, no duplicate
    assert {r["status"] for r in rows} == {"success"}  # none left pending
    assert all(rows_here[0][2] == "success" for rows_here in local)  # nothing waits


def test_the_server_killed_and_restarted_calls_meanwhile_arrive_once_and_the_lists_resync(
    cli_env: dict[str, str], run_cli: Any, pg_cluster: Any, pg_db: str, home: Path
) -> None:
    from console.store.postgres import PgStore

    lead_url, agent_url = (
        _url(pg_cluster, pg_db, pg.LEAD_USER),
        _url(pg_cluster, pg_db, pg.AGENT_USER),
    )
    store_path = home / "findme.db"
    stopped = False
    try:
        with (
            desktop(cli_env, store_path, agent_url),
            Store.open(store_path) as window,
        ):
            wait_for(lambda: state(store_path).get("connected") == "1", 20, "connected")
            first = begin(window, "Before")
            window.finish_call(first, status="success", description="ok")
            wait_for(lambda: len(server_calls(pg_cluster, pg_db)) == 1, 10, "the first call")

            pg_cluster.stop("immediate")
            stopped = True
            wait_for(lambda: state(store_path).get("connected") == "0", 30, "offline noticed")
            assert state(store_path)["offline_since"].endswith("Z")
            placed = []
            for name in ("During1", "During2", "During3"):
                call_id = begin(window, name)
                placed.append(call_id)
                window.finish_call(call_id, status="success", description="ok")
            in_flight = begin(window, "StillRinging")  # pending while the server is away
            # The command line in the same folder: the call is kept, the sync says offline.
            with LiveSandbox() as live:
                done = run_cli(
                    "call", "--list", LIST, "--phone-to-call", "5551110002",
                    "--api-url", live.url, "--json",
                    env={"FINDME_TEAM_URL": agent_url, "FINDME_KEY": "k-123"},
                )  # fmt: skip
            assert done.returncode == 0, done.stderr
            assert "sent when the team server is back" in done.stderr
            # Said once, though the call syncs before and after it (a newcomer saw it twice).
            assert done.stderr.count("sent when the team server is back") == 1, done.stderr
            status = json.loads(
                run_cli("team", "status", "--json", env={"FINDME_TEAM_URL": agent_url}).stdout
            )
            assert status["connected"] is False and status["waiting_to_send"] == 5
            assert status["offline_since"] == state(store_path)["offline_since"]

            pg_cluster.start()
            stopped = False
            wait_for(lambda: state(store_path).get("connected") == "1", 30, "reconnected")
            wait_for(lambda: len(server_calls(pg_cluster, pg_db)) == 6, 10, "the calls queued")
            window.finish_call(in_flight, status="failed", description="busy")
            wait_for(
                lambda: "pending" not in {r["status"] for r in server_calls(pg_cluster, pg_db)},
                10,
                "the completion of the call in flight",
            )
            # The listener is back: a lead's edit reaches this desktop's copy.
            with PgStore.open(lead_url) as server:
                server.save_team(TeamList(None, "Day", [TeamMember("C", "5550003333")]))
            wait_for(lambda: members(store_path, "Day") == "5550003333", 5, "the resync")
            local = {u for (u,) in peek(store_path, "SELECT uuid FROM history")}
        rows = server_calls(pg_cluster, pg_db)
        assert len(rows) == 6 and {r["uuid"] for r in rows} == local  # each exactly once
        assert state(store_path)["offline_since"] == ""
    finally:
        if stopped:
            pg_cluster.start()
