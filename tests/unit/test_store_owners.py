"""Who owns a pending call: a lock held by the store that placed it, not a pid that is reused.

Real child processes hold (or held) the locks, on a real SQLite file.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from console.store import CallRecord, Store, owners
from console.store import connection as store_connection

REPO_ROOT = Path(__file__).resolve().parents[2]

# A console that begins one call and keeps it in flight (or, with "finish", ends it) and stays
# open until told to stop, or killed.
_OWNER = """
import sys
from pathlib import Path
from console.store import Store

store = Store.open(Path(sys.argv[1]))
call_id = store.begin_call(lead_name="child", lead_number="5550000009", team_name="T",
    list_value="5550000001", call_type=1, request_redacted="")
if sys.argv[2:] == ["finish"]:
    store.finish_call(call_id, status="success", description="ok")
print(call_id, flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "findme.db"


@contextmanager
def _child_owner(db_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """A child process with one call in flight: (the process, the call's id)."""
    child = subprocess.Popen(
        [sys.executable, "-c", _OWNER, str(db_path), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        yield child, int(child.stdout.readline())
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdin.close()
        child.stdout.close()


@contextmanager
def _live_unrelated_process() -> Iterator[int]:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield sleeper.pid
    finally:
        sleeper.kill()
        sleeper.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _set_owner_pid(db_path: Path, call_id: int, pid: int) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE history SET owner_pid = ? WHERE id = ?", (pid, call_id))
    raw.close()


def test_a_dead_owner_whose_pid_now_names_a_live_process_is_recovered(db_path: Path) -> None:
    with _child_owner(db_path) as (child, call_id):
        child.kill()
        child.wait()
    with _live_unrelated_process() as reused:
        # What a PID namespace, a reboot or a second machine does: the pid names someone else.
        _set_owner_pid(db_path, call_id, reused)
        with Store.open(db_path) as store:
            assert store.recovered_calls == 1
            assert store.get_call(call_id).status == "interrupted"
    # The dead owner's lock file went with its rows.
    assert list((db_path.parent / owners.OWNERS_DIR).glob("*.lock")) == []


def test_a_live_owner_whose_pid_means_nothing_here_is_left_alone(db_path: Path) -> None:
    with _child_owner(db_path) as (child, call_id):
        # The owner runs on "another machine": its pid is nobody's here.
        _set_owner_pid(db_path, call_id, _dead_pid())
        with Store.open(db_path) as store:
            assert store.recovered_calls == 0
            assert store.get_call(call_id).status == "pending"
        child.stdin.write("done\n")
        child.stdin.flush()
        assert child.wait(10) == 0
    # Closed with its call still pending: the call is an orphan now.
    with Store.open(db_path) as store:
        assert store.recovered_calls == 1
        assert store.get_call(call_id).status == "interrupted"


def test_each_store_owns_its_calls_even_within_one_process(db_path: Path) -> None:
    with Store.open(db_path) as window:
        own = window.begin_call(
            lead_name="Ann",
            lead_number="5551112222",
            team_name="T",
            list_value="5550000001",
            call_type=1,
            request_redacted="",
        )
        token = window.get_call(own).owner_token
        assert len(token) == 32
        lock = owners.lock_path(db_path.parent / owners.OWNERS_DIR, token)
        assert lock.exists()
        with Store.open(db_path) as cli:  # the same process's other store: still in flight
            assert cli.recovered_calls == 0
        # Even a probe through a descriptor of its own cannot take a held lock.
        owners._HELD.discard(token)
        try:
            assert owners.owner_alive(lock.parent, token)
        finally:
            owners._HELD.add(token)
    assert not lock.exists()  # released and removed at close
    with Store.open(db_path) as later:
        assert later.recovered_calls == 1


def test_stale_lock_files_of_owners_killed_idle_are_swept(db_path: Path) -> None:
    with _child_owner(db_path, "finish") as (child, _call_id):
        child.kill()
        child.wait()
    folder = db_path.parent / owners.OWNERS_DIR
    [left] = list(folder.glob("*.lock"))  # a lock nobody holds and no pending row names
    Store.open(db_path).close()
    assert left.exists()  # young: it may be a store about to take it
    old = time.time() - owners.STALE_SECONDS - 5
    os.utime(left, (old, old))
    with _child_owner(db_path) as (_live, _id):
        [held] = [p for p in folder.glob("*.lock") if p != left]
        os.utime(held, (old, old))  # old too, but held: kept
        Store.open(db_path).close()
        assert not left.exists()
        assert held.exists()


def test_rows_from_before_owner_tokens_are_recovered_by_pid(db_path: Path) -> None:
    version = len(store_connection.MIGRATIONS) - 1
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as old, _live_unrelated_process() as live:
        for migrate in store_connection.MIGRATIONS[:version]:
            migrate(old)
        old.execute(f"PRAGMA user_version = {version}")
        for pid in (_dead_pid(), live):
            old.execute(
                "INSERT INTO history(created_at, call_type, status, owner_pid)"
                " VALUES ('2025-01-01T00:00:00.000Z', 1, 'pending', ?)",
                (pid,),
            )
        old.commit()
        with Store.open(db_path) as upgraded:
            assert upgraded.recovered_calls == 1
            statuses = {r.owner_pid: r.status for r in upgraded.fetch_calls()}
            assert statuses == {
                live: "pending",
                **{p: "interrupted" for p in statuses if p != live},
            }
            assert {r.owner_token for r in upgraded.fetch_calls()} == {""}
    old.close()


def test_owner_token_survives_bulk_copies(db_path: Path) -> None:
    record = CallRecord(None, "2025-01-01T00:00:00.000Z", None, "A", "5551112222", "T", "", 1,
                        "success", "", "", "", "", 1, "feedface" * 4)  # fmt: skip
    with Store.open(db_path) as store:
        store.add_calls_bulk([record])
        assert store.fetch_calls()[0].owner_token == "feedface" * 4
