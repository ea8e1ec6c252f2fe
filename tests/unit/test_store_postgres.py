"""The team store on a real PostgreSQL server (tests/pg.py): what SQLite has no counterpart for.

Idempotent calls, completion only from pending, pages by (created_at, uuid), migrations
racing under the advisory lock, and the two roles enforced by the server itself.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from console.store import TeamList, TeamMember


def _begin(store: Any, **extra: Any) -> str:
    return store.begin_call(
        lead_name="Ann",
        lead_number="5551112222",
        team_name="Sales",
        list_value="5550001111",
        call_type=1,
        request_redacted="GET /list?access_key=***",
        **extra,
    )


@pytest.fixture
def pg_store(team_url: str) -> Any:
    from console.store.postgres import PgStore

    with PgStore.open(team_url, agent="ann") as store:
        yield store


def test_a_retried_insert_leaves_one_row(pg_store: Any) -> None:
    made = str(uuid.uuid4())
    assert _begin(pg_store, call_uuid=made) == made
    pg_store.finish_call(made, status="success", description="ok", sid="S1")
    # The same call sent again (its COMMIT reply was lost): no second row, nothing reopened.
    assert _begin(pg_store, call_uuid=made) == made
    assert pg_store.count_calls() == 1
    assert pg_store.get_call(made).status == "success"
    assert pg_store.get_call(made).agent == "ann"


def test_a_call_is_completed_only_from_pending(pg_store: Any) -> None:
    call = _begin(pg_store)
    pg_store.finish_call(call, status="success", description="connected", sid="S1")
    pg_store.finish_call(call, status="failed", description="late retry")  # no effect
    done = pg_store.get_call(call)
    assert (done.status, done.description, done.sid) == ("success", "connected", "S1")
    with pytest.raises(KeyError):
        pg_store.finish_call(str(uuid.uuid4()), status="failed", description="")


def test_pages_follow_time_not_ids(pg_store: Any) -> None:
    # Ids are handed out at INSERT, not at COMMIT: a later id may carry an earlier time.
    times = [f"2024-01-01T00:00:{s:02d}.000Z" for s in (5, 1, 4, 2, 3, 3)]
    made = [_begin(pg_store, created_at=t) for t in times]
    everything = pg_store.fetch_calls(limit=100)
    assert [c.created_at for c in everything] == sorted(times, reverse=True)
    # Walking with `before` visits every call once, in the same order, 2 at a time.
    walked, before = [], None
    while page := pg_store.fetch_calls(limit=2, before=before):
        walked.extend(c.uuid for c in page)
        before = page[-1]
    assert walked == [c.uuid for c in everything]
    assert sorted(walked) == sorted(made)


def test_two_desktops_migrating_at_once_apply_each_version_once(pg_cluster: Any) -> None:
    import psycopg

    from console.store.postgres import MIGRATIONS, migrate

    pg_cluster.admin("CREATE DATABASE race_fresh")
    try:
        results: list[Any] = []
        start = threading.Barrier(4)

        def run() -> None:
            with psycopg.connect(pg_cluster.admin_url("race_fresh"), autocommit=True) as conn:
                start.wait()
                try:
                    results.append(migrate(conn, roles=False))
                except Exception as exc:  # collected: the assertion below shows it
                    results.append(exc)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        found = sorted(r[0] for r in results if isinstance(r, tuple))
        assert found == [0, len(MIGRATIONS), len(MIGRATIONS), len(MIGRATIONS)], results
    finally:
        pg_cluster.admin("DROP DATABASE IF EXISTS race_fresh WITH (FORCE)")


def test_an_older_schema_is_refused_with_one_sentence(pg_cluster: Any) -> None:
    from console.store.postgres import PgStore, TeamServerProblem

    pg_cluster.admin("CREATE DATABASE empty_team")
    try:
        with pytest.raises(TeamServerProblem, match=r"version 0.*team init"):
            PgStore.open(pg_cluster.admin_url("empty_team"))
    finally:
        pg_cluster.admin("DROP DATABASE IF EXISTS empty_team WITH (FORCE)")


# Roles: two real login roles, one in each group role (tests/conftest.py pg_cluster).


def _as(pg_cluster: Any, db: str, user: str) -> Any:
    from console.store.postgres import PgStore
    from tests import pg

    return PgStore.open(pg_cluster.url(db, user, pg.ROLE_PASSWORD))


def test_a_lead_edits_lists_an_agent_only_reads_them(pg_cluster: Any, pg_db: str) -> None:
    from console.store.postgres import NotALead
    from tests import pg

    with _as(pg_cluster, pg_db, pg.LEAD_USER) as lead, _as(pg_cluster, pg_db, pg.AGENT_USER) as ag:
        assert lead.describe()["role"] == "lead" and ag.describe()["role"] == "agent"
        team = lead.save_team(TeamList(None, "Sales", [TeamMember("A", "5550000001")]))
        lead.save_preset("Day", {"call_type": 1})
        assert [t.name for t in ag.list_teams()] == ["Sales"]
        assert ag.get_preset("day").options == {"call_type": 1}
        with pytest.raises(NotALead, match=r"^Only a team lead can edit team lists\.$"):
            ag.save_team(TeamList(team.id, "Sales", []))
        with pytest.raises(NotALead, match="team lists"):
            ag.import_members("Support", [TeamMember("B", "5550000002")], "add")
        with pytest.raises(NotALead, match=r"^Only a team lead can edit presets\.$"):
            ag.save_preset("Night", {})
        assert lead.get_team("Sales").members == [TeamMember("A", "5550000001")]
        assert [t.name for t in lead.list_teams()] == ["Sales"]


def test_an_agent_writes_and_sees_only_their_own_calls(pg_cluster: Any, pg_db: str) -> None:
    from console.store.postgres import NotALead
    from tests import pg

    with _as(pg_cluster, pg_db, pg.LEAD_USER) as lead, _as(pg_cluster, pg_db, pg.AGENT_USER) as ag:
        assert ag.agent == pg.AGENT_USER  # the default agent name is the server's user
        mine = _begin(ag)
        theirs = _begin(lead)
        ag.finish_call(mine, status="success", description="ok")
        assert [c.uuid for c in ag.fetch_calls()] == [mine]
        assert ag.get_call(theirs) is None
        with pytest.raises(KeyError):  # another agent's call is not there for an agent
            ag.finish_call(theirs, status="failed", description="not mine")
        assert lead.get_call(theirs).status == "pending"
        # The lead sees every agent's calls, with the agent on each.
        assert {c.agent for c in lead.fetch_calls()} == {pg.LEAD_USER, pg.AGENT_USER}
        assert [c.uuid for c in lead.fetch_calls(agent=pg.AGENT_USER)] == [mine]
        ag.agent = "someone_else"  # a forged agent name is refused by the row policy
        with pytest.raises(NotALead, match="only their own calls"):
            _begin(ag)
