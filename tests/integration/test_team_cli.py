"""`team init|connect|status|disconnect` and the `teams` commands in team mode, as processes,
against the session's real PostgreSQL (tests/pg.py) with real login roles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from console.store.postgres.schema import MIGRATIONS
from tests import pg

# The team schema's version this console makes (console.store.postgres.schema.MIGRATIONS).
VERSION = len(MIGRATIONS)  # the schema's newest version

ROSTER = "First Name,Last Name,Mobile\nDee,Dunn,555-111-4444\nEd,Eng,555-111-5555\n"


def _no_traceback(result: Any) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_status_without_a_team_server(run_cli) -> None:
    result = run_cli("team", "status", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"configured": False, "connected": False}


def test_init_makes_the_schema_once_then_finds_it(run_cli, pg_cluster: Any) -> None:
    pg_cluster.admin("CREATE DATABASE init_team")
    try:
        url = pg_cluster.admin_url("init_team")
        first = run_cli("team", "init", url)
        assert first.returncode == 0, first.stderr
        assert f"went from version 0 to version {VERSION}" in first.stdout
        assert "findme_lead and findme_agent have their rights" in first.stdout
        again = run_cli("team", "init", url)
        assert again.returncode == 0 and f"is at version {VERSION}" in again.stdout
        assert pg.SUPERUSER_PASSWORD not in first.stdout + first.stderr
    finally:
        pg_cluster.admin("DROP DATABASE IF EXISTS init_team WITH (FORCE)")


def test_init_without_the_right_is_one_sentence(run_cli, pg_cluster: Any) -> None:
    pg_cluster.admin("CREATE DATABASE init_refused")
    try:
        url = pg_cluster.url("init_refused", pg.AGENT_USER, pg.ROLE_PASSWORD)
        result = run_cli("team", "init", url)
        assert result.returncode == 4
        _no_traceback(result)
        assert "may not create the team schema" in result.stderr
        assert pg.ROLE_PASSWORD not in result.stderr + result.stdout
    finally:
        pg_cluster.admin("DROP DATABASE IF EXISTS init_refused WITH (FORCE)")


def test_connect_keeps_the_password_out_of_settings_and_messages(
    run_cli, pg_cluster: Any, pg_db: str, home: Path
) -> None:
    url = pg_cluster.url(pg_db, pg.LEAD_USER)  # no password: it comes on stdin
    result = run_cli(
        "team", "connect", url, "--agent", "ann", "--password-stdin", stdin=pg.ROLE_PASSWORD
    )
    assert result.returncode == 0, result.stderr
    assert "role lead" in result.stdout and "agent name ann" in result.stdout
    settings = (home / "settings.json").read_text()
    assert pg.ROLE_PASSWORD not in settings + result.stdout + result.stderr
    assert url in settings
    for log in home.rglob("*.log"):
        assert pg.ROLE_PASSWORD not in log.read_text(errors="replace")

    # This test's keyring is memory only (cli_env), so another process has no password:
    # the server refuses the login, which status says as such (not "Offline", which it said)
    # with exit 4, a local problem: the password, not the network.
    refused = run_cli("team", "status")
    assert refused.returncode == 4
    _no_traceback(refused)
    assert refused.stdout.startswith("Refused: The team server 127.0.0.1:")
    assert f"refused the login for {pg.LEAD_USER}" in refused.stdout
    assert "no password supplied" in refused.stdout and "wrong password or user" in refused.stdout
    assert json.loads(run_cli("team", "status", "--json").stdout)["refused_login"] == pg.LEAD_USER
    synced = run_cli("team", "sync")
    assert synced.returncode == 4 and synced.stderr.startswith("Refused: ")

    # With the password from the environment (scripts, tests) it is connected.
    env = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)}
    status = run_cli("team", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    facts = json.loads(status.stdout)
    assert (facts["connected"], facts["role"], facts["schema_version"]) == (True, "lead", VERSION)
    assert pg.ROLE_PASSWORD not in status.stdout

    gone = run_cli("team", "disconnect")
    assert gone.returncode == 0 and "no longer uses the team server" in gone.stdout
    assert "team." not in (home / "settings.json").read_text()
    assert json.loads(run_cli("team", "status", "--json").stdout)["configured"] is False


def test_connect_to_a_server_that_is_not_there_saves_nothing(run_cli, home: Path) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run_cli("team", "connect", f"postgresql://ann:s3cret-pw@127.0.0.1:{port}/team")
    # A network failure: exit 3, as `team status` and `team sync` (it exited 4).
    assert result.returncode == 3
    _no_traceback(result)
    assert "cannot be reached" in result.stderr and "s3cret-pw" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Nothing was saved" in result.stderr
    settings = home / "settings.json"
    assert not settings.exists() or "team." not in settings.read_text()
    away = {"FINDME_TEAM_URL": f"postgresql://ann@127.0.0.1:{port}/team"}
    assert run_cli("team", "status", env=away).returncode == 3
    assert run_cli("team", "sync", env=away).returncode == 3


def test_connect_to_what_is_no_url_is_one_line(run_cli) -> None:
    # libpq's reason ended with a line break: ").\n" on a line of its own.
    result = run_cli("team", "connect", "notaurl")
    assert result.returncode == 4
    _no_traceback(result)
    said = result.stderr.strip()
    assert said.startswith("team connect: not a PostgreSQL URL or connection string (")
    assert len(said.splitlines()) == 1 and said.endswith(").")


def test_an_agent_cannot_edit_a_team_list_a_lead_can(
    run_cli, pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    agent = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)}
    lead = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)}

    refused = run_cli("teams", "import", str(roster), "--name", "Night", env=agent)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "teams import: Only a team lead can edit team lists."

    made = run_cli("teams", "import", str(roster), "--name", "Night", "--json", env=lead)
    assert made.returncode == 0, made.stderr
    # The agent's desktop (another data folder would do too) sees the lead's list.
    shown = json.loads(run_cli("teams", "show", "night", "--json", env=agent).stdout)
    assert shown["list"] == "5551114444|5551115555"
    # Without the team server, this desktop's own store has no such list.
    assert run_cli("teams", "list", "--json").stdout.strip() == "[]"


def test_watch_sees_another_process_edit_within_a_second_and_resyncs_after_a_crash(
    cli_env: dict[str, str], run_cli, pg_cluster: Any, pg_db: str, tmp_path: Path
) -> None:
    import queue
    import subprocess
    import sys
    import threading
    import time

    from tests.conftest import ROOT

    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    agent = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)}
    lead = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)}
    watcher = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "teams", "watch", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**cli_env, **agent},
    )
    lines: queue.Queue[dict] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(json.loads(line)) for line in watcher.stdout], daemon=True
    ).start()

    def next_event(timeout: float) -> dict:
        return lines.get(timeout=timeout)

    try:
        assert next_event(20) == {"event": "resync"}
        made = run_cli("teams", "import", str(roster), "--name", "Night", env=lead)
        done_at = time.monotonic()
        assert made.returncode == 0, made.stderr
        event = next_event(1.0)  # the edit reaches the other process within 1 s
        assert time.monotonic() - done_at < 1.0
        assert event["event"] == "change" and event["table"] in ("teams", "team_members")
        assert set(event) == {"event", "table", "id"}  # ids only, never names or numbers

        # The server crashes and comes back: the watcher says offline, then resyncs.
        pg_cluster.stop("immediate")
        while (event := next_event(30))["event"] == "change":
            pass
        assert event["event"] == "offline" and "cannot be reached" in event["problem"]
        pg_cluster.start()
        assert next_event(30) == {"event": "resync"}
        again = run_cli("teams", "import", str(roster), "--name", "Day", env=lead)
        assert again.returncode == 0, again.stderr
        assert next_event(5)["event"] == "change"
    finally:
        watcher.terminate()
        watcher.wait(10)


def test_call_and_history_in_team_mode_are_local_then_sent(
    run_cli, pg_cluster: Any, pg_db: str
) -> None:
    from tests.integration.test_cli import LiveSandbox
    from tests.team_kit import server_calls

    agent = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD)}
    with LiveSandbox() as live:
        done = run_cli(
            "call", "--list", "5559998888", "--phone-to-call", "5551112222",
            "--api-url", live.url, "--json", env={**agent, "FINDME_KEY": "k-123"},
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "success"
    assert "team" not in done.stderr  # sent: nothing to say
    rows = server_calls(pg_cluster, pg_db)
    assert [(r["agent"], r["status"]) for r in rows] == [(pg.AGENT_USER, "success")]

    shown = json.loads(run_cli("history", "--json", "--agent", pg.AGENT_USER, env=agent).stdout)
    assert [(c["uuid"], c["agent"]) for c in shown] == [(rows[0]["uuid"], pg.AGENT_USER)]
    assert json.loads(run_cli("history", "--json", "--agent", "nobody", env=agent).stdout) == []

    synced = run_cli("team", "sync", "--json", env=agent)
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert (report["connected"], report["sent_calls"], report["waiting_to_send"]) == (True, 0, 0)
    status = json.loads(run_cli("team", "status", "--json", env=agent).stdout)
    assert status["waiting_to_send"] == 0 and status["offline_since"] is None
    assert status["last_sync"].endswith("Z") and status["error"] is None
    assert len(server_calls(pg_cluster, pg_db)) == 1


def test_team_sync_without_a_team_server_says_so(run_cli) -> None:
    done = run_cli("team", "sync")
    assert done.returncode == 2
    assert done.stderr.strip() == "team sync: this desktop has no team server (see `team connect`)."


def test_a_call_while_the_team_server_is_away_says_so_once(run_cli, home: Path) -> None:
    # The call syncs before (the lists) and after (to send it): the same sentence twice was
    # what a newcomer saw.
    import socket

    from console import paths
    from console.store import Store, TeamList, TeamMember

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with Store.open(paths.store_path()) as store:
        store.save_team(TeamList(None, "Sales", [TeamMember("Ann", "5559998888")]))
    away = {"FINDME_TEAM_URL": f"postgresql://ann:pw@127.0.0.1:{port}/team"}
    done = run_cli(
        "call", "--team", "Sales", "--phone-to-call", "5551112222", "--api-url", "sandbox", env=away
    )
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("sent when the team server is back") == 1, done.stderr


def test_an_edit_while_the_team_server_is_away_says_it_waits_too(run_cli, home: Path) -> None:
    # Found by hand: `dispositions add` offline said "its calls are sent when the team server
    # is back", while the edit waits too (team status counts it).
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    away = {"FINDME_TEAM_URL": f"postgresql://ann@127.0.0.1:{port}/team"}
    done = run_cli("dispositions", "add", "Sent brochure", env=away)
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert "its calls and edits are sent when the team server is back" in done.stderr


def _away() -> dict[str, str]:
    """FINDME_TEAM_URL pointing at a loopback port nobody listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {"FINDME_TEAM_URL": f"postgresql://ann:pw@127.0.0.1:{port}/team"}


