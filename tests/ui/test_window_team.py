"""The window in team mode (ui/shell/team_mode.py): the sync thread started and stopped, the
team line, read-only lists for an agent, the history's Agent column and filter; the real window
offscreen, a real SQLite file, and where the server matters the real PostgreSQL of tests/pg.py."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from window_kit import open_session, seed

from console.store import Store, TeamList, TeamMember
from tests import pg
from tests.conftest import until
from tests.team_kit import begin
from ui.common.words import short_time

READ_ONLY = "Only a team lead can edit team lists."


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers: a stalled team server."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    worker = threading.Thread(target=accept, daemon=True)
    worker.start()
    yield listener.getsockname()[1]
    stop.set()
    worker.join(2)
    for conn in held:
        conn.close()
    listener.close()


def _write_state(engine, values: dict[str, str]) -> None:
    """team_state rows as the sync thread writes them: from a connection of its own."""
    with Store.open(engine.store.path) as other, other._tx() as conn:
        conn.executemany(
            "INSERT INTO team_state(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )


def _settled(window) -> bool:
    """No history filter still reading (it must not land after the test closed the window)."""
    return window.tasks.running("filter history") is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_offline_line_read_only_lists_and_own_calls_for_an_agent(
    session, arun, monkeypatch
) -> None:
    # Nothing listens there: the sync finds the team server offline, as after a partition.
    monkeypatch.setenv("FINDME_TEAM_URL", f"postgresql://bob@127.0.0.1:{_closed_port()}/team")
    engine, window = session.start()  # no list of its own: a list saved here waits to be sent
    arun(window.team_mode.start())
    assert window.team_mode.sync is not None and window.team_mode.sync.running
    line = window.team_line
    arun(until(lambda: engine.store.team_state().get("connected") == "0", 10, "offline"))
    # The sync's last connection said this desktop is an agent's, named bob.
    _write_state(engine, {"mode": "team", "role": "agent", "agent": "bob"})
    since = engine.store.team_state()["offline_since"]
    arun(until(lambda: line.isVisible() and "offline since" in line.text.text(), 1.0, "line"))
    assert line.text.text() == f"Team server offline since {short_time(since)}"
    assert "cannot be reached" in line.problem.text()  # the sync's last problem, one sentence
    # The lists are the team's, read-only here; the history shows bob's calls first.
    panel = window.teams_panel
    arun(until(lambda: panel.read_only_reason == READ_ONLY, 1.0, "read-only lists"))
    assert not panel.add_box.isEnabled() and not panel.new_button.isEnabled()
    history = window.history
    assert history.agent_filter.isVisibleTo(window)
    assert not history.table.isColumnHidden(1)
    assert history.agent_filter.currentData() == "bob"
    # Three calls placed on this desktop meanwhile (by the command line, say) wait to go out.
    with Store.open(engine.store.path) as other:
        for name in ("Ann", "Cy", "Dee"):
            begin(other, name)
    arun(until(lambda: "3 calls or edits waiting" in line.text.text(), 1.0, "waiting"))
    assert line.text.text() == (
        f"Team server offline since {short_time(since)} · 3 calls or edits waiting to be sent"
    )
    # The agent name is on them, and the filter keeps to bob's.
    arun(until(lambda: history.model.rowCount() == 3, 1.0, "bob's calls"))
    assert {history.model.record(r).agent for r in range(3)} == {"bob"}
    arun(until(lambda: _settled(window), 5, "the filter"))


def test_a_refused_login_is_said_as_such_not_as_offline(
    session, arun, monkeypatch, pg_cluster: Any, pg_db: str
) -> None:
    # The server answered and refused the password: the line said "Team server offline",
    # which sends the person to look at the network.
    url = pg_cluster.url(pg_db, pg.AGENT_USER, "not-the-password")
    monkeypatch.setenv("FINDME_TEAM_URL", url)
    engine, window = session.start()
    arun(window.team_mode.start())
    line = window.team_line
    arun(until(lambda: engine.store.team_state().get("connected") == "0", 10, "refused"))
    expected = f"Team server refused the login for {pg.AGENT_USER}: wrong password or user"
    arun(until(lambda: line.isVisible() and line.text.text() == expected, 2.0, "the line"))
    assert "offline" not in line.text.text().lower()
    problem = line.problem.text()
    assert "refused the login" in problem and "password authentication failed" in problem
    assert "not-the-password" not in problem
    window.team_mode._stop_sync(0)
    # Once connected the mark goes: the state says connected, nothing more.
    _write_state(engine, {"connected": "1", "error": ""})
    window.team_mode.read()
    arun(until(lambda: not line.isVisible(), 5.0, "the team line hidden"))


def test_a_lead_edits_lists_and_sees_every_agent(session, arun, monkeypatch) -> None:
    monkeypatch.setenv("FINDME_TEAM_URL", f"postgresql://ann@127.0.0.1:{_closed_port()}/team")
    engine, window = session.start(seed_with=seed)
    arun(window.team_mode.start())
    _write_state(
        engine, {"mode": "team", "role": "lead", "agent": "ann", "connected": "1", "error": ""}
    )
    history = window.history
    arun(until(lambda: history.agent_filter.isVisibleTo(window), 1.0, "the agent filter"))
    assert history.agent_filter.currentData() is None  # all agents
    assert window.teams_panel.read_only_reason == ""
    assert window.teams_panel.new_button.isEnabled()
    arun(until(lambda: _settled(window), 5, "the filter"))


def test_connected_with_nothing_waiting_says_nothing(session, arun, monkeypatch) -> None:
    monkeypatch.setenv("FINDME_TEAM_URL", f"postgresql://ann@127.0.0.1:{_closed_port()}/team")
    engine, window = session.start()
    arun(window.team_mode.start())
    window.team_mode._stop_sync(0)  # the state below is the test's, not a live sync's
    _write_state(engine, {"mode": "team", "role": "lead", "connected": "1", "error": ""})
    window.team_mode.read()
    # Reads are latest-wins: the store watcher, seeing the state written, may start a newer
    # one that cancels this one (CI saw it); the outcome is what counts.
    arun(until(lambda: not window.team_line.isVisible(), 5.0, "the team line hidden"))


def test_a_desktop_of_its_own_has_no_team_line_nor_agent_column(session, arun) -> None:
    engine, window = session.start(seed_with=seed)
    arun(window.team_mode.start())
    assert window.team_mode.sync is None
    assert not window.team_line.isVisible()
    assert not window.history.agent_filter.isVisibleTo(window)
    assert window.history.table.isColumnHidden(1)


def test_quitting_does_not_wait_for_a_stalled_team_server(
    session, arun, monkeypatch, silent_server: int
) -> None:
    monkeypatch.setenv("FINDME_TEAM_URL", f"postgresql://bob@127.0.0.1:{silent_server}/team")
    engine, window = session.start()
    arun(window.team_mode.start())
    sync = window.team_mode.sync
    time.sleep(0.3)  # the sync is now waiting for the server's first answer
    assert sync.running
    started = time.monotonic()
    session.close(engine, window)
    assert time.monotonic() - started < 1.5
    assert sync._stop.is_set()  # it ends on its own (a daemon thread) and writes no more


# ---- with the real team server -------------------------------------------------------------


def test_a_leads_edit_on_the_server_shows_in_an_agents_window_within_a_second(
    session, arun, monkeypatch, pg_cluster: Any, pg_db: str
) -> None:
    from console.store.postgres import PgStore

    agent_url = pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)
    monkeypatch.setenv("FINDME_TEAM_URL", agent_url)
    engine, window = session.start()
    arun(window.team_mode.start())
    panel = window.teams_panel
    arun(until(lambda: panel.read_only_reason == READ_ONLY, 15, "the agent's read-only lists"))
    assert not window.team_line.isVisible()  # connected, nothing waiting
    with PgStore.open(pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)) as lead:
        lead.save_team(TeamList(None, "Night", [TeamMember("Dee", "5551114444")]))
        saved = time.monotonic()
    arun(until(lambda: panel.team_combo.findText("Night") >= 0, 5, "the lead's list"))
    assert time.monotonic() - saved < 1.0
    assert window.history.agent_filter.currentData() == pg.AGENT_USER
    arun(until(lambda: _settled(window), 5, "the filter"))
