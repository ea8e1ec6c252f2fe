"""The team sync (console.team) between desktops' SQLite stores and a real PostgreSQL server
(tests/pg.py), with real login roles: one pass at a time, in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.store import Store, TeamList, TeamMember
from console.team import TeamSync
from tests import pg
from tests.team_kit import begin, commit_dropping_proxy, server_calls

pytestmark = pytest.mark.usefixtures("home")


def _url(cluster: Any, db: str, user: str) -> str:
    return cluster.url(db, user, pg.ROLE_PASSWORD)


def test_a_pass_sends_each_call_once_copies_the_lists_and_pulls_the_teams_calls(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.postgres import PgStore

    lead_url, agent_url = (
        _url(pg_cluster, pg_db, pg.LEAD_USER),
        _url(pg_cluster, pg_db, pg.AGENT_USER),
    )
    with PgStore.open(lead_url) as server:
        server.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
        server.save_preset("Quick", {"timeout": 20})
    agent_path = tmp_path / "agent" / "findme.db"
    # The desktop's own store stays open, as the window's does: its call in flight is its own.
    with Store.open(agent_path) as store:
        done = begin(store, "Ann")
        store.finish_call(done, status="success", description="ok", sid="S1")
        pending = begin(store, "Bob")
        assert store.team_state()["waiting"] == "2"
        sync = TeamSync(agent_path, agent_url)
        report = sync.sync_once()
        assert (report.connected, report.sent_calls, report.problem) == (True, 2, "")
        assert [(t.name, t.list_value) for t in store.list_teams()] == [("Night", "5550001111")]
        assert [p.name for p in store.list_presets()] == ["Quick"]
        state = store.team_state()
        assert (state["waiting"], state["connected"], state["role"]) == ("0", "1", "agent")
        assert state["agent"] == pg.AGENT_USER and state["last_sync"].endswith("Z")
        assert {c.agent for c in store.fetch_calls()} == {pg.AGENT_USER}  # named when sent
        assert {r["status"] for r in server_calls(pg_cluster, pg_db)} == {"pending", "success"}
        store.finish_call(pending, status="failed", description="busy")
        assert store.team_state()["waiting"] == "1"  # the completion waits
        uuids = {c.uuid for c in store.fetch_calls()}
        assert sync.sync_once().sent_calls == 1
        assert sync.sync_once().sent_calls == 0
    rows = server_calls(pg_cluster, pg_db)
    assert {r["uuid"] for r in rows} == uuids and len(rows) == 2  # once each
    assert sorted(r["status"] for r in rows) == ["failed", "success"]

    # The lead's desktop pulls the agent's calls (origin 'team'), and a call still in flight
    # on another desktop is not "recovered" here: it is not this desktop's.
    with PgStore.open(lead_url, agent="far") as server:
        far = server.begin_call(
            lead_name="Far", lead_number="5554443333", team_name="", list_value="5550001111",
            call_type=1, request_redacted="",
        )  # fmt: skip
    lead_path = tmp_path / "lead" / "findme.db"
    pulled = TeamSync(lead_path, lead_url).sync_once()
    assert pulled.pulled_calls == 3
    with Store.open(lead_path) as store:
        assert store.recovered_calls == 0
        assert store.list_agents() == [pg.AGENT_USER, "far"]
        assert [c.lead_name for c in store.fetch_calls(agent="far", status="pending")] == ["Far"]
        assert store.team_state()["waiting"] == "0"  # pulled rows are never sent back
    with PgStore.open(lead_url, agent="far") as server:
        server.finish_call(far, status="success", description="ok")
    assert TeamSync(lead_path, lead_url).sync_once().pulled_calls == 1
    with Store.open(lead_path) as store:
        assert store.count_calls(status="pending") == 0


def test_an_agent_cannot_edit_a_list_the_sentence_lands_in_the_state_and_the_list_is_restored(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.postgres import PgStore

    lead_url, agent_url = (
        _url(pg_cluster, pg_db, pg.LEAD_USER),
        _url(pg_cluster, pg_db, pg.AGENT_USER),
    )
    with PgStore.open(lead_url) as server:
        server.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
    path = tmp_path / "agent" / "findme.db"
    sync = TeamSync(path, agent_url)
    sync.sync_once()
    with Store.open(path) as store:
        night = store.get_team("Night")
        store.save_team(TeamList(night.id, "Night", [TeamMember("Mine", "5559990000")]))
        assert store.team_state()["waiting"] == "1"
    report = sync.sync_once()
    assert report.problem == "Only a team lead can edit team lists."
    with Store.open(path) as store:
        assert store.team_state()["error"] == "Only a team lead can edit team lists."
        assert store.get_team("Night").list_value == "5550001111"  # the team's, back again
        assert store.team_state()["waiting"] == "0"
    with PgStore.open(lead_url) as server:
        assert server.get_team("Night").list_value == "5550001111"


def test_a_leads_edits_made_here_reach_the_server_by_name(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.postgres import PgStore

    lead_url = _url(pg_cluster, pg_db, pg.LEAD_USER)
    with PgStore.open(lead_url) as server:
        server.save_team(TeamList(None, "Night", [TeamMember("A", "5550001111")]))
        server.save_team(TeamList(None, "Gone", [TeamMember("B", "5550002222")]))
    path = tmp_path / "lead" / "findme.db"
    sync = TeamSync(path, lead_url)
    sync.sync_once()
    with Store.open(path) as store:
        night = store.get_team("Night")
        store.rename_team(night.id, "Late")
        store.save_team(TeamList(None, "Day", [TeamMember("C", "5550003333")]))
        store.delete_team(store.get_team("Gone").id)
        store.save_preset("Quick", {"timeout": 20})
    report = sync.sync_once()
    assert report.problem == "" and report.sent_edits >= 4
    with PgStore.open(lead_url) as server:
        teams = {t.name: t for t in server.list_teams()}
        assert set(teams) == {"Day", "Late"}
        assert teams["Late"].id == night.id  # renamed, the same list for every desktop
        assert server.get_preset("quick").options == {"timeout": 20}
    with Store.open(path) as store:
        assert {t.name: t.id for t in store.list_teams()} == {n: t.id for n, t in teams.items()}
        assert store.team_state()["waiting"] == "0"


def test_a_lost_commit_reply_makes_no_second_row(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "agent" / "findme.db"
    with Store.open(path) as store:
        call_id = begin(store, "Ann")
        store.finish_call(call_id, status="success", description="ok")
    with commit_dropping_proxy(pg_cluster.port) as proxy:
        url = f"postgresql://{pg.AGENT_USER}:{pg.ROLE_PASSWORD}@127.0.0.1:{proxy.port}/{pg_db}"
        sync = TeamSync(path, url + "?sslmode=disable")
        lost = sync.sync_once()
        assert not lost.connected and proxy.dropped == 1  # the server committed, unheard
        assert len(server_calls(pg_cluster, pg_db)) == 1
        with Store.open(path) as store:
            assert store.team_state()["waiting"] == "1"  # so it is sent again
        again = sync.sync_once()
        assert again.connected and again.sent_calls == 1
    rows = server_calls(pg_cluster, pg_db)
    assert len(rows) == 1 and rows[0]["status"] == "success"
    with Store.open(path) as store:
        assert store.team_state()["waiting"] == "0"


def test_start_never_blocks_and_stop_is_prompt_even_when_the_server_does_not_answer(
    tmp_path: Path,
) -> None:
    import socket
    import time

    path = tmp_path / "desk" / "findme.db"
    Store.open(path).close()
    # A loopback port that accepts connections and never says a word: a stalled server.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        sync = TeamSync(
            path, f"postgresql://nobody:s3cret-x9@127.0.0.1:{port}/team", connect_timeout=3
        )
        started = time.monotonic()
        sync.start()
        assert time.monotonic() - started < 0.2 and sync.running
        time.sleep(0.3)  # it is now waiting on the silent server
        asked = time.monotonic()
        assert sync.stop(timeout=0.5) is False  # still connecting; the caller does not wait
        assert time.monotonic() - asked < 0.8
        deadline = time.monotonic() + 10
        while sync.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not sync.running  # it ended on its own once the connect timed out
    with Store.open(path) as store:
        # It saw the stop: nothing written after it (no "offline" for a stop it was asked).
        assert store.team_state().get("connected") is None


def test_offline_is_noted_and_the_thread_stops_within_a_poll(tmp_path: Path) -> None:
    import socket
    import time

    with socket.socket() as s:  # a loopback port nobody listens on: refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "desk" / "findme.db"
    with Store.open(path) as window:
        sync = TeamSync(
            path, f"postgresql://nobody:s3cret-x9@127.0.0.1:{port}/team", backoff=(0.1, 0.2)
        )
        sync.start()
        deadline = time.monotonic() + 10
        while window.team_state().get("connected") != "0" and time.monotonic() < deadline:
            time.sleep(0.02)
        state = window.team_state()
        assert state["connected"] == "0" and state["offline_since"].endswith("Z")
        assert "cannot be reached" in state["error"] and "s3cret-x9" not in state["error"]
        assert state["mode"] == "team"
        begin(window)  # calls go on, and wait
        assert window.team_state()["waiting"] == "1"
        asked = time.monotonic()
        assert sync.stop(timeout=2) is True
        assert time.monotonic() - asked < 1.0


def test_a_call_the_row_policy_refuses_is_given_up_alone_and_said(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "agent" / "findme.db"
    with Store.open(path) as store:
        good = [begin(store, f"Good{i}") for i in range(3)]
        with store._tx() as conn:  # made under another agent's name (a forged or old row)
            conn.execute("UPDATE history SET agent = 'someone_else' WHERE id = ?", (good[1],))
        for call_id in good:
            store.finish_call(call_id, status="success", description="ok")
        # Configured with a name that is not the login's: an agent's calls carry the login's.
        report = TeamSync(path, _url(pg_cluster, pg_db, pg.AGENT_USER), agent="bobby").sync_once()
        assert report.connected
        assert report.problem.startswith("1 call was not accepted by the team server: ")
        assert store.team_state()["error"] == report.problem
        assert store.team_state()["waiting"] == "0"  # given up, not retried forever
    rows = server_calls(pg_cluster, pg_db)
    assert sorted(r["lead_name"] for r in rows) == ["Good0", "Good2"]
    assert {r["agent"] for r in rows} == {pg.AGENT_USER}
