"""The store's team-mode schema: call uuids and agents, the agent filter, team_state, the
outboxes, and recovery of this desktop's rows only. Both engines where the contract says."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from console.store import CallRecord, Store, TeamList, TeamMember
from console.store import connection as store_connection
from console.store.base import ConsoleStore


def _begin(store: Any, name: str = "Ann") -> Any:
    return store.begin_call(
        lead_name=name,
        lead_number="5551112222",
        team_name="Sales",
        list_value="5550001111",
        call_type=1,
        request_redacted="",
    )


def _team_row(agent: str, status: str = "success", name: str = "Far") -> CallRecord:
    return CallRecord(
        None,
        "2026-01-01T00:00:00.000Z",
        None if status == "pending" else "2026-01-01T00:00:01.000Z",
        name,
        "5559998888",
        "",
        "5550001111",
        1,
        status,
        "",
        "",
        "",
        "",
        0,
        "",
        str(uuid.uuid4()),
        agent,
    )


def test_every_call_gets_a_uuid_and_the_agent_filter_works(any_store: ConsoleStore) -> None:
    store = any_store
    first = _begin(store, "Ann")
    second = _begin(store, "Bob")
    made = [store.get_call(first), store.get_call(second)]
    assert all(uuid.UUID(c.uuid).version == 4 for c in made)
    assert made[0].uuid != made[1].uuid
    if isinstance(store, Store):  # SQLite: the agent name is the team sync's (team_state)
        with store._tx() as conn:
            conn.execute("INSERT INTO team_state VALUES ('agent', 'tester')")
        third = _begin(store, "Cy")
        assert store.get_call(third).agent == "tester"
        assert store.get_call(first).agent == ""
        store.add_calls_bulk([_team_row("zed")])
        assert store.list_agents() == ["tester", "zed"]
        assert [c.lead_name for c in store.fetch_calls(agent="zed")] == ["Far"]
        assert store.count_calls(agent="tester") == 1
        assert store.count_calls("cy", agent="tester") == 1
        assert store.count_calls("cy", agent="zed") == 0
    else:
        assert store.list_agents() == ["tester"]
        assert store.count_calls(agent="tester") == 2
        assert store.count_calls(agent="nobody") == 0
        assert store.fetch_calls(agent="nobody") == []
    state = store.team_state()
    assert all(isinstance(v, str) for v in state.values())
    assert "waiting" in state


def test_team_state_counts_what_waits(tmp_path: Path) -> None:
    with Store.open(tmp_path / "findme.db") as store:
        assert store.team_state() == {"waiting": "0"}  # a desktop that never joined a team
        call_id = _begin(store)
        assert store.team_state()["waiting"] == "1"  # not on the server yet
        with store._tx() as conn:
            conn.execute("UPDATE history SET sent = 'pending' WHERE id = ?", (call_id,))
        assert store.team_state()["waiting"] == "0"
        store.finish_call(call_id, status="success", description="ok")
        assert store.team_state()["waiting"] == "1"  # its completion is not there yet
        store.set_team_state({"mode": "team"})
        store.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
        assert store.team_state()["waiting"] == "2"  # the list edit waits too
        old = _team_row("zed")._replace(uuid="")
        store.add_calls_bulk([old])  # a record with no uuid (a bulk copy of old ones): not sent
        assert store.team_state()["waiting"] == "2"


def test_list_edits_are_captured_but_not_the_mirrors_own(tmp_path: Path) -> None:
    with Store.open(tmp_path / "findme.db") as store:
        store.save_team(TeamList(None, "Alone", [TeamMember("A", "5550001111")]))
        assert store.list_edits() == []  # a desktop alone: nothing to send, nothing kept
        store.set_team_state({"mode": "team"})
        team = store.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
        store.rename_team(team.id, "Late")
        store.save_preset("Quick", {"timeout": 20})
        store.rename_preset("Quick", "Fast")
        store.delete_team(team.id)
        with store._read() as conn:
            rows = conn.execute("SELECT kind, op, name, old_name FROM team_outbox").fetchall()
        assert ("team", "save", "Night", None) in rows
        assert ("team", "rename", "Late", "Night") in rows
        assert ("preset", "rename", "Fast", "Quick") in rows
        assert rows[-1] == ("team", "delete", "Late", None)
        with store._tx() as conn:
            conn.execute("DELETE FROM team_outbox")
            conn.execute("INSERT INTO team_state VALUES ('mirroring', '1')")
            conn.execute("INSERT INTO teams(name) VALUES ('Mirrored')")
            conn.execute("DELETE FROM team_state WHERE key = 'mirroring'")
        with store._read() as conn:
            assert conn.execute("SELECT count(*) FROM team_outbox").fetchone()[0] == 0


def test_recovery_leaves_other_desktops_pending_calls_alone(tmp_path: Path) -> None:
    path = tmp_path / "findme.db"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with Store.open(path) as store:
        gone = _team_row("", status="pending", name="Mine")
        store.add_calls_bulk([gone._replace(owner_pid=dead.pid)])
        theirs = _team_row("zed", status="pending")
        store.add_calls_bulk([theirs])
        with store._tx() as conn:
            conn.execute("UPDATE history SET origin = 'team' WHERE uuid = ?", (theirs.uuid,))
    with Store.open(path) as store:
        assert store.recovered_calls == 1
        assert [c.lead_name for c in store.fetch_calls(status="pending")] == ["Far"]


def test_old_rows_get_uuids_and_count_as_sent(tmp_path: Path) -> None:
    path = tmp_path / "findme.db"
    conn = sqlite3.connect(path, isolation_level=None)
    before = store_connection.MIGRATIONS.index(
        next(m for m in store_connection.MIGRATIONS if m.__module__.endswith("teamsync_schema"))
    )
    for migrate in store_connection.MIGRATIONS[:before]:
        migrate(conn)
    conn.execute(f"PRAGMA user_version={before}")
    for i in range(3):
        conn.execute(
            "INSERT INTO history(created_at, call_type, status, owner_pid)"
            " VALUES (?, 1, 'success', 1)",
            (f"2025-01-0{i + 1}T00:00:00.000Z",),
        )
    conn.close()
    with Store.open(path) as store:
        uuids = [c.uuid for c in store.fetch_calls()]
        assert len(set(uuids)) == 3 and all(uuid.UUID(u) for u in uuids)
        assert store.team_state()["waiting"] == "0"
