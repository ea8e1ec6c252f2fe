"""The Account dialog's Team section against the real PostgreSQL of tests/pg.py: joining
keeps the password in the keyring only and starts the sync; leaving forgets both."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit
from window_kit import open_session

from console.credentials import SERVICE
from console.settings import TEAM_AGENT, TEAM_URL
from console.team_join import KEYRING_ENTRY
from tests import pg
from tests.conftest import until


@pytest.fixture
def session(home, arun, memory_keyring, monkeypatch):
    monkeypatch.delenv("FINDME_TEAM_URL", raising=False)
    yield from open_session(arun, memory_keyring)


def _settings_text(engine) -> str:
    return (engine.store.path.parent / "settings.json").read_text(encoding="utf-8")


def test_a_remote_host_is_proposed_verify_full_without_a_network(session, arun, qtbot) -> None:
    engine, window = session.start()
    section = window.show_account().team_section
    assert section.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert "own store" in arun(until(lambda: section.status.text(), 5, "the status"))
    qtbot.keyClicks(section.url_edit, "postgresql://ann:s3cret-pw@db.example.com/sales")
    arun(section.check_url())
    text = section.url_check.text()
    assert "sslmode=verify-full will be added" in text
    assert "goes to the keyring" in text and "s3cret-pw" not in text
    section.url_edit.setText("postgresql://ann@127.0.0.1/sales")  # loopback: left alone
    arun(section.check_url())
    assert "verify-full" not in section.url_check.text()
    section.url_edit.setText("mysql://nope")
    arun(section.check_url())
    assert section.url_check.text().startswith("⚠")


def test_connect_keeps_the_password_in_the_keyring_starts_the_sync_and_disconnect_forgets(
    session, arun, qtbot, memory_keyring, pg_cluster: Any, pg_db: str
) -> None:
    engine, window = session.start()
    dialog = window.show_account()
    section = dialog.team_section
    url = pg_cluster.url(pg_db, pg.LEAD_USER)  # no password in it: typed in its own field
    section.url_edit.setText(url)
    qtbot.keyClicks(section.agent_edit, "Ann at the desk")
    qtbot.keyClicks(section.password_edit, pg.ROLE_PASSWORD)
    changed: list[bool] = []
    dialog.team_changed.connect(lambda: changed.append(True))
    section.connect_button.click()
    arun(until(lambda: changed, 15, "the connection"))
    assert "Connected to the team server" in section.status.text()
    assert f"role lead, agent name {pg.LEAD_USER}" not in section.status.text()  # a lead's own
    assert "Ann at the desk" in section.status.text()
    assert engine.settings.get(TEAM_URL) == url
    assert engine.settings.get(TEAM_AGENT) == "Ann at the desk"
    assert memory_keyring.entries[(SERVICE, KEYRING_ENTRY)] == pg.ROLE_PASSWORD
    assert pg.ROLE_PASSWORD not in _settings_text(engine) + section.status.text()
    assert section.password_edit.text() == ""
    # The window is in team mode now: its sync runs and says who this desktop is.
    arun(until(lambda: window.team_mode.sync is not None, 15, "the sync to start"))
    arun(until(lambda: engine.store.team_state().get("role") == "lead", 15, "the sync's role"))

    section.disconnect_button.click()
    arun(until(lambda: len(changed) == 2, 15, "the disconnection"))
    assert "Disconnected" in section.status.text()
    assert not engine.settings.get(TEAM_URL)
    assert (SERVICE, KEYRING_ENTRY) not in memory_keyring.entries
    arun(until(lambda: window.team_mode.sync is None, 5, "the sync to stop"))
    arun(until(lambda: window.history.table.isColumnHidden(1), 5, "the agent column to go"))
    arun(until(lambda: window.tasks.running("filter history") is None, 5, "the filter"))


def test_a_wrong_password_saves_nothing_and_says_one_sentence(
    session, arun, qtbot, memory_keyring, pg_cluster: Any, pg_db: str
) -> None:
    engine, window = session.start()
    section = window.show_account().team_section
    section.url_edit.setText(pg_cluster.url(pg_db, pg.AGENT_USER, "not-the-password"))
    task = section.join()
    arun(task)
    text = section.status.text()
    assert text.startswith("⚠ Not connected:") and text.count("\n") == 0
    assert "not-the-password" not in text
    assert not engine.settings.get(TEAM_URL)
    assert (SERVICE, KEYRING_ENTRY) not in memory_keyring.entries
    assert window.team_mode.sync is None
