"""Wrap-ups, the team's dispositions and its do-not-call numbers through a real PostgreSQL team
server (tests/pg.py): two desktops as command-line processes with data folders of their own
(the embedded sandbox over loopback places the calls), and one sync pass at a time in this
process where the order of two desktops' changes matters."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from console import paths
from console.store import Lead, Store
from console.team import TeamSync
from tests import pg
from tests.team_kit import begin, commit_dropping_proxy

LIST, NUMBER = "5559998888", "5551112222"
_SETTINGS = {"version": 1, "values": {"sandbox.time_scale": 0.01}}


@pytest.fixture
def desktops(home: Path, tmp_path: Path, pg_cluster: Any, pg_db: str) -> dict[str, dict]:
    """The agent's desktop (the test's FINDME_HOME) and a team lead's, each in team mode."""
    lead_home = tmp_path / "lead-home"
    lead_home.mkdir()
    for folder in (home, lead_home):
        (folder / "settings.json").write_text(json.dumps(_SETTINGS), encoding="utf-8")
    return {
        "agent": {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)},
        "lead": {
            "FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD),
            "FINDME_HOME": str(lead_home),
        },
    }


def _ok(done: Any) -> Any:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def _call(run_cli: Any, env: dict) -> Any:
    return run_cli("call", "--list", LIST, "--phone-to-call", NUMBER, "--json", env=env)


def _history(run_cli: Any, env: dict) -> list[dict[str, Any]]:
    return json.loads(_ok(run_cli("history", "--json", env=env)).stdout)


def test_a_wrap_up_set_by_cli_shows_on_the_other_desktop_and_its_export_and_a_later_one_wins(
    run_cli: Any, desktops: dict, tmp_path: Path
) -> None:
    agent, lead = desktops["agent"], desktops["lead"]
    _ok(_call(run_cli, agent))
    call = _history(run_cli, agent)[0]
    done = _ok(
        run_cli(
            "history", "wrap-up", str(call["id"]), "--disposition", "Left voicemail",
            "--notes", "try Tuesday", env=agent,
        )
    )  # fmt: skip
    assert "team" not in done.stderr  # sent: nothing to say
    with Store.open(paths.store_path()) as store:
        assert store.team_state()["waiting"] == "0"

    [seen] = _history(run_cli, lead)  # `history` brings the team's calls in first
    assert (seen["uuid"], seen["agent"]) == (call["uuid"], pg.AGENT_USER)
    assert (seen["disposition"], seen["notes"]) == ("Left voicemail", "try Tuesday")
    out = tmp_path / "team-calls.csv"
    _ok(run_cli("history", "export", str(out), env=lead))
    with open(out, encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["disposition"], row["notes"]) == ("Left voicemail", "try Tuesday")

    # Changed later from the history: the change goes too, and it is the one shown.
    _ok(run_cli("history", "wrap-up", str(call["id"]), "--disposition", "Interested", env=agent))
    [seen] = _history(run_cli, lead)
    assert (seen["disposition"], seen["notes"]) == ("Interested", "try Tuesday")


def test_a_do_not_call_mark_on_one_desktop_blocks_the_number_on_another_until_taken_away(
    run_cli: Any, desktops: dict
) -> None:
    from tests.integration.test_cli import LiveSandbox

    agent, lead = desktops["agent"], desktops["lead"]
    with Store.open(paths.store_path()) as store:  # the agent's own lead
        store.add_lead(Lead(None, "Zed", NUMBER))
    _ok(_call(run_cli, agent))
    call_id = str(_history(run_cli, agent)[0]["id"])
    marked = _ok(
        run_cli(
            "history", "wrap-up", call_id, "--disposition", "Do not call",
            "--notes", "asked us to stop", env=agent,
        )
    )  # fmt: skip
    assert "Zed is marked" in marked.stdout

    # The lead's desktop has no lead with that number: the team's mark blocks it all the same.
    with LiveSandbox() as live:
        refused = run_cli(
            "call", "--list", LIST, "--phone-to-call", NUMBER, "--api-url", live.url, "--json",
            env={**lead, "FINDME_KEY": "k-123"},
        )  # fmt: skip
        assert live.received == []  # nothing was sent
    assert refused.returncode == 2, refused.stderr  # README: exit 2, the reason on stderr
    assert "Traceback" not in refused.stderr
    # The lead's desktop has no name for it: the number as the lists show it.
    assert "do not call: (555) 111-2222 is marked \u201cDo not call\u201d" in refused.stderr
    assert "asked us to stop" in refused.stderr
    assert f"marked for the team by {pg.AGENT_USER}" in refused.stderr
    payload = json.loads(refused.stdout)
    assert payload["result"] == "do_not_call"
    assert f"marked for the team by {pg.AGENT_USER}" in payload["do_not_call_reason"]

    # The wrap-up changed to another disposition takes the mark away, for the team too.
    _ok(run_cli("history", "wrap-up", call_id, "--disposition", "Connected", env=agent))
    with LiveSandbox() as live:
        placed = run_cli(
            "call", "--list", LIST, "--phone-to-call", NUMBER, "--api-url", live.url, "--json",
            env={**lead, "FINDME_KEY": "k-123"},
        )  # fmt: skip
        assert len(live.received) == 1
    assert placed.returncode == 0, placed.stderr