def test_status_offline_before_any_sync_says_so_in_text_as_json_does(run_cli) -> None:
    # The text said "offline since: now" while --json said null: no sync had noted it yet.
    away = _away()
    text = run_cli("team", "status", env=away)
    _no_traceback(text)
    assert text.returncode == 3, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("Offline: ")
    assert lines[1] == (
        "offline since: not noted yet (no sync has found it offline); "
        "rows waiting to be sent: 0; last sync: never"
    )
    done = run_cli("team", "status", "--json", env=away)
    assert done.returncode == 3
    payload = json.loads(done.stdout)
    assert (payload["offline_since"], payload["last_sync"], payload["connected"]) == (
        None, None, False,
    )  # fmt: skip


def test_teams_commands_exit_3_when_the_team_server_cannot_be_reached(run_cli) -> None:
    # They exited 4 ("a local problem") for a network failure; README: 3 is the network.
    away = _away()
    for command in (("teams", "list"), ("teams", "show", "Sales"), ("teams", "list", "--json")):
        done = run_cli(*command, env=away)
        _no_traceback(done)
        assert done.returncode == 3, (command, done.stderr)
        assert "cannot be reached" in done.stderr.splitlines()[0]
        assert len(done.stderr.strip().splitlines()) == 1
    payload = json.loads(done.stdout)  # the last: --json
    assert (payload["result"], payload["problem"]) == ("network", "team server")


