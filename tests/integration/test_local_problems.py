"""Local problems on the command line: the store, the settings, the data folder and the keyring.

Each ends in one sentence on stderr naming the file or service and what to do, exit code 4
("a local problem, nothing was sent"), an error object with --json, and never a traceback.
Real files, real SQLite, real keyring backends that misbehave (tests/keyrings.py), a real
read-only or full file system (tests/local_faults.py); the program runs as a subprocess.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.test_cli import LEAD, LIST, LiveSandbox
from tests.local_faults import full_disk, read_only

Run = Callable[..., subprocess.CompletedProcess]
EXIT_LOCAL = 4


@pytest.fixture(autouse=True)
def fast_sandbox(home: Path) -> None:
    """The embedded sandbox of every subprocess runs a hundred times faster than real time."""
    settings = {"version": 1, "values": {"sandbox.time_scale": 0.01}}
    (home / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def one_sentence(done: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 4 and one line on stderr (no traceback) holding ``words``; returns the line."""
    assert done.returncode == EXIT_LOCAL, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert lines[0].endswith(".")
    return lines[0]


def error_object(done: subprocess.CompletedProcess, kind: str) -> dict[str, str]:
    payload = json.loads(done.stdout)
    assert payload["result"] == "local" and payload["sid"] == "" and payload["problem"] == kind
    assert payload["result_description"] == done.stderr.strip()
    return payload


def place(run_cli: Run, *args: str, env: dict[str, str] | None = None, **kw):
    return run_cli(
        "call", "--list", LIST, "--phone-to-call", LEAD, "--api-url", "sandbox", "--json", *args,
        env=env, **kw,
    )  # fmt: skip


# -- the store --------------------------------------------------------------------------------


def _not_a_database(home: Path) -> None:
    (home / "findme.db").write_bytes(b"SQLite? no, a spreadsheet\n" * 200)