def test_the_teams_dispositions_are_the_servers_a_lead_edits_them_an_agent_cannot(
    run_cli: Any, desktops: dict, pg_cluster: Any, pg_db: str
) -> None:
    from console.store.models import Disposition
    from console.store.postgres import PgStore

    agent, lead = desktops["agent"], desktops["lead"]
    with PgStore.open(pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)) as server:
        server.save_disposition(Disposition(None, "Sent brochure", 20))
        gone = next(d for d in server.list_dispositions() if d.name == "No answer")
        server.delete_disposition(gone.id)
        team = [(d.name, d.kind) for d in server.list_dispositions()]

    def names(env: dict) -> list[tuple[str, str]]:
        listed = _ok(run_cli("dispositions", "list", "--json", env=env))
        return [(d["name"], d["kind"]) for d in json.loads(listed.stdout)]

    assert names(agent) == team and "No answer" not in [n for n, _ in team]
    refused = run_cli("dispositions", "add", "Mine", env=agent)
    assert refused.returncode == 2
    assert "Only a team lead can edit dispositions." in refused.stderr
    assert names(agent) == team

    _ok(run_cli("dispositions", "add", "Voicemail full", env=lead))
    _ok(run_cli("dispositions", "rename", "Sent brochure", "Brochure sent", env=lead))
    with PgStore.open(pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)) as server:
        there = [d.name for d in server.list_dispositions()]
    assert "Voicemail full" in there and "Brochure sent" in there and "Sent brochure" not in there
    assert [n for n, _ in names(agent)] == there
    # The wrap-up offers the team's list: a name only the server has is taken.
    _ok(_call(run_cli, agent))
    call_id = str(_history(run_cli, agent)[0]["id"])
    _ok(run_cli("history", "wrap-up", call_id, "--disposition", "Voicemail full", env=agent))


