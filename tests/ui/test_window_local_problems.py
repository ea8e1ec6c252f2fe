"""Local problems in the window: said in a dialog before the main window, a damaged store
offered to be moved aside, and a keyring that does not answer said beside Call, with a way
out, never holding the process up after the window closes.

The start-up cases run the real program (tests/ui/drive_window.py acts as the person:
it prints every message box and answers it); the Call line runs in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from window_kit import open_session, pick, seed_window

from console.settings import Settings
from console.store import Lead, Store, TeamList, TeamMember
from tests import keyrings
from tests.conftest import ROOT, until
from tests.faults import closed_port
from tests.local_faults import read_only

DRIVER = ROOT / "tests" / "ui" / "drive_window.py"
EXIT_LOCAL = 4
NOT_A_DATABASE = b"SQLite? no, a spreadsheet\n" * 200


def drive(home: Path, script: str, prefix: list[str] | None = None, timeout: float = 60, **env):
    """Run the window on ``home`` with the driver's ``script``; (exit code, lines, seconds)."""
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FINDME_HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        **env,
    }
    for name in ("FINDME_API_URL", "FINDME_KEY", "FINDME_ACCESS_KEY", "FINDME_SECRET_ACCESS_KEY"):
        environment.pop(name, None)
    started = time.monotonic()
    done = subprocess.run(
        [*(prefix or []), sys.executable, str(DRIVER), script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout.splitlines(), time.monotonic() - started


def boxes(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if line.startswith(f"box {name}: ")]


# -- at start ---------------------------------------------------------------------------------


def test_a_log_folder_that_cannot_be_made_is_a_dialog_before_any_window(home: Path) -> None:
    (home / "logs").write_text("a file where the log folder goes")
    code, lines, _ = drive(home, "show")
    assert code == EXIT_LOCAL
    (box,) = boxes(lines, "could not start")
    assert f"The log folder {home / 'logs'} is a file, not a folder" in box
    assert "window shown" not in lines
    assert (home / "logs").read_text() == "a file where the log folder goes"


def test_a_read_only_data_folder_is_a_dialog_before_any_window(home: Path) -> None:
    with read_only(home) as prefix:
        code, lines, _ = drive(home, "show", prefix)
    assert code == EXIT_LOCAL
    (box,) = boxes(lines, "could not start")
    assert str(home) in box and "writable" in box and "FINDME_HOME" in box
    assert "window shown" not in lines


def test_a_damaged_store_is_left_untouched_when_the_person_quits(home: Path) -> None:
    (home / "findme.db").write_bytes(NOT_A_DATABASE)
    code, lines, _ = drive(home, "show", FINDME_TEST_ANSWER="Quit")
    assert code == EXIT_LOCAL
    (box,) = boxes(lines, "unusable store")
    assert f"The store {home / 'findme.db'} is damaged (not an SQLite database)." in box
    assert "Move aside renames it, with its -wal and -shm files, to findme.db.damaged-" in box
    assert "window shown" not in lines
    assert (home / "findme.db").read_bytes() == NOT_A_DATABASE
    assert not list(home.glob("findme.db*-*"))  # no -wal, no -shm, nothing moved


def test_a_damaged_store_moved_aside_is_kept_and_the_window_starts_fresh(home: Path) -> None:
    (home / "findme.db").write_bytes(NOT_A_DATABASE)
    (home / "findme.db-wal").write_bytes(b"its log")
    code, lines, _ = drive(home, "show", FINDME_TEST_ANSWER="Move aside and start fresh")
    assert code == 0
    assert boxes(lines, "unusable store")
    assert lines.index("window shown") > lines.index(boxes(lines, "unusable store")[0])
    (kept,) = home.glob("findme.db.damaged-*[0-9]")
    assert kept.read_bytes() == NOT_A_DATABASE
    assert Path(f"{kept}-wal").read_bytes() == b"its log"
    (notice,) = boxes(lines, "notices")
    assert f"moved aside as {kept.name}" in notice and "Nothing could be read from it" in notice
    assert f"rename {kept.name}" in notice and "back to findme.db" in notice
    with Store.open(home / "findme.db") as fresh:  # a working store in its place
        assert fresh.list_teams() == []


# -- a keyring that never answers -------------------------------------------------------------


def dialogtech_account(home: Path) -> None:
    """A DialogTech account (so Call reads the keyring) aimed at a closed loopback port."""
    settings = Settings(home / "settings.json")
    settings.set("account.mode", "dialogtech")
    settings.set("account.api_url", f"http://127.0.0.1:{closed_port()}/ibp_api.php")
    settings.save()
    with Store.open(home / "findme.db") as store:
        store.add_lead(Lead(None, "Jane Roe", "5552223334"))
        store.save_team(TeamList(None, "Sales East", [TeamMember("A", "5551110003")]))


def test_closing_the_window_while_the_keyring_hangs_ends_the_process(home: Path) -> None:
    dialogtech_account(home)
    code, lines, seconds = drive(
        home, "call", timeout=45,
        PYTHON_KEYRING_BACKEND="tests.keyrings.Sleeping", FINDME_KEYRING_TIMEOUT="600",
        FINDME_TEST_WAIT="1.5",
    )  # fmt: skip
    assert code == 0
    assert "feedback: Waiting for the keyring to unlock… (nothing is sent until it answers)" in (
        lines
    )
    assert "stop waiting: shown" in lines
    assert lines[-1] == "closing"
    assert seconds < 30  # the keyring still sleeps (an hour): the process did not wait for it
    with Store.open(home / "findme.db") as store:
        assert store.count_calls() == 0  # nothing was sent, nothing recorded


@pytest.fixture
def sleeping_session(home, arun, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyrings.Sleeping")
    monkeypatch.setenv(keyrings.SLEEP_ENV, "3")  # the threads left behind end soon after
    yield from open_session(arun, keyrings.Sleeping())


def open_on_keyring(session, arun):
    engine, window = session.start()
    lead, team = seed_window(engine, window)
    url = f"http://127.0.0.1:{closed_port()}/ibp_api.php"
    arun(engine.apply_account(override=url))
    window.update_account()
    pick(window, lead, team)
    return engine, window


def test_stop_waiting_beside_call_ends_the_wait_and_sends_nothing(
    sleeping_session, arun, monkeypatch
) -> None:
    monkeypatch.setenv("FINDME_KEYRING_TIMEOUT", "600")
    engine, window = open_on_keyring(sleeping_session, arun)
    panel = window.call_panel

    async def scenario():
        panel.call_button.click()
        await until(panel.keyring_cancel.isVisible, what="Stop waiting beside Call")
        assert "Waiting for the keyring to unlock" in panel.feedback.text()
        panel.keyring_cancel.click()
        await until(lambda: "Stopped waiting" in panel.feedback.text(), what="the wait to end")
        # The call's reservation ended with the wait: Call is free for the same call again.
        await until(lambda: engine.calls.count() == 0, what="the reservation to be released")

    arun(scenario())
    assert panel.feedback.text() == "Stopped waiting for the keyring; nothing was sent."
    assert not panel.keyring_cancel.isVisible()
    assert engine.store.count_calls() == 0


def test_a_keyring_that_never_answers_is_said_beside_call(
    sleeping_session, arun, monkeypatch
) -> None:
    monkeypatch.setenv("FINDME_KEYRING_TIMEOUT", "0.6")
    engine, window = open_on_keyring(sleeping_session, arun)
    panel = window.call_panel

    async def scenario():
        started = time.monotonic()
        panel.call_button.click()
        await until(lambda: "did not answer" in panel.feedback.text(), what="the timeout")
        return time.monotonic() - started

    assert arun(scenario()) < 5
    text = panel.feedback.text()
    assert text.startswith("Nothing was sent: the OS keyring (keyrings Sleeping) did not answer")
    assert "unlock it" in text
    assert panel.call_button.isEnabled() and not panel.keyring_cancel.isVisible()
    assert engine.store.count_calls() == 0


def test_settings_notices_name_the_setting_at_start(home: Path) -> None:
    (home / "settings.json").write_text(
        json.dumps({"version": 1, "values": {"sandbox.time_scale": -2}})
    )
    code, lines, _ = drive(home, "show")
    assert code == 0
    (notice,) = boxes(lines, "notices")
    assert "sandbox.time_scale must be a finite number from 0 to 100" in notice