def _truncated(home: Path) -> None:
    from console.store import Store, TeamList, TeamMember

    with Store.open(home / "findme.db") as store:  # closing copies the log into the file
        for i in range(300):
            members = [TeamMember("A", "5550000001")]
            store.save_team(TeamList(None, f"Team {i:03d} " + "x" * 200, members))
    data = (home / "findme.db").read_bytes()
    (home / "findme.db").write_bytes(data[: len(data) // 3])


def _newer(home: Path) -> None:
    with sqlite3.connect(home / "findme.db") as raw:
        raw.execute("PRAGMA user_version = 99")


def _folder(home: Path) -> None:
    (home / "findme.db").mkdir()


STORES = {
    "not a database": (_not_a_database, ["is damaged (not an SQLite database)", "mv "]),
    "truncated": (_truncated, ["is damaged (truncated: ", "left as it is", "mv "]),
    "newer": (_newer, ["written by a newer FindMe Console", "update FindMe Console"]),
    "a folder": (_folder, ["findme.db is a folder", "out of the way"]),
}


@pytest.mark.parametrize("name", list(STORES))
@pytest.mark.parametrize("command", ["call", "history"])
def test_a_store_that_cannot_be_used_is_one_sentence(
    run_cli: Run, home: Path, name: str, command: str
) -> None:
    make, words = STORES[name]
    make(home)
    before = {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}
    done = place(run_cli) if command == "call" else run_cli("history", "--json")
    line = one_sentence(done, str(home / "findme.db"), *words)
    assert line.startswith("Nothing was sent: the store" if command == "call" else "The store")
    assert error_object(done, "store")["where"] == str(home / "findme.db")
    # Never modified, never deleted, nothing written beside it.
    assert {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()} == before


def test_the_mv_command_given_for_a_damaged_store_lets_the_next_call_run(
    run_cli: Run, home: Path
) -> None:
    _not_a_database(home)
    line = one_sentence(place(run_cli))
    command = line[line.index("run mv ") + 4 : line.index(" (the window")]
    subprocess.run(["sh", "-c", command], check=True)
    done = place(run_cli)
    assert done.returncode == 0, done.stderr
    kept = [p for p in home.iterdir() if p.name.startswith("findme.db.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"SQLite? no, a spreadsheet\n" * 200


# -- the settings and the data folder ---------------------------------------------------------


def test_a_settings_file_that_is_a_folder_is_one_sentence(run_cli: Run, home: Path) -> None:
    (home / "settings.json").unlink()
    (home / "settings.json").mkdir()
    for done in (place(run_cli), run_cli("account")):
        one_sentence(done, f"settings file {home / 'settings.json'} is a folder")
    assert (home / "settings.json").is_dir()


def test_a_settings_file_nested_200000_deep_is_moved_aside_once(run_cli: Run, home: Path) -> None:
    (home / "settings.json").write_text("[" * 200_000 + "]" * 200_000)
    first = place(run_cli)
    assert first.returncode == 0, first.stderr
    assert "nested too deep" in first.stderr and "Traceback" not in first.stderr
    again = place(run_cli)
    assert again.returncode == 0 and "nested too deep" not in again.stderr
    assert len(list(home.glob("settings.json.corrupt-*"))) == 1


def _call_by_account(run_cli: Run):
    return run_cli("call", "--list", "5559998882", "--phone-to-call", LEAD, "--json")


@pytest.mark.parametrize(
    "content, words",
    [
        ('{"values": {"account.mode": "dialogtech", ', "set aside as settings.json.corrupt-"),
        ('{"version": 1, "values": {"account.mode": "DialogTech"}}', "account.mode"),
    ],
    ids=["broken file", "refused value"],
)
def test_an_account_the_settings_cannot_name_is_never_replaced_by_the_sandbox(
    run_cli: Run, home: Path, content: str, words: str
) -> None:
    # Found by a newcomer: a damaged settings file made `call` place a sandbox call and print
    # "success", exit 0, where the person had a real account.
    (home / "settings.json").write_text(content)
    for done in (_call_by_account(run_cli), _call_by_account(run_cli)):  # the next run too
        assert done.returncode == 4, done.stdout + done.stderr
        assert words in done.stderr and "Nothing was sent" in done.stderr
        assert json.loads(done.stdout)["result"] == "local"
    # Naming the account again (here: the sandbox, on purpose) lets calls go ahead.
    assert run_cli("account", "set", "--sandbox").returncode == 0
    done = _call_by_account(run_cli)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-3", "1e400"])
def test_a_time_scale_out_of_range_names_the_setting(run_cli: Run, home: Path, value) -> None:
    (home / "settings.json").write_text(
        f'{{"version": 1, "values": {{"sandbox.time_scale": {value}}}}}'
    )
    # Answered after 2 s at the default time scale.
    done = run_cli("call", "--list", "5559998882", "--phone-to-call", LEAD, "--api-url", "sandbox")
    assert done.returncode == 0, done.stderr  # the default is used, and the call goes ahead
    assert "sandbox.time_scale must be a finite number from 0 to 100" in done.stderr
    assert "api-url" not in done.stderr and "Traceback" not in done.stderr


def test_a_data_folder_that_is_a_file_is_one_sentence(run_cli: Run, home: Path) -> None:
    data = home / "data"
    data.write_text("a file where the data folder should be")
    for done in (
        place(run_cli, env={"FINDME_HOME": str(data)}),
        run_cli("history", env={"FINDME_HOME": str(data)}),
        run_cli("account", "set", "--label", "x", env={"FINDME_HOME": str(data)}),
    ):
        one_sentence(done, f"data folder {data} is a file, not a folder", "FINDME_HOME")
    assert data.read_text() == "a file where the data folder should be"


def _prefixed(cli_env: dict[str, str], prefix: list[str], *args: str):
    return subprocess.run(
        [*prefix, sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=90,
    )


@pytest.mark.parametrize(
    "args", [("history",), ("account", "set", "--label", "x"), ("call", "--list", LIST,
             "--phone-to-call", LEAD, "--api-url", "sandbox")],
)  # fmt: skip
def test_a_read_only_data_folder_is_one_sentence(cli_env, home: Path, args) -> None:
    with read_only(home) as prefix:
        done = _prefixed(cli_env, prefix, *args)
    one_sentence(done, str(home), "writable", "FINDME_HOME")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("account", "set", "--label", "x"), "settings file"),
        (("call", "--list", LIST, "--phone-to-call", LEAD, "--api-url", "sandbox"), "store"),
    ],
)
def test_a_full_disk_is_one_sentence(cli_env, home: Path, args, words) -> None:
    done = _prefixed(cli_env, full_disk(home), *args)
    one_sentence(done, words, "the disk is full", "free some space")


# -- the keyring ------------------------------------------------------------------------------

KEYRINGS = {
    "Sleeping": "did not answer within 0.5 s when asked to read the credentials (it may be "
    "waiting for someone to unlock it)",
    "NoReply": "failed when asked to read the credentials (RuntimeError: org.freedesktop.DBus",
    "Broken": "failed when asked to read the credentials (OSError: [Errno 5]",
    "Locked": "is locked, so the credentials could not be read; unlock it",
    "ListEntry": "is not readable (a JSON list, not a credentials object)",
}


@pytest.fixture
def live():
    with LiveSandbox() as sandbox:
        yield sandbox


def keyring_env(name: str) -> dict[str, str]:
    return {"PYTHON_KEYRING_BACKEND": f"tests.keyrings.{name}", "FINDME_KEYRING_TIMEOUT": "0.5"}


@pytest.mark.parametrize("name", list(KEYRINGS))
def test_a_keyring_that_fails_or_never_answers_stops_the_call_with_one_sentence(
    run_cli: Run, live: LiveSandbox, name: str
) -> None:
    started = time.monotonic()
    done = run_cli(
        "call", "--list", LIST, "--phone-to-call", LEAD, "--api-url", live.url, "--json",
        env=keyring_env(name), timeout=30,
    )  # fmt: skip
    assert time.monotonic() - started < 15  # bounded, and the waiting thread holds nothing up
    line = one_sentence(done, "Nothing was sent: the ", "the OS keyring", KEYRINGS[name])
    assert "S3cret-in-a-list" not in done.stdout + done.stderr
    assert error_object(done, "keyring")["where"].startswith("the OS keyring")
    assert live.received == []  # nothing was sent
    assert "none stored" not in line


@pytest.mark.parametrize("name", list(KEYRINGS))
def test_account_never_says_none_stored_when_the_keyring_did_not_say(
    run_cli: Run, home: Path, name: str
) -> None:
    (home / "settings.json").write_text('{"version": 1, "values": {"account.mode": "dialogtech"}}')
    done = run_cli("account", env=keyring_env(name), timeout=30)
    one_sentence(done, KEYRINGS[name])
    assert "none stored" not in done.stdout
    for args in (("account", "forget"), ("account", "set", "--key-stdin")):
        if name == "ListEntry":
            continue  # its store and delete work: only what it holds is wrong
        failed = run_cli(*args, stdin="PUB-KEY-1234\n", env=keyring_env(name), timeout=30)
        one_sentence(failed, "OS keyring")