def _server_row(cluster: Any, db: str, sql: str, *params: Any) -> Any:
    import psycopg

    with psycopg.connect(cluster.admin_url(db), autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()


def test_a_later_wrap_up_wins_whichever_desktop_sends_first(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    agent_path, lead_path = tmp_path / "a" / "findme.db", tmp_path / "l" / "findme.db"
    agent_sync = TeamSync(agent_path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    lead_sync = TeamSync(lead_path, pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD))
    with Store.open(agent_path) as store:
        call_id = begin(store)
        store.finish_call(call_id, status="success", description="ok")
    assert agent_sync.sync_once().sent_calls == 1
    with Store.open(agent_path) as store:
        store.wrap_up(call_id, "Connected", "agent, earlier")  # not sent yet (offline)
    lead_sync.sync_once()
    with Store.open(lead_path) as store:
        [pulled] = store.fetch_calls()
        store.wrap_up(pulled.id, "Interested", "lead, later")
    assert lead_sync.sync_once().sent_shared == 1
    report = agent_sync.sync_once()  # the agent's older wrap-up arrives after the lead's
    assert report.connected and report.sent_shared == 0
    row = _server_row(pg_cluster, pg_db, "SELECT disposition, notes FROM findme.calls")
    assert row == ("Interested", "lead, later")
    with Store.open(agent_path) as store:  # and the agent's own row takes the later one
        mine = store.get_call(call_id)
        assert (mine.disposition, mine.notes) == ("Interested", "lead, later")
        assert store.team_state()["waiting"] == "0"
    lead_sync.sync_once()
    with Store.open(lead_path) as store:
        assert [(c.disposition, c.notes) for c in store.fetch_calls()] == [
            ("Interested", "lead, later")
        ]


def test_a_lost_commit_reply_writes_a_wrap_up_and_a_mark_once(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "agent" / "findme.db"
    direct = TeamSync(path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    with Store.open(path) as store:
        call_id = begin(store, "Zed", NUMBER)
        store.finish_call(call_id, status="success", description="ok")
        lead = store.add_lead(Lead(None, "Zed", NUMBER))
    assert direct.sync_once().sent_calls == 1
    for change in ("wrap-up", "mark"):
        with Store.open(path) as store:
            if change == "wrap-up":
                store.wrap_up(call_id, "Interested", "wants a demo")
            else:
                store.set_do_not_call(lead.id, "asked us to stop")
        sql = (
            "SELECT xmin::text, notes FROM findme.calls"
            if change == "wrap-up"
            else "SELECT xmin::text, reason FROM findme.do_not_call"
        )
        with commit_dropping_proxy(pg_cluster.port) as proxy:
            url = f"postgresql://{pg.AGENT_USER}:{pg.ROLE_PASSWORD}@127.0.0.1:{proxy.port}/{pg_db}"
            sync = TeamSync(path, url + "?sslmode=disable")
            lost = sync.sync_once()
            assert not lost.connected and proxy.dropped == 1, change  # committed, unheard
            written = _server_row(pg_cluster, pg_db, sql)
            assert written[1] in ("wants a demo", "asked us to stop"), change
            with Store.open(path) as store:
                assert store.team_state()["waiting"] == "1", change  # so it is sent again
            again = sync.sync_once()
        assert again.connected and again.problem == "", change
        assert again.sent_shared == 0, change  # the server had it: nothing written twice
        assert _server_row(pg_cluster, pg_db, sql) == written, change  # the same row version
        with Store.open(path) as store:
            assert store.team_state()["waiting"] == "0", change
    with Store.open(path) as store:  # and this desktop's copy has the team's mark
        mark = store.team_marks([NUMBER]).get(NUMBER)
        assert mark is not None and mark.marked_by == pg.AGENT_USER


def test_unmarking_on_one_desktop_unblocks_the_others(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    a_path, b_path = tmp_path / "a" / "findme.db", tmp_path / "b" / "findme.db"
    a = TeamSync(a_path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    b = TeamSync(b_path, pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD))
    with Store.open(a_path) as store:
        lead = store.add_lead(Lead(None, "Zed", NUMBER))
    a.sync_once()
    with Store.open(a_path) as store:
        store.set_do_not_call(lead.id, "rude")
    a.sync_once()
    b.sync_once()
    with Store.open(b_path) as store:
        blocked = store.do_not_call_lead(NUMBER)
        assert blocked is not None and blocked.do_not_call_reason.startswith("rude; marked for")
    with Store.open(a_path) as store:
        store.set_do_not_call(lead.id, None)
    a.sync_once()
    b.sync_once()
    with Store.open(b_path) as store:
        assert store.do_not_call_lead(NUMBER) is None
    # B marks it again, then unmarks a mark B never had on a lead of its own.
    with Store.open(b_path) as store:
        mine = store.add_lead(Lead(None, "Zed here", NUMBER))
        store.set_do_not_call(mine.id, "asked again")
    b.sync_once()
    a.sync_once()
    with Store.open(a_path) as store:
        assert "asked again" in store.do_not_call_lead(NUMBER).do_not_call_reason
        store.set_do_not_call(lead.id, None)  # "Allow calls again" on A: the team's mark goes
        assert store.do_not_call_lead(NUMBER) is None
    a.sync_once()
    b.sync_once()
    with Store.open(b_path) as store:
        # Unmarked for the team: B's own lead's mark, which B shared, goes with it.
        assert store.team_marks([NUMBER]).get(NUMBER) is None
        assert store.do_not_call_lead(NUMBER) is None
        assert store.get_lead(mine.id).do_not_call is False
        assert store.team_state()["waiting"] == "0"  # B's copy was not sent back


def test_changes_made_offline_wait_in_order_and_go_when_the_server_is_back(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    import socket

    from console.store.models import Disposition

    with socket.socket() as probe:  # a loopback port nobody listens on: the server is away
        probe.bind(("127.0.0.1", 0))
        away = (
            f"postgresql://{pg.LEAD_USER}:{pg.ROLE_PASSWORD}@127.0.0.1:{probe.getsockname()[1]}/x"
        )
    path = tmp_path / "lead" / "findme.db"
    online = TeamSync(path, pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD))
    with Store.open(path) as store:
        call_id = begin(store, "Zed", NUMBER)
        store.finish_call(call_id, status="success", description="ok")
        lead = store.add_lead(Lead(None, "Zed", NUMBER))
    online.sync_once()
    with Store.open(path) as store:
        store.wrap_up(call_id, "Connected", "first")
        store.wrap_up(call_id, "Call back", "second", "2030-01-02T10:00:00+00:00")
        store.set_do_not_call(lead.id, "rude")
        store.save_disposition(Disposition(None, "Sent brochure", 30))
    offline = TeamSync(path, away).sync_once()
    assert not offline.connected
    with Store.open(path) as store:
        assert store.team_state()["waiting"] == "3"  # the wrap-up, the number, the name
        # The copy never overwrites what waits: the disposition added here is still here.
        assert "Sent brochure" in [d.name for d in store.list_dispositions()]
    back = online.sync_once()
    assert back.connected and back.problem == "" and back.sent_shared == 2
    row = _server_row(
        pg_cluster, pg_db,
        "SELECT disposition, notes, callback_at = '2030-01-02T10:00:00Z' FROM findme.calls",
    )  # fmt: skip
    assert row == ("Call back", "second", True)  # the last change
    assert _server_row(pg_cluster, pg_db, "SELECT reason FROM findme.do_not_call") == ("rude",)
    assert _server_row(
        pg_cluster, pg_db, "SELECT count(*) FROM findme.dispositions WHERE name = 'Sent brochure'"
    ) == (1,)
    with Store.open(path) as store:
        assert store.team_state()["waiting"] == "0"


def test_joining_replaces_the_desktops_own_dispositions_and_keeps_a_copy_first(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.models import Disposition
    from console.team.sync import BEFORE_TEAM_SUFFIX

    path = tmp_path / "desk" / "findme.db"
    with Store.open(path) as store:
        store.save_disposition(Disposition(None, "Mine only", 40))
    TeamSync(path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)).sync_once()
    with Store.open(path) as store:
        assert "Mine only" not in [d.name for d in store.list_dispositions()]
    kept = path.with_name(path.name + BEFORE_TEAM_SUFFIX)
    with Store.open(kept) as copy:
        assert "Mine only" in [d.name for d in copy.list_dispositions()]


def test_an_agents_disposition_edit_is_refused_by_the_server_and_the_teams_list_restored(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    from console.store.models import Disposition

    path = tmp_path / "agent" / "findme.db"
    sync = TeamSync(path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    sync.sync_once()
    with Store.open(path) as store:  # made anyway (an older console, a script on the store)
        store.save_disposition(Disposition(None, "Mine", 50))
    report = sync.sync_once()
    assert report.connected and report.problem == "Only a team lead can edit dispositions."
    with Store.open(path) as store:
        assert "Mine" not in [d.name for d in store.list_dispositions()]  # the team's, back
        state = store.team_state()
        assert state["error"] == report.problem and state["waiting"] == "0"
    assert _server_row(
        pg_cluster, pg_db, "SELECT count(*) FROM findme.dispositions WHERE name = 'Mine'"
    ) == (0,)


def test_a_wrap_up_of_a_call_the_server_never_had_is_dropped_not_retried(
    pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "desk" / "findme.db"
    with Store.open(path) as store:  # a call from before this desktop joined: never uploaded
        old = begin(store)
        store.finish_call(old, status="success", description="ok")
    with Store.open(path) as store, store._tx() as conn:
        conn.execute("UPDATE history SET sent = status")  # as the join's migration counts it
    sync = TeamSync(path, pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    assert sync.sync_once().sent_calls == 0
    with Store.open(path) as store:
        store.wrap_up(old, "Connected", "from before")
        assert store.team_state()["waiting"] == "1"
    report = sync.sync_once()
    assert report.connected and report.problem == "" and report.sent_shared == 0
    with Store.open(path) as store:
        assert store.team_state()["waiting"] == "0"
        assert store.get_call(old).notes == "from before"  # kept here
    assert _server_row(pg_cluster, pg_db, "SELECT count(*) FROM findme.calls") == (0,)
