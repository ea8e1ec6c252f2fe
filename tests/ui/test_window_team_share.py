"""The window in team mode shares its wrap-ups and uses the team's dispositions: the real
window offscreen with its own sync thread, the sandbox over loopback, the real PostgreSQL of
tests/pg.py."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from window_kit import open_session, pick, seed_window

from tests import pg
from tests.conftest import until


@pytest.fixture
def session(home, arun, memory_keyring):
    yield from open_session(arun, memory_keyring)


def _server_wrap_up(cluster: Any, db: str) -> tuple | None:
    import psycopg

    with psycopg.connect(cluster.admin_url(db), autocommit=True) as conn:
        return conn.execute("SELECT disposition, notes FROM findme.calls").fetchone()


def test_a_wrap_up_saved_in_the_window_reaches_the_team_with_the_teams_dispositions(
    session, arun, qtbot, monkeypatch, pg_cluster: Any, pg_db: str
) -> None:
    from console.store.models import Disposition
    from console.store.postgres import PgStore

    with PgStore.open(pg_cluster.url(pg_db, pg.LEAD_USER, pg.ROLE_PASSWORD)) as lead:
        lead.save_disposition(Disposition(None, "Voicemail full", -1))  # first in the list
    monkeypatch.setenv("FINDME_TEAM_URL", pg_cluster.url(pg_db, pg.AGENT_USER, pg.ROLE_PASSWORD))
    engine, window = session.start()
    arun(window.team_mode.start())
    arun(
        until(
            lambda: "Voicemail full" in [d.name for d in engine.store.list_dispositions()],
            15,
            "the team's dispositions copied",
        )
    )
    lead_row, team = seed_window(engine, window)

    async def place() -> Any:
        pick(window, lead_row, team)
        window.call_panel.call_button.setFocus()
        window.call_panel.call_button.click()
        await until(
            lambda: (r := window.history.model.record(0)) is not None and r.status != "pending",
            what="a final history row",
        )
        return await until(_strip_up, what="the wrap-up strip")

    def _strip_up() -> Any:
        strip = window.wrap_ups.strip
        return strip if strip is not None and strip.isVisible() and strip.record else None

    strip = arun(place())
    qtbot.keyClick(strip, Qt.Key.Key_1)  # the team's first disposition
    assert strip.chosen.name == "Voicemail full"
    strip.notes.setFocus()
    qtbot.keyClicks(strip.notes, "full again")
    qtbot.keyClick(strip.notes, Qt.Key.Key_Return)
    # The sync thread notices the store's change within a poll and sends the call, then it.
    arun(
        until(
            lambda: _server_wrap_up(pg_cluster, pg_db) == ("Voicemail full", "full again"),
            10,
            "the wrap-up on the team server",
        )
    )
    arun(until(lambda: engine.store.team_state().get("waiting") == "0", 5, "nothing waiting"))
    arun(until(lambda: window.tasks.running("filter history") is None, 5, "the filter"))