def test_a_refused_login_is_said_as_such_by_teams_call_and_history(
    run_cli, pg_cluster: Any, pg_db: str
) -> None:
    # `call` and `history wrap-up` said "sent when the team server is back" though the server
    # was there and had refused the password; `teams list` exited 4 (right: the password)
    # but for the same reason as an unreachable server.
    from tests.integration.test_cli import LiveSandbox

    wrong = {"FINDME_TEAM_URL": pg_cluster.url(pg_db, pg.AGENT_USER, "not-the-password")}
    listed = run_cli("teams", "list", env=wrong)
    _no_traceback(listed)
    assert listed.returncode == 4, listed.stderr
    assert f"refused the login for {pg.AGENT_USER}" in listed.stderr
    with LiveSandbox() as live:
        done = run_cli(
            "call", "--list", "5559998888", "--phone-to-call", "5551112222",
            "--api-url", live.url, "--json", env={**wrong, "FINDME_KEY": "k-123"},
        )  # fmt: skip
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("call: ")]
    assert len(said) == 1, done.stderr
    assert "The team server refused the login, so this desktop's copy is used" in said[0]
    assert "when the team server is back" not in said[0]
    assert "not-the-password" not in done.stderr + done.stdout
    call_id = str(json.loads(run_cli("history", "--json", env=wrong).stdout)[0]["id"])
    wrapped = run_cli("history", "wrap-up", call_id, "--disposition", "Connected", env=wrong)
    assert wrapped.returncode == 0, wrapped.stderr
    assert "The team server refused the login" in wrapped.stderr
    assert "when the team server is back" not in wrapped.stderr
